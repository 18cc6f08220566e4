//! Articles, the source items that delivered them, and the alerts they raised.
//!
//! An article, its story assignment and its alerts (with one pending delivery per sink) are
//! written in one transaction: that is the outbox, so an alert is never lost nor written twice,
//! and a story alerts once per rule however many copies arrive.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::stories::ArticleKeys;
use super::{Store, StoreError, db_time};

/// An article ready to be stored.
#[derive(Debug, Clone)]
pub struct NewArticle {
    /// The source whose feed listed it.
    pub source_id: i64,
    /// The item's identity inside that feed (GUID, else link).
    pub guid: String,
    /// The link as the feed gave it, resolved.
    pub url: String,
    /// The link in canonical form: the same story URL anywhere maps to one article.
    pub canonical_url: String,
    /// Headline.
    pub title: Option<String>,
    /// Byline.
    pub author: Option<String>,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// ISO 639-1 language code.
    pub language: Option<String>,
    /// The feed's own summary, as text.
    pub summary: Option<String>,
    /// The article text (extracted, or the feed's content when extraction failed).
    pub body: String,
    /// Why extraction failed, when it did.
    pub extract_error: Option<String>,
    /// When it was fetched.
    pub fetched_at: DateTime<Utc>,
}

/// An alert to raise together with an article.
#[derive(Debug, Clone)]
pub struct NewAlert {
    /// The rule that matched.
    pub rule_name: String,
    /// The words of the article that matched.
    pub matched_terms: Vec<String>,
    /// Context around the match, hits highlighted.
    pub snippet: String,
}

/// What storing an item did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreOutcome {
    /// A new article, with this many new alerts.
    Stored {
        /// The new article's id.
        article_id: i64,
        /// Its story.
        story_id: i64,
        /// Whether it joined a story stored before (a near-copy) rather than starting one.
        joined: bool,
        /// Alerts written with it (none for a rule that already alerted on the story).
        alerts: usize,
    },
    /// The article was already stored (same URL, same URL on the `www.`/mobile host, or the
    /// same body): only the link from this source and item was added.
    Linked {
        /// The existing article's id.
        article_id: i64,
    },
    /// This source delivered this item before: nothing was written.
    AlreadySeen,
}

