//! The admin's settings: `[storage] keep_articles` and `[display] timezone`.

use std::time::Duration;

use super::Checker;
use crate::config::display::parse_zone;
use crate::config::raw::{RawDisplay, RawStorage};

/// Shortest retention: the near-copy window (`dedup::WINDOW`), so pruning never cuts a story
/// that can still gather copies, never reaches an article of the in-memory band index, and
/// feeds have long dropped what it removes.
const MIN_KEEP: Duration = Duration::from_secs(30 * 24 * 3600);
const MAX_KEEP: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// `[storage] keep_articles`: `None` keeps everything.
pub(super) fn keep_articles(check: &mut Checker, raw: &RawStorage) -> Option<Duration> {
    let value = raw.keep_articles.as_ref()?;
    check.duration("storage.keep_articles", value, MIN_KEEP, MAX_KEEP)
}

/// `[display] timezone`: an IANA zone name.
pub(super) fn timezone(check: &mut Checker, raw: &RawDisplay) -> Option<chrono_tz::Tz> {
    let name = raw.timezone.as_ref()?;
    let zone = parse_zone(name.get_ref());
    if zone.is_none() {
        check.report(
            name,
            format!(
                "display.timezone {:?} is not an IANA time zone name; write e.g. \"Asia/Almaty\", \"Europe/Moscow\" or \"UTC\"",
                name.get_ref()
            ),
        );
    }
    zone
}
