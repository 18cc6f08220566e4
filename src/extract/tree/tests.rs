use ego_tree::iter::Edge as ScraperEdge;
use html5ever::QualName;

use super::super::parse;
use super::*;

/// Markup that exercises the tree builder's corners: comments between texts and inside
/// tables (foster parenting), misnested formatting (adoption agency), templates, CRLF,
/// non-ASCII text, a processing instruction, foreign content and repeated `<html>` and
/// `<body>` attributes.
pub const TRICKY: &str = "<!DOCTYPE html><!-- top --><?php echo 1 ?>\r\n<html lang=\"kk\">\
    <head><title>Жаңалық — тест</title><meta property=\"og:title\" content=\"Т\">\
    <link rel=\"canonical\" href=\"/a\"></head><body class=\"b\" data-x=\"1\" onload=\"f()\">\
    <p>one<!-- c -->two <!-- d --> three<!---->four</p>\r\n<table><!-- t -->x<tr><td>cell\
    <!-- in cell -->more</td></tr>stray<!-- s -->text</table><b>bold<i>both</b>italic</i>\
    <template><p>in template<!-- tc --></p></template><body id=\"again\" data-y=\"2\">\
    <html lang=\"ru\" dir=\"ltr\"><div hidden aria-hidden=\"true\" style=\"x\" data-z=\"3\" \
    itemprop=\"articleBody\">Саяси тұтқындарға\r\nқатысты<!-- e -->  жаңалық</div>\
    <svg viewBox=\"0 0 1 1\"><!-- f --><text xml:lang=\"en\">s</text><a xlink:href=\"/h\">l</a>\
    </svg><select><option>a<!-- g -->b</option></select><table>a<b>b<tr>c<td>d</table>e\
    <a href=\"1\">x<div>y<a href=\"2\">z</a></div></a><p><b><i><u>t</b>w</u></i></p>\
    <table><tr><td><template><td>t</template></table><math><mi>m</mi></math></body></html>\
    <!-- after -->";

/// One line per node in document order: elements with their kept attributes (full names, in
/// stored order), text nodes one by one.
pub fn dump(doc: &Html) -> Vec<String> {
    let mut out = Vec::new();
    for edge in doc.root().traverse() {
        match edge {
            Edge::Open(node) => out.extend(line(node.value())),
            Edge::Close(node) if node.value().is_element() => out.push("</>".into()),
            Edge::Close(_) => {}
        }
    }
    out
}

fn line(node: Node<'_>) -> Option<String> {
    Some(match node {
        Node::Element(e) => element_line(e.qual_name(), e.attrs()),
        Node::Text(t) => format!("{t:?}"),
        Node::Doctype => "doctype".into(),
        Node::Fragment => "fragment".into(),
        Node::Document => return None,
    })
}

fn element_line<'a>(
    name: &QualName,
    attrs: impl Iterator<Item = (&'a QualName, &'a str)>,
) -> String {
    let attrs: Vec<String> = attrs
        .map(|(q, v)| format!("{:?}:{}:{}={v:?}", q.prefix, q.ns, q.local))
        .collect();
    format!("<{}:{} {}>", name.ns, name.local, attrs.join(" "))
}

/// [`dump`] of scraper's tree, comments and processing instructions left out and only the
/// attributes `keep` accepts.
pub fn scraper_dump(doc: &scraper::Html, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    for edge in doc.tree.root().traverse() {
        match edge {
            ScraperEdge::Open(node) => out.extend(scraper_line(node.value(), &keep)),
            ScraperEdge::Close(node) if node.value().is_element() => out.push("</>".into()),
            ScraperEdge::Close(_) => {}
        }
    }
    out
}

fn scraper_line(node: &scraper::Node, keep: &impl Fn(&str) -> bool) -> Option<String> {
    Some(match node {
        scraper::Node::Element(e) => element_line(
            &e.name,
            e.attrs
                .iter()
                .filter(|(q, _)| keep(&q.local))
                .map(|(q, v)| (q, &**v)),
        ),
        scraper::Node::Text(t) => format!("{:?}", &**t),
        scraper::Node::Doctype(_) => "doctype".into(),
        scraper::Node::Fragment => "fragment".into(),
        _ => return None,
    })
}

/// What a selector matches, in selection order: each element's line and text.
fn selected(doc: &Html, css: &str) -> Vec<String> {
    let Ok(sel) = Selector::parse(css) else {
        panic!("{css}");
    };
    doc.select(&sel)
        .map(|n| format!("{:?} {:?}", line(n.value()), n.text().collect::<String>()))
        .collect()
}

fn scraper_selected(doc: &scraper::Html, css: &str) -> Vec<String> {
    let Ok(sel) = scraper::Selector::parse(css) else {
        panic!("{css}");
    };
    doc.select(&sel)
        .map(|e| {
            let node = std::ops::Deref::deref(&e).value();
            let line = scraper_line(node, &|_| true);
            format!("{line:?} {:?}", e.text().collect::<String>())
        })
        .collect()
}

