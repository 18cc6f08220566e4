//! One-pass text statistics for every element of a page (text length, link text, commas),
//! skipping subtrees the caller marked as never-article. Iterative, so deep nesting is safe.

use super::node_hash::{NodeMap, NodeSet};

use super::tree::{Edge, Node, NodeId, NodeRef};

use super::dom;

/// Text measures of one element's visible subtree.
#[derive(Debug, Clone, Copy, Default)]
pub struct Stats {
    /// Characters of text, whitespace runs collapsed.
    pub text: usize,
    /// Characters of text inside links (in-page `#` links weigh 0.3).
    pub link: f64,
    /// Comma-like separators.
    pub commas: usize,
    /// Whether a paragraph-like block element sits somewhere below.
    pub has_block: bool,
}

impl Stats {
    /// Share of the text that is link text, 0..=1.
    pub fn link_density(&self) -> f64 {
        if self.text == 0 {
            0.0
        } else {
            (self.link / self.text as f64).min(1.0)
        }
    }

    fn add(&mut self, other: &Stats) {
        self.text += other.text;
        self.link += other.link;
        self.commas += other.commas;
        self.has_block |= other.has_block;
    }
}

const PARAGRAPHISH: &[&str] = &[
    "blockquote",
    "dl",
    "div",
    "img",
    "ol",
    "p",
    "pre",
    "table",
    "ul",
    "section",
    "article",
];

/// Statistics for every non-skipped element under `root`.
pub fn compute(root: NodeRef<'_>, skip: &NodeSet) -> NodeMap<Stats> {
    let mut out = NodeMap::default();
    let mut stack: Vec<Stats> = vec![Stats::default()];
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                if skip.contains(&node.id()) {
                    skipping = Some(node.id());
                } else if let Node::Text(t) = node.value() {
                    if let Some(top) = stack.last_mut() {
                        let (len, commas) = dom::measure(t);
                        top.text += len;
                        top.commas += commas;
                    }
                } else if node.value().is_element() {
                    stack.push(Stats::default());
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                let Some(el) = dom::element(&node) else {
                    continue;
                };
                let mut s = stack.pop().unwrap_or_default();
                if el.name() == "a" {
                    let weight = if el.attr("href").is_some_and(|h| h.starts_with('#')) {
                        0.3
                    } else {
                        1.0
                    };
                    s.link = s.text as f64 * weight;
                }
                out.insert(node.id(), s);
                if let Some(parent) = stack.last_mut() {
                    parent.add(&s);
                    parent.has_block |= PARAGRAPHISH.contains(&el.name());
                }
            }
        }
    }
    out
}
