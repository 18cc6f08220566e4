//! What the pre-pass of `depth.rs` empties before parsing, and where the content of a raw-text
//! element ends. `<script>` (except JSON-LD) and `<style>` contents and inline `<svg>`
//! subtrees never hold article text, yet make up nearly half the bytes of a modern news page,
//! and emptying them spares the HTML tokenizer that work (comments are emptied too, and
//! unread attributes taken out: the tree leaves both out).
//!
//! Content is emptied only where the pass is sure to read the page as html5ever does, so
//! that the tree is unchanged apart from the emptied text. The ends of raw text follow the
//! tokenizer states of the HTML standard (<https://html.spec.whatwg.org/#tokenization>,
//! 13.2.5.2–13.2.5.31): RAWTEXT and RCDATA end at `</name` followed by tab, LF, FF, CR,
//! space, `/` or `>`; script data likewise, unless its escaped states are entered (`<!--`,
//! then `<script`), and such a script is kept whole. Inside svg and math the pass stops
//! emptying for good as soon as the page leaves the markup it can follow (a tag that breaks
//! out of foreign content, a start tag at an integration point, an end tag that does not
//! close the current element), and after a `<frameset>`, whose insertion modes ignore tags.

use super::open_elements::OpenElements;

/// How the tokenizer reads the content of an element opened outside svg and math.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Content {
    /// RAWTEXT or RCDATA, up to the element's end tag.
    Raw,
    /// Script data, with its escaped states.
    Script,
    /// The rest of the page.
    Plaintext,
}

/// How the content of an HTML element named `name` is read (`noscript` is raw text: scraper
/// parses with scripting enabled); `None` for elements whose content is markup.
pub fn content(name: &str) -> Option<Content> {
    match name {
        "script" => Some(Content::Script),
        "plaintext" => Some(Content::Plaintext),
        "style" | "title" | "textarea" | "xmp" | "iframe" | "noembed" | "noframes" | "noscript" => {
            Some(Content::Raw)
        }
        _ => None,
    }
}

/// Where the content of the element `name` (read as `kind`) that starts at `from` ends (the
/// `<` of its end tag, or the page's end), and whether it may be emptied: a style, or a
/// script that is not JSON-LD (`open_tag` mentions no `ld+json`) and never enters the
/// escaped states.
pub fn content_end(
    bytes: &[u8],
    from: usize,
    name: &str,
    kind: Content,
    open_tag: &[u8],
) -> (usize, bool) {
    match kind {
        Content::Plaintext => (bytes.len(), false),
        Content::Raw => (raw_text_end(bytes, from, name), name == "style"),
        Content::Script => {
            let (end, escaped) = script_end(bytes, from);
            let json_ld = open_tag
                .windows(7)
                .any(|w| w.eq_ignore_ascii_case(b"ld+json"));
            (end, !escaped && !json_ld)
        }
    }
}

/// Whether `bytes[at..]` starts with `name` (ASCII case-insensitive) followed by one of the
/// characters that end a tag name: tab, LF, FF, CR, space, `/` or `>`.
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

/// The `<` of the first `</name` + delimiter at or after `from` (RAWTEXT and RCDATA states),
/// or the page's length.
fn raw_text_end(bytes: &[u8], from: usize, name: &str) -> usize {
    let mut at = from;
    while let Some(lt) = find(b'<', bytes, at) {
        if bytes.get(lt + 1) == Some(&b'/') && named_here(bytes, lt + 2, name) {
            return lt;
        }
        at = lt + 1;
    }
    bytes.len()
}

/// The script data states.
#[derive(Clone, Copy)]
enum Script {
    Data,
    Escaped,
    DoubleEscaped,
}

