//! Boilerplate pruning inside the chosen article container: share bars, bylines and author
//! boxes, photo credits, newsletter and subscription boxes, furniture headings and blocks whose shape (links, images, form
//! fields, shortness) betrays them. Bottom-up so
//! an outer block is judged after its junk children are gone.

use super::node_hash::NodeSet;

use super::tree::Element;
use super::tree::{Edge, Node, NodeId, NodeRef};

use super::dom;

/// Share bars longer than this (characters) are probably content after all.
const SHARE_MAX_CHARS: usize = 500;
/// Byline and author boxes (a name, a date, a short biography) are shorter than this
/// (characters); a longer block marked "author" is the author's text.
const BYLINE_MAX_CHARS: usize = 600;
/// Photo credit and copyright lines are shorter than this (characters).
const CREDIT_MAX_CHARS: usize = 150;
/// Newsletter and subscription boxes (a pitch, a list of perks, a form) are shorter than
/// this (characters).
const SIGNUP_MAX_CHARS: usize = 1500;

#[derive(Debug, Default, Clone, Copy)]
struct Shape {
    text: usize,
    link: usize,
    commas: usize,
    paragraphs: usize,
    images: usize,
    items: usize,
    inputs: usize,
    embeds: usize,
    heading_text: usize,
    list_text: usize,
    code: bool,
}

impl Shape {
    fn add(&mut self, o: &Shape) {
        self.text += o.text;
        self.link += o.link;
        self.commas += o.commas;
        self.paragraphs += o.paragraphs;
        self.images += o.images;
        self.items += o.items;
        self.inputs += o.inputs;
        self.embeds += o.embeds;
        self.heading_text += o.heading_text;
        self.list_text += o.list_text;
        self.code |= o.code;
    }

    fn count_tag(&mut self, tag: &str) {
        match tag {
            "p" => self.paragraphs += 1,
            "img" | "picture" => self.images += 1,
            "li" => self.items += 1,
            "input" => self.inputs += 1,
            "object" | "embed" | "iframe" => self.embeds += 1,
            "code" | "pre" => self.code = true,
            _ => {}
        }
        if dom::is_heading(tag) {
            self.heading_text = self.text;
        }
        if matches!(tag, "ul" | "ol") {
            self.list_text = self.text;
        }
    }
}

/// Nodes under `roots` to drop as boilerplate (in addition to `skip`, already dropped).
pub fn boilerplate(roots: &[NodeRef<'_>], skip: &NodeSet, conditionally: bool) -> NodeSet {
    let mut removed = NodeSet::default();
    let several = roots.len() > 1;
    for root in roots {
        walk(*root, skip, conditionally, several, &mut removed);
    }
    removed
}

/// Drops boilerplate under `root`; `root` itself too when it is one part of several (a
/// sibling joined to the article) and its markup names it (`marked`), never for its shape.
fn walk(root: NodeRef<'_>, skip: &NodeSet, cond: bool, several: bool, out: &mut NodeSet) {
    let mut stack: Vec<Shape> = vec![Shape::default()];
    let mut skipping: Option<NodeId> = None;
    // Data tables open around the current node (each judged once, on opening).
    let mut data_tables: Vec<NodeId> = Vec::new();
    let mut figures = 0usize;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => {
                if skip.contains(&node.id()) {
                    skipping = Some(node.id());
                } else if let Node::Text(t) = node.value() {
                    if let Some(top) = stack.last_mut() {
                        let (len, commas) = dom::measure(t);
                        top.text += len;
                        top.commas += commas;
                    }
                } else if let Some(el) = dom::element(&node) {
                    if el.name() == "table" && is_data_table(&node) {
                        data_tables.push(node.id());
                    }
                    figures += usize::from(el.name() == "figure");
                    stack.push(Shape::default());
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                }
                if skipping.is_some() || skip.contains(&node.id()) {
                    continue;
                }
                let Some(el) = dom::element(&node) else {
                    continue;
                };
                let mut shape = stack.pop().unwrap_or_default();
                if el.name() == "a" {
                    shape.link = shape.text;
                }
                let in_data_table = !data_tables.is_empty();
                figures = figures.saturating_sub(usize::from(el.name() == "figure"));
                let in_figure = figures > 0;
                if data_tables.last() == Some(&node.id()) {
                    data_tables.pop();
                }
                let cond = cond && !in_data_table;
                let dropped = if node.id() == root.id() {
                    several && marked(el, &shape)
                } else {
                    drop(el, &shape, cond, in_figure)
                };
                if dropped {
                    out.insert(node.id());
                    continue;
                }
                shape.count_tag(el.name());
                if let Some(parent) = stack.last_mut() {
                    parent.add(&shape);
                }
            }
            _ => {}
        }
    }
}

