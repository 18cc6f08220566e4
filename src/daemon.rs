//! Wiring: opens the store, builds the pipeline, runs polls on schedule and delivers alerts,
//! and stops cleanly on cancellation (SIGTERM/SIGINT, wired by the CLI).
//!
//! No business rules live here: what a poll does is `poll`, when it happens is `schedule`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, SourceSpec};
use crate::fetch::{ClientError, Fetcher, HostGate, host_key};
use crate::notify::{DeliveryReport, Notifier};
use crate::poll::{Pipeline, PollReport, RobotsCache, Rules};
use crate::schedule::spread_start;
use crate::store::{SourceState, Store, StoreError};
use crate::watch::RuleSet;

/// How often the scheduler looks for due deliveries; it wakes earlier when a source is due.
const TICK: Duration = Duration::from_secs(1);

/// A finished poll: the source's index, its state before the poll, and what it did.
type Done = (usize, SourceState, PollReport);

/// Why the daemon could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP client could not be built.
    #[error(transparent)]
    Client(#[from] ClientError),
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
    notifier: Arc<Notifier>,
    sources: Vec<Arc<SourceSpec>>,
    concurrency: Arc<Semaphore>,
    /// Polls in flight per feed host, so one slow host's sources never hold every global slot.
    host_polls: Arc<HostGate>,
}

/// Runs the daemon: with `once`, polls every source one time, delivers, and returns; otherwise
/// runs until `cancel` fires, then lets in-flight polls reach a safe point and returns.
pub async fn run(
    config: Config,
    once: bool,
    cancel: CancellationToken,
) -> Result<RunSummary, DaemonError> {
    let daemon = Daemon::start(config)?;
    let states = daemon.sync_sources().await?;
    tracing::info!(
        sources = daemon.sources.len(),
        rules = daemon.pipeline.rules.names.len(),
        once,
        "newswatch started"
    );
    let mut summary = if once {
        daemon.poll_all_once(states, &cancel).await
    } else {
        daemon.run_until_cancelled(states, &cancel).await
    };
    summary.delivered += daemon.deliver().await.delivered;
    tracing::info!(?summary, "newswatch stopped");
    Ok(summary)
}

impl Daemon {
    fn start(config: Config) -> Result<Daemon, DaemonError> {
        let store = Store::open(&config.database)?;
        let fetcher = Fetcher::new(&config.fetch)?;
        let (names, queries) = config.rules.into_iter().map(|r| (r.name, r.query)).unzip();
        let rules = Rules {
            names,
            set: RuleSet::new(queries),
        };
        let sink_names = config.sinks.iter().map(|s| s.name.clone()).collect();
        Ok(Daemon {
            pipeline: Arc::new(Pipeline {
                fetcher,
                store: Arc::new(Mutex::new(store)),
                rules: Arc::new(rules),
                sinks: Arc::new(sink_names),
                robots: RobotsCache::new(&config.fetch.user_agent),
            }),
            notifier: Arc::new(Notifier::new(config.sinks)),
            sources: config.sources.into_iter().map(Arc::new).collect(),
            concurrency: Arc::new(Semaphore::new(config.fetch.concurrency)),
            host_polls: Arc::new(HostGate::new(
                config.fetch.per_host_concurrency,
                Duration::ZERO,
            )),
        })
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
        let mut polls = JoinSet::new();
        for (index, state) in states.into_iter().enumerate() {
            self.spawn_poll(&mut polls, index, state, cancel);
        }
        let mut summary = RunSummary::default();
        while let Some(done) = polls.join_next().await {
            if let Ok((_, _, report)) = done {
                summary.add_poll(&report);
            }
        }
        summary
    }

