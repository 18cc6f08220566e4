//! One poll of one source through the pipeline: fetch the feed, parse it, and take each new
//! item down the article path — fetch the page, extract it, match the rules, fingerprint it
//! (worker threads), then let the single writer decide its story and store it with its alerts.
//!
//! A poll stops at a safe point (between items, or by dropping an unfinished fetch) when
//! cancelled. An article is stored with its alerts or not at all, and the feed's validators
//! are saved only after every item was stored, so an interrupted poll is simply redone by the
//! next one: nothing is lost, nothing half-written.

mod article;
mod auto;
mod candidates;
mod claims;
mod discover;
mod items;
mod listing;
mod page;
mod record;
mod robots;
mod rules;
mod sitemap;
mod stages;
mod telegram;
mod workers;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::config::{SourceKind, SourceSpec};
use crate::extract::SiteRule;
use crate::fetch::{Expect, FailureKind, FetchError, FetchOutcome, Fetcher, Origin, Validators};
use crate::sources::parse_feed;
use crate::store::{SharedStore, SourceState, Store, StoreError, StoreOutcome};
use crate::writer::Writer;
use candidates::Candidate;
use claims::Claims;
pub use discover::{Discovery, discover};
pub use page::PageError;
use record::{failure_record, success_record};
pub use robots::RobotsCache;
pub use rules::Rules;
pub use stages::{Stage, Stages, thread_cpu};
pub use workers::Workers;

/// What the pipeline needs, shared by every poll.
pub struct Pipeline {
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// The database connection, for everything but storing new articles.
    pub store: SharedStore,
    /// The single writer that stores new articles, many per transaction.
    pub writer: Writer,
    /// CPU-heavy work (parsing, extraction, matching, fingerprints), off the async threads.
    pub workers: Workers,
    /// The watch rules.
    pub rules: Arc<Rules>,
    /// Names of the configured sinks; each new alert gets one delivery per sink.
    pub sinks: Arc<Vec<String>>,
    /// robots.txt answers per host, for article pages.
    pub robots: RobotsCache,
    /// Per-site extraction rules from the config.
    pub sites: Arc<Vec<SiteRule>>,
    /// What each stage of the article path cost so far.
    pub stages: Arc<Stages>,
    /// Article URLs some poll is fetching and storing right now.
    claims: Claims,
    /// Pages fetched and not yet analysed, across all polls (see `items::PAGES_IN_HAND`).
    in_hand: Arc<tokio::sync::Semaphore>,
}

/// What one poll did, for logs and the `--once` summary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PollReport {
    /// New articles stored.
    pub stored: usize,
    /// Items that were known under another source or item and only linked.
    pub linked: usize,
    /// Alerts raised.
    pub alerts: usize,
    /// Failed polls (the error is on the source's row).
    pub failed: bool,
    /// When the source's host asked every poll to wait: the poll was put off until then.
    pub deferred_until: Option<chrono::DateTime<Utc>>,
}

impl PollReport {
    /// Counts what storing an item did; returns whether the item was new to its source.
    fn count(&mut self, outcome: StoreOutcome) -> bool {
        match outcome {
            StoreOutcome::Stored { alerts, .. } => {
                self.stored += 1;
                self.alerts += alerts;
            }
            StoreOutcome::Linked { .. } => self.linked += 1,
            StoreOutcome::AlreadySeen => return false,
        }
        true
    }
}

/// How far a poll got through its feed.
struct FeedPass {
    /// HTTP status of the feed response.
    status: Option<u16>,
    /// Validators to store: empty unless every item was handled, so that an interrupted pass
    /// is not mistaken for a finished one by the next conditional GET.
    validators: Validators,
    /// Items new to this source.
    new_items: u64,
    /// Whether every item was handled.
    complete: bool,
    /// The longest polling hint from the feed or its response headers.
    hint: Option<Duration>,
    /// What was wrong with the feed although it could be read (charset, broken XML).
    warning: Option<String>,
}

/// Why a poll failed; recorded as the source's last error.
#[derive(Debug, thiserror::Error)]
enum PollError {
    /// Shutdown came first; nothing to record (a pass cut short between items is a [`FeedPass`]).
    #[error("interrupted by shutdown")]
    Interrupted,
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Feed(#[from] crate::sources::FeedError),
    /// A listing, sitemap or channel page without what its kind needs.
    #[error(transparent)]
    Source(#[from] crate::sources::SourceError),
    #[error("source {source_name}: {error}")]
    Store {
        source_name: String,
        error: StoreError,
    },
    #[error("internal task failed: {0}")]
    Task(String),
}

impl PollError {
    /// Wraps a store failure met while polling `source`, so the error names the source.
    fn store(source: &SourceSpec) -> impl Fn(StoreError) -> PollError + Copy + '_ {
        move |error| PollError::Store {
            source_name: source.name.clone(),
            error,
        }
    }

    /// The failure kind for backoff; local failures retry at the normal pace.
    fn kind(&self) -> FailureKind {
        match self {
            PollError::Fetch(e) => e.kind(),
            PollError::Feed(_) | PollError::Source(_) => FailureKind::Content,
            PollError::Interrupted | PollError::Store { .. } | PollError::Task(_) => {
                FailureKind::Server
            }
        }
    }
}

impl Pipeline {
    /// Builds the pipeline and starts its writer and worker threads.
    pub fn new(
        fetcher: Fetcher,
        store: SharedStore,
        rules: Rules,
        sinks: Vec<String>,
        robots: RobotsCache,
        sites: Vec<SiteRule>,
    ) -> std::io::Result<Pipeline> {
        let sinks = Arc::new(sinks);
        let stages = Arc::new(Stages::default());
        let writer = Writer::spawn(store.clone(), Arc::clone(&sinks), Arc::clone(&stages))?;
        Ok(Pipeline {
            fetcher,
            store,
            writer,
            workers: Workers::per_core()?,
            rules: Arc::new(rules),
            sinks,
            robots,
            sites: Arc::new(sites),
            stages,
            claims: Claims::default(),
            in_hand: Arc::new(tokio::sync::Semaphore::new(items::PAGES_IN_HAND)),
        })
    }

