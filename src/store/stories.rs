//! Stories: the near-copy index (MinHash signatures and LSH band keys) and the story view.
//!
//! The index only stores and looks up; whether a candidate tells the same story is decided by
//! the caller (`dedup`). Band rows are kept for recent articles only ([`Store::prune_bands`]),
//! so a lookup costs the same however large the archive grows.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};

use super::{Store, StoreError, db_time};

/// At most this many band-sharing articles are handed to the story decision, most bands first.
const MAX_CANDIDATES: usize = 32;

/// How an article is recognised: computed by `dedup`, kept by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleKeys {
    /// The canonical URL with `www.`/`m.` folded: the same page on any host spelling.
    pub url_key: String,
    /// Hash of the normalised body; `None` for bodies too short to identify.
    pub body_hash: Option<i64>,
    /// Near-copy signature; `None` for bodies too short to compare.
    pub signature: Option<ArticleSignature>,
    /// Hashes of the body's paragraphs, remembered to learn which ones recur across stories.
    pub paragraphs: Vec<i64>,
    /// When to re-fetch the page to look for edits or removal; `None` never.
    pub next_check_at: Option<DateTime<Utc>>,
}

/// A MinHash signature with its LSH band keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleSignature {
    /// Distinct shingles in the text.
    pub shingles: i64,
    /// The signature: one minimum per hash function.
    pub minhash: Vec<u32>,
    /// One key per band of the signature.
    pub bands: Vec<i64>,
}

/// An earlier article sharing at least one band with a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoryCandidate {
    /// The earlier article.
    pub article_id: i64,
    /// Its story.
    pub story_id: i64,
    /// Its distinct shingle count.
    pub shingles: i64,
    /// Its signature.
    pub minhash: Vec<u32>,
}

/// Starts a story.
pub(super) fn new_story(tx: &Transaction, now: &str) -> rusqlite::Result<i64> {
    tx.execute("INSERT INTO stories (created_at) VALUES (?1)", [now])?;
    Ok(tx.last_insert_rowid())
}

/// Articles sharing a band with `signature`: an index lookup per band key.
pub(super) fn candidates(
    tx: &Transaction,
    signature: &ArticleSignature,
) -> rusqlite::Result<Vec<StoryCandidate>> {
    if signature.bands.is_empty() {
        return Ok(Vec::new());
    }
    let marks = vec!["?"; signature.bands.len()].join(",");
    let sql = format!(
        "SELECT b.article_id, a.story_id, s.shingles, s.minhash
         FROM (SELECT article_id, count(*) AS shared FROM story_bands
               WHERE band_key IN ({marks}) GROUP BY article_id
               ORDER BY shared DESC, article_id LIMIT {MAX_CANDIDATES}) b
         JOIN articles a ON a.id = b.article_id
         JOIN article_signatures s ON s.article_id = b.article_id
         WHERE a.story_id IS NOT NULL"
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(params_from_iter(&signature.bands), |r| {
        let blob: Vec<u8> = r.get(3)?;
        Ok(StoryCandidate {
            article_id: r.get(0)?,
            story_id: r.get(1)?,
            shingles: r.get(2)?,
            minhash: unpack(&blob),
        })
    })?;
    rows.collect()
}

/// Stores an article's signature and its band keys.
pub(super) fn index_signature(
    tx: &Transaction,
    article_id: i64,
    signature: &ArticleSignature,
) -> rusqlite::Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO article_signatures (article_id, shingles, minhash) VALUES (?1, ?2, ?3)",
        params![article_id, signature.shingles, pack(&signature.minhash)],
    )?;
    let mut stmt = tx.prepare_cached(
        "INSERT OR IGNORE INTO story_bands (band_key, article_id) VALUES (?1, ?2)",
    )?;
    for key in &signature.bands {
        stmt.execute(params![key, article_id])?;
    }
    Ok(())
}

