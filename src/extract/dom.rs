//! DOM vocabulary shared by the extractor: tag classes, class/id hints, visibility and
//! whitespace-aware text measures. Pure functions over tree nodes; no scoring policy here.

use std::sync::LazyLock;

use super::tree::{Element, Node, NodeRef};

use super::fragments::Fragments;
pub use super::hints::Hints;
use super::hints::lower;

/// Class/id fragments that suggest the main content.
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story",
];

/// Class/id fragments that suggest boilerplate.
const NEGATIVE: &[&str] = &[
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "taboola",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
    "subscri",
    "newsletter",
    "social",
    "recommend",
    "read-also",
    "readalso",
    "read_also",
    "advert",
    "-ad-",
    "cookie",
    "breadcrumb",
];

/// Class/id fragments of blocks removed before scoring unless they also look like content.
const UNLIKELY: &[&str] = &[
    "-ad-",
    "ai2html",
    "banner",
    "breadcrumb",
    "combx",
    "comment",
    "community",
    "cover-wrap",
    "disqus",
    "extra",
    "footer",
    "gdpr",
    "header",
    "legends",
    "menu",
    "related",
    "remark",
    "replies",
    "rss",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "social",
    "sponsor",
    "supplemental",
    "ad-break",
    "agegate",
    "pagination",
    "pager",
    "popup",
    "yom-remote",
    "subscri",
    "newsletter",
    "cookie",
    "read-also",
    "readalso",
    "modal",
    "consent",
];

/// [`POSITIVE`], [`NEGATIVE`] and [`UNLIKELY`] indexed for the per-element tests.
static POSITIVE_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(POSITIVE));
static NEGATIVE_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(NEGATIVE));
static UNLIKELY_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(UNLIKELY));

/// Fragments that rescue an "unlikely" block because content often carries them too.
const MAYBE_CONTENT: &[&str] = &[
    "and", "article", "body", "column", "content", "main", "mathjax", "shadow",
];

static MAYBE_CONTENT_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(MAYBE_CONTENT));

/// Class/id fragments of share bars and like buttons.
static SHARE_INDEX: LazyLock<Fragments> =
    LazyLock::new(|| Fragments::new(&["share", "sharedaddy", "social"]));
/// Class/id fragments of bylines and author boxes.
static BYLINE_INDEX: LazyLock<Fragments> =
    LazyLock::new(|| Fragments::new(&["byline", "author", "dateline", "writtenby", "autor"]));
/// Class/id fragments of newsletter and subscription boxes.
static SIGNUP_INDEX: LazyLock<Fragments> = LazyLock::new(|| {
    Fragments::new(&[
        "newsletter",
        "subscribe",
        "subscription",
        "signup",
        "sign-up",
    ])
});
/// Class/id fragments of photo credits and copyright lines.
static CREDIT_INDEX: LazyLock<Fragments> =
    LazyLock::new(|| Fragments::new(&["credit", "copyright", "photographer"]));

/// Class/id fragment of teaser cards: a headline and a line or two standing for another
/// story, with a link to it ("teaser" is the trade's word for them; German sites also call
/// their lead paragraph so, which holds no link of its own).
static TEASER_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(&["teaser"]));

/// Class/id fragment of image captions.
static CAPTION_INDEX: LazyLock<Fragments> = LazyLock::new(|| Fragments::new(&["caption"]));

/// ARIA roles of page furniture.
const FURNITURE_ROLES: &[&str] = &[
    "menu",
    "menubar",
    "complementary",
    "navigation",
    "alert",
    "alertdialog",
    "dialog",
];

/// Whether the tag's content is never article text. A `match` on the name, which the
/// compiler turns into a switch on its length and a few comparisons (a list of names took a
/// comparison per entry, for every element of every pass).
pub fn is_never_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "iframe"
            | "object"
            | "embed"
            | "canvas"
            | "button"
            | "input"
            | "select"
            | "textarea"
            | "option"
            | "link"
            | "meta"
            | "head"
            | "title"
            | "nav"
            | "aside"
            | "footer"
            | "dialog"
            | "form"
            | "audio"
            | "video"
            | "map"
            | "base"
    )
}

