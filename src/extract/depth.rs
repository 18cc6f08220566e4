//! A linear byte-level pass before parsing that caps how deep the element tree can nest and
//! empties what the extractor never reads (`prescan.rs`: scripts, styles, inline svg).
//! html5ever's tree building costs time in proportion to the depth of its stack of open
//! elements for every tag, so a hostile page of 100,000 nested elements takes about a minute.
//! Start and end tags beyond [`MAX_DEPTH`] are dropped, their text kept.
//!
//! The depth is tracked with a small model of the parser's stack of open elements. The model
//! may keep elements open that the parser closes (that only flattens a page earlier), but it
//! must never close one the parser keeps open, or a page could slip past the cap. It never
//! panics: tags are found by bytes and all slicing is at ASCII `<` and `>`. Tags are read
//! as the tokenizer reads them (<https://html.spec.whatwg.org/#tokenization>, 13.2.5.6–13.2.5.44):
//! comments, quoted and unquoted attribute values, self-closing tags, CDATA sections inside
//! svg and math.

use std::borrow::Cow;

use super::open_elements::{OpenElements, is_formatting};
use super::prescan::{self, Certainty, find as memchr};
use tags::{Kind, Tag};

mod tags;

/// Deepest nesting the parser gets to see (as the model counts it, without `html` and
/// `body`): the readability corpus peaks at 36. Each tag costs the parser up to one walk of
/// this many elements, so the cap also bounds a page's parsing time by its size.
pub const MAX_DEPTH: usize = 256;

/// What a comment becomes in the prepared page.
const EMPTY_COMMENT: &str = "<!---->";

/// The page with every start and end tag nested deeper than `limit` removed, and the
/// contents `prescan.rs` empties emptied; with `lean`, also without the attributes the tree
/// builder of `parse.rs` leaves out (outside svg and math, where some change the parse).
pub fn prepared(html: &str, limit: usize, lean: bool) -> Cow<'_, str> {
    pass(html, limit, true, lean)
}

/// The page with every start and end tag nested deeper than `limit` removed.
pub fn flattened(html: &str, limit: usize) -> Cow<'_, str> {
    pass(html, limit, false, false)
}

/// The pass: caps the depth at `limit`, empties code when `empty`, takes out unread
/// attributes when `lean`.
fn pass(html: &str, limit: usize, empty: bool, lean: bool) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut stack = OpenElements::default();
    let mut certainty = Certainty::default();
    let mut excess = 0usize;
    let mut out = String::new();
    let mut copied = 0;
    // Where the kept output stands just after the `<svg …>` whose subtree may be emptied.
    let mut svg_from: Option<usize> = None;
    let mut unread = Vec::new();
    let mut at = 0;
    while let Some(lt) = memchr(b'<', bytes, at) {
        let foreign = stack.in_foreign();
        let Some(tag) = Tag::read(bytes, lt, foreign, &mut unread) else {
            break;
        };
        at = tag.end;
        // Inside math or svg the parser nests even `<col>` or `<img>`.
        let void = tag.void && !foreign;
        let keep = match tag.kind {
            Kind::Other => true,
            // The tree leaves comments out; an empty one still parts the text around it.
            Kind::Comment => {
                if empty && certainty.kept() && tag.end - lt > EMPTY_COMMENT.len() {
                    out.push_str(&html[copied..lt]);
                    out.push_str(EMPTY_COMMENT);
                    copied = tag.end;
                }
                true
            }
            Kind::Start(_) if !void && stack.len() >= limit => {
                excess += 1;
                false
            }
            Kind::Start(name) => {
                // Formatting elements keep theirs: the parser compares their attributes when
                // it limits how many identical ones it reopens.
                if lean && !foreign && certainty.kept() && !is_formatting(&name) {
                    for span in unread.drain(..) {
                        out.push_str(&html[copied..span.start]);
                        copied = span.end;
                    }
                }
                certainty.start(&name, &stack);
                if !void {
                    let sure = empty && certainty.sure(&stack);
                    let content = prescan::content(&name).filter(|_| !foreign);
                    if sure && name == "svg" && !tag.self_closing {
                        out.push_str(&html[copied..at]);
                        copied = at;
                        svg_from = Some(out.len());
                    }
                    let self_closing = tag.self_closing && certainty.kept();
                    stack.open(name.clone(), self_closing);
                    if let Some(kind) = content {
                        let open_tag = &bytes[lt..at];
                        let (end, emptiable) =
                            prescan::content_end(bytes, at, &name, kind, open_tag);
                        if emptiable && sure {
                            out.push_str(&html[copied..at]);
                            copied = end;
                        }
                        at = end;
                    }
                }
                true
            }
            Kind::End(_) if excess > 0 => {
                excess -= 1;
                false
            }
            Kind::End(name) => {
                certainty.end(&name, &stack);
                stack.close(&name);
                if !stack.in_foreign()
                    && let Some(from) = svg_from.take()
                    && certainty.kept()
                {
                    out.truncate(from);
                    copied = lt;
                }
                true
            }
        };
        if !keep {
            out.push_str(&html[copied..lt]);
            copied = tag.end;
        }
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use scraper::Html;

    /// Elements on the longest path of the tree the parser builds.
    fn parsed_depth(html: &str) -> usize {
        let doc = Html::parse_document(html);
        let elements = doc
            .tree
            .root()
            .descendants()
            .filter(|n| n.value().is_element());
        elements
            .map(|n| n.ancestors().filter(|a| a.value().is_element()).count() + 1)
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn tags_beyond_the_limit_go_and_their_text_stays() {
        let html = "<div>a<div>b<div>c<br>d<div>e</div></div></div></div><p>f</p>";
        assert_eq!(
            flattened(html, 2),
            "<div>a<div>bc<br>de</div></div><p>f</p>"
        );
        let shallow = "<ul><li>a<li>b</ul><table><tr><td>c<td>d</table><p>e<p>f";
        assert!(matches!(flattened(shallow, 5), Cow::Borrowed(_)));
    }

    #[test]
    fn markup_that_only_looks_deep_is_not_counted() {
        let html = "<div title=\"<div><div>\"><!-- <div><div> --><textarea><div><div>\
            </textarea><img><img/><hr><!doctype <div>><? <div>></div>";
        assert!(matches!(flattened(html, 2), Cow::Borrowed(_)));
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
            let depth = parsed_depth(&flattened(&html, 50));
            // html and body, and the tbody and tr a last cell may imply, come on top.
            assert!(depth <= 50 + 4, "{depth} deep: {}", &html[..40]);
        }
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
                let out = flattened(html, limit);
                assert!(out.len() <= html.len(), "{html:?} grew");
                let out = prepared(html, limit, true);
                assert!(out.len() <= html.len(), "{html:?} grew");
            }
        }
    }
}
