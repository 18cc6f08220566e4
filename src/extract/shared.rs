//! What the daemon's extractions share across pages: a byte budget for the pages being
//! extracted at once (extraction holds several times a page's size in memory, so the total
//! is bounded, not just each body) and the per-host template memory ([`Templates`]).

use std::sync::LazyLock;

use tokio::sync::{Semaphore, SemaphorePermit};
use url::Url;

use super::template::Templates;
use super::{Extracted, SiteRule, extract_with_rules};

/// Bytes of page HTML extracted at once across the process; a page larger than this waits
/// for all others and then runs alone. Peak extraction memory is about eight times this.
pub const PAGE_BUDGET_BYTES: usize = 32 << 20;
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
