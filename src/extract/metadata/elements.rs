//! The elements the page's metadata is read from, gathered in one walk over the tree and
//! dispatched by local name. Each list holds what `Html::select` with the selector named on
//! it would give, in the same (creation) order; the selector is only matched on elements of
//! the right name, so the walk costs one name comparison per element instead of one selector
//! match per element and per selector.

use std::sync::LazyLock;

use super::super::tree::{Html, NodeRef, Selector};

static TIME: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("time[datetime]").ok());
static CANONICAL: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("link[rel~=canonical][href]").ok());
static BASE: LazyLock<Option<Selector>> = LazyLock::new(|| Selector::parse("base[href]").ok());
static JSON_LD: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse(r#"script[type="application/ld+json"]"#).ok());
/// Elements naming the author; every match has a `rel` or an `itemprop` attribute.
static AUTHOR_NODE: LazyLock<Option<Selector>> = LazyLock::new(|| {
    Selector::parse("[rel=author], [itemprop=author] [itemprop=name], [itemprop=author]").ok()
});

/// The page's metadata elements.
#[derive(Default)]
pub struct MetaElements<'a> {
    /// `meta`.
    pub metas: Vec<NodeRef<'a>>,
    /// `script[type="application/ld+json"]`.
    pub json_ld: Vec<NodeRef<'a>>,
    /// `title`.
    pub titles: Vec<NodeRef<'a>>,
    /// `h1`.
    pub h1s: Vec<NodeRef<'a>>,
    /// `time[datetime]`.
    pub times: Vec<NodeRef<'a>>,
    /// The first `link[rel~=canonical][href]`.
    pub canonical: Option<NodeRef<'a>>,
    /// The first `base[href]`.
    pub base: Option<NodeRef<'a>>,
    /// Elements with a `rel` or `itemprop` attribute: the only ones the author selector can
    /// match (see [`MetaElements::author_nodes`]).
    author_candidates: Vec<NodeRef<'a>>,
}

impl<'a> MetaElements<'a> {
    /// Walks the tree once.
    pub fn of(doc: &'a Html) -> Self {
        let mut found = MetaElements::default();
        for node in doc.elements() {
            let Some(element) = node.value().as_element() else {
                continue;
            };
            match element.name() {
                "meta" => found.metas.push(node),
                "title" => found.titles.push(node),
                "h1" => found.h1s.push(node),
                "script" if matches(&JSON_LD, &node) => found.json_ld.push(node),
                "time" if matches(&TIME, &node) => found.times.push(node),
                "link" if found.canonical.is_none() && matches(&CANONICAL, &node) => {
                    found.canonical = Some(node);
                }
                "base" if found.base.is_none() && matches(&BASE, &node) => found.base = Some(node),
                _ => {}
            }
            if element
                .attrs()
                .any(|(name, _)| matches!(&*name.local, "rel" | "itemprop"))
            {
                found.author_candidates.push(node);
            }
        }
        found
    }

    /// The elements `[rel=author], [itemprop=author] [itemprop=name], [itemprop=author]`
    /// selects, in order.
    pub fn author_nodes(&self) -> impl Iterator<Item = NodeRef<'a>> + '_ {
        self.author_candidates
            .iter()
            .copied()
            .filter(|n| matches(&AUTHOR_NODE, n))
    }
}

fn matches(selector: &LazyLock<Option<Selector>>, node: &NodeRef<'_>) -> bool {
    selector.as_ref().is_some_and(|s| s.matches(node))
}

#[cfg(test)]
mod tests {
    use super::super::super::parse;
    use super::*;

    fn ids<'a>(nodes: impl Iterator<Item = NodeRef<'a>>) -> Vec<usize> {
        nodes.map(|n| n.id().index()).collect()
    }

    fn selected(doc: &Html, css: &str) -> Vec<usize> {
        let sel = Selector::parse(css).expect("a valid selector");
        ids(doc.select(&sel))
    }

    #[test]
    fn one_walk_finds_what_each_selector_selects() {
        // Two of each, misplaced ones (after the body, in svg, in a table that moves them),
        // attribute values in other cases, and elements the author selector takes by an
        // ancestor.
        let html = r#"<html><head><title> </title><meta name=a content=1>
            <link rel="Stylesheet canonical" href=/a><base href=/b><base href=/c>
            <script type="application/ld+json">{}</script><script type=text/javascript></script>
            </head><body><table><tr><h1>moved</h1><td><h1>x</h1></table>
            <svg><title>icon</title><a rel=author>svg</a></svg>
            <time datetime=2024-01-01>a</time><time>b</time><TIME DATETIME=x>c</TIME>
            <div itemprop=author><span itemprop=name>N</span><span itemprop=other>o</span></div>
            <a rel=author>A</a><a rel="author me">B</a><link rel=canonical>
            <script type="APPLICATION/LD+JSON">[]</script></body>
            <meta property=og:title content=t><title>late</title></html>"#;
        let doc = parse::document(html, false);
        let found = MetaElements::of(&doc);
        assert_eq!(ids(found.metas.iter().copied()), selected(&doc, "meta"));
        assert_eq!(ids(found.titles.iter().copied()), selected(&doc, "title"));
        assert_eq!(ids(found.h1s.iter().copied()), selected(&doc, "h1"));
        assert_eq!(
            ids(found.times.iter().copied()),
            selected(&doc, "time[datetime]")
        );
        let json_ld = selected(&doc, r#"script[type="application/ld+json"]"#);
        assert_eq!(ids(found.json_ld.iter().copied()), json_ld);
        let canonical = selected(&doc, "link[rel~=canonical][href]");
        assert_eq!(ids(found.canonical.into_iter()), canonical[..1]);
        assert_eq!(
            ids(found.base.into_iter()),
            selected(&doc, "base[href]")[..1]
        );
        let authors = selected(
            &doc,
            "[rel=author], [itemprop=author] [itemprop=name], [itemprop=author]",
        );
        assert_eq!(ids(found.author_nodes()), authors);
        assert_eq!(found.h1s.len(), 2);
        assert_eq!(found.titles.len(), 3);
        assert_eq!(json_ld.len(), 2);
        assert_eq!(authors.len(), 4);
    }
}
