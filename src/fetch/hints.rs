//! Timing hints in response headers: `Retry-After`, `Cache-Control: max-age` and `Expires`.
//!
//! Pure header parsing; the scheduler decides what the hints mean for the next poll.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{CACHE_CONTROL, EXPIRES, HeaderMap, RETRY_AFTER};

/// Longest `Retry-After` or freshness honoured; a larger value is a misconfiguration, not a plan.
const LONGEST_HINT: Duration = Duration::from_secs(7 * 24 * 3600);

/// When a `Retry-After` header (delay in seconds or an HTTP date) says to come back.
pub fn retry_after(headers: &HeaderMap, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let delay = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => (http_date(value)? - now).to_std().unwrap_or(Duration::ZERO),
    };
    Some(now + chrono::Duration::from_std(delay.min(LONGEST_HINT)).ok()?)
}

/// How long the response says it stays fresh: `Cache-Control: max-age` wins over `Expires`.
pub fn freshness(headers: &HeaderMap, now: DateTime<Utc>) -> Option<Duration> {
    let max_age = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|directive| {
            let (key, value) = directive.split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("max-age")
                .then(|| value.trim().trim_matches('"').parse::<u64>().ok())?
        })
        .map(Duration::from_secs);
    let fresh = max_age.or_else(|| {
        let expires = http_date(headers.get(EXPIRES)?.to_str().ok()?)?;
        (expires - now).to_std().ok()
    })?;
    Some(fresh.min(LONGEST_HINT))
}

/// Parses an HTTP date (RFC 9110 IMF-fixdate, which RFC 2822 parsing accepts).
fn http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text.trim())
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-01-10T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let secs = retry_after(&headers(&[("retry-after", "120")]), now()).unwrap();
        assert_eq!((secs - now()).num_seconds(), 120);
        let date = headers(&[("retry-after", "Sat, 10 Jan 2026 13:00:00 GMT")]);
        assert_eq!(
            (retry_after(&date, now()).unwrap() - now()).num_seconds(),
            3600
        );
        let past = headers(&[("retry-after", "Sat, 10 Jan 2026 11:00:00 GMT")]);
        assert_eq!(retry_after(&past, now()), Some(now()));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "soon")]), now()),
            None
        );
        let huge = retry_after(&headers(&[("retry-after", "99999999999")]), now()).unwrap();
        assert_eq!((huge - now()).num_days(), 7);
    }

    #[test]
    fn max_age_wins_over_expires() {
        let both = headers(&[
            ("cache-control", "public, max-age=900"),
            ("expires", "Sat, 10 Jan 2026 14:00:00 GMT"),
        ]);
        assert_eq!(freshness(&both, now()), Some(Duration::from_secs(900)));
        let expires = headers(&[("expires", "Sat, 10 Jan 2026 14:00:00 GMT")]);
        assert_eq!(freshness(&expires, now()), Some(Duration::from_secs(7200)));
        let stale = headers(&[("expires", "0")]);
        assert_eq!(freshness(&stale, now()), None);
        assert_eq!(
            freshness(&headers(&[("cache-control", "no-cache")]), now()),
            None
        );
    }
}
