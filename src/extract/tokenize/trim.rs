//! What the extractor asks of the tokenizer beyond the tokens (`depth.rs`): tags nested
//! deeper than the cap are dropped before the tree builder sees them; the text of scripts
//! and styles is stepped over (found by its end tag, as the tokenizer would) and the whole
//! subtree of an inline svg is not sent; comments go without their text and unread
//! attributes without their values (both stepped over in `skip.rs`). The tags inside a
//! left-out svg still go through the model of open elements; if it stops being sure of the
//! parse there (or the page ends first), the tokenizer reads the svg again from its start
//! and sends it.

use html5ever::LocalName;
use html5ever::tokenizer::TokenSink;
use html5ever::tokenizer::states::{RawKind, State};

use super::super::depth::{Admitted, Cap, Pruning};
use super::super::prescan::{emptiable_end, is_json_ld};
use super::{EndTag, StartTag, Tokenizer};

/// The pruning in progress.
pub(super) struct Trim {
    cap: Cap,
    /// The svg whose subtree is being left out: where its content starts, and the model as it
    /// stood there.
    svg: Option<(usize, Cap)>,
    /// A start tag put the tokenizer in a raw text state: the next tag ends that element.
    raw_open: bool,
}

impl Trim {
    /// Pruning from the start of a page.
    pub(super) fn new(pruning: Pruning) -> Self {
        Trim {
            cap: Cap::new(pruning),
            svg: None,
            raw_open: false,
        }
    }

    /// Whether tokens are being left out (inside an svg).
    pub(super) fn hiding(&self) -> bool {
        self.svg.is_some()
    }

    /// Whether text of white space only goes as its line breaks.
    pub(super) fn shortens_blank_runs(&self) -> bool {
        self.cap.shortens_blank_runs()
    }

    /// Whether comments go without their text.
    pub(super) fn empties_comments(&self) -> bool {
        self.cap.empties_comments()
    }

    /// Whether the unread attributes of the tag `name` need not be read.
    pub(super) fn lean_for(&self, name: &str) -> bool {
        self.cap.lean_for(name)
    }
}

/// What becomes of a tag.
pub(super) enum Fate {
    /// It goes to the tree builder (a start tag with what the cap made of it).
    Send(Option<Admitted>),
    /// It is left out, its text kept.
    Drop,
    /// It is left out with the svg it is in.
    Hide,
    /// The svg must be read again from its start.
    Rewind,
}

impl<S: TokenSink> Tokenizer<'_, S> {
    /// Decides on the tag about to be emitted.
    pub(super) fn fate(&mut self, name: &LocalName) -> Fate {
        let (kind, self_closing) = (self.tag.kind, self.tag.self_closing);
        let Some(trim) = self.trim.as_mut() else {
            return Fate::Send(None);
        };
        let admitted = if kind == StartTag {
            match trim.cap.start(name, self_closing) {
                Some(admitted) => Some(admitted),
                None => return Fate::Drop,
            }
        } else if std::mem::take(&mut trim.raw_open) {
            // The end of a raw text element always reaches the tree builder, or it would
            // read the rest of the page as that element's text.
            trim.cap.close(name);
            None
        } else if trim.cap.end(name) {
            None
        } else {
            return Fate::Drop;
        };
        if trim.svg.is_none() {
            return Fate::Send(admitted);
        }
        if !trim.cap.kept() {
            return Fate::Rewind;
        }
        self.text.clear();
        if kind == EndTag && !trim.cap.in_foreign() {
            trim.svg = None;
            return Fate::Send(None);
        }
        Fate::Hide
    }

    /// After a start tag went to the tree builder (which asked for the current state): starts
    /// leaving out an svg's subtree or a script's or style's text.
    pub(super) fn after_start(&mut self, name: &LocalName, admitted: Option<Admitted>) {
        let open_tag = self.input.as_bytes().get(self.tag.from..self.pos);
        let Some(trim) = self.trim.as_mut() else {
            return;
        };
        trim.raw_open = matches!(self.state, State::RawData(_) | State::Plaintext);
        let Some(admitted) = admitted else {
            return;
        };
        if admitted.svg && self.state == State::Data {
            trim.svg = Some((self.pos, trim.cap.clone()));
        }
        let bytes = self.input.as_bytes();
        let end = match (&**name, self.state) {
            ("script", State::RawData(RawKind::ScriptData)) if admitted.emptiable => {
                let json_ld = open_tag.is_some_and(is_json_ld);
                (!json_ld).then(|| emptiable_end(bytes, self.pos, "script", true))
            }
            ("style", State::RawData(RawKind::Rawtext)) if admitted.emptiable => {
                Some(emptiable_end(bytes, self.pos, "style", false))
            }
            _ => None,
        };
        // The tokenizer goes on at the `<` of the end tag, so the element gets no text.
        if let Some(Some(end)) = end {
            self.pos = end;
        }
    }

    /// Reads the svg being left out again from its start, sending it; returns whether there
    /// was one.
    pub(super) fn rewind_svg(&mut self) -> bool {
        let Some(trim) = self.trim.as_mut() else {
            return false;
        };
        let Some((from, cap)) = trim.svg.take() else {
            return false;
        };
        trim.cap.rewind_to(cap);
        self.pos = from;
        self.state = State::Data;
        self.text.clear();
        true
    }
}
