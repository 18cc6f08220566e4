//! When each source is next due: adaptive intervals within bounds, feed hints as a floor,
//! weighted exponential backoff on failure, `Retry-After`, jitter, and a spread-out start.
//!
//! Pure time arithmetic; this module performs no I/O. `docs/polling.md` explains the rules.

mod slots;

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::fetch::FailureKind;
pub use slots::Slots;

/// Longest wait between retries of a failing source (unless its own interval is longer).
/// A failing source is never dropped: it keeps being retried at this pace.
pub const BACKOFF_CAP: Duration = Duration::from_secs(4 * 3600);

/// Share of the interval used as random jitter either way, so sources spread out over time.
const JITTER: f64 = 0.1;

/// How much shorter the interval gets after a poll that found new items.
const SPEED_UP: f64 = 0.75;
/// How much longer the interval gets after a poll that found nothing new.
const SLOW_DOWN: f64 = 1.2;

/// First polls started per second per unit of global concurrency when many sources are due at
/// once (at start, or after downtime).
const START_RATE_PER_SLOT: f64 = 4.0;

/// The interval limits of one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// Shortest interval.
    pub min: Duration,
    /// Longest interval.
    pub max: Duration,
}

/// The next interval after a successful poll that found `new_items`: shorter for a busy feed,
/// longer for a quiet one, within `bounds`, and never below the feed's own `hint` (which is
/// itself capped at the upper bound, so a feed cannot silence itself for longer).
pub fn adapt(
    current: Duration,
    new_items: u64,
    bounds: Bounds,
    hint: Option<Duration>,
) -> Duration {
    let factor = if new_items > 0 { SPEED_UP } else { SLOW_DOWN };
    let adapted = current.mul_f64(factor).clamp(bounds.min, bounds.max);
    let floor = hint.unwrap_or(Duration::ZERO).min(bounds.max);
    adapted.max(floor)
}

/// When to poll next after a success.
pub fn after_success(now: DateTime<Utc>, interval: Duration) -> DateTime<Utc> {
    at(now, jitter(interval))
}

/// When to poll next after the `failures`-th failure in a row of `kind`; a `retry_after` from
/// the server pushes it further out, never closer.
pub fn after_failure(
    now: DateTime<Utc>,
    interval: Duration,
    failures: u32,
    kind: FailureKind,
    retry_after: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let backoff = at(now, jitter(backoff(interval, failures, kind)));
    retry_after.map_or(backoff, |r| r.max(backoff))
}

/// When a source that is due now (or never polled) should first be polled, so that `due_count`
/// sources due together start at a bounded rate instead of all at once.
pub fn spread_start(
    now: DateTime<Utc>,
    interval: Duration,
    due_count: usize,
    concurrency: usize,
) -> DateTime<Utc> {
    let rate = START_RATE_PER_SLOT * concurrency.max(1) as f64;
    let window = Duration::from_secs_f64(due_count as f64 / rate).min(interval);
    at(now, window.mul_f64(rand::random_range(0.0..1.0)))
}

/// The delay before jitter: from the interval times the kind's weight, doubling per failure
/// up to the cap.
fn backoff(interval: Duration, failures: u32, kind: FailureKind) -> Duration {
    let cap = BACKOFF_CAP.max(interval);
    let doublings = failures.saturating_sub(1).min(16);
    interval
        .saturating_mul(weight(kind))
        .saturating_mul(1 << doublings)
        .min(cap)
}

/// Failures that heal by themselves (a 5xx, a throttle) retry at the interval; an unreachable
/// host backs off faster, and content or config problems (4xx, not a feed, blocked) fastest.
fn weight(kind: FailureKind) -> u32 {
    match kind {
        FailureKind::Server | FailureKind::Throttled => 1,
        FailureKind::Network | FailureKind::Timeout => 2,
        FailureKind::Client | FailureKind::Content => 4,
        FailureKind::Blocked => 8,
    }
}

fn jitter(d: Duration) -> Duration {
    d.mul_f64(1.0 + rand::random_range(-JITTER..=JITTER))
}

fn at(now: DateTime<Utc>, delay: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);
    const BOUNDS: Bounds = Bounds {
        min: Duration::from_secs(5 * 60),
        max: Duration::from_secs(60 * 60),
    };

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap_weighted_by_kind() {
        let server = |n| backoff(10 * MIN, n, FailureKind::Server);
        assert_eq!(server(1), 10 * MIN);
        assert_eq!(server(2), 20 * MIN);
        assert_eq!(server(3), 40 * MIN);
        assert_eq!(server(50), BACKOFF_CAP);
        assert_eq!(backoff(10 * MIN, 1, FailureKind::Network), 20 * MIN);
        assert_eq!(backoff(10 * MIN, 2, FailureKind::Client), 80 * MIN);
        assert_eq!(backoff(10 * MIN, 9, FailureKind::Blocked), BACKOFF_CAP);
        assert_eq!(
            backoff(24 * 60 * MIN, 5, FailureKind::Server),
            24 * 60 * MIN
        );
    }

    #[test]
    fn retry_after_pushes_the_next_poll_but_never_pulls_it_closer() {
        let now = Utc::now();
        let later = now + chrono::Duration::hours(3);
        let next = after_failure(now, 10 * MIN, 1, FailureKind::Throttled, Some(later));
        assert_eq!(next, later);
        let soon = now + chrono::Duration::seconds(1);
        let next = after_failure(now, 10 * MIN, 1, FailureKind::Throttled, Some(soon));
        assert!(next - now >= chrono::Duration::minutes(9));
    }

    #[test]
    fn busy_feeds_speed_up_and_quiet_ones_slow_down_within_bounds() {
        assert_eq!(adapt(20 * MIN, 3, BOUNDS, None), 15 * MIN);
        assert_eq!(adapt(20 * MIN, 0, BOUNDS, None), 24 * MIN);
        assert_eq!(adapt(6 * MIN, 9, BOUNDS, None), BOUNDS.min);
        assert_eq!(adapt(55 * MIN, 0, BOUNDS, None), BOUNDS.max);
        let mut interval = 15 * MIN;
        for _ in 0..100 {
            interval = adapt(interval, 0, BOUNDS, None);
        }
        assert_eq!(interval, BOUNDS.max);
    }

    #[test]
    fn feed_hints_are_a_floor_capped_at_the_upper_bound() {
        assert_eq!(adapt(10 * MIN, 5, BOUNDS, Some(30 * MIN)), 30 * MIN);
        assert_eq!(adapt(10 * MIN, 5, BOUNDS, Some(24 * 60 * MIN)), BOUNDS.max);
        assert_eq!(adapt(40 * MIN, 5, BOUNDS, Some(MIN)), 30 * MIN);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let now = Utc::now();
        for _ in 0..200 {
            let secs = (after_success(now, 10 * MIN) - now).num_seconds();
            assert!((540..=660).contains(&secs), "{secs}");
        }
    }

    #[test]
    fn many_sources_due_together_are_spread_but_one_starts_at_once() {
        let now = Utc::now();
        let one = spread_start(now, 10 * MIN, 1, 8);
        assert!(one - now <= chrono::Duration::seconds(1));
        let starts: Vec<i64> = (0..500)
            .map(|_| (spread_start(now, 10 * MIN, 10_000, 8) - now).num_seconds())
            .collect();
        assert!(starts.iter().all(|s| (0..=600).contains(s)));
        assert!(
            starts.iter().any(|s| *s > 150),
            "not spread over the window"
        );
    }
}