/// Remembers the article's paragraphs; one already seen in another story becomes common.
pub(super) fn record_paragraphs(
    tx: &Transaction,
    paragraphs: &[i64],
    story_id: i64,
) -> rusqlite::Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO paragraphs_seen (hash, story_id) VALUES (?1, ?2)
         ON CONFLICT(hash) DO UPDATE SET common = 1
         WHERE common = 0 AND story_id != excluded.story_id",
    )?;
    for hash in paragraphs {
        stmt.execute([*hash, story_id])?;
    }
    Ok(())
}

fn pack(minhash: &[u32]) -> Vec<u8> {
    minhash.iter().flat_map(|v| v.to_le_bytes()).collect()
}

fn unpack(blob: &[u8]) -> Vec<u32> {
    blob.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

impl Store {
    /// Deletes up to `limit` band rows of articles fetched before `before`: those can no
    /// longer gather near-copies, which keeps the index (and each lookup) bounded. Article ids
    /// grow with fetch time, so the window starts at the first article fetched since `before`.
    /// Returns the count.
    pub fn prune_bands(
        &mut self,
        before: DateTime<Utc>,
        limit: usize,
    ) -> Result<usize, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM story_bands WHERE (band_key, article_id) IN
                (SELECT band_key, article_id FROM story_bands
                 WHERE article_id < (SELECT coalesce(min(id), (SELECT coalesce(max(id), 0) + 1 FROM articles))
                                     FROM articles WHERE fetched_at >= ?1)
                 ORDER BY article_id LIMIT ?2)",
            params![db_time(before), limit as i64],
        )?)
    }

    /// The story of article `article_id`, if the article exists.
    pub fn story_of(&self, article_id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT story_id FROM articles WHERE id = ?1",
                [article_id],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{NewAlert, NewArticle, PageCheck, RevisitRecord, StoreOutcome};

    fn article(source_id: i64, guid: &str, url: &str, body: &str) -> NewArticle {
        NewArticle {
            source_id,
            guid: guid.into(),
            url: url.into(),
            canonical_url: url.into(),
            title: Some("Митинг".into()),
            author: None,
            published_at: None,
            language: Some("ru".into()),
            summary: None,
            body: body.into(),
            extract_error: None,
            fetched_at: Utc::now(),
        }
    }

    fn keys(url_key: &str, hash: i64, bands: Vec<i64>) -> ArticleKeys {
        ArticleKeys {
            url_key: url_key.into(),
            body_hash: Some(hash),
            signature: Some(ArticleSignature {
                shingles: 10,
                minhash: vec![7; 8],
                bands,
            }),
            paragraphs: vec![hash],
            next_check_at: None,
        }
    }

    fn alert() -> NewAlert {
        NewAlert {
            rule_name: "rally".into(),
            matched_terms: vec!["митинг".into()],
            snippet: "**митинг**".into(),
        }
    }

    /// Stores as the writer does: identity first, then the story `pick` names among the
    /// candidates.
    fn put(
        store: &mut Store,
        article: &NewArticle,
        keys: &ArticleKeys,
        alerts: &[NewAlert],
        sinks: &[String],
        pick: impl Fn(&[StoryCandidate]) -> Option<i64>,
    ) -> Result<StoreOutcome, StoreError> {
        let mut batch = store.batch()?;
        let outcome = batch.article(|b| {
            if b.item_seen(article)? {
                return Ok(StoreOutcome::AlreadySeen);
            }
            if let Some(id) = b.existing(article, &keys.url_key, keys.body_hash)? {
                return b.link(article, id);
            }
            let candidates = match &keys.signature {
                Some(s) => b.candidates(s)?,
                None => Vec::new(),
            };
            b.insert(article, keys, pick(&candidates), alerts, sinks)
        })?;
        batch.commit()?;
        Ok(outcome)
    }

    fn setup() -> (tempfile::TempDir, Store, i64) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let id = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        (dir, store, id)
    }

    #[test]
    fn a_candidate_story_is_joined_and_alerts_once_per_rule() {
        let (_dir, mut store, src) = setup();
        let sinks = vec!["log".to_string()];
        let first = put(
            &mut store,
            &article(src, "1", "http://x/1", "a"),
            &keys("http://x/1", 1, vec![10, 11]),
            &[alert()],
            &sinks,
            |_| None,
        )
        .unwrap();
        let StoreOutcome::Stored { story_id, .. } = first else {
            panic!("{first:?}")
        };
        let second = put(
            &mut store,
            &article(src, "2", "http://y/2", "b"),
            &keys("http://y/2", 2, vec![99, 11]),
            &[alert()],
            &sinks,
            |found| {
                assert_eq!(found.len(), 1);
                assert_eq!(found[0].minhash, vec![7; 8]);
                Some(found[0].story_id)
            },
        )
        .unwrap();
        assert!(matches!(
            second,
            StoreOutcome::Stored { joined: true, alerts: 0, story_id: s, .. } if s == story_id
        ));
        let view = store.story(story_id).unwrap().unwrap();
        assert_eq!(view.articles.len(), 2);
        assert_eq!(view.alerts.len(), 1);
    }

    #[test]
    fn the_same_body_or_folded_url_links_instead_of_storing() {
        let (_dir, mut store, src) = setup();
        let store_one = |store: &mut Store, guid: &str, url: &str, key: &str, hash: i64| {
            put(
                store,
                &article(src, guid, url, "t"),
                &keys(key, hash, vec![]),
                &[],
                &[],
                |_| None,
            )
            .unwrap()
        };
        let first = store_one(&mut store, "1", "http://www.x/1", "http://x/1", 5);
        assert!(matches!(first, StoreOutcome::Stored { .. }));
        let by_key = store_one(&mut store, "2", "http://m.x/1", "http://x/1", 6);
        let by_body = store_one(&mut store, "3", "http://z/9", "http://z/9", 5);
        assert!(matches!(by_key, StoreOutcome::Linked { .. }));
        assert!(matches!(by_body, StoreOutcome::Linked { .. }));
    }

    #[test]
    fn an_edit_keeps_the_original_as_version_one_and_removal_is_timed() {
        let (_dir, mut store, src) = setup();
        let StoreOutcome::Stored {
            article_id,
            story_id,
            ..
        } = store
            .store_article(&article(src, "1", "http://x/1", "old text"), &[], &[])
            .unwrap()
        else {
            panic!("not stored")
        };
        let record = |check| RevisitRecord {
            check,
            etag: Some("\"v2\"".into()),
            last_modified: None,
            next_check_at: None,
            at: Utc::now(),
        };
        let changed = PageCheck::Changed {
            title: None,
            body: "new text".into(),
            body_hash: None,
        };
        store.record_revisit(article_id, &record(changed)).unwrap();
        store
            .record_revisit(article_id, &record(PageCheck::Removed))
            .unwrap();
        let view = store.story(story_id).unwrap().unwrap();
        let versions: Vec<&str> = view.articles[0]
            .versions
            .iter()
            .map(|v| v.body.as_str())
            .collect();
        assert_eq!(versions, ["old text", "new text"]);
        assert!(view.articles[0].removed_at.is_some());
        assert_eq!(store.search("new", 5).unwrap().len(), 1);
    }

    #[test]
    fn old_band_rows_are_pruned() {
        let (_dir, mut store, src) = setup();
        put(
            &mut store,
            &article(src, "1", "http://x/1", "a"),
            &keys("http://x/1", 1, vec![1, 2, 3]),
            &[],
            &[],
            |_| None,
        )
        .unwrap();
        let later = Utc::now() + chrono::Duration::seconds(5);
        assert_eq!(store.prune_bands(later, 2).unwrap(), 2);
        assert_eq!(store.prune_bands(later, 2).unwrap(), 1);
    }
}
