//! The daemon's side of `[storage] keep_articles`: a prune run every [`PRUNE_EVERY`] (and at
//! the end of `run --once`), in short transactions through the shared store with a pause
//! between them, so the writer, and with it polling, goes on in between.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::poll::Pipeline;
use crate::store::{PruneCounts, PruneCursor};

/// How often a running daemon prunes; the first run starts a minute after start-up.
pub const PRUNE_EVERY: Duration = Duration::from_secs(3600);

/// Wait after start-up before the first run, so the first polls go first.
const FIRST_AFTER: Duration = Duration::from_secs(60);

/// Pause between two steps: the writer takes the store in between.
const PAUSE: Duration = Duration::from_millis(20);

/// Runs one complete prune of everything older than `keep`, step by step, until done or
/// cancelled. Logs what went.
pub async fn pass(pipeline: &Pipeline, keep: Duration, cancel: &CancellationToken) -> PruneCounts {
    let mut total = PruneCounts::default();
    let Some(cutoff) = chrono::Duration::from_std(keep)
        .ok()
        .and_then(|keep| Utc::now().checked_sub_signed(keep))
    else {
        return total;
    };
    let mut cursor = PruneCursor::default();
    while !cancel.is_cancelled() {
        match pipeline
            .with_store(move |s| s.prune_step(cutoff, cursor))
            .await
        {
            Ok(Some((counts, next))) => {
                total += counts;
                cursor = next;
            }
            Ok(None) => break,
            Err(err) => {
                tracing::error!(error = %err, "pruning stopped; it runs again within the hour");
                break;
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
    if total != PruneCounts::default() {
        tracing::info!(
            articles = total.articles,
            stories = total.stories,
            alerts = total.alerts,
            paragraphs = total.paragraphs,
            keep = %humantime::format_duration(keep),
            "pruned old articles"
        );
    }
    total
}

/// Starts prune runs in the background: one at a time, every [`PRUNE_EVERY`].
pub struct Retention {
    keep: Option<Duration>,
    started: Instant,
    running: Option<JoinHandle<PruneCounts>>,
    last_start: Option<Instant>,
}

impl Retention {
    /// Prunes to `keep`; `None` keeps everything and never starts a run.
    pub fn new(keep: Option<Duration>) -> Retention {
        Retention {
            keep,
            started: Instant::now(),
            running: None,
            last_start: None,
        }
    }

    /// Starts a run if one is due and none is running.
    pub fn tick(&mut self, pipeline: &Arc<Pipeline>, cancel: &CancellationToken) {
        let Some(keep) = self.keep else { return };
        let busy = self.running.as_ref().is_some_and(|t| !t.is_finished());
        let due = match self.last_start {
            Some(at) => at.elapsed() >= PRUNE_EVERY,
            None => self.started.elapsed() >= FIRST_AFTER,
        };
        if busy || !due {
            return;
        }
        self.last_start = Some(Instant::now());
        let (pipeline, cancel) = (Arc::clone(pipeline), cancel.clone());
        self.running = Some(tokio::spawn(
            async move { pass(&pipeline, keep, &cancel).await },
        ));
    }

    /// Waits for a running run to stop at its next step (it checks cancellation).
    pub async fn finish(self) {
        if let Some(task) = self.running {
            let _ = task.await;
        }
    }
}
