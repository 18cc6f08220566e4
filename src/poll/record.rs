//! What a finished poll writes on its source's row: the adapted interval and next poll after a
//! success, the weighted backoff after a failure.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{FeedPass, PollError};
use crate::config::SourceSpec;
use crate::schedule::{Bounds, adapt, after_failure, after_success};
use crate::store::{PollRecord, SourceState};

/// The row update after a successful poll: the interval adapts to what the feed had.
pub(super) fn success_record(
    source: &SourceSpec,
    state: &SourceState,
    started: DateTime<Utc>,
    pass: FeedPass,
) -> PollRecord {
    let bounds = Bounds {
        min: source.min_interval,
        max: source.max_interval,
    };
    let interval = adapt(
        current_interval(source, state),
        pass.new_items,
        bounds,
        pass.hint,
    );
    // An interrupted pass is redone at the next start: its remaining items wait.
    let next_due_at = if pass.complete {
        after_success(Utc::now(), interval)
    } else {
        Utc::now()
    };
    PollRecord {
        at: started,
        status: pass.status,
        error: None,
        warning: pass.warning,
        etag: pass.validators.etag,
        last_modified: pass.validators.last_modified,
        new_items: pass.new_items,
        next_due_at,
        interval: Some(interval),
        failure_kind: None,
        retry_after: None,
    }
}

/// The row update after a failed poll: weighted backoff, pushed by any `Retry-After`.
pub(super) fn failure_record(
    source: &SourceSpec,
    state: &SourceState,
    started: DateTime<Utc>,
    err: &PollError,
) -> PollRecord {
    let (status, retry_after) = match err {
        PollError::Fetch(e) => (e.status(), e.retry_after()),
        _ => (None, None),
    };
    let kind = err.kind();
    let interval = current_interval(source, state);
    let failures = state.consecutive_failures + 1;
    PollRecord {
        at: started,
        status,
        error: Some(err.to_string()),
        warning: None,
        etag: None,
        last_modified: None,
        new_items: 0,
        next_due_at: after_failure(Utc::now(), interval, failures, kind, retry_after),
        interval: None,
        failure_kind: Some(kind.as_str()),
        retry_after,
    }
}

/// The interval in force, kept within the configured bounds (which may have changed since it
/// was stored).
fn current_interval(source: &SourceSpec, state: &SourceState) -> Duration {
    state.interval.map_or(source.interval, |i| {
        i.clamp(source.min_interval, source.max_interval)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::{FetchError, Validators};

    const MIN: Duration = Duration::from_secs(60);

    fn source() -> SourceSpec {
        SourceSpec {
            name: "a".into(),
            url: url::Url::parse("http://x.kz/rss").unwrap(),
            interval: 10 * MIN,
            min_interval: 5 * MIN,
            max_interval: 60 * MIN,
            tags: Vec::new(),
            extract: false,
            obey_robots: true,
            kind: crate::config::SourceKind::Feed,
            max_new_pages: 50,
        }
    }

    fn state(interval: Option<Duration>, failures: u32) -> SourceState {
        SourceState {
            id: 1,
            name: "a".into(),
            etag: None,
            last_modified: None,
            next_due_at: None,
            consecutive_failures: failures,
            interval,
        }
    }

    #[test]
    fn a_stored_interval_outside_changed_bounds_is_clamped() {
        let pass = FeedPass {
            status: Some(304),
            validators: Validators::default(),
            new_items: 0,
            complete: true,
            hint: None,
            warning: None,
        };
        let record = success_record(&source(), &state(Some(600 * MIN), 0), Utc::now(), pass);
        assert_eq!(record.interval, Some(60 * MIN));
    }

    #[test]
    fn a_throttled_failure_records_its_kind_and_waits_for_retry_after() {
        let until = Utc::now() + chrono::Duration::hours(5);
        let err = PollError::Fetch(FetchError::Status {
            url: "http://x.kz/rss".into(),
            status: 429,
            retry_after: Some(until),
        });
        let record = failure_record(&source(), &state(None, 2), Utc::now(), &err);
        assert_eq!(record.failure_kind, Some("throttled"));
        assert_eq!(record.retry_after, Some(until));
        assert_eq!(record.next_due_at, until);
        assert_eq!(record.status, Some(429));
        assert!(record.error.unwrap().contains("429"));
    }
}