    /// Polls `source` once and records the outcome on its row.
    pub async fn poll(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
    ) -> PollReport {
        let started = Utc::now();
        let mut report = PollReport::default();
        let result = self.poll_kind(source, state, cancel, &mut report).await;
        crate::metrics::articles(report.stored, report.linked);
        let record = match result {
            Ok(pass) => {
                crate::metrics::poll_done("ok", None);
                success_record(source, state, started, pass)
            }
            Err(PollError::Interrupted) => return report,
            Err(PollError::Fetch(FetchError::HostPaused { until, .. })) => {
                crate::metrics::poll_done("deferred", None);
                report.deferred_until = Some(until);
                let id = state.id;
                if let Err(err) = self.with_store(move |s| s.defer_source(id, until)).await {
                    tracing::error!(source = %source.name, error = %err, "cannot defer poll");
                }
                return report;
            }
            Err(err) => {
                tracing::warn!(source = %source.name, error = %err, "poll failed");
                report.failed = true;
                crate::metrics::poll_done("failed", Some(err.kind().as_str()));
                failure_record(source, state, started, &err)
            }
        };
        let id = state.id;
        if let Err(err) = self.with_store(move |s| s.record_poll(id, &record)).await {
            tracing::error!(source = %source.name, error = %err, "cannot record poll outcome");
        }
        report
    }

    /// Polls `source` the way its kind says.
    async fn poll_kind(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        match &source.kind {
            SourceKind::Auto => self.poll_auto(source, state, cancel, report).await,
            SourceKind::Feed => self.poll_feed(source, state, cancel, report).await,
            SourceKind::Page(settings) => {
                self.poll_page(source, state, settings, cancel, report)
                    .await
            }
            SourceKind::Sitemap => self.poll_sitemap(source, state, cancel, report).await,
            SourceKind::Telegram { follow_links } => {
                self.poll_telegram(source, state, *follow_links, cancel, report)
                    .await
            }
        }
    }

    /// Fetches and processes the feed.
    async fn poll_feed(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        let outcome = self
            .fetch_source(source, state, Expect::Feed, cancel)
            .await?;
        let fetched = match outcome {
            FetchOutcome::NotModified { freshness } => return Ok(FeedPass::unchanged(freshness)),
            FetchOutcome::Fetched(f) => f,
        };
        let (decoded, url) = (fetched.decoded(), fetched.final_url.clone());
        let text = decoded.text;
        let stages = Arc::clone(&self.stages);
        let feed = self
            .workers
            .run(move || stages.parse.time(|| parse_feed(&text, &url)))
            .await
            .map_err(|e| PollError::Task(e.to_string()))??;
        let warning = [decoded.warning, feed.warning]
            .into_iter()
            .flatten()
            .reduce(|a, b| format!("{a}; {b}"));
        // Feeds list newest first; storing oldest first keeps ids and alerts in story order.
        let candidates = feed
            .items
            .into_iter()
            .rev()
            .map(|item| Candidate {
                item,
                fetch_page: true,
            })
            .collect();
        let handled = self
            .process_candidates(source, state.id, candidates, None, cancel, report)
            .await?;
        Ok(FeedPass {
            warning,
            ..FeedPass::after(&fetched, handled, feed.poll_hint)
        })
    }

    /// Fetches the source's own URL with the validators of its last complete poll, so an
    /// unchanged document costs a 304; an interrupted fetch is dropped at once.
    async fn fetch_source(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        expect: Expect,
        cancel: &CancellationToken,
    ) -> Result<FetchOutcome, PollError> {
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let started = std::time::Instant::now();
        let outcome = tokio::select! {
            outcome = self.fetcher.get(&source.url, &validators, Origin::Configured, expect) => outcome,
            () = cancel.cancelled() => return Err(PollError::Interrupted),
        };
        crate::metrics::fetched(crate::metrics::Fetched::Source, started.elapsed());
        let outcome = outcome?;
        self.stages.fetch.add(started.elapsed());
        Ok(outcome)
    }

    /// Runs `f` on the store off the async threads (SQLite calls block).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.store.run(f).await
    }
}
