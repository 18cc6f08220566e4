//! What the metrics endpoint reads at scrape time and the health check's write probe: each
//! a single query over a small set of rows (the outbox's waiting deliveries, the configured
//! sources), run on a connection of the endpoint's own.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::{Store, StoreError, parse_db_time};

/// Deliveries waiting for one sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxDepth {
    /// The sink's name.
    pub sink: String,
    /// Deliveries pending or retrying.
    pub waiting: i64,
    /// When the oldest of their alerts was raised.
    pub oldest: Option<DateTime<Utc>>,
}

/// One configured source's polling health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceHealth {
    /// The source's name.
    pub name: String,
    /// Whether its last poll failed.
    pub failing: bool,
    /// Its last successful poll.
    pub last_success: Option<DateTime<Utc>>,
}

impl Store {
    /// Waiting deliveries per sink (through the `deliveries_state` index: the rows read are
    /// the outbox itself, never the delivered history).
    pub fn outbox_depth(&self) -> Result<Vec<OutboxDepth>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT d.sink, count(*), min(a.created_at)
             FROM deliveries d JOIN alerts a ON a.id = d.alert_id
             WHERE d.state IN ('pending', 'retrying')
             GROUP BY d.sink",
        )?;
        let rows = stmt.query_map([], |r| {
            let oldest: Option<String> = r.get(2)?;
            Ok(OutboxDepth {
                sink: r.get(0)?,
                waiting: r.get(1)?,
                oldest: oldest.as_deref().and_then(parse_db_time),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every active source's failing state and last success (one row per configured source).
    pub fn source_health(&self) -> Result<Vec<SourceHealth>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT name, consecutive_failures > 0, last_success_at FROM sources WHERE active",
        )?;
        let rows = stmt.query_map([], |r| {
            let last: Option<String> = r.get(2)?;
            Ok(SourceHealth {
                name: r.get(0)?,
                failing: r.get(1)?,
                last_success: last.as_deref().and_then(parse_db_time),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the database at `path` takes a write transaction within `wait`: opens it
    /// read-write, begins an immediate (write-locking) transaction and rolls it back at once,
    /// writing nothing. Fails when the file cannot be opened for writing or another
    /// connection holds the write lock for longer than `wait`.
    pub fn probe_write(path: &Path, wait: Duration) -> Result<(), StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(open_err)?;
        conn.busy_timeout(wait).map_err(open_err)?;
        conn.execute_batch("BEGIN IMMEDIATE; ROLLBACK;")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_write_lock_fails_the_probe_and_its_release_passes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        let mut store = Store::open(&path).unwrap();
        store.sync_sources([("a", "http://a/")]).unwrap();
        Store::probe_write(&path, Duration::from_millis(50)).unwrap();
        let holder = Connection::open(&path).unwrap();
        holder.execute_batch("BEGIN IMMEDIATE").unwrap();
        let err = Store::probe_write(&path, Duration::from_millis(50)).unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        holder.execute_batch("ROLLBACK").unwrap();
        Store::probe_write(&path, Duration::from_millis(50)).unwrap();
        let sources = store.source_health().unwrap();
        assert_eq!(sources.len(), 1);
        assert!(!sources[0].failing && sources[0].last_success.is_none());
        assert!(store.outbox_depth().unwrap().is_empty());
    }
}
