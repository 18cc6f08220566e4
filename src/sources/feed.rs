//! Feeds: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed read into [`FeedItem`]s with resolved
//! links and stable identities, as forgivingly as the feed readers people compare us with.
//!
//! The reading order: pre-normalise what feed-rs rejects although its meaning is clear
//! (`prepare`), read with feed-rs (`strict`, panics contained), and when that fails or finds
//! no items while the document has `<item>`/`<entry>` elements, recover the items with the
//! lenient reader (`lenient`), noting a warning. Only when nothing can be recovered is the
//! feed an error, which says where the document breaks.

mod convert;
mod lenient;
mod prepare;
mod strict;
mod tokens;

pub(crate) use strict::panic_message;

use std::collections::HashSet;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Duration;

use chrono::{DateTime, Utc};
use url::Url;

use strict::{Rejection, StrictFeed};

/// One entry of a feed, reduced to what the pipeline uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedItem {
    /// Identity inside the feed: its GUID/id, else its link, else an id derived from the entry.
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

/// A document from which no item can be read.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The response had no content.
    #[error(
        "{url} answered with an empty document; check that the site is up and serves its feed there"
    )]
    Empty {
        /// The feed URL.
        url: String,
    },
    /// The document is not a feed (an HTML page, say).
    #[error(
        "{url} is not an RSS, Atom or JSON feed ({reason}); check that the URL points at the feed itself"
    )]
    NotAFeed {
        /// The feed URL.
        url: String,
        /// What the document lacks.
        reason: String,
    },
    /// A feed broken beyond reading, with no `<item>`/`<entry>` element to recover.
    #[error(
        "the feed at {url} cannot be read: {reason}; the feed itself is broken (the URL is right), so only its publisher can fix it"
    )]
    Broken {
        /// The feed URL.
        url: String,
        /// What is wrong, and where (line and column when known).
        reason: String,
    },
    /// The document has `<item>`/`<entry>` elements, and not one of them could be read.
    #[error(
        "the feed at {url} has {found} <item>/<entry> elements but none could be read ({reason}); the feed itself is broken (the URL is right), so only its publisher can fix it"
    )]
    NoItemsRead {
        /// The feed URL.
        url: String,
        /// How many item or entry elements the document has.
        found: usize,
        /// Why the strict reader failed, and where.
        reason: String,
    },
}

/// A parsed feed: its items, how often it says it is worth polling, and what was odd about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedFeed {
    /// Items, first occurrence of each identity only, in feed order.
    pub items: Vec<FeedItem>,
    /// The feed's own polling hint (`<ttl>`, `sy:updatePeriod`/`sy:updateFrequency`).
    pub poll_hint: Option<Duration>,
    /// Set when the items were recovered from a broken document: what is broken, and where.
    pub warning: Option<String>,
}

/// Publication times further ahead than this are clock or typing errors, not schedules.
const FUTURE_SLACK: chrono::Duration = chrono::Duration::hours(1);

/// Parses feed `text` fetched from `url`. Items sharing an identity are kept once (first wins).
/// Never panics: a panic while reading is reported as the feed's error.
pub fn parse_feed(text: &str, url: &Url) -> Result<ParsedFeed, FeedError> {
    if text.trim().is_empty() {
        return Err(FeedError::Empty {
            url: url.to_string(),
        });
    }
    catch_unwind(AssertUnwindSafe(|| read(text, url))).unwrap_or_else(|panic| {
        Err(FeedError::Broken {
            url: url.to_string(),
            reason: format!("reading it crashed ({})", panic_message(panic.as_ref())),
        })
    })
}

fn read(text: &str, url: &Url) -> Result<ParsedFeed, FeedError> {
    let prepared = prepare::prepare(text);
    let (items, ttl, warning) = match strict::parse(&prepared, url) {
        Ok(feed) if !feed.items.is_empty() => (feed.items, feed.ttl, None),
        outcome => match recover(&prepared, url, outcome)? {
            Recovered::Empty(feed) => (feed.items, feed.ttl, None),
            Recovered::Items(items, warning) => {
                (items, convert::ttl_hint(&prepared), Some(warning))
            }
        },
    };
    let mut seen = HashSet::new();
    let latest = Utc::now() + FUTURE_SLACK;
    let items = items
        .into_iter()
        .map(|mut item| {
            item.published = item.published.filter(|p| *p <= latest);
            item
        })
        .filter(|item| !item.guid.is_empty() && seen.insert(item.guid.clone()))
        .collect();
    Ok(ParsedFeed {
        items,
        poll_hint: ttl.into_iter().chain(convert::syndication_hint(text)).max(),
        warning,
    })
}

