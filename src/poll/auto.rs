//! Polling a `kind = "auto"` source: through the way discovery chose and recorded on the
//! source, discovering first when none is recorded, and again after the chosen way has failed
//! for a day.

use chrono::Utc;
use tokio_util::sync::CancellationToken;
use url::Url;

use super::discover::discover;
use super::{FeedPass, Pipeline, PollError, PollReport};
use crate::config::{PageSettings, SourceKind, SourceSpec};
use crate::sources::{FeedError, SourceError, Way, WayKind};
use crate::store::SourceState;

/// How long a chosen way may fail before the source is discovered again.
const REDISCOVER_AFTER: chrono::Duration = chrono::Duration::days(1);

impl Pipeline {
    /// Polls a source whose kind is discovered.
    pub(super) async fn poll_auto(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        let id = state.id;
        let store_err = PollError::store(source);
        let stored = self
            .with_store(move |s| s.source_way(id))
            .await
            .map_err(store_err)?;
        let mut state = state.clone();
        let way = match stored.and_then(|w| {
            Some(Way {
                kind: WayKind::from_name(&w.kind)?,
                url: Url::parse(&w.url).ok()?,
                reason: w.reason,
            })
        }) {
            Some(way) => way,
            None => {
                // Most URLs given are feeds: read it as one first, which costs no extra fetch.
                let not_a_feed = match self.poll_feed(source, &state, cancel, report).await {
                    Err(PollError::Feed(err)) => err,
                    Ok(pass) => {
                        let url = source.url.to_string();
                        let reason = "the URL serves a feed";
                        self.with_store(move |s| s.set_source_way(id, "feed", &url, reason))
                            .await
                            .map_err(store_err)?;
                        return Ok(pass);
                    }
                    Err(err) => return Err(err),
                };
                let way = self.discover_way(source, not_a_feed).await?;
                let (kind, url, reason) =
                    (way.kind.name(), way.url.to_string(), way.reason.clone());
                self.with_store(move |s| s.set_source_way(id, kind, &url, &reason))
                    .await
                    .map_err(store_err)?;
                tracing::info!(source = %source.name, kind = way.kind.name(), url = %way.url,
                    reason = %way.reason, "discovered how to watch the source");
                state.etag = None;
                state.last_modified = None;
                way
            }
        };
        let spec = SourceSpec {
            url: way.url,
            kind: match way.kind {
                WayKind::Feed => SourceKind::Feed,
                WayKind::Sitemap => SourceKind::Sitemap,
                WayKind::Page => SourceKind::Page(PageSettings {
                    links: None,
                    next: None,
                    follow: 0,
                }),
                WayKind::Telegram => SourceKind::Telegram {
                    follow_links: false,
                },
            },
            ..source.clone()
        };
        let result = Box::pin(self.poll_kind(&spec, &state, cancel, report)).await;
        if let Err(err) = &result
            && !matches!(err, PollError::Interrupted)
        {
            let before = Utc::now() - REDISCOVER_AFTER;
            let forgot = self
                .with_store(move |s| s.forget_failing_way(id, before))
                .await
                .map_err(store_err)?;
            if forgot {
                tracing::warn!(source = %source.name, "the chosen way failed for a day; the next poll discovers again");
            }
        }
        result
    }

    /// Discovers the way for a source whose URL is not a readable feed (`not_a_feed` says
    /// why); a broken feed stays that feed's error.
    async fn discover_way(
        &self,
        source: &SourceSpec,
        not_a_feed: FeedError,
    ) -> Result<Way, PollError> {
        let found = discover(
            &self.fetcher,
            self.robots.agent(),
            source.obey_robots,
            &source.url,
        )
        .await?;
        if let Some(way) = found.way {
            return Ok(way);
        }
        if found.broken_feed {
            return Err(not_a_feed.into());
        }
        Err(SourceError {
            url: source.url.to_string(),
            reason: "nothing to watch found (no feed, sitemap or article links); \
                     run `newswatch discover URL` and set `kind` explicitly"
                .into(),
        }
        .into())
    }
}
