//! When each source is next due: its interval with jitter, and exponential backoff on failure.
//!
//! Pure time arithmetic; this module performs no I/O.

use std::time::Duration;

use chrono::{DateTime, Utc};
/// Longest wait between retries of a failing source (unless its own interval is longer).
/// A failing source is never dropped: it keeps being retried at this pace.
const BACKOFF_CAP: Duration = Duration::from_secs(4 * 3600);

/// Share of the interval used as random jitter either way, so sources spread out over time.
const JITTER: f64 = 0.1;

/// When to poll a source next, given its interval and failures in a row after this poll
/// (0 after a success).
pub fn next_poll(
    now: DateTime<Utc>,
    interval: Duration,
    consecutive_failures: u32,
) -> DateTime<Utc> {
    let base = delay(interval, consecutive_failures);
    let factor = 1.0 + rand::random_range(-JITTER..=JITTER);
    let jittered = base.mul_f64(factor);
    now + chrono::Duration::from_std(jittered).unwrap_or(chrono::Duration::MAX)
}

/// The delay before jitter: the interval after a success, doubling per failure up to a cap.
fn delay(interval: Duration, consecutive_failures: u32) -> Duration {
    if consecutive_failures == 0 {
        return interval;
    }
    let cap = BACKOFF_CAP.max(interval);
    let doublings = (consecutive_failures - 1).min(16);
    interval.saturating_mul(1 << doublings).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: Duration = Duration::from_secs(60);

    #[test]
    fn failures_back_off_exponentially_up_to_the_cap() {
        assert_eq!(delay(10 * MIN, 0), 10 * MIN);
        assert_eq!(delay(10 * MIN, 1), 10 * MIN);
        assert_eq!(delay(10 * MIN, 2), 20 * MIN);
        assert_eq!(delay(10 * MIN, 3), 40 * MIN);
        assert_eq!(delay(10 * MIN, 50), BACKOFF_CAP);
        assert_eq!(delay(24 * 60 * MIN, 5), 24 * 60 * MIN);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        let now = Utc::now();
        for _ in 0..200 {
            let secs = (next_poll(now, 10 * MIN, 0) - now).num_seconds();
            assert!((540..=660).contains(&secs), "{secs}");
        }
    }
}
