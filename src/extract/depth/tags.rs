//! Reading one markup construct at a `<` as the HTML tokenizer reads it
//! (<https://html.spec.whatwg.org/#tokenization>, 13.2.5.6–13.2.5.44): comments, quoted and
//! unquoted attribute values, self-closing tags, CDATA sections inside svg and math, and the
//! attributes the tree builder leaves out (`parse::READ_ATTRIBUTES`).

use std::borrow::Cow;
use std::ops::Range;

use super::super::parse::READ_ATTRIBUTES;
use super::super::prescan::find as memchr;

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

/// What a `<` starts.
pub enum Kind<'a> {
    /// A start tag, with its lowercased name.
    Start(Cow<'a, str>),
    /// An end tag, with its lowercased name.
    End(Cow<'a, str>),
    /// A comment (`<!--` through its end).
    Comment,
    /// A doctype, CDATA section, processing instruction or a `<` that is just text.
    Other,
}

/// One markup construct starting at a `<`.
pub struct Tag<'a> {
    pub kind: Kind<'a>,
    /// True for void elements, which the tree never nests under.
    pub void: bool,
    /// True when the tag ends in `/>` (the self-closing start tag state).
    pub self_closing: bool,
    /// Offset just past the construct.
    pub end: usize,
}

impl<'a> Tag<'a> {
    /// The construct at `lt` (`foreign`: inside svg or math, where `<![CDATA[` opens a CDATA
    /// section); `None` when it runs to the end of the page unterminated (the tokenizer then
    /// drops it, so it cannot nest anything). The attributes of a tag that the tree leaves
    /// out are put in `unread`.
    pub fn read(
        bytes: &'a [u8],
        lt: usize,
        foreign: bool,
        unread: &mut Vec<Range<usize>>,
    ) -> Option<Tag<'a>> {
        unread.clear();
        let rest = &bytes[lt + 1..];
        let other = |end| {
            Some(Tag {
                kind: Kind::Other,
                void: false,
                self_closing: false,
                end,
            })
        };
        if rest.starts_with(b"!--") {
            return Some(Tag {
                kind: Kind::Comment,
                void: false,
                self_closing: false,
                end: comment_end(bytes, lt + 2)?,
            });
        }
        if foreign && rest.starts_with(b"![CDATA[") {
            let close = bytes[lt + 9..].windows(3).position(|w| w == b"]]>")?;
            return other(lt + 9 + close + 3);
        }
        let mut tag = |from, start| {
            let (name, end, self_closing) = name_and_end(bytes, from, unread)?;
            Some(Tag {
                void: start && is_void(&name),
                kind: if start {
                    Kind::Start(name)
                } else {
                    Kind::End(name)
                },
                self_closing,
                end,
            })
        };
        match rest.first() {
            Some(b'!' | b'?') => other(memchr(b'>', bytes, lt + 1)? + 1),
            Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => tag(lt + 2, false),
            Some(b'/') => other(memchr(b'>', bytes, lt + 1)? + 1),
            Some(c) if c.is_ascii_alphabetic() => tag(lt + 1, true),
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

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0c)
}

/// The lowercased tag name starting at `from`, the offset past the tag's `>` and whether the
/// tag is self-closing, reading attributes as the tokenizer does (a quoted value may hold
/// `>`; a quote inside an unquoted value or a name is just a character, and so is a leading
/// `=`). The attributes the tree leaves out (name through value) are put in `unread`.
fn name_and_end<'a>(
    bytes: &'a [u8],
    from: usize,
    unread: &mut Vec<Range<usize>>,
) -> Option<(Cow<'a, str>, usize, bool)> {
    let ends_name = |b: u8| b == b'>' || b == b'/' || is_space(b);
    let name_len = bytes[from..].iter().position(|&b| ends_name(b))?;
    let mut name = String::from_utf8_lossy(&bytes[from..from + name_len]);
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        name = Cow::Owned(name.to_ascii_lowercase());
    }
    let skip_spaces = |at: &mut usize| {
        while bytes.get(*at).copied().is_some_and(is_space) {
            *at += 1;
        }
    };
    let mut at = from + name_len;
    loop {
        skip_spaces(&mut at);
        match *bytes.get(at)? {
            b'>' => return Some((name, at + 1, false)),
            // The self-closing start tag state: only a `>` right after it counts.
            b'/' => {
                at += 1;
                if bytes.get(at)? == &b'>' {
                    return Some((name, at + 1, true));
                }
                continue;
            }
            _ => {}
        }
        let start = at;
        at += 1;
        at += bytes
            .get(at..)?
            .iter()
            .position(|&b| ends_name(b) || b == b'=')?;
        let name_end = at;
        skip_spaces(&mut at);
        let end = if bytes.get(at)? == &b'=' {
            at += 1;
            skip_spaces(&mut at);
            match *bytes.get(at)? {
                quote @ (b'"' | b'\'') => at = memchr(quote, bytes, at + 1)? + 1,
                b'>' => {}
                _ => at += bytes[at..].iter().position(|&b| b == b'>' || is_space(b))?,
            }
            at
        } else {
            name_end
        };
        // After `/` taking the attribute out could make the tag self-closing.
        if bytes[start - 1] != b'/' && !kept_attribute(&bytes[start..name_end]) {
            unread.push(start..end);
        }
    }
}

/// Whether the tree keeps an attribute of this name (`parse::READ_ATTRIBUTES`), it may change
/// how the page is parsed (declarative shadow roots), or it is namespaced (`xlink:href` is
/// read as `href`).
fn kept_attribute(name: &[u8]) -> bool {
    // Longer than every read name ("aria-hidden"): compared in a lowercased copy on the stack.
    let mut lower = [0u8; 12];
    let Some(buf) = lower.get_mut(..name.len()) else {
        return name.contains(&b':') || name[..10].eq_ignore_ascii_case(b"shadowroot");
    };
    for (l, b) in buf.iter_mut().zip(name) {
        *l = b.to_ascii_lowercase();
    }
    buf.contains(&b':') || READ_ATTRIBUTES.iter().any(|a| a.as_bytes() == buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_attributes_are_kept_in_any_case_and_others_listed() {
        assert!(READ_ATTRIBUTES.iter().all(|a| a.len() <= 12));
        for name in ["class", "ID", "Aria-Hidden", "xlink:href", "shadowrootmode"] {
            assert!(kept_attribute(name.as_bytes()), "{name}");
        }
        for name in [
            "src",
            "data-src",
            "onclick",
            "srcset",
            "data-very-long-name",
            "=",
        ] {
            assert!(!kept_attribute(name.as_bytes()), "{name}");
        }
    }
}
