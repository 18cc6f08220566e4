//! `[display] timezone`: the zone times are shown in by the CLI's text output and by the text
//! of alerts and digests (e-mail, Telegram, log). Stored times stay UTC, and JSON output
//! (`--json`, webhook and command bodies) keeps them in UTC (`Z`), so scripts never depend on
//! who runs them.

use chrono::{DateTime, SecondsFormat};
use chrono_tz::Tz;

/// The zone times are shown in: `[display] timezone`, else the `TZ` environment variable
/// when it names an IANA zone, else UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisplayZone(Tz);

impl Default for DisplayZone {
    fn default() -> Self {
        DisplayZone(Tz::UTC)
    }
}

impl DisplayZone {
    /// The configured zone, else `TZ`'s (a leading `:` allowed, as POSIX writes it), else
    /// UTC. A `TZ` that is no IANA name (a POSIX rule such as `UTC-5`) is ignored.
    pub fn resolve(configured: Option<Tz>) -> DisplayZone {
        let from_env = || {
            let tz = std::env::var("TZ").ok()?;
            tz.trim().trim_start_matches(':').parse::<Tz>().ok()
        };
        DisplayZone(configured.or_else(from_env).unwrap_or(Tz::UTC))
    }

    /// A stored time (RFC 3339) in this zone, as RFC 3339 with the zone's offset at that
    /// moment (`2026-01-08T14:30:00+05:00`; `Z` where the offset is zero). Text that is not
    /// a time is returned as it is.
    pub fn show(&self, stored: &str) -> String {
        match DateTime::parse_from_rfc3339(stored) {
            Ok(t) => t
                .with_timezone(&self.0)
                .to_rfc3339_opts(SecondsFormat::Secs, true),
            Err(_) => stored.to_string(),
        }
    }
}

/// The IANA zone `name` names (`Asia/Almaty`, `UTC`), for config validation.
pub fn parse_zone(name: &str) -> Option<Tz> {
    name.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_shown_with_the_zones_offset_of_that_moment() {
        let almaty = DisplayZone(parse_zone("Asia/Almaty").unwrap());
        assert_eq!(
            almaty.show("2026-01-08T09:30:00Z"),
            "2026-01-08T14:30:00+05:00"
        );
        let berlin = DisplayZone(parse_zone("Europe/Berlin").unwrap());
        assert_eq!(
            berlin.show("2026-07-01T00:00:00Z"),
            "2026-07-01T02:00:00+02:00"
        );
        assert_eq!(
            berlin.show("2026-01-01T00:00:00Z"),
            "2026-01-01T01:00:00+01:00"
        );
        assert_eq!(
            DisplayZone::default().show("2026-01-08T09:30:00Z"),
            "2026-01-08T09:30:00Z"
        );
        assert_eq!(almaty.show("undated"), "undated");
        assert_eq!(parse_zone("Asia/Almat"), None);
    }
}
