//! The article path of one item before the writer, and the look-ahead that keeps the writer
//! busy: a poll analyses its next items (page fetch, extraction, matching, fingerprint) while
//! earlier ones are being stored, at most [`LOOKAHEAD`] at a time, and hands them to the
//! writer in their order. The writer then commits many articles per transaction, and both
//! cores have work while one article waits for its commit.

use std::future::Future;

use futures_util::StreamExt;
use futures_util::stream::FuturesOrdered;
use tokio_util::sync::CancellationToken;

use super::article::{ItemTarget, Known};
use super::candidates::{Candidate, Handled};
use super::claims::Claim;
use super::{Pipeline, PollError, PollReport};
use crate::config::SourceSpec;
use crate::sources::FeedItem;
use crate::store::{StoreError, StoreOutcome};
use crate::writer::Ingest;

/// Items of one poll in flight at most (being analysed or waiting for their commit). With
/// eight polls at once the writer can gather up to 64 articles, its largest batch; each item
/// ahead holds at most one fetched page, and extraction itself stays bounded by the workers
/// and the extraction byte budget.
pub(super) const LOOKAHEAD: usize = 8;

/// Items between their page fetch and the end of their analysis, across all polls at most.
/// Items waiting for their commit hold none, so this bounds the pages held in memory (as one
/// item per poll did before look-ahead) without bounding how many articles reach the writer.
pub(super) const PAGES_IN_HAND: usize = 8;

/// An item after the steps before the writer.
pub(super) enum Prepared<'a> {
    /// This source delivered the item before: nothing to do.
    Seen,
    /// The URL was stored from another item or source: linked to it.
    Linked,
    /// Ready to store, holding the URL's claim until the article is committed.
    Ready(Box<Ingest>, Claim<'a>),
}

impl Pipeline {
    /// Looks the item up, claims its URL, fetches its page when `fetch_page` is set (a
    /// feed's `extract`; a Telegram post only when it leads to an outlet's article) and
    /// analyses it.
    pub(super) async fn prepare(
        &self,
        source: &SourceSpec,
        source_id: i64,
        item: &FeedItem,
        fetch_page: bool,
        cancel: &CancellationToken,
    ) -> Result<Prepared<'_>, PollError> {
        let store_err = PollError::store(source);
        let target = ItemTarget::of(source, item);
        let key = target.key();
        let claim = loop {
            match self.known(source_id, &target).await.map_err(store_err)? {
                Known::Seen => return Ok(Prepared::Seen),
                Known::Stored(article_id) => {
                    self.link(source_id, &target, article_id)
                        .await
                        .map_err(store_err)?;
                    return Ok(Prepared::Linked);
                }
                Known::New => {}
            }
            // Another item may be storing this very URL: wait for it, then look again.
            tokio::select! {
                claim = self.claims.claim(&key) => if let Some(claim) = claim {
                    break claim;
                },
                () = cancel.cancelled() => return Err(PollError::Interrupted),
            }
        };
        let _in_hand = tokio::select! {
            permit = self.in_hand.acquire() => permit.map_err(|e| PollError::Task(e.to_string()))?,
            () = cancel.cancelled() => return Err(PollError::Interrupted),
        };
        let page = match (&item.link, fetch_page) {
            (Some(link), true) => Some(self.fetch_page(link, source.obey_robots, cancel).await?),
            _ => None,
        };
        let ingest = self.analyse(source, source_id, item, target, page).await?;
        Ok(Prepared::Ready(Box::new(ingest), claim))
    }

    /// Runs `candidates` through the article path in order, up to [`LOOKAHEAD`] at a time;
    /// at most `budget` new items whose page is fetched are handled (the rest waits for the
    /// next poll). An item counts as handled once committed; on an error or shutdown no new
    /// item is started, and those already handed to the writer are still awaited and counted.
    pub(super) async fn process_candidates(
        &self,
        source: &SourceSpec,
        source_id: i64,
        candidates: Vec<Candidate>,
        budget: Option<usize>,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<Handled, PollError> {
        let mut handled = Handled {
            new_items: 0,
            interrupted: false,
            capped: false,
        };
        let mut queue = candidates.into_iter().peekable();
        let mut analysing = FuturesOrdered::new();
        let mut storing = FuturesOrdered::new();
        let mut failure = None;
        // New items with a fetched page so far, and items in flight that may become one.
        let (mut pages, mut may_fetch) = (0, 0);
        loop {
            while failure.is_none() && analysing.len() + storing.len() < LOOKAHEAD {
                let Some(candidate) = queue.peek() else { break };
                if cancel.is_cancelled() {
                    handled.interrupted = true;
                    break;
                }
                let fetches = candidate.fetch_page && source.extract;
                if fetches && budget.is_some_and(|max| pages + may_fetch >= max) {
                    if may_fetch == 0 {
                        tracing::info!(source = %source.name, limit = budget,
                            "new-page budget of this poll spent; the rest waits for the next poll");
                        handled.capped = true;
                        queue = Vec::new().into_iter().peekable();
                    }
                    break;
                }
                let Some(Candidate { item, .. }) = queue.next() else {
                    break;
                };
                may_fetch += usize::from(fetches);
                analysing.push_back(async move {
                    let prepared = self
                        .prepare(source, source_id, &item, fetches, cancel)
                        .await;
                    (fetches, prepared)
                });
            }
            if failure.is_some() {
                analysing.clear();
            }
            let stored = tokio::select! {
                biased;
                Some((fetches, outcome)) = storing.next() => {
                    may_fetch -= usize::from(fetches);
                    match outcome {
                        Ok(outcome) => Some((fetches, report.count(outcome))),
                        Err(error) => {
                            failure.get_or_insert(PollError::store(source)(error));
                            None
                        }
                    }
                }
                Some((fetches, prepared)) = analysing.next() => match prepared {
                    Ok(Prepared::Ready(ingest, claim)) => {
                        storing.push_back(self.store_ahead(*ingest, claim, fetches));
                        None
                    }
                    Ok(Prepared::Seen) => {
                        may_fetch -= usize::from(fetches);
                        None
                    }
                    Ok(Prepared::Linked) => {
                        may_fetch -= usize::from(fetches);
                        report.linked += 1;
                        Some((fetches, true))
                    }
                    Err(PollError::Interrupted) => {
                        may_fetch -= usize::from(fetches);
                        handled.interrupted = true;
                        None
                    }
                    Err(error) => {
                        may_fetch -= usize::from(fetches);
                        failure.get_or_insert(error);
                        None
                    }
                },
                else => break,
            };
            if let Some((fetches, true)) = stored {
                handled.new_items += 1;
                pages += usize::from(fetches);
            }
        }
        match failure {
            Some(error) => Err(error),
            None => Ok(handled),
        }
    }

    /// Hands `ingest` to the writer now (so articles are written in item order) and waits
    /// for its commit, keeping the URL's claim until then.
    fn store_ahead<'a>(
        &self,
        ingest: Ingest,
        claim: Claim<'a>,
        fetches: bool,
    ) -> impl Future<Output = (bool, Result<StoreOutcome, StoreError>)> + use<'a> {
        let committed = self.writer.submit(ingest);
        async move {
            let outcome = committed.await;
            drop(claim);
            (fetches, outcome)
        }
    }
}
