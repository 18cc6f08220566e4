//! The compact parsed page the extractor reads: every node is one 32-byte slot of one `Vec`
//! linked by `u32` indices, text nodes are ranges of one text buffer, element names are
//! indices into the page's table of distinct names, and attributes are ranges of one shared
//! attribute list. scraper's tree spent 128 bytes and several allocations on every node (issue
//! 10 item 5); the navigation below mirrors the part of ego_tree and scraper the extractor
//! used, so the passes read the same nodes in the same order.
//!
//! Node ids are handed out in creation order, as ego_tree's are, so ordering nodes by id and
//! [`Html::select`] (which, like scraper's, visits the elements in that order, whether or not
//! they are still in the document) give what they gave.

mod build;
mod grow;
mod select;

pub use build::Builder;
pub use select::Selector;

use html5ever::tendril::StrTendril;
use html5ever::{QualName, ns};

/// "No node" in a link.
const NONE: u32 = u32::MAX;

/// A node of one page's tree (its index in creation order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(u32);

impl NodeId {
    /// The node's position in creation order, for tables indexed by node.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// What a slot holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Fragment,
    Doctype,
    Text,
    /// A text node a left-out comment followed: text after it starts a new node.
    SealedText,
    Element,
}

/// One node: its links and what it holds in 32 bytes. The previous-sibling link of a first
/// child points at the last child, so the parent needs no last-child link.
#[derive(Debug, Clone)]
struct Slot {
    parent: u32,
    prev: u32,
    next: u32,
    first: u32,
    kind: Kind,
    /// Element: number of attributes (little-endian, at most [`MAX_ATTRS`]).
    count: [u8; 3],
    /// Element: index into [`Html::names`].
    name: u32,
    /// Text: start in [`Html::text`]; element: first attribute in [`Html::attrs`].
    a: u32,
    /// Text: length in bytes; element: its position among the elements in creation order.
    b: u32,
}

/// The most attributes an element keeps (the rest of an element with more are dropped).
const MAX_ATTRS: usize = (1 << 24) - 1;

impl Slot {
    fn new(kind: Kind, name: u32, a: u32, b: u32) -> Self {
        Slot {
            parent: NONE,
            prev: NONE,
            next: NONE,
            first: NONE,
            kind,
            count: [0; 3],
            name,
            a,
            b,
        }
    }

    fn attr_count(&self) -> usize {
        let [x, y, z] = self.count;
        u32::from_le_bytes([x, y, z, 0]) as usize
    }

    fn set_attr_count(&mut self, n: usize) {
        let [x, y, z, _] = (n.min(MAX_ATTRS) as u32).to_le_bytes();
        self.count = [x, y, z];
    }
}

/// One attribute: its name (index into [`Html::names`]) and value (shared with the parser's
/// copies), sorted by name within an element as scraper keeps them.
#[derive(Debug, Clone)]
struct Attr {
    name: u32,
    value: StrTendril,
}

/// A parsed page (a document or a fragment).
#[derive(Debug)]
pub struct Html {
    nodes: Vec<Slot>,
    /// Distinct element and attribute names.
    names: Vec<QualName>,
    attrs: Vec<Attr>,
    text: String,
    /// Number of elements.
    elements: u32,
}

impl Html {
    /// An empty tree with room for the text and attributes a page of `page_bytes` bytes
    /// usually holds: over the readability and fundus corpora and the local farm's 1,000 pages
    /// (360 MB), an attribute per 235 bytes and a byte of text per 10 (runs of indentation
    /// shortened), so most pages never copy those lists as they grow. The nodes (one per 105
    /// bytes there, but one per 10 on a page of tiny tags) grow as they come: sized from the
    /// page's length, their last doubling on such a page overshot `tests/extract_memory`'s
    /// bound.
    pub(super) fn with_room_for(page_bytes: usize) -> Self {
        Html {
            nodes: Vec::new(),
            names: Vec::new(),
            attrs: Vec::with_capacity(page_bytes / 192),
            text: String::with_capacity(page_bytes / 8),
            elements: 0,
        }
    }

