//! The daemon lock: an exclusive `flock` on `<database>.lock`, held by `newswatch run` for its
//! whole life, so that a second daemon on the same database is refused at start instead of
//! failing its polls with `database is locked`.
//!
//! The kernel drops the lock when the process ends, however it ends (even `kill -9`), so a
//! stale lock file never blocks a restart. Readers use the same file to learn whether a
//! daemon is running, which decides how they open the database ([`super::Store::open_read_only`]).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why the daemon lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock.
    #[error(
        "another newswatch is already running on database {database} (it holds {lock}); stop it first (systemctl stop newswatch), or give this config its own [storage] database"
    )]
    Held {
        /// The database file.
        database: PathBuf,
        /// The lock file.
        lock: PathBuf,
    },
    /// The lock file could not be created or locked.
    #[error(
        "cannot lock {lock}: {source}; the database's folder must be writable by newswatch's user"
    )]
    Io {
        /// The lock file.
        lock: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The exclusive lock of a running daemon; released when dropped or when the process ends.
#[derive(Debug)]
pub struct DaemonLock {
    _file: File,
}

/// The lock file that guards `database`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

impl DaemonLock {
    /// Takes the lock for `database`, or says which process must stop first.
    pub fn acquire(database: &Path) -> Result<DaemonLock, LockError> {
        let lock = lock_path(database);
        let io = |source| LockError::Io {
            lock: lock.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    database: database.to_path_buf(),
                    lock,
                });
            }
            Err(TryLockError::Error(err)) => return Err(io(err)),
        }
        // The pid is for the admin reading the file; the lock itself is what counts.
        file.set_len(0).map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        Ok(DaemonLock { _file: file })
    }
}

/// Whether a daemon holds the lock of `database` now. A lock file that is missing or cannot
/// be opened means no daemon: a running daemon always has it open.
pub fn daemon_running(database: &Path) -> bool {
    let Ok(file) = File::open(lock_path(database)) else {
        return false;
    };
    matches!(file.try_lock_shared(), Err(TryLockError::WouldBlock))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("n.db");
        assert!(!daemon_running(&db));
        let first = DaemonLock::acquire(&db).unwrap();
        assert!(daemon_running(&db));
        let second = DaemonLock::acquire(&db).unwrap_err();
        assert!(matches!(second, LockError::Held { .. }), "{second}");
        assert!(second.to_string().contains("already running"), "{second}");
        drop(first);
        assert!(!daemon_running(&db));
        DaemonLock::acquire(&db).unwrap();
    }
}
