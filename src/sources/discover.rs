//! Discovery's pure parts: the ways a URL can be watched, the feeds a page announces, and the
//! well-known places feeds and sitemaps live. The fetching is `poll::discover`'s.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

/// Feed addresses sites commonly use, tried on the URL's origin when the page names none.
pub const FEED_PATHS: &[&str] = &[
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/rss/",
    "/feed/",
];
/// Sitemap addresses sites commonly use (news sitemaps first), tried after robots.txt's.
pub const SITEMAP_PATHS: &[&str] = &[
    "/news-sitemap.xml",
    "/sitemap-news.xml",
    "/sitemap_news.xml",
    "/gnews-sitemap.xml",
    "/sitemap.xml",
    "/sitemap/index.xml",
];
/// Feeds announced by one page that are tried at most.
pub const MAX_ANNOUNCED: usize = 5;

/// Feed media types of `<link rel="alternate">` (RSS, Atom, JSON Feed).
const FEED_TYPES: &[&str] = &[
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
];

static ALTERNATE: LazyLock<Option<Selector>> =
    LazyLock::new(|| Selector::parse("link[rel~=alternate][href][type]").ok());

/// How a source is watched once discovered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WayKind {
    /// As a feed.
    Feed,
    /// As a sitemap.
    Sitemap,
    /// As a listing page (links found automatically).
    Page,
    /// As a Telegram channel preview.
    Telegram,
}

impl WayKind {
    /// The kind's config name.
    pub fn name(self) -> &'static str {
        match self {
            WayKind::Feed => "feed",
            WayKind::Sitemap => "sitemap",
            WayKind::Page => "page",
            WayKind::Telegram => "telegram",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<WayKind> {
        [
            WayKind::Feed,
            WayKind::Sitemap,
            WayKind::Page,
            WayKind::Telegram,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// The chosen way to watch a source, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Way {
    /// Read as this kind…
    pub kind: WayKind,
    /// …at this URL (the configured one, or a feed or sitemap found from it).
    pub url: Url,
    /// Why, in words shown by `newswatch sources` and `newswatch discover`.
    pub reason: String,
}

/// The feeds `html` (fetched from `base`) announces with `<link rel="alternate">`, in page
/// order, at most [`MAX_ANNOUNCED`].
pub fn announced_feeds(html: &str, base: &Url) -> Vec<Url> {
    let doc = Html::parse_document(html);
    let mut feeds: Vec<Url> = Vec::new();
    for link in ALTERNATE.iter().flat_map(|s| doc.select(s)) {
        let kind = link.value().attr("type").unwrap_or_default();
        let kind = kind.split(';').next().unwrap_or_default().trim();
        if !FEED_TYPES.iter().any(|t| t.eq_ignore_ascii_case(kind)) {
            continue;
        }
        let Some(url) = link
            .value()
            .attr("href")
            .and_then(|h| base.join(h.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        else {
            continue;
        };
        if !feeds.contains(&url) {
            feeds.push(url);
        }
    }
    feeds.truncate(MAX_ANNOUNCED);
    feeds
}

/// `path` on `url`'s origin.
pub fn on_origin(url: &Url, path: &str) -> Option<Url> {
    url.join(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announced_feeds_are_resolved_and_other_alternates_ignored() {
        let html = r#"<html><head>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/">
<link rel="alternate" hreflang="kk" href="/kk/">
<link rel="alternate" type="text/html" href="/print">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="https://feeds.example.kz/atom">
<link rel="alternate" type="application/rss+xml" href="/rss/">
</head></html>"#;
        let base = Url::parse("https://example.kz/politics/").unwrap();
        let feeds: Vec<String> = announced_feeds(html, &base)
            .iter()
            .map(Url::to_string)
            .collect();
        assert_eq!(
            feeds,
            ["https://example.kz/rss/", "https://feeds.example.kz/atom"]
        );
        assert_eq!(
            on_origin(&base, "/feed").unwrap().as_str(),
            "https://example.kz/feed"
        );
        assert_eq!(WayKind::from_name("sitemap"), Some(WayKind::Sitemap));
        assert_eq!(WayKind::from_name("auto"), None);
    }
}
