//! What the daemon's extractions share across pages: a byte budget for the pages being
//! extracted at once (extraction holds several times a page's size in memory, so the total
//! is bounded, not just each body) and the per-host template memory ([`Templates`]).

use std::sync::LazyLock;

use tokio::sync::{Semaphore, SemaphorePermit};
use url::Url;

use super::template::Templates;
use super::{Extracted, SiteRule, extract_with_rules};

/// Bytes of page HTML extracted at once across the process; a page larger than this waits
/// for all others and then runs alone. Extraction holds 4.3 (prose) to 6.5 (tiny-tag soup)
/// times the page (`cargo bench --bench extract -- --memory tags`), so this bounds it to
/// roughly 70-105 MB whatever the fetch concurrency.
pub const PAGE_BUDGET_BYTES: usize = 16 << 20;
/// Budget unit (bytes): permits are counted in KiB.
const UNIT: usize = 1024;

static BUDGET: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(PAGE_BUDGET_BYTES / UNIT));
static TEMPLATES: LazyLock<Templates> = LazyLock::new(Templates::default);

/// Waits until a page of `bytes` fits in the budget; the share is given back when the returned
/// permit is dropped (move it into the extraction's task).
pub async fn reserve(bytes: usize) -> Option<SemaphorePermit<'static>> {
    let units = bytes.div_ceil(UNIT).clamp(1, PAGE_BUDGET_BYTES / UNIT);
    BUDGET.acquire_many(u32::try_from(units).ok()?).await.ok()
}

/// Extracts a page the daemon fetched: [`extract_with_rules`], then blocks that the host's
/// earlier pages showed to be template are dropped, and this page's blocks are learned.
pub fn extract_learning(html: &str, page_url: &Url, rules: &[SiteRule]) -> Extracted {
    let mut page = extract_with_rules(html, Some(page_url), rules);
    if let Some(host) = page_url.host_str() {
        let site = match page_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        page.body = TEMPLATES.filter_and_learn(&site, &page.body);
    }
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `reserve(bytes)` completes at once (polled first, before a ready branch).
    async fn fits(bytes: usize) -> bool {
        tokio::select! {
            biased;
            permit = reserve(bytes) => permit.is_some(),
            () = std::future::ready(()) => false,
        }
    }

    #[tokio::test]
    async fn a_page_waits_while_the_budget_is_spent_and_runs_once_it_is_given_back() {
        let whole = reserve(PAGE_BUDGET_BYTES * 4).await;
        assert!(whole.is_some(), "a page above the budget takes all of it");
        assert!(
            !fits(1).await,
            "the budget is spent: even one byte must wait"
        );
        drop(whole);
        assert!(fits(PAGE_BUDGET_BYTES).await);
    }

    #[test]
    fn learning_extraction_drops_what_the_hosts_earlier_pages_repeat() {
        let url = |n: usize| Url::parse(&format!("http://127.0.0.1:9/a/{n}")).ok();
        let page = |n: usize| {
            format!(
                "<html><body><article><p>Story number {} tells of the council, which met and voted on the budget, said the clerk.</p><p>Нашли ошибку? Выделите текст и нажмите Ctrl+Enter.</p></article></body></html>",
                ["one", "two", "three", "four"][n]
            )
        };
        for n in 0..3 {
            let u = url(n).unwrap();
            assert!(
                extract_learning(&page(n), &u, &[])
                    .body
                    .contains("Нашли ошибку")
            );
        }
        let fourth = extract_learning(&page(3), &url(3).unwrap(), &[]).body;
        assert!(fourth.contains("Story number four"), "{fourth}");
        assert!(!fourth.contains("Нашли ошибку"), "{fourth}");
    }
}
