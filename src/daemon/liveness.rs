//! Keeps systemd informed while a round of the daemon runs (`Type=notify`, `WatchdogSec=`).
//!
//! A task of its own feeds the watchdog, but only while the [`Heartbeat`] shows the daemon's
//! loops turning (the scheduler beats on every turn, a backfill on every batch), so a daemon
//! whose loop is stuck stops feeding it and systemd restarts it. During start-up work (source
//! sync, backfill) the same task extends systemd's start timeout and reports what is being
//! done; `READY=1` is sent only once that work is over.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::sd_notify::{self, Heartbeat};

/// How often start-up work is reported when systemd asked for no watchdog.
const STARTUP_PING: Duration = Duration::from_secs(10);

/// The daemon's loops beat at least this often (the scheduler's longest sleep).
const SLOWEST_BEAT: Duration = Duration::from_secs(1);

/// The notifier task of one round; stopped when dropped.
pub(super) struct Liveness {
    heartbeat: Heartbeat,
    /// What start-up work is under way; `None` once the round is ready.
    starting: Arc<Mutex<Option<String>>>,
    task: Option<JoinHandle<()>>,
}

impl Liveness {
    /// Starts the task if systemd listens; says `status` as start-up work begins.
    pub(super) fn start(status: &str) -> Liveness {
        let mut liveness = Liveness {
            heartbeat: Heartbeat::default(),
            starting: Arc::new(Mutex::new(Some(status.to_string()))),
            task: None,
        };
        if !sd_notify::enabled() {
            return liveness;
        }
        let watchdog = sd_notify::watchdog_period();
        let every = watchdog.map_or(STARTUP_PING, |period| period / 2);
        extend_start(status, every);
        let (heartbeat, starting) = (liveness.heartbeat.clone(), Arc::clone(&liveness.starting));
        let task = tokio::spawn(async move {
            let mut ticks = tokio::time::interval(every);
            loop {
                ticks.tick().await;
                let status = starting
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone();
                if let Some(status) = status {
                    extend_start(&status, every);
                }
                if let Some(period) = watchdog {
                    feed(&heartbeat, period);
                }
            }
        });
        liveness.task = Some(task);
        liveness
    }

    /// The heartbeat the round's loops beat.
    pub(super) fn heartbeat(&self) -> &Heartbeat {
        &self.heartbeat
    }

    /// Reports a new step of start-up work.
    pub(super) fn step(&self, status: &str) {
        self.heartbeat.beat();
        *self.starting.lock().unwrap_or_else(PoisonError::into_inner) = Some(status.to_string());
        sd_notify::notify(&format!("STATUS={status}"));
    }

    /// Start-up work is over: `READY=1` with `status`.
    pub(super) fn ready(&self, status: &str) {
        self.heartbeat.beat();
        *self.starting.lock().unwrap_or_else(PoisonError::into_inner) = None;
        sd_notify::notify(&format!("READY=1\nSTATUS={status}"));
    }
}

impl Drop for Liveness {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// Asks systemd for three more ping periods to finish starting (or reloading).
fn extend_start(status: &str, every: Duration) {
    let usec = (every * 3).as_micros();
    sd_notify::notify(&format!("EXTEND_TIMEOUT_USEC={usec}\nSTATUS={status}"));
}

/// Feeds the watchdog if the loops beat within its period (or within the scheduler's longest
/// sleep, for periods shorter than that).
fn feed(heartbeat: &Heartbeat, period: Duration) {
    let age = heartbeat.age();
    if alive(age, period) {
        sd_notify::notify("WATCHDOG=1");
    } else {
        tracing::error!(
            stalled_secs = age.as_secs(),
            "the scheduler made no progress; no longer feeding the systemd watchdog"
        );
    }
}

/// Whether a last beat `age` ago proves the loops alive for a watchdog of `period`.
fn alive(age: Duration, period: Duration) -> bool {
    age < period.max(SLOWEST_BEAT * 3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_loop_that_stopped_beating_is_not_vouched_for() {
        let minute = Duration::from_secs(60);
        assert!(alive(Duration::from_secs(1), minute));
        assert!(!alive(minute, minute));
        // A period shorter than the scheduler's longest sleep allows for that sleep.
        let short = Duration::from_millis(200);
        assert!(alive(Duration::from_secs(2), short));
        assert!(!alive(Duration::from_secs(3), short));
    }
}
