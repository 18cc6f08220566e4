//! Wiring: opens the store, builds the pipeline, runs polls on schedule and delivers alerts,
//! and stops cleanly on cancellation (SIGTERM/SIGINT, wired by the CLI).
//!
//! No business rules live here: what a poll does is `poll`, when it happens is `schedule`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{Config, SourceSpec};
use crate::fetch::{ClientError, Fetcher};
use crate::notify::{DeliveryReport, Notifier};
use crate::poll::{Pipeline, PollReport, Rules};
use crate::revisit::{self, Revisits};
use crate::store::{SourceState, Store, StoreError};
use crate::watch::RuleSet;

/// How often the scheduler looks for due sources and deliveries.
const TICK: Duration = Duration::from_secs(1);

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
        let summary = daemon.poll_all_once(states, &cancel).await;
        revisit::pass(&daemon.pipeline, &cancel).await;
        summary
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
            }),
            notifier: Arc::new(Notifier::new(config.sinks)),
            sources: config.sources.into_iter().map(Arc::new).collect(),
            concurrency: Arc::new(Semaphore::new(config.fetch.concurrency)),
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
        for (source, state) in self.sources.iter().zip(states) {
            self.spawn_poll(&mut polls, Arc::clone(source), state, cancel);
        }
        let mut summary = RunSummary::default();
        while let Some(done) = polls.join_next().await {
            if let Ok((_, _, report)) = done {
                summary.add_poll(&report);
            }
        }
        summary
    }

    async fn run_until_cancelled(
        &self,
        states: Vec<SourceState>,
        cancel: &CancellationToken,
    ) -> RunSummary {
        let mut due: HashMap<String, (Arc<SourceSpec>, SourceState)> = self
            .sources
            .iter()
            .zip(states)
            .map(|(source, state)| (source.name.clone(), (Arc::clone(source), state)))
            .collect();
        let mut polls = JoinSet::new();
        let mut summary = RunSummary::default();
        let mut revisits = Revisits::default();
        while !cancel.is_cancelled() {
            let now = Utc::now();
            let ready: Vec<String> = due
                .iter()
                .filter(|(_, (_, state))| is_due(state.next_due_at, now))
                .map(|(name, _)| name.clone())
                .collect();
            for name in ready {
                if let Some((source, state)) = due.remove(&name) {
                    self.spawn_poll(&mut polls, source, state, cancel);
                }
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                Some(done) = polls.join_next() => {
                    if let Ok((source, state, report)) = done {
                        summary.add_poll(&report);
                        self.requeue(&mut due, source, state).await;
                    }
                    summary.delivered += self.deliver().await.delivered;
                    revisits.tick(&self.pipeline, cancel);
                }
                () = tokio::time::sleep(TICK) => {
                    summary.delivered += self.deliver().await.delivered;
                    revisits.tick(&self.pipeline, cancel);
                }
            }
        }
        revisits.finish().await;
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

    /// Puts a polled source back in the schedule with its freshly recorded state.
    /// Falls back to the previous state, due again in a minute, if the database cannot be read.
    async fn requeue(
        &self,
        due: &mut HashMap<String, (Arc<SourceSpec>, SourceState)>,
        source: Arc<SourceSpec>,
        previous: SourceState,
    ) {
        let name = source.name.clone();
        let state = match self
            .pipeline
            .with_store(move |s| s.source_state(&name))
            .await
        {
            Ok(Some(state)) => state,
            Ok(None) | Err(_) => {
                tracing::error!(source = %source.name, "cannot read source state; polling again in a minute");
                SourceState {
                    next_due_at: Some(Utc::now() + chrono::Duration::minutes(1)),
                    ..previous
                }
            }
        };
        due.insert(source.name.clone(), (source, state));
    }

    fn spawn_poll(
        &self,
        polls: &mut JoinSet<(Arc<SourceSpec>, SourceState, PollReport)>,
        source: Arc<SourceSpec>,
        state: SourceState,
        cancel: &CancellationToken,
    ) {
        let pipeline = Arc::clone(&self.pipeline);
        let permits = Arc::clone(&self.concurrency);
        let cancel = cancel.clone();
        polls.spawn(async move {
            let Ok(_permit) = permits.acquire_owned().await else {
                return (source, state, PollReport::default());
            };
            let report = pipeline.poll(&source, &state, &cancel).await;
            tracing::info!(source = %source.name, stored = report.stored, linked = report.linked,
                alerts = report.alerts, failed = report.failed, "polled");
            (source, state, report)
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
