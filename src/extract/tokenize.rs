//! Our HTML5 tokenizer: the WHATWG tokenization states over a borrowed `&str`, driving
//! html5ever's tree builder (or any [`TokenSink`]) directly, so parsing costs a pass over
//! runs of bytes instead of html5ever's character-by-character buffer queue.
//!
//! The page is read in place: text between tags, attribute values, comments and raw text are
//! found by scanning for the few bytes that end them (`memchr`), and adjacent character data
//! (text, resolved character references, newlines) is gathered into one `CharacterTokens`
//! per run. The tokens, and the state switches the tree builder asks for (`RawData`,
//! `Plaintext`, `Script`), are html5ever 0.40's, including its departures from the spec that
//! change the tree:
//!
//! - a `U+FEFF` right after a token the tree builder answers with `Script` or
//!   `EncodingIndicator` is dropped, as html5ever's driver drops one at every (re)start;
//! - a parse error is a token to the tree builder, and it resets the "ignore a newline after
//!   `<pre>`" flag, so the two parse errors that can stand between such a start tag and a
//!   newline (`</>`, and character references with errors) are sent as tokens; all others
//!   are left out (the tree builder only hands them to the sink, which ignores them).
//!
//! Line numbers are not counted: the tree builder only passes them to
//! `TreeSink::set_current_line`, which our sink does not implement.
//!
//! Modules: [`data`] (data, PLAINTEXT and tag-open states), [`tag`] (tag names and
//! attributes), [`raw`] (RCDATA, RAWTEXT and script data with its escapes), [`comment`]
//! (comments, bogus comments, CDATA), [`doctype`], [`char_ref`] (character references),
//! [`scan`] (byte scanning), [`trim`] (the depth cap and the contents the extractor leaves
//! out, when asked for), [`skip`] (stepping over unread attribute values and emptied
//! comments).

mod char_ref;
mod comment;
mod data;
mod doctype;
mod raw;
mod scan;
mod skip;
mod tag;
mod trim;

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::{RawKind, State};
use html5ever::tokenizer::{
    CharacterTokens, Doctype, EOFToken, NullCharacterToken, ParseError, TagKind, Token, TokenSink,
    TokenSinkResult,
};
use html5ever::{Attribute, LocalName};

use super::depth::Pruning;

/// Runs the tokenizer over `input` from `initial` (the data state for a document, or the
/// state a fragment's context element asks for), sending every token to `sink` (but what
/// `pruning` leaves out, see `trim.rs`), then the end of file and `sink.end()`. Returns the
/// sink.
pub fn run<S: TokenSink>(input: &str, sink: S, initial: State, pruning: Option<Pruning>) -> S {
    let mut tok = Tokenizer::new(input, sink, initial);
    tok.trim = pruning.map(trim::Trim::new);
    tok.skip_bom();
    tok.run();
    tok.sink.end();
    tok.sink
}

/// The tokenizer's whole state: the input and position, the machine state, and the token
/// being built.
struct Tokenizer<'a, S> {
    input: &'a str,
    pos: usize,
    /// Whether runs must stop at CR and NUL.
    stops: scan::Stops,
    state: State,
    sink: S,
    /// Character data not yet sent (sent as one token before any other token).
    text: String,
    tag: tag::TagBuf,
    /// Name of the last start tag emitted, for "appropriate end tag".
    last_start_tag: Option<LocalName>,
    /// The spec's temporary buffer (raw end tag names, script double-escape names).
    temp: String,
    comment: String,
    doctype: Doctype,
    /// The depth cap and the contents left out, when the caller asks for them.
    trim: Option<trim::Trim>,
}

impl<'a, S: TokenSink> Tokenizer<'a, S> {
    /// A tokenizer at the start of `input`, in `state`.
    fn new(input: &'a str, sink: S, state: State) -> Self {
        Tokenizer {
            input,
            pos: 0,
            stops: scan::Stops::of(input.as_bytes()),
            state,
            sink,
            text: String::new(),
            tag: tag::TagBuf::default(),
            last_start_tag: None,
            temp: String::new(),
            comment: String::new(),
            doctype: Doctype::default(),
            trim: None,
        }
    }

    /// Runs the states until the end of file is emitted (and again from an svg whose subtree
    /// was being left out when the page ended).
    fn run(&mut self) {
        while self.step() || self.rewind_svg() {}
    }

