//! Online backup of the database with SQLite's backup API (<https://www.sqlite.org/backup.html>),
//! safe while a daemon writes: the copy is one read transaction, which in WAL mode never
//! blocks the writer, so it is a consistent snapshot of one moment. The copy is written beside
//! its destination, checked with `PRAGMA integrity_check`, and only then renamed into place.

use std::path::{Path, PathBuf};
use std::thread;
use std::time::Duration;

use rusqlite::Connection;
use rusqlite::backup::{Backup, StepResult};

use super::Store;

/// Attempts while the source is busy or locked (e.g. a checkpoint holding it).
const BUSY_ATTEMPTS: u32 = 50;

/// Pause between two busy attempts.
const BUSY_PAUSE: Duration = Duration::from_millis(100);

/// What went wrong taking a backup.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The destination exists; a backup never overwrites a file.
    #[error(
        "{0} already exists; remove it or choose another file name (a backup never overwrites)"
    )]
    Exists(PathBuf),
    /// The copy could not be created or written.
    #[error("cannot write the backup {path}: {source}")]
    Write {
        /// The file being written.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
    /// The database stayed busy for every attempt.
    #[error("the database stayed busy for {attempts} attempts; try `newswatch backup` again")]
    Busy {
        /// Attempts made.
        attempts: u32,
    },
    /// The copy fails its integrity check, so it was removed.
    #[error(
        "the backup fails PRAGMA integrity_check ({report}); it was removed. The database itself may be damaged: run `sqlite3 DB 'PRAGMA integrity_check'`"
    )]
    Integrity {
        /// The check's first lines.
        report: String,
    },
    /// The checked copy could not be moved into place.
    #[error("cannot rename the checked backup {from} to {to}: {source}")]
    Rename {
        /// The checked copy.
        from: PathBuf,
        /// The destination.
        to: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
}

/// A finished backup.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackupReport {
    /// The backup file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its schema version (migrations applied).
    pub schema_version: i64,
}

impl Store {
    /// Copies the database to `dest` (which must not exist) as one consistent snapshot, in
    /// rollback-journal mode so the file stands alone, and checks it.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupReport, BackupError> {
        if dest.exists() {
            return Err(BackupError::Exists(dest.to_path_buf()));
        }
        let partial = partial_path(dest);
        let _ = std::fs::remove_file(&partial);
        let copied = self.copy_to(&partial).and_then(|()| check(&partial));
        let schema_version = match copied {
            Ok(version) => version,
            Err(err) => {
                let _ = std::fs::remove_file(&partial);
                return Err(err);
            }
        };
        std::fs::rename(&partial, dest).map_err(|source| BackupError::Rename {
            from: partial.clone(),
            to: dest.to_path_buf(),
            source,
        })?;
        let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
        Ok(BackupReport {
            path: dest.to_path_buf(),
            bytes,
            schema_version,
        })
    }

    /// Copies every page in one step: one read transaction, hence one snapshot.
    fn copy_to(&self, partial: &Path) -> Result<(), BackupError> {
        let write_err = |source| BackupError::Write {
            path: partial.to_path_buf(),
            source,
        };
        let mut dest = Connection::open(partial).map_err(write_err)?;
        {
            let backup = Backup::new(&self.conn, &mut dest).map_err(write_err)?;
            let mut attempts = 0;
            loop {
                match backup.step(-1).map_err(write_err)? {
                    StepResult::Done => break,
                    _ if attempts + 1 >= BUSY_ATTEMPTS => {
                        return Err(BackupError::Busy {
                            attempts: BUSY_ATTEMPTS,
                        });
                    }
                    _ => {
                        attempts += 1;
                        thread::sleep(BUSY_PAUSE);
                    }
                }
            }
        }
        dest.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))
            .map_err(write_err)?;
        dest.close().map_err(|(_, source)| write_err(source))
    }
}

/// Runs `PRAGMA integrity_check` on the copy; its schema version when the check says `ok`.
fn check(path: &Path) -> Result<i64, BackupError> {
    let write_err = |source| BackupError::Write {
        path: path.to_path_buf(),
        source,
    };
    let conn = Connection::open(path).map_err(write_err)?;
    let lines = conn
        .prepare("PRAGMA integrity_check(10)")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .map_err(write_err)?;
    if lines != ["ok"] {
        return Err(BackupError::Integrity {
            report: lines.join("; "),
        });
    }
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(write_err)
}

/// Where the copy is written before it is checked: beside `dest`, so the rename is atomic.
fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    dest.with_file_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_is_a_checked_standalone_copy_and_never_overwrites() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("news.db");
        let store = Store::open(&db).expect("open");
        let dest = dir.path().join("copy.db");
        let report = store.backup_to(&dest).expect("backup");
        assert!(report.bytes > 0);
        assert_eq!(
            report.schema_version,
            store.schema_version().expect("version")
        );
        assert!(!partial_path(&dest).exists());
        let copy = Connection::open(&dest).expect("open copy");
        let mode: String = copy
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .expect("journal mode");
        assert_eq!(mode, "delete");
        assert!(matches!(
            store.backup_to(&dest),
            Err(BackupError::Exists(path)) if path == dest
        ));
    }
}
