//! One-pass text statistics for every element of a page (text length, link text, commas),
//! skipping subtrees the caller marked as never-article. Iterative, so deep nesting is safe.
//! Kept in a table indexed by element (24 bytes a row), not a map keyed by node: on a page
//! of tiny tags the map cost several times the page (issue 10 item 5).

use super::node_hash::NodeSet;

use super::tree::{Edge, Html, Node, NodeId, NodeRef};

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

/// Whether the tag makes a paragraph-like block (a `match`: see `dom::is_never_text`).
fn is_paragraphish(tag: &str) -> bool {
    matches!(
        tag,
        "blockquote"
            | "dl"
            | "div"
            | "img"
            | "ol"
            | "p"
            | "pre"
            | "table"
            | "ul"
            | "section"
            | "article"
    )
}

/// One element's [`Stats`] as stored: counts as `u32` (pages are cut below 4 GiB).
#[derive(Debug, Clone, Copy)]
struct Row {
    text: u32,
    commas: u32,
    link: f64,
    has_block: bool,
}

/// [`Stats`] of the elements one pass measured.
pub struct Table<'a> {
    doc: &'a Html,
    rows: Vec<Option<Row>>,
}

impl Table<'_> {
    /// The statistics of the node, if it is a measured element.
    pub fn get(&self, id: &NodeId) -> Option<Stats> {
        let index = self.doc.get(*id)?.element_index()?;
        let row = (*self.rows.get(index)?)?;
        Some(Stats {
            text: row.text as usize,
            link: row.link,
            commas: row.commas as usize,
            has_block: row.has_block,
        })
    }

    /// Whether the node is a measured element.
    pub fn contains_key(&self, id: &NodeId) -> bool {
        self.get(id).is_some()
    }

    fn insert(&mut self, node: &NodeRef<'_>, s: &Stats) {
        let clamp = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        if let Some(row) = node.element_index().and_then(|i| self.rows.get_mut(i)) {
            *row = Some(Row {
                text: clamp(s.text),
                commas: clamp(s.commas),
                link: s.link,
                has_block: s.has_block,
            });
        }
    }
}

/// Statistics for every non-skipped element under `root`.
pub fn compute<'a>(doc: &'a Html, root: NodeRef<'a>, skip: &NodeSet) -> Table<'a> {
    let mut out = Table {
        doc,
        rows: vec![None; doc.element_count()],
    };
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
                out.insert(&node, &s);
                if let Some(parent) = stack.last_mut() {
                    parent.add(&s);
                    parent.has_block |= is_paragraphish(el.name());
                }
            }
        }
    }
    out
}