    fn node(&self, id: u32) -> NodeRef<'_> {
        NodeRef { doc: self, id }
    }

    /// The document (or fragment) node.
    pub fn root(&self) -> NodeRef<'_> {
        self.node(0)
    }

    /// The node `id`, if this tree has it.
    pub fn get(&self, id: NodeId) -> Option<NodeRef<'_>> {
        (id.index() < self.nodes.len()).then(|| self.node(id.0))
    }

    /// Number of elements (detached ones included): the size of a table indexed by
    /// [`NodeRef::element_index`].
    pub fn element_count(&self) -> usize {
        self.elements as usize
    }

    /// The first element under the root (`<html>`), or the root when there is none.
    pub fn root_element(&self) -> NodeRef<'_> {
        let root = self.root();
        root.children()
            .find(|c| c.value().is_element())
            .unwrap_or(root)
    }

    /// Every element with a parent that the selector matches, in creation order: what
    /// scraper's `Html::select` visits (the children of a detached node included).
    pub fn select<'a>(&'a self, selector: &'a Selector) -> impl Iterator<Item = NodeRef<'a>> {
        let mut caches = Default::default();
        self.elements()
            .filter(move |n| selector.matches_with(n, &mut caches))
    }

    /// Every element with a parent, in creation order: the elements [`Html::select`] tries.
    pub fn elements(&self) -> impl Iterator<Item = NodeRef<'_>> {
        (0..self.nodes.len() as u32)
            .map(|id| self.node(id))
            .filter(|n| n.value().is_element() && n.parent().is_some())
    }
}

/// A node of a tree and the tree, to walk from it.
#[derive(Clone, Copy)]
pub struct NodeRef<'a> {
    doc: &'a Html,
    id: u32,
}

impl std::fmt::Debug for NodeRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "node {}", self.id)
    }
}

/// What a node holds.
#[derive(Debug, Clone, Copy)]
pub enum Node<'a> {
    /// The root of a parsed document.
    Document,
    /// The root of a parsed fragment, or a template's contents.
    Fragment,
    /// A `<!DOCTYPE>`.
    Doctype,
    /// Text.
    Text(&'a str),
    /// An element.
    Element(Element<'a>),
}

impl<'a> Node<'a> {
    /// Whether the node is an element.
    pub fn is_element(&self) -> bool {
        matches!(self, Node::Element(_))
    }

    /// Whether the node is text.
    pub fn is_text(&self) -> bool {
        matches!(self, Node::Text(_))
    }

    /// Whether the node is the document.
    pub fn is_document(&self) -> bool {
        matches!(self, Node::Document)
    }

    /// The text, if the node is text.
    pub fn as_text(&self) -> Option<&'a str> {
        match self {
            Node::Text(t) => Some(t),
            _ => None,
        }
    }

    /// The element, if the node is one.
    pub fn as_element(&self) -> Option<Element<'a>> {
        match self {
            Node::Element(e) => Some(*e),
            _ => None,
        }
    }
}

/// An element of a tree: its name and attributes.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a Html,
    slot: &'a Slot,
}

impl std::fmt::Debug for Element<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{}>", self.name())
    }
}

impl<'a> Element<'a> {
    /// The element's qualified name.
    pub fn qual_name(&self) -> &'a QualName {
        &self.doc.names[self.slot.name as usize]
    }

    /// The element's local name.
    pub fn name(&self) -> &'a str {
        &self.qual_name().local
    }

    /// The element's attributes as (qualified name, value), in name order.
    pub fn attrs(&self) -> impl Iterator<Item = (&'a QualName, &'a str)> + use<'a> {
        let (doc, start) = (self.doc, self.slot.a as usize);
        let list = doc
            .attrs
            .get(start..start + self.slot.attr_count())
            .unwrap_or(&[]);
        list.iter()
            .filter_map(move |a| Some((doc.names.get(a.name as usize)?, &*a.value)))
    }

    /// The value of the attribute `name` without namespace or prefix (what scraper's
    /// `Element::attr` returns).
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attrs()
            .find(|(q, _)| q.prefix.is_none() && q.ns == ns!() && &*q.local == name)
            .map(|(_, v)| v)
    }

    /// The first attribute named `id` in any namespace (what scraper's `Element::id` returns).
    pub fn id(&self) -> Option<&'a str> {
        self.attrs()
            .find(|(q, _)| &*q.local == "id")
            .map(|(_, v)| v)
    }

    /// The class names, from every attribute named `class`.
    pub fn classes(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.attrs()
            .filter(|(q, _)| &*q.local == "class")
            .flat_map(|(_, v)| v.split_ascii_whitespace())
    }
}

