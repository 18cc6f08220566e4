//! The loop every source kind shares: its candidate items go one by one through the per-article
//! path, with the per-poll budget of new pages a listing, sitemap or followed link may cost.

use std::time::Duration;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::{FeedPass, Pipeline, PollError, PollReport, Validators};
use crate::config::SourceSpec;
use crate::fetch::{Expect, FetchOutcome, Fetched, Origin};
use crate::sources::FeedItem;

/// One item a source offers, and whether its page is fetched and extracted.
pub(super) struct Candidate {
    /// The item, as a feed would have given it.
    pub item: FeedItem,
    /// Whether the item's link is fetched for the article (else its own text is the body).
    pub fetch_page: bool,
}

/// How a pass over candidates ended.
pub(super) struct Handled {
    /// Items new to the source.
    pub new_items: u64,
    /// Whether shutdown cut the pass short.
    pub interrupted: bool,
    /// Whether the page budget stopped the pass (the rest waits for the next poll).
    pub capped: bool,
}

impl FeedPass {
    /// A pass whose document had not changed (304).
    pub(super) fn unchanged(hint: Option<Duration>) -> FeedPass {
        FeedPass {
            status: Some(304),
            validators: Validators::default(),
            new_items: 0,
            complete: true,
            hint,
            warning: None,
        }
    }

    /// A pass over `fetched` whose candidates were `handled`: its validators are kept only
    /// when every candidate was, so a capped or interrupted pass is read again in full.
    pub(super) fn after(fetched: &Fetched, handled: Handled, hint: Option<Duration>) -> FeedPass {
        let finished = !handled.interrupted && !handled.capped;
        FeedPass {
            status: Some(fetched.status),
            validators: if finished {
                fetched.validators.clone()
            } else {
                Validators::default()
            },
            new_items: handled.new_items,
            complete: !handled.interrupted,
            hint: hint.max(fetched.freshness),
            warning: None,
        }
    }
}

impl Pipeline {
    /// Runs `candidates` in order through the article path; at most `source.max_new_pages`
    /// new items whose page is fetched are handled per poll.
    pub(super) async fn process_candidates(
        &self,
        source: &SourceSpec,
        source_id: i64,
        candidates: Vec<Candidate>,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<Handled, PollError> {
        let mut handled = Handled {
            new_items: 0,
            interrupted: false,
            capped: false,
        };
        let mut fetched_pages = 0;
        for candidate in candidates {
            if cancel.is_cancelled() {
                handled.interrupted = true;
                return Ok(handled);
            }
            let fetches = candidate.fetch_page && source.extract;
            if fetches && fetched_pages >= source.max_new_pages {
                tracing::info!(source = %source.name, limit = source.max_new_pages,
                    "new-page budget of this poll spent; the rest waits for the next poll");
                handled.capped = true;
                return Ok(handled);
            }
            let item = &candidate.item;
            match self
                .process_item(source, source_id, item, fetches, cancel, report)
                .await
            {
                Ok(true) => {
                    handled.new_items += 1;
                    fetched_pages += usize::from(fetches);
                }
                Ok(false) => {}
                Err(PollError::Interrupted) => {
                    handled.interrupted = true;
                    return Ok(handled);
                }
                Err(err) => return Err(err),
            }
        }
        Ok(handled)
    }

    /// Fetches a document a source found by itself (an older page, a pagination link, a child
    /// sitemap): guarded like any URL from content, and only where robots.txt allows.
    pub(super) async fn fetch_found(
        &self,
        source: &SourceSpec,
        url: &Url,
        expect: Expect,
    ) -> Result<Fetched, String> {
        if source.obey_robots {
            self.robots_allow(url).await.map_err(|e| e.to_string())?;
        }
        match self
            .fetcher
            .get(url, &Validators::default(), Origin::Content, expect)
            .await
        {
            Ok(FetchOutcome::Fetched(f)) => Ok(f),
            Ok(FetchOutcome::NotModified { .. }) => {
                Err(format!("{url} answered 304 to an unconditional request"))
            }
            Err(err) => Err(err.to_string()),
        }
    }

    /// Whether this source already handled the item `guid`.
    pub(super) async fn seen(
        &self,
        source: &SourceSpec,
        source_id: i64,
        guid: &str,
    ) -> Result<bool, PollError> {
        let guid = guid.to_string();
        self.with_store(move |s| s.item_seen(source_id, &guid))
            .await
            .map_err(PollError::store(source))
    }
}
