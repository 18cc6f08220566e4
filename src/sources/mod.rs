//! Turning a fetched document into items: feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed), listing
//! pages, sitemaps and Telegram channel previews; feed and sitemap discovery's pure parts; OPML. Every kind yields [`FeedItem`]s, so everything after (page fetch,
//! extraction, dedup, stories, rules, alerts) is shared.
//!
//! This module never fetches by itself; it gets text and the URL it came from.

mod discover;
mod feed;
mod listing;
mod opml;
mod sitemap;
mod telegram;

pub use discover::{
    FEED_PATHS, MAX_ANNOUNCED, SITEMAP_PATHS, Way, WayKind, announced_feeds, on_origin,
};
pub(crate) use feed::panic_message;
pub use feed::{FeedError, FeedItem, ParsedFeed, parse_feed};
pub use listing::{Listing, MAX_LINKS, link_item, parse_listing};
pub use opml::{MAX_OPML_BYTES, MAX_OUTLINES, OpmlSource, parse_opml, render_opml};
pub use sitemap::{
    MAX_SITEMAP_BYTES, Newest, SitemapEntry, SitemapItem, SitemapRead, is_plain_text, read_sitemap,
    robots_sitemaps, w3c_date,
};
pub use telegram::{ChannelPage, TelegramPost, is_channel_page, parse_channel};

/// A fetched document that does not hold what its source's kind needs.
#[derive(Debug, thiserror::Error)]
#[error("{url}: {reason}")]
pub struct SourceError {
    /// The document's URL.
    pub url: String,
    /// What was wrong and what to do.
    pub reason: String,
}