/// A step of a depth-first walk: a node is opened, its subtree walked, then it is closed.
#[derive(Debug, Clone, Copy)]
pub enum Edge<'a> {
    /// Entering the node.
    Open(NodeRef<'a>),
    /// Leaving the node, after its subtree.
    Close(NodeRef<'a>),
}

impl<'a> NodeRef<'a> {
    fn slot(&self) -> &'a Slot {
        &self.doc.nodes[self.id as usize]
    }

    fn link(&self, to: u32) -> Option<NodeRef<'a>> {
        (to != NONE).then(|| self.doc.node(to))
    }

    /// The node's id.
    pub fn id(&self) -> NodeId {
        NodeId(self.id)
    }

    /// What the node holds.
    pub fn value(&self) -> Node<'a> {
        let slot = self.slot();
        match slot.kind {
            Kind::Document => Node::Document,
            Kind::Fragment => Node::Fragment,
            Kind::Doctype => Node::Doctype,
            Kind::Text | Kind::SealedText => {
                let start = slot.a as usize;
                Node::Text(
                    self.doc
                        .text
                        .get(start..start + slot.b as usize)
                        .unwrap_or(""),
                )
            }
            Kind::Element => Node::Element(Element {
                doc: self.doc,
                slot,
            }),
        }
    }

    /// The element's position among the elements in creation order, if the node is one.
    pub fn element_index(&self) -> Option<usize> {
        let slot = self.slot();
        (slot.kind == Kind::Element).then_some(slot.b as usize)
    }

    /// The value of the attribute `name` if the node is an element that has it.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.value().as_element()?.attr(name)
    }

    /// The parent node.
    pub fn parent(&self) -> Option<NodeRef<'a>> {
        self.link(self.slot().parent)
    }

    /// The first child.
    pub fn first_child(&self) -> Option<NodeRef<'a>> {
        self.link(self.slot().first)
    }

    /// The next sibling.
    pub fn next_sibling(&self) -> Option<NodeRef<'a>> {
        self.link(self.slot().next)
    }

    /// The previous sibling.
    pub fn prev_sibling(&self) -> Option<NodeRef<'a>> {
        let parent = self.parent()?;
        if parent.slot().first == self.id {
            return None;
        }
        self.link(self.slot().prev)
    }

    /// The children, first to last.
    pub fn children(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.first_child(), NodeRef::next_sibling)
    }

    /// The siblings after the node, nearest first.
    pub fn next_siblings(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.next_sibling(), NodeRef::next_sibling)
    }

    /// The siblings before the node, nearest first.
    pub fn prev_siblings(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.prev_sibling(), NodeRef::prev_sibling)
    }

    /// The ancestors, parent first.
    pub fn ancestors(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        std::iter::successors(self.parent(), NodeRef::parent)
    }

    /// The node and every node below it, in document order.
    pub fn descendants(&self) -> impl Iterator<Item = NodeRef<'a>> + use<'a> {
        self.traverse().filter_map(|e| match e {
            Edge::Open(n) => Some(n),
            Edge::Close(_) => None,
        })
    }

    /// The depth-first walk of the node's subtree, opening and closing every node.
    pub fn traverse(&self) -> Traverse<'a> {
        Traverse {
            root: *self,
            edge: None,
        }
    }

    /// The text nodes below the node, in document order.
    pub fn text(&self) -> impl Iterator<Item = &'a str> + use<'a> {
        self.descendants().filter_map(|d| d.value().as_text())
    }
}

/// Iterator of [`NodeRef::traverse`].
pub struct Traverse<'a> {
    root: NodeRef<'a>,
    edge: Option<Edge<'a>>,
}

impl<'a> Iterator for Traverse<'a> {
    type Item = Edge<'a>;

    fn next(&mut self) -> Option<Edge<'a>> {
        let next = match self.edge {
            None => Edge::Open(self.root),
            Some(Edge::Open(node)) => match node.first_child() {
                Some(child) => Edge::Open(child),
                None => Edge::Close(node),
            },
            Some(Edge::Close(node)) => {
                if node.id == self.root.id {
                    return None;
                }
                match (node.next_sibling(), node.parent()) {
                    (Some(sibling), _) => Edge::Open(sibling),
                    (None, Some(parent)) => Edge::Close(parent),
                    (None, None) => return None,
                }
            }
        };
        self.edge = Some(next);
        Some(next)
    }
}

#[cfg(test)]
pub(super) mod tests;
