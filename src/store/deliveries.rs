//! The outbox: one delivery row per (alert, sink), consumed by the notifier.
//!
//! Every outcome is written in one transaction per send, so a crash loses no outcome already
//! recorded and leaves unrecorded deliveries due again.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

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
    /// When the alert was raised (as stored).
    pub created_at: String,
}

/// How a delivered alert went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveredVia {
    /// Its own message.
    Message,
    /// Counted in a rate-limit summary ("37 more alerts for rule X").
    Summary,
    /// Listed in a digest.
    Digest,
}

impl DeliveredVia {
    fn as_str(self) -> &'static str {
        match self {
            DeliveredVia::Message => "message",
            DeliveredVia::Summary => "summary",
            DeliveredVia::Digest => "digest",
        }
    }
}

/// The result of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryOutcome {
    /// The sink accepted it.
    Delivered(DeliveredVia),
    /// The sink failed: retried at `retry_at`, or given up (`dead`) when `None`.
    Failed {
        /// Why, for `newswatch alerts`.
        error: String,
        /// When to try again.
        retry_at: Option<DateTime<Utc>>,
    },
    /// The sink's filter declines this alert.
    Skipped,
}

/// One (alert, sink) delivery as `newswatch alerts` shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeliveryRow {
    /// The alert's id.
    pub alert_id: i64,
    /// The sink's name.
    pub sink: String,
    /// `pending`, `retrying`, `delivered`, `dead` or `skipped`.
    pub state: String,
    /// Attempts made.
    pub attempts: u32,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it is tried next.
    pub next_attempt_at: String,
    /// When it succeeded.
    pub delivered_at: Option<String>,
    /// `message`, `summary` or `digest`.
    pub delivered_via: Option<String>,
}

