//! `run` and `check-config`.

use std::net::SocketAddr;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::config::{Config, ConfigError};
use newswatch::daemon::{self, Prepared};
use newswatch::metrics::{MetricsServer, ServeError};
use newswatch::preflight;
use newswatch::sd_notify;
use newswatch::store::{DaemonLock, Store, StoreError};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::signals;

/// Threads for blocking work (SQLite lookups, file reads) at most; more wait in a queue.
/// Bounded so the unit's `TasksMax=` is never hit (tokio's default is 512). CPU work
/// (parsing, extraction, matching) has its own pool of one thread per core plus one.
const MAX_BLOCKING_THREADS: usize = 128;

/// Attempts at leaving WAL mode at a clean stop, and the pause between two.
const RELEASE_TRIES: u32 = 20;
const RELEASE_PAUSE: std::time::Duration = std::time::Duration::from_millis(50);

/// What `run --once` says when no source could be polled.
const ALL_FAILED: &str = "no source could be polled — is the network up?";

/// Loads the config; on failure prints every problem and yields exit code 2.
pub fn load_config(path: &Path) -> Result<Config, ExitCode> {
    Config::load(path).map_err(|err| {
        eprintln!("{err}");
        if let ConfigError::Invalid { problems, .. } = &err {
            eprintln!(
                "{} problem(s) in {}; fix them and run `newswatch check-config` again",
                problems.len(),
                path.display()
            );
        }
        ExitCode::from(2)
    })
}

/// Loads the config and checks that it can run here ([`preflight::check`]); on failure
/// prints every problem and yields exit code 2.
pub(super) fn load_runnable(path: &Path) -> Result<Config, ExitCode> {
    let config = load_config(path)?;
    refuse(path, preflight::check(&config))?;
    Ok(config)
}

/// Prints every problem that stops `path` from running and yields exit code 2, if any.
fn refuse(path: &Path, problems: Vec<String>) -> Result<(), ExitCode> {
    if problems.is_empty() {
        return Ok(());
    }
    for problem in &problems {
        eprintln!("{}: {problem}", path.display());
    }
    eprintln!(
        "{} problem(s) would stop newswatch from running {}; fix them and run `newswatch check-config` again (as the service's user)",
        problems.len(),
        path.display()
    );
    Err(ExitCode::from(2))
}