    /// Polls each source when due: a queue ordered by due time, sleeping until the earliest
    /// (or the delivery tick), never scanning every source.
    async fn run_until_cancelled(
        &self,
        states: Vec<SourceState>,
        cancel: &CancellationToken,
    ) -> RunSummary {
        let mut queue = self.initial_queue(&states);
        let mut idle: Vec<Option<SourceState>> = states.into_iter().map(Some).collect();
        let mut polls = JoinSet::new();
        let mut summary = RunSummary::default();
        while !cancel.is_cancelled() {
            let now = Utc::now();
            while let Some(Reverse((due, index))) = queue.peek().copied()
                && due <= now
            {
                queue.pop();
                if let Some(state) = idle.get_mut(index).and_then(Option::take) {
                    self.spawn_poll(&mut polls, index, state, cancel);
                }
            }
            let wait = queue
                .peek()
                .and_then(|Reverse((due, _))| (*due - now).to_std().ok())
                .map_or(TICK, |d| d.min(TICK));
            tokio::select! {
                () = cancel.cancelled() => break,
                Some(done) = polls.join_next() => {
                    if let Ok((index, state, report)) = done {
                        summary.add_poll(&report);
                        let state = self.refreshed(index, state).await;
                        queue.push(Reverse((state.next_due_at.unwrap_or(now), index)));
                        if let Some(slot) = idle.get_mut(index) {
                            *slot = Some(state);
                        }
                    }
                    summary.delivered += self.deliver().await.delivered;
                }
                () = tokio::time::sleep(wait) => {
                    summary.delivered += self.deliver().await.delivered;
                }
            }
        }
        tracing::info!(
            in_flight = polls.len(),
            "stopping: letting in-flight polls reach a safe point"
        );
        while let Some(done) = polls.join_next().await {
            if let Ok((_, _, report)) = done {
                summary.add_poll(&report);
            }
        }
        summary
    }

    /// The start queue: sources already due (or never polled) are spread so that they start
    /// at a bounded rate instead of all at once.
    fn initial_queue(&self, states: &[SourceState]) -> BinaryHeap<Reverse<(DateTime<Utc>, usize)>> {
        let now = Utc::now();
        let overdue = states.iter().filter(|s| is_due(s.next_due_at, now)).count();
        let slots = self.concurrency.available_permits();
        states
            .iter()
            .zip(&self.sources)
            .enumerate()
            .map(|(index, (state, source))| {
                let due = match state.next_due_at {
                    Some(at) if at > now => at,
                    _ => spread_start(now, source.interval, overdue, slots),
                };
                Reverse((due, index))
            })
            .collect()
    }

    /// The source's freshly recorded state. Falls back to the previous state, due again in a
    /// minute, if the database cannot be read.
    async fn refreshed(&self, index: usize, previous: SourceState) -> SourceState {
        let name = previous.name.clone();
        match self
            .pipeline
            .with_store(move |s| s.source_state(&name))
            .await
        {
            Ok(Some(state)) => state,
            Ok(None) | Err(_) => {
                let source = self.sources.get(index).map_or("?", |s| s.name.as_str());
                tracing::error!(
                    source,
                    "cannot read source state; polling again in a minute"
                );
                SourceState {
                    next_due_at: Some(Utc::now() + chrono::Duration::minutes(1)),
                    ..previous
                }
            }
        }
    }

    /// Starts a poll once its feed host has a free slot, then a global one: waiting on a busy
    /// host holds no global slot.
    fn spawn_poll(
        &self,
        polls: &mut JoinSet<Done>,
        index: usize,
        state: SourceState,
        cancel: &CancellationToken,
    ) {
        let Some(source) = self.sources.get(index).map(Arc::clone) else {
            return;
        };
        let pipeline = Arc::clone(&self.pipeline);
        let permits = Arc::clone(&self.concurrency);
        let host_polls = Arc::clone(&self.host_polls);
        let cancel = cancel.clone();
        polls.spawn(async move {
            let Ok(_host) = host_polls.enter(&host_key(&source.url)).await else {
                return (index, state, PollReport::default());
            };
            let Ok(_permit) = permits.acquire_owned().await else {
                return (index, state, PollReport::default());
            };
            let report = pipeline.poll(&source, &state, &cancel).await;
            tracing::info!(source = %source.name, stored = report.stored, linked = report.linked,
                alerts = report.alerts, failed = report.failed, "polled");
            (index, state, report)
        });
    }

    async fn deliver(&self) -> DeliveryReport {
        let notifier = Arc::clone(&self.notifier);
        let result = self
            .pipeline
            .with_store(move |s| notifier.deliver_due(s))
            .await;
        result.unwrap_or_else(|err| {
            tracing::error!(error = %err, "alert delivery pass failed; will retry");
            DeliveryReport::default()
        })
    }
}

fn is_due(next_due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    next_due_at.is_none_or(|at| at <= now)
}