/// The `<` of the `</script` that ends script data starting at `from` (or the page's
/// length), and whether the escaped states were entered on the way.
fn script_end(bytes: &[u8], from: usize) -> (usize, bool) {
    let mut state = Script::Data;
    let mut escaped = false;
    // Dashes just read in an escaped state (two or more count as two).
    let mut dashes = 0u8;
    let mut at = from;
    while at < bytes.len() {
        if let Script::Data = state {
            let Some(lt) = find(b'<', bytes, at) else {
                break;
            };
            if bytes.get(lt + 1) == Some(&b'/') && named_here(bytes, lt + 2, "script") {
                return (lt, escaped);
            }
            if bytes[lt + 1..].starts_with(b"!--") {
                state = Script::Escaped;
                escaped = true;
                dashes = 2;
                at = lt + 4;
            } else {
                at = lt + 1;
            }
            continue;
        }
        match bytes[at] {
            b'-' => dashes = (dashes + 1).min(2),
            b'>' if dashes == 2 => state = Script::Data,
            b'<' => {
                dashes = 0;
                let closes =
                    bytes.get(at + 1) == Some(&b'/') && named_here(bytes, at + 2, "script");
                match state {
                    Script::Escaped if closes => return (at, escaped),
                    Script::Escaped if named_here(bytes, at + 1, "script") => {
                        state = Script::DoubleEscaped;
                        at += "<script".len();
                    }
                    Script::DoubleEscaped if closes => {
                        state = Script::Escaped;
                        at += "</script".len();
                    }
                    _ => {}
                }
            }
            _ => dashes = 0,
        }
        at += 1;
    }
    (bytes.len(), escaped)
}

/// Offset of the first `needle` at or after `from`.
pub fn find(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    memchr::memchr(needle, bytes.get(from..)?).map(|p| from + p)
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

/// Whether the pass still reads the page as the parser does, told every tag before the
/// model of open elements takes it.
#[derive(Default)]
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

    /// Whether the pass still follows the parser (svg and math included).
    pub fn kept(&self) -> bool {
        !self.lost
    }
}

#[cfg(test)]
mod tests {
    use super::super::depth::{MAX_DEPTH, prepared};

    fn emptied(html: &str) -> String {
        prepared(html, MAX_DEPTH, false).into_owned()
    }

    #[test]
    fn empties_scripts_styles_and_svg_but_keeps_json_ld_and_text() {
        let html = "<p>a</p><SCRIPT>var s = '<p>x</p>';</SCRIPT><style>p{}</style>\
            <svg viewBox=\"0 0 1 1\"><title>t</title><path d=\"M0\"/><g><use/></g></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>";
        assert_eq!(
            emptied(html),
            "<p>a</p><SCRIPT></SCRIPT><style></style><svg viewBox=\"0 0 1 1\"></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>"
        );
    }

    #[test]
    fn end_tags_need_a_delimiter_and_may_be_upper_case() {
        assert_eq!(
            emptied("<script>a</scriptx>b</SCRIPT >c"),
            "<script></SCRIPT >c"
        );
        assert_eq!(emptied("<style>a</styles>b</style/>c"), "<style></style/>c");
        assert_eq!(emptied("<script>a</script"), "<script>");
        assert_eq!(emptied("<style>a</style"), "<style>");
    }

    #[test]
    fn escaped_scripts_are_kept_whole_up_to_their_real_end() {
        let escaped = "<script><!--<script>x</script>y</script>--></script><p>kept</p>";
        assert_eq!(emptied(escaped), escaped);
        // `</script>` in the escaped state (no `<script` after `<!--`) ends the script.
        let short = "<script><!-- a </script><p>kept</p><script>b</script>";
        assert_eq!(
            emptied(short),
            "<script><!-- a </script><p>kept</p><script></script>"
        );
        // `-->` leaves the escaped states: the next `</script>` ends it.
        let closed = "<script><!--<script>--></script><style>s</style>";
        assert_eq!(
            emptied(closed),
            "<script><!--<script>--></script><style></style>"
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
            let out = emptied(html);
            assert!(
                out.contains('x') || out.contains("kept"),
                "{html:?} became {out:?}"
            );
        }
        assert_eq!(
            emptied("<div a=b=\"x>\"<style>s</style>"),
            "<div a=b=\"x>\"<style></style>"
        );
        assert_eq!(
            emptied("<div title=\"<script>\">kept</div><script>s</script>"),
            "<div title=\"<script>\">kept</div><script></script>"
        );
    }

