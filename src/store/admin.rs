//! Read-only queries behind `newswatch rules`, `sinks` and `article ID`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;

use super::{Store, StoreError, db_time};

/// A rule's alert counts for `newswatch rules`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct RuleActivity {
    /// Alerts in the 24 hours before now.
    pub alerts_last_day: i64,
    /// Alerts in the 7 days before now.
    pub alerts_last_week: i64,
    /// Alerts ever.
    pub alerts_total: i64,
}

/// A sink's deliveries by state for `newswatch sinks`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SinkDeliveries {
    /// Not tried yet.
    pub pending: i64,
    /// Failed, to be tried again.
    pub retrying: i64,
    /// Sent.
    pub delivered: i64,
    /// Given up on (`alerts retry --dead` queues them again).
    pub dead: i64,
    /// Not for this sink (its rules/sources filter).
    pub skipped: i64,
}

/// One stored article for `newswatch article ID`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleDetail {
    /// Article id.
    pub id: i64,
    /// Headline.
    pub title: Option<String>,
    /// Author, when extraction found one.
    pub author: Option<String>,
    /// The URL first seen.
    pub url: String,
    /// The URL it is known by.
    pub canonical_url: String,
    /// The source that delivered it first.
    pub source: String,
    /// Publication time as stored.
    pub published_at: Option<String>,
    /// When it was stored.
    pub fetched_at: String,
    /// Detected language (ISO 639-1).
    pub language: Option<String>,
    /// Its story.
    pub story_id: Option<i64>,
    /// Why extraction failed, if it did (the feed's text was kept).
    pub extract_error: Option<String>,
    /// When its page was found gone (404/410).
    pub removed_at: Option<String>,
    /// The stored text.
    pub body: String,
    /// Alerts it raised: (alert id, rule).
    pub alerts: Vec<ArticleAlert>,
}

/// An alert an article raised.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleAlert {
    /// Alert id.
    pub id: i64,
    /// The rule.
    pub rule: String,
    /// When it was raised.
    pub created_at: String,
}

impl Store {
    /// Alert counts per rule name (rules with no alert are absent), relative to `now`.
    pub fn rule_activity(
        &self,
        now: DateTime<Utc>,
    ) -> Result<HashMap<String, RuleActivity>, StoreError> {
        let day = db_time(now - chrono::Duration::days(1));
        let week = db_time(now - chrono::Duration::days(7));
        let mut stmt = self.conn.prepare(
            "SELECT rule_name, sum(created_at >= ?1), sum(created_at >= ?2), count(*)
             FROM alerts GROUP BY rule_name",
        )?;
        let rows = stmt.query_map([day, week], |r| {
            let activity = RuleActivity {
                alerts_last_day: r.get(1)?,
                alerts_last_week: r.get(2)?,
                alerts_total: r.get(3)?,
            };
            Ok((r.get::<_, String>(0)?, activity))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Deliveries per sink name and state (sinks with none are absent).
    pub fn sink_deliveries(&self) -> Result<HashMap<String, SinkDeliveries>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT sink, state, count(*) FROM deliveries GROUP BY sink, state")?;
        let mut counts: HashMap<String, SinkDeliveries> = HashMap::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })?;
        for row in rows {
            let (sink, state, n) = row?;
            let entry = counts.entry(sink).or_default();
            match state.as_str() {
                "pending" => entry.pending += n,
                "retrying" => entry.retrying += n,
                "delivered" => entry.delivered += n,
                "dead" => entry.dead += n,
                _ => entry.skipped += n,
            }
        }
        Ok(counts)
    }

    /// Article `id` with its alerts, or `None` if there is none.
    pub fn article_detail(&self, id: i64) -> Result<Option<ArticleDetail>, StoreError> {
        let detail = self
            .conn
            .query_row(
                "SELECT a.id, a.title, a.author, a.url, a.canonical_url, s.name, a.published_at,
                        a.fetched_at, a.language, a.story_id, a.extract_error, a.removed_at, a.body
                 FROM articles a JOIN sources s ON s.id = a.source_id WHERE a.id = ?1",
                [id],
                |r| {
                    Ok(ArticleDetail {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        author: r.get(2)?,
                        url: r.get(3)?,
                        canonical_url: r.get(4)?,
                        source: r.get(5)?,
                        published_at: r.get(6)?,
                        fetched_at: r.get(7)?,
                        language: r.get(8)?,
                        story_id: r.get(9)?,
                        extract_error: r.get(10)?,
                        removed_at: r.get(11)?,
                        body: r.get(12)?,
                        alerts: Vec::new(),
                    })
                },
            )
            .optional()?;
        let Some(mut detail) = detail else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT id, rule_name, created_at FROM alerts WHERE article_id = ?1 ORDER BY id",
        )?;
        let alerts = stmt.query_map([id], |r| {
            Ok(ArticleAlert {
                id: r.get(0)?,
                rule: r.get(1)?,
                created_at: r.get(2)?,
            })
        })?;
        detail.alerts = alerts.collect::<Result<_, _>>()?;
        Ok(Some(detail))
    }
}
