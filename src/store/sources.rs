//! The `sources` table: one row per configured source and its polling state.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time, parse_db_time};

/// What the scheduler and fetcher need to know about a source between polls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceState {
    /// Row id.
    pub id: i64,
    /// Source name from the config.
    pub name: String,
    /// Validator from the last 200 response, sent back as `If-None-Match`.
    pub etag: Option<String>,
    /// Validator from the last 200 response, sent back as `If-Modified-Since`.
    pub last_modified: Option<String>,
    /// When the source should next be polled; `None` when it never was.
    pub next_due_at: Option<DateTime<Utc>>,
    /// Failed polls since the last success.
    pub consecutive_failures: u32,
    /// The adaptive interval in force; `None` until the first success.
    pub interval: Option<Duration>,
}

/// Polling details shown by `newswatch sources` next to the common columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollingDetails {
    /// The adaptive interval in force.
    pub interval: Option<Duration>,
    /// Kind of the last failure (`network`, `server`, ...) while failing.
    pub failure_kind: Option<String>,
    /// When the server asked us to come back, if it did.
    pub retry_after_at: Option<String>,
}

/// The result of one poll, as recorded on the source's row.
#[derive(Debug, Clone)]
pub struct PollRecord {
    /// When the poll started.
    pub at: DateTime<Utc>,
    /// HTTP status of the feed response, if one arrived.
    pub status: Option<u16>,
    /// `None` on success, else what went wrong (shown to admins as is).
    pub error: Option<String>,
    /// On success, what was wrong with the feed although it could be read. A 304 keeps the
    /// stored warning: the feed it was about has not changed.
    pub warning: Option<String>,
    /// New validators; `None` keeps the stored ones.
    pub etag: Option<String>,
    /// New validators; `None` keeps the stored ones.
    pub last_modified: Option<String>,
    /// Items in the feed not seen before.
    pub new_items: u64,
    /// When to poll next.
    pub next_due_at: DateTime<Utc>,
    /// On success, the adaptive interval from now on.
    pub interval: Option<Duration>,
    /// On failure, its kind.
    pub failure_kind: Option<&'static str>,
    /// On failure, when the server asked us to come back.
    pub retry_after: Option<DateTime<Utc>>,
}

impl Store {
    /// Makes the `sources` table match the config: adds new sources, updates URLs, and marks
    /// sources no longer configured inactive (their history stays). A source whose URL changed
    /// starts afresh: validators, failure count, last error, learnt interval and backoff are
    /// forgotten, so it is polled at once. Returns the state of each
    /// configured source, in the order given.
    pub fn sync_sources<'a>(
        &mut self,
        configured: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Vec<SourceState>, StoreError> {
        let now = db_time(Utc::now());
        let tx = self.conn.transaction()?;
        tx.execute("UPDATE sources SET active = 0", [])?;
        let mut names = Vec::new();
        for (name, url) in configured {
            tx.execute(
                "INSERT INTO sources (name, url, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT(name) DO UPDATE SET active = 1,
                    etag = CASE WHEN url = excluded.url THEN etag END,
                    last_modified = CASE WHEN url = excluded.url THEN last_modified END,
                    consecutive_failures = CASE WHEN url = excluded.url
                        THEN consecutive_failures ELSE 0 END,
                    last_error = CASE WHEN url = excluded.url THEN last_error END,
                    last_status = CASE WHEN url = excluded.url THEN last_status END,
                    failure_kind = CASE WHEN url = excluded.url THEN failure_kind END,
                    retry_after_at = CASE WHEN url = excluded.url THEN retry_after_at END,
                    next_due_at = CASE WHEN url = excluded.url THEN next_due_at END,
                    interval_secs = CASE WHEN url = excluded.url THEN interval_secs END,
                    way_kind = CASE WHEN url = excluded.url THEN way_kind END,
                    way_url = CASE WHEN url = excluded.url THEN way_url END,
                    way_reason = CASE WHEN url = excluded.url THEN way_reason END,
                    way_at = CASE WHEN url = excluded.url THEN way_at END,
                    url = excluded.url",
                params![name, url, now],
            )?;
            names.push(name);
        }
        tx.commit()?;
        names
            .into_iter()
            .map(|name| {
                self.source_state(name)?
                    .ok_or(StoreError::Sql(rusqlite::Error::QueryReturnedNoRows))
            })
            .collect()
    }

    /// The state of the source called `name`, if it exists.
    pub fn source_state(&self, name: &str) -> Result<Option<SourceState>, StoreError> {
        let state = self
            .conn
            .query_row(
                "SELECT id, name, etag, last_modified, next_due_at, consecutive_failures,
                    interval_secs
                 FROM sources WHERE name = ?1",
                [name],
                |r| {
                    let next: Option<String> = r.get(4)?;
                    Ok(SourceState {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        etag: r.get(2)?,
                        last_modified: r.get(3)?,
                        next_due_at: next.as_deref().and_then(parse_db_time),
                        consecutive_failures: r.get(5)?,
                        interval: r.get::<_, Option<i64>>(6)?.map(secs),
                    })
                },
            )
            .optional()?;
        Ok(state)
    }

