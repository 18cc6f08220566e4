//! Wiring: opens the store, builds the pipeline, runs polls on schedule and delivers alerts,
//! and stops cleanly on cancellation (SIGTERM/SIGINT, wired by the CLI).
//!
//! Starting is split in two: [`prepare`] does everything that can fail on the config
//! (database, secrets, clients) without disturbing anything running, so that a reload can be
//! refused and the running config kept; [`run_prepared`] then polls. No business rules live
//! here: what a poll does is `poll`, when it happens is `schedule`.

mod liveness;
mod one;
mod requests;
mod retention;
mod summary;

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::task::{Id, JoinError, JoinSet};
use tokio_util::sync::CancellationToken;

use crate::backfill::backfill;
use crate::config::{Config, RuleSpec, SourceSpec};
use crate::fetch::{ClientError, Fetcher, host_key};
use crate::notify::{Notifier, NotifyError};
use crate::poll::{Pipeline, PollReport, RobotsCache, Rules};
use crate::revisit::{self, Revisits};
use crate::schedule::{Slots, spread_start};
use crate::store::{SharedStore, SourceState, Store, StoreError};
use crate::tls::{Tls, TlsError};
use liveness::Liveness;
pub use one::{OnePoll, poll_one};
use requests::Requests;
use retention::Retention;
pub use summary::RunSummary;

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
    /// TLS could not be set up for the HTTP clients.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The writer thread could not be started.
    #[error("cannot start the database writer thread: {0}")]
    Writer(std::io::Error),
    /// A sink could not be prepared (secret unreadable, bad client settings).
    #[error(transparent)]
    Notify(#[from] NotifyError),
}

/// One configured source and its recorded polling state.
struct Source {
    spec: Arc<SourceSpec>,
    /// The politeness key of its URL's host.
    host: String,
    state: SourceState,
}

/// A running daemon's parts.
struct Daemon {
    pipeline: Arc<Pipeline>,
    sources: Vec<Source>,
    /// Polls in flight at most.
    concurrency: usize,
    /// Polls in flight to one feed host at most.
    per_host: usize,
}

/// A config made ready to run: database open and migrated, secrets read, clients built.
pub struct Prepared {
    pipeline: Arc<Pipeline>,
    notifier: Notifier,
    specs: Vec<SourceSpec>,
    rules: Vec<RuleSpec>,
    source_tags: HashMap<String, Vec<String>>,
    backfill_window: Duration,
    keep_articles: Option<Duration>,
    concurrency: usize,
    per_host: usize,
}

/// Prepares `config` to run. Blocking (opens the database, reads secret files); it changes
/// nothing a running daemon uses, so a failure leaves a running config untouched.
pub fn prepare(config: Config) -> Result<Prepared, DaemonError> {
    let store = SharedStore::new(Store::open(&config.database)?);
    // One TLS configuration for the fetcher's clients and the sinks': the trust store is read
    // once, at the first HTTPS handshake, and again only after a reload.
    let tls = Tls::new()?;
    let notifier = Notifier::new(
        &config.sinks,
        &config.fetch.user_agent,
        config.display_zone(),
        store.clone(),
        &tls,
    )?;
    let fetcher = Fetcher::new(&config.fetch, &tls)?;
    let source_tags = config
        .sources
        .iter()
        .map(|s| (s.name.clone(), s.tags.clone()))
        .collect();
    let sink_names = config.sinks.iter().map(|s| s.name.clone()).collect();
    let pipeline = Pipeline::new(
        fetcher,
        store,
        Rules::new(config.rules.clone()),
        sink_names,
        RobotsCache::new(&config.fetch.user_agent),
        config.sites,
    )
    .map_err(DaemonError::Writer)?;
    Ok(Prepared {
        pipeline: Arc::new(pipeline),
        notifier,
        specs: config.sources,
        rules: config.rules,
        source_tags,
        backfill_window: config.watch.backfill_window,
        keep_articles: config.keep_articles,
        concurrency: config.fetch.concurrency,
        per_host: config.fetch.per_host_concurrency,
    })
}

/// Prepares and runs `config`: see [`prepare`] and [`run_prepared`].
pub async fn run(
    config: Config,
    once: bool,
    cancel: CancellationToken,
) -> Result<RunSummary, DaemonError> {
    let prepared = tokio::task::spawn_blocking(move || prepare(config))
        .await
        .map_err(|err| StoreError::Task(err.to_string()))??;
    run_prepared(prepared, once, cancel).await
}

