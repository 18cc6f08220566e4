//! Generic article-body detection: prune furniture, score paragraph-like blocks by text length
//! and commas, propagate scores to ancestors, damp by link density, pick the best container
//! and its sibling blocks, then render them (see `render`). Knows nothing about sites.

use super::node_hash::{NodeMap, NodeSet};

use super::tree::{Edge, Html, Node, NodeId, NodeRef};

use super::render::Block;
use super::stats::{self, Stats, Table};
use super::{dom, render, several, split};

/// Articles shorter than this (characters, see [`article_chars`]) trigger a retry with looser
/// pruning.
const MIN_ARTICLE_CHARS: usize = 500;
/// Paragraphs shorter than this (characters) are not scored.
const MIN_PARAGRAPH_CHARS: usize = 25;
/// How far up the tree to look for a container shared by several strong candidates.
const MAX_CLIMB: usize = 64;
/// How many ancestors receive a paragraph's score.
const ANCESTOR_LEVELS: usize = 5;

/// Which heuristics a pass applies; later passes relax them when too little text is found.
#[derive(Debug, Clone, Copy)]
struct Flags {
    strip_unlikely: bool,
    weight_classes: bool,
    clean_conditionally: bool,
}

const PASSES: [Flags; 4] = [
    Flags {
        strip_unlikely: true,
        weight_classes: true,
        clean_conditionally: true,
    },
    Flags {
        strip_unlikely: false,
        weight_classes: true,
        clean_conditionally: true,
    },
    Flags {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: true,
    },
    Flags {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: false,
    },
];

/// The article text of a page as blocks; `title` helps drop a heading that merely repeats it.
pub fn article_text(doc: &Html, title: Option<&str>, removed: &NodeSet) -> Vec<Block> {
    let mut best = Vec::new();
    let mut best_len = 0;
    for flags in PASSES {
        let blocks = one_pass(doc, flags, title, removed);
        if joined_size(&blocks, article_chars) >= MIN_ARTICLE_CHARS {
            return blocks;
        }
        let len = joined_size(&blocks, str::len);
        if len > best_len {
            best = blocks;
            best_len = len;
        }
    }
    best
}

/// The `size` of the blocks' text joined by blank lines (as [`render::join`] joins them),
/// without joining them: each blank line counts two (characters or bytes alike).
fn joined_size(blocks: &[Block], size: impl Fn(&str) -> usize) -> usize {
    let text: usize = blocks.iter().map(|b| size(&b.text)).sum();
    text + 2 * blocks.len().saturating_sub(1)
}

/// Unicode blocks of Chinese, Japanese and Korean text (Unicode 15.1, `Blocks.txt`): Hangul
/// Jamo; CJK punctuation, Hiragana and Katakana; CJK Extension A; CJK Unified Ideographs;
/// Hangul Syllables; CJK Compatibility Ideographs; Halfwidth and Fullwidth Forms.
const CJK_BLOCKS: [(char, char); 7] = [
    ('\u{1100}', '\u{11FF}'),
    ('\u{3000}', '\u{30FF}'),
    ('\u{3400}', '\u{4DBF}'),
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{AC00}', '\u{D7AF}'),
    ('\u{F900}', '\u{FAFF}'),
    ('\u{FF00}', '\u{FFEF}'),
];

/// Length of an article for [`MIN_ARTICLE_CHARS`]: characters, one of [`CJK_BLOCKS`] counting
/// twice, since it says about what two letters of an alphabet do (a paywalled Japanese story
/// of two paragraphs is 300 characters, which in German takes 600).
fn article_chars(text: &str) -> usize {
    text.chars().map(|c| 1 + usize::from(is_cjk(c))).sum()
}

/// Whether the character is in one of the [`CJK_BLOCKS`] (the letters before the first block
/// answer with one comparison).
pub fn is_cjk(c: char) -> bool {
    c >= CJK_BLOCKS[0].0 && CJK_BLOCKS.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// How many characters of `text` are in the [`CJK_BLOCKS`] (none in ASCII text, which is
/// not read).
pub fn cjk_chars(text: &str) -> usize {
    if text.is_ascii() {
        return 0;
    }
    text.chars().filter(|&c| is_cjk(c)).count()
}

/// Text of the given nodes with only invisible and never-text parts (and `removed`) dropped.
/// Only the nodes' own subtrees are walked for those parts: a caller rendering one element
/// does not pay for a pass over the whole page.
pub fn render_nodes(doc: &Html, nodes: &[NodeId], removed: &NodeSet) -> String {
    let mut skip = NodeSet::default();
    for node in nodes.iter().filter_map(|id| doc.get(*id)) {
        skip.extend(pruned(node, false));
    }
    skip.extend(removed.iter().copied());
    let opts = render::Options {
        clean_conditionally: false,
        title: None,
    };
    render::join(&render::render(doc, nodes, &skip, &opts))
}

fn one_pass(doc: &Html, flags: Flags, title: Option<&str>, removed: &NodeSet) -> Vec<Block> {
    let root = doc.root();
    let mut skip = pruned(root, flags.strip_unlikely);
    skip.extend(removed.iter().copied());
    let stats = stats::compute(doc, root, &skip);
    let scores = score_paragraphs(root, &stats, flags.weight_classes);
    let parts = match pick_top(doc, &scores, &stats) {
        Some(top) => {
            let parts = with_siblings(doc, top, &scores, &stats, &skip);
            let parts = split::with_continuations(doc, top, parts, &scores, &skip);
            several::own_article(doc, parts, title)
        }
        None => vec![doc.root_element().id()],
    };
    let opts = render::Options {
        clean_conditionally: flags.clean_conditionally,
        title,
    };
    render::render(doc, &parts, &skip, &opts)
}

/// Roots of subtrees that never hold article text in this pass.
fn pruned(root: NodeRef<'_>, strip_unlikely: bool) -> NodeSet {
    let mut skip = NodeSet::default();
    let mut inside: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if inside.is_none() => {
                let Some(el) = dom::element(&node) else {
                    continue;
                };
                let drop = dom::is_never_shown(&node, el)
                    || (strip_unlikely && dom::is_unlikely(el) && !in_table_or_code(&node));
                if drop {
                    skip.insert(node.id());
                    inside = Some(node.id());
                }
            }
            Edge::Close(node) if inside == Some(node.id()) => inside = None,
            _ => {}
        }
    }
    skip
}

