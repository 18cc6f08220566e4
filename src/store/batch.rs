//! One write transaction of the ingest writer: many articles, each all or nothing.
//!
//! The writer (`crate::writer`) opens a [`Batch`], asks it the identity questions for each
//! article (item seen? URL or body stored? which paragraphs are common? what are the
//! signatures of the articles its band index found?), lets `dedup` decide the story, and has
//! the batch insert the result. Each article runs in its own savepoint, so a failing article
//! is rolled back alone; the batch commits once, so the WAL is written once for all of them.
//! An article is stored with its story, signature, alerts, pending deliveries and full-text
//! entry, or not at all.
//!
//! The full-text entries of the batch's articles are written by one statement just before the
//! commit, outside the savepoints: FTS5 writes its pending terms out as a new segment at every
//! savepoint and statement, so one entry per article inside its savepoint made one segment per
//! article, and then the work of merging them.

use std::cell::RefCell;
use std::collections::HashSet;

use chrono::Utc;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior, params};

use super::articles::{insert_alert, insert_article};
use super::stories::{self, ArticleKeys, StoryCandidate};
use super::{NewAlert, NewArticle, Store, StoreError, StoreOutcome, db_time};

/// An open write transaction for many articles; dropped without [`Batch::commit`], it writes
/// nothing.
pub struct Batch<'s> {
    tx: Transaction<'s>,
    now: String,
    /// Articles inserted (in savepoints that were kept) whose full-text entry is written at
    /// the commit.
    unindexed: RefCell<Vec<i64>>,
}

impl Store {
    /// Opens a write batch (taking the write lock at once, so it cannot fail half-way on a
    /// reader's lock upgrade).
    pub fn batch(&mut self) -> Result<Batch<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Batch {
            tx,
            now: db_time(Utc::now()),
            unindexed: RefCell::new(Vec::new()),
        })
    }
}

