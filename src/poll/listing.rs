//! Polling a `kind = "page"` source: the listing page (conditional GET), up to `follow` further
//! pages of pagination, then each article link not seen before through the shared article path.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use url::Url;

use super::candidates::Candidate;
use super::{FeedPass, Pipeline, PollError, PollReport};
use crate::config::{PageSettings, SourceSpec};
use crate::fetch::{Expect, FetchOutcome};
use crate::sources::{Listing, SourceError, link_item, parse_listing};
use crate::store::SourceState;

impl Pipeline {
    /// Polls a listing page source.
    pub(super) async fn poll_page(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        settings: &PageSettings,
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
        let settings = Arc::new(settings.clone());
        let first = self
            .parse_listing(fetched.text(), fetched.final_url.clone(), &settings)
            .await?;
        let mut pages = vec![first.links];
        let mut next = first.next;
        let mut visited = vec![source.url.clone(), fetched.final_url.clone()];
        for _ in 0..settings.follow {
            let Some(url) = next.take().filter(|u| !visited.contains(u)) else {
                break;
            };
            if cancel.is_cancelled() {
                return Err(PollError::Interrupted);
            }
            visited.push(url.clone());
            match self.fetch_found(source, &url, Expect::Page).await {
                Ok(f) => {
                    let (final_url, text) = f.into_text();
                    let page = self.parse_listing(text, final_url, &settings).await?;
                    pages.push(page.links);
                    next = page.next;
                }
                Err(error) => {
                    tracing::warn!(source = %source.name, %error, "listing page skipped");
                    break;
                }
            }
        }
        let links = article_links(pages);
        if links.is_empty() {
            return Err(no_links(source, settings.links.is_some()).into());
        }
        let id = state.id;
        let offered = self
            .with_store(move |s| s.listing_poll(id, &links))
            .await
            .map_err(PollError::store(source))?;
        let candidates = offered
            .iter()
            .filter_map(|u| Url::parse(u).ok())
            .map(|url| Candidate {
                item: link_item(url),
                fetch_page: true,
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

    /// Parses a listing page on a worker (a big page is real CPU work).
    async fn parse_listing(
        &self,
        html: String,
        url: Url,
        settings: &Arc<PageSettings>,
    ) -> Result<Listing, PollError> {
        let settings = Arc::clone(settings);
        self.workers
            .run(move || {
                parse_listing(&html, &url, settings.links.as_ref(), settings.next.as_ref())
            })
            .await
            .map_err(|e| PollError::Task(e.to_string()))
    }
}

/// The links of all pages read this poll, first occurrence only, in page order; with three or
/// more pages, a link on every one of them is navigation and dropped (with two, an article
/// pushed from the first page to the second between fetches would look the same).
fn article_links(pages: Vec<Vec<Url>>) -> Vec<String> {
    let mut on_pages: HashMap<String, usize> = HashMap::new();
    let mut order = Vec::new();
    for page in &pages {
        for link in page {
            let count = on_pages.entry(link.to_string()).or_insert(0);
            if *count == 0 {
                order.push(link.to_string());
            }
            *count += 1;
        }
    }
    let everywhere = |url: &String| pages.len() >= 3 && on_pages.get(url) == Some(&pages.len());
    order.into_iter().filter(|u| !everywhere(u)).collect()
}

fn no_links(source: &SourceSpec, with_selector: bool) -> SourceError {
    let reason = if with_selector {
        "the links selector matched no links; the page's layout may have changed: check `links`"
    } else {
        "no article links found on the page; give a `links` CSS selector for its article links"
    };
    SourceError {
        url: source.url.to_string(),
        reason: reason.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(paths: &[&str]) -> Vec<Url> {
        paths
            .iter()
            .map(|p| Url::parse(&format!("http://x.kz/{p}")).unwrap())
            .collect()
    }

    #[test]
    fn links_on_every_listing_page_are_navigation() {
        let links = article_links(vec![
            urls(&["nav/1111", "a/1", "a/2"]),
            urls(&["a/2", "nav/1111", "b/1"]),
            urls(&["c/1", "nav/1111"]),
        ]);
        assert_eq!(
            links,
            [
                "http://x.kz/a/1",
                "http://x.kz/a/2",
                "http://x.kz/b/1",
                "http://x.kz/c/1"
            ]
        );
        let two = article_links(vec![urls(&["nav/1111", "a/1"]), urls(&["nav/1111"])]);
        assert_eq!(two.len(), 2, "two pages alone say nothing about navigation");
    }
}