/// Whether the tag starts a new text block when rendered (a `match`, as [`is_never_text`]).
pub fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "tr"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "figure"
            | "figcaption"
            | "hr"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "body"
            | "html"
    )
}

/// Whether the tag is a heading h1..h6.
pub fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Readability-style class weight: ±25 for each of class and id that hints content/boilerplate.
pub fn class_weight(el: Element<'_>) -> f64 {
    let mut w = 0.0;
    for part in [el.attr("class"), el.id()].into_iter().flatten() {
        let part = lower(part);
        if NEGATIVE_INDEX.any_in(&part) || has_word(&part, &["ad", "ads", "nav", "hid"]) {
            w -= 25.0;
        }
        if POSITIVE_INDEX.any_in(&part) {
            w += 25.0;
        }
    }
    w
}

fn has_word(s: &str, words: &[&str]) -> bool {
    s.split(|c: char| !c.is_alphanumeric())
        .any(|t| words.contains(&t))
}

/// Whether the element looks like page furniture that should not even be scored.
pub fn is_unlikely(el: Element<'_>) -> bool {
    if matches!(el.attr("role"), Some(r) if FURNITURE_ROLES.contains(&r)) {
        return true;
    }
    if el.attr("class").is_none() && el.id().is_none() {
        return false;
    }
    let h = Hints::of(el);
    let tag = el.name();
    h.any(&UNLIKELY_INDEX) && !h.any(&MAYBE_CONTENT_INDEX) && tag != "body" && tag != "a"
}

/// Class names that hide an element in the common CSS frameworks (Bootstrap's `hidden` and
/// `d-none`, `is-hidden`, `hide`): paywall and registration boxes wait there for a script.
/// Whole names only: `hidden-xs` hides on small screens and shows elsewhere.
const HIDDEN_CLASSES: &[&str] = &["hidden", "d-none", "is-hidden", "hide"];

/// Whether the element is hidden from readers (and so from the article text).
///
/// `aria-hidden` only hides from screen readers; it marks icons and widgets, so it counts as
/// hidden, except on a `<p>`: metered paywalls mark the paragraphs past the free part with it
/// while the page still shows them to subscribers.
///
/// React's streaming server rendering parks finished parts of the page in `<div hidden
/// id="S:…">` until a script moves them into place; their content is the visible page.
pub fn is_hidden(el: Element<'_>) -> bool {
    if el.attr("hidden").is_some() && !el.id().is_some_and(|id| id.starts_with("S:")) {
        return true;
    }
    let mut classes = el.classes();
    if classes.any(|c| HIDDEN_CLASSES.contains(&c)) {
        return true;
    }
    if el.attr("aria-hidden") == Some("true")
        && el.name() != "p"
        && !el
            .attr("class")
            .is_some_and(|c| c.contains("fallback-image"))
    {
        return true;
    }
    el.attr("style").is_some_and(hides)
}

/// Whether an inline style hides the element: it says `display:none` or `visibility:hidden`
/// once read without white space and in lower case (`DISPLAY: none`). Reads the style once,
/// allocating nothing; an ASCII style (nearly all) byte by byte.
fn hides(style: &str) -> bool {
    let mut display = Occurrence::new("display:none");
    let mut visibility = Occurrence::new("visibility:hidden");
    let mut found = |c: char| display.step(c) | visibility.step(c);
    if style.is_ascii() {
        style
            .bytes()
            .filter(|b| !is_ascii_space(*b))
            .any(|b| found(char::from(b.to_ascii_lowercase())))
    } else {
        style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .any(found)
    }
}

/// The search for one pattern in a text read a character at a time. The pattern's first
/// character is not found again in it, so a mismatch can only restart the match there.
struct Occurrence {
    pattern: &'static [u8],
    matched: usize,
}

impl Occurrence {
    fn new(pattern: &'static str) -> Self {
        Occurrence {
            pattern: pattern.as_bytes(),
            matched: 0,
        }
    }

    /// Reads one more character; true once the pattern has been read whole.
    fn step(&mut self, c: char) -> bool {
        let is = |at: usize| self.pattern.get(at).is_some_and(|&b| char::from(b) == c);
        self.matched = if is(self.matched) {
            self.matched + 1
        } else {
            usize::from(is(0))
        };
        self.matched == self.pattern.len()
    }
}