impl Store {
    /// Whether this source already delivered the item `guid`.
    pub fn item_seen(&self, source_id: i64, guid: &str) -> Result<bool, StoreError> {
        let found = self
            .conn
            .query_row(
                "SELECT 1 FROM article_sources WHERE source_id = ?1 AND guid = ?2",
                params![source_id, guid],
                |_| Ok(()),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// The article stored under `canonical_url` or under the folded key `url_key`, if any.
    pub fn article_by_key(
        &self,
        canonical_url: &str,
        url_key: &str,
    ) -> Result<Option<i64>, StoreError> {
        Ok(by_url(&self.conn, canonical_url, url_key)?)
    }

    /// Records that `source_id` delivered item `guid` (at `url`) for an already-stored article.
    pub fn link_item(
        &mut self,
        source_id: i64,
        guid: &str,
        url: &str,
        article_id: i64,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO article_sources (source_id, guid, article_id, url, seen_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![source_id, guid, article_id, url, db_time(Utc::now())],
        )?;
        Ok(())
    }

    /// Stores an article identified by its URL only (no story matching), with its alerts and
    /// their pending deliveries, all or nothing.
    pub fn store_article(
        &mut self,
        article: &NewArticle,
        alerts: &[NewAlert],
        sinks: &[String],
    ) -> Result<StoreOutcome, StoreError> {
        let keys = ArticleKeys {
            url_key: article.canonical_url.clone(),
            body_hash: None,
            signature: None,
            paragraphs: Vec::new(),
            next_check_at: None,
        };
        let mut batch = self.batch()?;
        let outcome = batch.article(|b| {
            if b.item_seen(article)? {
                return Ok(StoreOutcome::AlreadySeen);
            }
            match b.existing(article, &keys.url_key, None)? {
                Some(id) => b.link(article, id),
                None => b.insert(article, &keys, None, alerts, sinks),
            }
        })?;
        batch.commit()?;
        Ok(outcome)
    }
}

/// The articles stored under a canonical URL (`?1`) or URL key (`?2`).
pub(super) const BY_URL: &str = "SELECT id FROM articles WHERE canonical_url = ?1 OR url_key = ?2";

/// The articles stored with a body hash (`?1`).
pub(super) const BY_BODY_HASH: &str = "SELECT id FROM articles WHERE body_hash = ?1";

/// The oldest article stored under `canonical_url` or `url_key`.
pub(super) fn by_url(
    conn: &Connection,
    canonical_url: &str,
    url_key: &str,
) -> rusqlite::Result<Option<i64>> {
    oldest(conn, BY_URL, &[&canonical_url, &url_key])
}

/// The smallest id that `sql` (a cached statement selecting article ids) finds.
///
/// The smallest is taken here rather than with `ORDER BY id LIMIT 1` or `min(id)`: with
/// those, SQLite lets the plan depend on the parameters' values, and then compiles the
/// statement again at every run, as rusqlite's statement cache clears the bindings of a
/// statement it takes back (the writer's identity lookups spent 5 % of its CPU so on the farm).
pub(super) fn oldest(
    conn: &Connection,
    sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> rusqlite::Result<Option<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let ids = stmt.query_map(params, |r| r.get::<_, i64>(0))?;
    ids.into_iter().try_fold(None, |oldest: Option<i64>, id| {
        let id = id?;
        Ok(Some(oldest.map_or(id, |o| o.min(id))))
    })
}

pub(super) fn insert_article(
    tx: &Transaction,
    article: &NewArticle,
    keys: &ArticleKeys,
    story_id: i64,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(
        "INSERT INTO articles (source_id, url, canonical_url, title, author, published_at, language,
                               summary, body, extract_error, fetched_at, story_id, url_key,
                               body_hash, next_check_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
            article.source_id,
            article.url,
            article.canonical_url,
            article.title,
            article.author,
            article.published_at.map(db_time),
            article.language,
            article.summary,
            article.body,
            article.extract_error,
            db_time(article.fetched_at),
            story_id,
            keys.url_key,
            keys.body_hash,
            keys.next_check_at.map(db_time),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Inserts one alert and a pending delivery per sink; returns false when the alert existed.
/// The unique (rule, story) index makes a second alert for the same story a no-op.
pub(super) fn insert_alert(
    tx: &Transaction,
    article_id: i64,
    story_id: i64,
    alert: &NewAlert,
    backfill: bool,
    sinks: &[String],
    now: &str,
) -> rusqlite::Result<bool> {
    let terms = serde_json::to_string(&alert.matched_terms).unwrap_or_else(|_| "[]".into());
    let inserted = tx
        .prepare_cached(
            "INSERT OR IGNORE INTO alerts (rule_name, article_id, story_id, matched_terms, snippet,
                                       created_at, backfill)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            alert.rule_name,
            article_id,
            story_id,
            terms,
            alert.snippet,
            now,
            backfill
        ])?;
    if inserted == 0 {
        return Ok(false);
    }
    crate::metrics::alert_written(&alert.rule_name);
    let alert_id = tx.last_insert_rowid();
    for sink in sinks {
        tx.prepare_cached(
            "INSERT INTO deliveries (alert_id, sink, next_attempt_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![alert_id, sink, now])?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source_id: i64, guid: &str, url: &str) -> NewArticle {
        NewArticle {
            source_id,
            guid: guid.into(),
            url: url.into(),
            canonical_url: url.into(),
            title: Some("Саяси тұтқындар".into()),
            author: None,
            published_at: None,
            language: Some("kk".into()),
            summary: None,
            body: "Белсенділер саяси тұтқындарды босатуды талап етті.".into(),
            extract_error: None,
            fetched_at: Utc::now(),
        }
    }

    fn alert() -> NewAlert {
        NewAlert {
            rule_name: "prisoners".into(),
            matched_terms: vec!["саяси".into(), "тұтқындарды".into()],
            snippet: "**саяси тұтқындарды**".into(),
        }
    }

    #[test]
    fn an_item_is_stored_once_and_a_second_source_only_links() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let ids: Vec<i64> = store
            .sync_sources([("a", "http://a/"), ("b", "http://b/")])
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        let sinks = vec!["log".to_string()];
        let first = store
            .store_article(&article(ids[0], "g1", "http://x/1"), &[alert()], &sinks)
            .unwrap();
        assert!(matches!(first, StoreOutcome::Stored { alerts: 1, .. }));
        let again = store
            .store_article(&article(ids[0], "g1", "http://x/1"), &[alert()], &sinks)
            .unwrap();
        assert_eq!(again, StoreOutcome::AlreadySeen);
        let other = store
            .store_article(&article(ids[1], "z", "http://x/1"), &[alert()], &sinks)
            .unwrap();
        assert!(matches!(other, StoreOutcome::Linked { .. }));
        let count = |sql: &str| {
            store
                .conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .unwrap()
        };
        assert_eq!(count("SELECT count(*) FROM articles"), 1);
        assert_eq!(count("SELECT count(*) FROM alerts"), 1);
        assert_eq!(count("SELECT count(*) FROM deliveries"), 1);
        assert_eq!(count("SELECT count(*) FROM article_sources"), 2);
        assert!(store.item_seen(ids[1], "z").unwrap());
    }
}
