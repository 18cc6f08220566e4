//! Feeds, parsed with feed-rs into [`FeedItem`]s with resolved links and stable identities.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, Utc};
use scraper::Html;
use url::Url;

/// One entry of a feed, reduced to what the pipeline uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// Identity inside the feed: its GUID/id, else its link, else a hash feed-rs derives.
    pub guid: String,
    /// The article link, resolved against the feed URL; `None` when the item has none usable.
    pub link: Option<Url>,
    /// Headline, as text.
    pub title: Option<String>,
    /// Summary or description, as text.
    pub summary: Option<String>,
    /// Full content when the feed carries it, as text.
    pub content: Option<String>,
    /// Author names, joined.
    pub author: Option<String>,
    /// Published (or else updated) time.
    pub published: Option<DateTime<Utc>>,
}

/// A document that is not a feed we can read.
#[derive(Debug, thiserror::Error)]
#[error(
    "{url} is not a readable RSS, Atom or JSON feed ({reason}); check that the URL points at the feed itself"
)]
pub struct FeedError {
    /// The feed URL.
    pub url: String,
    /// The parser's explanation.
    pub reason: String,
}

/// A parsed feed: its items and how often it says it is worth polling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    /// Items, first occurrence of each identity only, in feed order.
    pub items: Vec<FeedItem>,
    /// The feed's own polling hint (`<ttl>`, `sy:updatePeriod`/`sy:updateFrequency`).
    pub poll_hint: Option<Duration>,
}

/// Publication times further ahead than this are clock or typing errors, not schedules.
const FUTURE_SLACK: chrono::Duration = chrono::Duration::hours(1);

/// Parses feed `text` fetched from `url`. Items sharing an identity are kept once (first wins).
pub fn parse_feed(text: &str, url: &Url) -> Result<ParsedFeed, FeedError> {
    let fail = |reason: String| FeedError {
        url: url.to_string(),
        reason,
    };
    if text.trim().is_empty() {
        return Err(fail("the response was empty".to_string()));
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        .build();
    let feed = parser
        .parse(text.as_bytes())
        .map_err(|err| fail(err.to_string()))?;
    let ttl = feed
        .ttl
        .map(|minutes| Duration::from_secs(u64::from(minutes) * 60));
    let mut seen = HashSet::new();
    let latest = Utc::now() + FUTURE_SLACK;
    let items = feed
        .entries
        .into_iter()
        .map(|entry| item(entry, url))
        .map(|mut item| {
            item.published = item.published.filter(|p| *p <= latest);
            item
        })
        .filter(|item| seen.insert(item.guid.clone()))
        .collect();
    Ok(ParsedFeed {
        items,
        poll_hint: ttl.into_iter().chain(syndication_hint(text)).max(),
    })
}

/// The RSS 1.0 syndication module's period: `updatePeriod` divided by `updateFrequency`.
fn syndication_hint(text: &str) -> Option<Duration> {
    let head = text.get(..text.len().min(16 * 1024)).unwrap_or(text);
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

fn element_text<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let start = text.find(&format!("<{name}>"))? + name.len() + 2;
    let len = text[start..].find('<')?;
    Some(text[start..start + len].trim())
}

fn item(entry: feed_rs::model::Entry, feed_url: &Url) -> FeedItem {
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

/// The visible text of an HTML fragment (feeds carry HTML in titles and summaries), one block per
/// line.
pub fn html_text(fragment: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("http://example.kz/rss/").unwrap()
    }

    #[test]
    fn rss_items_get_resolved_links_and_dedup_by_guid() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Азаттық</title>
<item><title>Саяси тұтқындар</title><link>/a/1.html</link><guid>g1</guid>
<description>&lt;p&gt;Белсенділер &lt;b&gt;талап&lt;/b&gt; етті&lt;/p&gt;</description>
<pubDate>Mon, 08 Jan 2024 10:00:00 +0600</pubDate></item>
<item><title>Қайталанған</title><link>/a/2.html</link><guid>g1</guid></item>
<item><title>GUID жоқ</title><link>http://example.kz/a/3.html</link></item>
</channel></rss>"#;
        let items = parse_feed(rss, &url()).unwrap().items;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].guid, "g1");
        assert_eq!(
            items[0].link.as_ref().unwrap().as_str(),
            "http://example.kz/a/1.html"
        );
        assert_eq!(items[0].summary.as_deref(), Some("Белсенділер талап етті"));
        assert_eq!(
            items[0].published.unwrap().to_rfc3339(),
            "2024-01-08T04:00:00+00:00"
        );
        assert!(!items[1].guid.is_empty());
        assert_eq!(items[1].title.as_deref(), Some("GUID жоқ"));
    }

    #[test]
    fn atom_and_json_feeds_parse() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>f</id><updated>2024-01-01T00:00:00Z</updated>
<entry><id>urn:1</id><title>Жаңалық</title><link href="http://example.kz/n/1"/><updated>2024-01-02T00:00:00Z</updated></entry></feed>"#;
        let items = parse_feed(atom, &url()).unwrap().items;
        assert_eq!(items[0].guid, "urn:1");
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"7","url":"http://example.kz/n/7","title":"Митинг","content_text":"Текст"}]}"#;
        let items = parse_feed(json, &url()).unwrap().items;
        assert_eq!(items[0].guid, "7");
        assert_eq!(items[0].content.as_deref(), Some("Текст"));
    }

    #[test]
    fn malformed_feed_is_a_clear_error() {
        let err = parse_feed("<html><body>not a feed</body></html>", &url()).unwrap_err();
        assert!(err.to_string().contains("http://example.kz/rss/"));
        let empty = parse_feed("  \n", &url()).unwrap_err();
        assert!(empty.to_string().contains("empty"), "{empty}");
    }

    #[test]
    fn ttl_and_syndication_hints_are_read_and_the_longer_wins() {
        let rss = |extra: &str| {
            format!(
                r#"<rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>t</title>{extra}</channel></rss>"#
            )
        };
        let hint = |extra: &str| parse_feed(&rss(extra), &url()).unwrap().poll_hint;
        assert_eq!(hint("<ttl>30</ttl>"), Some(Duration::from_secs(1800)));
        let sy =
            "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency>";
        assert_eq!(hint(sy), Some(Duration::from_secs(1800)));
        assert_eq!(
            hint(&format!("<ttl>60</ttl>{sy}")),
            Some(Duration::from_secs(3600))
        );
        assert_eq!(hint(""), None);
        let feed = parse_feed(&rss(""), &url()).unwrap();
        assert!(feed.items.is_empty(), "an empty feed is a valid feed");
    }

    #[test]
    fn future_and_unparseable_dates_become_unknown_without_losing_the_item() {
        let rss = r#"<rss version="2.0"><channel><title>t</title>
<item><title>Болашақ</title><link>/a/1</link><guid>f</guid><pubDate>Tue, 01 Jan 2999 00:00:00 +0000</pubDate></item>
<item><title>Бұзық күн</title><link>/a/2</link><guid>b</guid><pubDate>вчера вечером</pubDate></item>
<item><title>Сілтемесіз</title><description>no link, no guid</description></item>
</channel></rss>"#;
        let items = parse_feed(rss, &url()).unwrap().items;
        assert_eq!(items.len(), 3);
        assert_eq!(items[0].published, None);
        assert_eq!(items[1].published, None);
        assert_eq!(
            items[1].link.as_ref().unwrap().as_str(),
            "http://example.kz/a/2"
        );
        assert_eq!(items[2].link, None);
        assert!(!items[2].guid.is_empty());
    }
}
