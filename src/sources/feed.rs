//! Feeds, parsed with feed-rs into [`FeedItem`]s with resolved links and stable identities.

use std::collections::HashSet;

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

/// Parses feed `text` fetched from `url`. Items sharing an identity are kept once (first wins).
pub fn parse_feed(text: &str, url: &Url) -> Result<Vec<FeedItem>, FeedError> {
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(url.as_str()))
        .build();
    let feed = parser.parse(text.as_bytes()).map_err(|err| FeedError {
        url: url.to_string(),
        reason: err.to_string(),
    })?;
    let mut seen = HashSet::new();
    Ok(feed
        .entries
        .into_iter()
        .map(|entry| item(entry, url))
        .filter(|item| seen.insert(item.guid.clone()))
        .collect())
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
        let items = parse_feed(rss, &url()).unwrap();
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
        let items = parse_feed(atom, &url()).unwrap();
        assert_eq!(items[0].guid, "urn:1");
        let json = r#"{"version":"https://jsonfeed.org/version/1.1","title":"t","items":[{"id":"7","url":"http://example.kz/n/7","title":"Митинг","content_text":"Текст"}]}"#;
        let items = parse_feed(json, &url()).unwrap();
        assert_eq!(items[0].guid, "7");
        assert_eq!(items[0].content.as_deref(), Some("Текст"));
    }

    #[test]
    fn malformed_feed_is_a_clear_error() {
        let err = parse_feed("<html><body>not a feed</body></html>", &url()).unwrap_err();
        assert!(err.to_string().contains("http://example.kz/rss/"));
    }
}
