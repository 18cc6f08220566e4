//! An article prepared once for matching: the words of title and body, each distinct written
//! word analysed once and shared by all its occurrences, so memory grows with the text and
//! not with how often a word repeats.

use std::collections::HashMap;

use super::ast::Field;
use super::keys::Keys;
use crate::text::kazakh::is_kazakh_ending;
use crate::text::normalize::normalise;
use crate::text::script::{ALL_SCHEMES, Scheme, Script, Votes, pick_scheme, scheme_votes};
use crate::text::{Form, TokenRef, Tokens, analyse, for_each_token, glance, script_of};

/// Longest field matched, in bytes; text beyond it is not looked at (articles are far
/// smaller; the bound keeps offsets in 32 bits).
pub const MAX_FIELD_BYTES: usize = 256 << 20;

/// One matchable word of a field: a token part, or a whole hyphenated/dotted token.
/// Units are ordered by their first position (a whole token comes before its parts).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Unit {
    /// Position of its first part (parts are numbered through the field).
    pub first: u32,
    /// Position of its last part.
    pub last: u32,
    /// Sentence number within the field.
    pub sentence: u32,
    /// Byte range in the field's original text.
    pub start: u32,
    /// End of that byte range.
    pub end: u32,
    /// The distinct written word, an index into the document's word table.
    pub word: u32,
}

/// The words of one field with the original text they came from.
#[derive(Debug)]
pub(crate) struct FieldText {
    pub text: String,
    pub units: Vec<Unit>,
}

/// An article's title and body, normalised and tokenised once and reused by every rule.
#[derive(Debug)]
pub struct Document {
    pub(crate) title: FieldText,
    pub(crate) body: FieldText,
    /// Readings of every analysed distinct word, word after word.
    forms: Vec<Form>,
    /// `forms[offsets[w]..offsets[w + 1]]` are the readings of word `w` (none when the
    /// word was left unanalysed because no query word of the rule set can match it).
    offsets: Vec<u32>,
    /// The rule set the words were chosen for; `None` when every word is analysed.
    prepared_for: Option<u64>,
}