/// Runs the daemon: with `once`, polls every source one time, delivers, and returns; otherwise
/// runs until `cancel` fires, then lets in-flight polls reach a safe point and returns.
pub async fn run_prepared(
    prepared: Prepared,
    once: bool,
    cancel: CancellationToken,
) -> Result<RunSummary, DaemonError> {
    let liveness = Liveness::start("starting: loading sources");
    let Prepared {
        pipeline,
        notifier,
        specs,
        rules,
        source_tags,
        backfill_window,
        keep_articles,
        concurrency,
        per_host,
    } = prepared;
    crate::metrics::watch_scheduler(liveness.heartbeat(), &pipeline.sinks);
    let mut daemon = Daemon {
        sources: sync_sources(&pipeline, specs).await?,
        pipeline,
        concurrency,
        per_host,
    };
    liveness.step("starting: running new or changed rules over stored articles");
    let backfilled = backfill(
        &daemon.pipeline,
        rules,
        source_tags,
        backfill_window,
        &cancel,
        liveness.heartbeat(),
    )
    .await?;
    if !once {
        liveness.ready(&format!(
            "polling {} sources with {} rules",
            daemon.sources.len(),
            daemon.pipeline.rules.len()
        ));
    }
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
        let summary = daemon.poll_all_once(&cancel).await;
        revisit::pass(&daemon.pipeline, &cancel).await;
        if let Some(keep) = keep_articles {
            retention::pass(&daemon.pipeline, keep, &cancel).await;
        }
        summary
    } else {
        let retention = Retention::new(keep_articles);
        daemon
            .run_until_cancelled(&cancel, &liveness, retention)
            .await
    };
    summary.backfill_alerts = backfilled.alerts;
    stop_delivery.cancel();
    summary.delivered += delivering.finish().await.delivered;
    tracing::info!(stages = %daemon.pipeline.stages, "article path cost (CPU; fetch: wall)");
    tracing::info!(?summary, "newswatch stopped");
    Ok(summary)
}

/// Brings the database's source rows in line with `specs` and pairs each with its state.
async fn sync_sources(
    pipeline: &Pipeline,
    specs: Vec<SourceSpec>,
) -> Result<Vec<Source>, StoreError> {
    let pairs: Vec<(String, String)> = specs
        .iter()
        .map(|s| (s.name.clone(), s.url.to_string()))
        .collect();
    let states = pipeline
        .with_store(move |s| s.sync_sources(pairs.iter().map(|(n, u)| (n.as_str(), u.as_str()))))
        .await?;
    Ok(specs
        .into_iter()
        .zip(states)
        .map(|(spec, state)| Source {
            host: host_key(&spec.url),
            spec: Arc::new(spec),
            state,
        })
        .collect())
}

impl Daemon {
    async fn poll_all_once(&self, cancel: &CancellationToken) -> RunSummary {
        let mut slots = Slots::new(self.concurrency, self.per_host);
        for (index, source) in self.sources.iter().enumerate() {
            slots.push(index, source.host.clone());
        }
        let mut running = InFlight::default();
        let mut summary = RunSummary::default();
        loop {
            self.start_ready(&mut slots, &mut running, cancel);
            let Some(done) = running.polls.join_next_with_id().await else {
                break;
            };
            if let Some(index) = self.finished(&mut running, done, &mut summary) {
                slots.finish(&self.sources[index].host);
            }
        }
        summary
    }

