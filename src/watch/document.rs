//! An article prepared once for matching: the words of title and body, each distinct written
//! word analysed once and shared by all its occurrences, so memory grows with the text and
//! not with how often a word repeats.

use std::collections::HashMap;

use super::ast::Field;
use crate::text::kazakh::is_kazakh_ending;
use crate::text::normalize::normalise;
use crate::text::script::{ALL_SCHEMES, Scheme, Script, Votes, pick_scheme, scheme_votes};
use crate::text::{Form, TokenRef, analyse, for_each_token, script_of};

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
    /// Readings of every distinct word, word after word.
    forms: Vec<Form>,
    /// `forms[offsets[w]..offsets[w + 1]]` are the readings of word `w`.
    offsets: Vec<u32>,
}

fn has_latin(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// Picks the Latin-Kazakh scheme(s) from the document's own Latin-script words.
fn document_schemes(fields: [&str; 2]) -> Vec<Scheme> {
    let mut votes = Votes::default();
    for text in fields {
        for_each_token(text, |t| {
            let word = text.get(t.start..t.end).unwrap_or_default();
            if has_latin(word) && script_of(word) == Script::Latin {
                scheme_votes(word, &mut votes);
            }
        });
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

/// Interns written words while the fields are scanned.
struct Builder<'t> {
    ids: HashMap<&'t str, u32>,
    forms: Vec<Form>,
    offsets: Vec<u32>,
    schemes: Vec<Scheme>,
    /// Cyrillic words and those of them with a Kazakh-only letter (occurrences).
    cyrillic: usize,
    kazakh: usize,
}

impl<'t> Builder<'t> {
    fn word(&mut self, raw: &'t str) -> u32 {
        if let Some(id) = self.ids.get(raw) {
            return *id;
        }
        let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
        self.forms.extend(analyse(raw, &self.schemes));
        self.offsets
            .push(u32::try_from(self.forms.len()).unwrap_or(u32::MAX));
        self.ids.insert(raw, id);
        id
    }

    fn count_script(&mut self, word: u32) {
        let from = self.offsets.get(word as usize).copied().unwrap_or(0) as usize;
        if let Some(f) = self.forms.get(from).filter(|f| !f.latin) {
            self.cyrillic += 1;
            self.kazakh += usize::from(f.kazakh);
        }
    }

    fn field(&mut self, text: &'t str) -> Vec<Unit> {
        let mut units = Vec::new();
        let mut pos: u32 = 0;
        for_each_token(text, |t: TokenRef<'_>| {
            let n = u32::try_from(t.parts.len()).unwrap_or(u32::MAX);
            let last = pos.saturating_add(n - 1);
            if t.parts.len() > 1 {
                let word = self.word(text.get(t.start..t.end).unwrap_or_default());
                units.push(unit((pos, last), t.sentence, (t.start, t.end), word));
            }
            if let Some(head_end) = ending_after_head(text, t.parts) {
                let word = self.word(text.get(t.start..head_end).unwrap_or_default());
                let span = (pos, last.saturating_sub(1));
                units.push(unit(span, t.sentence, (t.start, head_end), word));
            }
            for (i, &(start, end)) in (0u32..).zip(t.parts) {
                let word = self.word(text.get(start..end).unwrap_or_default());
                self.count_script(word);
                let at = pos.saturating_add(i);
                units.push(unit((at, at), t.sentence, (start, end), word));
            }
            pos = last.saturating_add(1);
        });
        units.shrink_to_fit();
        units
    }
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
    /// Prepares an article for matching. Never panics, whatever the input; each field is
    /// read up to [`MAX_FIELD_BYTES`].
    pub fn new(title: &str, body: &str) -> Document {
        let (title, body) = (bounded(title), bounded(body));
        let mut b = Builder {
            ids: HashMap::new(),
            forms: Vec::new(),
            offsets: vec![0],
            schemes: document_schemes([title, body]),
            cyrillic: 0,
            kazakh: 0,
        };
        let title_units = b.field(title);
        let body_units = b.field(body);
        let Builder {
            mut forms,
            mut offsets,
            cyrillic,
            kazakh,
            ..
        } = b;
        if kazakh >= 2 && kazakh * KAZAKH_SHARE >= cyrillic {
            forms.iter_mut().for_each(Form::mark_kazakh);
        }
        forms.shrink_to_fit();
        offsets.shrink_to_fit();
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
        }
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
