//! Lists of links to other stories inside the article: a list whose links carry most of its
//! text, right after a "read also" label ("Read more:", "【関連記事】", "Lesen Sie auch").
//! `boiler` drops the label line by its words; the list it introduces has no such words, only
//! headlines, and is dropped here by its markup and its place. A list of links without the
//! label (a table of contents, sources, references) stays: the label says what the links are.

use super::boiler;
use super::dom;
use super::tree::{Node, NodeRef};

/// A list is a list of links when its links carry this share of its text or more.
const LINK_LIST_MIN_SHARE: f64 = 0.5;
/// Text read from a label candidate before giving up (bytes): labels are a few words.
const LABEL_MAX_BYTES: usize = 400;

/// Whether the node is a `ul`/`ol` whose links carry at least [`LINK_LIST_MIN_SHARE`] of its
/// `text` (characters, `link` of them inside links), introduced by a "read also" label: the
/// nearest non-blank sibling before it says so.
pub fn is_labelled_link_list(node: &NodeRef<'_>, text: usize, link: usize) -> bool {
    let is_list = dom::element(node).is_some_and(|e| matches!(e.name(), "ul" | "ol"));
    if !is_list || link == 0 || (link as f64) < LINK_LIST_MIN_SHARE * text as f64 {
        return false;
    }
    label_before(node).is_some_and(|label| boiler::is_teaser(&label))
}

/// Text of the nearest sibling before the node that holds any (an element or loose text),
/// unless it is longer than a label can be.
fn label_before(node: &NodeRef<'_>) -> Option<String> {
    for sibling in node.prev_siblings() {
        let text = match sibling.value() {
            Node::Text(t) => t.to_string(),
            Node::Element(_) => bounded_text(&sibling)?,
            _ => continue,
        };
        if !text.trim().is_empty() {
            return Some(text);
        }
    }
    None
}

/// The node's text, or `None` once it passes [`LABEL_MAX_BYTES`].
fn bounded_text(node: &NodeRef<'_>) -> Option<String> {
    let mut text = String::new();
    for t in node.descendants().filter_map(|d| d.value().as_text()) {
        text.push_str(t);
        if text.len() > LABEL_MAX_BYTES {
            return None;
        }
    }
    Some(text)
}

#[cfg(test)]
mod tests {
    use crate::extract::extract;
    use crate::extract::tests::{STORY, assert_keeps_and_drops};

    #[test]
    fn link_lists_a_read_also_label_introduces_go_but_other_lists_stay() {
        let page = format!(
            "<html><body><article>{STORY}\
             <div><span>Read more:</span><ul>\
             <li><a href=\"https://example.com/a\">Check your wallet for these rare bills</a></li>\
             <li><a href=\"https://example.com/b\">Printing errors could be worth thousands</a></li>\
             </ul></div>\
             <div><p class=\"title\">【関連記事】</p><ul>\
             <li>・<a href=\"/article/1\">金融庁、銀行に業務改善命令</a></li>\
             <li>・<a href=\"/article/2\">第三者委員会を設置</a></li></ul></div>\
             <h2>Sources</h2><ul>\
             <li><a href=\"https://nodejs.org/api/inspector.html\">nodejs.org/api/inspector.html</a></li>\
             <li><a href=\"https://example.org/v8\">example.org/v8 protocol notes</a></li></ul>\
             <p>Lesen Sie auch:</p><ul>\
             <li>Die Schule hat <a href=\"/sport\">eine Sporthalle</a> und eine Mensa für alle.</li>\
             <li>Der Unterricht beginnt am ersten September um acht Uhr morgens.</li></ul>\
             </article></body></html>"
        );
        let body = extract(&page, None).body;
        assert_keeps_and_drops(
            &body,
            &[
                "nodejs.org/api/inspector.html",
                "example.org/v8 protocol notes",
                "eine Sporthalle",
                "ersten September",
                "Алматы қаласында",
            ],
            &[
                "Read more:",
                "rare bills",
                "worth thousands",
                "関連記事",
                "業務改善命令",
                "第三者委員会",
            ],
        );
    }
}
