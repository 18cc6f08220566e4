//! Start and end tags: the tag name, attribute name and value states, self-closing tags,
//! and emitting a tag (duplicate attributes dropped, the first one winning).

use std::collections::HashSet;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{AttrValueKind, State};
use html5ever::tokenizer::{Tag, TagKind, TagToken, TokenSink};
use html5ever::{Attribute, LocalName};

use super::super::depth::kept_attribute;
use super::scan::{ByteSet, is_space};
use super::trim::Fate;
use super::{StartTag, Tokenizer, attribute, char_ref};

/// Bytes that end a tag name.
const TAG_NAME_END: ByteSet = ByteSet::of(b"\t\n\x0C \r/>\0");
/// Bytes that end an attribute name.
const ATTR_NAME_END: ByteSet = ByteSet::of(b"\t\n\x0C \r/>=\0");
/// Bytes that end a run of an unquoted attribute value.
const UNQUOTED_END: ByteSet = ByteSet::of(b"\t\n\x0C \r&>\0");

/// Attributes compared one by one for duplicates; above this a set is kept.
const FEW_ATTRS: usize = 16;

/// The tag being built.
pub(super) struct TagBuf {
    /// Start or end tag.
    pub(super) kind: TagKind,
    /// Where the tag's `<` is.
    pub(super) from: usize,
    /// The name so far (lowercased).
    pub(super) name: String,
    /// Whether the tag ends in `/>`.
    pub(super) self_closing: bool,
    /// Attributes the tree builder drops are not kept (see `trim.rs`).
    lean: bool,
    /// No attribute is kept: the tag is left out with the svg it is in.
    hidden: bool,
    attrs: Vec<Attribute>,
    /// Names of `attrs`, once there are more than [`FEW_ATTRS`].
    seen: HashSet<LocalName>,
    had_duplicate: bool,
    /// The attribute being built (no attribute when the name is empty).
    attr_name: String,
    attr_value: String,
    /// The attribute being built is one the tree builder never keeps: its value is stepped
    /// over, not read (`skip.rs`).
    pub(super) attr_unread: bool,
}

impl Default for TagBuf {
    fn default() -> Self {
        TagBuf {
            kind: StartTag,
            from: 0,
            name: String::new(),
            self_closing: false,
            lean: false,
            hidden: false,
            attrs: Vec::new(),
            seen: HashSet::new(),
            had_duplicate: false,
            attr_name: String::new(),
            attr_value: String::new(),
            attr_unread: false,
        }
    }
}

impl TagBuf {
    /// Starts a new tag of `kind`, whose `<` is at `from`, with an empty name.
    pub(super) fn start(&mut self, kind: TagKind, from: usize) {
        self.kind = kind;
        self.from = from;
        self.name.clear();
        self.self_closing = false;
        self.lean = false;
        self.hidden = false;
        self.attr_unread = false;
        self.attrs.clear();
        self.seen.clear();
        self.had_duplicate = false;
    }

    /// Ends the attribute being built, if any: kept unless the tag has one of that name.
    fn finish_attribute(&mut self) {
        if self.attr_name.is_empty() {
            return;
        }
        if self.attr_unread {
            self.attr_name.clear();
            self.attr_value.clear();
            return;
        }
        let name = LocalName::from(&*self.attr_name);
        self.attr_name.clear();
        let dup = if self.attrs.len() < FEW_ATTRS {
            self.attrs.iter().any(|a| a.name.local == name)
        } else {
            if self.seen.is_empty() {
                self.seen
                    .extend(self.attrs.iter().map(|a| a.name.local.clone()));
            }
            !self.seen.insert(name.clone())
        };
        if dup {
            self.had_duplicate = true;
            self.attr_value.clear();
        } else {
            let value = StrTendril::from_slice(&self.attr_value);
            self.attr_value.clear();
            self.attrs.push(attribute(name, value));
        }
    }

    /// The attribute's name is read: whether the tree builder keeps it.
    fn attribute_named(&mut self) {
        self.attr_unread = self.hidden || (self.lean && !kept_attribute(&self.attr_name));
    }