    /// Runs the current state until it changes state (or emits the end of file, when this
    /// returns false).
    #[inline(always)]
    fn step(&mut self) -> bool {
        match self.state {
            State::Data => self.data(),
            State::Plaintext => self.plaintext(),
            State::TagOpen => self.tag_open(),
            State::EndTagOpen => self.end_tag_open(),
            State::TagName => self.tag_name(),
            State::BeforeAttributeName => self.before_attribute_name(),
            State::AttributeName => self.attribute_name(),
            State::AfterAttributeName => self.after_attribute_name(),
            State::BeforeAttributeValue => self.before_attribute_value(),
            State::AttributeValue(kind) => self.attribute_value(kind),
            State::AfterAttributeValueQuoted => self.after_attribute_value_quoted(),
            State::SelfClosingStartTag => self.self_closing_start_tag(),
            State::RawData(kind) => self.raw_data(kind),
            State::RawLessThanSign(kind) => self.raw_less_than_sign(kind),
            State::RawEndTagOpen(kind) => self.raw_end_tag_open(kind),
            State::RawEndTagName(kind) => self.raw_end_tag_name(kind),
            State::ScriptDataEscapeStart(kind) => self.script_escape_start(kind),
            State::ScriptDataEscapeStartDash => self.script_escape_start_dash(),
            State::ScriptDataEscapedDash(kind) => self.script_escaped_dash(kind),
            State::ScriptDataEscapedDashDash(kind) => self.script_escaped_dash_dash(kind),
            State::ScriptDataDoubleEscapeEnd => self.script_double_escape_end(),
            State::MarkupDeclarationOpen => self.markup_declaration_open(),
            State::BogusComment => self.bogus_comment(),
            State::CommentStart
            | State::CommentStartDash
            | State::Comment
            | State::CommentLessThanSign
            | State::CommentLessThanSignBang
            | State::CommentLessThanSignBangDash
            | State::CommentLessThanSignBangDashDash
            | State::CommentEndDash
            | State::CommentEnd
            | State::CommentEndBang => self.comment_states(),
            State::CdataSection | State::CdataSectionBracket | State::CdataSectionEnd => {
                self.cdata()
            }
            State::Doctype
            | State::BeforeDoctypeName
            | State::DoctypeName
            | State::AfterDoctypeName
            | State::AfterDoctypeKeyword(_)
            | State::BeforeDoctypeIdentifier(_)
            | State::DoctypeIdentifierDoubleQuoted(_)
            | State::DoctypeIdentifierSingleQuoted(_)
            | State::AfterDoctypeIdentifier(_)
            | State::BetweenDoctypePublicAndSystemIdentifiers
            | State::BogusDoctype => self.doctype_states(),
        }
    }

