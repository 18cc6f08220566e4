//! Delivery time arithmetic: retry backoff with jitter, digest times and rate-limit windows.
//!
//! Pure functions of "now"; no I/O.

use std::time::Duration;

use chrono::{DateTime, Days, TimeZone, Utc};

use crate::config::{DigestSchedule, RateLimit, RetryPolicy};

/// Share of a backoff used as random jitter either way, so retries of a burst spread out.
const JITTER: f64 = 0.2;

/// When to retry after the `attempts`-th failed attempt, or `None` when the delivery is dead.
/// A receiver's `Retry-After` is honoured when it asks for longer than the backoff.
pub fn retry_at(
    policy: &RetryPolicy,
    attempts: u32,
    retry_after: Option<Duration>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    if attempts >= policy.max_attempts {
        return None;
    }
    let wait = pause(policy, attempts, retry_after);
    Some(now + chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::MAX))
}

/// The wait after `failures` failures in a row: the policy's backoff doubled per failure up
/// to its cap, ±20% jitter, and never shorter than a receiver's `Retry-After`.
pub fn pause(policy: &RetryPolicy, failures: u32, retry_after: Option<Duration>) -> Duration {
    let doublings = failures.saturating_sub(1).min(30);
    let base = policy
        .backoff
        .saturating_mul(1 << doublings)
        .min(policy.max_backoff);
    let jittered = base.mul_f64(1.0 + rand::random_range(-JITTER..=JITTER));
    retry_after.map_or(jittered, |asked| asked.max(jittered))
}

/// The first digest time strictly after `now`.
pub fn next_digest(schedule: &DigestSchedule, now: DateTime<Utc>) -> DateTime<Utc> {
    match schedule {
        DigestSchedule::Every(every) => {
            now + chrono::Duration::from_std(*every).unwrap_or(chrono::Duration::days(1))
        }
        DigestSchedule::Daily { time, offset } => {
            let local = now.with_timezone(offset).date_naive();
            [local, local + Days::new(1)]
                .into_iter()
                .filter_map(|day| offset.from_local_datetime(&day.and_time(*time)).single())
                .map(|t| t.with_timezone(&Utc))
                .find(|t| *t > now)
                .unwrap_or(now + chrono::Duration::days(1))
        }
    }
}

/// A fixed window counting messages sent by one sink; stored with the sink so that restarts
/// and `run --once` from cron do not reset it.
#[derive(Debug)]
pub struct RateWindow {
    limit: RateLimit,
    started: DateTime<Utc>,
    sent: u32,
}

impl RateWindow {
    /// The window begun at `started` with `sent` messages counted.
    pub fn resume(limit: RateLimit, started: DateTime<Utc>, sent: u32) -> RateWindow {
        RateWindow {
            limit,
            started,
            sent,
        }
    }

    /// When the window began and how many messages it counted, for storing.
    pub fn state(&self) -> (DateTime<Utc>, u32) {
        (self.started, self.sent)
    }

    /// Messages that may still be sent in the window containing `now`.
    pub fn remaining(&mut self, now: DateTime<Utc>) -> u32 {
        let per = chrono::Duration::from_std(self.limit.per).unwrap_or(chrono::Duration::MAX);
        if now - self.started >= per {
            self.started = now;
            self.sent = 0;
        }
        self.limit.messages.saturating_sub(self.sent)
    }

    /// Counts one message sent.
    pub fn count(&mut self) {
        self.sent += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn backoff_doubles_within_jitter_honours_retry_after_and_ends_in_dead() {
        let policy = RetryPolicy {
            max_attempts: 4,
            backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(25),
        };
        let now = at("2026-01-08T10:00:00Z");
        let wait = |attempts, asked| {
            (retry_at(&policy, attempts, asked, now).unwrap() - now).num_milliseconds()
        };
        assert!((8_000..=12_000).contains(&wait(1, None)));
        assert!((16_000..=24_000).contains(&wait(2, None)));
        assert!((20_000..=30_000).contains(&wait(3, None)), "capped");
        assert_eq!(wait(1, Some(Duration::from_secs(120))), 120_000);
        assert_eq!(retry_at(&policy, 4, None, now), None);
    }

    #[test]
    fn daily_digests_fall_on_the_configured_local_time() {
        let schedule = DigestSchedule::Daily {
            time: chrono::NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            offset: chrono::FixedOffset::east_opt(5 * 3600).unwrap(),
        };
        // 02:59 UTC is 07:59 in Almaty: today's 08:00 local, i.e. 03:00 UTC.
        assert_eq!(
            next_digest(&schedule, at("2026-01-08T02:59:00Z")),
            at("2026-01-08T03:00:00Z")
        );
        assert_eq!(
            next_digest(&schedule, at("2026-01-08T03:00:00Z")),
            at("2026-01-09T03:00:00Z")
        );
        let hourly = DigestSchedule::Every(Duration::from_secs(3600));
        assert_eq!(
            next_digest(&hourly, at("2026-01-08T03:00:00Z")),
            at("2026-01-08T04:00:00Z")
        );
    }

    #[test]
    fn a_window_refills_after_its_period() {
        let limit = RateLimit {
            messages: 2,
            per: Duration::from_secs(60),
        };
        let start = at("2026-01-08T10:00:00Z");
        let mut window = RateWindow::resume(limit, start, 0);
        window.count();
        window.count();
        assert_eq!(window.remaining(start + chrono::Duration::seconds(59)), 0);
        assert_eq!(window.remaining(start + chrono::Duration::seconds(60)), 2);
    }
}
