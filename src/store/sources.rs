//! The `sources` table: one row per configured source and its polling state.

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
    /// New validators; `None` keeps the stored ones.
    pub etag: Option<String>,
    /// New validators; `None` keeps the stored ones.
    pub last_modified: Option<String>,
    /// Items in the feed not seen before.
    pub new_items: u64,
    /// When to poll next.
    pub next_due_at: DateTime<Utc>,
}

impl Store {
    /// Makes the `sources` table match the config: adds new sources, updates URLs, and marks
    /// sources no longer configured inactive (their history stays). Returns the state of each
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
                "SELECT id, name, etag, last_modified, next_due_at, consecutive_failures
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
        match &poll.error {
            None => self.conn.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_success_at = ?2, last_status = ?3,
                    last_error = NULL, consecutive_failures = 0,
                    etag = COALESCE(?4, etag), last_modified = COALESCE(?5, last_modified),
                    items_seen = items_seen + ?6, next_due_at = ?7
                 WHERE id = ?1",
                params![
                    source_id,
                    at,
                    poll.status,
                    poll.etag,
                    poll.last_modified,
                    poll.new_items as i64,
                    next
                ],
            )?,
            Some(error) => self.conn.execute(
                "UPDATE sources SET last_attempt_at = ?2, last_status = ?3, last_error = ?4,
                    consecutive_failures = consecutive_failures + 1, next_due_at = ?5
                 WHERE id = ?1",
                params![source_id, at, poll.status, error, next],
            )?,
        };
        Ok(())
    }
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
            etag: etag.map(String::from),
            last_modified: None,
            new_items: 2,
            next_due_at: Utc::now(),
        }
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
        store.record_poll(id, &poll(None, None)).unwrap();
        let state = store.source_state("a").unwrap().unwrap();
        assert_eq!(state.consecutive_failures, 0);
        assert_eq!(state.etag.as_deref(), Some("\"v1\""));
    }

    #[test]
    fn a_changed_url_forgets_the_validators() {
        let (_dir, mut store) = store();
        let id = store.sync_sources([("a", "http://x/feed")]).unwrap()[0].id;
        store.record_poll(id, &poll(None, Some("\"v1\""))).unwrap();
        let again = store.sync_sources([("a", "http://x/feed")]).unwrap();
        assert_eq!(again[0].etag.as_deref(), Some("\"v1\""));
        let moved = store.sync_sources([("a", "http://y/feed")]).unwrap();
        assert_eq!(moved[0].id, id);
        assert_eq!(moved[0].etag, None);
    }
}
