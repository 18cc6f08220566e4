//! Polling a `kind = "sitemap"` source: the sitemap, index or robots.txt (conditional GET),
//! child sitemaps breadth first — bounded in depth and count, loops detected, unchanged ones
//! (same `lastmod`) skipped — then the newest pages not delivered before through the shared
//! article path.

use std::collections::{HashSet, VecDeque};

use tokio_util::sync::CancellationToken;
use url::Url;

use super::candidates::Candidate;
use super::{FeedPass, Pipeline, PollError, PollReport};
use crate::config::SourceSpec;
use crate::fetch::{Expect, FetchOutcome};
use crate::sources::{
    FeedItem, Newest, SitemapEntry, SitemapItem, SourceError, is_plain_text, read_sitemap,
    robots_sitemaps,
};
use crate::store::SourceState;

/// Sitemap documents fetched per poll at most, the first one included.
pub const MAX_SITEMAP_FETCHES: usize = 50;
/// How deep sitemap indexes may nest below the configured URL.
pub const MAX_INDEX_DEPTH: usize = 3;
/// Newest pages kept from one poll's sitemaps before the delivered ones are dropped.
pub const MAX_SITEMAP_PAGES: usize = 1000;

/// A child sitemap waiting to be read.
struct Child {
    url: Url,
    depth: usize,
    lastmod: Option<String>,
}

/// What one document gave.
struct Document {
    pages: Vec<SitemapEntry>,
    children: Vec<SitemapEntry>,
}

/// The walk over one poll's sitemaps.
struct Walk {
    queue: VecDeque<Child>,
    visited: HashSet<Url>,
    newest: Newest,
}

impl Walk {
    /// Takes a document's pages and queues its children, skipping ones already read.
    fn take(&mut self, source: &SourceSpec, document: Document, depth: usize) {
        for page in document.pages {
            self.newest.push(page);
        }
        let mut children = document.children;
        children.sort_by_key(|c| std::cmp::Reverse(c.date));
        for child in children {
            if !self.visited.insert(child.loc.clone()) {
                tracing::warn!(source = %source.name, sitemap = %child.loc,
                    "sitemap listed again (an index loop); skipped");
            } else if depth + 1 > MAX_INDEX_DEPTH {
                tracing::warn!(source = %source.name, sitemap = %child.loc,
                    limit = MAX_INDEX_DEPTH, "sitemap index nested too deep; skipped");
            } else {
                self.queue.push_back(Child {
                    url: child.loc,
                    depth: depth + 1,
                    lastmod: child.lastmod,
                });
            }
        }
    }
}