impl Batch<'_> {
    /// Runs one article's lookups and writes in a savepoint: kept when `f` succeeds, undone
    /// when it fails, without touching the other articles of the batch.
    pub fn article<T>(
        &mut self,
        f: impl FnOnce(&Batch) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.tx.prepare_cached("SAVEPOINT article")?.execute([])?;
        let indexed_before = self.unindexed.borrow().len();
        match f(self) {
            Ok(value) => {
                self.tx.prepare_cached("RELEASE article")?.execute([])?;
                Ok(value)
            }
            Err(err) => {
                self.unindexed.borrow_mut().truncate(indexed_before);
                self.tx
                    .execute_batch("ROLLBACK TO article; RELEASE article")?;
                Err(err)
            }
        }
    }

    /// Writes the full-text entries of the batch's articles, all in one statement, and makes
    /// every article of the batch durable at once.
    pub fn commit(self) -> Result<(), StoreError> {
        let ids = self.unindexed.take();
        if !ids.is_empty() {
            self.tx
                .prepare_cached(
                    "INSERT INTO articles_fts (rowid, title, body)
                     SELECT id, title, body FROM articles
                     WHERE id IN (SELECT value FROM json_each(?1))",
                )?
                .execute([super::json_ids(&ids)])?;
        }
        Ok(self.tx.commit()?)
    }

    /// Whether this source already delivered this item.
    pub fn item_seen(&self, article: &NewArticle) -> Result<bool, StoreError> {
        let found = self
            .tx
            .prepare_cached("SELECT 1 FROM article_sources WHERE source_id = ?1 AND guid = ?2")?
            .query_row(params![article.source_id, article.guid], |_| Ok(()))
            .optional()?;
        Ok(found.is_some())
    }

    /// The article already stored under the same canonical URL, URL key or body hash.
    pub fn existing(
        &self,
        article: &NewArticle,
        url_key: &str,
        body_hash: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        if let Some(id) = super::articles::by_url(&self.tx, &article.canonical_url, url_key)? {
            return Ok(Some(id));
        }
        let Some(hash) = body_hash else {
            return Ok(None);
        };
        Ok(super::articles::oldest(
            &self.tx,
            super::articles::BY_BODY_HASH,
            &[&hash],
        )?)
    }

    /// Records that the article's source and item delivered the stored article `article_id`.
    pub fn link(&self, article: &NewArticle, article_id: i64) -> Result<StoreOutcome, StoreError> {
        self.tx
            .prepare_cached(
                "INSERT INTO article_sources (source_id, guid, article_id, url, seen_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                article.source_id,
                article.guid,
                article_id,
                article.url,
                self.now
            ])?;
        Ok(StoreOutcome::Linked { article_id })
    }

    /// Which of `hashes` are paragraphs already seen in more than one story (boilerplate).
    pub fn common_paragraphs(&self, hashes: &[i64]) -> Result<HashSet<i64>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT common FROM paragraphs_seen WHERE hash = ?1")?;
        let mut common = HashSet::new();
        for hash in hashes {
            let seen: Option<bool> = stmt.query_row([hash], |r| r.get(0)).optional()?;
            if seen == Some(true) {
                common.insert(*hash);
            }
        }
        Ok(common)
    }

    /// The articles `ids` (band-sharing articles of the near-copy window, found by the
    /// caller's index) that have a story, with their signatures, in the order given.
    pub fn candidates(&self, ids: &[i64]) -> Result<Vec<StoryCandidate>, StoreError> {
        Ok(stories::candidates(&self.tx, ids)?)
    }

    /// Stores a new article in story `story` (a new story when `None`), with its signature,
    /// paragraphs, source link, and the alerts not yet raised on that story with one pending
    /// delivery per sink.
    pub fn insert(
        &self,
        article: &NewArticle,
        keys: &ArticleKeys,
        story: Option<i64>,
        alerts: &[NewAlert],
        sinks: &[String],
    ) -> Result<StoreOutcome, StoreError> {
        let story_id = match story {
            Some(id) => id,
            None => stories::new_story(&self.tx, &self.now)?,
        };
        let article_id = insert_article(&self.tx, article, keys, story_id)?;
        self.unindexed.borrow_mut().push(article_id);
        self.link(article, article_id)?;
        if let Some(signature) = &keys.signature {
            stories::save_signature(&self.tx, article_id, story_id, signature)?;
        }
        stories::record_paragraphs(&self.tx, &keys.paragraphs, story_id)?;
        let mut written = 0;
        for alert in alerts {
            written += usize::from(insert_alert(
                &self.tx, article_id, story_id, alert, false, sinks, &self.now,
            )?);
        }
        Ok(StoreOutcome::Stored {
            article_id,
            story_id,
            joined: story.is_some(),
            alerts: written,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(source_id: i64, guid: &str, body: &str) -> NewArticle {
        crate::store::test_article(source_id, guid, &format!("http://x.kz/{guid}"), body)
    }

    fn keys(guid: &str) -> ArticleKeys {
        ArticleKeys {
            url_key: format!("http://x.kz/{guid}"),
            body_hash: None,
            signature: None,
            paragraphs: Vec::new(),
            next_check_at: None,
        }
    }

    /// A database made by the first `version` migrations holding `rows`, opened (and so
    /// upgraded) by the store.
    fn upgraded(dir: &tempfile::TempDir, version: usize, rows: &str) -> Store {
        let path = dir.path().join("old.db");
        let conn = rusqlite::Connection::open(&path).unwrap();
        for migration in &super::super::schema::MIGRATIONS[..version] {
            conn.execute_batch(migration).unwrap();
        }
        conn.pragma_update(None, "user_version", version as i64)
            .unwrap();
        conn.execute_batch(rows).unwrap();
        drop(conn);
        Store::open(&path).unwrap()
    }

    #[test]
    fn a_database_indexed_by_the_old_trigger_keeps_its_entries_and_indexes_new_articles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = upgraded(
            &dir,
            10,
            "INSERT INTO sources (id, name, url, created_at) VALUES (1, 'a', 'http://a/', 't');
             INSERT INTO stories (id, created_at) VALUES (1, 't');
             INSERT INTO articles (source_id, url, canonical_url, title, body, fetched_at, story_id)
                 VALUES (1, 'http://x.kz/0', 'http://x.kz/0', 'Старое', 'акимат Алматы', 't', 1);",
        );
        let new = article(1, "1", "суд Алматы");
        store.store_article(&new, &[], &[]).unwrap();
        assert_eq!(store.search("Алматы", 10).unwrap().len(), 2);
        assert_eq!(store.search("суд", 10).unwrap().len(), 1);
        store
            .conn
            .execute_batch("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            .unwrap();
    }

    #[test]
    fn signatures_carry_their_story_and_those_stored_before_it_are_read_through_articles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = upgraded(
            &dir,
            12,
            "INSERT INTO sources (id, name, url, created_at) VALUES (1, 'a', 'http://a/', 't');
             INSERT INTO stories (id, created_at) VALUES (7, 't');
             INSERT INTO articles (id, source_id, url, canonical_url, body, fetched_at, story_id)
                 VALUES (3, 1, 'http://x.kz/0', 'http://x.kz/0', 'акимат Алматы', 't', 7);
             INSERT INTO article_signatures (article_id, shingles, minhash)
                 VALUES (3, 5, x'0100000002000000');",
        );
        let mut batch = store.batch().unwrap();
        let keys = ArticleKeys {
            signature: Some(super::super::ArticleSignature {
                shingles: 6,
                minhash: vec![3, 4],
                bands: Vec::new(),
            }),
            ..keys("1")
        };
        let stored = batch
            .article(|b| b.insert(&article(1, "1", "суд Алматы"), &keys, None, &[], &[]))
            .unwrap();
        let StoreOutcome::Stored {
            article_id,
            story_id,
            ..
        } = stored
        else {
            panic!("{stored:?}")
        };
        let saved: Option<i64> = batch
            .tx
            .query_row(
                "SELECT story_id FROM article_signatures WHERE article_id = ?1",
                [article_id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(saved, Some(story_id));
        let found = batch.candidates(&[article_id, 3]).unwrap();
        let expected = [(article_id, story_id, 6, vec![3, 4]), (3, 7, 5, vec![1, 2])];
        let found: Vec<_> = found
            .into_iter()
            .map(|c| (c.article_id, c.story_id, c.shingles, c.minhash))
            .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn the_full_text_entries_of_a_batch_are_written_at_its_commit_and_only_for_kept_articles() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let mut batch = store.batch().unwrap();
        for (guid, body) in [("1", "акимат Алматы"), ("2", "суд Алматы")] {
            let (a, k) = (article(src, guid, body), keys(guid));
            batch.article(|b| b.insert(&a, &k, None, &[], &[])).unwrap();
        }
        let undone = batch.article(|b| {
            b.insert(
                &article(src, "3", "Алматы Шымкент"),
                &keys("3"),
                None,
                &[],
                &[],
            )?;
            Err::<(), _>(StoreError::Task(
                "the article fails after its insert".into(),
            ))
        });
        assert!(undone.is_err());
        let after = article(src, "4", "Алматы Тараз");
        batch
            .article(|b| b.insert(&after, &keys("4"), None, &[], &[]))
            .unwrap();
        let count = |b: &Batch| -> i64 {
            b.tx.query_row("SELECT count(*) FROM articles_fts_docsize", [], |r| {
                r.get(0)
            })
            .unwrap()
        };
        assert_eq!(count(&batch), 0, "entries wait for the commit");
        batch.commit().unwrap();
        assert_eq!(store.search("Алматы", 10).unwrap().len(), 3);
        assert_eq!(store.search("Тараз", 10).unwrap().len(), 1);
        assert!(store.search("Шымкент", 10).unwrap().is_empty());
        store
            .conn
            .execute_batch("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            .unwrap();
    }

    #[test]
    fn the_identity_and_candidate_lookups_are_compiled_once_however_often_they_run() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let src = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        let mut batch = store.batch().unwrap();
        let mut ids = Vec::new();
        for n in 1..=4 {
            let guid = n.to_string();
            let stored = batch
                .article(|b| {
                    let keys = ArticleKeys {
                        body_hash: Some(1_000 + n),
                        signature: Some(super::super::ArticleSignature {
                            shingles: n,
                            minhash: vec![7; 4],
                            bands: Vec::new(),
                        }),
                        ..keys(&guid)
                    };
                    b.insert(&article(src, &guid, "Алматы"), &keys, None, &[], &[])
                })
                .unwrap();
            let StoreOutcome::Stored { article_id, .. } = stored else {
                panic!("{stored:?}")
            };
            ids.push(article_id);
        }
        for n in 1..=4 {
            let guid = (n + 10).to_string();
            let copy = article(src, &guid, "Алматы");
            let found = batch.existing(&copy, &format!("http://x.kz/{n}"), None);
            assert_eq!(found.unwrap(), Some(ids[n as usize - 1]));
            let found = batch.existing(&copy, &guid, Some(1_000 + n));
            assert_eq!(found.unwrap(), Some(ids[n as usize - 1]));
            let newest_first: Vec<i64> = ids[..n as usize].iter().rev().copied().collect();
            let found = batch.candidates(&newest_first).unwrap();
            let found: Vec<i64> = found.iter().map(|c| c.article_id).collect();
            assert_eq!(found, newest_first);
        }
        let lookups = [
            super::super::articles::BY_URL,
            super::super::articles::BY_BODY_HASH,
            stories::CANDIDATES,
        ];
        for sql in lookups {
            let stmt = batch.tx.prepare_cached(sql).unwrap();
            assert_eq!(
                stmt.get_status(rusqlite::StatementStatus::RePrepare),
                0,
                "{sql}"
            );
        }
    }
}
