//! The `source_links` table: what a listing or sitemap source remembers between polls.

use chrono::Utc;
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time};

/// A listing poll needs this many polls behind it before links present on every one of them
/// count as navigation.
pub const NAVIGATION_POLLS: i64 = 3;

impl Store {
    /// Records one listing poll of `source_id` that found `urls`, and returns those still to
    /// offer, in the given order: not yet delivered by this source, and not navigation — a link
    /// present on every poll of the source once it has had [`NAVIGATION_POLLS`] polls (a link
    /// that has been there since watching began is not news).
    pub fn listing_poll(
        &mut self,
        source_id: i64,
        urls: &[String],
    ) -> Result<Vec<String>, StoreError> {
        let now = db_time(Utc::now());
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE sources SET listing_polls = listing_polls + 1 WHERE id = ?1",
            [source_id],
        )?;
        let polls: i64 = tx.query_row(
            "SELECT listing_polls FROM sources WHERE id = ?1",
            [source_id],
            |r| r.get(0),
        )?;
        let mut offer = Vec::new();
        {
            let mut note = tx.prepare_cached(
                "INSERT INTO source_links (source_id, url, polls, last_seen_at) VALUES (?1, ?2, 1, ?3)
                 ON CONFLICT(source_id, url) DO UPDATE SET polls = polls + 1, last_seen_at = excluded.last_seen_at
                 RETURNING polls",
            )?;
            let mut delivered = tx.prepare_cached(
                "SELECT 1 FROM article_sources WHERE source_id = ?1 AND guid = ?2",
            )?;
            for url in urls {
                let seen_on: i64 = note.query_row(params![source_id, url, now], |r| r.get(0))?;
                let navigation = polls >= NAVIGATION_POLLS && seen_on >= polls;
                let known = delivered
                    .query_row(params![source_id, url], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !navigation && !known {
                    offer.push(url.clone());
                }
            }
        }
        tx.commit()?;
        Ok(offer)
    }
}

impl Store {
    /// The URLs among `urls` that `source_id` has not delivered yet, in the given order.
    pub fn undelivered(&self, source_id: i64, urls: &[String]) -> Result<Vec<String>, StoreError> {
        let mut delivered = self
            .conn
            .prepare_cached("SELECT 1 FROM article_sources WHERE source_id = ?1 AND guid = ?2")?;
        let mut out = Vec::new();
        for url in urls {
            let known = delivered
                .query_row(params![source_id, url], |_| Ok(()))
                .optional()?
                .is_some();
            if !known {
                out.push(url.clone());
            }
        }
        Ok(out)
    }

    /// Whether the child sitemap `url` was read before with this same `lastmod`.
    pub fn sitemap_unchanged(
        &self,
        source_id: i64,
        url: &str,
        lastmod: &str,
    ) -> Result<bool, StoreError> {
        let stored: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT lastmod FROM source_links WHERE source_id = ?1 AND url = ?2",
                params![source_id, url],
                |r| r.get(0),
            )
            .optional()?;
        Ok(stored.flatten().as_deref() == Some(lastmod))
    }

    /// Records that the child sitemap `url` was read with `lastmod`.
    pub fn note_sitemap(
        &mut self,
        source_id: i64,
        url: &str,
        lastmod: Option<&str>,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO source_links (source_id, url, lastmod, last_seen_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(source_id, url) DO UPDATE SET lastmod = excluded.lastmod,
                last_seen_at = excluded.last_seen_at",
            params![source_id, url, lastmod, db_time(Utc::now())],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_on_every_poll_become_navigation_and_delivered_ones_are_not_offered() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let id = store
            .sync_sources([("a", "http://x.kz/")])
            .unwrap()
            .remove(0)
            .id;
        let urls = |names: &[&str]| -> Vec<String> {
            names.iter().map(|n| format!("http://x.kz/{n}")).collect()
        };
        let offered = store.listing_poll(id, &urls(&["nav", "news/1"])).unwrap();
        assert_eq!(offered, urls(&["nav", "news/1"]));
        store
            .conn
            .execute_batch(
                "PRAGMA foreign_keys = OFF;
                 INSERT INTO article_sources (source_id, guid, article_id, url, seen_at)
                 VALUES (1, 'http://x.kz/news/1', 1, 'http://x.kz/news/1', 't');",
            )
            .unwrap();
        let offered = store
            .listing_poll(id, &urls(&["nav", "news/1", "news/2"]))
            .unwrap();
        assert_eq!(
            offered,
            urls(&["nav", "news/2"]),
            "delivered links are not offered"
        );
        let offered = store
            .listing_poll(id, &urls(&["nav", "news/2", "news/3"]))
            .unwrap();
        assert_eq!(
            offered,
            urls(&["news/2", "news/3"]),
            "on all three polls: navigation"
        );
    }

    #[test]
    fn a_child_sitemap_is_unchanged_only_with_the_same_lastmod() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let id = store
            .sync_sources([("a", "http://x.kz/")])
            .unwrap()
            .remove(0)
            .id;
        let child = "http://x.kz/sitemap-1.xml";
        assert!(!store.sitemap_unchanged(id, child, "2026-01-12").unwrap());
        store.note_sitemap(id, child, Some("2026-01-12")).unwrap();
        assert!(store.sitemap_unchanged(id, child, "2026-01-12").unwrap());
        assert!(!store.sitemap_unchanged(id, child, "2026-01-13").unwrap());
    }
}
