//! The SQLite system of record: schema, migrations and every SQL statement.
//!
//! Other modules speak to it in typed structs. The database runs in WAL mode with a busy
//! timeout so that admins can read it with `sqlite3` while the daemon writes. This module holds
//! no business rules: it stores what it is told, atomically.

mod admin;
mod articles;
mod backup;
mod batch;
mod deliveries;
mod health;
mod links;
mod lock;
mod reports;
mod requests;
mod retention;
mod robots;
mod rules;
mod schema;
mod shared;
mod sinks;
mod sources;
mod stories;
mod story_view;
mod versions;
mod ways;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OpenFlags};

pub use admin::{ArticleAlert, ArticleDetail, RuleActivity, SinkDeliveries};
pub use articles::{NewAlert, NewArticle, StoreOutcome};
pub use backup::{BackupError, BackupReport};
pub use batch::Batch;
pub use deliveries::{DeliveredVia, DeliveryOutcome, DeliveryRow, PendingDelivery};
pub use health::{OutboxDepth, SourceHealth};
pub use lock::{DaemonLock, LockError, daemon_running, lock_path};
pub use reports::{AlertRow, SearchHit, SourceRow, Stats};
pub use requests::{PollAnswer, PollRequest};
pub use retention::{PruneCounts, PruneCursor, PrunePreview};
pub use robots::CachedRobots;
pub use rules::ArticleText;
pub use shared::SharedStore;
pub use sinks::SinkState;
pub use sources::{PollRecord, PollingDetails, SourceState};
pub use stories::{ArticleKeys, ArticleSignature, StoryCandidate};
pub use story_view::{StoryArticle, StoryVersion, StoryView};
pub use versions::{DueRevisit, PageCheck, RevisitRecord};
pub use ways::StoredWay;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 64;

/// Page cache of the connection, in KiB as `PRAGMA cache_size` takes it (negative). The
/// near-copy band index is the writer's (`dedup::BandIndex`, not in SQLite), so what the writer reuses from
/// the cache is the upper levels of the indexes and the pages of the open transaction: 4 MB
/// costs the writer no measurable CPU against 16 MB at 10,000 and at 1,000,000 stored
/// articles, and the daemon 12–18 MB less memory (docs/benchmarks.md, "Memory and the writer at 1,000,000").
const CACHE_KIB: i64 = -4_000;

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
    /// A read-only reader found a schema older than this build's; the daemon upgrades it.
    #[error(
        "database {path} has schema version {found}, older than this newswatch's ({known}); start the upgraded daemon (or run `newswatch run --once`) to migrate it, then read it"
    )]
    TooOld {
        /// The database file.
        path: PathBuf,
        /// Version recorded in the file.
        found: i64,
        /// Newest version this build knows.
        known: i64,
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
    /// The database could not leave WAL mode.
    #[error("database {path} stays in {mode} journal mode: another connection has it open")]
    JournalMode {
        /// The database file.
        path: PathBuf,
        /// The mode it stays in.
        mode: String,
    },
    /// A statement failed.
    #[error("database error: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The blocking task running a statement panicked or was cancelled.
    #[error("database task failed: {0}")]
    Task(String),
    /// The writer's near-copy index (a cache beside the database, `dedup::IndexError`) failed:
    /// the article was not stored, and is tried again at the next poll.
    #[error("{0}")]
    NearCopyIndex(Box<dyn std::error::Error + Send + Sync>),
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
        // The writer alone cycles through some 15 statements per article: with rusqlite's
        // default of 16 cached, any other use would evict them and have them parsed again.
        conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let mut store = Store { conn };
        store.migrate(path)?;
        Ok(store)
    }

    /// The folder of the database file, where the writer keeps its near-copy index's file (the
    /// system's temporary folder for a database in memory).
    pub fn folder(&self) -> PathBuf {
        match self.conn.path().map(Path::new).and_then(Path::parent) {
            Some(folder) if !folder.as_os_str().is_empty() => folder.to_path_buf(),
            _ => std::env::temp_dir(),
        }
    }

    /// Opens the database at `path` for reading only, for the admin commands: it never writes,
    /// migrates or creates a file, so a reader that may not write the database's folder (the
    /// admin group) can use it. With no daemon running (see [`DaemonLock`]) nothing can
    /// change the file, so it is opened `immutable` and needs no `-wal`/`-shm` files; beside a
    /// running daemon, or after a crash left a write-ahead log to read, it reads through the
    /// WAL like any SQLite reader. A database not
    /// created yet reads as empty.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        if !path.exists() {
            // No daemon has created it yet: it reads as empty, and nothing is created.
            let mut store = Store {
                conn: Connection::open_in_memory().map_err(open_err)?,
            };
            store.migrate(path)?;
            return Ok(store);
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = if daemon_running(path) || has_wal(path) {
            Connection::open_with_flags(path, flags)
        } else {
            Connection::open_with_flags(immutable_uri(path), flags)
        }
        .map_err(open_err)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        let store = Store { conn };
        let known = schema::MIGRATIONS.len() as i64;
        let found = store.schema_version().map_err(|err| match err {
            StoreError::Sql(source) => open_err(source),
            other => other,
        })?;
        let path = path.to_path_buf();
        match found.cmp(&known) {
            std::cmp::Ordering::Equal => Ok(store),
            std::cmp::Ordering::Less => Err(StoreError::TooOld { path, found, known }),
            std::cmp::Ordering::Greater => Err(StoreError::TooNew { path, found, known }),
        }
    }

    /// Leaves the database at `path` in rollback-journal mode, the write-ahead log folded into
    /// the file and removed: a stopping daemon calls it so that readers who may not create
    /// files in the database's folder (the admin group, `sqlite3 -readonly`) can read it while
    /// no daemon runs. The next [`Store::open`] turns WAL mode on again. Fails harmlessly
    /// (the file stays in WAL mode) while another connection is open.
    pub fn release_wal(path: &Path) -> Result<(), StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(2))
            .map_err(open_err)?;
        let mode: String = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
        if mode.eq_ignore_ascii_case("delete") {
            Ok(())
        } else {
            Err(StoreError::JournalMode {
                path: path.to_path_buf(),
                mode,
            })
        }
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

