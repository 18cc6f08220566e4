//! Pre-normalisation: rewrites the parts of a feed that feed-rs rejects although their meaning
//! is clear, so the strict reader (with its richer model) reads them.
//!
//! - `<rss>` without a `version`, or with one feed-rs does not know (`0.90`, `0.93`, `0.94`,
//!   `2.0.1`), is read as RSS 2.0, and a default namespace on it is dropped;
//! - Atom 0.3 (`http://purl.org/atom/ns#`) is read as Atom 1.0, its `issued`/`modified`
//!   dates as `published`/`updated`;
//! - an Atom text construct's `type` that is a MIME type (`text/plain`,
//!   `application/xhtml+xml`, `application/octet-stream`) or empty becomes `text`, `html` or
//!   `xhtml`, as the Atom 0.3 spec and forgiving readers treat them.

use std::borrow::Cow;

use super::tokens::{Token, Tokens, attribute, local_name};

/// The RSS versions feed-rs reads as they are.
const KNOWN_RSS: [&str; 3] = ["2.0", "0.91", "0.92"];
const ATOM_03: &str = "http://purl.org/atom/ns#";
const ATOM_10: &str = "http://www.w3.org/2005/Atom";

/// `text` with the rewrites above applied; borrowed when none applies.
pub(super) fn prepare(text: &str) -> Cow<'_, str> {
    let Some(Token::Open {
        name,
        attrs,
        raw,
        at,
        ..
    }) = Tokens::new(text).find(|t| matches!(t, Token::Open { .. }))
    else {
        return Cow::Borrowed(text);
    };
    match local_name(name).as_str() {
        "rss" if name == "rss" => rss_version(text, attrs, raw, at),
        "feed" => atom(text, attrs),
        _ => Cow::Borrowed(text),
    }
}

/// Gives the `<rss>` root a version feed-rs reads, and drops a default namespace (RSS 2.0 has
/// none; with one, such as `http://backend.userland.com/rss2`, feed-rs sees no channel).
fn rss_version<'a>(text: &'a str, attrs: &str, raw: &str, at: usize) -> Cow<'a, str> {
    let version = attribute(attrs, "version");
    let known = version
        .as_deref()
        .is_some_and(|v| KNOWN_RSS.contains(&v.trim()));
    let default_namespace = attribute(attrs, "xmlns").is_some();
    if known && !default_namespace {
        return Cow::Borrowed(text);
    }
    let kept = without_attribute(&without_attribute(attrs, "version"), "xmlns");
    let tag = match kept.trim() {
        "" => "<rss version=\"2.0\">".to_string(),
        kept => format!("<rss version=\"2.0\" {kept}>"),
    };
    let end = at + raw.len();
    Cow::Owned(format!("{}{tag}{}", &text[..at], &text[end..]))
}

/// `attrs` without the attribute `name` (and its value).
fn without_attribute(attrs: &str, name: &str) -> String {
    let lower = attrs.to_ascii_lowercase();
    let Some(start) = lower.find(&format!("{name}=")) else {
        return attrs.to_string();
    };
    let value = &attrs[start + name.len() + 1..];
    let len = match value.chars().next() {
        Some(q @ ('"' | '\'')) => value[1..].find(q).map_or(value.len(), |i| i + 2),
        _ => value
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(value.len()),
    };
    format!("{}{}", &attrs[..start], &value[len..])
}

/// Atom 0.3 as Atom 1.0, and text-construct types feed-rs accepts.
fn atom<'a>(text: &'a str, root_attrs: &str) -> Cow<'a, str> {
    let atom_03 = root_attrs.contains(ATOM_03);
    let mut out = String::with_capacity(text.len() + 64);
    let mut copied = 0;
    for token in Tokens::new(text) {
        let Token::Open {
            name,
            attrs,
            raw,
            at,
            ..
        } = token
        else {
            continue;
        };
        let Some(fixed) = fixed_type(name, attrs) else {
            continue;
        };
        let Some(value_at) = type_value_offset(raw) else {
            continue;
        };
        let start = at + value_at;
        out.push_str(&text[copied..start]);
        out.push_str(fixed.1);
        copied = start + fixed.0.len();
    }
    if copied == 0 && !atom_03 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    if atom_03 {
        out = out.replace(ATOM_03, ATOM_10);
        for (old, new) in [
            ("issued>", "published>"),
            ("modified>", "updated>"),
            ("tagline>", "subtitle>"),
            ("copyright>", "rights>"),
        ] {
            out = out.replace(&format!("<{old}"), &format!("<{new}"));
            out = out.replace(&format!("</{old}"), &format!("</{new}"));
        }
    }
    Cow::Owned(out)
}

