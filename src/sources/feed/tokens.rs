//! A forgiving XML tokenizer for the lenient reader and the pre-normaliser: it never fails.
//!
//! Tags that never close, stray `<` and `&`, undeclared prefixes and unknown entities are taken
//! as they come; comments, processing instructions and DOCTYPEs are skipped.

use std::borrow::Cow;

/// One piece of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// `<name attrs>` or `<name attrs/>`.
    Open {
        /// Qualified name as written (`dc:creator`).
        name: &'a str,
        /// Everything after the name inside the tag.
        attrs: &'a str,
        /// Whether the tag closes itself.
        empty: bool,
        /// The tag as written.
        raw: &'a str,
        /// Byte offset of the tag in the document.
        at: usize,
    },
    /// `</name>`.
    Close {
        /// Qualified name as written.
        name: &'a str,
        /// The tag as written.
        raw: &'a str,
    },
    /// Character data, still escaped.
    Text(&'a str),
    /// The inside of `<![CDATA[…]]>`, literal.
    CData(&'a str),
}

/// The tokens of a document, in order.
pub(super) struct Tokens<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Tokens<'a> {
    /// Tokenizes `text` from the start.
    pub(super) fn new(text: &'a str) -> Tokens<'a> {
        Tokens { text, pos: 0 }
    }

    /// Moves past `len` bytes and returns them.
    fn take(&mut self, len: usize) -> &'a str {
        let start = self.pos;
        self.pos = (start + len).min(self.text.len());
        &self.text[start..self.pos]
    }

    /// Skips to just after `end`, or to the end of the document.
    fn skip_past(&mut self, end: &str) {
        let rest = &self.text[self.pos..];
        let len = rest.find(end).map_or(rest.len(), |i| i + end.len());
        self.take(len);
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = &self.text[self.pos..];
            if rest.is_empty() {
                return None;
            }
            if !rest.starts_with('<') {
                let len = rest.find('<').unwrap_or(rest.len());
                return Some(Token::Text(self.take(len)));
            }
            if let Some(body) = rest.strip_prefix("<![CDATA[") {
                let inner = &body[..body.find("]]>").unwrap_or(body.len())];
                self.take("<![CDATA[".len() + inner.len() + "]]>".len());
                return Some(Token::CData(inner));
            }
            if rest.starts_with("<!--") {
                self.skip_past("-->");
                continue;
            }
            if rest.starts_with("<?") {
                self.skip_past("?>");
                continue;
            }
            if rest.starts_with("<!") {
                self.skip_past(">");
                continue;
            }
            return Some(self.tag(rest));
        }
    }
}

impl<'a> Tokens<'a> {
    /// A start or end tag at the current position; a `<` that starts neither is text.
    fn tag(&mut self, rest: &'a str) -> Token<'a> {
        let at = self.pos;
        let closing = rest.starts_with("</");
        let name_start = if closing { 2 } else { 1 };
        let starts_name = rest[name_start..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_');
        if !starts_name {
            let len = rest[1..].find('<').map_or(rest.len(), |i| i + 1);
            return Token::Text(self.take(len));
        }
        let (inner_len, consumed) = tag_end(&rest[name_start..]);
        let inner = &rest[name_start..name_start + inner_len];
        let raw = self.take(name_start + inner_len + usize::from(consumed));
        let name_len = inner
            .find(|c: char| c.is_whitespace() || c == '/')
            .unwrap_or(inner.len());
        let name = &inner[..name_len];
        if closing {
            return Token::Close { name, raw };
        }
        Token::Open {
            name,
            attrs: &inner[name_len..],
            empty: inner.trim_end().ends_with('/'),
            raw,
            at,
        }
    }
}

/// Length of a tag's inside up to its `>` (quotes respected), and whether that `>` exists.
/// A tag cut short by the next `<` or the end of the document ends there.
fn tag_end(inside: &str) -> (usize, bool) {
    let mut quote = None;
    for (i, c) in inside.char_indices() {
        match (quote, c) {
            (None, '>') => return (i, true),
            (None, '<') => return (i, false),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            _ => {}
        }
    }
    // An unbalanced quote: fall back to the first `>`.
    match inside.find('>') {
        Some(i) if quote.is_some() => (i, true),
        _ => (inside.len(), false),
    }
}

/// The local part of a qualified name, lower-cased for comparison.
pub(super) fn local_name(name: &str) -> String {
    name.rsplit(':').next().unwrap_or(name).to_ascii_lowercase()
}

/// The value of attribute `name` (compared without case) in a tag's attribute text.
pub(super) fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        let rest_trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        if rest_trimmed.is_empty() {
            return None;
        }
        let key_len = rest_trimmed
            .find(|c: char| c == '=' || c.is_whitespace() || c == '/')
            .unwrap_or(rest_trimmed.len());
        let key = &rest_trimmed[..key_len];
        let after_key = rest_trimmed[key_len..].trim_start();
        let Some(value_part) = after_key.strip_prefix('=') else {
            rest = &rest_trimmed[key_len.max(1)..];
            continue;
        };
        let value_part = value_part.trim_start();
        let (value, used) = match value_part.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let inner = &value_part[1..];
                let end = inner.find(q).unwrap_or(inner.len());
                (&inner[..end], (end + 2).min(value_part.len()))
            }
            _ => {
                let end = value_part
                    .find(char::is_whitespace)
                    .unwrap_or(value_part.len());
                (&value_part[..end], end)
            }
        };
        if key.eq_ignore_ascii_case(name) {
            return Some(unescape(value).into_owned());
        }
        rest = &value_part[used..];
    }
}