/// What the lenient reader made of a document the strict reader read no items from.
enum Recovered {
    /// A valid feed without items, and no item element in it either.
    Empty(StrictFeed),
    /// Items recovered, and the warning to record.
    Items(Vec<FeedItem>, String),
}

fn recover(
    text: &str,
    url: &Url,
    outcome: Result<StrictFeed, Rejection>,
) -> Result<Recovered, FeedError> {
    let found = lenient::count_items(text);
    let reason = match outcome {
        Ok(feed) if found == 0 => return Ok(Recovered::Empty(feed)),
        Ok(_) => "the strict reader found none of them".to_string(),
        Err(Rejection::NotAFeed) if found == 0 => {
            return Err(FeedError::NotAFeed {
                url: url.to_string(),
                reason: Rejection::NotAFeed.to_string(),
            });
        }
        Err(rejection) if found == 0 => {
            return Err(FeedError::Broken {
                url: url.to_string(),
                reason: format!("{rejection}, and it has no <item> or <entry> element to recover"),
            });
        }
        Err(rejection) => rejection.to_string(),
    };
    let items = lenient::read_items(text, url);
    if items.is_empty() {
        return Err(FeedError::NoItemsRead {
            url: url.to_string(),
            found,
            reason,
        });
    }
    let warning = format!(
        "the feed is broken ({reason}); the lenient reader recovered {} of its {found} items",
        items.len()
    );
    Ok(Recovered::Items(items, warning))
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
    fn broken_xml_is_recovered_with_a_warning_and_unreadable_items_are_an_error() {
        let broken = "<rss version=\"2.0\"><channel>\n<item><title>Бір &amp; екі</titl><link>/a/1</link></item>\n<item><title>Үш</title><link>/a/2</link></item></channel></rss>";
        let feed = parse_feed(broken, &url()).unwrap();
        let titles: Vec<_> = feed.items.iter().map(|i| i.title.as_deref()).collect();
        assert_eq!(titles, [Some("Бір & екі"), Some("Үш")]);
        let warning = feed.warning.unwrap();
        assert!(warning.contains("at line 2, column"), "{warning}");
        let err = parse_feed("<feed xmlns=\"urn:x\"><entry/></feed>", &url()).unwrap_err();
        assert!(
            matches!(err, FeedError::NoItemsRead { found: 1, .. }),
            "{err}"
        );
        let err = parse_feed("<rss version=\"2.0\"><channel>\n<title>t</x>", &url()).unwrap_err();
        assert!(matches!(err, FeedError::Broken { .. }), "{err}");
        assert!(err.to_string().contains("at line 2, column"), "{err}");
    }

    #[test]
    fn a_feed_cut_or_garbled_anywhere_never_crashes_the_reader() {
        let rss = r#"<?xml version="1.0"?><rss><channel><title>Т</title><item><title>Бір &amp; екі</title><link>/a/1</link><guid>g1</guid><description><![CDATA[<p>Мәтін</p>]]></description><pubDate>Mon, 08 Jan 2024 10:00:00 +0600</pubDate></item></channel></rss>"#;
        let atom = r#"<feed xmlns="http://purl.org/atom/ns#"><entry><title type="text/plain">Т</title><link rel="alternate" href="/a/2"/><id>u:2</id><content type="application/xhtml+xml"><div>x</div></content></entry></feed>"#;
        for text in [rss, atom] {
            let cuts = (0..text.len()).filter(|i| text.is_char_boundary(*i));
            for cut in cuts {
                let garbled = text[..cut].replace('>', "").replacen('"', "", 1);
                for doc in [&text[..cut], &text[cut..], garbled.as_str()] {
                    let said = match parse_feed(doc, &url()) {
                        Ok(feed) => feed.warning.unwrap_or_default(),
                        Err(err) => err.to_string(),
                    };
                    assert!(!said.contains("crashed"), "{doc:?}: {said}");
                }
            }
        }
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
