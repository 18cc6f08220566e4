//! The way discovery chose to watch a `kind = "auto"` source, kept on its `sources` row.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time};

/// A chosen way, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredWay {
    /// The kind it is read as (`feed`, `sitemap`, `page`, `telegram`).
    pub kind: String,
    /// The URL read.
    pub url: String,
    /// Why it was chosen.
    pub reason: String,
    /// When it was chosen.
    pub at: String,
}

impl Store {
    /// The way chosen for source `source_id`, if one is.
    pub fn source_way(&self, source_id: i64) -> Result<Option<StoredWay>, StoreError> {
        let way = self
            .conn
            .query_row(
                "SELECT way_kind, way_url, way_reason, way_at FROM sources
                 WHERE id = ?1 AND way_kind IS NOT NULL",
                [source_id],
                |r| {
                    Ok(StoredWay {
                        kind: r.get(0)?,
                        url: r.get(1)?,
                        reason: r.get(2)?,
                        at: r.get(3)?,
                    })
                },
            )
            .optional()?;
        Ok(way)
    }

    /// Records the way chosen for `source_id`; the validators of whatever was read before
    /// are forgotten, as they belong to another URL.
    pub fn set_source_way(
        &mut self,
        source_id: i64,
        kind: &str,
        url: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE sources SET way_kind = ?2, way_url = ?3, way_reason = ?4, way_at = ?5,
                etag = NULL, last_modified = NULL
             WHERE id = ?1",
            params![source_id, kind, url, reason, db_time(Utc::now())],
        )?;
        Ok(())
    }

    /// Forgets the chosen way of a source that was already failing and has not succeeded
    /// since `before` (nor been given its way since), so its next poll discovers again.
    /// Returns whether it did.
    pub fn forget_failing_way(
        &mut self,
        source_id: i64,
        before: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE sources SET way_kind = NULL, way_url = NULL, way_reason = NULL, way_at = NULL,
                etag = NULL, last_modified = NULL
             WHERE id = ?1 AND way_kind IS NOT NULL AND consecutive_failures > 0
               AND max(coalesce(last_success_at, ''), way_at) < ?2",
            params![source_id, db_time(before)],
        )?;
        Ok(changed > 0)
    }

    /// The chosen ways of all sources that have one, by source name.
    pub fn source_ways(&self) -> Result<HashMap<String, StoredWay>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT name, way_kind, way_url, way_reason, way_at FROM sources
             WHERE way_kind IS NOT NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                StoredWay {
                    kind: r.get(1)?,
                    url: r.get(2)?,
                    reason: r.get(3)?,
                    at: r.get(4)?,
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_way_is_kept_then_forgotten_after_a_day_of_failure() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let id = store
            .sync_sources([("a", "http://x.kz/")])
            .unwrap()
            .remove(0)
            .id;
        assert_eq!(store.source_way(id).unwrap(), None);
        store
            .set_source_way(id, "feed", "http://x.kz/rss", "announced by the page")
            .unwrap();
        let way = store.source_way(id).unwrap().unwrap();
        assert_eq!(
            (way.kind.as_str(), way.url.as_str()),
            ("feed", "http://x.kz/rss")
        );
        assert_eq!(store.source_ways().unwrap()["a"], way);
        let tomorrow = Utc::now() + chrono::Duration::days(1);
        assert!(
            !store.forget_failing_way(id, tomorrow).unwrap(),
            "not failing"
        );
        store
            .conn
            .execute("UPDATE sources SET consecutive_failures = 3", [])
            .unwrap();
        assert!(
            !store
                .forget_failing_way(id, Utc::now() - chrono::Duration::days(1))
                .unwrap()
        );
        assert!(store.forget_failing_way(id, tomorrow).unwrap());
        assert_eq!(store.source_way(id).unwrap(), None);
        store
            .set_source_way(id, "page", "http://x.kz/", "a listing")
            .unwrap();
        store.sync_sources([("a", "http://x.kz/")]).unwrap();
        assert!(
            store.source_way(id).unwrap().is_some(),
            "same URL: the way stays"
        );
        store.sync_sources([("a", "http://y.kz/")]).unwrap();
        assert_eq!(
            store.source_way(id).unwrap(),
            None,
            "a new URL is discovered again"
        );
    }
}
