//! Splitting text into word tokens with byte offsets, parts and sentence numbers.
//!
//! A token is a run of word characters that may hold `-`, `.` or `'` between two word
//! characters (зауыт-фабрика, Н.Назарбаев, Twitter’де); its parts are the pieces between
//! those joiners. Sentence ends (. ! ? ; … and line breaks) are counted so phrases never
//! span two sentences. This module must not normalise or interpret words.

use super::normalize::{is_joiner, is_word_char, unify_punct};

fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '…' | '\n' | '\r' | '\u{2029}')
}

/// An apostrophe closing a word after a Latin letter that the 2017 Kazakh alphabet marks
/// with it (ken' = кең) belongs to the word.
fn marks_2017_letter(before: char, c: char) -> bool {
    unify_punct(c) == '\'' && "agionscuyAGIONSCUY".contains(before)
}

/// A token as seen while scanning: its parts borrow the scanner's buffer.
#[derive(Clone, Copy, Debug)]
pub struct TokenRef<'a> {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last character.
    pub end: usize,
    /// Byte ranges of the pieces between joiners (one piece for a plain word).
    pub parts: &'a [(usize, usize)],
    /// Sentence number, counted from 0 in this text.
    pub sentence: u32,
}

struct Builder<F> {
    emit: F,
    sentence: u32,
    pending_break: bool,
    /// Byte range of the last token, to recognise initials.
    last: Option<(usize, usize)>,
}

impl<F: FnMut(TokenRef<'_>)> Builder<F> {
    fn push(&mut self, parts: &[(usize, usize)]) {
        let (Some(first), Some(last)) = (parts.first(), parts.last()) else {
            return;
        };
        if self.pending_break {
            self.sentence += 1;
            self.pending_break = false;
        }
        self.last = Some((first.0, last.1));
        (self.emit)(TokenRef {
            start: first.0,
            end: last.1,
            sentence: self.sentence,
            parts,
        });
    }

    /// An initial such as the "Н" of "Н. Назарбаев" does not end a sentence.
    fn after_initial(&self, text: &str) -> bool {
        self.last
            .and_then(|(s, e)| text.get(s..e))
            .is_some_and(|w| w.chars().count() == 1 && w.chars().all(char::is_uppercase))
    }
}

/// Splits `text` into tokens, handing each to `emit` in text order without collecting
/// them (memory stays flat whatever the text size). Never panics; offsets are always on
/// character boundaries.
pub fn for_each_token(text: &str, emit: impl FnMut(TokenRef<'_>)) {
    let mut b = Builder {
        emit,
        sentence: 0,
        pending_break: false,
        last: None,
    };
    let mut parts: Vec<(usize, usize)> = Vec::new();
    let mut part_start: Option<usize> = None;
    let mut iter = text.char_indices().peekable();
    let mut prev = ' ';
    while let Some((i, c)) = iter.next() {
        let before = std::mem::replace(&mut prev, c);
        if is_word_char(c) {
            part_start.get_or_insert(i);
            continue;
        }
        let next_is_word = iter.peek().is_some_and(|(_, n)| is_word_char(*n));
        if let Some(s) = part_start.take() {
            let end = if !next_is_word && marks_2017_letter(before, c) {
                i + c.len_utf8()
            } else {
                i
            };
            parts.push((s, end));
            if is_joiner(c) && next_is_word {
                continue;
            }
            b.push(&parts);
            parts.clear();
        }
        if ends_sentence(c) && !(c == '.' && b.after_initial(text)) {
            b.pending_break = true;
        }
    }
    if let Some(s) = part_start {
        parts.push((s, text.len()));
    }
    b.push(&parts);
}

/// The tokens of one text, found once and read again by every stage that walks the same
/// text (the matcher and the fingerprint both read an article's body word by word).
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    /// The tokens in text order.
    tokens: Vec<Span>,
    /// The parts of all tokens, token after token.
    parts: Vec<(usize, usize)>,
}

/// One token of [`Tokens`]: its parts are `parts[previous token's parts_end..parts_end]`.
#[derive(Clone, Copy, Debug)]
struct Span {
    start: usize,
    end: usize,
    sentence: u32,
    parts_end: usize,
}

