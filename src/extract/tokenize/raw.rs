//! RCDATA (`<title>`, `<textarea>`), RAWTEXT (`<style>`, `<xmp>`, …) and script data with
//! its escaped and double-escaped states: raw text is scanned as runs up to the next `<`
//! (and `&` in RCDATA, `-` in escaped script), and only an appropriate end tag (the last
//! start tag's name) ends it.

use html5ever::tokenizer::TokenSink;
use html5ever::tokenizer::states::{RawKind, ScriptEscapeKind, State};

use super::scan::is_space;
use super::{EndTag, Tokenizer};

use RawKind::{Rawtext, Rcdata, ScriptData, ScriptDataEscaped};
use ScriptEscapeKind::{DoubleEscaped, Escaped};

impl<S: TokenSink> Tokenizer<'_, S> {
    /// The RCDATA, RAWTEXT, script data, script data escaped and double-escaped states.
    pub(super) fn raw_data(&mut self, kind: RawKind) -> bool {
        loop {
            let rest = self.rest();
            let end = match kind {
                Rcdata => self.stops.find(rest, b'<', b'&'),
                Rawtext | ScriptData => self.stops.find(rest, b'<', b'<'),
                ScriptDataEscaped(_) => self.stops.find(rest, b'<', b'-'),
            };
            let Some(i) = end else {
                self.push_run(rest.len());
                return self.eof();
            };
            self.push_run(i);
            match rest.get(i).copied().unwrap_or_default() {
                b'<' => {
                    self.pos += 1;
                    if kind == ScriptDataEscaped(DoubleEscaped) {
                        self.text.push('<');
                    }
                    return self.to(State::RawLessThanSign(kind));
                }
                b'&' => {
                    self.pos += 1;
                    self.char_ref_in_text();
                }
                b'-' => {
                    self.pos += 1;
                    self.text.push('-');
                    if let ScriptDataEscaped(k) = kind {
                        return self.to(State::ScriptDataEscapedDash(k));
                    }
                }
                b'\r' => self.newline(),
                _ => {
                    self.pos += 1;
                    self.text.push('\u{fffd}');
                }
            }
        }
    }

    /// The less-than sign states of raw text and script data (after `<`).
    pub(super) fn raw_less_than_sign(&mut self, kind: RawKind) -> bool {
        let Some((c, len)) = self.peek() else {
            return self.eof();
        };
        match (kind, c) {
            (ScriptDataEscaped(DoubleEscaped), '/') => {
                self.pos += 1;
                self.temp.clear();
                self.text.push('/');
                self.to(State::ScriptDataDoubleEscapeEnd)
            }
            (ScriptDataEscaped(DoubleEscaped), _) => self.to(State::RawData(kind)),
            (_, '/') => {
                self.pos += 1;
                self.temp.clear();
                self.to(State::RawEndTagOpen(kind))
            }
            (ScriptData, '!') => {
                self.pos += 1;
                self.text.push_str("<!");
                self.to(State::ScriptDataEscapeStart(Escaped))
            }
            (ScriptDataEscaped(Escaped), c) if c.is_ascii_alphabetic() => {
                self.pos += len;
                self.temp.clear();
                self.temp.push(c.to_ascii_lowercase());
                self.text.push('<');
                self.text.push(c);
                self.to(State::ScriptDataEscapeStart(DoubleEscaped))
            }
            _ => {
                self.text.push('<');
                self.to(State::RawData(kind))
            }
        }
    }

    /// The raw end tag open states (after `</`).
    pub(super) fn raw_end_tag_open(&mut self, kind: RawKind) -> bool {
        let Some((c, len)) = self.peek() else {
            return self.eof();
        };
        if c.is_ascii_alphabetic() {
            self.pos += len;
            self.tag.start(EndTag, self.pos);
            self.tag.name.push(c.to_ascii_lowercase());
            self.temp.push(c);
            self.to(State::RawEndTagName(kind))
        } else {
            self.text.push_str("</");
            self.to(State::RawData(kind))
        }
    }

    /// The raw end tag name states: an appropriate end tag becomes a tag, anything else
    /// was text.
    pub(super) fn raw_end_tag_name(&mut self, kind: RawKind) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            if self.appropriate_end_tag() {
                let next = match c {
                    c if is_space(c) => Some(State::BeforeAttributeName),
                    '/' => Some(State::SelfClosingStartTag),
                    '>' => Some(State::Data),
                    _ => None,
                };
                if let Some(next) = next {
                    self.pos += len;
                    self.temp.clear();
                    if next == State::Data {
                        return self.emit_tag();
                    }
                    return self.to(next);
                }
            }
            if c.is_ascii_alphabetic() {
                self.pos += len;
                self.tag.name.push(c.to_ascii_lowercase());
                self.temp.push(c);
            } else {
                self.tag.name.clear();
                self.text.push_str("</");
                self.text.push_str(&self.temp);
                self.temp.clear();
                return self.to(State::RawData(kind));
            }
        }
    }

    /// The script data escape start states: `<!` then `-` (escaped), or `<` and letters
    /// (double escaped).
    pub(super) fn script_escape_start(&mut self, kind: ScriptEscapeKind) -> bool {
        if kind == DoubleEscaped {
            return self.script_double_escape(true);
        }
        let Some((c, _)) = self.peek() else {
            return self.eof();
        };
        if c == '-' {
            self.pos += 1;
            self.text.push('-');
            self.to(State::ScriptDataEscapeStartDash)
        } else {
            self.to(State::RawData(ScriptData))
        }
    }

    /// The script data escape start dash state.
    pub(super) fn script_escape_start_dash(&mut self) -> bool {
        let Some((c, _)) = self.peek() else {
            return self.eof();
        };
        if c == '-' {
            self.pos += 1;
            self.text.push('-');
            self.to(State::ScriptDataEscapedDashDash(Escaped))
        } else {
            self.to(State::RawData(ScriptData))
        }
    }

    /// The script data (double) escaped dash state.
    pub(super) fn script_escaped_dash(&mut self, kind: ScriptEscapeKind) -> bool {
        let Some((c, len)) = self.peek() else {
            return self.eof();
        };
        self.pos += len;
        match c {
            '-' => {
                self.text.push('-');
                self.to(State::ScriptDataEscapedDashDash(kind))
            }
            '<' => {
                if kind == DoubleEscaped {
                    self.text.push('<');
                }
                self.to(State::RawLessThanSign(ScriptDataEscaped(kind)))
            }
            '\0' => {
                self.text.push('\u{fffd}');
                self.to(State::RawData(ScriptDataEscaped(kind)))
            }
            c => {
                self.text.push(c);
                self.to(State::RawData(ScriptDataEscaped(kind)))
            }
        }
    }

    /// The script data (double) escaped dash dash state.
    pub(super) fn script_escaped_dash_dash(&mut self, kind: ScriptEscapeKind) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match c {
                '-' => self.text.push('-'),
                '<' => {
                    if kind == DoubleEscaped {
                        self.text.push('<');
                    }
                    return self.to(State::RawLessThanSign(ScriptDataEscaped(kind)));
                }
                '>' => {
                    self.text.push('>');
                    return self.to(State::RawData(ScriptData));
                }
                '\0' => {
                    self.text.push('\u{fffd}');
                    return self.to(State::RawData(ScriptDataEscaped(kind)));
                }
                c => {
                    self.text.push(c);
                    return self.to(State::RawData(ScriptDataEscaped(kind)));
                }
            }
        }
    }

    /// The script data double escape end state.
    pub(super) fn script_double_escape_end(&mut self) -> bool {
        self.script_double_escape(false)
    }

    /// The script data double escape start (`start`) and end states: letters gather in the
    /// temporary buffer; a `script` ends or starts the double escape.
    fn script_double_escape(&mut self, start: bool) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            match c {
                c if is_space(c) || c == '/' || c == '>' => {
                    self.pos += len;
                    let script = self.temp == "script";
                    let double = if start { script } else { !script };
                    self.text.push(c);
                    let kind = if double { DoubleEscaped } else { Escaped };
                    return self.to(State::RawData(ScriptDataEscaped(kind)));
                }
                c if c.is_ascii_alphabetic() => {
                    self.pos += len;
                    self.temp.push(c.to_ascii_lowercase());
                    self.text.push(c);
                }
                _ => {
                    let kind = if start { Escaped } else { DoubleEscaped };
                    return self.to(State::RawData(ScriptDataEscaped(kind)));
                }
            }
        }
    }
}