    /// Records the outcome of a poll on the source's row.
    pub fn record_poll(&mut self, source_id: i64, poll: &PollRecord) -> Result<(), StoreError> {
        let at = db_time(poll.at);
        let next = db_time(poll.next_due_at);
        let interval = poll.interval.map(|d| d.as_secs() as i64);
        match &poll.error {
            None => self.conn.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_success_at = ?2, last_status = ?3,
                    last_error = NULL, consecutive_failures = 0, failure_kind = NULL,
                    retry_after_at = NULL,
                    etag = COALESCE(?4, etag), last_modified = COALESCE(?5, last_modified),
                    items_seen = items_seen + ?6, next_due_at = ?7,
                    interval_secs = COALESCE(?8, interval_secs),
                    last_warning = CASE WHEN ?3 = 304 THEN last_warning ELSE ?9 END
                 WHERE id = ?1",
                params![
                    source_id,
                    at,
                    poll.status,
                    poll.etag,
                    poll.last_modified,
                    poll.new_items as i64,
                    next,
                    interval,
                    poll.warning
                ],
            )?,
            Some(error) => self.conn.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_status = ?3, last_error = ?4,
                    consecutive_failures = consecutive_failures + 1, next_due_at = ?5,
                    failure_kind = ?6, retry_after_at = ?7
                 WHERE id = ?1",
                params![
                    source_id,
                    at,
                    poll.status,
                    error,
                    next,
                    poll.failure_kind,
                    poll.retry_after.map(db_time)
                ],
            )?,
        };
        Ok(())
    }

    /// Moves a source's next poll to `until` without recording an attempt (its host asked
    /// everyone to wait, and this source was not even asked).
    pub fn defer_source(&mut self, source_id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sources SET next_due_at = ?2, retry_after_at = ?2 WHERE id = ?1",
            params![source_id, db_time(until)],
        )?;
        Ok(())
    }

    /// Polling details of every source, by name.
    pub fn polling_details(&self) -> Result<HashMap<String, PollingDetails>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT name, interval_secs, failure_kind, retry_after_at FROM sources")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                PollingDetails {
                    interval: r.get::<_, Option<i64>>(1)?.map(secs),
                    failure_kind: r.get(2)?,
                    retry_after_at: r.get(3)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Reads a stored interval; a negative value (hand-edited row) counts as zero.
fn secs(n: i64) -> Duration {
    Duration::from_secs(u64::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("n.db")).unwrap();
        (dir, store)
    }

    fn poll(error: Option<&str>, etag: Option<&str>) -> PollRecord {
        PollRecord {
            at: Utc::now(),
            status: Some(200),
            error: error.map(String::from),
            warning: None,
            etag: etag.map(String::from),
            last_modified: None,
            new_items: 2,
            next_due_at: Utc::now(),
            interval: error.is_none().then_some(Duration::from_secs(600)),
            failure_kind: error.map(|_| "server"),
            retry_after: None,
        }
    }

    #[test]
    fn a_warning_is_replaced_by_the_next_200_and_kept_by_a_304() {
        let (_dir, mut store) = store();
        let id = store.sync_sources([("a", "http://x/feed")]).unwrap()[0].id;
        let warned = |status, warning: Option<&str>| PollRecord {
            status: Some(status),
            warning: warning.map(String::from),
            ..poll(None, None)
        };
        let stored = |store: &Store| -> Option<String> {
            store
                .conn
                .query_row(
                    "SELECT last_warning FROM sources WHERE id = ?1",
                    [id],
                    |r| r.get(0),
                )
                .unwrap()
        };
        store
            .record_poll(id, &warned(200, Some("broken XML")))
            .unwrap();
        store.record_poll(id, &warned(304, None)).unwrap();
        assert_eq!(stored(&store).as_deref(), Some("broken XML"));
        store.record_poll(id, &warned(200, None)).unwrap();
        assert_eq!(stored(&store), None);
    }

    #[test]
    fn failures_count_up_and_success_resets_them_keeping_validators() {
        let (_dir, mut store) = store();
        let id = store.sync_sources([("a", "http://x/feed")]).unwrap()[0].id;
        store.record_poll(id, &poll(None, Some("\"v1\""))).unwrap();
        store.record_poll(id, &poll(Some("boom"), None)).unwrap();
        store.record_poll(id, &poll(Some("boom"), None)).unwrap();
        let state = store.source_state("a").unwrap().unwrap();
        assert_eq!(state.consecutive_failures, 2);
        assert_eq!(state.etag.as_deref(), Some("\"v1\""));
        assert_eq!(state.interval, Some(Duration::from_secs(600)));
        let details = &store.polling_details().unwrap()["a"];
        assert_eq!(details.failure_kind.as_deref(), Some("server"));
        store.record_poll(id, &poll(None, None)).unwrap();
        let state = store.source_state("a").unwrap().unwrap();
        assert_eq!(state.consecutive_failures, 0);
        assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    }

    #[test]
    fn a_changed_url_forgets_the_validators_and_the_failures() {
        let (_dir, mut store) = store();
        let id = store.sync_sources([("a", "http://x/feed")]).unwrap()[0].id;
        store.record_poll(id, &poll(None, Some("\"v1\""))).unwrap();
        store.record_poll(id, &poll(Some("boom"), None)).unwrap();
        let again = store.sync_sources([("a", "http://x/feed")]).unwrap();
        assert_eq!(again[0].etag.as_deref(), Some("\"v1\""));
        assert_eq!(again[0].consecutive_failures, 1);
        let moved = store.sync_sources([("a", "http://y/feed")]).unwrap();
        assert_eq!(moved[0].id, id);
        assert_eq!(moved[0].etag, None);
        assert_eq!(moved[0].consecutive_failures, 0);
        assert_eq!((moved[0].next_due_at, moved[0].interval), (None, None));
        assert_eq!(store.polling_details().unwrap()["a"].failure_kind, None);
    }
}
