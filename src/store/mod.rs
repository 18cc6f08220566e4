//! The SQLite system of record: schema, migrations and every SQL statement.
//!
//! Other modules speak to it in typed structs. The database runs in WAL mode with a busy
//! timeout so that admins can read it with `sqlite3` while the daemon writes. This module holds
//! no business rules: it stores what it is told, atomically.

mod articles;
mod batch;
mod deliveries;
mod reports;
mod robots;
mod rules;
mod schema;
mod shared;
mod sinks;
mod sources;
mod stories;
mod story_view;
mod versions;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::Connection;

pub use articles::{NewAlert, NewArticle, StoreOutcome};
pub use batch::Batch;
pub use deliveries::{DeliveredVia, DeliveryOutcome, DeliveryRow, PendingDelivery};
pub use reports::{AlertRow, SearchHit, SourceRow, Stats};
pub use robots::CachedRobots;
pub use rules::ArticleText;
pub use shared::SharedStore;
pub use sinks::SinkState;
pub use sources::{PollRecord, PollingDetails, SourceState};
pub use stories::{ArticleKeys, ArticleSignature, StoryCandidate};
pub use story_view::{StoryArticle, StoryVersion, StoryView};
pub use versions::{DueRevisit, PageCheck, RevisitRecord};

/// Page cache of the connection, in KiB as `PRAGMA cache_size` takes it (negative). Big
/// enough to hold the near-copy band index of a busy month (about 1 KiB per article), so
/// adding an article's band rows does not read pages back from the file.
const CACHE_KIB: i64 = -16_000;

/// How long a statement waits for another connection's lock before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A failed database operation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file could not be opened or prepared.
    #[error("cannot open database {path}: {source}; check the path and its folder's permissions")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// The file was written by a newer newswatch.
    #[error(
        "database {path} has schema version {found}, newer than this newswatch knows ({known}); upgrade newswatch"
    )]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Version recorded in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The blocking task running a statement panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
    /// A full-text query was not valid FTS5 syntax.
    #[error(
        "bad search query {query:?}: {reason}; see the SQLite FTS5 query syntax (words, \"phrases\", prefix*, AND, OR, NOT)"
    )]
    BadSearch {
        /// The query as given.
        query: String,
        /// SQLite's explanation.
        reason: String,
    },
}

/// An open database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.pragma_update(None, "cache_size", CACHE_KIB)
            .map_err(open_err)?;
        let mut store = Store { conn };
        store.migrate(path)?;
        Ok(store)
    }

    /// The schema version of this database.
    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, path: &Path) -> Result<(), StoreError> {
        let known = schema::MIGRATIONS.len() as i64;
        let found = self.schema_version()?;
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        for (index, sql) in schema::MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", index as i64 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }
}

/// Formats a time the way every column stores it: RFC 3339, UTC, whole seconds, `Z`.
///
/// One fixed format keeps text comparison in SQL equal to time comparison.
pub fn db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Reads a time written by [`db_time`].
pub fn parse_db_time(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_twice_keeps_schema_and_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            schema::MIGRATIONS.len() as i64
        );
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            schema::MIGRATIONS.len() as i64
        );
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        Store::open(&path)
            .unwrap()
            .conn
            .pragma_update(None, "user_version", 999)
            .unwrap();
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 999, .. })
        ));
    }

    #[test]
    fn db_time_round_trips_and_sorts_as_text() {
        let a = parse_db_time("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(db_time(a), "2026-01-02T03:04:05Z");
        let b = a + chrono::Duration::seconds(1);
        assert!(db_time(a) < db_time(b));
    }
}
