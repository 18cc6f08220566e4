//! `run` and `check-config`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::config::{Config, ConfigError};
use newswatch::daemon;
use newswatch::sd_notify;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::signals;

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

/// `newswatch check-config`.
pub fn check_config(path: &Path) -> anyhow::Result<ExitCode> {
    let config = match load_config(path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    println!(
        "{}: OK ({} sources, {} rules, {} sinks; database {})",
        path.display(),
        config.sources.len(),
        config.rules.len(),
        config.sinks.len(),
        config.database.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `newswatch run [--once]`.
pub fn run(path: &Path, once: bool) -> anyhow::Result<ExitCode> {
    let config = match load_config(path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    if config.sources.is_empty() {
        tracing::warn!("the config lists no [[source]]; nothing will be polled");
    }
    let runtime = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let summary = runtime.block_on(async {
        let stop = CancellationToken::new();
        let (reload_tx, reloads) = mpsc::channel(1);
        tokio::spawn(signals::listen(path.to_path_buf(), stop.clone(), reload_tx));
        if once {
            drop(reloads);
            daemon::run(config, true, stop).await
        } else {
            supervise(config, stop, reloads).await
        }
    })?;
    if once {
        println!(
            "polled {} sources ({} failed): {} new articles, {} linked, {} alerts, {} backfill alerts, {} deliveries",
            summary.polled,
            summary.failed,
            summary.stored,
            summary.linked,
            summary.alerts,
            summary.backfill_alerts,
            summary.delivered
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs the daemon until `stop`; a reloaded config restarts it in-process once in-flight polls
/// reached a safe point. Schedules and validators live in SQLite, so a reload loses nothing.
async fn supervise(
    mut config: Config,
    stop: CancellationToken,
    mut reloads: mpsc::Receiver<Config>,
) -> Result<daemon::RunSummary, daemon::DaemonError> {
    loop {
        let round = stop.child_token();
        let running = daemon::run(config, false, round.clone());
        tokio::pin!(running);
        config = tokio::select! {
            result = &mut running => return result,
            Some(next) = reloads.recv() => {
                sd_notify::notify("RELOADING=1\nSTATUS=reloading the config");
                round.cancel();
                running.await?;
                tracing::info!("restarting with the reloaded config");
                next
            }
        };
    }
}
