use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::{READ_ATTRIBUTES, document, in_slices};

/// Markup that exercises the tree builder's corners: comments between texts and inside
/// tables (foster parenting), misnested formatting (adoption agency), templates, CRLF,
/// non-ASCII text, a processing instruction and repeated `<body>` attributes.
const TRICKY: &str = "<!DOCTYPE html><!-- top --><?php echo 1 ?>\r\n<html lang=\"kk\">\
    <head><title>Жаңалық — тест</title><meta property=\"og:title\" content=\"Т\">\
    <link rel=\"canonical\" href=\"/a\"></head><body class=\"b\" data-x=\"1\" onload=\"f()\">\
    <p>one<!-- c -->two <!-- d --> three<!---->four</p>\r\n<table><!-- t -->x<tr><td>cell\
    <!-- in cell -->more</td></tr>stray<!-- s -->text</table><b>bold<i>both</b>italic</i>\
    <template><p>in template<!-- tc --></p></template><body id=\"again\" data-y=\"2\">\
    <div hidden aria-hidden=\"true\" style=\"x\" data-z=\"3\" itemprop=\"articleBody\">\
    Саяси тұтқындарға\r\nқатысты<!-- e -->  жаңалық</div><svg><!-- f --><text>s</text></svg>\
    <select><option>a<!-- g -->b</option></select></body></html><!-- after -->";

/// One line per node in document order: elements with their (kept) attributes, text nodes
/// one by one, comments and processing instructions left out.
fn dump(doc: &Html, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut out = Vec::new();
    walk(doc.tree.root(), &keep, &mut out);
    out
}

fn walk(root: NodeRef<'_, Node>, keep: &impl Fn(&str) -> bool, out: &mut Vec<String>) {
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let attrs: Vec<String> = e
                        .attrs()
                        .filter(|(name, _)| keep(name))
                        .map(|(name, value)| format!("{name}={value:?}"))
                        .collect();
                    out.push(format!("<{} {}>", e.name(), attrs.join(" ")));
                }
                Node::Text(t) => out.push(format!("{:?}", &**t)),
                Node::Doctype(d) => out.push(format!("doctype {}", d.name())),
                Node::Fragment => out.push("fragment".into()),
                _ => {}
            },
            Edge::Close(node) if node.value().is_element() => out.push("</>".into()),
            Edge::Close(_) => {}
        }
    }
}

fn read(name: &str) -> bool {
    READ_ATTRIBUTES.contains(&name)
}

#[test]
fn the_tree_is_scrapers_without_comments_and_unread_attributes() {
    let full = Html::parse_document(TRICKY);
    let lean = document(TRICKY, false);
    assert_eq!(dump(&lean, |_| true), dump(&full, read));
    let comments = |doc: &Html| {
        doc.root_element()
            .descendants()
            .filter(|n| n.value().is_comment())
            .count()
    };
    assert!(comments(&full) > 5);
    assert_eq!(comments(&lean), 0);
    let texts = dump(&lean, |_| true);
    assert!(texts.contains(&"\"one\"".to_string()), "{texts:?}");
    assert!(texts.contains(&"\"two \"".to_string()), "{texts:?}");
}

#[test]
fn a_site_rule_keeps_every_attribute() {
    let full = Html::parse_document(TRICKY);
    let lean = document(TRICKY, true);
    assert_eq!(dump(&lean, |_| true), dump(&full, |_| true));
    assert!(dump(&lean, |_| true).iter().any(|l| l.contains("data-z")));
}

#[test]
fn the_tree_does_not_depend_on_how_the_page_is_sliced() {
    let whole = dump(&Html::parse_document(TRICKY), read);
    for slice in [1, 2, 3, 7, 64, 1 << 20] {
        assert_eq!(
            dump(&in_slices(TRICKY, false, slice), |_| true),
            whole,
            "{slice}"
        );
    }
}

/// Attribute names in `attr("…")` calls and in selector strings of the extractor's sources.
fn attributes_read(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in source.match_indices("attr(\"") {
        let rest = &source[at + 6..];
        names.extend(rest.split('"').next().map(str::to_string));
    }
    for line in source.lines().filter(|l| l.contains("Selector::parse(")) {
        for (at, _) in line.match_indices('[') {
            let name: String = line[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':'))
                .collect();
            if !name.is_empty() {
                names.push(name.to_ascii_lowercase());
            }
        }
    }
    names
}

#[test]
fn every_attribute_the_extractor_reads_is_kept() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/extract");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !name.ends_with(".rs") || name == "tests.rs" || name == "parse.rs" {
            continue;
        }
        let source = std::fs::read_to_string(&path).unwrap_or_default();
        for attr in attributes_read(&source) {
            assert!(
                READ_ATTRIBUTES.contains(&attr.as_str()),
                "{name} reads attribute {attr:?}: add it to parse::READ_ATTRIBUTES"
            );
            checked += 1;
        }
    }
    assert!(
        checked > 20,
        "only {checked} attribute reads found in {dir}"
    );
}

#[test]
fn the_scan_finds_attribute_reads() {
    let source =
        "e.attr(\"data-a\"); let s = Selector::parse(r#\"meta[b=\"x\"], a[rel~=c][href]\"#);";
    assert_eq!(attributes_read(source), ["data-a", "b", "rel", "href"]);
}
