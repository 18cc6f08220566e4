//! The outbox: one delivery row per (alert, sink), consumed by the notifier.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError, db_time};

/// A delivery that is due, with everything a sink needs to render the alert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingDelivery {
    /// The alert's id.
    pub alert_id: i64,
    /// The sink's name.
    pub sink: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// The rule that matched.
    pub rule_name: String,
    /// The article's id.
    pub article_id: i64,
    /// The article's headline.
    pub title: Option<String>,
    /// The article's URL.
    pub url: String,
    /// The source that first delivered it.
    pub source_name: String,
    /// When the article says it was published (as stored).
    pub published_at: Option<String>,
    /// The article words that matched.
    pub matched_terms: Vec<String>,
    /// Context with the hits highlighted.
    pub snippet: String,
}

impl Store {
    /// Deliveries whose next attempt is due at `now`, oldest first, at most `limit`.
    pub fn due_deliveries(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT d.alert_id, d.sink, d.attempts, al.rule_name, ar.id, ar.title, ar.url, s.name,
                    ar.published_at, al.matched_terms, al.snippet
             FROM deliveries d
             JOIN alerts al ON al.id = d.alert_id
             JOIN articles ar ON ar.id = al.article_id
             JOIN sources s ON s.id = ar.source_id
             WHERE d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ?1
             ORDER BY d.next_attempt_at, d.alert_id
             LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![db_time(now), limit as i64], |r| {
            let terms: String = r.get(9)?;
            Ok(PendingDelivery {
                alert_id: r.get(0)?,
                sink: r.get(1)?,
                attempts: r.get(2)?,
                rule_name: r.get(3)?,
                article_id: r.get(4)?,
                title: r.get(5)?,
                url: r.get(6)?,
                source_name: r.get(7)?,
                published_at: r.get(8)?,
                matched_terms: serde_json::from_str(&terms).unwrap_or_default(),
                snippet: r.get(10)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Marks a delivery done.
    pub fn mark_delivered(&mut self, alert_id: i64, sink: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, last_error = NULL,
                delivered_at = ?3
             WHERE alert_id = ?1 AND sink = ?2",
            params![alert_id, sink, db_time(Utc::now())],
        )?;
        Ok(())
    }

    /// Records a failed attempt: retried at `retry_at`, or given up (`dead`) when `None`.
    pub fn mark_failed(
        &mut self,
        alert_id: i64,
        sink: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let (state, next) = match retry_at {
            Some(at) => ("retrying", db_time(at)),
            None => ("dead", db_time(Utc::now())),
        };
        self.conn.execute(
            "UPDATE deliveries SET state = ?3, attempts = attempts + 1, last_error = ?4, next_attempt_at = ?5
             WHERE alert_id = ?1 AND sink = ?2",
            params![alert_id, sink, state, error, next],
        )?;
        Ok(())
    }
}
