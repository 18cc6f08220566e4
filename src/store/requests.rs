//! `poll_requests`: `newswatch poll SOURCE` asking a running daemon to poll a source now, and
//! the daemon's answer, one row per request.
//!
//! The command writes a row; the daemon's scheduler takes new rows about once a second,
//! polls, and writes the outcome on the row; the command reads it and removes the row. Rows a
//! command left behind (it was stopped while waiting) are removed a day later.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time, parse_db_time};

/// Rows older than this are removed when the daemon takes requests.
const KEEP_HOURS: i64 = 24;
/// Requests taken per scheduler turn at most.
const TAKE_AT_MOST: usize = 100;

/// What one requested poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollAnswer {
    /// New articles stored.
    pub stored: i64,
    /// Items linked to articles already stored.
    pub linked: i64,
    /// Alerts raised.
    pub alerts: i64,
    /// Whether the poll failed.
    pub failed: bool,
    /// When the host asked every poll to wait, the poll was put off until then.
    pub deferred_until: Option<DateTime<Utc>>,
    /// Why it failed: the source's recorded error, or why the daemon could not poll it.
    pub error: Option<String>,
}

/// A request as the command that made it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollRequest {
    /// Whether the daemon has taken it.
    pub taken: bool,
    /// The daemon's answer, once the poll ended.
    pub answer: Option<PollAnswer>,
}

impl Store {
    /// Asks the running daemon to poll `source` now; returns the request's id.
    pub fn request_poll(&mut self, source: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO poll_requests (source, requested_at) VALUES (?1, ?2)",
            params![source, db_time(Utc::now())],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The daemon's side: the requests not taken yet (id, source name), marked taken; rows
    /// older than a day are removed on the way.
    pub fn take_poll_requests(&mut self) -> Result<Vec<(i64, String)>, StoreError> {
        let now = Utc::now();
        let tx = self.conn.transaction()?;
        tx.execute(
            "DELETE FROM poll_requests WHERE requested_at < ?1",
            [db_time(now - chrono::Duration::hours(KEEP_HOURS))],
        )?;
        let taken: Vec<(i64, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, source FROM poll_requests WHERE taken_at IS NULL ORDER BY id LIMIT ?1",
            )?;
            let rows = stmt.query_map([TAKE_AT_MOST as i64], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (id, _) in &taken {
            tx.execute(
                "UPDATE poll_requests SET taken_at = ?2 WHERE id = ?1",
                params![id, db_time(now)],
            )?;
        }
        tx.commit()?;
        Ok(taken)
    }

    /// Writes the outcome of request `id`. A failed poll without an `error` of its own gets
    /// its source's recorded error.
    pub fn answer_poll_request(&mut self, id: i64, answer: &PollAnswer) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE poll_requests SET answered_at = ?2, stored = ?3, linked = ?4, alerts = ?5,
                failed = ?6, deferred_until = ?7,
                error = CASE WHEN ?6 THEN COALESCE(?8,
                    (SELECT last_error FROM sources WHERE sources.name = poll_requests.source))
                END
             WHERE id = ?1",
            params![
                id,
                db_time(Utc::now()),
                answer.stored,
                answer.linked,
                answer.alerts,
                answer.failed,
                answer.deferred_until.map(db_time),
                answer.error
            ],
        )?;
        Ok(())
    }

    /// Request `id` as it stands; `None` once removed.
    pub fn poll_request(&self, id: i64) -> Result<Option<PollRequest>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT taken_at IS NOT NULL, answered_at IS NOT NULL, stored, linked, alerts,
                    failed, deferred_until, error
                 FROM poll_requests WHERE id = ?1",
                [id],
                |r| {
                    let answered: bool = r.get(1)?;
                    let answer = if answered {
                        let deferred: Option<String> = r.get(6)?;
                        Some(PollAnswer {
                            stored: r.get::<_, Option<i64>>(2)?.unwrap_or(0),
                            linked: r.get::<_, Option<i64>>(3)?.unwrap_or(0),
                            alerts: r.get::<_, Option<i64>>(4)?.unwrap_or(0),
                            failed: r.get::<_, Option<bool>>(5)?.unwrap_or(false),
                            deferred_until: deferred.as_deref().and_then(parse_db_time),
                            error: r.get(7)?,
                        })
                    } else {
                        None
                    };
                    Ok(PollRequest {
                        taken: r.get(0)?,
                        answer,
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    /// Removes request `id`; with `untaken_only`, only if the daemon has not taken it.
    /// Returns whether a row was removed.
    pub fn remove_poll_request(&mut self, id: i64, untaken_only: bool) -> Result<bool, StoreError> {
        let removed = self.conn.execute(
            "DELETE FROM poll_requests WHERE id = ?1 AND (NOT ?2 OR taken_at IS NULL)",
            params![id, untaken_only],
        )?;
        Ok(removed > 0)
    }

    /// The recorded error of source `name` (set while it fails).
    pub fn source_error(&self, name: &str) -> Result<Option<String>, StoreError> {
        let error = self
            .conn
            .query_row(
                "SELECT last_error FROM sources WHERE name = ?1",
                [name],
                |r| r.get(0),
            )
            .optional()?;
        Ok(error.flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_taken_once_and_a_failed_answer_carries_the_sources_error() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        store.sync_sources([("a", "http://a/")]).unwrap();
        store
            .conn
            .execute(
                "UPDATE sources SET last_error = 'HTTP 500' WHERE name = 'a'",
                [],
            )
            .unwrap();
        let id = store.request_poll("a").unwrap();
        let waiting = store.poll_request(id).unwrap().unwrap();
        assert!(!waiting.taken && waiting.answer.is_none());
        assert_eq!(store.take_poll_requests().unwrap(), [(id, "a".to_string())]);
        assert!(store.take_poll_requests().unwrap().is_empty());
        assert!(!store.remove_poll_request(id, true).unwrap());
        let failed = PollAnswer {
            failed: true,
            ..PollAnswer::default()
        };
        store.answer_poll_request(id, &failed).unwrap();
        let answer = store.poll_request(id).unwrap().unwrap().answer.unwrap();
        assert_eq!(answer.error.as_deref(), Some("HTTP 500"));
        assert!(store.remove_poll_request(id, false).unwrap());
        assert_eq!(store.poll_request(id).unwrap(), None);
    }
}
