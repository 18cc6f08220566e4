//! Parsing a page into the tree the extractor reads, keeping out of it what the extractor
//! never reads, since the tree is most of extraction's memory (each node takes 128 bytes,
//! each attribute another allocation): comments and processing instructions, attributes
//! outside [`READ_ATTRIBUTES`] (unless a site rule's selectors may name any), and the parse
//! error messages. The page is fed to html5ever in slices, so the parser never holds a whole
//! copy of it. The rest of the tree is exactly what `Html::parse_document` builds.

use super::node_hash::NodeSet;
use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use ego_tree::NodeId;
use html5ever::driver::{self, ParseOpts};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, QualName};
use scraper::node::{Comment, Text};
use scraper::{Html, HtmlTreeSink, Node};

/// Attributes the extractor reads, by `attr()` or in its selectors (a test checks every
/// `attr("…")` and selector of `src/extract` against this list).
pub const READ_ATTRIBUTES: &[&str] = &[
    "aria-hidden",
    "class",
    "content",
    "datatable",
    "datetime",
    "hidden",
    "href",
    "http-equiv",
    "id",
    "itemprop",
    "lang",
    "name",
    "property",
    "pubdate",
    "rel",
    "role",
    "style",
    "summary",
    "type",
    "xml:lang",
];

/// Bytes handed to the parser at a time (cut at a character boundary).
const SLICE_BYTES: usize = 64 << 10;

/// Parses a whole page. With `all_attributes` every attribute is kept (for a site rule,
/// whose selectors may name any).
pub fn document(html: &str, all_attributes: bool) -> Html {
    in_slices(html, all_attributes, SLICE_BYTES)
}

/// [`document`], handing the parser `slice` bytes at a time.
fn in_slices(html: &str, all_attributes: bool, slice: usize) -> Html {
    let mut parser = driver::parse_document(Lean::new(all_attributes), ParseOpts::default());
    let mut rest = html;
    while !rest.is_empty() {
        let mut cut = rest.len().min(slice.max(1));
        while !rest.is_char_boundary(cut) {
            cut += 1;
        }
        let (slice, after) = rest.split_at(cut);
        parser.process(StrTendril::from_slice(slice));
        rest = after;
    }
    parser.finish()
}

/// scraper's tree builder with comments, processing instructions, unread attributes and
/// error messages left out.
struct Lean {
    inner: HtmlTreeSink,
    all_attributes: bool,
    /// The one detached node handed out for every comment and processing instruction; the
    /// parser's requests to place it are ignored.
    left_out: NodeId,
    /// Text nodes a left-out comment followed: text after the comment starts a new node,
    /// as it did when the comment stood between them.
    sealed: RefCell<NodeSet>,
}

impl Lean {
    fn new(all_attributes: bool) -> Self {
        let mut html = Html::new_document();
        let left_out = html
            .tree
            .orphan(Node::Comment(Comment {
                comment: StrTendril::new(),
            }))
            .id();
        Lean {
            inner: HtmlTreeSink::new(html),
            all_attributes,
            left_out,
            sealed: RefCell::new(NodeSet::default()),
        }
    }

    fn keep(&self, mut attrs: Vec<Attribute>) -> Vec<Attribute> {
        if !self.all_attributes {
            attrs.retain(|a| READ_ATTRIBUTES.contains(&&*a.name.local));
        }
        attrs
    }

    /// Marks `node` so that no text merges into it, if it is a text node.
    fn seal(&self, node: Option<NodeId>) {
        let html = self.inner.0.borrow();
        if let Some(id) = node.filter(|id| html.tree.get(*id).is_some_and(|n| n.value().is_text()))
        {
            self.sealed.borrow_mut().insert(id);
        }
    }

    fn is_sealed(&self, node: Option<NodeId>) -> bool {
        node.is_some_and(|id| self.sealed.borrow().contains(&id))
    }

    fn last_child(&self, parent: NodeId) -> Option<NodeId> {
        let html = self.inner.0.borrow();
        html.tree.get(parent)?.last_child().map(|c| c.id())
    }

    fn prev_sibling(&self, sibling: NodeId) -> Option<NodeId> {
        let html = self.inner.0.borrow();
        html.tree.get(sibling)?.prev_sibling().map(|c| c.id())
    }

    fn has_parent(&self, node: NodeId) -> bool {
        let html = self.inner.0.borrow();
        html.tree.get(node).is_some_and(|n| n.parent().is_some())
    }
}

impl TreeSink for Lean {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Html {
        self.inner.finish()
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        self.inner.get_document()
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> Ref<'a, QualName> {
        self.inner.elem_name(target)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> NodeId {
        self.inner.create_element(name, self.keep(attrs), flags)
    }

    fn create_comment(&self, _text: StrTendril) -> NodeId {
        self.left_out
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        self.left_out
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        match child {
            NodeOrText::AppendNode(id) if id == self.left_out => {
                self.seal(self.last_child(*parent));
            }
            NodeOrText::AppendText(text) if self.is_sealed(self.last_child(*parent)) => {
                let mut html = self.inner.0.borrow_mut();
                if let Some(mut parent) = html.tree.get_mut(*parent) {
                    parent.append(Node::Text(Text { text }));
                }
            }
            child => self.inner.append(parent, child),
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        if self.has_parent(*element) {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, name: StrTendril, public: StrTendril, system: StrTendril) {
        self.inner.append_doctype_to_document(name, public, system);
    }

    fn mark_script_already_started(&self, node: &NodeId) {
        self.inner.mark_script_already_started(node);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        self.inner.get_template_contents(target)
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        self.inner.same_node(x, y)
    }

    fn set_quirks_mode(&self, mode: QuirksMode) {
        self.inner.set_quirks_mode(mode);
    }

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        match new_node {
            NodeOrText::AppendNode(id) if id == self.left_out => {
                if self.has_parent(*sibling) {
                    self.seal(self.prev_sibling(*sibling));
                }
            }
            NodeOrText::AppendText(text) if self.is_sealed(self.prev_sibling(*sibling)) => {
                let mut html = self.inner.0.borrow_mut();
                if let Some(mut sibling) = html.tree.get_mut(*sibling)
                    && sibling.parent().is_some()
                {
                    sibling.insert_before(Node::Text(Text { text }));
                }
            }
            new_node => self.inner.append_before_sibling(sibling, new_node),
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        self.inner.add_attrs_if_missing(target, self.keep(attrs));
    }

    fn remove_from_parent(&self, target: &NodeId) {
        if *target != self.left_out {
            self.inner.remove_from_parent(target);
        }
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        self.inner.reparent_children(node, new_parent);
    }
}

#[cfg(test)]
mod tests;