impl Tokens {
    /// The tokens of `text`, as [`for_each_token`] finds them.
    pub fn of(text: &str) -> Tokens {
        // Room for an English text's tokens (a word and its space average six or seven
        // bytes), so the lists are not copied as they grow; other scripts need less.
        let room = text.len() / 6;
        let mut out = Tokens {
            tokens: Vec::with_capacity(room),
            parts: Vec::with_capacity(room),
        };
        for_each_token(text, |t| {
            out.parts.extend_from_slice(t.parts);
            out.tokens.push(Span {
                start: t.start,
                end: t.end,
                sentence: t.sentence,
                parts_end: out.parts.len(),
            });
        });
        out
    }

    /// Hands each token to `emit` in text order, exactly as [`for_each_token`] did.
    pub fn each(&self, mut emit: impl FnMut(TokenRef<'_>)) {
        let mut from = 0;
        for span in &self.tokens {
            let parts = self.parts.get(from..span.parts_end).unwrap_or_default();
            from = span.parts_end;
            emit(TokenRef {
                start: span.start,
                end: span.end,
                parts,
                sentence: span.sentence,
            });
        }
    }

    /// The byte range of each token, in text order.
    pub fn ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.tokens.iter().map(|span| (span.start, span.end))
    }

    /// How many parts the tokens have in all (a hyphenated token has several).
    pub fn part_count(&self) -> usize {
        self.parts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One token of a text, with its own copy of its parts.
    struct Token {
        start: usize,
        end: usize,
        parts: Vec<(usize, usize)>,
        sentence: u32,
    }

    /// The tokens [`Tokens::of`] keeps for `text`.
    fn tokenize(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        Tokens::of(text).each(|t| {
            out.push(Token {
                start: t.start,
                end: t.end,
                parts: t.parts.to_vec(),
                sentence: t.sentence,
            })
        });
        out
    }

    fn words(text: &str) -> Vec<(&str, u32)> {
        tokenize(text)
            .iter()
            .map(|t| (&text[t.start..t.end], t.sentence))
            .collect()
    }

    #[test]
    fn keeps_joiners_inside_tokens_and_splits_parts() {
        let text = "зауыт-фабрика, Н.Назарбаев және Twitter’де";
        let toks = tokenize(text);
        assert_eq!(
            words(text),
            vec![
                ("зауыт-фабрика", 0),
                ("Н.Назарбаев", 0),
                ("және", 0),
                ("Twitter’де", 0)
            ]
        );
        let parts: Vec<&str> = toks[3].parts.iter().map(|(s, e)| &text[*s..*e]).collect();
        assert_eq!(parts, vec!["Twitter", "де"]);
    }

    #[test]
    fn counts_sentences_and_lines() {
        let text = "Бір екі. Үш\nтөрт! «бес», алты";
        let s: Vec<u32> = words(text).iter().map(|w| w.1).collect();
        assert_eq!(s, vec![0, 0, 1, 2, 3, 3]);
    }

    #[test]
    fn an_initial_does_not_end_a_sentence() {
        let s: Vec<u32> = words("Н. Назарбаев келді").iter().map(|w| w.1).collect();
        assert_eq!(s, vec![0, 0, 0]);
    }

    #[test]
    fn a_2017_apostrophe_ending_a_word_stays_in_it() {
        assert_eq!(
            words("ken' dala. Abai's"),
            vec![("ken'", 0), ("dala", 0), ("Abai's", 1)]
        );
        assert_eq!(words("'sóz' сөз'"), vec![("sóz", 0), ("сөз", 0)]);
    }

    #[test]
    fn kept_tokens_are_the_tokens_found_while_scanning() {
        let text = "Н. Назарбаев: зауыт-фабрика\n\nken' dala. COVID-19-ға Twitter’де сөз- .'";
        let kept: Vec<_> = tokenize(text)
            .into_iter()
            .map(|t| (t.start, t.end, t.parts, t.sentence))
            .collect();
        let mut scanned = Vec::new();
        for_each_token(text, |t| {
            scanned.push((t.start, t.end, t.parts.to_vec(), t.sentence))
        });
        assert_eq!(kept, scanned);
        let ranges: Vec<_> = Tokens::of(text).ranges().collect();
        assert_eq!(
            ranges,
            scanned.iter().map(|t| (t.0, t.1)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn trailing_joiner_and_odd_input_are_safe() {
        assert_eq!(words("сөз- .'"), vec![("сөз", 0)]);
        assert!(tokenize("").is_empty());
        assert_eq!(words("\u{0301}а"), vec![("\u{0301}а", 0)]);
    }
}
