//! Stories: MinHash signatures of articles, candidates' signatures, and story ids.
//!
//! The store keeps each article's signature; the band index over them is the writer's
//! (`dedup::BandIndex`, rebuilt at start with [`Store::each_signature`]). Whether a candidate
//! tells the same story is decided by the caller (`dedup`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, db_time};

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
    tx.prepare_cached("INSERT INTO stories (created_at) VALUES (?1)")?
        .execute([now])?;
    Ok(tx.last_insert_rowid())
}

/// The articles of a JSON array of ids (`?1`) that have a story, with their position in the
/// array and their signatures.
pub(super) const CANDIDATES: &str = "SELECT j.key, s.article_id,
        coalesce(s.story_id, (SELECT a.story_id FROM articles a WHERE a.id = s.article_id)) AS story,
        s.shingles, s.minhash
    FROM json_each(?1) j
    JOIN article_signatures s ON s.article_id = j.value
    WHERE story IS NOT NULL";

/// The articles `ids` that have a story, with their signatures, in the order given.
///
/// One statement for all of them (an article's candidates are up to `dedup::MAX_CANDIDATES`),
/// and one that SQLite compiles once: a join on `articles` by a bound id is compiled again at
/// every run once rusqlite's cache has cleared its bindings (see `articles::oldest`).
pub(super) fn candidates(tx: &Transaction, ids: &[i64]) -> rusqlite::Result<Vec<StoryCandidate>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut stmt = tx.prepare_cached(CANDIDATES)?;
    let rows = stmt.query_map([super::json_ids(ids)], |r| {
        let blob = r.get_ref(4)?.as_blob().map_err(rusqlite::Error::from)?;
        let position: i64 = r.get(0)?;
        Ok((
            position,
            StoryCandidate {
                article_id: r.get(1)?,
                story_id: r.get(2)?,
                shingles: r.get(3)?,
                minhash: unpack(blob),
            },
        ))
    })?;
    let mut found = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    found.sort_unstable_by_key(|(position, _)| *position);
    Ok(found.into_iter().map(|(_, candidate)| candidate).collect())
}

/// Stores an article's signature (its band keys are kept by the writer, `dedup::BandIndex`).
pub(super) fn save_signature(
    tx: &Transaction,
    article_id: i64,
    story_id: i64,
    signature: &ArticleSignature,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO article_signatures (article_id, shingles, minhash, story_id)
         VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![
        article_id,
        signature.shingles,
        pack(&signature.minhash),
        story_id
    ])?;
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
    /// The first article id of the near-copy window: the first article fetched at or after
    /// `since` (ids grow with fetch time; one index seek), or the next id when there is none.
    pub fn window_start(&self, since: DateTime<Utc>) -> Result<i64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT coalesce(
                 (SELECT id FROM articles WHERE fetched_at >= ?1 ORDER BY fetched_at LIMIT 1),
                 (SELECT coalesce(max(id), 0) + 1 FROM articles))",
            [db_time(since)],
            |r| r.get(0),
        )?)
    }

    /// Calls `f` with the id and signature of every article from id `first` on, in id order
    /// (to rebuild the near-copy index at start).
    pub fn each_signature(
        &self,
        first: i64,
        mut f: impl FnMut(i64, &[u32]),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT article_id, minhash FROM article_signatures WHERE article_id >= ?1
             ORDER BY article_id",
        )?;
        let mut rows = stmt.query([first])?;
        while let Some(row) = rows.next()? {
            let blob = row.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            f(row.get(0)?, &unpack(blob));
        }
        Ok(())
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
        crate::store::test_article(source_id, guid, url, body)
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
    /// candidates `ids` (which the writer has from its band index).
    fn put(
        store: &mut Store,
        article: &NewArticle,
        keys: &ArticleKeys,
        alerts: &[NewAlert],
        ids: &[i64],
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
            let candidates = b.candidates(ids)?;
            b.insert(
                article,
                keys,
                pick(&candidates),
                alerts,
                &["log".to_string()],
            )
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
        let first = put(
            &mut store,
            &article(src, "1", "http://x/1", "a"),
            &keys("http://x/1", 1, vec![10, 11]),
            &[alert()],
            &[],
            |_| None,
        )
        .unwrap();
        let StoreOutcome::Stored {
            story_id,
            article_id,
            ..
        } = first
        else {
            panic!("{first:?}")
        };
        let second = put(
            &mut store,
            &article(src, "2", "http://y/2", "b"),
            &keys("http://y/2", 2, vec![99, 11]),
            &[alert()],
            &[article_id, article_id + 100],
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
    fn the_window_starts_at_the_first_recent_article_and_its_signatures_can_be_read_back() {
        let (_dir, mut store, src) = setup();
        for i in 1..=2 {
            let key = format!("http://x/{i}");
            put(
                &mut store,
                &article(src, &i.to_string(), &key, "a"),
                &keys(&key, i, vec![1, 2, 3]),
                &[],
                &[],
                |_| None,
            )
            .unwrap();
        }
        let earlier = Utc::now() - chrono::Duration::seconds(60);
        let later = Utc::now() + chrono::Duration::seconds(5);
        assert_eq!(store.window_start(earlier).unwrap(), 1);
        assert_eq!(store.window_start(later).unwrap(), 3);
        let mut read = Vec::new();
        store
            .each_signature(2, |id, minhash| read.push((id, minhash.to_vec())))
            .unwrap();
        assert_eq!(read, [(2, vec![7; 8])]);
    }
}
