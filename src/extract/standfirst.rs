//! The standfirst: the summary a news page prints between its headline and its first
//! paragraph is often outside the container the body was found in, so the body starts at the
//! first paragraph without it. The page names its own summary in `<meta name="description">`
//! (or `og:description`, `twitter:description`): a visible element whose text is exactly
//! that summary is the standfirst, and it opens the body when the body lacks it. A summary
//! that is only in the metadata (or only cut short on the page) adds nothing.

use super::node_hash::NodeSet;
use super::tree::{Html, Node, NodeId, NodeRef};
use super::{body, dom};

/// Shorter descriptions (characters) are labels or titles, not summaries.
const MIN_DESCRIPTION_CHARS: usize = 60;
/// How far above a text node that opens the summary its element may sit.
const MAX_CLIMB: usize = 4;

/// The body with the standfirst in front of it, if the page has one the body lacks.
pub fn apply(doc: &Html, body: String, descriptions: &[String], removed: &NodeSet) -> String {
    let wanted: Vec<String> = descriptions
        .iter()
        .filter(|d| d.chars().count() >= MIN_DESCRIPTION_CHARS)
        .map(|d| letters(d))
        .filter(|d| !d.is_empty())
        .collect();
    if wanted.is_empty() {
        return body;
    }
    let have = letters(&body);
    if wanted.iter().any(|w| have.contains(w.as_str())) {
        return body;
    }
    let Some(id) = element_saying(doc, &wanted, removed) else {
        return body;
    };
    let lead = body::render_nodes(doc, &[id], removed);
    match (lead.trim().is_empty(), body.is_empty()) {
        (true, _) => body,
        (false, true) => lead,
        (false, false) => format!("{lead}\n\n{body}"),
    }
}

/// Letters and digits only: the same text whatever its spacing and punctuation. Case is kept
/// (the page prints its summary as it wrote it), which spares a lowercase pass over the body.
fn letters(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    out.extend(s.chars().filter(|c| c.is_alphanumeric()));
    out
}

/// Whether `s`'s [`letters`] begin `wanted` (and `s` has any).
fn opens(s: &str, wanted: &str) -> bool {
    let mut want = wanted.chars();
    let mut any = false;
    for c in s.chars().filter(|c| c.is_alphanumeric()) {
        if want.next() != Some(c) {
            return false;
        }
        any = true;
    }
    any
}

/// The first visible element whose whole text is one of the `wanted` summaries.
fn element_saying(doc: &Html, wanted: &[String], removed: &NodeSet) -> Option<NodeId> {
    for node in doc.root_element().descendants() {
        let Node::Text(t) = node.value() else {
            continue;
        };
        for w in wanted.iter().filter(|w| opens(t, w)) {
            let found = node
                .ancestors()
                .take(MAX_CLIMB)
                .filter(|a| dom::element(a).is_some())
                .find(|a| says(a, w));
            if let Some(el) = found.filter(|el| stands_alone(el, removed)) {
                return Some(el.id());
            }
        }
    }
    None
}

/// Whether the node's text is exactly `wanted` (in [`letters`]); reads no further than that.
fn says(node: &NodeRef<'_>, wanted: &str) -> bool {
    let mut text = String::new();
    for t in node.descendants().filter_map(|d| d.value().as_text()) {
        text.extend(t.chars().filter(|c| c.is_alphanumeric()));
        if text.len() > wanted.len() {
            return false;
        }
    }
    text == wanted
}

/// Whether a reader sees the element as text of its own: no never-text or hidden element (nor
/// one a site rule removes) above it, and no link (a summary inside a link is a teaser card
/// for another story).
fn stands_alone(node: &NodeRef<'_>, removed: &NodeSet) -> bool {
    std::iter::once(*node).chain(node.ancestors()).all(|a| {
        if removed.contains(&a.id()) {
            return false;
        }
        dom::element(&a).is_none_or(|el| el.name() != "a" && !dom::is_never_shown(&a, el))
    })
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::extract::tests::STORY;

    const SUMMARY: &str = "Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit, \
ein Haus mit Turnhalle, Bibliothek und Mensa.";

    fn page(head: &str, header: &str) -> String {
        format!(
            "<html><head>{head}</head><body><header><h1>Neue Schule</h1>{header}</header>\
             <main><div class=\"article-body\">{STORY}</div></main></body></html>"
        )
    }

    #[test]
    fn the_summary_the_page_describes_itself_with_opens_the_body() {
        let head = format!("<meta name=\"description\" content=\"{SUMMARY}\">");
        let header = "<p class=\"lead\">Die Stadt eröffnet eine <b>neue Schule</b> für 1.200 \
                      Kinder: zwei Jahre Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p>";
        let body = extract(&page(&head, header), None).body;
        assert!(
            body.starts_with("Die Stadt eröffnet eine neue Schule"),
            "{body}"
        );
        assert!(body.contains("Алматы қаласында"), "{body}");
        assert_eq!(body.matches("Die Stadt eröffnet").count(), 1, "{body}");
    }

    #[test]
    fn a_summary_only_in_metadata_hidden_cut_short_or_linked_adds_nothing() {
        let head = format!("<meta property=\"og:description\" content=\"{SUMMARY}\">");
        for header in [
            "",
            "<p hidden>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre \
             Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p>",
            "<p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit…</p>",
            "<a href=\"/schule\"><p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei \
             Jahre Bauzeit, ein Haus mit Turnhalle, Bibliothek und Mensa.</p></a>",
            "<p>Die Stadt eröffnet eine neue Schule für 1.200 Kinder: zwei Jahre Bauzeit, ein \
             Haus mit Turnhalle, Bibliothek und Mensa. Mehr dazu heute Abend.</p>",
        ] {
            let body = extract(&page(&head, header), None).body;
            assert!(body.starts_with("Алматы қаласында"), "{header}: {body}");
            assert!(!body.contains("Die Stadt"), "{header}: {body}");
        }
    }
}