/// Whether a non-empty write-ahead log lies beside `path` (a daemon stopped without folding
/// it in): an `immutable` reader would not see the transactions in it.
fn has_wal(path: &Path) -> bool {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(PathBuf::from(wal)).is_ok_and(|m| m.len() > 0)
}

/// An SQLite URI naming `path` with `immutable=1` (RFC 8089 `file:` URI, percent-encoded).
fn immutable_uri(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match url::Url::from_file_path(&absolute) {
        Ok(mut url) => {
            url.set_query(Some("immutable=1"));
            url.to_string()
        }
        // Not absolute even now: let SQLite report the path as it was given.
        Err(()) => path.display().to_string(),
    }
}

/// `ids` as a JSON array (`[1,2,3]`), for one statement over many ids through `json_each(?)`:
/// a statement SQLite compiles once, whatever the number of ids.
fn json_ids(ids: &[i64]) -> String {
    use std::fmt::Write;
    let mut list = String::with_capacity(ids.len() * 8 + 2);
    list.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            list.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(list, "{id}");
    }
    list.push(']');
    list
}

/// Formats a time the way every column stores it: RFC 3339, UTC, whole seconds, `Z`.
///
/// One fixed format keeps text comparison in SQL equal to time comparison.
pub fn db_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A Russian article about a rally with `body`, fetched now: the tests' fixture for the
/// store, the batch and the writer.
#[cfg(test)]
pub(crate) fn test_article(source_id: i64, guid: &str, url: &str, body: &str) -> NewArticle {
    NewArticle {
        source_id,
        guid: guid.into(),
        url: url.into(),
        canonical_url: url.into(),
        title: Some("Митинг".into()),
        author: None,
        published_at: None,
        language: Some("ru".into()),
        summary: None,
        body: body.into(),
        extract_error: None,
        fetched_at: Utc::now(),
    }
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
    fn ids_are_listed_as_a_json_array() {
        assert_eq!(json_ids(&[]), "[]");
        assert_eq!(json_ids(&[7]), "[7]");
        assert_eq!(json_ids(&[1, -2, 30]), "[1,-2,30]");
    }

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
    fn a_read_only_store_reads_without_creating_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n b#1.db");
        drop(Store::open(&path).unwrap());
        let before: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        let store = Store::open_read_only(&path).unwrap();
        assert_eq!(store.stats().unwrap().articles, 0);
        drop(store);
        let after: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(before.len(), after.len());
        let missing = Store::open_read_only(&dir.path().join("none.db")).unwrap();
        assert_eq!(missing.stats().unwrap().sources, 0);
        assert!(!dir.path().join("none.db").exists());
    }

    #[test]
    fn a_read_only_store_sees_what_a_crashed_writer_left_in_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.db");
        let store = Store::open(&path).unwrap();
        store
            .conn
            .execute(
                "INSERT INTO sources (name, url, created_at) VALUES ('a', 'http://x', 'now')",
                [],
            )
            .unwrap();
        // A crash: the connection never closes, so the WAL is not folded into the file.
        std::mem::forget(store);
        assert!(has_wal(&path));
        assert_eq!(
            Store::open_read_only(&path)
                .unwrap()
                .stats()
                .unwrap()
                .sources,
            1
        );
    }

    #[test]
    fn db_time_round_trips_and_sorts_as_text() {
        let a = parse_db_time("2026-01-02T03:04:05Z").unwrap();
        assert_eq!(db_time(a), "2026-01-02T03:04:05Z");
        let b = a + chrono::Duration::seconds(1);
        assert!(db_time(a) < db_time(b));
    }
}
