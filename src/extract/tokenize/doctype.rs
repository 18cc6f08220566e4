//! The DOCTYPE states: the name, public and system identifiers and the force-quirks flag
//! the tree builder reads to pick the quirks mode. Doctypes are rare and short, so these
//! states go character by character.

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{DoctypeIdKind, State};
use html5ever::tokenizer::{Doctype, DoctypeToken, TokenSink};

use super::Tokenizer;
use super::scan::is_space;

use DoctypeIdKind::{Public, System};

/// Appends `c` to an optional string (making it present).
fn push(s: &mut Option<StrTendril>, c: char) {
    s.get_or_insert_with(StrTendril::new).push_char(c);
}

impl<S: TokenSink> Tokenizer<'_, S> {
    /// Emits the current doctype.
    pub(super) fn emit_doctype(&mut self) {
        let doctype = std::mem::take(&mut self.doctype);
        self.emit(DoctypeToken(doctype));
    }

    /// The doctype's public or system identifier.
    fn doctype_id(&mut self, kind: DoctypeIdKind) -> &mut Option<StrTendril> {
        match kind {
            Public => &mut self.doctype.public_id,
            System => &mut self.doctype.system_id,
        }
    }

    /// Sets an identifier to the empty string (present).
    fn clear_doctype_id(&mut self, kind: DoctypeIdKind) {
        *self.doctype_id(kind) = Some(StrTendril::new());
    }

    /// Force-quirks, emit, data state.
    fn quirky_doctype(&mut self) -> bool {
        self.doctype.force_quirks = true;
        self.emit_doctype();
        self.to(State::Data)
    }

    /// The doctype states, from after `<!DOCTYPE` to the bogus doctype state.
    pub(super) fn doctype_states(&mut self) -> bool {
        loop {
            if self.state == State::AfterDoctypeName {
                if self.eat("public", false) {
                    self.state = State::AfterDoctypeKeyword(Public);
                    continue;
                }
                if self.eat("system", false) {
                    self.state = State::AfterDoctypeKeyword(System);
                    continue;
                }
            }
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match self.state {
                State::Doctype => {
                    if !is_space(c) {
                        self.pos -= len;
                    }
                    self.state = State::BeforeDoctypeName;
                }
                State::BeforeDoctypeName => match c {
                    c if is_space(c) => {}
                    '\0' => {
                        self.doctype = Doctype::default();
                        push(&mut self.doctype.name, '\u{fffd}');
                        self.state = State::DoctypeName;
                    }
                    '>' => {
                        self.doctype = Doctype::default();
                        return self.quirky_doctype();
                    }
                    c => {
                        self.doctype = Doctype::default();
                        push(&mut self.doctype.name, c.to_ascii_lowercase());
                        self.state = State::DoctypeName;
                    }
                },
                State::DoctypeName => match c {
                    c if is_space(c) => self.state = State::AfterDoctypeName,
                    '>' => {
                        self.emit_doctype();
                        return self.to(State::Data);
                    }
                    '\0' => push(&mut self.doctype.name, '\u{fffd}'),
                    c => push(&mut self.doctype.name, c.to_ascii_lowercase()),
                },
                State::AfterDoctypeName => match c {
                    c if is_space(c) => {}
                    '>' => {
                        self.emit_doctype();
                        return self.to(State::Data);
                    }
                    _ => {
                        self.pos -= len;
                        self.doctype.force_quirks = true;
                        self.state = State::BogusDoctype;
                    }
                },
                State::AfterDoctypeKeyword(kind) | State::BeforeDoctypeIdentifier(kind) => {
                    let keyword = matches!(self.state, State::AfterDoctypeKeyword(_));
                    match c {
                        c if is_space(c) => {
                            if keyword {
                                self.state = State::BeforeDoctypeIdentifier(kind);
                            }
                        }
                        '"' => {
                            self.clear_doctype_id(kind);
                            self.state = State::DoctypeIdentifierDoubleQuoted(kind);
                        }
                        '\'' => {
                            self.clear_doctype_id(kind);
                            self.state = State::DoctypeIdentifierSingleQuoted(kind);
                        }
                        '>' => return self.quirky_doctype(),
                        _ => {
                            self.pos -= len;
                            self.doctype.force_quirks = true;
                            self.state = State::BogusDoctype;
                        }
                    }
                }
                State::DoctypeIdentifierDoubleQuoted(kind)
                | State::DoctypeIdentifierSingleQuoted(kind) => {
                    let quote = if matches!(self.state, State::DoctypeIdentifierDoubleQuoted(_)) {
                        '"'
                    } else {
                        '\''
                    };
                    match c {
                        c if c == quote => self.state = State::AfterDoctypeIdentifier(kind),
                        '\0' => push(self.doctype_id(kind), '\u{fffd}'),
                        '>' => return self.quirky_doctype(),
                        c => push(self.doctype_id(kind), c),
                    }
                }
                State::AfterDoctypeIdentifier(Public)
                | State::BetweenDoctypePublicAndSystemIdentifiers => {
                    let after = self.state == State::AfterDoctypeIdentifier(Public);
                    match c {
                        c if is_space(c) => {
                            if after {
                                self.state = State::BetweenDoctypePublicAndSystemIdentifiers;
                            }
                        }
                        '>' => {
                            self.emit_doctype();
                            return self.to(State::Data);
                        }
                        '"' => {
                            self.clear_doctype_id(System);
                            self.state = State::DoctypeIdentifierDoubleQuoted(System);
                        }
                        '\'' => {
                            self.clear_doctype_id(System);
                            self.state = State::DoctypeIdentifierSingleQuoted(System);
                        }
                        _ => {
                            self.pos -= len;
                            self.doctype.force_quirks = true;
                            self.state = State::BogusDoctype;
                        }
                    }
                }
                State::AfterDoctypeIdentifier(System) => match c {
                    c if is_space(c) => {}
                    '>' => {
                        self.emit_doctype();
                        return self.to(State::Data);
                    }
                    _ => {
                        self.pos -= len;
                        self.state = State::BogusDoctype;
                    }
                },
                State::BogusDoctype => {
                    if c == '>' {
                        self.emit_doctype();
                        return self.to(State::Data);
                    }
                }
                _ => return self.to(State::Data),
            }
        }
    }
}
