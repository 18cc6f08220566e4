//! `--json` output: one JSON document per command, with field names fixed for scripts
//! (docs/cli.md lists them). The shapes here are the contract; the store's row types are
//! mapped onto them so a store change cannot rename a field by accident.

use newswatch::store::{AlertRow, DeliveryRow, SearchHit, StoryArticle, StoryView};
use std::io::Write as _;

use serde::Serialize;

/// Prints `value` as one pretty-printed JSON document on stdout. A reader that went away
/// (`| head`) ends the command quietly, as for text ([`super::output`]).
pub fn print<T: Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .unwrap_or_else(|err| super::output::stop(&err));
    Ok(())
}

/// One source in `sources --json`.
#[derive(Serialize)]
pub struct Source {
    /// Name from the config.
    pub name: String,
    /// Feed URL.
    pub url: String,
    /// `ok`, `new`, `failing` or `removed`.
    pub health: &'static str,
    /// Failed polls in a row.
    pub consecutive_failures: i64,
    /// Kind of the last failure while failing (`network`, `server`, …).
    pub failure_kind: Option<String>,
    /// Last HTTP status.
    pub last_status: Option<i64>,
    /// The adaptive interval in force, in seconds.
    pub interval_seconds: Option<u64>,
    /// New items seen over its lifetime.
    pub items_seen: i64,
    /// Last poll start (UTC, RFC 3339).
    pub last_attempt_at: Option<String>,
    /// Last successful poll.
    pub last_success_at: Option<String>,
    /// Next poll.
    pub next_due_at: Option<String>,
    /// Last error, while failing.
    pub last_error: Option<String>,
    /// What was wrong with the feed at the last successful poll.
    pub last_warning: Option<String>,
    /// When the server asked us to come back, if it did.
    pub retry_after_at: Option<String>,
    /// For a `kind = "auto"` source, how discovery chose to read it.
    pub watched_as: Option<Way>,
}

/// How an automatically discovered source is read, in `sources --json`.
#[derive(Serialize)]
pub struct Way {
    /// `feed`, `sitemap`, `page` or `telegram`.
    pub kind: String,
    /// The URL read.
    pub url: String,
    /// Why it was chosen.
    pub reason: String,
    /// When it was chosen.
    pub chosen_at: String,
}

/// One alert in `alerts --json`.
#[derive(Serialize)]
pub struct Alert {
    /// Alert id (`alerts retry ID`).
    pub id: i64,
    /// When it was raised.
    pub created_at: String,
    /// The rule that matched.
    pub rule: String,
    /// The matched article (`article ID`).
    pub article_id: i64,
    /// Its story (`story ID`).
    pub story_id: Option<i64>,
    /// Headline.
    pub title: Option<String>,
    /// Article URL.
    pub url: String,
    /// The source that delivered the article first.
    pub source: String,
    /// Context with the hits in `**`.
    pub snippet: String,
    /// One per sink.
    pub deliveries: Vec<DeliveryRow>,
}

impl Alert {
    /// The alert with its deliveries.
    pub fn new(row: AlertRow, deliveries: Vec<DeliveryRow>) -> Alert {
        Alert {
            id: row.id,
            created_at: row.created_at,
            rule: row.rule_name,
            article_id: row.article_id,
            story_id: row.story_id,
            title: row.title,
            url: row.url,
            source: row.source_name,
            snippet: row.snippet,
            deliveries,
        }
    }
}

/// `search --json`.
#[derive(Serialize)]
pub struct Search<'a> {
    /// The query as given.
    pub query: &'a str,
    /// Best first.
    pub results: Vec<SearchHit>,
}

/// One match in `match --json`.
#[derive(Serialize)]
pub struct Match {
    /// Article id (`null` for `--file`).
    pub article_id: Option<i64>,
    /// Headline.
    pub title: Option<String>,
    /// Article URL (`null` for `--file`).
    pub url: Option<String>,
    /// Context with the hits in `**`.
    pub snippet: String,
}

/// `match --json`: what was scanned and what matched.
#[derive(Serialize)]
pub struct Matches<'a> {
    /// The query as given.
    pub query: &'a str,
    /// Documents looked at (1 for `--file`).
    pub scanned: usize,
    /// Matches, at most `--limit`.
    pub matches: Vec<Match>,
}

/// `story --json`.
#[derive(Serialize)]
pub struct Story {
    /// Story id.
    pub id: i64,
    /// When its first article was stored.
    pub created_at: String,
    /// Alerts the story raised.
    pub alerts: Vec<StoryAlert>,
    /// Its copies, oldest first.
    pub articles: Vec<StoryCopy>,
}

/// An alert of a story.
#[derive(Serialize)]
pub struct StoryAlert {
    /// The rule.
    pub rule: String,
    /// The article that raised it.
    pub article_id: i64,
}

/// One copy of a story.
#[derive(Serialize)]
pub struct StoryCopy {
    /// Article id.
    pub id: i64,
    /// Current headline.
    pub title: Option<String>,
    /// Canonical URL.
    pub canonical_url: String,
    /// When it was stored.
    pub fetched_at: String,
    /// When its page was found gone (404/410).
    pub removed_at: Option<String>,
    /// Every source and URL that delivered it.
    pub links: Vec<StoryLink>,
    /// Its text history; empty while the text never changed.
    pub versions: Vec<newswatch::store::StoryVersion>,
}

/// A source and URL that delivered a copy.
#[derive(Serialize)]
pub struct StoryLink {
    /// Source name.
    pub source: String,
    /// The URL it gave.
    pub url: String,
    /// When it was first seen there.
    pub first_seen_at: String,
}

impl From<StoryView> for Story {
    fn from(view: StoryView) -> Story {
        Story {
            id: view.id,
            created_at: view.created_at,
            alerts: view
                .alerts
                .into_iter()
                .map(|(rule, article_id)| StoryAlert { rule, article_id })
                .collect(),
            articles: view.articles.into_iter().map(StoryCopy::from).collect(),
        }
    }
}

impl From<StoryArticle> for StoryCopy {
    fn from(a: StoryArticle) -> StoryCopy {
        StoryCopy {
            id: a.id,
            title: a.title,
            canonical_url: a.canonical_url,
            fetched_at: a.fetched_at,
            removed_at: a.removed_at,
            links: a
                .links
                .into_iter()
                .map(|(source, url, first_seen_at)| StoryLink {
                    source,
                    url,
                    first_seen_at,
                })
                .collect(),
            versions: a.versions,
        }
    }
}
