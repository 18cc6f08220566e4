//! After `<!`: comments with all their odd endings (`<!-->`, `--!>`, nested `<!--`), bogus
//! comments (`<!x>`, `<?…>`, `</ x>`) and CDATA sections (only in foreign content, when the
//! tree builder says the adjusted current node is not HTML).

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::State;
use html5ever::tokenizer::{CommentToken, TokenSink};

use super::Tokenizer;

impl<S: TokenSink> Tokenizer<'_, S> {
    /// Emits the current comment.
    pub(super) fn emit_comment(&mut self) {
        let empty = self.trim.as_ref().is_some_and(|t| t.empties_comments());
        let comment = if empty {
            StrTendril::new()
        } else {
            StrTendril::from_slice(&self.comment)
        };
        self.comment.clear();
        self.emit(CommentToken(comment));
    }

    /// The markup declaration open state (after `<!`).
    pub(super) fn markup_declaration_open(&mut self) -> bool {
        if self.eat("--", true) {
            self.comment.clear();
            if self.trim.as_ref().is_some_and(|t| t.empties_comments()) {
                return self.skip_comment();
            }
            return self.to(State::CommentStart);
        }
        if self.eat("doctype", false) {
            return self.to(State::Doctype);
        }
        if self.rest().starts_with(b"[CDATA[")
            && self
                .sink
                .adjusted_current_node_present_but_not_in_html_namespace()
        {
            self.pos += "[CDATA[".len();
            return self.to(State::CdataSection);
        }
        self.comment.clear();
        self.to(State::BogusComment)
    }

    /// The bogus comment state: everything up to `>`.
    pub(super) fn bogus_comment(&mut self) -> bool {
        loop {
            let rest = self.rest();
            let Some(i) = self.stops.find(rest, b'>', b'>') else {
                self.push_comment_run(rest.len());
                return self.eof();
            };
            self.push_comment_run(i);
            let Some(c) = self.next_char() else {
                return self.eof();
            };
            match c {
                '>' => {
                    self.emit_comment();
                    return self.to(State::Data);
                }
                '\0' => self.comment.push('\u{fffd}'),
                c => self.comment.push(c),
            }
        }
    }

    /// Adds the next `len` bytes of input (ending on a character boundary) to the comment.
    fn push_comment_run(&mut self, len: usize) {
        let end = self.pos + len;
        self.comment
            .push_str(self.input.get(self.pos..end).unwrap_or_default());
        self.pos = end;
    }

    /// The comment states, from comment start to comment end bang.
    pub(super) fn comment_states(&mut self) -> bool {
        loop {
            if self.state == State::Comment {
                let rest = self.rest();
                let n = self.stops.find(rest, b'<', b'-').unwrap_or(rest.len());
                self.push_comment_run(n);
            }
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            // Each arm consumes `c` unless it reconsumes it in another state.
            let mut consume = true;
            let next = match (self.state, c) {
                (State::CommentStart, '-') => State::CommentStartDash,
                (State::CommentStart | State::CommentStartDash, '>') => {
                    self.pos += len;
                    self.emit_comment();
                    return self.to(State::Data);
                }
                (State::CommentStartDash, '-') => State::CommentEnd,
                (State::CommentStartDash, c) => {
                    self.comment.push('-');
                    self.comment_char(c);
                    State::Comment
                }
                (State::Comment, '<') => {
                    self.comment.push('<');
                    State::CommentLessThanSign
                }
                (State::Comment, '-') => State::CommentEndDash,
                (State::CommentStart | State::Comment, c) => {
                    self.comment_char(c);
                    State::Comment
                }
                (State::CommentLessThanSign, '!') => {
                    self.comment.push('!');
                    State::CommentLessThanSignBang
                }
                (State::CommentLessThanSign, '<') => {
                    self.comment.push('<');
                    State::CommentLessThanSign
                }
                (State::CommentLessThanSign, _) => {
                    consume = false;
                    State::Comment
                }
                (State::CommentLessThanSignBang, '-') => State::CommentLessThanSignBangDash,
                (State::CommentLessThanSignBang, _) => {
                    consume = false;
                    State::Comment
                }
                (State::CommentLessThanSignBangDash, '-') => State::CommentLessThanSignBangDashDash,
                (State::CommentLessThanSignBangDash, _) => {
                    consume = false;
                    State::CommentEndDash
                }
                (State::CommentLessThanSignBangDashDash, _) => {
                    consume = false;
                    State::CommentEnd
                }
                (State::CommentEndDash, '-') => State::CommentEnd,
                (State::CommentEndDash, c) => {
                    self.comment.push('-');
                    self.comment_char(c);
                    State::Comment
                }
                (State::CommentEnd, '>') | (State::CommentEndBang, '>') => {
                    self.pos += len;
                    self.emit_comment();
                    return self.to(State::Data);
                }
                (State::CommentEnd, '!') => State::CommentEndBang,
                (State::CommentEnd, '-') => {
                    self.comment.push('-');
                    State::CommentEnd
                }
                (State::CommentEnd, _) => {
                    self.comment.push_str("--");
                    consume = false;
                    State::Comment
                }
                (State::CommentEndBang, '-') => {
                    self.comment.push_str("--!");
                    State::CommentEndDash
                }
                (State::CommentEndBang, c) => {
                    self.comment.push_str("--!");
                    self.comment_char(c);
                    State::Comment
                }
                _ => return self.to(State::Data),
            };
            if consume {
                self.pos += len;
            }
            self.state = next;
        }
    }

    /// Appends `c` to the comment (U+0000 as U+FFFD).
    fn comment_char(&mut self, c: char) {
        self.comment.push(if c == '\0' { '\u{fffd}' } else { c });
    }

    /// The CDATA section states: text up to `]]>` (a U+0000 is a null character token).
    pub(super) fn cdata(&mut self) -> bool {
        loop {
            if self.state == State::CdataSection {
                let rest = self.rest();
                let n = self.stops.find(rest, b']', b']').unwrap_or(rest.len());
                self.push_run(n);
            }
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            match (self.state, c) {
                (State::CdataSection, ']') => self.state = State::CdataSectionBracket,
                (State::CdataSection, '\0') => self.emit_null(),
                (State::CdataSection, c) => self.text.push(c),
                (State::CdataSectionBracket, ']') => self.state = State::CdataSectionEnd,
                (State::CdataSectionBracket, _) => {
                    self.text.push(']');
                    self.state = State::CdataSection;
                    continue;
                }
                (State::CdataSectionEnd, ']') => self.text.push(']'),
                (State::CdataSectionEnd, '>') => {
                    self.pos += len;
                    return self.to(State::Data);
                }
                (State::CdataSectionEnd, _) => {
                    self.text.push_str("]]");
                    self.state = State::CdataSection;
                    continue;
                }
                _ => return self.to(State::Data),
            }
            self.pos += len;
        }
    }
}
