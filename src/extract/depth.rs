//! A linear byte-level pass before parsing that caps how deep the element tree can nest:
//! html5ever's tree building costs time in proportion to the depth of its stack of open
//! elements for every tag, so a hostile page of 100,000 nested elements takes about a minute.
//! Start and end tags beyond [`MAX_DEPTH`] are dropped, their text kept.
//!
//! The depth is tracked with a small model of the parser's stack of open elements. The model
//! may keep elements open that the parser closes (that only flattens a page earlier), but it
//! must never close one the parser keeps open, or a page could slip past the cap. It never
//! panics: tags are found by bytes and all slicing is at ASCII `<` and `>`.

use std::borrow::Cow;

use super::open_elements::OpenElements;

/// Deepest nesting the parser gets to see (as the model counts it, without `html` and
/// `body`): the readability corpus peaks at 36. Each tag costs the parser up to one walk of
/// this many elements, so the cap also bounds a page's parsing time by its size.
pub const MAX_DEPTH: usize = 256;

/// The page with every start and end tag nested deeper than `limit` removed.
pub fn flattened(html: &str, limit: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut stack = OpenElements::default();
    let mut excess = 0usize;
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(lt) = memchr(b'<', bytes, at) {
        let Some(tag) = Tag::read(bytes, lt) else {
            break;
        };
        at = tag.end;
        // Inside math or svg the parser nests even `<col>` or `<img>`.
        let void = tag.void && !stack.in_foreign();
        let keep = match tag.kind {
            Kind::Other => true,
            Kind::Start(_) if !void && stack.len() >= limit => {
                excess += 1;
                false
            }
            Kind::Start(name) => {
                if !void {
                    let raw_end = raw_text_end(html, at, &name).filter(|_| !stack.in_foreign());
                    stack.open(name);
                    at = raw_end.unwrap_or(at);
                }
                true
            }
            Kind::End(_) if excess > 0 => {
                excess -= 1;
                false
            }
            Kind::End(name) => {
                stack.close(&name);
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

/// Elements whose content the tokenizer reads as text up to their end tag (`noscript`
/// included: scraper parses with scripting enabled).
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "title"
            | "textarea"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// Elements that never have content, so never deepen the tree (`image` is read as `img`).
fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "image"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Where the content of a raw-text element opened just before `from` ends; `None` for other
/// elements. For `plaintext` or an unclosed one the rest of the page is text.
fn raw_text_end(html: &str, from: usize, name: &str) -> Option<usize> {
    if !is_raw_text(name) {
        return None;
    }
    if name == "plaintext" {
        return Some(html.len());
    }
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(lt) = memchr(b'<', bytes, at) {
        let rest = &bytes[lt + 1..];
        if rest.first() == Some(&b'/')
            && rest.len() > name.len()
            && rest[1..=name.len()].eq_ignore_ascii_case(name.as_bytes())
        {
            return Some(lt);
        }
        at = lt + 1;
    }
    Some(bytes.len())
}

fn memchr(needle: u8, bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == needle)
        .map(|p| from + p)
}

/// What a `<` starts.
enum Kind<'a> {
    /// A start tag, with its lowercased name.
    Start(Cow<'a, str>),
    /// An end tag, with its lowercased name.
    End(Cow<'a, str>),
    /// A comment, doctype, processing instruction or a `<` that is just text.
    Other,
}

/// One markup construct starting at a `<`.
struct Tag<'a> {
    kind: Kind<'a>,
    /// True for void elements, which the tree never nests under.
    void: bool,
    /// Offset just past the construct.
    end: usize,
}

impl<'a> Tag<'a> {
    /// The construct at `lt`; `None` when it runs to the end of the page unterminated (the
    /// tokenizer then drops it, so it cannot nest anything).
    fn read(bytes: &'a [u8], lt: usize) -> Option<Tag<'a>> {
        let rest = &bytes[lt + 1..];
        let other = |end| {
            Some(Tag {
                kind: Kind::Other,
                void: false,
                end,
            })
        };
        if rest.starts_with(b"!--") {
            return other(comment_end(bytes, lt + 2)?);
        }
        match rest.first() {
            Some(b'!' | b'?') => other(memchr(b'>', bytes, lt + 1)? + 1),
            Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                let (name, end) = name_and_end(bytes, lt + 2)?;
                Some(Tag {
                    kind: Kind::End(name),
                    void: false,
                    end,
                })
            }
            Some(b'/') => other(memchr(b'>', bytes, lt + 1)? + 1),
            Some(c) if c.is_ascii_alphabetic() => {
                let (name, end) = name_and_end(bytes, lt + 1)?;
                Some(Tag {
                    void: is_void(&name),
                    kind: Kind::Start(name),
                    end,
                })
            }
            _ => other(lt + 1),
        }
    }
}

/// End of a comment whose `<!` is at `from - 1`: after `-->` or `--!>`, including the
/// abrupt `<!-->` and `<!--->`.
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let dash = memchr(b'-', bytes, at)?;
        let rest = &bytes[dash..];
        if rest.starts_with(b"-->") {
            return Some(dash + 3);
        }
        if rest.starts_with(b"--!>") {
            return Some(dash + 4);
        }
        at = dash + 1;
    }
}

/// The lowercased tag name starting at `from` and the offset past the tag's `>`, skipping
/// quoted attribute values (which may hold `>`).
fn name_and_end(bytes: &[u8], from: usize) -> Option<(Cow<'_, str>, usize)> {
    let name_len = bytes[from..]
        .iter()
        .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0c))?;
    let mut name = String::from_utf8_lossy(&bytes[from..from + name_len]);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        name = Cow::Owned(name.to_ascii_lowercase());
    }
    let mut at = from + name_len;
    loop {
        at += bytes
            .get(at..)?
            .iter()
            .position(|&b| b == b'>' || b == b'=')?;
        if bytes[at] == b'>' {
            return Some((name, at + 1));
        }
        at += 1;
        while bytes
            .get(at)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c))
        {
            at += 1;
        }
        if let Some(&quote @ (b'"' | b'\'')) = bytes.get(at) {
            at = memchr(quote, bytes, at + 1)? + 1;
        }
    }
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
        ];
        for html in inputs {
            for limit in [0, 1, 2] {
                let out = flattened(html, limit);
                assert!(out.len() <= html.len(), "{html:?} grew");
            }
        }
    }
}
