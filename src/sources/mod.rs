//! Turning a fetched document into items: today, feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed).
//!
//! This module never fetches by itself; it gets text and the URL it came from.

mod feed;

pub use feed::{FeedError, FeedItem, ParsedFeed, parse_feed};
