use super::super::tree::tests::{TRICKY, dump, scraper_dump};
use super::{READ_ATTRIBUTES, document, in_slices};

fn read(name: &str) -> bool {
    READ_ATTRIBUTES.contains(&name)
}

#[test]
fn the_tree_is_scrapers_without_comments_and_unread_attributes() {
    let full = scraper::Html::parse_document(TRICKY);
    let lean = document(TRICKY, false);
    assert_eq!(dump(&lean), scraper_dump(&full, read));
    let comments = full
        .root_element()
        .descendants()
        .filter(|n| n.value().is_comment())
        .count();
    assert!(comments > 5);
    let texts = dump(&lean);
    assert!(texts.contains(&"\"one\"".to_string()), "{texts:?}");
    assert!(texts.contains(&"\"two \"".to_string()), "{texts:?}");
    assert!(!texts.iter().any(|l| l.contains("data-z")), "{texts:?}");
}

#[test]
fn a_site_rule_keeps_every_attribute() {
    let full = scraper::Html::parse_document(TRICKY);
    let lean = document(TRICKY, true);
    assert_eq!(dump(&lean), scraper_dump(&full, |_| true));
    assert!(dump(&lean).iter().any(|l| l.contains("data-z")));
}

#[test]
fn the_tree_does_not_depend_on_how_the_page_is_sliced() {
    let whole = scraper_dump(&scraper::Html::parse_document(TRICKY), read);
    for slice in [1, 2, 3, 7, 64, 1 << 20] {
        assert_eq!(dump(&in_slices(TRICKY, false, slice)), whole, "{slice}");
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