/// `newswatch check-config`: the file, and everything `run` needs from this machine, the
/// trust store included ([`preflight::trust_store`]), which `run` itself leaves to the first
/// HTTPS handshake.
pub fn check_config(path: &Path) -> anyhow::Result<ExitCode> {
    let config = match load_config(path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let mut problems = preflight::check(&config);
    problems.extend(preflight::trust_store(&config));
    if let Err(code) = refuse(path, problems) {
        return Ok(code);
    }
    outln!(
        "{}: OK ({} sources, {} rules, {} sinks; database {})",
        path.display(),
        config.sources.len(),
        config.rules.len(),
        config.sinks.len(),
        config.database.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `newswatch run [--once]`. Holds the database's daemon lock for the whole run; exits 1
/// when `--once` polled sources and every poll failed.
pub fn run(path: &Path, once: bool) -> anyhow::Result<ExitCode> {
    let config = match load_runnable(path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let _lock = match DaemonLock::acquire(&config.database) {
        Ok(lock) => lock,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(1));
        }
    };
    if config.sources.is_empty() {
        tracing::warn!("the config lists no [[source]]; nothing will be polled");
    }
    let database = config.database.clone();
    let listen = config.metrics.listen;
    let prepared = daemon::prepare(config)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(MAX_BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        let stop = CancellationToken::new();
        let (reload_tx, reloads) = mpsc::channel(1);
        tokio::spawn(signals::listen(path.to_path_buf(), stop.clone(), reload_tx));
        if once {
            drop(reloads);
            return Ok(daemon::run_prepared(prepared, true, stop).await?);
        }
        let endpoint = Endpoint::start(listen, &database).await?;
        Ok::<_, anyhow::Error>(supervise(prepared, &database, endpoint, stop, reloads).await?)
    })?;
    drop(runtime);
    if let Err(err) = release_wal(&database) {
        tracing::warn!(error = %err, "the database stays in WAL mode; admins reading it need write access to its folder until the next clean stop");
    }
    if !once {
        return Ok(ExitCode::SUCCESS);
    }
    outln!(
        "polled {} sources ({} failed): {} new articles, {} linked, {} alerts, {} backfill alerts, {} deliveries",
        summary.polled,
        summary.failed,
        summary.stored,
        summary.linked,
        summary.alerts,
        summary.backfill_alerts,
        summary.delivered
    );
    if summary.all_failed() {
        eprintln!("error: {ALL_FAILED} (`newswatch sources` shows each source's error)");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Leaves the database out of WAL mode at a clean stop ([`Store::release_wal`]). The writer
/// thread closes its connection a moment after the runtime has stopped, so while another
/// connection is still open the attempt is repeated for up to a second.
pub(super) fn release_wal(database: &Path) -> Result<(), StoreError> {
    let mut tries = 0;
    loop {
        match Store::release_wal(database) {
            Err(StoreError::JournalMode { .. } | StoreError::Sql(_)) if tries < RELEASE_TRIES => {
                tries += 1;
                std::thread::sleep(RELEASE_PAUSE);
            }
            done => return done,
        }
    }
}

/// Runs the daemon until `stop`. A reloaded config is first prepared beside the running one
/// (database, secrets, clients); only if that succeeds is the running round stopped at a safe
/// point and the new one started. Schedules and validators live in SQLite, so a reload loses
/// nothing; a reload that cannot run is logged and the running config kept.
async fn supervise(
    mut prepared: Prepared,
    database: &Path,
    mut endpoint: Endpoint,
    stop: CancellationToken,
    mut reloads: mpsc::Receiver<Config>,
) -> Result<daemon::RunSummary, daemon::DaemonError> {
    loop {
        let round = stop.child_token();
        let running = daemon::run_prepared(prepared, false, round.clone());
        tokio::pin!(running);
        prepared = loop {
            tokio::select! {
                result = &mut running => return result,
                Some(next) = reloads.recv() => match reload(next, database, &mut endpoint).await {
                    Ok(next) => {
                        sd_notify::notify("RELOADING=1\nSTATUS=reloading the config");
                        round.cancel();
                        (&mut running).await?;
                        tracing::info!("restarting with the reloaded config");
                        break next;
                    }
                    Err(why) => tracing::error!("reload rejected, keeping the running config:\n{why}"),
                },
            }
        };
    }
}

/// Prepares a reloaded config ([`prepare_reload`]), then moves the metrics endpoint if its
/// address changed: the new address is bound before the old one is let go.
async fn reload(
    config: Config,
    database: &Path,
    endpoint: &mut Endpoint,
) -> Result<Prepared, String> {
    let listen = config.metrics.listen;
    let prepared = prepare_reload(config, database).await?;
    if listen != endpoint.listen {
        *endpoint = Endpoint::start(listen, database)
            .await
            .map_err(|err| err.to_string())?;
    }
    Ok(prepared)
}

/// The metrics endpoint `[metrics] listen` asks for, if any.
struct Endpoint {
    listen: Option<SocketAddr>,
    _server: Option<MetricsServer>,
}

impl Endpoint {
    async fn start(listen: Option<SocketAddr>, database: &Path) -> Result<Endpoint, ServeError> {
        let server = match listen {
            Some(address) => Some(MetricsServer::start(address, database).await?),
            None => None,
        };
        Ok(Endpoint {
            listen,
            _server: server,
        })
    }
}

/// Checks and prepares a reloaded config off the async threads; every problem in one text.
/// The database cannot move on a reload: the running daemon holds the old one's lock.
async fn prepare_reload(config: Config, database: &Path) -> Result<Prepared, String> {
    if config.database != database {
        return Err(format!(
            "storage.database changed from {} to {}; a reload cannot move the database, restart newswatch instead (systemctl restart newswatch)",
            database.display(),
            config.database.display()
        ));
    }
    let checked = tokio::task::spawn_blocking(move || {
        let problems = preflight::check(&config);
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        daemon::prepare(config).map_err(|err| err.to_string())
    })
    .await;
    checked.unwrap_or_else(|err| Err(format!("the reload task failed: {err}")))
}