/// Offset in a tag of the first byte of its quoted `type` attribute value.
fn type_value_offset(raw: &str) -> Option<usize> {
    let lower = raw.to_ascii_lowercase();
    let mut from = 0;
    while let Some(i) = lower[from..].find("type") {
        let at = from + i;
        from = at + 4;
        if !lower[..at].ends_with(char::is_whitespace) {
            continue;
        }
        let rest = lower[from..].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        if value.starts_with(['"', '\'']) {
            return Some(lower.len() - value.len() + 1);
        }
    }
    None
}

/// For an Atom text construct whose `type` feed-rs would reject: the value as written and the
/// one to write instead.
fn fixed_type(name: &str, attrs: &str) -> Option<(String, &'static str)> {
    let element = local_name(name);
    let construct = matches!(
        element.as_str(),
        "title" | "subtitle" | "summary" | "rights" | "tagline" | "copyright" | "info"
    );
    if !construct && element != "content" {
        return None;
    }
    let value = attribute(attrs, "type")?;
    let lower = value.trim().to_ascii_lowercase();
    let with_src = attribute(attrs, "src").is_some();
    let fixed = match lower.as_str() {
        _ if element == "content" && with_src => {
            if lower.contains('/') {
                return None;
            }
            "text/html"
        }
        "text" | "html" | "xhtml" => return None,
        "text/html" => "html",
        "application/xhtml+xml" => "xhtml",
        _ if element == "content" && lower.contains('/') && !lower.ends_with("xml") => {
            return None;
        }
        _ if lower.ends_with("+xml") || lower.ends_with("/xml") => "xhtml",
        _ => "text",
    };
    (value != fixed).then_some((value, fixed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_without_a_known_version_becomes_rss_2() {
        assert_eq!(
            prepare("<?xml version=\"1.0\"?>\n<rss><channel/></rss>"),
            "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel/></rss>"
        );
        assert_eq!(
            prepare("<rss version='0.94' xmlns:dc=\"x\"><channel/></rss>"),
            "<rss version=\"2.0\" xmlns:dc=\"x\"><channel/></rss>"
        );
        assert_eq!(
            prepare(
                "<rss version=\"2.0\" xmlns=\"http://backend.userland.com/rss2\" xmlns:dc=\"d\">"
            ),
            "<rss version=\"2.0\" xmlns:dc=\"d\">"
        );
        let fine = "<rss version=\"0.91\"><channel/></rss>";
        assert!(matches!(prepare(fine), Cow::Borrowed(_)));
    }

    #[test]
    fn atom_03_becomes_atom_10() {
        let text = r#"<feed version="0.3" xmlns="http://purl.org/atom/ns#"><entry><issued>2004-01-01T00:00:00Z</issued><modified>2004-01-02T00:00:00Z</modified><content type="application/xhtml+xml" mode="xml"><div>x</div></content></entry></feed>"#;
        assert_eq!(
            prepare(text),
            r#"<feed version="0.3" xmlns="http://www.w3.org/2005/Atom"><entry><published>2004-01-01T00:00:00Z</published><updated>2004-01-02T00:00:00Z</updated><content type="xhtml" mode="xml"><div>x</div></content></entry></feed>"#
        );
    }

    #[test]
    fn atom_types_feed_rs_rejects_are_mapped() {
        let check = |name: &str, attrs: &str| fixed_type(name, attrs).map(|f| f.1);
        assert_eq!(check("title", " type=\"text/plain\""), Some("text"));
        assert_eq!(check("title", " type=\"\""), Some("text"));
        assert_eq!(
            check("summary", " type=\"application/octet-stream\""),
            Some("text")
        );
        assert_eq!(check("summary", " type=\"text/html\""), Some("html"));
        assert_eq!(
            check("content", " type=\"application/xhtml+xml\""),
            Some("xhtml")
        );
        assert_eq!(check("content", " type=\"image/svg+xml\""), Some("xhtml"));
        assert_eq!(check("content", " type=\"application/octet-stream\""), None);
        assert_eq!(check("content", " type=\"\""), Some("text"));
        assert_eq!(
            check("content", " src=\"/a.pdf\" type=\"application/pdf\""),
            None
        );
        assert_eq!(
            check("content", " src=\"/a\" type=\"html\""),
            Some("text/html")
        );
        assert_eq!(check("title", " type=\"html\""), None);
        assert_eq!(check("link", " type=\"text/html\""), None);
        let text = "<feed><entry><title type=\"text/plain\">a</title><summary type=''>b</summary></entry></feed>";
        assert_eq!(
            prepare(text),
            "<feed><entry><title type=\"text\">a</title><summary type='text'>b</summary></entry></feed>"
        );
    }
}