impl Store {
    /// `sink`'s deliveries whose next attempt is due at `now`, oldest first, at most `limit`.
    pub fn due_deliveries(
        &self,
        sink: &str,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.alert_id, d.sink, d.attempts, al.rule_name, ar.id, ar.title, ar.url, s.name,
                    ar.published_at, al.matched_terms, al.snippet, al.created_at
             FROM deliveries d
             JOIN alerts al ON al.id = d.alert_id
             JOIN articles ar ON ar.id = al.article_id
             JOIN sources s ON s.id = ar.source_id
             WHERE d.sink = ?1 AND d.state IN ('pending', 'retrying') AND d.next_attempt_at <= ?2
             ORDER BY d.next_attempt_at, d.alert_id
             LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![sink, db_time(now), limit as i64], |r| {
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
                created_at: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records the outcomes of `sink`'s deliveries `(alert_id, outcome)`, all in one transaction.
    pub fn record_deliveries(
        &mut self,
        sink: &str,
        outcomes: &[(i64, DeliveryOutcome)],
    ) -> Result<(), StoreError> {
        let now = db_time(Utc::now());
        let tx = self.conn.transaction()?;
        for (alert_id, outcome) in outcomes {
            match outcome {
                DeliveryOutcome::Delivered(via) => tx.execute(
                    "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1,
                        last_error = NULL, delivered_at = ?3, delivered_via = ?4
                     WHERE alert_id = ?1 AND sink = ?2",
                    params![alert_id, sink, now, via.as_str()],
                )?,
                DeliveryOutcome::Failed { error, retry_at } => {
                    let (state, next) = match retry_at {
                        Some(at) => ("retrying", db_time(*at)),
                        None => ("dead", now.clone()),
                    };
                    tx.execute(
                        "UPDATE deliveries SET state = ?3, attempts = attempts + 1, last_error = ?4,
                            next_attempt_at = ?5
                         WHERE alert_id = ?1 AND sink = ?2",
                        params![alert_id, sink, state, error, next],
                    )?
                }
                DeliveryOutcome::Skipped => tx.execute(
                    "UPDATE deliveries SET state = 'skipped' WHERE alert_id = ?1 AND sink = ?2",
                    params![alert_id, sink],
                )?,
            };
        }
        tx.commit()?;
        Ok(())
    }

    /// Queues alert `alert_id`'s undelivered deliveries (dead, retrying, pending) to be tried
    /// now with a fresh attempt count; returns how many were queued.
    pub fn requeue_alert(&mut self, alert_id: i64) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?2
             WHERE alert_id = ?1 AND state IN ('dead', 'retrying', 'pending')",
            params![alert_id, db_time(Utc::now())],
        )?)
    }

    /// Whether alert `alert_id` exists.
    pub fn alert_exists(&self, alert_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM alerts WHERE id = ?1", [alert_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Queues every dead delivery to be tried now with a fresh attempt count.
    pub fn requeue_dead(&mut self) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?1
             WHERE state = 'dead'",
            [db_time(Utc::now())],
        )?)
    }

    /// Every delivery of alert `alert_id`, by sink name.
    pub fn deliveries_of(&self, alert_id: i64) -> Result<Vec<DeliveryRow>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT alert_id, sink, state, attempts, last_error, next_attempt_at, delivered_at,
                    delivered_via
             FROM deliveries WHERE alert_id = ?1 ORDER BY sink",
        )?;
        let rows = stmt.query_map([alert_id], |r| {
            Ok(DeliveryRow {
                alert_id: r.get(0)?,
                sink: r.get(1)?,
                state: r.get(2)?,
                attempts: r.get(3)?,
                last_error: r.get(4)?,
                next_attempt_at: r.get(5)?,
                delivered_at: r.get(6)?,
                delivered_via: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewAlert, NewArticle, StoreOutcome};

    fn store_with_alert(dir: &std::path::Path) -> (Store, i64) {
        let mut store = Store::open(&dir.join("n.db")).unwrap();
        let source = store.sync_sources([("azattyq", "http://a/")]).unwrap()[0].id;
        let article = NewArticle {
            source_id: source,
            guid: "g".into(),
            url: "http://a/1".into(),
            canonical_url: "http://a/1".into(),
            title: Some("Саяси тұтқындар".into()),
            author: None,
            published_at: None,
            language: None,
            summary: None,
            body: "саяси тұтқындарды".into(),
            extract_error: None,
            fetched_at: Utc::now(),
        };
        let alert = NewAlert {
            rule_name: "prisoners".into(),
            matched_terms: vec!["саяси".into()],
            snippet: "**саяси**".into(),
        };
        let sinks = ["hook".to_string(), "tg".to_string()];
        let outcome = store.store_article(&article, &[alert], &sinks).unwrap();
        assert!(matches!(outcome, StoreOutcome::Stored { alerts: 1, .. }));
        let id = store
            .conn
            .query_row("SELECT id FROM alerts", [], |r| r.get(0))
            .unwrap();
        (store, id)
    }

    #[test]
    fn outcomes_move_rows_between_states_and_retry_revives_them() {
        let dir = tempfile::tempdir().unwrap();
        let (mut store, id) = store_with_alert(dir.path());
        let due = store.due_deliveries("hook", Utc::now(), 10).unwrap();
        assert_eq!(due.len(), 1);
        assert_eq!(due[0].source_name, "azattyq");
        let later = Utc::now() + chrono::Duration::hours(1);
        let failed = DeliveryOutcome::Failed {
            error: "HTTP 500".into(),
            retry_at: Some(later),
        };
        store.record_deliveries("hook", &[(id, failed)]).unwrap();
        assert!(
            store
                .due_deliveries("hook", Utc::now(), 10)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.due_deliveries("hook", later, 10).unwrap()[0].attempts,
            1
        );
        let dead = DeliveryOutcome::Failed {
            error: "HTTP 500".into(),
            retry_at: None,
        };
        store.record_deliveries("hook", &[(id, dead)]).unwrap();
        let via = DeliveryOutcome::Delivered(DeliveredVia::Digest);
        store.record_deliveries("tg", &[(id, via)]).unwrap();
        let rows = store.deliveries_of(id).unwrap();
        assert_eq!((rows[0].state.as_str(), rows[0].attempts), ("dead", 2));
        assert_eq!(rows[1].delivered_via.as_deref(), Some("digest"));
        assert_eq!(store.requeue_dead().unwrap(), 1);
        assert_eq!(
            store.requeue_alert(id).unwrap(),
            1,
            "the delivered row stays"
        );
        let again = store.due_deliveries("hook", Utc::now(), 10).unwrap();
        assert_eq!(again[0].attempts, 0);
    }

    #[test]
    fn migration_2_keeps_the_rows_of_version_1() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(super::super::schema::MIGRATIONS[0])
            .unwrap();
        conn.execute_batch(
            "PRAGMA user_version = 1;
             INSERT INTO sources (name, url, created_at) VALUES ('s', 'http://s/', 't');
             INSERT INTO articles (source_id, url, canonical_url, body, fetched_at)
                 VALUES (1, 'http://s/1', 'http://s/1', 'b', 't');
             INSERT INTO alerts (rule_name, article_id, matched_terms, snippet, created_at)
                 VALUES ('r', 1, '[]', 's', 't');
             INSERT INTO deliveries (alert_id, sink, state, attempts, next_attempt_at, delivered_at)
                 VALUES (1, 'log', 'delivered', 1, 't', 't');",
        )
        .unwrap();
        drop(conn);
        let store = Store::open(&path).unwrap();
        let rows = store.deliveries_of(1).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, "delivered");
        assert_eq!(rows[0].delivered_via.as_deref(), Some("message"));
    }
}