fn has_latin(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// Picks the Latin-Kazakh scheme(s) from the document's own Latin-script tokens (each
/// distinct token looked at once, its votes counted as often as it occurs).
fn document_schemes(words: &[Written<'_>]) -> Vec<Scheme> {
    let mut votes = Votes::default();
    for w in words.iter().filter(|w| w.tokens > 0 && has_latin(w.raw)) {
        let mut one = Votes::default();
        scheme_votes(w.raw, &mut one);
        if one.iter().any(|&v| v > 0) && script_of(w.raw) == Script::Latin {
            for (v, o) in votes.iter_mut().zip(one) {
                *v = v.saturating_add(o.saturating_mul(w.tokens as usize));
            }
        }
    }
    pick_scheme(&votes).map_or_else(|| ALL_SCHEMES.to_vec(), |s| vec![s])
}

/// The field's text cut to [`MAX_FIELD_BYTES`] on a character boundary.
fn bounded(text: &str) -> &str {
    let mut end = text.len().min(MAX_FIELD_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// One distinct written word and how often it occurs.
struct Written<'t> {
    raw: &'t str,
    /// Occurrences as a whole token (these vote for the Latin spelling scheme).
    tokens: u32,
    /// Occurrences as a token part (these count for telling a Kazakh text).
    parts: u32,
}

/// Interns written words while the fields are scanned; they are analysed afterwards, once
/// the text's spelling scheme is known. The words come from pages, so the table is keyed with
/// a per-process random seed (foldhash: a fraction of SipHash's cost, and no fixed collisions
/// for a page to aim at).
#[derive(Default)]
struct Builder<'t> {
    ids: HashMap<&'t str, u32, foldhash::fast::RandomState>,
    words: Vec<Written<'t>>,
}

impl<'t> Builder<'t> {
    fn word(&mut self, raw: &'t str) -> u32 {
        if let Some(id) = self.ids.get(raw) {
            return *id;
        }
        let id = u32::try_from(self.words.len()).unwrap_or(u32::MAX);
        self.words.push(Written {
            raw,
            tokens: 0,
            parts: 0,
        });
        self.ids.insert(raw, id);
        id
    }

    fn count(&mut self, word: u32, token: bool, part: bool) {
        if let Some(w) = self.words.get_mut(word as usize) {
            w.tokens = w.tokens.saturating_add(u32::from(token));
            w.parts = w.parts.saturating_add(u32::from(part));
        }
    }

    /// The units of field `text`, read from its `tokens` when the caller found them already.
    fn field(&mut self, text: &'t str, tokens: Option<&Tokens>) -> Vec<Unit> {
        // A unit per part, and a few more for whole hyphenated tokens and their heads.
        let mut units = Vec::with_capacity(tokens.map_or(0, |t| t.part_count() * 17 / 16));
        let mut pos: u32 = 0;
        let mut add = |t: TokenRef<'_>| {
            let n = u32::try_from(t.parts.len()).unwrap_or(u32::MAX);
            let last = pos.saturating_add(n - 1);
            let whole = t.parts.len() > 1;
            if whole {
                let word = self.word(text.get(t.start..t.end).unwrap_or_default());
                self.count(word, true, false);
                units.push(unit((pos, last), t.sentence, (t.start, t.end), word));
            }
            if let Some(head_end) = ending_after_head(text, t.parts) {
                let word = self.word(text.get(t.start..head_end).unwrap_or_default());
                let span = (pos, last.saturating_sub(1));
                units.push(unit(span, t.sentence, (t.start, head_end), word));
            }
            for (i, &(start, end)) in (0u32..).zip(t.parts) {
                let word = self.word(text.get(start..end).unwrap_or_default());
                self.count(word, !whole, true);
                let at = pos.saturating_add(i);
                units.push(unit((at, at), t.sentence, (start, end), word));
            }
            pos = last.saturating_add(1);
        };
        match tokens {
            Some(tokens) => tokens.each(&mut add),
            None => for_each_token(text, &mut add),
        }
        units.shrink_to_fit();
        units
    }
}

/// The readings of the distinct words (only of those `keys` may want, when given), with
/// whether the text is Kazakh marked on them.
struct Analysed {
    forms: Vec<Form>,
    offsets: Vec<u32>,
}

fn analyse_words(words: &[Written<'_>], keys: Option<&Keys>) -> Analysed {
    let schemes = document_schemes(words);
    let mut forms: Vec<Form> = Vec::new();
    let mut offsets: Vec<u32> = Vec::with_capacity(words.len() + 1);
    offsets.push(0);
    // Cyrillic word parts and those of them with a Kazakh-only letter (occurrences).
    let (mut cyrillic, mut kazakh) = (0usize, 0usize);
    for w in words {
        let from = forms.len();
        let flags = match keys {
            None => {
                forms.extend(analyse(w.raw, &schemes));
                forms.get(from).map(|f| (!f.latin, f.kazakh))
            }
            Some(keys) => {
                let mut wanted = false;
                let g = glance(w.raw, &schemes, |head| match keys.wants(head) {
                    Some(yes) => {
                        wanted |= yes;
                        false
                    }
                    None => !wanted,
                });
                if wanted {
                    forms.extend(analyse(w.raw, &schemes));
                }
                Some((g.cyrillic, g.kazakh))
            }
        };
        if let Some((true, kz)) = flags {
            cyrillic = cyrillic.saturating_add(w.parts as usize);
            kazakh = kazakh.saturating_add(if kz { w.parts as usize } else { 0 });
        }
        offsets.push(u32::try_from(forms.len()).unwrap_or(u32::MAX));
    }
    if kazakh >= 2 && kazakh.saturating_mul(KAZAKH_SHARE) >= cyrillic {
        forms.iter_mut().for_each(Form::mark_kazakh);
    }
    forms.shrink_to_fit();
    Analysed { forms, offsets }
}

/// A token of three or more parts whose last part is a hyphenated Kazakh ending
/// (COVID-19-ға, ҚР-ның is two parts and needs no help): the end of the parts before it, so
/// the token without its ending is a word too.
fn ending_after_head(text: &str, parts: &[(usize, usize)]) -> Option<usize> {
    let [.., (_, head_end), (s, e)] = parts else {
        return None;
    };
    let last = normalise(text.get(*s..*e)?);
    (parts.len() >= 3 && is_kazakh_ending(&last)).then_some(*head_end)
}

fn unit(span: (u32, u32), sentence: u32, bytes: (usize, usize), word: u32) -> Unit {
    Unit {
        first: span.0,
        last: span.1,
        sentence,
        start: u32::try_from(bytes.0).unwrap_or(u32::MAX),
        end: u32::try_from(bytes.1).unwrap_or(u32::MAX),
        word,
    }
}

/// A text is Kazakh when at least this share (1/n) of its Cyrillic words hold a
/// Kazakh-only letter; Russian texts stay far below it even when they quote Kazakh names.
const KAZAKH_SHARE: usize = 8;

impl Document {
    /// Prepares an article for matching, every word analysed. Never panics, whatever the
    /// input; each field is read up to [`MAX_FIELD_BYTES`].
    pub fn new(title: &str, body: &str) -> Document {
        Document::prepare(title, body, None, None)
    }

    /// Prepares an article, reading the body's tokens from `body_tokens` when the caller
    /// found them already (it reads the same body for other work), and analysing only the
    /// words `keys` may want when given (with the number of the rule set they belong to).
    pub(crate) fn prepare(
        title: &str,
        body: &str,
        body_tokens: Option<&Tokens>,
        keys: Option<(&Keys, u64)>,
    ) -> Document {
        // A body longer than the bound is read up to it, so its tokens are found again.
        let body_tokens = body_tokens.filter(|_| body.len() <= MAX_FIELD_BYTES);
        let (title, body) = (bounded(title), bounded(body));
        let mut b = Builder::default();
        let title_units = b.field(title, None);
        let body_units = b.field(body, body_tokens);
        let Analysed { forms, offsets } = analyse_words(&b.words, keys.map(|(k, _)| k));
        Document {
            title: FieldText {
                units: title_units,
                text: title.to_string(),
            },
            body: FieldText {
                units: body_units,
                text: body.to_string(),
            },
            forms,
            offsets,
            prepared_for: keys.map(|(_, id)| id),
        }
    }

    /// The rule set this document's words were chosen for, if not all were analysed.
    pub(crate) fn prepared_for(&self) -> Option<u64> {
        self.prepared_for
    }

    /// The field's prepared words.
    pub(crate) fn field(&self, field: Field) -> &FieldText {
        match field {
            Field::Title => &self.title,
            Field::Body => &self.body,
        }
    }

    /// Number of distinct written words.
    pub(crate) fn words(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// The readings of distinct word `word` (several for a Latin-script word).
    pub(crate) fn forms(&self, word: u32) -> &[Form] {
        let w = word as usize;
        match (self.offsets.get(w), self.offsets.get(w + 1)) {
            (Some(&a), Some(&b)) => self.forms.get(a as usize..b as usize).unwrap_or_default(),
            _ => &[],
        }
    }
}
