//! Building an [`Html`] from html5ever's tree-builder calls, node for node as scraper's
//! `HtmlTreeSink` builds its tree (adjacent text merged, a `<template>`'s contents in a
//! fragment child, a node moved before a sibling taken from its old parent first), with
//! comments and processing instructions left out and text after a left-out comment starting
//! a new text node, as it did when the comment stood between them.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::{Attribute, LocalName, Namespace, QualName, local_name, ns};

use super::grow::Growing;
use super::{Html, Kind, NONE, NodeId, Slot};

/// The handle given out for every comment and processing instruction: requests to place it
/// are ignored.
const LEFT_OUT: NodeId = NodeId(NONE);

/// html5ever's tree sink building an [`Html`].
pub struct Builder {
    tree: RefCell<Growing>,
    /// Which attributes to keep.
    keep: fn(&QualName) -> bool,
}

/// An element's name as the tree builder asks for it.
pub struct ElemName<'a> {
    tree: Ref<'a, Growing>,
    name: u32,
}

impl std::fmt::Debug for ElemName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.qual())
    }
}

impl ElemName<'_> {
    fn qual(&self) -> &QualName {
        self.tree.name(self.name)
    }
}

impl html5ever::interface::ElemName for ElemName<'_> {
    fn ns(&self) -> &Namespace {
        &self.qual().ns
    }

    fn local_name(&self) -> &LocalName {
        &self.qual().local
    }
}

impl Builder {
    /// A builder of a document (or, with `fragment`, of a fragment) parsed from `page_bytes`
    /// bytes of markup, keeping the attributes `keep` accepts. The tree's text and attribute
    /// lists start at the sizes a page of that length usually needs (see
    /// [`Html::with_room_for`]), so they are not copied over and over as they grow.
    pub fn new(fragment: bool, keep: fn(&QualName) -> bool, page_bytes: usize) -> Self {
        let root = Slot::new(
            if fragment {
                Kind::Fragment
            } else {
                Kind::Document
            },
            0,
            0,
            0,
        );
        let mut html = Html::with_room_for(page_bytes);
        html.nodes.push(root);
        Builder {
            tree: RefCell::new(Growing::new(html)),
            keep,
        }
    }

    fn attrs(&self, mut attrs: Vec<Attribute>) -> Vec<Attribute> {
        attrs.retain(|a| (self.keep)(&a.name));
        attrs
    }
}

impl TreeSink for Builder {
    type Handle = NodeId;
    type Output = Html;
    type ElemName<'a> = ElemName<'a>;

    fn finish(self) -> Html {
        let mut tree = self.tree.into_inner();
        tree.join_pieces();
        tree.html
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> NodeId {
        NodeId(0)
    }

    fn elem_name<'a>(&'a self, target: &'a NodeId) -> ElemName<'a> {
        let tree = self.tree.borrow();
        let name = match tree.html.nodes.get(target.index()) {
            Some(s) if s.kind == Kind::Element => s.name,
            _ => NONE,
        };
        ElemName { tree, name }
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> NodeId {
        let template = name.ns == ns!(html) && name.local == local_name!("template");
        let attrs = self.attrs(attrs);
        let mut tree = self.tree.borrow_mut();
        let id = tree.new_element(name, attrs);
        if template {
            let contents = tree.push(Slot::new(Kind::Fragment, 0, 0, 0));
            tree.append(id, contents);
        }
        NodeId(id)
    }

    fn create_comment(&self, _text: StrTendril) -> NodeId {
        LEFT_OUT
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> NodeId {
        LEFT_OUT
    }

    fn append(&self, parent: &NodeId, child: NodeOrText<NodeId>) {
        let mut tree = self.tree.borrow_mut();
        let last = tree.last_child(parent.0);
        match child {
            NodeOrText::AppendNode(LEFT_OUT) => tree.seal(last),
            NodeOrText::AppendNode(id) => tree.append(parent.0, id.0),
            NodeOrText::AppendText(text) if tree.is_open_text(last) => {
                tree.extend_text(last, &text);
            }
            NodeOrText::AppendText(text) => {
                let id = tree.new_text(&text);
                tree.append(parent.0, id);
            }
        }
    }

    fn append_based_on_parent_node(
        &self,
        element: &NodeId,
        prev_element: &NodeId,
        child: NodeOrText<NodeId>,
    ) {
        let has_parent = self.tree.borrow().parent(element.0) != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(prev_element, child);
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {
        let mut tree = self.tree.borrow_mut();
        let id = tree.push(Slot::new(Kind::Doctype, 0, 0, 0));
        tree.append(0, id);
    }

    fn get_template_contents(&self, target: &NodeId) -> NodeId {
        let tree = self.tree.borrow();
        match tree.html.nodes.get(target.index()) {
            Some(s) if s.first != NONE => NodeId(s.first),
            _ => *target,
        }
    }

    fn same_node(&self, x: &NodeId, y: &NodeId) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &NodeId, new_node: NodeOrText<NodeId>) {
        let mut tree = self.tree.borrow_mut();
        if let NodeOrText::AppendNode(id) = &new_node
            && *id != LEFT_OUT
        {
            tree.detach(id.0);
        }
        if tree.parent(sibling.0) == NONE {
            return;
        }
        let prev = tree.prev_sibling(sibling.0);
        match new_node {
            NodeOrText::AppendNode(LEFT_OUT) => tree.seal(prev),
            NodeOrText::AppendNode(id) => tree.insert_before(sibling.0, id.0),
            NodeOrText::AppendText(text) if tree.is_open_text(prev) => {
                tree.extend_text(prev, &text);
            }
            NodeOrText::AppendText(text) => {
                let id = tree.new_text(&text);
                tree.insert_before(sibling.0, id);
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &NodeId, attrs: Vec<Attribute>) {
        let attrs = self.attrs(attrs);
        let mut tree = self.tree.borrow_mut();
        let mut all = tree.attributes(target.0);
        let before = all.len();
        for attr in attrs {
            if !all.iter().any(|o| o.name == attr.name) {
                all.push(attr);
            }
        }
        if all.len() != before {
            tree.set_attrs(target.0, all);
        }
    }

    fn remove_from_parent(&self, target: &NodeId) {
        if *target != LEFT_OUT {
            self.tree.borrow_mut().detach(target.0);
        }
    }

    fn reparent_children(&self, node: &NodeId, new_parent: &NodeId) {
        let mut tree = self.tree.borrow_mut();
        loop {
            let first = tree.html.nodes.get(node.index()).map_or(NONE, |s| s.first);
            if first == NONE {
                break;
            }
            tree.detach(first);
            tree.append(new_parent.0, first);
        }
    }
}
