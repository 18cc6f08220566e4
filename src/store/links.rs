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
}
