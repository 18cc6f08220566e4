//! The depth cap and what the extractor never reads, decided tag by tag as our tokenizer
//! emits them (`tokenize/trim.rs` asks [`Cap`] about every tag before the tree builder sees
//! it). html5ever's tree building costs time in proportion to the depth of its stack of open
//! elements for every tag, so a hostile page of 100,000 nested elements would take about a
//! minute: start and end tags beyond [`MAX_DEPTH`] are dropped, their text kept.
//!
//! The depth is tracked with a small model of the parser's stack of open elements
//! (`open_elements.rs`). The model may keep elements open that the parser closes (that only
//! flattens a page earlier), but it must never close one the parser keeps open, or a page
//! could slip past the cap. Where the model is sure it follows the parser (`prescan.rs`), the
//! tokenizer also leaves out the contents of scripts (but JSON-LD), styles and inline svg,
//! the text of comments, and with `lean` the attributes the tree builder of `parse.rs` drops.

use html5ever::LocalName;

use super::open_elements::{OpenElements, is_formatting};
use super::parse::READ_ATTRIBUTES;
use super::prescan::Certainty;

/// Deepest nesting the parser gets to see (as the model counts it, without `html` and
/// `body`): the readability corpus peaks at 36. Each tag costs the parser up to one walk of
/// this many elements, so the cap also bounds a page's parsing time by its size.
pub const MAX_DEPTH: usize = 256;

/// What the tokenizer leaves out of the page it hands the tree builder.
#[derive(Clone, Copy, Debug)]
pub struct Pruning {
    /// Start and end tags nested deeper than this are dropped.
    pub limit: usize,
    /// Script, style and inline svg contents and comment text are left out.
    pub empty: bool,
    /// Attributes the tree builder drops are not read into tokens.
    pub lean: bool,
    /// Text of white space only is sent as the line breaks it holds, at most two (see
    /// `tokenize::blank_run`): the extractor collapses white space and keeps only line breaks.
    pub blank_runs: bool,
}

/// The model of open elements and how far the tokenizer may trust it.
#[derive(Clone)]
pub struct Cap {
    stack: OpenElements,
    certainty: Certainty,
    /// Start tags dropped whose end tags are still to come.
    excess: usize,
    pruning: Pruning,
}

/// A start tag the tree builder is to see.
#[derive(Clone, Copy, Debug, Default)]
pub struct Admitted {
    /// Its content may be left out (if it is a script or style the parser reads as raw text).
    pub emptiable: bool,
    /// It is an svg whose whole subtree may be left out.
    pub svg: bool,
}

impl Cap {
    /// A cap for a page (or fragment) that starts with no element open.
    pub fn new(pruning: Pruning) -> Self {
        Cap {
            stack: OpenElements::default(),
            certainty: Certainty::default(),
            excess: 0,
            pruning,
        }
    }

    /// A start tag; `None` when it is nested too deep (its text stays, and the next end tag
    /// is dropped in its place).
    pub fn start(&mut self, name: &LocalName, self_closing: bool) -> Option<Admitted> {
        // Inside math or svg the parser nests even `<col>` or `<img>`.
        let void = is_void(name) && !self.stack.in_foreign();
        if !void && self.stack.len() >= self.pruning.limit {
            self.excess += 1;
            return None;
        }
        self.certainty.start(name, &self.stack);
        if void {
            return Some(Admitted::default());
        }
        let sure = self.pruning.empty && self.certainty.sure(&self.stack);
        let svg = sure && &**name == "svg" && !self_closing;
        let self_closing = self_closing && self.certainty.kept();
        self.stack.open(name.clone(), self_closing);
        Some(Admitted {
            emptiable: sure,
            svg,
        })
    }

    /// An end tag: whether the tree builder sees it.
    pub fn end(&mut self, name: &LocalName) -> bool {
        if self.excess > 0 {
            self.excess -= 1;
            return false;
        }
        self.close(name);
        true
    }

    /// An end tag the tree builder must see (one that ends a raw text element).
    pub fn close(&mut self, name: &LocalName) {
        self.certainty.end(name, &self.stack);
        self.stack.close(name);
    }

    /// Whether a `math` or `svg` element is open.
    pub fn in_foreign(&self) -> bool {
        self.stack.in_foreign()
    }

    /// Whether the model still follows the parser.
    pub fn kept(&self) -> bool {
        self.certainty.kept()
    }

    /// Whether text of white space only goes as its line breaks (see [`Pruning::blank_runs`]).
    pub fn shortens_blank_runs(&self) -> bool {
        self.pruning.blank_runs
    }

    /// Whether comments may be sent without their text.
    pub fn empties_comments(&self) -> bool {
        self.pruning.empty && self.certainty.kept()
    }

    /// Whether the unread attributes of the start tag `name` may be left out. Formatting
    /// elements keep theirs: the parser compares their attributes when it limits how many
    /// identical ones it reopens; inside svg and math some change the parse.
    pub fn lean_for(&self, name: &str) -> bool {
        self.pruning.lean
            && !self.stack.in_foreign()
            && self.certainty.kept()
            && !is_formatting(name)
    }

    /// Takes back the model as it stood at `earlier` (the page is read again from there);
    /// what was learnt about the certainty stays.
    pub fn rewind_to(&mut self, earlier: Cap) {
        self.stack = earlier.stack;
        self.excess = earlier.excess;
    }
}

/// Elements that never have content, so never deepen the tree (`image` is read as `img`).
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Whether the tree keeps an attribute of this (lowercased) name (`parse::READ_ATTRIBUTES`),
/// it may change how the page is parsed (declarative shadow roots), or it is namespaced
/// (`xlink:href` is read as `href`).
pub fn kept_attribute(name: &str) -> bool {
    name.contains(':') || name.starts_with("shadowroot") || READ_ATTRIBUTES.contains(&name)
}

#[cfg(test)]
mod tests;
