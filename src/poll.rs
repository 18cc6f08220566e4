//! One poll of one source through the pipeline: fetch the feed, parse it, and for each new item
//! fetch and extract the page, match the rules, and store article and alerts together.
//!
//! A poll stops at a safe point (between items, or by dropping an unfinished fetch) when
//! cancelled. Each article is committed on its own, and the feed's validators are saved only
//! after every item was handled, so an interrupted poll is simply redone by the next one:
//! nothing is lost, nothing half-written.

use std::sync::{Arc, Mutex};

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::config::SourceSpec;
use crate::dedup::{StoryRule, canonical_url, page_canonical, url_key};
use crate::extract::{Extracted, extract};
use crate::fetch::{FetchError, FetchOutcome, Fetcher, Validators};
use crate::revisit::first_check;
use crate::schedule::next_poll;
use crate::sources::{FeedItem, parse_feed};
use crate::store::{
    NewAlert, NewArticle, PollRecord, SourceState, Store, StoreError, StoreOutcome,
};
use crate::watch::{Document, RuleSet};

/// The watch rules, compiled once and shared by every poll.
pub struct Rules {
    /// Rule names, in the same order as the rule set's queries.
    pub names: Vec<String>,
    /// The compiled queries.
    pub set: RuleSet,
}

/// What the pipeline needs, shared by every poll.
pub struct Pipeline {
    /// The HTTP client.
    pub fetcher: Fetcher,
    /// The one database connection (the single writer).
    pub store: Arc<Mutex<Store>>,
    /// The watch rules.
    pub rules: Arc<Rules>,
    /// Names of the configured sinks; each new alert gets one delivery per sink.
    pub sinks: Arc<Vec<String>>,
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
        let (record, failed) = match result {
            Ok(pass) => {
                // An interrupted pass is redone at the next start: its remaining items wait.
                let next_due_at = if pass.complete {
                    next_poll(Utc::now(), source.interval, 0)
                } else {
                    Utc::now()
                };
                let record = PollRecord {
                    at: started,
                    status: pass.status,
                    error: None,
                    etag: pass.validators.etag,
                    last_modified: pass.validators.last_modified,
                    new_items: pass.new_items,
                    next_due_at,
                };
                (record, false)
            }
            Err(PollError::Interrupted) => return report,
            Err(err) => {
                tracing::warn!(source = %source.name, error = %err, "poll failed");
                let status = match &err {
                    PollError::Fetch(e) => e.status(),
                    _ => None,
                };
                let failures = state.consecutive_failures + 1;
                let record = PollRecord {
                    at: started,
                    status,
                    error: Some(err.to_string()),
                    etag: None,
                    last_modified: None,
                    new_items: 0,
                    next_due_at: next_poll(Utc::now(), source.interval, failures),
                };
                (record, true)
            }
        };
        report.failed = failed;
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
            outcome = self.fetcher.get(&source.url, &validators) => outcome?,
            () = cancel.cancelled() => return Err(PollError::Interrupted),
        };
        let fetched = match outcome {
            FetchOutcome::NotModified => {
                return Ok(FeedPass {
                    status: Some(304),
                    validators: Validators::default(),
                    new_items: 0,
                    complete: true,
                });
            }
            FetchOutcome::Fetched(f) => f,
        };
        let text = fetched.text();
        let items = parse_feed(&text, &fetched.final_url)?;
        let mut pass = FeedPass {
            status: Some(fetched.status),
            validators: Validators::default(),
            new_items: 0,
            complete: false,
        };
        // Feeds list newest first; storing oldest first keeps ids and alerts in story order.
        for item in items.iter().rev() {
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
                page = self.extract_page(link) => Some(page),
                () = cancel.cancelled() => return Err(PollError::Interrupted),
            },
            _ => None,
        };
        let revisit = page.as_ref().is_some_and(Result::is_ok);
        let article = build_article(source_id, guid, url, canonical, item, page);
        let alerts = self.match_rules(&article).await?;
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

    /// Fetches an article page and extracts it; the error text is kept when either fails.
    async fn extract_page(&self, link: &Url) -> Result<Extracted, String> {
        let fetched = match self.fetcher.get(link, &Validators::default()).await {
            Ok(FetchOutcome::Fetched(f)) => f,
            Ok(FetchOutcome::NotModified) => {
                return Err(format!("{link} answered 304 to an unconditional request"));
            }
            Err(err) => return Err(err.to_string()),
        };
        let page_url = fetched.final_url.clone();
        tokio::task::spawn_blocking(move || extract(&fetched.text(), Some(&page_url)))
            .await
            .map_err(|e| format!("extraction of {link} crashed: {e}"))
    }

    /// Runs every rule over the article (CPU work, off the async threads).
    async fn match_rules(&self, article: &NewArticle) -> Result<Vec<NewAlert>, PollError> {
        let rules = Arc::clone(&self.rules);
        let title = article.title.clone().unwrap_or_default();
        let body = article.body.clone();
        tokio::task::spawn_blocking(move || {
            let doc = Document::new(&title, &body);
            rules
                .set
                .matches(&doc)
                .into_iter()
                .filter_map(|(index, hit)| {
                    Some(NewAlert {
                        rule_name: rules.names.get(index)?.clone(),
                        matched_terms: hit.terms,
                        snippet: hit.snippet,
                    })
                })
                .collect()
        })
        .await
        .map_err(|e| PollError::Task(e.to_string()))
    }

    /// Runs `f` on the store off the async threads (SQLite calls block).
    pub async fn with_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .unwrap_or_else(|e| Err(StoreError::Task(e.to_string())))
    }
}

/// Combines the feed item and the extracted page: the page wins where it has a value, the feed
/// fills the gaps, and a failed extraction keeps the feed's text and the error.
fn build_article(
    source_id: i64,
    guid: String,
    url: String,
    canonical_url: String,
    item: &FeedItem,
    page: Option<Result<Extracted, String>>,
) -> NewArticle {
    let (page, extract_error) = match page {
        Some(Ok(page)) => (Some(page), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let feed_text = item.content.clone().or_else(|| item.summary.clone());
    let page_body = page
        .as_ref()
        .map(|p| p.body.clone())
        .filter(|b| !b.trim().is_empty());
    let canonical_url = page
        .as_ref()
        .zip(item.link.as_ref())
        .and_then(|(page, link)| page_canonical(link, page.canonical_url.as_ref()))
        .unwrap_or(canonical_url);
    let extract_error = extract_error.or_else(|| {
        (page.is_some() && page_body.is_none()).then(|| format!("no article text found on {url}"))
    });
    let body = page_body
        .or(feed_text)
        .or_else(|| item.title.clone())
        .unwrap_or_default();
    NewArticle {
        source_id,
        guid,
        url,
        canonical_url,
        title: item
            .title
            .clone()
            .or_else(|| page.as_ref().and_then(|p| p.title.clone())),
        author: page
            .as_ref()
            .and_then(|p| p.author.clone())
            .or_else(|| item.author.clone()),
        published_at: item.published.or_else(|| {
            page.as_ref()
                .and_then(|p| p.published.map(|d| d.with_timezone(&Utc)))
        }),
        language: page.as_ref().and_then(|p| p.language.clone()),
        summary: item.summary.clone(),
        body,
        extract_error,
        fetched_at: Utc::now(),
    }
}