/// Whether the element's hints name a share bar or like buttons.
pub fn is_share(h: &Hints) -> bool {
    h.any(&SHARE_INDEX)
}

/// Whether the element is marked as a byline or author box (Mozilla Readability's byline
/// cue: `rel=author`, `itemprop=author`, class/id byline, author, dateline, writtenby; also
/// `autor`, the word in German, Spanish, Polish and more).
pub fn is_byline(el: Element<'_>, h: &Hints) -> bool {
    if el.attr("rel") == Some("author") || el.attr("itemprop").is_some_and(|p| p.contains("author"))
    {
        return true;
    }
    h.any(&BYLINE_INDEX)
}

/// Whether the element is marked as a newsletter or subscription box: it stays a box to fill
/// in even when its name also says "content" (`NewsletterBox _content-width`), which saves it
/// from the unlikely-block pruning. Not `paywall`: sites mark the paragraphs behind the
/// paywall with it.
pub fn is_signup(h: &Hints) -> bool {
    h.any(&SIGNUP_INDEX)
}

/// Class words of boxes that are never the story, whatever their size up to a long box: calls
/// to action (`cta`), affiliate-link notes, sponsored and advertorial boxes, consent and
/// privacy notices, embeds (a placeholder asking to load a video or post) and alerts (the
/// class twin of `role="alert"`: ad-blocker and browser notices). Whole words of the class
/// only: ids are often made from a heading's words.
const FURNITURE_BOX_WORDS: &[&str] = &[
    "cta",
    "affiliate",
    "sponsored",
    "advertorial",
    "consent",
    "privacy",
    "embed",
    "alert",
];

/// Whether the element's class names it as one of [`FURNITURE_BOX_WORDS`].
pub fn is_furniture_box(el: Element<'_>) -> bool {
    el.attr("class").is_some_and(|c| {
        c.split(|ch: char| !ch.is_alphanumeric()).any(|w| {
            FURNITURE_BOX_WORDS
                .iter()
                .any(|f| w.eq_ignore_ascii_case(f))
        })
    })
}

/// Class names the social networks' own embed code gives the `<blockquote>` that stands in
/// for a post until their script replaces it (X/Twitter, Instagram, TikTok, Bluesky,
/// Threads), and the one WordPress gives the blockquote of a post it embeds from another
/// WordPress site (its oEmbed card: the other post's headline as a link, beside an iframe):
/// the same on every site that embeds a post.
const SOCIAL_EMBED_CLASSES: &[&str] = &[
    "twitter-tweet",
    "twitter-video",
    "instagram-media",
    "tiktok-embed",
    "bluesky-embed",
    "text-post-media",
    "wp-embedded-content",
];

/// Whether the element is an embedded social-media post: a `<blockquote>` with one of the
/// [`SOCIAL_EMBED_CLASSES`] (a plain quotation has none of them).
pub fn is_social_embed(el: Element<'_>) -> bool {
    el.name() == "blockquote"
        && el.classes().any(|w| {
            SOCIAL_EMBED_CLASSES
                .iter()
                .any(|f| w.eq_ignore_ascii_case(f))
        })
}

/// Whether the element is marked as a photo credit or copyright line.
pub fn is_credit(h: &Hints) -> bool {
    h.any(&CREDIT_INDEX)
}

/// Whether the element's hints name a teaser.
pub fn is_teaser(h: &Hints) -> bool {
    h.any(&TEASER_INDEX)
}

/// Whether the element is marked as an image caption.
pub fn is_caption(h: &Hints) -> bool {
    h.any(&CAPTION_INDEX)
}

/// Characters the text contributes once whitespace runs are collapsed, and its comma-like
/// separators (Latin, CJK, Arabic), in one pass. ASCII bytes are read as bytes; only other
/// characters are decoded.
pub fn measure(text: &str) -> (usize, usize) {
    let (mut len, mut commas) = (0, 0);
    let mut in_space = true;
    let mut at = 0;
    while let Some(&byte) = text.as_bytes().get(at) {
        let (space, comma) = if byte.is_ascii() {
            at += 1;
            (is_ascii_space(byte), byte == b',')
        } else {
            let c = text.get(at..).and_then(|rest| rest.chars().next());
            let c = c.unwrap_or(char::REPLACEMENT_CHARACTER);
            at += c.len_utf8();
            (c.is_whitespace(), is_comma(c))
        };
        if space {
            len += usize::from(!in_space);
        } else {
            len += 1;
            commas += usize::from(comma);
        }
        in_space = space;
    }
    (len, commas)
}

