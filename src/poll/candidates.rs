//! What every source kind hands the article path (`items`): its candidate items, and how a
//! pass over them ended, with the per-poll budget of new pages a listing, sitemap or followed
//! link may cost.

use std::time::Duration;

use url::Url;

use super::{FeedPass, Pipeline, PollError, Validators};
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
