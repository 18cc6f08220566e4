//! From feed-rs's model to [`FeedItem`]s, and the text and date helpers both readers share.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use url::Url;

use super::FeedItem;
use scraper::Html;

/// Bytes at the head of a feed searched for channel-level polling hints.
const HINT_BYTES: usize = 16 * 1024;

/// One feed-rs entry as a [`FeedItem`], its link resolved against the feed URL.
pub(super) fn item(entry: feed_rs::model::Entry, feed_url: &Url) -> FeedItem {
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .and_then(|l| feed_url.join(l.href.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let guid = if entry.id.trim().is_empty() {
        link.as_ref().map(Url::to_string).unwrap_or_default()
    } else {
        entry.id.trim().to_string()
    };
    let authors: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref().map(str::trim))
        .filter(|n| !n.is_empty())
        .map(str::to_string)
        .collect();
    FeedItem {
        guid,
        link,
        title: entry
            .title
            .map(|t| html_text(&t.content))
            .filter(|t| !t.is_empty()),
        summary: entry
            .summary
            .map(|t| html_text(&t.content))
            .filter(|t| !t.is_empty()),
        content: entry
            .content
            .and_then(|c| c.body)
            .map(|b| html_text(&b))
            .filter(|t| !t.is_empty()),
        author: (!authors.is_empty()).then(|| authors.join(", ")),
        published: entry.published.or(entry.updated),
    }
}

/// `<ttl>` in minutes, read from the head of the document (for feeds feed-rs could not read).
pub(super) fn ttl_hint(text: &str) -> Option<Duration> {
    let minutes: u64 = element_text(head(text), "ttl")?.parse().ok()?;
    Some(Duration::from_secs(minutes * 60))
}

/// The RSS 1.0 syndication module's period: `updatePeriod` divided by `updateFrequency`.
pub(super) fn syndication_hint(text: &str) -> Option<Duration> {
    let head = head(text);
    let period = match element_text(head, "sy:updatePeriod")?
        .to_ascii_lowercase()
        .as_str()
    {
        "hourly" => 3600,
        "daily" => 24 * 3600,
        "weekly" => 7 * 24 * 3600,
        "monthly" => 30 * 24 * 3600,
        "yearly" => 365 * 24 * 3600,
        _ => return None,
    };
    let frequency = element_text(head, "sy:updateFrequency")
        .and_then(|f| f.parse::<u64>().ok())
        .filter(|f| *f > 0)
        .unwrap_or(1);
    Some(Duration::from_secs(period / frequency))
}

fn head(text: &str) -> &str {
    let mut end = text.len().min(HINT_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn element_text<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!("<{name}>"))? + name.len() + 2;
    let len = text[start..].find('<')?;
    Some(text[start..start + len].trim())
}

/// The visible text of an HTML fragment (feeds carry HTML in titles and summaries), one block per
/// line.
pub(super) fn html_text(fragment: &str) -> String {
    if !fragment.contains('<') && !fragment.contains('&') {
        return collapse_spaces(fragment);
    }
    let html = Html::parse_fragment(fragment);
    let mut out = String::new();
    for node in html.root_element().descendants() {
        if let Some(text) = node.value().as_text() {
            out.push_str(text);
        } else if let Some(el) = node.value().as_element()
            && matches!(
                el.name(),
                "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "blockquote"
            )
        {
            out.push('\n');
        }
    }
    out.lines()
        .map(collapse_spaces)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn collapse_spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Dates as feeds write them: RFC 822/2822, RFC 3339/ISO 8601 with or without a zone (UTC
/// assumed), or a bare date.
pub(super) fn parse_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc2822(text) {
        return Some(d.to_utc());
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(text) {
        return Some(d.to_utc());
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(text, format) {
            return Some(d.and_utc());
        }
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_the_usual_spellings_parse() {
        for text in [
            "Tue, 02 Jan 2024 10:00:00 GMT",
            "2024-01-02T10:00:00Z",
            "2024-01-02T13:00:00+03:00",
            "2024-01-02T10:00:00",
            "2024-01-02 10:00:00",
        ] {
            assert_eq!(
                parse_date(text).map(|d| d.to_rfc3339()).as_deref(),
                Some("2024-01-02T10:00:00+00:00"),
                "{text}"
            );
        }
        assert!(parse_date("2024-01-02").is_some());
        assert_eq!(parse_date("вчера"), None);
    }
}