/// Whether an ASCII byte is white space as `char::is_whitespace` reads it (space, tab, line
/// feed, vertical tab, form feed, carriage return).
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t'..=b'\r')
}

/// Whether the character is a comma-like separator (Latin, CJK, Arabic).
fn is_comma(c: char) -> bool {
    matches!(c, ',' | '，' | '、' | '،' | '﹐' | '﹑' | '⹁' | '⸴' | '⸲')
}

/// Whether the node's text ends with a sentence's closing mark (Latin or CJK; closing quotes
/// and brackets after it allowed). Reads its last text only.
pub fn ends_a_sentence(node: &NodeRef<'_>) -> bool {
    let Some(last) = node
        .descendants()
        .filter_map(|d| d.value().as_text())
        .filter(|t| !is_blank(t))
        .last()
    else {
        return false;
    };
    last.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', '»', '」', '』', ')', '）'])
        .ends_with(['.', '!', '?', '…', '。', '！', '？'])
}

/// The element wrapped by a node, if it is one.
pub fn element<'a>(node: &NodeRef<'a>) -> Option<Element<'a>> {
    node.value().as_element()
}

/// Whether some ancestor of the node has the given tag.
pub fn has_ancestor(node: &NodeRef<'_>, tag: &str) -> bool {
    node.ancestors()
        .any(|a| element(&a).is_some_and(|e| e.name() == tag))
}

/// Whether a reader never sees the element's content as text: a never-text element (but not
/// a form wrapping the whole page, see [`is_page_form`]) or a hidden one.
pub fn is_never_shown(node: &NodeRef<'_>, el: Element<'_>) -> bool {
    (is_never_text(el.name()) && !(el.name() == "form" && is_page_form(node))) || is_hidden(el)
}

/// Whether the node is a form wrapping a page's content rather than a form for input: some
/// frameworks (ASP.NET Web Forms) put the whole page in one `<form>` right under `<body>`.
pub fn is_page_form(node: &NodeRef<'_>) -> bool {
    node.parent()
        .as_ref()
        .and_then(element)
        .is_some_and(|p| p.name() == "body")
}

/// Whether a `<button>` is among the node's descendants.
pub fn holds_button(node: &NodeRef<'_>) -> bool {
    node.descendants()
        .any(|d| element(&d).is_some_and(|e| e.name() == "button"))
}

/// Link types of a pager between stories (HTML's `prev`, its synonym `previous`, and `next`:
/// the linked page comes before or after this one in a series).
const PAGER_RELS: &[&str] = &["prev", "previous", "next"];

/// Whether a link among the node's descendants (the node included) leads to the previous or
/// next page of a series by its `rel`: the pager that closes a story on blogs and news sites.
pub fn holds_pager(node: &NodeRef<'_>) -> bool {
    node.descendants().any(|d| {
        element(&d).is_some_and(|e| {
            e.name() == "a"
                && e.attr("rel").is_some_and(|rel| {
                    rel.split_ascii_whitespace()
                        .any(|t| PAGER_RELS.iter().any(|p| t.eq_ignore_ascii_case(p)))
                })
        })
    })
}

/// Whether the node is a `div` that merely wraps one `<p>` (readability unwraps these, so
/// scores and sibling checks treat it as that paragraph).
pub fn is_p_wrapper(node: &NodeRef<'_>) -> bool {
    if element(node).is_none_or(|e| e.name() != "div") {
        return false;
    }
    let mut paragraphs = 0;
    for child in node.children() {
        match child.value() {
            Node::Element(e) if e.name() == "p" && paragraphs == 0 => paragraphs += 1,
            Node::Element(_) => return false,
            Node::Text(t) if !is_blank(t) => return false,
            _ => {}
        }
    }
    paragraphs == 1
}

