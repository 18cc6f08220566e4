//! The `rules` table and backfill alerts: a rule that is new or whose query changed is run once
//! over the articles already stored.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::articles::insert_alert;
use super::{NewAlert, Store, StoreError, db_time};

/// A stored article as the matcher needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleText {
    /// Row id.
    pub id: i64,
    /// The story it belongs to.
    pub story_id: i64,
    /// Headline.
    pub title: Option<String>,
    /// Article text.
    pub body: String,
    /// Link.
    pub url: String,
    /// Name of the source that first delivered it.
    pub source_name: String,
    /// Detected language.
    pub language: Option<String>,
}

impl Store {
    /// Records the configured rules and returns the names of those that still need a backfill:
    /// new rules, rules whose query changed, and rules whose backfill never finished.
    pub fn sync_rules<'a>(
        &mut self,
        rules: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<String>, StoreError> {
        let now = db_time(Utc::now());
        let tx = self.conn.transaction()?;
        let mut pending = Vec::new();
        for (name, query) in rules {
            let stored: Option<(String, Option<String>)> = tx
                .query_row(
                    "SELECT query, backfilled_at FROM rules WHERE name = ?1",
                    [name],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            match stored {
                Some((old, Some(_))) if old == query => {}
                Some((old, None)) if old == query => pending.push(name.to_string()),
                _ => {
                    tx.execute(
                        "INSERT INTO rules (name, query, changed_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT(name) DO UPDATE SET query = excluded.query,
                            changed_at = excluded.changed_at, backfilled_at = NULL",
                        params![name, query, now],
                    )?;
                    pending.push(name.to_string());
                }
            }
        }
        tx.commit()?;
        Ok(pending)
    }

    /// Marks a rule's backfill done for its current query.
    pub fn mark_backfilled(&mut self, rule: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE rules SET backfilled_at = ?2 WHERE name = ?1",
            params![rule, db_time(Utc::now())],
        )?;
        Ok(())
    }

    /// Up to `limit` articles fetched at or after `since` with an id above `after`, by id, so a
    /// caller can walk them in batches without holding the database.
    pub fn articles_since(
        &self,
        since: DateTime<Utc>,
        after: i64,
        limit: usize,
    ) -> Result<Vec<ArticleText>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT a.id, a.title, a.body, a.url, a.story_id, s.name, a.language
             FROM articles a JOIN sources s ON s.id = a.source_id
             WHERE a.fetched_at >= ?1 AND a.id > ?2 ORDER BY a.id LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![db_time(since), after, limit as i64], |r| {
            Ok(ArticleText {
                id: r.get(0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                url: r.get(3)?,
                story_id: r.get(4)?,
                source_name: r.get(5)?,
                language: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Writes backfill alerts (with their pending deliveries) for already-stored articles, given
    /// as (article, story, alert), in one transaction; an alert already raised for the story is
    /// skipped. Returns how many were new.
    pub fn add_backfill_alerts(
        &mut self,
        alerts: &[(i64, i64, NewAlert)],
        sinks: &[String],
    ) -> Result<usize, StoreError> {
        let tx = self.conn.transaction()?;
        let now = db_time(Utc::now());
        let mut written = 0;
        for (article_id, story_id, alert) in alerts {
            let new = insert_alert(&tx, *article_id, *story_id, alert, true, sinks, &now)?;
            written += usize::from(new);
        }
        tx.commit()?;
        Ok(written)
    }
}
