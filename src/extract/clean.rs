//! Boilerplate pruning inside the chosen article container: share bars, bylines and author
//! boxes, photo credits, newsletter and subscription boxes, embedded social-media posts,
//! lines that stand for a date (a `<time>` and little else), opt-in boxes (a form control
//! and its label: consent placeholders), lists of links a "read also" label introduces
//! (`related`), furniture headings and blocks whose shape (links, images, form fields,
//! shortness) betrays them. Bottom-up so an outer block is judged after its junk children are
//! gone.

use super::node_hash::NodeSet;

use super::tree::Element;
use super::tree::{Edge, Node, NodeId, NodeRef};

use super::body;
use super::dom;
use super::hints::lower;
use super::related;

/// Share bars longer than this (characters) are probably content after all.
const SHARE_MAX_CHARS: usize = 500;
/// Byline and author boxes (a name, a date, a short biography) are shorter than this
/// (characters); a longer block marked "author" is the author's text.
const BYLINE_MAX_CHARS: usize = 600;
/// Photo credit and copyright lines are shorter than this (characters).
pub(super) const CREDIT_MAX_CHARS: usize = 150;
/// Newsletter and subscription boxes (a pitch, a list of perks, a form) are shorter than
/// this (characters).
const SIGNUP_MAX_CHARS: usize = 1500;
/// A caption that names its photo's source ("Foto: dpa", "(Photo: Reuters)", "© AFP") is
/// the photo desk's text, not the story's, from this length (characters) on; a shorter one is
/// a label ("Figure 1. Photo: X") and stays. Mozilla Readability's truth keeps three such
/// labels of 49–50 characters on its corpus; fundus's truth keeps none of the longer ones.
const CREDITED_CAPTION_MIN_CHARS: usize = 60;
/// A teaser-named block is a card for another story when its links hold this share of its
/// text or more.
const TEASER_MIN_LINK_SHARE: f64 = 0.15;
/// Blocks standing for a date (see `is_dated_line`) are shorter than this (characters).
const DATED_LINE_MAX_CHARS: usize = 100;
/// Blocks shorter than this (characters, a CJK character counting two, as for the article's
/// minimum: 「ようやく逮捕に至った。長かった」, a quoted line of 17 characters, says what a
/// sentence of 30 letters does) are fragments.
const FRAGMENT_MAX_CHARS: usize = 25;
/// A lone paragraph with links in its sentences is prose from this length (characters) on.
const LINKED_PARAGRAPH_MIN_CHARS: usize = 80;
/// Above this link density a lone paragraph is a link with words around it, not prose.
const LINKED_PARAGRAPH_MAX_LINK_DENSITY: f64 = 0.5;
/// Longer "caption" blocks are not captions.
const CREDITED_CAPTION_MAX_CHARS: usize = 600;
/// Labels that introduce a photo's source, lowercased, each followed by a colon (after
/// optional spaces): German, English, Dutch/Nordic/Romance, Russian and Kazakh, Turkish.
const CREDIT_LABELS: &[&str] = &[
    "foto",
    "photo",
    "bild",
    "image",
    "picture",
    "credit",
    "quelle",
    "bildquelle",
    "фото",
    "сурет",
    "fotoğraf",
];
/// Source marks that need no colon: the copyright sign, Japanese "photographed by" and
/// "provided by" at the close of a parenthesis, the full-width equals sign that Japanese
/// captions put before their source, date and place ("…警察官ら＝ＡＰ"), Korean "[photo …]".
const CREDIT_MARKS: &[&str] = &["©", "撮影）", "撮影)", "提供）", "提供)", "＝", "[사진"];

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
    /// CJK characters of the text, counted once more for [`FRAGMENT_MAX_CHARS`].
    cjk: usize,
    /// Text inside `<time>` elements (a date, a time of day, a duration).
    time_text: usize,
    code: bool,
    /// Text and link text of descendants already dropped as boilerplate (a teaser card's
    /// headline link goes on its own, for its link density, before the card is judged).
    dropped_text: usize,
    dropped_link: usize,
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
        self.cjk += o.cjk;
        self.time_text += o.time_text;
        self.code |= o.code;
        self.dropped_text += o.dropped_text;
        self.dropped_link += o.dropped_link;
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
        if tag == "time" {
            self.time_text = self.text;
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
                        top.cjk += body::cjk_chars(t);
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
                    drop(&node, el, &shape, cond, in_figure)
                        || is_credited_caption(&node, el)
                        || is_dated_line(el, &shape)
                        || is_opt_in_box(&node, &shape)
                        || related::is_labelled_link_list(
                            &node,
                            shape.text + shape.dropped_text,
                            shape.link + shape.dropped_link,
                        )
                };
                if dropped {
                    out.insert(node.id());
                    if let Some(parent) = stack.last_mut() {
                        parent.dropped_text += shape.text + shape.dropped_text;
                        parent.dropped_link += shape.link + shape.dropped_link;
                    }
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

fn drop(node: &NodeRef<'_>, el: Element<'_>, s: &Shape, cond: bool, in_figure: bool) -> bool {
    let tag = el.name();
    if matches!(tag, "h1" | "h2") && dom::class_weight(el) < 0.0 {
        return true;
    }
    marked(el, s)
        || (cond
            && matches!(tag, "form" | "fieldset" | "table" | "ul" | "div")
            && looks_like_junk(node, el, s, in_figure))
}

/// Whether the element's markup names it as boilerplate of its size: a share bar, a byline
/// or author box, a photo credit, a teaser card for another story, a newsletter box, a call
/// to action, an affiliate note, a sponsored or consent box, an embed's placeholder or an
/// embedded social-media post (a third party's words, quoted whole with its author, date and
/// links).
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
        || (dom::is_teaser(&h) && links_elsewhere(s))
        || dom::is_signup(&h)
        || dom::is_furniture_box(el)
        || dom::is_social_embed(el)
}

