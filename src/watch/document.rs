//! An article prepared once for matching: tokens of title and body with their forms.

use super::ast::Field;
use crate::text::script::{ALL_SCHEMES, Scheme, Script, pick_scheme, scheme_votes};
use crate::text::{Form, Token, analyse, script_of, tokenize};

/// One matchable word of a field: a token part, or a whole hyphenated/dotted token.
#[derive(Debug)]
pub(crate) struct Unit {
    /// Position of its first part (parts are numbered through the field).
    pub first: u32,
    /// Position of its last part.
    pub last: u32,
    /// Sentence number within the field.
    pub sentence: u32,
    /// Byte range in the field's original text.
    pub start: usize,
    /// End of that byte range.
    pub end: usize,
    /// Readings of the word (several for Latin-script words).
    pub forms: Vec<Form>,
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
}

fn has_latin(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c))
}

/// Picks the Latin-Kazakh scheme(s) from the document's own Latin-script words.
fn document_schemes(fields: [(&str, &[Token]); 2]) -> Vec<Scheme> {
    let mut votes = [0; 3];
    for (text, tokens) in fields {
        for t in tokens {
            let word = text.get(t.start..t.end).unwrap_or_default();
            if has_latin(word) && script_of(word) == Script::Latin {
                scheme_votes(word, &mut votes);
            }
        }
    }
    pick_scheme(&votes).map_or_else(|| ALL_SCHEMES.to_vec(), |s| vec![s])
}

fn units(text: &str, tokens: &[Token], schemes: &[Scheme]) -> Vec<Unit> {
    let mut out = Vec::with_capacity(tokens.len());
    let mut pos: u32 = 0;
    for t in tokens {
        let first = pos;
        for &(start, end) in &t.parts {
            let raw = text.get(start..end).unwrap_or_default();
            out.push(unit(raw, (pos, pos), t.sentence, (start, end), schemes));
            pos = pos.saturating_add(1);
        }
        if t.parts.len() > 1 {
            let raw = text.get(t.start..t.end).unwrap_or_default();
            let span = (first, pos.saturating_sub(1));
            out.push(unit(raw, span, t.sentence, (t.start, t.end), schemes));
        }
    }
    out
}

fn unit(raw: &str, span: (u32, u32), sentence: u32, bytes: (usize, usize), s: &[Scheme]) -> Unit {
    Unit {
        first: span.0,
        last: span.1,
        sentence,
        start: bytes.0,
        end: bytes.1,
        forms: analyse(raw, s),
    }
}

/// A text is Kazakh when at least this share (1/n) of its Cyrillic words hold a
/// Kazakh-only letter; Russian texts stay far below it even when they quote Kazakh names.
const KAZAKH_SHARE: usize = 8;

/// True if the words read as Kazakh-language text.
fn is_kazakh_text(units: &[&[Unit]]) -> bool {
    let (mut cyrillic, mut kazakh) = (0usize, 0usize);
    for u in units
        .iter()
        .flat_map(|u| u.iter())
        .filter(|u| u.first == u.last)
    {
        if let Some(f) = u.forms.first().filter(|f| !f.latin) {
            cyrillic += 1;
            kazakh += usize::from(f.kazakh);
        }
    }
    kazakh >= 2 && kazakh * KAZAKH_SHARE >= cyrillic
}

impl Document {
    /// Prepares an article for matching. Never panics, whatever the input.
    pub fn new(title: &str, body: &str) -> Document {
        let (tt, bt) = (tokenize(title), tokenize(body));
        let schemes = document_schemes([(title, &tt), (body, &bt)]);
        let mut title_units = units(title, &tt, &schemes);
        let mut body_units = units(body, &bt, &schemes);
        if is_kazakh_text(&[&title_units, &body_units]) {
            for u in title_units.iter_mut().chain(body_units.iter_mut()) {
                u.forms.iter_mut().for_each(Form::mark_kazakh);
            }
        }
        Document {
            title: FieldText {
                units: title_units,
                text: title.to_string(),
            },
            body: FieldText {
                units: body_units,
                text: body.to_string(),
            },
        }
    }

    /// The field's prepared words.
    pub(crate) fn field(&self, field: Field) -> &FieldText {
        match field {
            Field::Title => &self.title,
            Field::Body => &self.body,
        }
    }
}
