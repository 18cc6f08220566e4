//! The data, PLAINTEXT, tag open and end tag open states: text between tags is scanned as
//! one run up to the next `<`, `&`, CR or NUL.

use html5ever::tokenizer::TokenSink;
use html5ever::tokenizer::states::State;

use super::scan::find1_or_nul;
use super::trim::Trim;
use super::{EndTag, StartTag, Tokenizer, char_ref};

impl<S: TokenSink> Tokenizer<'_, S> {
    /// The data state.
    pub(super) fn data(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let Some(i) = self.stops.find(rest, b'<', b'&') else {
                self.push_run(rest.len());
                return self.eof();
            };
            self.push_run(i);
            let stop = rest.get(i).copied().unwrap_or_default();
            match stop {
                b'<' => {
                    self.pos += 1;
                    return self.to(State::TagOpen);
                }
                b'&' => {
                    self.pos += 1;
                    self.char_ref_in_text();
                }
                b'\r' => self.newline(),
                _ => {
                    self.pos += 1;
                    self.emit_null();
                }
            }
        }
    }

    /// The PLAINTEXT state: everything to the end is text.
    pub(super) fn plaintext(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let Some(i) = find1_or_nul(rest, b'\r') else {
                self.push_run(rest.len());
                return self.eof();
            };
            self.push_run(i);
            if rest.get(i) == Some(&b'\r') {
                self.newline();
            } else {
                self.pos += 1;
                self.text.push('\u{fffd}');
            }
        }
    }

    /// Adds the next `len` bytes of input (ending on a character boundary) to the text (or
    /// steps over them, when the text is left out).
    pub(super) fn push_run(&mut self, len: usize) {
        let end = self.pos + len;
        if self.trim.as_ref().is_some_and(Trim::hiding) {
            self.pos = end;
            return;
        }
        self.text
            .push_str(self.input.get(self.pos..end).unwrap_or_default());
        self.pos = end;
    }

    /// A CR at the current position (and an LF after it): one LF of text.
    pub(super) fn newline(&mut self) {
        let _ = self.next_char();
        self.text.push('\n');
    }

    /// A `&` in text (data or RCDATA) was consumed.
    pub(super) fn char_ref_in_text(&mut self) {
        let found = char_ref::consume(self.input, self.pos, false);
        if found.error {
            self.emit_error("character reference");
        }
        match found.chars {
            Some(chars) => {
                self.pos = found.end;
                for c in chars.into_iter().flatten() {
                    self.text.push(c);
                }
            }
            None => self.text.push('&'),
        }
    }

    /// The tag open state (after `<`).
    pub(super) fn tag_open(&mut self) -> bool {
        let Some((c, _)) = self.peek() else {
            return self.eof();
        };
        match c {
            '!' => {
                self.pos += 1;
                self.to(State::MarkupDeclarationOpen)
            }
            '/' => {
                self.pos += 1;
                self.to(State::EndTagOpen)
            }
            c if c.is_ascii_alphabetic() => {
                self.tag.start(StartTag, self.pos.saturating_sub(1));
                self.to(State::TagName)
            }
            '?' => {
                self.comment.clear();
                self.to(State::BogusComment)
            }
            _ => {
                self.text.push('<');
                self.to(State::Data)
            }
        }
    }

    /// The end tag open state (after `</`).
    pub(super) fn end_tag_open(&mut self) -> bool {
        let Some((c, _)) = self.peek() else {
            return self.eof();
        };
        match c {
            c if c.is_ascii_alphabetic() => {
                self.tag.start(EndTag, self.pos.saturating_sub(2));
                self.to(State::TagName)
            }
            '>' => {
                self.pos += 1;
                self.emit_error("missing end tag name");
                self.to(State::Data)
            }
            _ => {
                self.comment.clear();
                self.to(State::BogusComment)
            }
        }
    }
}
