//! The tree while html5ever builds it: linking nodes in and out as ego_tree's tree does,
//! merging text, interning element names, and the text pieces joined when the parse ends.

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use html5ever::{Attribute, LocalName, QualName, ns};

use super::super::node_hash::NodeHasher;
use super::{Attr, Html, Kind, MAX_ATTRS, NONE, Slot};

/// Text appended to a text node that does not end the text buffer, kept apart until
/// the parse ends and [`Growing::join_pieces`] joins each node's pieces.
struct Piece {
    node: u32,
    start: u32,
    len: u32,
}

/// The tree under construction and what only construction needs.
pub(super) struct Growing {
    pub(super) html: Html,
    /// Index of each distinct element and attribute name in `html.names`. A name hashes as
    /// its atoms' precomputed hashes, so the multiply-and-fold hash loses nothing to SipHash.
    name_ids: HashMap<QualName, u32, BuildHasherDefault<NodeHasher>>,
    /// Earlier pieces of text nodes that grew after other text was added (foster parenting).
    pieces: Vec<Piece>,
    /// The name of what is not an element (the tree builder never asks for it).
    no_name: QualName,
}

/// A length or offset as a link field; pages are cut long before 4 GiB (`parse`).
pub(super) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(NONE - 1)
}

impl Growing {
    /// Growing from `html`.
    pub(super) fn new(html: Html) -> Self {
        Growing {
            html,
            name_ids: HashMap::default(),
            pieces: Vec::new(),
            no_name: QualName::new(None, ns!(), LocalName::from("")),
        }
    }

    /// The name `id` of [`Html::names`].
    pub(super) fn name(&self, id: u32) -> &QualName {
        self.html.names.get(id as usize).unwrap_or(&self.no_name)
    }

    pub(super) fn push(&mut self, slot: Slot) -> u32 {
        self.html.nodes.push(slot);
        to_u32(self.html.nodes.len() - 1)
    }

    pub(super) fn slot(&mut self, id: u32) -> Option<&mut Slot> {
        self.html.nodes.get_mut(id as usize)
    }

    pub(super) fn kind(&self, id: u32) -> Option<Kind> {
        self.html.nodes.get(id as usize).map(|s| s.kind)
    }

    pub(super) fn parent(&self, id: u32) -> u32 {
        self.html.nodes.get(id as usize).map_or(NONE, |s| s.parent)
    }

    pub(super) fn last_child(&self, parent: u32) -> u32 {
        let first = self
            .html
            .nodes
            .get(parent as usize)
            .map_or(NONE, |s| s.first);
        self.html.nodes.get(first as usize).map_or(NONE, |s| s.prev)
    }

    pub(super) fn prev_sibling(&self, id: u32) -> u32 {
        let parent = self.parent(id);
        match self.html.nodes.get(parent as usize) {
            Some(p) if p.first != id => self.html.nodes[id as usize].prev,
            _ => NONE,
        }
    }

    /// Moves `child` to the end of `parent`'s children (as ego_tree's `append_id` does).
    pub(super) fn append(&mut self, parent: u32, child: u32) {
        if parent == child || self.last_child(parent) == child {
            return;
        }
        self.detach(child);
        let last = self.last_child(parent);
        let Some(p) = self.slot(parent) else { return };
        if p.first == NONE {
            p.first = child;
        }
        let first = p.first;
        if let Some(c) = self.slot(child) {
            c.parent = parent;
            c.prev = if last == NONE { child } else { last };
            c.next = NONE;
        }
        if let Some(l) = self.slot(last) {
            l.next = child;
        }
        if first != child
            && let Some(f) = self.slot(first)
        {
            f.prev = child;
        }
    }

    /// Inserts the detached node `new` before `sibling`, which has a parent.
    pub(super) fn insert_before(&mut self, sibling: u32, new: u32) {
        let parent = self.parent(sibling);
        let Some(&Slot { prev, .. }) = self.html.nodes.get(sibling as usize) else {
            return;
        };
        let is_first = self.html.nodes.get(parent as usize).map(|p| p.first) == Some(sibling);
        if let Some(n) = self.slot(new) {
            n.parent = parent;
            n.prev = prev;
            n.next = sibling;
        }
        if let Some(s) = self.slot(sibling) {
            s.prev = new;
        }
        if is_first {
            if let Some(p) = self.slot(parent) {
                p.first = new;
            }
        } else if let Some(p) = self.slot(prev) {
            p.next = new;
        }
    }

