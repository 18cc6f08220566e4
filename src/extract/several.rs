//! Pages that hold several whole articles: endless-scroll pages append the next story, each an
//! `<article>` with its own `<h1>` headline, to the one the URL names. When the chosen
//! container holds two or more such headed articles, only one is the page's: the one whose
//! headline repeats the page title, else the first.

use super::tree::{Html, NodeId, NodeRef};

use super::{dom, render};

/// The parts narrowed to the page's own article when they hold several headed articles;
/// otherwise the parts unchanged.
pub fn own_article(doc: &Html, parts: Vec<NodeId>, title: Option<&str>) -> Vec<NodeId> {
    let headed: Vec<NodeRef<'_>> = parts
        .iter()
        .filter_map(|id| doc.get(*id))
        .flat_map(|part| part.descendants())
        .filter(|n| is_headed_article(n))
        .filter(|n| !n.ancestors().any(|a| is_headed_article(&a)))
        .collect();
    if headed.len() < 2 {
        return parts;
    }
    let titled = title.and_then(|t| {
        headed
            .iter()
            .find(|a| headline(a).is_some_and(|h| render::repeats_title(t, &h)))
    });
    vec![titled.unwrap_or(&headed[0]).id()]
}

fn is_headed_article(node: &NodeRef<'_>) -> bool {
    dom::element(node).is_some_and(|e| e.name() == "article") && headline(node).is_some()
}

/// Text of the first `<h1>` inside the node.
fn headline(node: &NodeRef<'_>) -> Option<String> {
    let h1 = node
        .descendants()
        .find(|d| dom::element(d).is_some_and(|e| e.name() == "h1"))?;
    Some(
        h1.descendants()
            .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::super::extract;

    const STORY: &str = "<p>The council met on Monday and voted to raise the budget for schools by a tenth, the clerk said after the session, and the vote was close.</p><p>Teachers welcomed the decision, but parents asked how the money would be spent across the districts of the city in the coming years.</p><p>The mayor promised a public report on the spending before the end of the year, with figures for every school in the city.</p>";
    const NEXT: &str = "<p>Storms closed the mountain pass for a second day, and the road service said snow ploughs could not reach the upper villages before Friday.</p><p>Residents were told to stay at home, and schools in the valley stayed closed while the power lines were repaired by crews from the city.</p><p>Forecasters expect the wind to ease on Thursday night, when the first buses may run again on the lower road.</p>";

    #[test]
    fn an_appended_second_article_is_dropped() {
        let page = format!(
            "<html><head><title>Council raises school budget</title></head><body><main>\
             <article><h1>Council raises school budget</h1>{STORY}</article>\
             <article><h1>Storms close the mountain pass</h1>{NEXT}</article>\
             </main></body></html>"
        );
        let body = extract(&page, None).body;
        assert!(body.contains("Teachers welcomed the decision"), "{body}");
        assert!(!body.contains("Storms closed"), "{body}");
    }

    #[test]
    fn articles_without_their_own_headline_are_one_story() {
        let page = format!(
            "<html><head><title>Council raises school budget</title></head><body><main>\
             <h1>Council raises school budget</h1>\
             <article>{STORY}</article><article>{NEXT}</article>\
             </main></body></html>"
        );
        let body = extract(&page, None).body;
        assert!(body.contains("Teachers welcomed the decision"), "{body}");
        assert!(body.contains("Storms closed"), "{body}");
    }
}
