//! When the tokenizer may leave out what the extractor never reads (`depth.rs`): `<script>`
//! (except JSON-LD) and `<style>` contents and inline `<svg>` subtrees never hold article
//! text, yet make up nearly half the bytes of a modern news page, and leaving them out spares
//! the tree builder that work (comment text and unread attributes go too: the tree leaves
//! both out).
//!
//! Content is left out only where the model of open elements is sure to follow the parser,
//! so that the tree is unchanged apart from the emptied text; a script that enters the
//! escaped states of script data (`<!--`) is kept whole. Inside svg and math the model stops
//! being sure for good as soon as the page leaves the markup it can follow (a tag that breaks
//! out of foreign content, a start tag at an integration point, an end tag that does not
//! close the current element), and after a `<frameset>`, whose insertion modes ignore tags.

use super::open_elements::OpenElements;

/// Where the text of a `style` (`script`: false) or `script` element that starts at `from`
/// ends: the `<` of the first `</name` followed by tab, LF, FF, CR, space, `/` or `>` (the
/// end of RAWTEXT and of script data, <https://html.spec.whatwg.org/#tokenization>,
/// 13.2.5.12–13.2.5.17), or the page's length; `None` for a script that enters the escaped
/// states first (`<!--`), which is kept whole.
pub fn emptiable_end(bytes: &[u8], from: usize, name: &str, script: bool) -> Option<usize> {
    let mut at = from;
    while let Some(found) = bytes.get(at..).and_then(|rest| memchr::memchr(b'<', rest)) {
        let lt = at + found;
        let after = bytes.get(lt + 1..).unwrap_or_default();
        if after.first() == Some(&b'/') && named_here(bytes, lt + 2, name) {
            return Some(lt);
        }
        if script && after.starts_with(b"!--") {
            return None;
        }
        at = lt + 1;
    }
    Some(bytes.len())
}

/// Whether `bytes[at..]` starts with `name` (ASCII case-insensitive) followed by one of the
/// characters that end a tag name.
fn named_here(bytes: &[u8], at: usize, name: &str) -> bool {
    let end = at + name.len();
    bytes
        .get(at..end)
        .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
        && matches!(
            bytes.get(end),
            Some(b'\t' | b'\n' | 0x0c | b'\r' | b' ' | b'/' | b'>')
        )
}

/// Whether a script's start tag (its bytes as written) marks it as JSON-LD, which is kept.
pub fn is_json_ld(open_tag: &[u8]) -> bool {
    open_tag
        .windows(7)
        .any(|w| w.eq_ignore_ascii_case(b"ld+json"))
}

/// HTML start tags that close foreign content (svg, math) wherever they stand in it
/// (`font` only with some attributes, taken here always).
#[rustfmt::skip]
fn breaks_out(name: &str) -> bool {
    matches!(name,
        "b" | "big" | "blockquote" | "body" | "br" | "center" | "code" | "dd" | "div" | "dl" |
        "dt" | "em" | "embed" | "font" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "head" |
        "hr" | "i" | "img" | "li" | "listing" | "menu" | "meta" | "nobr" | "ol" | "p" | "pre" |
        "ruby" | "s" | "small" | "span" | "strong" | "strike" | "sub" | "sup" | "table" |
        "tt" | "u" | "ul" | "var"
    )
}

/// Foreign elements whose children the parser reads as HTML (MathML text and HTML
/// integration points; `title` also in MathML, where it is not one).
fn integration_point(name: &str) -> bool {
    matches!(
        name,
        "mi" | "mo" | "mn" | "ms" | "mtext" | "annotation-xml" | "foreignobject" | "desc" | "title"
    )
}

/// Whether the model of open elements still follows the parser, told every tag before the
/// model takes it.
#[derive(Default, Clone)]
pub struct Certainty {
    lost: bool,
}

impl Certainty {
    /// A start tag of `name`.
    pub fn start(&mut self, name: &str, stack: &OpenElements) {
        let at_integration_point = stack.current().is_some_and(integration_point);
        if name == "frameset" || (stack.in_foreign() && (breaks_out(name) || at_integration_point))
        {
            self.lost = true;
        }
    }

    /// An end tag of `name`: inside svg or math only one that closes the current element.
    pub fn end(&mut self, name: &str, stack: &OpenElements) {
        if stack.in_foreign() && stack.current() != Some(name) {
            self.lost = true;
        }
    }

    /// Whether content opened now, outside svg and math, may be emptied.
    pub fn sure(&self, stack: &OpenElements) -> bool {
        !self.lost && !stack.in_foreign()
    }

    /// Whether the model still follows the parser (svg and math included).
    pub fn kept(&self) -> bool {
        !self.lost
    }
}

#[cfg(test)]
mod tests {
    use super::super::depth::{MAX_DEPTH, Pruning};
    use super::super::parse::{self, document_with};
    use super::super::tree::{Html, Selector, tests::dump};

    /// `html` parsed with the contents left out, or with the unread attributes left out too.
    fn pruned(html: &str, lean: bool) -> Html {
        let pruning = Pruning {
            limit: MAX_DEPTH,
            empty: true,
            lean,
            blank_runs: false,
        };
        document_with(html, false, Some(pruning))
    }