/// Resolves character references and the named entities feeds use (XML's five and the common
/// HTML ones); anything else, a stray `&` included, stays as written.
pub(super) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|i| i + 1);
        let resolved = end
            .filter(|e| rest[*e..].starts_with(';'))
            .and_then(|e| Some((resolve(&rest[1..e])?, e + 1)));
        match resolved {
            Some((c, len)) => {
                out.push_str(c.as_ref());
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// One entity name (between `&` and `;`).
fn resolve(name: &str) -> Option<Cow<'static, str>> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code)
            .filter(|c| *c != '\0')
            .map(|c| Cow::Owned(c.to_string()));
    }
    let text = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "laquo" => "«",
        "raquo" => "»",
        "ldquo" => "“",
        "rdquo" => "”",
        "bdquo" => "„",
        "lsquo" => "‘",
        "rsquo" => "’",
        "mdash" => "—",
        "ndash" => "–",
        "hellip" => "…",
        "middot" => "·",
        "bull" => "•",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "euro" => "€",
        "numero" => "№",
        "times" => "×",
        "shy" => "\u{ad}",
        "thinsp" => "\u{2009}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "sect" => "§",
        "para" => "¶",
        "plusmn" => "±",
        _ => return None,
    };
    Some(Cow::Borrowed(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_markup_still_tokenizes() {
        let text = "<?xml?><!-- c --><rss><a x='1>2' y=\"q\">t &amp; u</a><b/><![CDATA[<p>x]]>< stray</rss";
        let tokens: Vec<Token> = Tokens::new(text).collect();
        let names: Vec<&str> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Open { name, .. } | Token::Close { name, .. } => Some(*name),
                _ => None,
            })
            .collect();
        assert_eq!(names, ["rss", "a", "a", "b", "rss"]);
        assert!(tokens.contains(&Token::CData("<p>x")));
        assert!(tokens.contains(&Token::Text("< stray")));
        let Some(Token::Open { attrs, at, .. }) = tokens.get(1) else {
            panic!("{tokens:?}")
        };
        assert_eq!(attribute(attrs, "x").as_deref(), Some("1>2"));
        assert_eq!(attribute(attrs, "Y").as_deref(), Some("q"));
        assert_eq!(&text[*at..*at + 2], "<a");
    }

    #[test]
    fn entities_resolve_and_strays_stay() {
        assert_eq!(
            unescape("A &amp; B &nbsp;&#1046;&#x416; & &bogus; &amp"),
            "A & B \u{a0}ЖЖ & &bogus; &amp"
        );
        assert_eq!(
            attribute(" href=/a/1 rel=alternate", "rel").as_deref(),
            Some("alternate")
        );
        assert_eq!(attribute(" novalue href='x'", "href").as_deref(), Some("x"));
        assert_eq!(local_name("atom:Entry"), "entry");
    }
}
