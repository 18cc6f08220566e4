//! `newswatch backup FILE`: a checked copy of the database, safe while the daemon runs.

use std::path::Path;
use std::process::ExitCode;

use newswatch::store::Store;

use super::run::load_config;

/// `newswatch backup FILE --config F`: exit 0 with the copy in place, 1 if it failed (no
/// file is left behind then), 2 on a bad config.
pub fn backup(config: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let config = match load_config(config) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    if !config.database.exists() {
        eprintln!(
            "error: there is no database at {} yet; `newswatch run` creates it",
            config.database.display()
        );
        return Ok(ExitCode::from(1));
    }
    let store = match Store::open_read_only(&config.database) {
        Ok(store) => store,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(1));
        }
    };
    match store.backup_to(file) {
        Ok(report) => {
            outln!(
                "backed up {} to {} ({} bytes, schema version {}); PRAGMA integrity_check: ok",
                config.database.display(),
                report.path.display(),
                report.bytes,
                report.schema_version
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("error: backing up {}: {err}", config.database.display());
            Ok(ExitCode::from(1))
        }
    }
}
