//! `newswatch poll SOURCE`: poll one source now and report what the poll found.
//!
//! With a daemon running on the database (it holds `<database>.lock`), the command writes a
//! request row that the daemon's scheduler takes within about a second, and waits for the
//! answer the daemon writes back. With none, it takes the daemon lock itself (so no daemon
//! can start meanwhile) and runs the same pipeline in this process, delivering as
//! `run --once` does.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use newswatch::config::Config;
use newswatch::daemon::{self, OnePoll};
use newswatch::store::{DaemonLock, LockError, PollAnswer, Store, StoreError, daemon_running};
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::json;
use super::run::load_runnable;

/// How often the command looks for the daemon's answer.
const LOOK_EVERY: Duration = Duration::from_millis(200);

/// What `poll --json` prints.
#[derive(Serialize)]
struct Polled<'a> {
    source: &'a str,
    /// `daemon` (the running daemon polled it) or `direct` (this process did).
    via: &'static str,
    /// Whether the source was polled and the poll succeeded.
    ok: bool,
    stored: i64,
    linked: i64,
    alerts: i64,
    /// When the host asked every poll to wait, the poll was put off until then.
    deferred_until: Option<String>,
    error: Option<String>,
    /// Deliveries made afterwards (`direct` only; a daemon delivers on its own).
    delivered: Option<usize>,
}

/// `newswatch poll SOURCE [--wait D] [--json]`.
pub fn poll(path: &Path, source: &str, wait: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let Ok(wait) = humantime::parse_duration(wait) else {
        eprintln!("error: --wait {wait:?} is not a duration; write it like \"30s\" or \"5m\"");
        return Ok(ExitCode::from(2));
    };
    let config = match load_runnable(path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    if config.source(source).is_none() {
        eprintln!(
            "error: {} has no source named {source:?}; `newswatch sources` lists them",
            path.display()
        );
        return Ok(ExitCode::from(2));
    }
    let polled = if daemon_running(&config.database) {
        through_daemon(&config, source, wait).map(|answer| (answer, None))
    } else {
        match DaemonLock::acquire(&config.database) {
            Ok(lock) => {
                let one = direct(config, source, lock)?;
                Ok((one.answer, Some(one.delivered)))
            }
            Err(LockError::Held { .. }) => {
                through_daemon(&config, source, wait).map(|answer| (answer, None))
            }
            Err(err) => Err(err.to_string()),
        }
    };
    let (answer, delivered) = match polled {
        Ok(polled) => polled,
        Err(why) => {
            eprintln!("error: {why}");
            return Ok(ExitCode::from(1));
        }
    };
    let ok = !answer.failed && answer.deferred_until.is_none();
    if as_json {
        json::print(&Polled {
            source,
            via: if delivered.is_some() {
                "direct"
            } else {
                "daemon"
            },
            ok,
            stored: answer.stored,
            linked: answer.linked,
            alerts: answer.alerts,
            deferred_until: answer.deferred_until.map(newswatch::store::db_time),
            error: answer.error.clone(),
            delivered,
        })?;
    } else {
        print_text(source, &answer, delivered);
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_text(source: &str, answer: &PollAnswer, delivered: Option<usize>) {
    if let Some(until) = answer.deferred_until {
        eprintln!(
            "error: {source} was not polled: its host asked every client to wait until {}; try again then",
            newswatch::store::db_time(until)
        );
    } else if answer.failed {
        let why = answer.error.as_deref().unwrap_or("see `newswatch sources`");
        eprintln!("error: polling {source} failed: {why}");
    } else {
        let via = match delivered {
            Some(n) => format!("here, no daemon running; {n} deliveries made"),
            None => "by the running daemon".into(),
        };
        outln!(
            "polled {source} ({via}): {} new articles, {} linked, {} alerts",
            answer.stored,
            answer.linked,
            answer.alerts
        );
    }
}

/// Asks the running daemon to poll `source` and waits up to `wait` for its answer.
fn through_daemon(config: &Config, source: &str, wait: Duration) -> Result<PollAnswer, String> {
    let database = &config.database;
    // An older daemon would know no request table, and this binary must not migrate under it.
    if let Err(err @ StoreError::TooOld { .. }) = Store::open_read_only(database) {
        return Err(format!(
            "{err}; the running daemon is older than this newswatch: restart it first (systemctl restart newswatch)"
        ));
    }
    let cannot_ask = |err: StoreError| {
        format!(
            "cannot ask the running daemon for a poll: {err}; run `newswatch poll` as the service's user, who may write the database"
        )
    };
    let mut store = Store::open(database).map_err(cannot_ask)?;
    let id = store.request_poll(source).map_err(cannot_ask)?;
    let deadline = Instant::now() + wait;
    loop {
        std::thread::sleep(LOOK_EVERY);
        let request = store.poll_request(id).map_err(|err| err.to_string())?;
        let Some(request) = request else {
            return Err(format!(
                "the request to poll {source} was removed before the daemon answered it"
            ));
        };
        if let Some(answer) = request.answer {
            if let Err(err) = store.remove_poll_request(id, false) {
                tracing::warn!(error = %err, "cannot remove the answered poll request; the daemon removes it within a day");
            }
            return Ok(answer);
        }
        let stopped = !daemon_running(database);
        if stopped || Instant::now() >= deadline {
            // A request the daemon has not taken yet is withdrawn; a taken one is answered
            // by the daemon if it still can, and removed within a day.
            let _ = store.remove_poll_request(id, true);
            return Err(if stopped {
                format!(
                    "the daemon stopped before it had polled {source}; run `newswatch poll {source}` again"
                )
            } else {
                format!(
                    "the running daemon did not finish polling {source} within {}; `newswatch sources` shows its last poll",
                    humantime::format_duration(wait)
                )
            });
        }
    }
}

/// Polls `source` in this process, holding the daemon lock `_lock` throughout.
fn direct(config: Config, source: &str, _lock: DaemonLock) -> anyhow::Result<OnePoll> {
    let database = config.database.clone();
    let prepared = daemon::prepare(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let polled = runtime.block_on(async {
        let cancel = CancellationToken::new();
        let on_interrupt = cancel.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                on_interrupt.cancel();
            }
        });
        daemon::poll_one(prepared, source, cancel).await
    })?;
    drop(runtime);
    if let Err(err) = super::run::release_wal(&database) {
        tracing::warn!(error = %err, "the database stays in WAL mode until the next clean stop");
    }
    polled.ok_or_else(|| anyhow::anyhow!("the config has no source named {source:?}"))
}
