//! Wiring: opens the store, builds the pipeline, runs polls on schedule and delivers alerts,
//! and stops cleanly on cancellation (SIGTERM/SIGINT, wired by the CLI).
//!
//! No business rules live here: what a poll does is `poll`, when it happens is `schedule`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::{Id, JoinError, JoinSet};
use tokio_util::sync::CancellationToken;

use crate::backfill::backfill;
use crate::config::{Config, SourceSpec};
use crate::fetch::{ClientError, Fetcher, host_key};
use crate::notify::{Notifier, NotifyError};
use crate::poll::{Pipeline, PollReport, RobotsCache, Rules};
use crate::revisit::{self, Revisits};
use crate::schedule::{Slots, spread_start};
use crate::sd_notify::{self, Watchdog};
use crate::store::{SharedStore, SourceState, Store, StoreError};

/// How long the scheduler sleeps at most; it wakes earlier when a source is due.
const TICK: Duration = Duration::from_secs(1);

/// A finished poll: the source's index and what the poll did.
type Done = (usize, PollReport);

/// Polls in flight, and which source each task polls (a panicked task still frees its slot).
#[derive(Default)]
struct InFlight {
    polls: JoinSet<Done>,
    sources: HashMap<Id, usize>,
}

/// Why the daemon could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
    /// The writer thread could not be started.
    #[error("cannot start the database writer thread: {0}")]
    Writer(std::io::Error),
    /// A sink could not be prepared (secret unreadable, bad client settings).
    #[error(transparent)]
    Notify(#[from] NotifyError),
}

/// Totals of a run, printed by `run --once`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Sources polled.
    pub polled: usize,
    /// Polls that failed.
    pub failed: usize,
    /// New articles stored.
    pub stored: usize,
    /// Items only linked to an article already stored.
    pub linked: usize,
    /// Alerts raised.
    pub alerts: usize,
    /// Alerts raised by backfilling new or changed rules over stored articles.
    pub backfill_alerts: usize,
    /// Deliveries made.
    pub delivered: usize,
}

impl RunSummary {
    fn add_poll(&mut self, poll: &PollReport) {
        self.polled += 1;
        self.failed += usize::from(poll.failed);
        self.stored += poll.stored;
        self.linked += poll.linked;
        self.alerts += poll.alerts;
    }
}

/// A running daemon's parts.
struct Daemon {
    pipeline: Arc<Pipeline>,
    sources: Vec<Arc<SourceSpec>>,
    /// Polls in flight at most.
    concurrency: usize,
    /// Polls in flight to one feed host at most.
    per_host: usize,
}

/// Runs the daemon: with `once`, polls every source one time, delivers, and returns; otherwise
/// runs until `cancel` fires, then lets in-flight polls reach a safe point and returns.
pub async fn run(
    config: Config,
    once: bool,
    cancel: CancellationToken,
) -> Result<RunSummary, DaemonError> {
    let backfill_rules = config.rules.clone();
    let source_tags = config
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.tags.clone()))
        .collect();
    let backfill_window = config.watch.backfill_window;
    let (daemon, notifier) = Daemon::start(config)?;
    let states = daemon.sync_sources().await?;
    if !once {
        sd_notify::notify(&format!(
            "READY=1\nSTATUS=polling {} sources with {} rules",
            daemon.sources.len(),
            daemon.pipeline.rules.len()
        ));
    }
    let backfilled = backfill(
        &daemon.pipeline,
        backfill_rules,
        source_tags,
        backfill_window,
        &cancel,
    )
    .await?;
    // Delivery stops only after the last poll, so alerts stored at the end still go out.
    let stop_delivery = CancellationToken::new();
    let delivering = notifier.spawn(stop_delivery.clone());
    tracing::info!(
        sources = daemon.sources.len(),
        rules = daemon.pipeline.rules.len(),
        once,
        "newswatch started"
    );
    let mut summary = if once {
        let summary = daemon.poll_all_once(states, &cancel).await;
        revisit::pass(&daemon.pipeline, &cancel).await;
        summary
    } else {
        daemon.run_until_cancelled(states, &cancel).await
    };
    summary.backfill_alerts = backfilled.alerts;
    stop_delivery.cancel();
    summary.delivered += delivering.finish().await.delivered;
    tracing::info!(stages = %daemon.pipeline.stages, "article path cost (CPU; fetch: wall)");
    tracing::info!(?summary, "newswatch stopped");
    Ok(summary)
}

impl Daemon {
    fn start(config: Config) -> Result<(Daemon, Notifier), DaemonError> {
        let store = SharedStore::new(Store::open(&config.database)?);
        let notifier = Notifier::new(&config.sinks, &config.fetch.user_agent, store.clone())?;
        let fetcher = Fetcher::new(&config.fetch)?;
        let rules = Rules::new(config.rules);
        let sink_names = config.sinks.iter().map(|s| s.name.clone()).collect();
        let pipeline = Pipeline::new(
            fetcher,
            store,
            rules,
            sink_names,
            RobotsCache::new(&config.fetch.user_agent),
            config.sites,
        )
        .map_err(DaemonError::Writer)?;
        let daemon = Daemon {
            pipeline: Arc::new(pipeline),
            sources: config.sources.into_iter().map(Arc::new).collect(),
            concurrency: config.fetch.concurrency,
            per_host: config.fetch.per_host_concurrency,
        };
        Ok((daemon, notifier))
    }

    async fn sync_sources(&self) -> Result<Vec<SourceState>, StoreError> {
        let pairs: Vec<(String, String)> = self
            .sources
            .iter()
            .map(|s| (s.name.clone(), s.url.to_string()))
            .collect();
        self.pipeline
            .with_store(move |s| {
                s.sync_sources(pairs.iter().map(|(n, u)| (n.as_str(), u.as_str())))
            })
            .await
    }