    /// The rest of the input.
    fn rest(&self) -> &'a [u8] {
        self.input.as_bytes().get(self.pos..).unwrap_or_default()
    }

    /// The next input character after newline normalisation (CR LF and CR read as one LF),
    /// with the number of bytes it takes, or `None` at the end of the input.
    #[inline]
    fn peek(&self) -> Option<(char, usize)> {
        let rest = self.rest();
        let b = *rest.first()?;
        if b < 0x80 {
            if b == b'\r' {
                let len = if rest.get(1) == Some(&b'\n') { 2 } else { 1 };
                return Some(('\n', len));
            }
            return Some((b as char, 1));
        }
        let c = self.input.get(self.pos..)?.chars().next()?;
        Some((c, c.len_utf8()))
    }

    /// Consumes and returns the next input character (see [`Self::peek`]).
    fn next_char(&mut self) -> Option<char> {
        let (c, len) = self.peek()?;
        self.pos += len;
        Some(c)
    }

    /// Whether the input at the current position starts with `pat` (ASCII, compared
    /// case-insensitively unless `exact`); consumes it if so.
    fn eat(&mut self, pat: &str, exact: bool) -> bool {
        let Some(head) = self.rest().get(..pat.len()) else {
            return false;
        };
        let matched = if exact {
            head == pat.as_bytes()
        } else {
            head.eq_ignore_ascii_case(pat.as_bytes())
        };
        if matched {
            self.pos += pat.len();
        }
        matched
    }

    /// Drops a U+FEFF BYTE ORDER MARK at the current position, as html5ever's driver does
    /// whenever it (re)starts its tokenizer.
    fn skip_bom(&mut self) {
        if self.rest().starts_with("\u{feff}".as_bytes()) {
            self.pos += 3;
        }
    }

    /// Sends the gathered character data, if any.
    fn flush_text(&mut self) {
        if self.trim.as_ref().is_some_and(trim::Trim::hiding) {
            self.text.clear();
        }
        if !self.text.is_empty() {
            let blank = self
                .trim
                .as_ref()
                .filter(|t| t.shortens_blank_runs())
                .and_then(|_| blank_run(&self.text));
            let text = StrTendril::from_slice(blank.unwrap_or(&self.text));
            self.text.clear();
            self.send(CharacterTokens(text));
        }
    }

    /// Sends a token other than a tag (after the gathered text); the tree builder answers
    /// those with `Continue`.
    fn emit(&mut self, token: Token) {
        self.flush_text();
        self.send(token);
    }

    /// Hands `token` to the sink as it is.
    fn send(&mut self, token: Token) {
        if self.trim.as_ref().is_some_and(trim::Trim::hiding) {
            return;
        }
        // Only tags get anything but `Continue`; html5ever asserts that, we ignore it.
        let _ = self.sink.process_token(token, 1);
    }

    /// A U+0000 in the data state or a CDATA section: a `NullCharacterToken`.
    fn emit_null(&mut self) {
        self.emit(NullCharacterToken);
    }

    /// A parse error the tree builder must see (see the module doc).
    fn emit_error(&mut self, what: &'static str) {
        self.emit(ParseError(Cow::Borrowed(what)));
    }

    /// Switches to `state` (the caller then leaves the state's loop).
    fn to(&mut self, state: State) -> bool {
        self.state = state;
        true
    }

    /// The end of the input in the current state: what html5ever's `eof_step` does. Returns
    /// false once the end-of-file token is sent.
    fn eof(&mut self) -> bool {
        use html5ever::tokenizer::states::{RawKind::*, ScriptEscapeKind::*};
        match self.state {
            State::Data | State::Plaintext => {
                self.emit(EOFToken);
                return false;
            }
            State::RawData(Rcdata | Rawtext | ScriptData) => {
                self.emit(EOFToken);
                return false;
            }
            State::TagName
            | State::RawData(ScriptDataEscaped(_))
            | State::BeforeAttributeName
            | State::AttributeName
            | State::AfterAttributeName
            | State::AttributeValue(_)
            | State::AfterAttributeValueQuoted
            | State::SelfClosingStartTag
            | State::ScriptDataEscapedDash(_)
            | State::ScriptDataEscapedDashDash(_) => self.state = State::Data,
            State::BeforeAttributeValue => self.state = State::Data,
            State::TagOpen => {
                self.text.push('<');
                self.state = State::Data;
            }
            State::EndTagOpen => {
                self.text.push_str("</");
                self.state = State::Data;
            }
            State::RawLessThanSign(ScriptDataEscaped(DoubleEscaped)) => {
                self.state = State::RawData(ScriptDataEscaped(DoubleEscaped));
            }
            State::RawLessThanSign(kind) => {
                self.text.push('<');
                self.state = State::RawData(kind);
            }
            State::RawEndTagOpen(kind) => {
                self.text.push_str("</");
                self.state = State::RawData(kind);
            }
            State::RawEndTagName(kind) => {
                self.text.push_str("</");
                self.text.push_str(&self.temp);
                self.temp.clear();
                self.state = State::RawData(kind);
            }
            State::ScriptDataEscapeStart(kind) => {
                self.state = State::RawData(ScriptDataEscaped(kind));
            }
            State::ScriptDataEscapeStartDash => self.state = State::RawData(ScriptData),
            State::ScriptDataDoubleEscapeEnd => {
                self.state = State::RawData(ScriptDataEscaped(DoubleEscaped));
            }
            State::CommentStart
            | State::CommentStartDash
            | State::Comment
            | State::CommentEndDash
            | State::CommentEnd
            | State::CommentEndBang
            | State::CommentLessThanSign
            | State::CommentLessThanSignBang
            | State::CommentLessThanSignBangDash
            | State::CommentLessThanSignBangDashDash
            | State::BogusComment
            | State::MarkupDeclarationOpen => {
                self.emit_comment();
                self.state = State::Data;
            }
            State::Doctype | State::BeforeDoctypeName => {
                self.doctype = Doctype::default();
                self.doctype.force_quirks = true;
                self.emit_doctype();
                self.state = State::Data;
            }
            State::DoctypeName
            | State::AfterDoctypeName
            | State::AfterDoctypeKeyword(_)
            | State::BeforeDoctypeIdentifier(_)
            | State::DoctypeIdentifierDoubleQuoted(_)
            | State::DoctypeIdentifierSingleQuoted(_)
            | State::AfterDoctypeIdentifier(_)
            | State::BetweenDoctypePublicAndSystemIdentifiers => {
                self.doctype.force_quirks = true;
                self.emit_doctype();
                self.state = State::Data;
            }
            State::BogusDoctype => {
                self.emit_doctype();
                self.state = State::Data;
            }
            State::CdataSection | State::CdataSectionBracket | State::CdataSectionEnd => {
                match self.state {
                    State::CdataSectionBracket => self.text.push(']'),
                    State::CdataSectionEnd => self.text.push_str("]]"),
                    _ => {}
                }
                self.state = State::Data;
            }
        }
        true
    }

    /// What the tree builder asked for after a tag: the next state, and whether html5ever's
    /// driver would have restarted its tokenizer (dropping a byte order mark).
    fn after_tag(&mut self, result: TokenSinkResult<S::Handle>) {
        match result {
            TokenSinkResult::Continue => {}
            TokenSinkResult::Plaintext => self.state = State::Plaintext,
            TokenSinkResult::RawData(kind) => self.state = State::RawData(kind),
            TokenSinkResult::Script(_) => {
                self.state = State::Data;
                self.skip_bom();
            }
            TokenSinkResult::EncodingIndicator(_) => self.skip_bom(),
        }
    }
}

