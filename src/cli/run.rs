//! `run` and `check-config`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::config::{Config, ConfigError};
use newswatch::daemon;
use tokio_util::sync::CancellationToken;

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
        let cancel = CancellationToken::new();
        tokio::spawn(stop_on_signal(cancel.clone()));
        daemon::run(config, once, cancel).await
    })?;
    if once {
        println!(
            "polled {} sources ({} failed): {} new articles, {} linked, {} alerts, {} deliveries",
            summary.polled,
            summary.failed,
            summary.stored,
            summary.linked,
            summary.alerts,
            summary.delivered
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Cancels on the first SIGTERM or SIGINT; a second one exits at once (SQLite rolls back any
/// open transaction, so even then nothing is half-written).
async fn stop_on_signal(cancel: CancellationToken) {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        tracing::error!("cannot listen for SIGTERM/SIGINT; stop newswatch with SIGKILL");
        return;
    };
    for round in 0..2 {
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        if round == 0 {
            tracing::info!(
                "stop requested; finishing in-flight work (signal again to stop at once)"
            );
            cancel.cancel();
        } else {
            tracing::warn!("second stop signal; exiting now");
            std::process::exit(130);
        }
    }
}