impl Pipeline {
    /// Polls a sitemap source.
    pub(super) async fn poll_sitemap(
        &self,
        source: &SourceSpec,
        state: &SourceState,
        cancel: &CancellationToken,
        report: &mut PollReport,
    ) -> Result<FeedPass, PollError> {
        let outcome = self
            .fetch_source(source, state, Expect::Sitemap, cancel)
            .await?;
        let mut fetched = match outcome {
            FetchOutcome::NotModified { freshness } => return Ok(FeedPass::unchanged(freshness)),
            FetchOutcome::Fetched(f) => f,
        };
        let mut walk = Walk {
            queue: VecDeque::new(),
            visited: HashSet::from([source.url.clone(), fetched.final_url.clone()]),
            newest: Newest::new(MAX_SITEMAP_PAGES),
        };
        let body = std::mem::take(&mut fetched.body);
        let root = self
            .read_document(body, fetched.final_url.clone())
            .await?
            .map_err(|reason| SourceError {
                url: source.url.to_string(),
                reason: format!(
                    "{reason}; check that the URL points at a sitemap, a sitemap index or a robots.txt"
                ),
            })?;
        walk.take(source, root, 0);
        self.read_children(source, state.id, &mut walk, cancel)
            .await?;
        let pages = walk.newest.into_sorted();
        let urls: Vec<String> = pages.iter().map(|p| p.loc.to_string()).collect();
        let id = state.id;
        let fresh: HashSet<String> = self
            .with_store(move |s| s.undelivered(id, &urls))
            .await
            .map_err(PollError::store(source))?
            .into_iter()
            .collect();
        let candidates = pages
            .into_iter()
            .filter(|p| fresh.contains(p.loc.as_str()))
            .map(|page| Candidate {
                item: page_item(page),
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

    /// Reads the queued child sitemaps, within the per-poll fetch bound.
    async fn read_children(
        &self,
        source: &SourceSpec,
        source_id: i64,
        walk: &mut Walk,
        cancel: &CancellationToken,
    ) -> Result<(), PollError> {
        let store_err = PollError::store(source);
        let mut fetches = 1;
        while let Some(child) = walk.queue.pop_front() {
            if cancel.is_cancelled() {
                return Err(PollError::Interrupted);
            }
            if fetches >= MAX_SITEMAP_FETCHES {
                tracing::warn!(source = %source.name, limit = MAX_SITEMAP_FETCHES,
                    left = walk.queue.len() + 1, "sitemap fetch bound of this poll reached");
                break;
            }
            if let Some(lastmod) = child.lastmod.clone() {
                let url = child.url.to_string();
                let unchanged = self
                    .with_store(move |s| s.sitemap_unchanged(source_id, &url, &lastmod))
                    .await
                    .map_err(store_err)?;
                if unchanged {
                    continue;
                }
            }
            fetches += 1;
            let read = match self.fetch_found(source, &child.url, Expect::Sitemap).await {
                Ok(f) => self.read_document(f.body, f.final_url).await?,
                Err(error) => Err(error),
            };
            match read {
                Ok(document) => {
                    walk.take(source, document, child.depth);
                    let (url, lastmod) = (child.url.to_string(), child.lastmod);
                    self.with_store(move |s| s.note_sitemap(source_id, &url, lastmod.as_deref()))
                        .await
                        .map_err(store_err)?;
                }
                Err(error) => {
                    tracing::warn!(source = %source.name, sitemap = %child.url, %error,
                        "child sitemap skipped");
                }
            }
        }
        Ok(())
    }

    /// Reads one fetched document on a worker (a big sitemap is real CPU work).
    async fn read_document(
        &self,
        body: Vec<u8>,
        url: Url,
    ) -> Result<Result<Document, String>, PollError> {
        self.workers
            .run(move || document_of(&body, &url))
            .await
            .map_err(|e| PollError::Task(e.to_string()))
    }
}

/// One fetched document: a sitemap, an index, or a robots.txt whose `Sitemap:` lines become
/// children.
fn document_of(body: &[u8], url: &Url) -> Result<Document, String> {
    if is_plain_text(body) {
        let text = String::from_utf8_lossy(body);
        let children = robots_sitemaps(&text, url);
        if children.is_empty() {
            return Err("is neither XML nor a robots.txt with Sitemap: lines".to_string());
        }
        let children = children
            .into_iter()
            .map(|loc| SitemapEntry {
                loc,
                lastmod: None,
                title: None,
                published: None,
                date: None,
            })
            .collect();
        return Ok(Document {
            pages: Vec::new(),
            children,
        });
    }
    let mut pages = Newest::new(MAX_SITEMAP_PAGES);
    let mut children = Vec::new();
    let read = read_sitemap(body, url, |item| match item {
        SitemapItem::Page(page) => pages.push(page),
        SitemapItem::Sitemap(child) => children.push(child),
    })?;
    if read.truncated {
        tracing::warn!(%url, "sitemap cut at its size bound; the entries before it are used");
    }
    Ok(Document {
        pages: pages.into_sorted(),
        children,
    })
}

/// A sitemap page as a pipeline item: a news sitemap's title and date win, as a feed's would.
fn page_item(page: SitemapEntry) -> FeedItem {
    FeedItem {
        guid: page.loc.to_string(),
        link: Some(page.loc),
        title: page.title,
        summary: None,
        content: None,
        author: None,
        published: page.published,
    }
}