const SELECTORS: &[&str] = &[
    "p",
    "a[href]",
    "[lang], [dir=ltr]",
    "table td, template *",
    "body > div[hidden]",
    ":root",
    "b i, b + i, b ~ *",
    "div:first-child, p:last-of-type, td:nth-child(2), :empty",
    "*[class~=b], #again, .b, [data-z^='3' i]",
    "svg text, a:not([href=\"2\"])",
    "div:has(> a), :is(b, i):where(u)",
];

#[test]
fn the_tree_is_scrapers_node_for_node() {
    let full = scraper::Html::parse_document(TRICKY);
    let ours = parse::document(TRICKY, true);
    assert_eq!(dump(&ours), scraper_dump(&full, |_| true));
    for css in SELECTORS {
        assert_eq!(selected(&ours, css), scraper_selected(&full, css), "{css}");
    }
}

#[test]
fn a_fragment_is_scrapers_fragment() {
    let html = "<p>one<!-- c -->two</p><td>x</td><b>a<p>b</b>c</p><table>t<tr><td>d";
    let full = scraper::Html::parse_fragment(html);
    let ours = parse::fragment(html);
    assert_eq!(
        dump(&ours),
        scraper_dump(&full, |n| parse::READ_ATTRIBUTES.contains(&n))
    );
    assert_eq!(
        ours.root_element().value().as_element().map(|e| e.name()),
        Some("html")
    );
}

/// The pieces of [`tag_soup`]: tags the tree builder treats specially, text, entities, CRLF,
/// NUL.
pub const SOUP_PARTS: &[&str] = &[
    "<p>",
    "</p>",
    "text ",
    "<div class=a>",
    "</div>",
    "<table>",
    "</table>",
    "<tr>",
    "<td>",
    "</td>",
    "<th>",
    "<caption>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<a href=x>",
    "</a>",
    "<template>",
    "</template>",
    "<!-- c -->",
    "<select>",
    "<option>",
    "<svg>",
    "</svg>",
    "<math>",
    "<mi>",
    "<foreignObject>",
    "<body id=b2 class=x>",
    "<html lang=kk>",
    "<li>",
    "<ul>",
    "</ul>",
    "<form>",
    "</form>",
    "<input type=hidden>",
    "<h1>",
    "<h2>",
    "</h1>",
    "<nobr>",
    "<font color=red>",
    "<button>",
    "<frameset>",
    "<pre>\n",
    "<textarea>",
    "<script>",
    "</script>",
    "<br>",
    "</br>",
    "<col>",
    "<colgroup>",
    "<tbody>",
    "<head>",
    "<title>",
    "<noscript>",
    "<xmp>",
    "<plaintext>",
    "<image>",
    "<isindex>",
    "é ",
    "&amp; ",
    "\r\n",
    "\0",
];

/// A random page of `parts` pieces of [`SOUP_PARTS`] (xorshift on `seed`).
pub fn tag_soup(seed: &mut u64, parts: usize) -> String {
    let mut html = String::new();
    for _ in 0..parts {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        html.push_str(SOUP_PARTS[(*seed % SOUP_PARTS.len() as u64) as usize]);
    }
    html
}

#[test]
fn random_tag_soup_builds_scrapers_tree() {
    // Bounded: 300 pages of 60 parts.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..300 {
        let html = tag_soup(&mut seed, 60);
        let full = scraper::Html::parse_document(&html);
        let ours = parse::document(&html, true);
        assert_eq!(dump(&ours), scraper_dump(&full, |_| true), "{html:?}");
        for css in ["*", "td, th", "b i", "template *", ":root > *"] {
            assert_eq!(
                selected(&ours, css),
                scraper_selected(&full, css),
                "{css} {html:?}"
            );
        }
    }
}

#[test]
fn walks_match_the_links() {
    let doc = parse::document("<div><p>a</p><p>b<i>c</i></p>d</div>", true);
    let is_div = |n: &NodeRef<'_>| n.value().as_element().is_some_and(|e| e.name() == "div");
    let Some(div) = doc.root().descendants().find(is_div) else {
        panic!("no div");
    };
    let names = |it: &mut dyn Iterator<Item = NodeRef<'_>>| -> Vec<String> {
        it.map(|n| line(n.value()).unwrap_or_default()).collect()
    };
    let children = names(&mut div.children());
    assert_eq!(children.len(), 3);
    let mut back: Vec<String> = div
        .children()
        .last()
        .map(|l| {
            std::iter::once(l)
                .chain(l.prev_siblings())
                .map(|n| line(n.value()).unwrap_or_default())
                .collect()
        })
        .unwrap_or_default();
    back.reverse();
    assert_eq!(back, children);
    let first = div.first_child();
    assert!(first.is_some_and(|f| f.prev_sibling().is_none()));
    assert_eq!(
        first
            .and_then(|f| f.next_siblings().last())
            .map(|l| l.value().as_text()),
        Some(Some("d"))
    );
    assert_eq!(div.text().collect::<String>(), "abcd");
    assert!(div.ancestors().any(|a| a.value().is_document()));
}

#[test]
fn a_node_takes_32_bytes() {
    assert_eq!(std::mem::size_of::<Slot>(), 32);
}