    /// Polls each source when due: a queue ordered by due time, sleeping until the earliest
    /// (or the delivery tick), never scanning every source. Every turn beats the heartbeat.
    async fn run_until_cancelled(
        &mut self,
        cancel: &CancellationToken,
        liveness: &Liveness,
        mut retention: Retention,
    ) -> RunSummary {
        let mut queue = self.initial_queue();
        let mut slots = Slots::new(self.concurrency, self.per_host);
        let mut running = InFlight::default();
        let mut summary = RunSummary::default();
        let mut revisits = Revisits::default();
        let mut requests = Requests::new();
        while !cancel.is_cancelled() {
            liveness.heartbeat().beat();
            revisits.tick(&self.pipeline, cancel);
            self.take_requests(&mut requests, &mut queue, &mut slots)
                .await;
            retention.tick(&self.pipeline, cancel);
            let now = Utc::now();
            while let Some(Reverse((due, index))) = queue.peek().copied()
                && due <= now
            {
                queue.pop();
                slots.push(index, self.sources[index].host.clone());
            }
            self.start_ready(&mut slots, &mut running, cancel);
            let wait = queue
                .peek()
                .and_then(|Reverse((due, _))| (*due - now).to_std().ok())
                .map_or(TICK, |d| d.min(TICK));
            tokio::select! {
                () = cancel.cancelled() => break,
                Some(done) = running.polls.join_next_with_id() => {
                    let report = done.as_ref().ok().map(|(_, (_, report))| report.clone());
                    if let Some(index) = self.finished(&mut running, done, &mut summary) {
                        requests.answer(&self.pipeline, index, report.as_ref()).await;
                        slots.finish(&self.sources[index].host);
                        let source = &mut self.sources[index];
                        source.state = refreshed(&self.pipeline, source.state.clone()).await;
                        queue.push(Reverse((source.state.next_due_at.unwrap_or(now), index)));
                    }
                }
                () = tokio::time::sleep(wait) => {}
            }
        }
        revisits.finish().await;
        retention.finish().await;
        tracing::info!(
            in_flight = running.polls.len(),
            waiting = slots.waiting(),
            "stopping: letting in-flight polls reach a safe point"
        );
        loop {
            liveness.heartbeat().beat();
            tokio::select! {
                done = running.polls.join_next_with_id() => match done {
                    Some(done) => {
                        let report = done.as_ref().ok().map(|(_, (_, report))| report.clone());
                        if let Some(index) = self.finished(&mut running, done, &mut summary) {
                            requests.answer(&self.pipeline, index, report.as_ref()).await;
                        }
                    }
                    None => break,
                },
                () = tokio::time::sleep(TICK) => {}
            }
        }
        summary
    }

    /// The start queue: sources already due (or never polled) are spread so that they start
    /// at a bounded rate instead of all at once.
    fn initial_queue(&self) -> BinaryHeap<Reverse<(DateTime<Utc>, usize)>> {
        let now = Utc::now();
        let overdue = self
            .sources
            .iter()
            .filter(|s| is_due(s.state.next_due_at, now))
            .count();
        self.sources
            .iter()
            .enumerate()
            .map(|(index, source)| {
                let due = match source.state.next_due_at {
                    Some(at) if at > now => at,
                    _ => spread_start(now, source.spec.interval, overdue, self.concurrency),
                };
                Reverse((due, index))
            })
            .collect()
    }

    /// Starts every waiting poll that has a global and a per-host slot.
    fn start_ready(&self, slots: &mut Slots, running: &mut InFlight, cancel: &CancellationToken) {
        while !cancel.is_cancelled()
            && let Some(index) = slots.admit()
        {
            let Some(source) = self.sources.get(index) else {
                continue;
            };
            let (spec, state) = (Arc::clone(&source.spec), source.state.clone());
            let pipeline = Arc::clone(&self.pipeline);
            let cancel = cancel.clone();
            let task = running.polls.spawn(async move {
                let report = pipeline.poll(&spec, &state, &cancel).await;
                tracing::info!(source = %spec.name, stored = report.stored, linked = report.linked,
                    alerts = report.alerts, failed = report.failed, "polled");
                (index, report)
            });
            running.sources.insert(task.id(), index);
        }
    }

    /// Counts a finished poll task into `summary` and returns its source's index (`None` for
    /// a task this daemon did not start, which cannot happen but is not worth a panic).
    fn finished(
        &self,
        running: &mut InFlight,
        done: Result<(Id, Done), JoinError>,
        summary: &mut RunSummary,
    ) -> Option<usize> {
        match done {
            Ok((id, (index, report))) => {
                running.sources.remove(&id);
                summary.add_poll(&report);
                Some(index)
            }
            Err(err) => {
                let index = running.sources.remove(&err.id());
                let source = index.and_then(|i| self.sources.get(i));
                let name = source.map_or("?", |s| s.spec.name.as_str());
                tracing::error!(source = name, error = %err, "a poll task failed");
                crate::metrics::poll_done("crashed", None);
                summary.add_crashed_poll();
                index
            }
        }
    }
}

/// The source's freshly recorded state. Falls back to the previous state, due again in a
/// minute, if the database cannot be read.
async fn refreshed(pipeline: &Pipeline, previous: SourceState) -> SourceState {
    let name = previous.name.clone();
    match pipeline.with_store(move |s| s.source_state(&name)).await {
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

fn is_due(next_due_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    next_due_at.is_none_or(|at| at <= now)
}
