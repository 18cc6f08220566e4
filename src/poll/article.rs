//! Building the stored article from a feed item and (maybe) its extracted page.

use chrono::Utc;

use crate::dedup::page_canonical;
use crate::extract::Extracted;
use crate::sources::FeedItem;
use crate::store::NewArticle;

/// Combines the feed item and the extracted page: the page gives the body, author, language and
/// (when on the same site) the canonical URL; the feed's title and date win, being the
/// publisher's own data; a failed extraction keeps the feed's text and the error.
pub(super) fn build_article(
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