/// Whether the text is empty or only white space (as `char::is_whitespace` reads it); ASCII
/// white space is skipped byte by byte.
pub fn is_blank(text: &str) -> bool {
    match text.bytes().position(|b| !is_ascii_space(b)) {
        None => true,
        Some(at) => text
            .get(at..)
            .is_some_and(|rest| rest.chars().all(char::is_whitespace)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Texts mixing every ASCII character with Unicode white space, CJK and Arabic commas,
    /// Cyrillic and Greek letters, in runs of several lengths.
    fn samples() -> Vec<String> {
        let ascii: String = (0u8..128).map(char::from).collect();
        let mut out = vec![
            String::new(),
            " \t\n\r\x0b\x0c".into(),
            "\u{a0}\u{2003}\u{3000}\u{85}".into(),
            "  Один, два，三、四، five ﹐six﹑\u{2e41}\u{2e34}\u{2e32} ".into(),
            "ΣΑΣ DiSpLaY :\u{a0}NoNe; VISIBILITY : Hidden".into(),
            "dddisplay:nonE".into(),
            "display:non e".into(),
            "visibility:hidde".into(),
            "İstanbul\u{212a}".into(),
            ascii.clone(),
        ];
        for (i, word) in ["a,b", " ", "\u{a0}", "жол", "，", "\n\n", "x"]
            .iter()
            .enumerate()
        {
            out.push(word.repeat(i + 1) + &ascii[i * 9..] + word);
        }
        out
    }

    #[test]
    fn measure_reads_ascii_bytes_as_the_characters_they_are() {
        for text in samples() {
            let (mut len, mut commas, mut in_space) = (0, 0, true);
            for c in text.chars() {
                if c.is_whitespace() {
                    len += usize::from(!in_space);
                    in_space = true;
                } else {
                    len += 1;
                    in_space = false;
                    commas += usize::from(is_comma(c));
                }
            }
            assert_eq!(measure(&text), (len, commas), "{text:?}");
        }
    }

    #[test]
    fn blank_is_what_trimming_leaves_empty() {
        for text in samples() {
            for piece in [text.as_str(), text.trim_start(), text.trim_end()] {
                assert_eq!(is_blank(piece), piece.trim().is_empty(), "{piece:?}");
            }
        }
    }

    #[test]
    fn a_style_hides_when_a_lowercased_copy_without_spaces_says_so() {
        let mut styles = samples();
        styles.extend(
            [
                "color: red; DISPLAY : None !important",
                "visibility:\thidden",
                "vIsIbIlItY:hidde n",
                "display:block; visibility:visible",
                "ddisplay:none",
                "displaydisplay:none",
                "display:nonedisplay:non",
                "visibility:visibility:hidden",
                "Display:\u{a0}none",
            ]
            .map(String::from),
        );
        let mut hidden = 0;
        for style in styles {
            let copy: String = style.chars().filter(|c| !c.is_whitespace()).collect();
            let copy = copy.to_lowercase();
            let expected = copy.contains("display:none") || copy.contains("visibility:hidden");
            assert_eq!(hides(&style), expected, "{style:?}");
            hidden += usize::from(expected);
        }
        assert!(hidden >= 8, "{hidden}");
    }

    #[test]
    fn tag_classes_are_exactly_their_lists() {
        let never_text = [
            "script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
            "canvas", "button", "input", "select", "textarea", "option", "link", "meta", "head",
            "title", "nav", "aside", "footer", "dialog", "form", "audio", "video", "map", "base",
        ];
        let block = [
            "p",
            "div",
            "section",
            "article",
            "main",
            "header",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "blockquote",
            "pre",
            "table",
            "tr",
            "thead",
            "tbody",
            "tfoot",
            "caption",
            "figure",
            "figcaption",
            "hr",
            "address",
            "center",
            "details",
            "summary",
            "body",
            "html",
        ];
        let others = [
            "a", "span", "b", "img", "td", "th", "h7", "Div", "", "time", "picture",
        ];
        for tag in never_text.iter().chain(&block).chain(&others) {
            assert_eq!(is_never_text(tag), never_text.contains(tag), "{tag}");
            assert_eq!(is_block(tag), block.contains(tag), "{tag}");
        }
    }
}