    /// The tree of `html` parsed with the contents left out.
    fn emptied(html: &str) -> Vec<String> {
        dump(&pruned(html, false))
    }

    /// The tree of `html` parsed as it is.
    fn parsed(html: &str) -> Vec<String> {
        dump(&parse::document(html, false))
    }

    #[test]
    fn empties_scripts_styles_and_svg_but_keeps_json_ld_and_text() {
        let html = "<p>a</p><SCRIPT>var s = '<p>x</p>';</SCRIPT><style>p{}</style>\
            <svg viewBox=\"0 0 1 1\"><title>t</title><path d=\"M0\"/><g><use/></g></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>";
        assert_eq!(
            emptied(html),
            parsed(
                "<p>a</p><SCRIPT></SCRIPT><style></style><svg viewBox=\"0 0 1 1\"></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>"
            )
        );
    }

    #[test]
    fn end_tags_need_a_delimiter_and_may_be_upper_case() {
        assert_eq!(
            emptied("<script>a</scriptx>b</SCRIPT >c"),
            parsed("<script></SCRIPT >c")
        );
        assert_eq!(
            emptied("<style>a</styles>b</style/>c"),
            parsed("<style></style/>c")
        );
        assert_eq!(emptied("<script>a</script"), parsed("<script>"));
        assert_eq!(emptied("<style>a</style"), parsed("<style>"));
    }

    #[test]
    fn escaped_scripts_are_kept_whole_up_to_their_real_end() {
        let escaped = "<script><!--<script>x</script>y</script>--></script><p>kept</p>";
        assert_eq!(emptied(escaped), parsed(escaped));
        // `</script>` in the escaped state (no `<script` after `<!--`) ends the script.
        let short = "<script><!-- a </script><p>kept</p><script>b</script>";
        assert_eq!(
            emptied(short),
            parsed("<script><!-- a </script><p>kept</p><script></script>")
        );
        // `-->` leaves the escaped states: the next `</script>` ends it.
        let closed = "<script><!--<script>--></script><style>s</style>";
        assert_eq!(
            emptied(closed),
            parsed("<script><!--<script>--></script><style></style>")
        );
    }

    #[test]
    fn look_alikes_in_comments_attributes_and_raw_text_are_left_alone() {
        let cases = [
            "<!-- <script> --><p>kept</p>",
            "<div title=\"<script>\">kept</div>",
            "<div title='<style>'>kept</div><p>also</p>",
            "<div a=b=\"x>\"<style>s</style>",
            "<textarea><script>x</script></textarea>",
            "<title><style>x</style></title>",
            "<xmp><script>x</script></xmp>",
            "<noscript><script>x</script></noscript>",
            "<plaintext><script>x</script>",
            "<scripts>x</scripts>",
        ];
        for html in cases {
            let out = emptied(html).concat();
            assert!(
                out.contains('x') || out.contains("kept"),
                "{html:?} became {out:?}"
            );
        }
        assert_eq!(
            emptied("<div a=b=\"x>\"<style>s</style>"),
            parsed("<div a=b=\"x>\"<style></style>")
        );
        assert_eq!(
            emptied("<div title=\"<script>\">kept</div><script>s</script>"),
            parsed("<div title=\"<script>\">kept</div><script></script>")
        );
    }

    #[test]
    fn foreign_content_it_cannot_follow_stops_the_emptying() {
        // `<p>` breaks out of svg: its text is on the page.
        let breakout = "<svg><p>text</p></svg><script>s</script>";
        assert_eq!(emptied(breakout), parsed(breakout));
        // Inside an integration point the parser reads HTML again.
        let html_inside = "<svg><foreignObject><style>x</style></foreignObject></svg>";
        assert_eq!(emptied(html_inside), parsed(html_inside));
        // A CDATA section inside svg may hold `>` and look-alikes.
        let cdata = "<svg><![CDATA[ > <script> ]]></svg><style>s</style><!-- c --><!---->";
        assert_eq!(
            emptied(cdata),
            parsed("<svg></svg><style></style><!----><!---->")
        );
        let frameset = "<frameset><script>s</script></frameset>";
        assert_eq!(emptied(frameset), parsed(frameset));
        // `/ >` is no self-closing tag: the style is svg's, its content markup.
        let open = "<svg / ><style>s</style>";
        assert_eq!(emptied(open), parsed(open));
        // A self-closing svg holds nothing, and what follows is HTML again.
        assert_eq!(
            emptied("<svg/><p>kept</p><style>s</style>"),
            parsed("<svg/><p>kept</p><style></style>")
        );
    }

