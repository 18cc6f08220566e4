//! One poll of one source through the pipeline: fetch the feed, parse it, and for each new item
//! fetch and extract the page, match the rules, and store article and alerts together.
//!
//! A poll stops at a safe point (between items, or by dropping an unfinished fetch) when
//! cancelled. Each article is committed on its own, and the feed's validators are saved only
//! after every item was handled, so an interrupted poll is simply redone by the next one:
//! nothing is lost, nothing half-written.

mod article;
mod record;
mod robots;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::{RuleSpec, SourceSpec};
use crate::dedup::{StoryRule, canonical_url, url_key};
use crate::extract::{Extracted, SiteRule};
use crate::fetch::{Expect, FailureKind, FetchError, FetchOutcome, Fetcher, Origin, Validators};
use crate::revisit::first_check;
use crate::sources::{FeedItem, parse_feed};
use crate::store::{
    NewAlert, NewArticle, SharedStore, SourceState, Store, StoreError, StoreOutcome,
};
use crate::watch::{Document, RuleScope, RuleSet};
use article::build_article;
use record::{failure_record, success_record};
pub use robots::RobotsCache;

/// The watch rules, compiled once and shared by every poll.
pub struct Rules {
    /// Rule names, in the same order as the rule set's queries.
    pub names: Vec<String>,
    /// The compiled queries.
    pub set: RuleSet,
    /// Each rule's scope, in the same order.
    pub scopes: Vec<RuleScope>,
}

impl Rules {
    /// Compiles the configured rules.
    pub fn new(rules: Vec<RuleSpec>) -> Rules {
        let mut names = Vec::with_capacity(rules.len());
        let mut queries = Vec::with_capacity(rules.len());
        let mut scopes = Vec::with_capacity(rules.len());
        for rule in rules {
            names.push(rule.name);
            queries.push(rule.query);
            scopes.push(rule.scope);
        }
        Rules {
            names,
            set: RuleSet::new(queries),
            scopes,
        }
    }

    /// The alerts for `doc`: every rule that matches and whose scope takes an article from
    /// `source` (carrying `tags`) in `language`.
    pub fn alerts(
        &self,
        doc: &Document,
        source: &str,
        tags: &[String],
        language: Option<&str>,
    ) -> Vec<NewAlert> {
        self.set
            .matches(doc)
            .into_iter()
            .filter(|(index, _)| {
                self.scopes
                    .get(*index)
                    .is_some_and(|scope| scope.applies(source, tags, language))
            })
            .filter_map(|(index, hit)| {
                Some(NewAlert {
                    rule_name: self.names.get(index)?.clone(),
                    matched_terms: hit.terms,
                    snippet: hit.snippet,
                })
            })
            .collect()
    }
}

/// What the pipeline needs, shared by every poll.
pub struct Pipeline {
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// The one database connection (the single writer).
    pub store: SharedStore,
    /// The watch rules.
    pub rules: Arc<Rules>,
    /// Names of the configured sinks; each new alert gets one delivery per sink.
    pub sinks: Arc<Vec<String>>,
    /// robots.txt answers per host, for article pages.
    pub robots: RobotsCache,
    /// Per-site extraction rules from the config.
    pub sites: Arc<Vec<SiteRule>>,
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
    #[error("source {source_name}: {error}")]
    Store {
        source_name: String,
        error: StoreError,
    },
    #[error("internal task failed: {0}")]
    Task(String),
}

impl PollError {
    /// The failure kind for backoff; local failures retry at the normal pace.
    fn kind(&self) -> FailureKind {
        match self {
            PollError::Fetch(e) => e.kind(),
            PollError::Feed(_) => FailureKind::Content,
            PollError::Interrupted | PollError::Store { .. } | PollError::Task(_) => {
                FailureKind::Server
            }
        }
    }
}

impl Pipeline {
    /// Polls `source` once and records the outcome on its row.
    pub async fn poll(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
    ) -> PollReport {
        let started = Utc::now();
        let mut report = PollReport::default();
        let result = self.poll_feed(source, state, cancel, &mut report).await;
        let record = match result {
            Ok(pass) => success_record(source, state, started, pass),
            Err(PollError::Interrupted) => return report,
            Err(PollError::Fetch(FetchError::HostPaused { until, .. })) => {
                let id = state.id;
                if let Err(err) = self.with_store(move |s| s.defer_source(id, until)).await {
                    tracing::error!(source = %source.name, error = %err, "cannot defer poll");
                }
                return report;
            }
            Err(err) => {
                tracing::warn!(source = %source.name, error = %err, "poll failed");
                report.failed = true;
                failure_record(source, state, started, &err)
            }
        };
        let id = state.id;
        if let Err(err) = self.with_store(move |s| s.record_poll(id, &record)).await {
            tracing::error!(source = %source.name, error = %err, "cannot record poll outcome");
        }
        report
    }

