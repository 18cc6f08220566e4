//! Read-only queries behind the admin commands (`stats`, `sources`, `alerts`, `search`).

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::{Store, StoreError, db_time};

/// Totals for `newswatch stats`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Configured (active) sources.
    pub sources: i64,
    /// Active sources whose last poll failed.
    pub failing_sources: i64,
    /// Stored articles.
    pub articles: i64,
    /// Articles fetched in the last 24 hours.
    pub articles_last_day: i64,
    /// Alerts raised.
    pub alerts: i64,
    /// Deliveries not yet made (pending or retrying).
    pub deliveries_waiting: i64,
    /// Deliveries given up on.
    pub deliveries_dead: i64,
}

/// One source's health for `newswatch sources`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceRow {
    /// Name.
    pub name: String,
    /// Feed URL.
    pub url: String,
    /// Still in the config.
    pub active: bool,
    /// Last poll start.
    pub last_attempt_at: Option<String>,
    /// Last successful poll.
    pub last_success_at: Option<String>,
    /// Last HTTP status.
    pub last_status: Option<i64>,
    /// Last error, if the last poll failed.
    pub last_error: Option<String>,
    /// What was wrong with the feed at the last successful poll, though it could be read.
    pub last_warning: Option<String>,
    /// Failed polls in a row.
    pub consecutive_failures: i64,
    /// Next poll.
    pub next_due_at: Option<String>,
    /// New items seen over its lifetime.
    pub items_seen: i64,
}

/// One alert for `newswatch alerts`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AlertRow {
    /// Alert id.
    pub id: i64,
    /// The matched article (`newswatch article ID`).
    pub article_id: i64,
    /// The article's story (`newswatch story ID`), when stories were recorded for it.
    pub story_id: Option<i64>,
    /// When it was raised.
    pub created_at: String,
    /// Rule name.
    pub rule_name: String,
    /// Article headline.
    pub title: Option<String>,
    /// Article URL.
    pub url: String,
    /// Source that delivered the article first.
    pub source_name: String,
    /// Context with hits highlighted.
    pub snippet: String,
    /// Delivery state per sink, e.g. `log=delivered`.
    pub deliveries: String,
}

/// One full-text search result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchHit {
    /// Article id.
    pub article_id: i64,
    /// Headline.
    pub title: Option<String>,
    /// URL.
    pub url: String,
    /// Publication time as stored.
    pub published_at: Option<String>,
    /// Matching fragment, hits in `[` `]`.
    pub snippet: String,
}

impl Store {
    /// Totals across the database.
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let day_ago = db_time(Utc::now() - chrono::Duration::days(1));
        Ok(self.conn.query_row(
            "SELECT
                (SELECT count(*) FROM sources WHERE active),
                (SELECT count(*) FROM sources WHERE active AND consecutive_failures > 0),
                (SELECT count(*) FROM articles),
                (SELECT count(*) FROM articles WHERE fetched_at >= ?1),
                (SELECT count(*) FROM alerts),
                (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'retrying')),
                (SELECT count(*) FROM deliveries WHERE state = 'dead')",
            [day_ago],
            |r| {
                Ok(Stats {
                    sources: r.get(0)?,
                    failing_sources: r.get(1)?,
                    articles: r.get(2)?,
                    articles_last_day: r.get(3)?,
                    alerts: r.get(4)?,
                    deliveries_waiting: r.get(5)?,
                    deliveries_dead: r.get(6)?,
                })
            },
        )?)
    }

    /// Every source with its polling state, active first, by name.
    pub fn source_rows(&self) -> Result<Vec<SourceRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name, url, active, last_attempt_at, last_success_at, last_status, last_error,
                    consecutive_failures, next_due_at, items_seen, last_warning
             FROM sources ORDER BY active DESC, name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(SourceRow {
                name: r.get(0)?,
                url: r.get(1)?,
                active: r.get(2)?,
                last_attempt_at: r.get(3)?,
                last_success_at: r.get(4)?,
                last_status: r.get(5)?,
                last_error: r.get(6)?,
                consecutive_failures: r.get(7)?,
                next_due_at: r.get(8)?,
                items_seen: r.get(9)?,
                last_warning: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Alerts raised at or after `since`, newest first, at most `limit`.
    pub fn alerts_since(
        &self,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<AlertRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT al.id, al.created_at, al.rule_name, ar.title, ar.url, s.name, al.snippet,
                    (SELECT group_concat(d.sink || '=' || d.state, ', ') FROM deliveries d WHERE d.alert_id = al.id),
                    al.article_id, coalesce(al.story_id, ar.story_id)
             FROM alerts al
             JOIN articles ar ON ar.id = al.article_id
             JOIN sources s ON s.id = ar.source_id
             WHERE al.created_at >= ?1
             ORDER BY al.created_at DESC, al.id DESC
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![db_time(since), limit as i64], alert_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Full-text search (SQLite FTS5 syntax) over titles and bodies, best first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<SearchHit>, StoreError> {
        let run = || -> rusqlite::Result<Vec<SearchHit>> {
            let mut stmt = self.conn.prepare(
                "SELECT a.id, a.title, a.url, a.published_at,
                        snippet(articles_fts, 1, '[', ']', '…', 16)
                 FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid
                 WHERE articles_fts MATCH ?1
                 ORDER BY rank LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![query, limit as i64], |r| {
                Ok(SearchHit {
                    article_id: r.get(0)?,
                    title: r.get(1)?,
                    url: r.get(2)?,
                    published_at: r.get(3)?,
                    snippet: r.get(4)?,
                })
            })?;
            rows.collect()
        };
        run().map_err(|err| match err {
            // The statement is fixed, so an SQLITE_ERROR can only come from the query text.
            rusqlite::Error::SqliteFailure(failure, reason)
                if failure.code == rusqlite::ErrorCode::Unknown =>
            {
                StoreError::BadSearch {
                    query: query.to_string(),
                    reason: explain_search_error(reason.as_deref().unwrap_or("")),
                }
            }
            other => StoreError::Sql(other),
        })
    }
}

/// SQLite's FTS5 complaint in words an admin can act on.
fn explain_search_error(reason: &str) -> String {
    if reason.contains("unterminated string") {
        "a double quote is not closed; quote phrases as \"two words\"".into()
    } else if reason.contains("unknown special query") {
        "`*` must follow a word (prefix search: тұтқын*)".into()
    } else if let Some(column) = reason.strip_prefix("no such column: ") {
        format!(
            "`{column}:` is not a column; only title: and body: can prefix a search, so quote text with a colon or braces (\"{column}:…\")"
        )
    } else if reason.is_empty() {
        "SQLite cannot parse it".into()
    } else {
        reason.to_string()
    }
}

fn alert_row(r: &Row) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: r.get(0)?,
        created_at: r.get(1)?,
        rule_name: r.get(2)?,
        title: r.get(3)?,
        url: r.get(4)?,
        source_name: r.get(5)?,
        snippet: r.get(6)?,
        deliveries: r.get::<_, Option<String>>(7)?.unwrap_or_default(),
        article_id: r.get(8)?,
        story_id: r.get(9)?,
    })
}