fn drop(el: Element<'_>, s: &Shape, cond: bool, in_figure: bool) -> bool {
    let tag = el.name();
    if matches!(tag, "h1" | "h2") && dom::class_weight(el) < 0.0 {
        return true;
    }
    marked(el, s)
        || (cond
            && matches!(tag, "form" | "fieldset" | "table" | "ul" | "div")
            && looks_like_junk(el, s, in_figure))
}

/// Whether the element's markup names it as boilerplate of its size: a share bar, a byline
/// or author box, a photo credit, a newsletter box, a call to action, an affiliate note, a
/// sponsored or consent box or an embed's placeholder.
fn marked(el: Element<'_>, s: &Shape) -> bool {
    let named = el.attr("class").is_some()
        || el.id().is_some()
        || el.attr("rel").is_some()
        || el.attr("itemprop").is_some();
    // The longest box any test below accepts.
    if !named || s.text >= SIGNUP_MAX_CHARS {
        return false;
    }
    let h = dom::Hints::of(el);
    (s.text < SHARE_MAX_CHARS && dom::is_share(&h))
        || (s.text < BYLINE_MAX_CHARS && dom::is_byline(el, &h))
        || (s.text < CREDIT_MAX_CHARS && dom::is_credit(&h))
        || dom::is_signup(&h)
        || dom::is_furniture_box(el)
}

/// Readability's "clean conditionally" judgement on a container's shape.
fn looks_like_junk(el: Element<'_>, s: &Shape, in_figure: bool) -> bool {
    if s.code {
        return false;
    }
    let weight = dom::class_weight(el);
    if weight < 0.0 {
        return true;
    }
    if s.commas >= 10 {
        return false;
    }
    let is_list = matches!(el.name(), "ul" | "ol")
        || (s.text > 0 && s.list_text as f64 / s.text as f64 > 0.9);
    let ld = if s.text == 0 {
        0.0
    } else {
        s.link as f64 / s.text as f64
    };
    let heading_density = if s.text == 0 {
        0.0
    } else {
        s.heading_text as f64 / s.text as f64
    };
    let (p, img) = (s.paragraphs as f64, s.images as f64);
    (s.images > 1 && p / img < 0.5 && !in_figure)
        || (!is_list && s.items > s.paragraphs + 100)
        || (s.inputs > s.paragraphs / 3)
        || (!is_list
            && heading_density < 0.9
            && s.text < 25
            && (s.images == 0 || s.images > 2)
            && !in_figure)
        || (!is_list && weight < 25.0 && ld > 0.2)
        || (weight >= 25.0 && ld > 0.5)
        || (s.embeds == 1 && s.text < 75)
        || s.embeds > 1
}

/// Whether a table holds data (kept whole) rather than page layout.
fn is_data_table(node: &NodeRef<'_>) -> bool {
    let Some(el) = dom::element(node) else {
        return false;
    };
    if el.attr("role") == Some("presentation") || el.attr("datatable") == Some("0") {
        return false;
    }
    if el.attr("summary").is_some() {
        return true;
    }
    let mut rows = 0usize;
    let mut max_cols = 0usize;
    for d in node.descendants().skip(1) {
        match dom::element(&d).map(|e| e.name()) {
            Some("table") => return false,
            Some("caption" | "th" | "thead" | "tfoot" | "col" | "colgroup") => return true,
            Some("tr") => {
                rows += 1;
                let cols = d
                    .children()
                    .filter(|c| dom::element(c).is_some_and(|e| matches!(e.name(), "td" | "th")))
                    .count();
                max_cols = max_cols.max(cols);
            }
            _ => {}
        }
    }
    rows >= 10 || max_cols > 4 || rows * max_cols > 10
}