/// Whether the element is a block that stands for a date, a time or a duration: a `<time>`
/// element holds a third or more of its text, and it is too short to be a paragraph that merely
/// names a day ("Publiziert heute um 12:19 Uhr", "06.11.2025 | 20:15", "Published 4 months
/// ago"). The markup twin of `dateline`, which finds such lines by their words but only above
/// the body.
fn is_dated_line(el: Element<'_>, s: &Shape) -> bool {
    dom::is_block(el.name())
        && !dom::is_heading(el.name())
        && s.time_text > 0
        && s.text < DATED_LINE_MAX_CHARS
        && s.time_text * 3 >= s.text
}

/// Whether the element is a box that asks the reader to switch something on: a form control
/// with its label among its children (a consent placeholder for external content with its
/// "Externen Inhalt anzeigen" toggle). A story's paragraphs do not stand beside a labelled
/// control outside a form; the control itself is never text, so the box is judged by its
/// children. A label alone (no control) or a hidden field alone is no such box.
fn is_opt_in_box(node: &NodeRef<'_>, s: &Shape) -> bool {
    if s.text >= SIGNUP_MAX_CHARS {
        return false;
    }
    let (mut control, mut label) = (false, false);
    for child in node.children() {
        match dom::element(&child).map(|e| e.name()) {
            Some("input" | "select" | "textarea") => control = true,
            Some("label") => label = true,
            _ => {}
        }
    }
    control && label
}

/// Whether a block's links carry a share of its text that a card pointing to another story
/// has (its headline is the link, perhaps already dropped), while a paragraph with a link in a
/// sentence stays under it.
fn links_elsewhere(s: &Shape) -> bool {
    let link = s.link + s.dropped_link;
    link > 0 && link as f64 >= TEASER_MIN_LINK_SHARE * (s.text + s.dropped_text) as f64
}

/// Whether the element is a caption (`figcaption`, or class/id saying caption) of
/// [`CREDITED_CAPTION_MIN_CHARS`] or more (a CJK character counting two) that names its
/// photo's source (judged on all its text, also a credit line already dropped as such).
fn is_credited_caption(node: &NodeRef<'_>, el: Element<'_>) -> bool {
    let named = el.name() == "figcaption"
        || ((el.attr("class").is_some() || el.id().is_some())
            && dom::is_caption(&dom::Hints::of(el)));
    if !named {
        return false;
    }
    let mut text = String::new();
    for t in node.descendants().filter_map(|d| d.value().as_text()) {
        // Apart: a credit in its own element often follows the caption without a space.
        text.push(' ');
        text.push_str(t);
        if text.len() > 4 * CREDITED_CAPTION_MAX_CHARS {
            return false;
        }
    }
    let (len, _) = dom::measure(&text);
    // A Chinese, Japanese or Korean character says about what two letters do (as in the
    // body's minimum length).
    let len = len + body::cjk_chars(&text);
    (CREDITED_CAPTION_MIN_CHARS..CREDITED_CAPTION_MAX_CHARS).contains(&len)
        && names_a_photo_source(&text)
}

/// Whether caption text holds a photo-source label ("Foto:", "Photo :") or mark ("©").
fn names_a_photo_source(text: &str) -> bool {
    let lower = lower(text);
    CREDIT_MARKS.iter().any(|m| lower.contains(m))
        || CREDIT_LABELS.iter().any(|label| {
            lower.match_indices(label).any(|(i, _)| {
                let before = lower[..i].chars().next_back();
                let after = lower[i + label.len()..].trim_start();
                !before.is_some_and(char::is_alphanumeric) && after.starts_with(':')
            })
        })
}

/// Readability's "clean conditionally" judgement on a container's shape.
fn looks_like_junk(node: &NodeRef<'_>, el: Element<'_>, s: &Shape, in_figure: bool) -> bool {
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
            && s.text + s.cjk < FRAGMENT_MAX_CHARS
            && (s.images == 0 || s.images > 2)
            && !in_figure)
        || (!is_list && weight < 25.0 && ld > 0.2 && !is_linked_paragraph(node, s, ld))
        || (weight >= 25.0 && ld > 0.5)
        || (s.embeds == 1 && s.text < 75)
        || s.embeds > 1
}

/// Whether the block is one paragraph of prose whose sentences hold links (publishers that
/// wrap every paragraph in a block of its own: "He accused members of <a>relying too much on
/// the US military</a> and its defence spending."). Mozilla Readability's link-density test
/// reads such a wrapper as a link list; a paragraph of 80+ characters that ends a sentence,
/// with under half its text in links and nothing else beside it, is not one. A credit line
/// or a row of links ends no sentence.
fn is_linked_paragraph(node: &NodeRef<'_>, s: &Shape, ld: f64) -> bool {
    s.paragraphs == 1
        && s.images == 0
        && s.items == 0
        && s.embeds == 0
        && s.heading_text == 0
        && s.text >= LINKED_PARAGRAPH_MIN_CHARS
        && ld < LINKED_PARAGRAPH_MAX_LINK_DENSITY
        && dom::ends_a_sentence(node)
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

#[cfg(test)]
mod tests;