fn in_table_or_code(node: &NodeRef<'_>) -> bool {
    dom::has_ancestor(node, "table") || dom::has_ancestor(node, "code")
}

fn tag_base(tag: &str) -> f64 {
    match tag {
        "div" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Text length and commas a node contributes as a paragraph, if it is one, and the node
/// whose ancestors (itself included when `self_first`) receive the score.
fn paragraph(node: &NodeRef<'_>, stats: &Table<'_>) -> Option<(Stats, bool)> {
    let el = dom::element(node)?;
    let s = stats.get(&node.id())?;
    match el.name() {
        "p" | "pre" | "td" | "h2" | "h3" | "h4" | "h5" | "h6" => Some((s, false)),
        "div" | "section" | "article" if !s.has_block => Some((s, false)),
        "div" | "section" | "article" => Some((direct_text(node, stats), true)),
        _ => None,
    }
}

/// Stats of a container's loose text: text nodes and inline children between its blocks.
fn direct_text(node: &NodeRef<'_>, stats: &Table<'_>) -> Stats {
    let mut s = Stats::default();
    for child in node.children() {
        match child.value() {
            Node::Text(t) => {
                let (len, commas) = dom::measure(t);
                s.text += len;
                s.commas += commas;
            }
            Node::Element(e) if !dom::is_block(e.name()) => {
                if let Some(cs) = stats.get(&child.id()) {
                    s.text += cs.text;
                    s.commas += cs.commas;
                }
            }
            _ => {}
        }
    }
    s
}

fn score_paragraphs(root: NodeRef<'_>, stats: &Table<'_>, weight_classes: bool) -> NodeMap<f64> {
    let mut scores: NodeMap<f64> = NodeMap::default();
    // Only measured elements have statistics, and `stats` measured none under `skip`.
    for node in root.descendants() {
        let Some((s, self_first)) = paragraph(&node, stats) else {
            continue;
        };
        if s.text < MIN_PARAGRAPH_CHARS {
            continue;
        }
        let points = 2.0 + s.commas as f64 + (s.text / 100).min(3) as f64;
        let start = if self_first {
            Some(node)
        } else {
            node.parent()
        };
        let ancestors = std::iter::successors(start, |n| n.parent())
            .filter(|n| n.value().is_element() && !dom::is_p_wrapper(n))
            .take(ANCESTOR_LEVELS);
        for (level, anc) in ancestors.enumerate() {
            let Some(el) = dom::element(&anc) else {
                continue;
            };
            let divider = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            let entry = scores.entry(anc.id()).or_insert_with(|| {
                tag_base(el.name())
                    + if weight_classes {
                        dom::class_weight(el)
                    } else {
                        0.0
                    }
            });
            *entry += points / divider;
        }
    }
    for (id, score) in scores.iter_mut() {
        let ld = stats.get(id).map_or(0.0, |s| s.link_density());
        *score *= 1.0 - ld;
    }
    scores
}

fn pick_top(doc: &Html, scores: &NodeMap<f64>, stats: &Table<'_>) -> Option<NodeId> {
    let mut ranked: Vec<(NodeId, f64)> = scores.iter().map(|(k, v)| (*k, *v)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let &(mut top, top_score) = ranked.first()?;
    let alternatives: Vec<NodeId> = ranked
        .iter()
        .skip(1)
        .take(4)
        .filter(|(_, s)| *s >= top_score * 0.75)
        .map(|(id, _)| *id)
        .collect();
    if alternatives.len() >= 3 {
        top = common_ancestor(doc, top, &alternatives).unwrap_or(top);
    }
    top = climb_scores(doc, top, scores);
    Some(climb_only_children(doc, top, stats))
}

fn is_body(node: &NodeRef<'_>) -> bool {
    dom::element(node).is_none_or(|e| matches!(e.name(), "body" | "html"))
}

/// The lowest ancestor of `top` holding at least three strong alternative candidates.
fn common_ancestor(doc: &Html, top: NodeId, alternatives: &[NodeId]) -> Option<NodeId> {
    let node = doc.get(top)?;
    for anc in node.ancestors().take(MAX_CLIMB) {
        if is_body(&anc) {
            return None;
        }
        let held = alternatives
            .iter()
            .filter_map(|id| doc.get(*id))
            .filter(|alt| alt.ancestors().any(|a| a.id() == anc.id()))
            .count();
        if held >= 3 {
            return Some(anc.id());
        }
    }
    None
}

/// Moves up while a parent scores better than the child it came from.
fn climb_scores(doc: &Html, top: NodeId, scores: &NodeMap<f64>) -> NodeId {
    let Some(node) = doc.get(top) else {
        return top;
    };
    let mut last = scores.get(&top).copied().unwrap_or(0.0);
    let threshold = last / 3.0;
    for anc in node.ancestors() {
        if is_body(&anc) {
            break;
        }
        let Some(&score) = scores.get(&anc.id()) else {
            continue;
        };
        if score < threshold {
            break;
        }
        if score > last {
            return anc.id();
        }
        last = score;
    }
    top
}

/// Moves up through parents whose only child is the candidate.
fn climb_only_children(doc: &Html, top: NodeId, stats: &Table<'_>) -> NodeId {
    let mut current = top;
    while let Some(parent) = doc.get(current).and_then(|n| n.parent()) {
        if is_body(&parent) || !stats.contains_key(&parent.id()) {
            break;
        }
        if parent.children().filter(|c| c.value().is_element()).count() != 1 {
            break;
        }
        current = parent.id();
    }
    current
}

/// The top candidate plus those of its siblings that look like more of the article, up to a
/// pager to the previous or next story after it.
fn with_siblings(
    doc: &Html,
    top: NodeId,
    scores: &NodeMap<f64>,
    stats: &Table<'_>,
    skip: &NodeSet,
) -> Vec<NodeId> {
    let Some(node) = doc.get(top) else {
        return vec![top];
    };
    let Some(parent) = node.parent().filter(|p| p.value().is_element()) else {
        return vec![top];
    };
    let top_score = scores.get(&top).copied().unwrap_or(0.0);
    let threshold = (top_score * 0.2).max(10.0);
    let top_class = dom::element(&node)
        .and_then(|e| e.attr("class"))
        .unwrap_or("");
    let mut parts = Vec::new();
    let mut past_top = false;
    // Siblings after the story not yet searched for a pager; searched only when a later
    // sibling would join, so a page pays nothing for the blocks after its story.
    let mut unsearched: Vec<NodeRef<'_>> = Vec::new();
    for c in parent.children().filter(|c| c.value().is_element()) {
        if c.id() == top {
            past_top = true;
            parts.push(top);
            continue;
        }
        let belongs = !skip.contains(&c.id())
            && sibling_belongs(&c, top_class, top_score, threshold, scores, stats);
        if !past_top {
            if belongs {
                parts.push(c.id());
            }
            continue;
        }
        // After the story, a block with buttons is a widget: a paywall, a sign-up or a
        // device-limit notice (before it, the headline block often carries share buttons).
        // And once a pager to the previous or next story has passed, the story is over.
        if belongs && !dom::holds_button(&c) {
            if unsearched.drain(..).any(|s| dom::holds_pager(&s)) {
                break;
            }
            parts.push(c.id());
        }
        unsearched.push(c);
    }
    parts
}

/// Whether a sibling of the chosen container is more of the article: it scores near the
/// container, or it is a paragraph with few links (Mozilla Readability's two tests). A block
/// that merely holds much text with few links but lent no scored paragraph its words (a
/// key-points list, a newsletter pitch, a subscription offer) does not join.
fn sibling_belongs(
    node: &NodeRef<'_>,
    top_class: &str,
    top_score: f64,
    threshold: f64,
    scores: &NodeMap<f64>,
    stats: &Table<'_>,
) -> bool {
    let Some(el) = dom::element(node) else {
        return false;
    };
    let bonus = match el.attr("class") {
        Some(c) if !top_class.is_empty() && c == top_class => top_score * 0.2,
        _ => 0.0,
    };
    if scores
        .get(&node.id())
        .is_some_and(|s| s + bonus >= threshold)
    {
        return true;
    }
    let paragraph_like = el.name() == "p"
        || dom::is_p_wrapper(node)
        || (el.name() == "div" && stats.get(&node.id()).is_some_and(|s| !s.has_block));
    if !paragraph_like {
        return false;
    }
    let Some(s) = stats.get(&node.id()) else {
        return false;
    };
    let ld = s.link_density();
    if s.text > 80 {
        return ld < 0.25;
    }
    s.text > 0 && ld == 0.0 && ends_sentence(node)
}

fn ends_sentence(node: &NodeRef<'_>) -> bool {
    let text: String = node
        .descendants()
        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
        .collect();
    let t = text.trim_end();
    t.ends_with('.') || t.contains(". ")
}
