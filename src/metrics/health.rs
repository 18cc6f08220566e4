//! `GET /health`: healthy while the scheduler loop turns and the database takes writes.
//!
//! Each daemon round hands its heartbeat (the one that feeds systemd's watchdog) to
//! [`watch_scheduler`]; the check reads its age, then probes the database for a write lock.

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::sd_notify::Heartbeat;
use crate::store::Store;

/// A scheduler that has not beaten for this long is stalled (it beats at least every second
/// while it runs; start-up work beats once per batch).
const STALLED_AFTER: Duration = Duration::from_secs(15);

/// How long the write probe waits for another connection's write lock.
const WRITE_WAIT: Duration = Duration::from_secs(2);

/// The running round's heartbeat and configured sinks.
static ROUND: Mutex<Option<Round>> = Mutex::new(None);

/// What the running daemon round registered.
#[derive(Clone)]
pub(super) struct Round {
    heartbeat: Heartbeat,
    /// The sinks its outbox feeds, so each shows in the outbox gauges even when empty.
    pub(super) sinks: Vec<String>,
}

/// Called by each daemon round as it starts: its loops beat `heartbeat`; `sinks` are the
/// configured sinks.
pub fn watch_scheduler(heartbeat: &Heartbeat, sinks: &[String]) {
    *ROUND.lock().unwrap_or_else(PoisonError::into_inner) = Some(Round {
        heartbeat: heartbeat.clone(),
        sinks: sinks.to_vec(),
    });
}

/// The running round, if one started.
pub(super) fn round() -> Option<Round> {
    ROUND.lock().unwrap_or_else(PoisonError::into_inner).clone()
}

/// `Ok` when healthy, or why not. Blocking (the write probe).
pub(super) fn check(database: &Path) -> Result<(), String> {
    let Some(round) = round() else {
        return Err("the scheduler has not started yet".into());
    };
    scheduler(round.heartbeat.age())?;
    Store::probe_write(database, WRITE_WAIT)
        .map_err(|err| format!("the database {} takes no writes: {err}", database.display()))
}

/// Whether a last beat `age` ago shows the scheduler turning.
fn scheduler(age: Duration) -> Result<(), String> {
    if age < STALLED_AFTER {
        Ok(())
    } else {
        Err(format!(
            "the scheduler loop made no progress for {} s",
            age.as_secs()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scheduler_silent_past_the_limit_is_reported_stalled() {
        assert!(scheduler(Duration::from_secs(1)).is_ok());
        let stalled = scheduler(Duration::from_secs(40)).unwrap_err();
        assert!(stalled.contains("no progress for 40 s"), "{stalled}");
    }
}
