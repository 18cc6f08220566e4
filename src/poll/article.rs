//! The article path after the feed: is the item known, then (on a worker thread) extract the
//! page, build the article, match the rules and fingerprint the body — everything the writer
//! needs, so it only looks up and writes.

use std::sync::Arc;

use chrono::Utc;

use super::page::PageError;
use super::{Pipeline, PollError};
use crate::config::SourceSpec;
use crate::dedup::{Fingerprint, canonical_url, page_canonical, url_key};
use crate::extract::{Extracted, extract_learning, reserve};
use crate::fetch::Fetched;
use crate::revisit::first_check;
use crate::sources::FeedItem;
use crate::store::{NewArticle, StoreError};
use crate::text::Tokens;
use crate::writer::Ingest;

/// Where a feed item points: its link as given and in canonical form.
pub(super) struct ItemTarget {
    /// The item's identity in its feed.
    guid: String,
    /// The link as the feed gave it, resolved (the canonical URL when it has none).
    url: String,
    /// The canonical URL: the link's, or a `urn:` made of the source and GUID.
    canonical: String,
}

impl ItemTarget {
    /// The target of `item` from `source`.
    pub(super) fn of(source: &SourceSpec, item: &FeedItem) -> ItemTarget {
        let canonical = match &item.link {
            Some(link) => canonical_url(link),
            None => format!("urn:newswatch:{}:{}", source.name, item.guid),
        };
        let url = item
            .link
            .as_ref()
            .map_or_else(|| canonical.clone(), ToString::to_string);
        ItemTarget {
            guid: item.guid.clone(),
            url,
            canonical,
        }
    }

    /// The key two items share when they lead to the same article.
    pub(super) fn key(&self) -> String {
        url_key(&self.canonical)
    }
}

/// What the database already knows of an item, before any page is fetched.
pub(super) enum Known {
    /// This source delivered this item before.
    Seen,
    /// Another item or source delivered the same URL: this stored article.
    Stored(i64),
    /// Nothing: fetch and store it.
    New,
}

impl Pipeline {
    /// Whether the item was seen, or its URL stored.
    pub(super) async fn known(
        &self,
        source_id: i64,
        target: &ItemTarget,
    ) -> Result<Known, StoreError> {
        let (guid, canonical, key) = (target.guid.clone(), target.canonical.clone(), target.key());
        self.with_store(move |s| {
            if s.item_seen(source_id, &guid)? {
                return Ok(Known::Seen);
            }
            Ok(s.article_by_key(&canonical, &key)?
                .map_or(Known::New, Known::Stored))
        })
        .await
    }

    /// Records that this source's item delivered the stored article `article_id`.
    pub(super) async fn link(
        &self,
        source_id: i64,
        target: &ItemTarget,
        article_id: i64,
    ) -> Result<(), StoreError> {
        let (guid, url) = (target.guid.clone(), target.url.clone());
        self.with_store(move |s| s.link_item(source_id, &guid, &url, article_id))
            .await
    }

    /// On a worker thread: extracts the page, builds the article, matches the rules and
    /// fingerprints the body.
    pub(super) async fn analyse(
        &self,
        source: &SourceSpec,
        source_id: i64,
        item: &FeedItem,
        target: ItemTarget,
        page: Option<Result<Fetched, PageError>>,
    ) -> Result<Ingest, PollError> {
        let (rules, sites, stages) = (
            Arc::clone(&self.rules),
            Arc::clone(&self.sites),
            Arc::clone(&self.stages),
        );
        let (source, item) = (source.clone(), item.clone());
        // Pages being extracted at once share one byte budget (extraction holds several times
        // the page in memory); the share is given back when the worker is done.
        let budget = match &page {
            Some(Ok(fetched)) => reserve(fetched.body.len()).await,
            _ => None,
        };
        self.workers
            .run(move || {
                let _budget = budget;
                let page: Option<Result<Extracted, PageError>> = page.map(|page| {
                    let fetched = page?;
                    let (url, text) = stages.parse.time(|| fetched.into_text());
                    Ok(stages
                        .extract
                        .time(|| extract_learning(&text, &url, &sites)))
                });
                match &page {
                    Some(Err(error)) => stages.page_failed(error.kind()),
                    Some(Ok(p)) if p.body.trim().is_empty() => stages.page_failed("empty"),
                    _ => {}
                }
                let revisit = page.as_ref().is_some_and(Result::is_ok);
                let article = build_article(source_id, target, &item, page);
                if let Some(error) = &article.extract_error {
                    tracing::debug!(url = %article.url, error = %error, "page text not used");
                }
                // The body is split into words once, for both the rules and the fingerprint
                // (counted in the matching stage, the first to read them).
                let (alerts, words) = stages.matching.time(|| {
                    let words = Tokens::of(&article.body);
                    let title = article.title.as_deref().unwrap_or("");
                    let doc = rules.document_of(title, &article.body, &words);
                    let alerts = rules.alerts(
                        &doc,
                        &source.name,
                        &source.tags,
                        article.language.as_deref(),
                    );
                    (alerts, words)
                });
                let fingerprint = stages
                    .dedup
                    .time(|| Fingerprint::of_tokens(&article.canonical_url, &article.body, &words));
                Ingest {
                    next_check_at: revisit.then(|| first_check(article.fetched_at)).flatten(),
                    article,
                    fingerprint,
                    alerts,
                }
            })
            .await
            .map_err(|e| PollError::Task(e.to_string()))
    }
}

/// Combines the feed item and the extracted page: the page gives the body, author, language and
/// (when on the same site) the canonical URL; the feed's title and date win, being the
/// publisher's own data; a failed extraction keeps the feed's text and the error.
fn build_article(
    source_id: i64,
    target: ItemTarget,
    item: &FeedItem,
    page: Option<Result<Extracted, PageError>>,
) -> NewArticle {
    let ItemTarget {
        guid,
        url,
        canonical,
    } = target;
    let (page, page_error) = match page {
        Some(Ok(page)) if page.body.trim().is_empty() => {
            (Some(page), Some(PageError::Empty { url: url.clone() }))
        }
        Some(Ok(page)) => (Some(page), None),
        Some(Err(error)) => (None, Some(error)),
        None => (None, None),
    };
    let canonical_url = page
        .as_ref()
        .zip(item.link.as_ref())
        .and_then(|(page, link)| page_canonical(link, page.canonical_url.as_ref()))
        .unwrap_or(canonical);
    let page_body = page
        .as_ref()
        .filter(|_| page_error.is_none())
        .map(|p| p.body.clone());
    let body = page_body
        .or_else(|| item.content.clone())
        .or_else(|| item.summary.clone())
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
        extract_error: page_error.map(|e| e.to_string()),
        fetched_at: Utc::now(),
    }
}
