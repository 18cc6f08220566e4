use chrono::Duration;

use super::*;
use crate::store::{ArticleKeys, ArticleSignature, NewAlert, NewArticle, StoreOutcome};

struct Db {
    _dir: tempfile::TempDir,
    store: Store,
    source: i64,
}

impl Db {
    fn new() -> Db {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let source = store.sync_sources([("a", "http://a/")]).unwrap()[0].id;
        Db {
            _dir: dir,
            store,
            source,
        }
    }

    /// Stores article `n` fetched `days` ago, in `story` (a new one if `None`), with an alert
    /// whose one delivery is in `delivery` state, if given. Returns (article, story).
    fn add(&mut self, n: i64, days: i64, story: Option<i64>, delivery: Option<&str>) -> (i64, i64) {
        let url = format!("http://x/{n}");
        let article = NewArticle {
            fetched_at: Utc::now() - Duration::days(days),
            ..db_article(self.source, n)
        };
        let keys = ArticleKeys {
            url_key: url,
            body_hash: Some(n),
            signature: Some(ArticleSignature {
                shingles: 10,
                minhash: vec![n as u32; 8],
                bands: vec![n * 100, n * 100 + 1],
            }),
            paragraphs: vec![n * 1000],
            next_check_at: None,
        };
        let alerts: Vec<NewAlert> = delivery
            .map(|_| NewAlert {
                rule_name: format!("rule{n}"),
                matched_terms: vec!["митинг".into()],
                snippet: "**митинг**".into(),
            })
            .into_iter()
            .collect();
        let mut batch = self.store.batch().unwrap();
        let outcome = batch
            .article(|b| b.insert(&article, &keys, story, &alerts, &["log".to_string()]))
            .unwrap();
        batch.commit().unwrap();
        let StoreOutcome::Stored {
            article_id,
            story_id,
            ..
        } = outcome
        else {
            panic!("{outcome:?}")
        };
        if let Some(state) = delivery {
            self.store
                .conn
                .execute(
                    "UPDATE deliveries SET state = ?1 WHERE alert_id IN
                     (SELECT id FROM alerts WHERE article_id = ?2)",
                    params![state, article_id],
                )
                .unwrap();
        }
        (article_id, story_id)
    }

    fn count(&self, sql: &str) -> i64 {
        self.store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    fn prune_all(&mut self, cutoff: DateTime<Utc>) -> PruneCounts {
        let mut total = PruneCounts::default();
        for _ in 0..100 {
            let done = self.store.prune_batch(cutoff, 2).unwrap();
            if done.articles == 0 {
                break;
            }
            total += done;
        }
        let mut cursor = PruneCursor::Paragraphs(i64::MIN);
        while let Some((done, next)) = self.store.prune_step(cutoff, cursor).unwrap() {
            total += done;
            cursor = next;
        }
        total
    }
}

fn db_article(source_id: i64, n: i64) -> NewArticle {
    let url = format!("http://x/{n}");
    NewArticle {
        source_id,
        guid: n.to_string(),
        url: url.clone(),
        canonical_url: url,
        title: Some(format!("Митинг {n}")),
        author: None,
        published_at: None,
        language: Some("ru".into()),
        summary: None,
        body: format!("тело статьи номер {n} {}", "слово ".repeat(50)),
        extract_error: None,
        fetched_at: Utc::now(),
    }
}

#[test]
fn old_articles_go_with_their_rows_but_waiting_alerts_and_live_stories_stay() {
    let mut db = Db::new();
    let (gone, _) = db.add(1, 400, None, Some("delivered"));
    let (waiting, waiting_story) = db.add(2, 400, None, Some("dead"));
    db.add(3, 400, Some(waiting_story), None);
    let (alerted, live) = db.add(4, 400, None, Some("delivered"));
    let (recent, _) = db.add(5, 1, Some(live), None);
    let (plain_old, _) = db.add(6, 400, Some(live), None);
    db.add(7, 400, None, None);
    let cutoff = Utc::now() - Duration::days(365);

    let preview = db.store.prune_preview(cutoff).unwrap();
    assert_eq!(preview.kept, 3, "{preview:?}");
    let counts = db.prune_all(cutoff);
    assert_eq!(counts, preview.counts);
    assert_eq!(
        (
            counts.articles,
            counts.stories,
            counts.alerts,
            counts.deliveries
        ),
        (3, 2, 1, 1),
        "{counts:?}"
    );
    assert_eq!(counts.signatures, 3, "a signature each");
    assert_eq!(counts.paragraphs, 2, "{counts:?}");

    let left = |id: i64| db.count(&format!("SELECT count(*) FROM articles WHERE id = {id}"));
    assert_eq!((left(gone), left(plain_old)), (0, 0));
    assert_eq!((left(waiting), left(alerted), left(recent)), (1, 1, 1));
    assert_eq!(db.count("SELECT count(*) FROM articles"), 4);
    let fts = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'номер'";
    assert_eq!(db.count(fts), 4);
    let view = db.store.story(live).unwrap().unwrap();
    assert_eq!(view.articles.len(), 2);
    assert_eq!(view.alerts.len(), 1);
    assert_eq!(db.store.prune_batch(cutoff, 10).unwrap().articles, 0);

    // A republication of a pruned article finds neither its body nor its signature: a new
    // story. (The band index lives in the writer's memory and holds only the window's
    // articles; an entry naming a pruned article finds no signature here and is skipped.)
    let batch = db.store.batch().unwrap();
    let candidates: Vec<i64> = batch
        .candidates(&[gone, plain_old, alerted])
        .unwrap()
        .iter()
        .map(|c| c.article_id)
        .collect();
    assert_eq!(candidates, [alerted]);
    let republished = NewArticle {
        canonical_url: "http://y/1".into(),
        ..db_article(db.source, 1)
    };
    assert_eq!(
        batch.existing(&republished, "http://y/1", Some(1)).unwrap(),
        None
    );
}

#[test]
fn freed_pages_are_reused_by_new_articles() {
    let mut db = Db::new();
    for n in 1..=60 {
        db.add(n, 400, None, None);
    }
    let before: i64 = db.count("PRAGMA page_count");
    db.prune_all(Utc::now() - Duration::days(365));
    let freed = db.store.free_pages().unwrap();
    assert!(freed > 0);
    for n in 61..=120 {
        db.add(n, 0, None, None);
    }
    let (free, after) = (
        db.store.free_pages().unwrap(),
        db.count("PRAGMA page_count"),
    );
    // New rows took the freed pages rather than growing the file by as much.
    assert!(
        free < freed && after - before < freed as i64,
        "{before} {freed} {after} {free}"
    );
}
