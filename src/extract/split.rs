//! Article bodies split into several containers: pages break long stories with ad rows and
//! recirculation units, so the text sits in a run of containers of the same tag and class,
//! and the best of them holds only one stretch. Containers elsewhere on the page that carry
//! the chosen one's tag and class and score like article text join it, in document order.

use super::node_hash::{NodeMap, NodeSet};

use super::tree::{Html, NodeId, NodeRef};

use super::dom;

/// A container joins when it scores at least this share of the one it continues.
const SHARE_OF_TOP: f64 = 0.2;
/// ... and at least this much in absolute terms (a few real paragraphs).
const MIN_SCORE: f64 = 10.0;

/// The parts plus the other containers of `top`'s tag and class that score like article
/// text, all in document order.
pub fn with_continuations(
    doc: &Html,
    top: NodeId,
    parts: Vec<NodeId>,
    scores: &NodeMap<f64>,
    skip: &NodeSet,
) -> Vec<NodeId> {
    let keys = keys(doc, top, scores);
    if keys.is_empty() {
        return parts;
    }
    let mut taken: NodeSet = parts.iter().copied().collect();
    let mut out = Vec::with_capacity(parts.len());
    let mut added = false;
    for node in doc.root().descendants() {
        if taken.contains(&node.id()) {
            out.push(node.id());
            continue;
        }
        let Some(el) = dom::element(&node) else {
            continue;
        };
        let score = scores.get(&node.id()).copied().unwrap_or(0.0);
        let same = keys.iter().any(|(name, class, threshold)| {
            el.name() == *name && el.attr("class") == Some(*class) && score >= *threshold
        });
        if same && !related(&node, &taken) && !node.ancestors().any(|a| skip.contains(&a.id())) {
            out.push(node.id());
            taken.insert(node.id());
            added = true;
        }
    }
    if added { out } else { parts }
}

/// Tag, class and least score of a continuation, for `top` and the chain of only children
/// below it (the container the paragraphs scored may sit inside a wrapper the pick climbed to).
fn keys<'a>(doc: &'a Html, top: NodeId, scores: &NodeMap<f64>) -> Vec<(&'a str, &'a str, f64)> {
    let mut keys = Vec::new();
    let mut next = doc.get(top);
    while let Some(node) = next {
        let Some(el) = dom::element(&node) else {
            break;
        };
        if let Some(class) = el.attr("class").filter(|c| !c.trim().is_empty()) {
            let score = scores.get(&node.id()).copied().unwrap_or(0.0);
            keys.push((el.name(), class, (score * SHARE_OF_TOP).max(MIN_SCORE)));
        }
        let mut children = node.children().filter(|c| c.value().is_element());
        next = match (children.next(), children.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        };
    }
    keys
}

/// Whether the node is inside, or holds, one of the parts.
fn related(node: &NodeRef<'_>, parts: &NodeSet) -> bool {
    node.ancestors().any(|a| parts.contains(&a.id()))
        || node.descendants().any(|d| parts.contains(&d.id()))
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    const PART_ONE: &str = "<p>The council met on Monday and voted to raise the budget for schools by a tenth, the clerk said after the session, and the vote was close.</p><p>Teachers welcomed the decision, but parents asked how the money would be spent across the districts of the city in the coming years.</p><p>The mayor promised a public report on the spending, with figures for every school in the city, before the end of the year.</p>";
    const PART_TWO: &str = "<p>Critics said the rise came too late for the buildings that need repairs now, and asked for a full audit of the past five years.</p><p>The vote passed by eleven to four, after a debate of three hours in which every member of the council spoke at least once.</p>";

    #[test]
    fn a_body_broken_by_an_ad_row_is_joined_but_a_teaser_of_the_same_class_is_not() {
        let chunk = |text: &str| {
            format!(
                "<div class=\"grid\"><div class=\"grid-item\"><div class=\"story-text\">{text}</div></div>\
                 <aside class=\"rail\"><p>Most read today</p></aside></div>"
            )
        };
        let page = format!(
            "<html><body><main>{}<div class=\"ad-row\"><div class=\"slot\">Advertisement</div></div>{}\
             <div class=\"grid\"><div class=\"grid-item\"><div class=\"story-text\">\
             <p><a href=\"/next\">Storms close the mountain pass</a></p></div></div></div></main></body></html>",
            chunk(PART_ONE),
            chunk(PART_TWO)
        );
        let body = extract(&page, None).body;
        assert!(body.starts_with("The council met on Monday"), "{body}");
        assert!(body.contains("Critics said the rise"), "{body}");
        assert!(body.ends_with("spoke at least once."), "{body}");
        assert!(!body.contains("Advertisement"), "{body}");
        assert!(!body.contains("Storms"), "{body}");
    }
}