/// The state a fragment's tokenizer starts in, from what the tree builder asks for its
/// context element (only the data, RCDATA, RAWTEXT, script data and PLAINTEXT states are
/// ever asked for).
pub fn fragment_state(asked: State) -> State {
    match asked {
        State::RawData(kind @ (RawKind::Rcdata | RawKind::Rawtext | RawKind::ScriptData)) => {
            State::RawData(kind)
        }
        State::Plaintext => State::Plaintext,
        _ => State::Data,
    }
}

/// An attribute as the tokenizer hands it over (the tree builder sets namespaces).
fn attribute(name: LocalName, value: StrTendril) -> Attribute {
    Attribute {
        name: html5ever::QualName::new(None, html5ever::ns!(), name),
        value,
    }
}

/// Kinds of tag, re-exported for the submodules.
/// What a text of white space only means to a reader that collapses white space and keeps
/// only line breaks (and, in `<pre>`, the space after the last one): the same text with at
/// most two line breaks and a space if any followed the last one. A text that opens with a
/// line break keeps it apart from the others (the tree builder drops a line break right
/// after `<pre>`, `<listing>` or `<textarea>`); one that does not opens with a space.
/// `None` for text that is not all HTML white space (`u8::is_ascii_whitespace`: the tree
/// builder tells a blank text by that) or is already that short. Runs of indentation
/// between tags are most of a page's text nodes; sent whole, they cost the tree builder and
/// every later reading.
pub(super) fn blank_run(text: &str) -> Option<&'static str> {
    let lead = text.starts_with('\n');
    let rest = text.as_bytes().get(usize::from(lead)..).unwrap_or_default();
    // Sixteen bytes at a time, every byte of a chunk tested (the compiler makes that a few
    // vector compares): a page's indentation runs are long.
    if !rest.chunks(16).all(|chunk| {
        chunk
            .iter()
            .fold(true, |all, b| all & b.is_ascii_whitespace())
    }) {
        return None;
    }
    let breaks = memchr::memchr(b'\n', rest).is_some();
    let space_after = rest.last().is_some_and(|&b| b != b'\n');
    let short = match (lead, breaks, space_after) {
        (false, false, _) => " ",
        (false, true, false) => " \n",
        (false, true, true) => " \n ",
        (true, false, false) => "\n",
        (true, false, true) => "\n ",
        (true, true, false) => "\n\n",
        (true, true, true) => "\n\n ",
    };
    (short.len() < text.len()).then_some(short)
}

use TagKind::{EndTag, StartTag};
