//! A byte-level pass before parsing that empties `<script>` (except JSON-LD), `<style>` and
//! inline `<svg>` elements: they never hold article text, yet make up half the bytes of a
//! modern news page, and skipping them spares the HTML tokenizer that work. Comments are stepped
//! over so a commented-out tag cannot swallow real content.

use std::borrow::Cow;

/// The page with script, style and svg contents removed (JSON-LD scripts are kept whole).
pub fn without_code(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut at = 0;
    while let Some(rel) = html.get(at..).and_then(|s| s.find('<')) {
        let lt = at + rel;
        if bytes[lt..].starts_with(b"<!--") {
            at = html[lt..].find("-->").map_or(bytes.len(), |e| lt + e + 3);
            continue;
        }
        let Some(name) = code_tag(&bytes[lt + 1..]) else {
            at = lt + 1;
            continue;
        };
        let Some(gt) = html[lt..].find('>').map(|g| lt + g) else {
            break;
        };
        let open_tag = &html[lt..gt];
        if name == "svg" && open_tag.ends_with('/') {
            at = gt + 1;
            continue;
        }
        let Some(close) = find_close(html, gt + 1, name) else {
            break;
        };
        if name == "script" && contains_ignore_case(open_tag, "ld+json") {
            at = close + 2;
            continue;
        }
        out.push_str(&html[copied..=gt]);
        copied = close;
        at = close + 2;
    }
    if copied == 0 {
        return Cow::Borrowed(html);
    }
    out.push_str(&html[copied..]);
    Cow::Owned(out)
}

/// "script", "style" or "svg" when the bytes after `<` open such an element.
fn code_tag(after_lt: &[u8]) -> Option<&'static str> {
    ["script", "style", "svg"].into_iter().find(|name| {
        after_lt.len() > name.len()
            && after_lt[..name.len()].eq_ignore_ascii_case(name.as_bytes())
            && matches!(
                after_lt[name.len()],
                b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0c
            )
    })
}

/// Byte offset of the `</name` that ends a raw-text element whose content starts at `from`.
fn find_close(html: &str, from: usize, name: &str) -> Option<usize> {
    let bytes = html.as_bytes();
    let mut at = from;
    while let Some(rel) = html.get(at..).and_then(|s| s.find("</")) {
        let pos = at + rel;
        let rest = &bytes[pos + 2..];
        if rest.len() >= name.len() && rest[..name.len()].eq_ignore_ascii_case(name.as_bytes()) {
            return Some(pos);
        }
        at = pos + 2;
    }
    None
}

fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.to_ascii_lowercase().contains(needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empties_scripts_and_styles_but_keeps_json_ld_and_text() {
        let html = "<p>a</p><SCRIPT>var s = '<p>x</p>';</SCRIPT><style>p{}</style>\
            <svg viewBox=\"0 0 1 1\"><path d=\"M0\"/></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>";
        assert_eq!(
            without_code(html),
            "<p>a</p><SCRIPT></SCRIPT><style></style><svg viewBox=\"0 0 1 1\"></svg>\
            <script type=\"application/ld+json\">{\"a\":1}</script><p>b</p>"
        );
    }

    #[test]
    fn commented_tags_and_unclosed_scripts_are_left_alone() {
        let html = "<!-- <script> --><p>kept</p><script>never closed <p>";
        assert_eq!(without_code(html), html);
        assert_eq!(without_code("<scripts>x</scripts>"), "<scripts>x</scripts>");
        let ld = "<script type=\"application/ld+json\">{\"b\":\"<style>\"}</script><p>kept</p>";
        assert_eq!(without_code(ld), ld);
        let svg = "<svg class=\"i\"/><p>kept</p><svg><path/></svg>";
        assert_eq!(
            without_code(svg),
            "<svg class=\"i\"/><p>kept</p><svg></svg>"
        );
    }
}
