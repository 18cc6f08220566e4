//! Re-checking stored pages for edits and removals.
//!
//! Each article whose page was extracted is fetched again at growing ages ([`REVISIT_AGES`])
//! with a conditional GET. Changed text becomes a new version; a 404 or 410 marks the article
//! removed. Passes are bounded ([`REVISITS_PER_PASS`]) and run beside the polls, never in
//! their way.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use url::Url;

use crate::dedup::{body_hash, words};
use crate::extract::extract_with_rules;
use crate::fetch::{Expect, FetchOutcome, Origin, Validators};
use crate::poll::Pipeline;
use crate::store::{DueRevisit, PageCheck, RevisitRecord};

/// Ages after first storage at which a page is fetched again. Most edits and take-downs of
/// news pages happen within hours; after three days the page is left alone.
pub const REVISIT_AGES: [Duration; 4] = [
    Duration::from_secs(3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
    Duration::from_secs(72 * 3600),
];

/// Pages re-checked per pass at most, so a backlog never floods the sites or the writer.
pub const REVISITS_PER_PASS: usize = 20;

/// How often the daemon starts a pass.
pub const PASS_EVERY: Duration = Duration::from_secs(60);

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RevisitReport {
    /// Pages fetched again.
    pub checked: usize,
    /// New versions stored.
    pub changed: usize,
    /// Pages found removed.
    pub removed: usize,
}

/// When a page stored at `fetched_at` is first re-checked.
pub fn first_check(fetched_at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    next_check(fetched_at, Utc::now())
}

/// The first revisit age of a page stored at `fetched_at` still ahead of `now`; ages missed
/// while the daemon was down are skipped rather than fetched back to back.
fn next_check(fetched_at: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    REVISIT_AGES
        .iter()
        .filter_map(|age| chrono::Duration::from_std(*age).ok())
        .map(|age| fetched_at + age)
        .find(|at| *at > now)
}

/// Runs one bounded pass: re-checks due pages, then trims the near-copy index.
pub async fn pass(pipeline: &Pipeline, cancel: &CancellationToken) -> RevisitReport {
    let mut report = RevisitReport::default();
    let now = Utc::now();
    let due = match pipeline
        .with_store(move |s| s.due_revisits(now, REVISITS_PER_PASS))
        .await
    {
        Ok(due) => due,
        Err(err) => {
            tracing::error!(error = %err, "cannot read pages due for a re-check");
            return report;
        }
    };
    for page in due {
        let check = tokio::select! {
            check = check_page(pipeline, &page) => check,
            () = cancel.cancelled() => break,
        };
        report.checked += 1;
        match check.check {
            PageCheck::Changed { .. } => report.changed += 1,
            PageCheck::Removed => report.removed += 1,
            PageCheck::Unchanged => {}
        }
        let id = page.article_id;
        if let Err(err) = pipeline
            .with_store(move |s| s.record_revisit(id, &check))
            .await
        {
            tracing::error!(article = id, error = %err, "cannot record a page re-check");
        }
    }
    if report.checked > 0 {
        tracing::info!(
            checked = report.checked,
            changed = report.changed,
            removed = report.removed,
            "re-checked stored pages"
        );
    }
    report
}

/// Fetches a page again and compares its text with the stored one.
async fn check_page(pipeline: &Pipeline, page: &DueRevisit) -> RevisitRecord {
    let now = Utc::now();
    let mut record = RevisitRecord {
        check: PageCheck::Unchanged,
        etag: None,
        last_modified: None,
        next_check_at: page.fetched_at.and_then(|at| next_check(at, now)),
        at: now,
    };
    let Ok(url) = Url::parse(&page.url) else {
        record.next_check_at = None;
        return record;
    };
    let validators = Validators {
        etag: page.etag.clone(),
        last_modified: page.last_modified.clone(),
    };
    let fetched = match pipeline
        .fetcher
        .get(&url, &validators, Origin::Content, Expect::Page)
        .await
    {
        Ok(FetchOutcome::Fetched(f)) => f,
        Ok(FetchOutcome::NotModified { .. }) => return record,
        Err(err) if matches!(err.status(), Some(404 | 410)) => {
            record.check = PageCheck::Removed;
            record.next_check_at = None;
            return record;
        }
        Err(err) => {
            tracing::debug!(url = %url, error = %err, "page re-check failed; will try at the next age");
            return record;
        }
    };
    record.etag = fetched.validators.etag.clone();
    record.last_modified = fetched.validators.last_modified.clone();
    let old = page.body.clone();
    let sites = Arc::clone(&pipeline.sites);
    let compared = tokio::task::spawn_blocking(move || {
        let (url, text) = fetched.into_text();
        let page = extract_with_rules(&text, Some(&url), &sites);
        let new_words = words(&page.body);
        let changed = !new_words.is_empty() && new_words != words(&old);
        changed.then(|| PageCheck::Changed {
            title: page.title,
            body_hash: body_hash(&new_words),
            body: page.body,
        })
    })
    .await;
    if let Ok(Some(changed)) = compared {
        record.check = changed;
    }
    record
}

/// Runs passes in the background for the daemon: one at a time, at most every [`PASS_EVERY`].
#[derive(Default)]
pub struct Revisits {
    running: Option<JoinHandle<RevisitReport>>,
    last_start: Option<Instant>,
}

impl Revisits {
    /// Starts a pass if none is running and the last one started long enough ago.
    pub fn tick(&mut self, pipeline: &Arc<Pipeline>, cancel: &CancellationToken) {
        if self
            .running
            .as_ref()
            .is_some_and(|task| !task.is_finished())
        {
            return;
        }
        if self.last_start.is_some_and(|at| at.elapsed() < PASS_EVERY) {
            return;
        }
        self.last_start = Some(Instant::now());
        let (pipeline, cancel) = (Arc::clone(pipeline), cancel.clone());
        self.running = Some(tokio::spawn(async move { pass(&pipeline, &cancel).await }));
    }

    /// Waits for a running pass to reach its safe point (it stops early on cancellation).
    pub async fn finish(self) {
        if let Some(task) = self.running {
            let _ = task.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_follow_the_ages_and_skip_the_missed_ones() {
        let stored = DateTime::parse_from_rfc3339("2026-01-08T09:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let at = |h: i64| stored + chrono::Duration::hours(h);
        assert_eq!(next_check(stored, at(0)), Some(at(1)));
        assert_eq!(next_check(stored, at(1)), Some(at(6)));
        assert_eq!(next_check(stored, at(30)), Some(at(72)));
        assert_eq!(next_check(stored, at(72)), None);
    }
}