    /// Starts a new attribute whose name begins with `c` (a NUL reads as U+FFFD, as in the
    /// attribute name state).
    fn new_attribute(&mut self, c: char) {
        self.finish_attribute();
        self.attr_name.push(if c == '\0' {
            '\u{fffd}'
        } else {
            c.to_ascii_lowercase()
        });
    }
}

/// Appends `s` to `dst` with ASCII letters lowercased.
fn push_lower(dst: &mut String, s: &str) {
    let start = dst.len();
    dst.push_str(s);
    if let Some(added) = dst.get_mut(start..) {
        added.make_ascii_lowercase();
    }
}

impl<'a, S: TokenSink> Tokenizer<'a, S> {
    /// The next `len` bytes of input (ending on a character boundary), consumed.
    fn take_run(&mut self, len: usize) -> &'a str {
        let end = self.pos + len;
        let run = self.input.get(self.pos..end).unwrap_or_default();
        self.pos = end;
        run
    }

    /// The tag name state.
    pub(super) fn tag_name(&mut self) -> bool {
        loop {
            let n = TAG_NAME_END.run(self.rest());
            let run = self.take_run(n);
            push_lower(&mut self.tag.name, run);
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match c {
                c if is_space(c) => {
                    self.name_read();
                    return self.to(State::BeforeAttributeName);
                }
                '/' => {
                    self.name_read();
                    return self.to(State::SelfClosingStartTag);
                }
                '>' => return self.emit_tag(),
                _ => self.tag.name.push('\u{fffd}'),
            }
        }
    }

    /// The tag's name is read: whether its attributes are read lean, or not kept at all.
    fn name_read(&mut self) {
        if let Some(trim) = self.trim.as_ref() {
            self.tag.lean = trim.lean_for(&self.tag.name);
            self.tag.hidden = trim.hiding();
        }
    }

    /// The before attribute name state.
    pub(super) fn before_attribute_name(&mut self) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match c {
                c if is_space(c) => {}
                '/' => return self.to(State::SelfClosingStartTag),
                '>' => return self.emit_tag(),
                c => {
                    self.tag.new_attribute(c);
                    return self.to(State::AttributeName);
                }
            }
        }
    }

    /// The attribute name state.
    pub(super) fn attribute_name(&mut self) -> bool {
        loop {
            let n = ATTR_NAME_END.run(self.rest());
            let run = self.take_run(n);
            push_lower(&mut self.tag.attr_name, run);
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            if c != '\0' {
                self.tag.attribute_named();
            }
            match c {
                c if is_space(c) => return self.to(State::AfterAttributeName),
                '/' => return self.to(State::SelfClosingStartTag),
                '>' => return self.emit_tag(),
                '=' => return self.to(State::BeforeAttributeValue),
                _ => self.tag.attr_name.push('\u{fffd}'),
            }
        }
    }

    /// The after attribute name state.
    pub(super) fn after_attribute_name(&mut self) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match c {
                c if is_space(c) => {}
                '/' => return self.to(State::SelfClosingStartTag),
                '=' => return self.to(State::BeforeAttributeValue),
                '>' => return self.emit_tag(),
                c => {
                    self.tag.new_attribute(c);
                    return self.to(State::AttributeName);
                }
            }
        }
    }

    /// The before attribute value state.
    pub(super) fn before_attribute_value(&mut self) -> bool {
        loop {
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            match c {
                c if is_space(c) => self.pos += len,
                '"' => {
                    self.pos += 1;
                    return self.to(State::AttributeValue(AttrValueKind::DoubleQuoted));
                }
                '\'' => {
                    self.pos += 1;
                    return self.to(State::AttributeValue(AttrValueKind::SingleQuoted));
                }
                '>' => {
                    self.pos += 1;
                    return self.emit_tag();
                }
                _ => return self.to(State::AttributeValue(AttrValueKind::Unquoted)),
            }
        }
    }

    /// The attribute value states (double-quoted, single-quoted, unquoted).
    pub(super) fn attribute_value(&mut self, kind: AttrValueKind) -> bool {
        if self.tag.attr_unread {
            return self.skip_attribute_value(kind);
        }
        loop {
            let rest = self.rest();
            let end = match kind {
                AttrValueKind::DoubleQuoted => self.stops.find(rest, b'"', b'&'),
                AttrValueKind::SingleQuoted => self.stops.find(rest, b'\'', b'&'),
                AttrValueKind::Unquoted => Some(UNQUOTED_END.run(rest)).filter(|&n| n < rest.len()),
            };
            let n = end.unwrap_or(rest.len());
            let run = self.take_run(n);
            self.tag.attr_value.push_str(run);
            let Some((c, len)) = self.peek() else {
                return self.eof();
            };
            self.pos += len;
            match c {
                '"' if kind == AttrValueKind::DoubleQuoted => {
                    return self.to(State::AfterAttributeValueQuoted);
                }
                '\'' if kind == AttrValueKind::SingleQuoted => {
                    return self.to(State::AfterAttributeValueQuoted);
                }
                '&' => self.char_ref_in_attribute(),
                '\0' => self.tag.attr_value.push('\u{fffd}'),
                c if kind == AttrValueKind::Unquoted && is_space(c) => {
                    return self.to(State::BeforeAttributeName);
                }
                '>' if kind == AttrValueKind::Unquoted => return self.emit_tag(),
                c => self.tag.attr_value.push(c),
            }
        }
    }

    /// A `&` in an attribute value was consumed.
    fn char_ref_in_attribute(&mut self) {
        let found = char_ref::consume(self.input, self.pos, true);
        match found.chars {
            Some(chars) => {
                self.pos = found.end;
                for c in chars.into_iter().flatten() {
                    self.tag.attr_value.push(c);
                }
            }
            None => self.tag.attr_value.push('&'),
        }
    }

    /// The after attribute value (quoted) state.
    pub(super) fn after_attribute_value_quoted(&mut self) -> bool {
        let Some((c, len)) = self.peek() else {
            return self.eof();
        };
        match c {
            c if is_space(c) => {
                self.pos += len;
                self.to(State::BeforeAttributeName)
            }
            '/' => {
                self.pos += 1;
                self.to(State::SelfClosingStartTag)
            }
            '>' => {
                self.pos += 1;
                self.emit_tag()
            }
            _ => self.to(State::BeforeAttributeName),
        }
    }

    /// The self-closing start tag state.
    pub(super) fn self_closing_start_tag(&mut self) -> bool {
        let Some((c, _)) = self.peek() else {
            return self.eof();
        };
        if c == '>' {
            self.pos += 1;
            self.tag.self_closing = true;
            self.emit_tag()
        } else {
            self.to(State::BeforeAttributeName)
        }
    }

    /// Whether the end tag being built is an appropriate end tag (its name is the last start
    /// tag's).
    pub(super) fn appropriate_end_tag(&self) -> bool {
        self.last_start_tag
            .as_deref()
            .is_some_and(|last| last == self.tag.name)
    }

    /// Emits the current tag and switches to the state the tree builder asks for (data by
    /// default).
    pub(super) fn emit_tag(&mut self) -> bool {
        self.tag.finish_attribute();
        let name = LocalName::from(&*self.tag.name);
        self.tag.name.clear();
        self.state = State::Data;
        let admitted = match self.fate(&name) {
            Fate::Send(admitted) => admitted,
            Fate::Drop | Fate::Hide => return true,
            Fate::Rewind => return self.rewind_svg(),
        };
        let kind = self.tag.kind;
        if kind == StartTag {
            self.last_start_tag = Some(name.clone());
        }
        let tag = Tag {
            kind,
            name: name.clone(),
            self_closing: self.tag.self_closing,
            attrs: std::mem::take(&mut self.tag.attrs),
            had_duplicate_attributes: self.tag.had_duplicate,
        };
        self.tag.seen.clear();
        self.flush_text();
        let result = self.sink.process_token(TagToken(tag), 1);
        self.after_tag(result);
        if kind == StartTag {
            self.after_start(&name, admitted);
        }
        true
    }
}