    /// Takes the node out of its parent's children.
    pub(super) fn detach(&mut self, id: u32) {
        let Some(&Slot {
            parent, prev, next, ..
        }) = self.html.nodes.get(id as usize)
        else {
            return;
        };
        let Some(first) = self.html.nodes.get(parent as usize).map(|p| p.first) else {
            return;
        };
        if first == id {
            if let Some(p) = self.slot(parent) {
                p.first = next;
            }
        } else if let Some(p) = self.slot(prev) {
            p.next = next;
        }
        if let Some(n) = self.slot(next) {
            n.prev = prev;
        } else if first != id
            && let Some(f) = self.slot(first)
        {
            f.prev = prev;
        }
        if let Some(s) = self.slot(id) {
            s.parent = NONE;
            s.prev = NONE;
            s.next = NONE;
        }
    }

    /// Adds `text` to the text node `id` (which is not sealed).
    pub(super) fn extend_text(&mut self, id: u32, text: &str) {
        let end = to_u32(self.html.text.len());
        let Some(slot) = self.html.nodes.get_mut(id as usize) else {
            return;
        };
        if slot.a.saturating_add(slot.b) != end {
            self.pieces.push(Piece {
                node: id,
                start: slot.a,
                len: slot.b,
            });
            slot.a = end;
            slot.b = 0;
        }
        slot.b = slot.b.saturating_add(to_u32(text.len()));
        self.html.text.push_str(text);
    }

    /// A new detached text node.
    pub(super) fn new_text(&mut self, text: &str) -> u32 {
        let start = to_u32(self.html.text.len());
        self.html.text.push_str(text);
        self.push(Slot::new(Kind::Text, 0, start, to_u32(text.len())))
    }

    /// Whether `id` is a text node more text may join.
    pub(super) fn is_open_text(&self, id: u32) -> bool {
        self.kind(id) == Some(Kind::Text)
    }

    pub(super) fn seal(&mut self, id: u32) {
        if let Some(s) = self.slot(id).filter(|s| s.kind == Kind::Text) {
            s.kind = Kind::SealedText;
        }
    }

    pub(super) fn name_id(&mut self, name: QualName) -> u32 {
        let next = to_u32(self.html.names.len());
        *self.name_ids.entry(name).or_insert_with_key(|name| {
            self.html.names.push(name.clone());
            next
        })
    }

    /// Puts the element's attributes, sorted by name, at the end of the attribute list.
    pub(super) fn set_attrs(&mut self, id: u32, mut attrs: Vec<Attribute>) {
        attrs.sort_by(|x, y| x.name.cmp(&y.name));
        attrs.truncate(MAX_ATTRS);
        let start = to_u32(self.html.attrs.len());
        let count = attrs.len();
        for a in attrs {
            let name = self.name_id(a.name);
            self.html.attrs.push(Attr {
                name,
                value: a.value,
            });
        }
        if let Some(s) = self.slot(id) {
            s.a = start;
            s.set_attr_count(count);
        }
    }

    /// The element's attributes as the parser gave them.
    pub(super) fn attributes(&self, id: u32) -> Vec<Attribute> {
        let Some(slot) = self.html.nodes.get(id as usize) else {
            return Vec::new();
        };
        let start = slot.a as usize;
        let list = self
            .html
            .attrs
            .get(start..start + slot.attr_count())
            .unwrap_or(&[]);
        list.iter()
            .filter_map(|a| {
                Some(Attribute {
                    name: self.html.names.get(a.name as usize)?.clone(),
                    value: a.value.clone(),
                })
            })
            .collect()
    }

    /// A new detached element.
    pub(super) fn new_element(&mut self, name: QualName, attrs: Vec<Attribute>) -> u32 {
        let name = self.name_id(name);
        let ordinal = self.html.elements;
        self.html.elements += 1;
        let id = self.push(Slot::new(Kind::Element, name, 0, ordinal));
        self.set_attrs(id, attrs);
        id
    }

    /// Joins the pieces of every text node that grew apart into one range.
    pub(super) fn join_pieces(&mut self) {
        if self.pieces.is_empty() {
            return;
        }
        self.pieces.sort_by_key(|p| p.node);
        let old = std::mem::take(&mut self.html.text);
        let mut text = String::with_capacity(old.len());
        let mut pieces = self.pieces.iter().peekable();
        for (id, slot) in self.html.nodes.iter_mut().enumerate() {
            if !matches!(slot.kind, Kind::Text | Kind::SealedText) {
                continue;
            }
            let start = text.len();
            while let Some(p) = pieces.next_if(|p| p.node as usize == id) {
                text.push_str(
                    old.get(p.start as usize..(p.start + p.len) as usize)
                        .unwrap_or(""),
                );
            }
            let (a, b) = (slot.a as usize, slot.b as usize);
            text.push_str(old.get(a..a + b).unwrap_or(""));
            slot.a = to_u32(start);
            slot.b = to_u32(text.len() - start);
        }
        self.html.text = text;
        self.pieces.clear();
    }
}