    #[test]
    fn the_parsed_text_is_unchanged_but_for_the_emptied_contents() {
        let html = "<html><head><title>T</title><style>b{}</style></head><body>\
            <script>if (a < b) document.write('<p>no</p>')</script>\
            <p>one <b>two</b></p><svg><text>icon</text></svg><div a='</script>'>three</div>\
            <script><!--<script></script>--></script><p>four</p></body></html>";
        let text = |doc: &Html| {
            let sel = Selector::parse("p, div, title").expect("a valid selector");
            doc.select(&sel)
                .map(|e| e.text().collect::<String>())
                .collect::<Vec<_>>()
        };
        let whole = parse::document(html, false);
        assert_eq!(text(&pruned(html, false)), text(&whole));
        assert!(emptied(html).len() < parsed(html).len());
    }

    #[test]
    fn unread_attributes_are_taken_out_where_the_tree_would_drop_them() {
        let lean = |h: &str| dump(&pruned(h, true));
        let page = "<html lang=kk><body onload=x><div id=a data-a=\"1\" class='b' \
            style=\"display:none\" title=\"t>\"><a href=\"/x\" rel=author \
            target=_blank>link</a><input type=hidden value=v><img srcset=\"a 1x\"/><p \
            a=b=\"x>\" itemprop=articleBody>text<br/>more</p><table><input type=hidden>\
            <tr><td colspan=2 xml:lang=ru>cell</td></tr></table><svg viewBox=\"0 0 1 1\">\
            </svg><template shadowrootmode=open><p>in</p></template></div></body></html>";
        let page = format!("{page}<p>one<!-- comment -->two</p>");
        // Same tree, the text nodes a comment parts included; inside svg and math, and on a
        // self-closing tag, nothing is taken out.
        for html in [
            "<IMG SRC=\"a.jpg\" class=\"c\" data-x='y>' alt=z>",
            "<svg/x><p>a</p>",
            "<math><mi><font color=red face=x>t</font></mi></math>",
            "<math><a xlink:href=/x xml:lang=kk>a</a></math>",
            &page,
        ] {
            assert_eq!(lean(html), parsed(html), "{html}");
        }
    }

    /// The tree as the extractor sees it: every element with its kept attributes and every
    /// text node, nothing inside script, style or svg (the contents the pass empties).
    fn visible(doc: &Html) -> Vec<String> {
        let mut out = Vec::new();
        for node in doc.root().descendants() {
            let hidden = node.ancestors().any(|a| {
                a.value()
                    .as_element()
                    .is_some_and(|e| matches!(e.name(), "script" | "style" | "svg"))
            });
            if hidden {
                continue;
            }
            match node.value() {
                super::super::tree::Node::Element(e) => {
                    let mut attrs: Vec<_> = e.attrs().collect();
                    attrs.sort();
                    let emptied = matches!(e.name(), "script" | "style" | "svg");
                    let children = if emptied { 0 } else { node.children().count() };
                    out.push(format!("<{} {attrs:?} {children}>", e.name()));
                }
                super::super::tree::Node::Text(t) => out.push(t.to_string()),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn random_tag_soup_parses_to_the_same_visible_tree() {
        let parts = [
            "<p>",
            "</p>",
            "text ",
            "<div class=a>",
            "</div>",
            "<script>",
            "</script>",
            "<script type=\"application/ld+json\">{}",
            "<!--",
            "-->",
            "<style>",
            "</style>",
            "<svg>",
            "</svg>",
            "<path d=x/>",
            "<title>",
            "</title>",
            "<textarea>",
            "</textarea>",
            "<table>",
            "<td>",
            "<select>",
            "<math>",
            "<mi>",
            "<foreignObject>",
            "<b>",
            "</b>",
            "<a href='<script>'>",
            "</scriptx>",
            "</SCRIPT >",
            "<!--<script>",
            "<noscript>",
            "</noscript>",
            "<img src=x alt=\"<style>\">",
            "<div data-x=\"1\" id=y>",
            "<xmp>",
            "</xmp>",
            "<![CDATA[ > ]]>",
            "<iframe>",
            "</iframe>",
            "<br/>",
            "<span/ >",
            "<p a=b=\"x>\">",
            "-->",
            "<g>",
            "</g>",
            "<desc>",
            "</math>",
            "<font color=red>",
            "<svg/>",
            "</style ",
            "<",
            ">",
            "'",
            "\"",
            "=",
            "/",
            "<a href=x data-i=1>",
            "<a href=x data-i=2>",
            "</a>",
            "<i onclick=y>",
            "--!>",
            "<!-->",
            "-",
            "<p data-q=\"&quot;>\" title=&amp;>",
        ];
        // Bounded: 400 pages of 40 parts (30,000 pages and other seeds were run by hand).
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..400 {
            let mut html = String::new();
            for _ in 0..40 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                html.push_str(parts[(seed % parts.len() as u64) as usize]);
            }
            let whole = parse::document(&html, false);
            assert_eq!(visible(&pruned(&html, true)), visible(&whole), "{html}");
        }
    }

    #[test]
    fn formatting_elements_keep_the_attributes_the_parser_compares() {
        // The parser reopens at most three identical formatting elements: four that differ
        // only in an unread attribute must stay four.
        let html = "<p><b data-i=1><b data-i=2><b data-i=3><b data-i=4>a</p><p>b</p>";
        assert_eq!(dump(&pruned(html, true)), parsed(html));
    }
}
