//! Polling a `kind = "telegram"` source: the channel preview's newest page, then older pages
//! (bounded) until a post seen before, then each post through the shared article path.

use tokio_util::sync::CancellationToken;

use super::candidates::Candidate;
use super::{FeedPass, Pipeline, PollError, PollReport};
use crate::config::SourceSpec;
use crate::fetch::{Expect, FetchOutcome};
use crate::sources::{SourceError, TelegramPost, is_channel_page, parse_channel};
use crate::store::SourceState;

/// Pages of a channel read per poll at most (about 20 posts each): on the first poll this is
/// how far back history goes; later polls stop at the first page holding a known post.
pub const TELEGRAM_PAGES: usize = 5;

impl Pipeline {
    /// Polls a Telegram channel preview.
    pub(super) async fn poll_telegram(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        follow_links: bool,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        let outcome = self
            .fetch_source(source, state, Expect::Page, cancel)
            .await?;
        let fetched = match outcome {
            FetchOutcome::NotModified { freshness } => return Ok(FeedPass::unchanged(freshness)),
            FetchOutcome::Fetched(f) => f,
        };
        let text = fetched.text();
        let page = parse_channel(&text, &fetched.final_url);
        if page.posts.is_empty() && !is_channel_page(&text) {
            return Err(SourceError {
                url: source.url.to_string(),
                reason: "is not a Telegram channel preview (no tgme_widget_message posts); \
                         use the channel's https://t.me/s/NAME address"
                    .into(),
            }
            .into());
        }
        let mut posts = page.posts;
        let mut older = page.older;
        for _ in 1..TELEGRAM_PAGES {
            let Some(url) = older.take() else { break };
            let known = match posts.first() {
                Some(oldest) => self.seen(source, state.id, &oldest.id).await?,
                None => false,
            };
            if known || cancel.is_cancelled() {
                break;
            }
            match self.fetch_found(source, &url, Expect::Page).await {
                Ok(f) => {
                    let (final_url, text) = f.into_text();
                    let page = parse_channel(&text, &final_url);
                    posts.splice(0..0, page.posts);
                    older = page.older;
                }
                Err(error) => {
                    tracing::warn!(source = %source.name, %error, "older channel page skipped");
                    break;
                }
            }
        }
        let candidates = in_post_order(posts)
            .into_iter()
            .map(|post| {
                let (item, fetch_page) = post.into_item(follow_links);
                Candidate { item, fetch_page }
            })
            .collect();
        let handled = self
            .process_candidates(
                source,
                state.id,
                candidates,
                Some(source.max_new_pages),
                cancel,
                report,
            )
            .await?;
        Ok(FeedPass::after(&fetched, handled, None))
    }
}

/// Posts oldest first, each once (pages may overlap when posts arrive between fetches).
fn in_post_order(mut posts: Vec<TelegramPost>) -> Vec<TelegramPost> {
    let number = |p: &TelegramPost| {
        p.id.rsplit('/')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    posts.sort_by_key(number);
    posts.dedup_by(|a, b| a.id == b.id);
    posts
}
