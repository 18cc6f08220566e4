//! Process signals: SIGTERM/SIGINT stop the daemon, SIGHUP reloads its config.

use std::path::{Path, PathBuf};

use newswatch::config::Config;
use newswatch::sd_notify;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Listens until the process ends. The first SIGTERM or SIGINT cancels `stop`; a second one
/// exits at once (SQLite rolls back any open transaction, so even then nothing is
/// half-written). SIGHUP re-reads the config at `path` and, only if it is valid, sends it to
/// `reloads`; an invalid file is logged and the running config kept.
pub async fn listen(path: PathBuf, stop: CancellationToken, reloads: mpsc::Sender<Config>) {
    let (Ok(mut term), Ok(mut int), Ok(mut hup)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
        signal(SignalKind::hangup()),
    ) else {
        tracing::error!("cannot listen for signals; stop newswatch with SIGKILL");
        return;
    };
    loop {
        tokio::select! {
            _ = term.recv() => stop_requested(&stop),
            _ = int.recv() => stop_requested(&stop),
            _ = hup.recv() => reload(&path, &reloads).await,
        }
    }
}

fn stop_requested(stop: &CancellationToken) {
    if stop.is_cancelled() {
        tracing::warn!("second stop signal; exiting now");
        std::process::exit(130);
    }
    tracing::info!("stop requested; finishing in-flight work (signal again to stop at once)");
    sd_notify::notify("STOPPING=1\nSTATUS=finishing in-flight work");
    stop.cancel();
}

async fn reload(path: &Path, reloads: &mpsc::Sender<Config>) {
    tracing::info!(config = %path.display(), "SIGHUP: reloading the config");
    let loaded = {
        let path = path.to_path_buf();
        tokio::task::spawn_blocking(move || Config::load(&path)).await
    };
    match loaded {
        Ok(Ok(config)) => {
            if reloads.send(config).await.is_err() {
                tracing::warn!("reload ignored: no daemon waits for it (--once, or stopping)");
            }
        }
        Ok(Err(err)) => tracing::error!("reload rejected, keeping the running config:\n{err}"),
        Err(err) => tracing::error!(error = %err, "reload failed; keeping the running config"),
    }
}
