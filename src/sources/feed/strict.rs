//! The strict reader: feed-rs over the prepared text, with any panic inside it contained, and
//! its failures turned into a [`Rejection`] that says where the document breaks.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use feed_rs::parser::{ParseErrorKind, ParseFeedError};
use quick_xml::events::Event;
use url::Url;

use super::FeedItem;
use super::convert::item;

/// What feed-rs read: the items and the `<ttl>` hint.
pub(super) struct StrictFeed {
    /// Items in document order.
    pub(super) items: Vec<FeedItem>,
    /// `<ttl>` as a duration.
    pub(super) ttl: Option<Duration>,
}

/// Why feed-rs could not read a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Rejection {
    /// No RSS, RDF, Atom or JSON Feed root: not a feed at all.
    NotAFeed,
    /// A feed that breaks XML's (or JSON's) rules or the feed format's.
    Broken(String),
    /// feed-rs (or the XML reader under it) panicked.
    Crashed(String),
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Rejection::NotAFeed => f.write_str("no RSS, Atom or JSON Feed root element"),
            Rejection::Broken(reason) => f.write_str(reason),
            Rejection::Crashed(message) => write!(f, "the feed parser crashed ({message})"),
        }
    }
}

/// Reads `text` with feed-rs; a panic in it is caught and reported, never propagated.
pub(super) fn parse(text: &str, url: &Url) -> Result<StrictFeed, Rejection> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        .build();
    let parsed = catch_unwind(AssertUnwindSafe(|| parser.parse(text.as_bytes())))
        .map_err(|panic| Rejection::Crashed(panic_message(panic.as_ref())))?;
    let feed = parsed.map_err(|err| reject(&err, text))?;
    Ok(StrictFeed {
        ttl: feed
            .ttl
            .map(|minutes| Duration::from_secs(u64::from(minutes) * 60)),
        items: feed.entries.into_iter().map(|e| item(e, url)).collect(),
    })
}

/// The text of a panic's payload.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".to_string())
}

fn reject(err: &ParseFeedError, text: &str) -> Rejection {
    let at_offset =
        |what: String, offset: u64| Rejection::Broken(format!("{what} {}", position(text, offset)));
    match err {
        ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => Rejection::NotAFeed,
        ParseFeedError::ParseError(ParseErrorKind::UnknownMimeType { position, mime }) => {
            at_offset(format!("unsupported content type {mime:?}"), *position)
        }
        ParseFeedError::ParseError(ParseErrorKind::MissingContent {
            position,
            reference,
        }) => at_offset(format!("empty or missing {reference}"), *position),
        ParseFeedError::ParseError(kind) => Rejection::Broken(kind.to_string()),
        ParseFeedError::XmlReader(xml) => match first_xml_error(text) {
            Some((reason, offset)) => at_offset(format!("not well-formed XML: {reason}"), offset),
            None => Rejection::Broken(format!("not well-formed XML: {xml}")),
        },
        other => Rejection::Broken(other.to_string()),
    }
}

/// The first well-formedness error quick-xml finds in `text`, and its byte offset.
fn first_xml_error(text: &str) -> Option<(String, u64)> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return None,
            Ok(Event::GeneralRef(r)) => {
                if let Err(err) = r.resolve_char_ref() {
                    return Some((err.to_string(), reader.buffer_position()));
                }
            }
            Ok(_) => {}
            Err(err) => return Some((err.to_string(), reader.error_position())),
        }
    }
}

/// "at line L, column C" for a byte offset into `text` (columns count characters).
pub(super) fn position(text: &str, offset: u64) -> String {
    let mut end = usize::try_from(offset)
        .unwrap_or(usize::MAX)
        .min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("at line {line}, column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://example.kz/rss/").unwrap()
    }

    #[test]
    fn a_panic_inside_the_xml_reader_is_contained() {
        // quick-xml 0.42 panics on BOM-less UTF-16BE that declares an encoding (see
        // docs/polling.md); ASCII in UTF-16 is also valid UTF-8, so a &str can carry it.
        let xml = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss version=\"2.0\"><channel><title>x</title><item><title>a</title></item></channel></rss>";
        let bytes: Vec<u8> = xml.encode_utf16().flat_map(u16::to_be_bytes).collect();
        let text = String::from_utf8(bytes).unwrap();
        match parse(&text, &url()) {
            Err(Rejection::Crashed(message)) => assert!(!message.is_empty()),
            Err(other) => panic!("expected a contained crash, got {other}"),
            Ok(_) => panic!("expected a contained crash, got a feed"),
        }
    }

    #[test]
    fn xml_errors_name_their_line_and_column() {
        let text = "<rss version=\"2.0\"><channel>\n<item><title>a</titl></item>\n</channel></rss>";
        let Err(Rejection::Broken(reason)) = parse(text, &url()) else {
            panic!("a mismatched end tag was accepted");
        };
        assert!(reason.contains("at line 2, column"), "{reason}");
        assert_eq!(position("ab\ncж d", 6), "at line 2, column 3");
        assert_eq!(
            parse("<html></html>", &url()).err(),
            Some(Rejection::NotAFeed)
        );
    }
}