    #[test]
    fn foreign_content_it_cannot_follow_stops_the_emptying() {
        // `<p>` breaks out of svg: its text is on the page.
        let breakout = "<svg><p>text</p></svg><script>s</script>";
        assert_eq!(emptied(breakout), breakout);
        // Inside an integration point the parser reads HTML again.
        let html_inside = "<svg><foreignObject><style>x</style></foreignObject></svg>";
        assert_eq!(emptied(html_inside), html_inside);
        // A CDATA section inside svg may hold `>` and look-alikes.
        let cdata = "<svg><![CDATA[ > <script> ]]></svg><style>s</style><!-- c --><!---->";
        assert_eq!(emptied(cdata), "<svg></svg><style></style><!----><!---->");
        let frameset = "<frameset><script>s</script></frameset>";
        assert_eq!(emptied(frameset), frameset);
        // `/ >` is no self-closing tag: the style is svg's, its content markup.
        let open = "<svg / ><style>s</style>";
        assert_eq!(emptied(open), open);
        // A self-closing svg holds nothing, and what follows is HTML again.
        assert_eq!(
            emptied("<svg/><p>kept</p><style>s</style>"),
            "<svg/><p>kept</p><style></style>"
        );
    }

    #[test]
    fn the_parsed_text_is_unchanged_but_for_the_emptied_contents() {
        let html = "<html><head><title>T</title><style>b{}</style></head><body>\
            <script>if (a < b) document.write('<p>no</p>')</script>\
            <p>one <b>two</b></p><svg><text>icon</text></svg><div a='</script>'>three</div>\
            <script><!--<script></script>--></script><p>four</p></body></html>";
        let text = |h: &str| {
            let doc = scraper::Html::parse_document(h);
            let sel = scraper::Selector::parse("p, div, title").unwrap();
            doc.select(&sel)
                .map(|e| e.text().collect::<String>())
                .collect::<Vec<_>>()
        };
        assert_eq!(text(&emptied(html)), text(html));
    }

    #[test]
    fn unread_attributes_are_taken_out_where_the_tree_would_drop_them() {
        let lean = |h: &str| prepared(h, MAX_DEPTH, true).into_owned();
        assert_eq!(
            lean("<IMG SRC=\"a.jpg\" class=\"c\" data-x='y>' alt=z>"),
            "<IMG  class=\"c\"  >"
        );
        // A self-closing tag stays what it was, inside svg nothing is taken out.
        assert_eq!(lean("<svg/x><p>a</p>"), "<svg/x><p>a</p>");
        let svg = "<math><mi><font color=red face=x>t</font></mi></math>";
        assert_eq!(lean(svg), svg);
        let page = "<html lang=kk><body onload=x><div id=a data-a=\"1\" class='b' \
            style=\"display:none\" title=\"t>\"><a href=\"/x\" rel=author \
            target=_blank>link</a><input type=hidden value=v><img srcset=\"a 1x\"/><p \
            a=b=\"x>\" itemprop=articleBody>text<br/>more</p><table><input type=hidden>\
            <tr><td colspan=2 xml:lang=ru>cell</td></tr></table><svg viewBox=\"0 0 1 1\">\
            </svg><template shadowrootmode=open><p>in</p></template></div></body></html>";
        let page = format!("{page}<p>one<!-- comment -->two</p>");
        let page = page.as_str();
        // Same tree, the text nodes a comment parts included.
        let tree = |h: &str| {
            let doc = super::super::parse::document(h, false);
            super::super::tree::tests::dump(&doc)
        };
        assert_eq!(tree(&lean(page)), tree(page));
        assert!(lean(page).len() < page.len() - 60, "{}", lean(page));
    }

    /// The tree as the extractor sees it: every element with its kept attributes and every
    /// text node, nothing inside script, style or svg (the contents the pass empties).
    fn visible(html: &str) -> Vec<String> {
        let doc = super::super::parse::document(html, false);
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
            let lean = prepared(&html, MAX_DEPTH, true);
            assert_eq!(visible(&lean), visible(&html), "{html}");
        }
    }

    #[test]
    fn formatting_elements_keep_the_attributes_the_parser_compares() {
        // The parser reopens at most three identical formatting elements: four that differ
        // only in an unread attribute must stay four.
        let html = "<p><b data-i=1><b data-i=2><b data-i=3><b data-i=4>a</p><p>b</p>";
        let lean = prepared(html, MAX_DEPTH, true);
        assert_eq!(visible(&lean), visible(html));
        assert_eq!(lean, html);
    }
}