    /// Fetches and processes the feed.
    async fn poll_feed(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        let validators = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let outcome = tokio::select! {
            outcome = self.fetcher.get(&source.url, &validators, Origin::Configured, Expect::Feed) => outcome?,
            () = cancel.cancelled() => return Err(PollError::Interrupted),
        };
        let fetched = match outcome {
            FetchOutcome::NotModified { freshness } => {
                return Ok(FeedPass {
                    status: Some(304),
                    validators: Validators::default(),
                    new_items: 0,
                    complete: true,
                    hint: freshness,
                });
            }
            FetchOutcome::Fetched(f) => f,
        };
        let (text, url) = (fetched.text(), fetched.final_url.clone());
        let feed = tokio::task::spawn_blocking(move || parse_feed(&text, &url))
            .await
            .map_err(|e| PollError::Task(e.to_string()))??;
        let mut pass = FeedPass {
            status: Some(fetched.status),
            validators: Validators::default(),
            new_items: 0,
            complete: false,
            hint: feed.poll_hint.max(fetched.freshness),
        };
        // Feeds list newest first; storing oldest first keeps ids and alerts in story order.
        for item in feed.items.iter().rev() {
            if cancel.is_cancelled() {
                return Ok(pass);
            }
            match self
                .process_item(source, state.id, item, cancel, report)
                .await
            {
                Ok(new) => pass.new_items += u64::from(new),
                Err(PollError::Interrupted) => return Ok(pass),
                Err(err) => return Err(err),
            }
        }
        pass.validators = fetched.validators;
        pass.complete = !cancel.is_cancelled();
        Ok(pass)
    }

    /// Handles one feed item; returns whether it was new to this source.
    async fn process_item(
        &self,
        source: &SourceSpec,
        source_id: i64,
        item: &FeedItem,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<bool, PollError> {
        let guid = item.guid.clone();
        let canonical = match &item.link {
            Some(link) => canonical_url(link),
            None => format!("urn:newswatch:{}:{}", source.name, guid),
        };
        let url = item
            .link
            .as_ref()
            .map_or_else(|| canonical.clone(), Url::to_string);
        let store_err = |error| PollError::Store {
            source_name: source.name.clone(),
            error,
        };
        let (g, c, k) = (guid.clone(), canonical.clone(), url_key(&canonical));
        let (seen, known) = self
            .with_store(move |s| Ok((s.item_seen(source_id, &g)?, s.article_by_key(&c, &k)?)))
            .await
            .map_err(store_err)?;
        if seen {
            return Ok(false);
        }
        if let Some(article_id) = known {
            let (g, u) = (guid.clone(), url.clone());
            self.with_store(move |s| s.link_item(source_id, &g, &u, article_id))
                .await
                .map_err(store_err)?;
            report.linked += 1;
            return Ok(true);
        }
        let page = match (&item.link, source.extract) {
            (Some(link), true) => tokio::select! {
                page = self.extract_page(link, source.obey_robots) => Some(page),
                () = cancel.cancelled() => return Err(PollError::Interrupted),
            },
            _ => None,
        };
        let revisit = page.as_ref().is_some_and(Result::is_ok);
        let article = build_article(source_id, guid, url, canonical, item, page);
        let alerts = self.match_rules(&article, source).await?;
        let sinks = self.sinks.to_vec();
        let outcome = self
            .with_store(move |s| {
                let check_at = revisit.then(|| first_check(article.fetched_at)).flatten();
                StoryRule::default().store(s, &article, &alerts, &sinks, check_at)
            })
            .await
            .map_err(store_err)?;
        match outcome {
            StoreOutcome::Stored { alerts, .. } => {
                report.stored += 1;
                report.alerts += alerts;
            }
            StoreOutcome::Linked { .. } => report.linked += 1,
            StoreOutcome::AlreadySeen => return Ok(false),
        }
        Ok(true)
    }

    /// Fetches an article page (where robots.txt allows) and extracts it; the error text is
    /// kept when any step fails.
    async fn extract_page(&self, link: &Url, obey_robots: bool) -> Result<Extracted, String> {
        if obey_robots {
            self.robots_allow(link).await?;
        }
        let fetched = match self
            .fetcher
            .get(link, &Validators::default(), Origin::Content, Expect::Page)
            .await
        {
            Ok(FetchOutcome::Fetched(f)) => f,
            Ok(FetchOutcome::NotModified { .. }) => {
                return Err(format!("{link} answered 304 to an unconditional request"));
            }
            Err(err) => return Err(err.to_string()),
        };
        let page_url = fetched.final_url.clone();
        let sites = Arc::clone(&self.sites);
        let budget = crate::extract::reserve(fetched.body.len()).await;
        tokio::task::spawn_blocking(move || {
            let _budget = budget;
            crate::extract::extract_learning(&fetched.text(), &page_url, &sites)
        })
        .await
        .map_err(|e| format!("extraction of {link} crashed: {e}"))
    }

    /// Runs every rule over the article (CPU work, off the async threads).
    async fn match_rules(
        &self,
        article: &NewArticle,
        source: &SourceSpec,
    ) -> Result<Vec<NewAlert>, PollError> {
        let rules = Arc::clone(&self.rules);
        let title = article.title.clone().unwrap_or_default();
        let body = article.body.clone();
        let language = article.language.clone();
        let source = source.clone();
        tokio::task::spawn_blocking(move || {
            let doc = Document::new(&title, &body);
            rules.alerts(&doc, &source.name, &source.tags, language.as_deref())
        })
        .await
        .map_err(|e| PollError::Task(e.to_string()))
    }

    /// Runs `f` on the store off the async threads (SQLite calls block).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.store.run(f).await
    }
}
