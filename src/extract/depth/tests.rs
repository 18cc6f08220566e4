use super::super::parse::{self, document_with};
use super::super::tree::{Html, tests::dump};
use super::*;

/// `html` parsed with only the depth cap at `limit`.
fn capped(html: &str, limit: usize) -> Html {
    let pruning = Pruning {
        limit,
        empty: false,
        lean: false,
        blank_runs: false,
    };
    document_with(html, false, Some(pruning))
}

/// Elements on the longest path of a tree.
fn depth(doc: &Html) -> usize {
    let elements = doc.root().descendants().filter(|n| n.value().is_element());
    elements
        .map(|n| n.ancestors().filter(|a| a.value().is_element()).count() + 1)
        .max()
        .unwrap_or(0)
}

#[test]
fn tags_beyond_the_limit_go_and_their_text_stays() {
    let html = "<div>a<div>b<div>c<br>d<div>e</div></div></div></div><p>f</p>";
    let flattened = "<div>a<div>bc<br>de</div></div><p>f</p>";
    assert_eq!(
        dump(&capped(html, 2)),
        dump(&parse::document(flattened, false))
    );
    let shallow = "<ul><li>a<li>b</ul><table><tr><td>c<td>d</table><p>e<p>f";
    assert_eq!(
        dump(&capped(shallow, 5)),
        dump(&parse::document(shallow, false))
    );
}

#[test]
fn implied_paragraph_ends_keep_the_model_shallow() {
    // Each `<div>`, `<ul>` or `<p>` ends the open `<p>`: the model (which only looks for one
    // while it counts a `p` open) must not see this page as deeper than three.
    let html = "<p>a<div>b</div><p>c<ul><li>d</ul>".repeat(20);
    assert_eq!(
        dump(&capped(&html, 3)),
        dump(&parse::document(&html, false))
    );
}

#[test]
fn markup_that_only_looks_deep_is_not_counted() {
    let html = "<div title=\"<div><div>\"><!-- <div><div> --><textarea><div><div>\
        </textarea><img><img/><hr><!doctype <div>><? <div>></div>";
    assert_eq!(dump(&capped(html, 2)), dump(&parse::document(html, false)));
}

#[test]
fn misnested_markup_cannot_nest_past_the_limit() {
    let cases = [
        "<span><div></span>".repeat(400),
        "<form><div></form>".repeat(400),
        format!("<h2>{}", "<div><h1></h2>".repeat(400)),
        format!("<table><td><math>{}", "<td>".repeat(400)),
        "<head><div></head>".repeat(400),
        "<td><div><td>".repeat(400),
        "<table><td><table><td>".repeat(200),
        "<p><b class=x><i id=y></p>text".repeat(200),
        "<div/>".repeat(400),
        "<li><dd><rb><option></span>".repeat(400),
        "<p><select><div>".repeat(400),
        format!("<math><textarea>{}", "<div>".repeat(400)),
        format!("<math>{}", "<td>".repeat(400)),
        "<math><mi><div>".repeat(400),
        "<math><div><textarea></div></textarea>".repeat(400),
        "<svg/><div><title></div></title>".repeat(400),
        format!("<math>{}", "<col>".repeat(400)),
        "<select><mtext><select><mtext></select>".repeat(400),
        "<image><span></image>".repeat(400),
        "<p><mi>".repeat(400),
        "<button><dl></button><dl><button>".repeat(400),
    ];
    for html in cases {
        let depth = depth(&capped(&html, 50));
        // html and body, and the tbody and tr a last cell may imply, come on top.
        assert!(depth <= 50 + 4, "{depth} deep: {}", &html[..40]);
    }
}

#[test]
fn a_hostile_page_is_parsed_in_linear_time_and_keeps_its_text() {
    let nested = 100_000;
    let html = format!("{}deep{}", "<div>".repeat(nested), "</div>".repeat(nested));
    let doc = parse::page(&html, false);
    assert!(depth(&doc) <= MAX_DEPTH + 2);
    assert_eq!(doc.root().text().collect::<String>(), "deep");
}

#[test]
fn malformed_input_does_not_panic() {
    let inputs = [
        "",
        "<",
        "<<<",
        "</",
        "</>",
        "<!",
        "<!--",
        "<!-->",
        "<!--->",
        "<div",
        "<div a=\"",
        "<div a='>",
        "</div",
        "<a b=\">\"",
        "<![CDATA[",
        "<?xml",
        "<textarea>unclosed <div>",
        "<plaintext><div>",
        "é<dïv>ü</dïv>",
        "<d\u{0}iv>",
        "<p =\"x\">",
        "</p x=\">\">",
        "a < b > c",
        "<div>\u{1F600}<div>ok",
        "<script><!--",
        "<script><!--<script>",
        "<script><!--<script></script",
        "<style>a</style",
        "<svg><![CDATA[",
        "<svg><g/",
        "<svg><g><p>",
        "<div a=",
        "<div a= ",
        "<div é=x ü='y'>z",
        "<a/",
        "<a/=x>",
        "<p ==x>",
        "<!--x--!>",
    ];
    for html in inputs {
        for limit in [0, 1, 2] {
            for (empty, lean) in [(false, false), (true, true)] {
                let pruning = Pruning {
                    limit,
                    empty,
                    lean,
                    blank_runs: empty,
                };
                let doc = document_with(html, false, Some(pruning));
                assert!(doc.root().text().map(str::len).sum::<usize>() <= html.len() * 3);
            }
        }
    }
}

#[test]
fn read_attributes_are_kept_and_others_listed() {
    for name in ["class", "id", "aria-hidden", "xlink:href", "shadowrootmode"] {
        assert!(kept_attribute(name), "{name}");
    }
    for name in [
        "src",
        "data-src",
        "onclick",
        "srcset",
        "data-very-long-name",
        "=",
    ] {
        assert!(!kept_attribute(name), "{name}");
    }
}