    async fn poll_all_once(
        &self,
        states: Vec<SourceState>,
        cancel: &CancellationToken,
    ) -> RunSummary {
        let mut slots = Slots::new(self.concurrency, self.per_host);
        for index in 0..states.len() {
            slots.push(index, self.host(index));
        }
        let mut running = InFlight::default();
        let mut summary = RunSummary::default();
        loop {
            self.start_ready(&mut slots, &states, &mut running, cancel);
            let Some(done) = running.polls.join_next_with_id().await else {
                break;
            };
            let (index, report) = running.finished(done);
            summary.add_poll(&report);
            slots.finish(&self.host(index));
        }
        summary
    }

    /// Polls each source when due: a queue ordered by due time, sleeping until the earliest
    /// (or the delivery tick), never scanning every source.
    async fn run_until_cancelled(
        &self,
        mut states: Vec<SourceState>,
        cancel: &CancellationToken,
    ) -> RunSummary {
        let mut queue = self.initial_queue(&states);
        let mut slots = Slots::new(self.concurrency, self.per_host);
        let mut running = InFlight::default();
        let mut summary = RunSummary::default();
        let mut revisits = Revisits::default();
        let mut watchdog = Watchdog::from_env();
        while !cancel.is_cancelled() {
            if let Some(watchdog) = watchdog.as_mut() {
                watchdog.tick();
            }
            revisits.tick(&self.pipeline, cancel);
            let now = Utc::now();
            while let Some(Reverse((due, index))) = queue.peek().copied()
                && due <= now
            {
                queue.pop();
                slots.push(index, self.host(index));
            }
            self.start_ready(&mut slots, &states, &mut running, cancel);
            let wait = queue
                .peek()
                .and_then(|Reverse((due, _))| (*due - now).to_std().ok())
                .map_or(TICK, |d| d.min(TICK));
            tokio::select! {
                () = cancel.cancelled() => break,
                Some(done) = running.polls.join_next_with_id() => {
                    let (index, report) = running.finished(done);
                    summary.add_poll(&report);
                    slots.finish(&self.host(index));
                    if let Some(state) = states.get_mut(index) {
                        *state = self.refreshed(state.clone()).await;
                        queue.push(Reverse((state.next_due_at.unwrap_or(now), index)));
                    }
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
        revisits.finish().await;
        tracing::info!(
            in_flight = running.polls.len(),
            waiting = slots.waiting(),
            "stopping: letting in-flight polls reach a safe point"
        );
        while let Some(done) = running.polls.join_next_with_id().await {
            summary.add_poll(&running.finished(done).1);
        }
        summary
    }

    /// The start queue: sources already due (or never polled) are spread so that they start
    /// at a bounded rate instead of all at once.
    fn initial_queue(&self, states: &[SourceState]) -> BinaryHeap<Reverse<(DateTime<Utc>, usize)>> {
        let now = Utc::now();
        let overdue = states.iter().filter(|s| is_due(s.next_due_at, now)).count();
        states
            .iter()
            .zip(&self.sources)
            .enumerate()
            .map(|(index, (state, source))| {
                let due = match state.next_due_at {
                    Some(at) if at > now => at,
                    _ => spread_start(now, source.interval, overdue, self.concurrency),
                };
                Reverse((due, index))
            })
            .collect()
    }

    /// The source's freshly recorded state. Falls back to the previous state, due again in a
    /// minute, if the database cannot be read.
    async fn refreshed(&self, previous: SourceState) -> SourceState {
        let name = previous.name.clone();
        match self
            .pipeline
            .with_store(move |s| s.source_state(&name))
            .await
        {
            Ok(Some(state)) => state,
            Ok(None) | Err(_) => {
                tracing::error!(source = %previous.name, "cannot read source state; polling again in a minute");
                SourceState {
                    next_due_at: Some(Utc::now() + chrono::Duration::minutes(1)),
                    ..previous
                }
            }
        }
    }

    /// The politeness key of source `index`'s feed.
    fn host(&self, index: usize) -> String {
        self.sources
            .get(index)
            .map_or_else(String::new, |s| host_key(&s.url))
    }

    /// Starts every waiting poll that has a global and a per-host slot.
    fn start_ready(
        &self,
        slots: &mut Slots,
        states: &[SourceState],
        running: &mut InFlight,
        cancel: &CancellationToken,
    ) {
        while !cancel.is_cancelled()
            && let Some(index) = slots.admit()
        {
            let (Some(source), Some(state)) = (self.sources.get(index), states.get(index)) else {
                slots.finish(&self.host(index));
                continue;
            };
            let (source, state) = (Arc::clone(source), state.clone());
            let pipeline = Arc::clone(&self.pipeline);
            let cancel = cancel.clone();
            let task = running.polls.spawn(async move {
                let report = pipeline.poll(&source, &state, &cancel).await;
                tracing::info!(source = %source.name, stored = report.stored, linked = report.linked,
                    alerts = report.alerts, failed = report.failed, "polled");
                (index, report)
            });
            running.sources.insert(task.id(), index);
        }
    }
}

impl InFlight {
    /// The source and report of a finished task; a panicked poll reports nothing.
    fn finished(&mut self, done: Result<(Id, Done), JoinError>) -> Done {
        match done {
            Ok((id, done)) => {
                self.sources.remove(&id);
                done
            }
            Err(err) => {
                let index = self.sources.remove(&err.id()).unwrap_or(usize::MAX);
                tracing::error!(error = %err, "a poll task failed");
                (index, PollReport::default())
            }
        }
    }
}

fn is_due(next_due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    next_due_at.is_none_or(|at| at <= now)
}
