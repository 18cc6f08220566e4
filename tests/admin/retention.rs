//! `[storage] keep_articles` and `newswatch prune`: a demo database with backdated rows,
//! pruned by `prune` and by `run --once`, with the rows that must never go kept.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::process::{count, run_checked, run_newswatch, spawn_newswatch};
use crate::{DemoRun, LIMIT};

/// Whether the lock file beside a database is held (by a running daemon).
fn daemon_alive(lock: &Path) -> bool {
    let file = std::fs::File::open(lock).expect("open the lock file");
    matches!(
        file.try_lock_shared(),
        Err(std::fs::TryLockError::WouldBlock)
    )
}

/// The demo's articles as [`backdate`] arranges them.
struct Ids {
    /// Old, without alerts: the first alone in its story, the second in `story`.
    plain: [i64; 2],
    /// Old, with the delivered `rallies` alert; its story `story` has a recent copy.
    alerted: i64,
    /// The recent copy.
    copy: i64,
    /// The live story.
    story: i64,
    /// Old, with the `political-prisoners` alert left retrying.
    waiting: i64,
}

/// Turns the demo database (four articles, each its own story; one alert of each rule,
/// delivered) into one with old rows: every article fetched in 2020; the second plain
/// article moved into the `rallies` alert's story and a recent copy added there, so that
/// story is alive (its old alerted article stays, its old plain one goes); the other alert's
/// delivery retrying, so its story stays whole; the first plain article goes with its story.
fn backdate(db: &Path) -> Ids {
    let conn = rusqlite::Connection::open(db).expect("open the demo database");
    let of_rule = |rule: &str| -> (i64, i64) {
        conn.query_row(
            "SELECT article_id, story_id FROM alerts WHERE rule_name = ?1",
            [rule],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the demo raised one alert of each rule")
    };
    let (alerted, story) = of_rule("rallies");
    let (waiting, _) = of_rule("political-prisoners");
    let plain: Vec<i64> = conn
        .prepare(
            "SELECT id FROM articles WHERE id NOT IN (SELECT article_id FROM alerts) ORDER BY id",
        )
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("read the plain articles");
    let plain = [plain[0], plain[1]];
    conn.execute_batch(&format!(
        "UPDATE articles SET fetched_at = '2020-01-01T00:00:00Z';
         UPDATE articles SET story_id = {story} WHERE id = {moved};
         DELETE FROM stories WHERE id NOT IN (SELECT story_id FROM articles);
         INSERT INTO articles (id, source_id, url, canonical_url, title, body, fetched_at, story_id)
            VALUES (100, 1, 'http://copy.kz/5', 'http://copy.kz/5', 'Копия', 'свежая копия',
                    strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), {story});
         UPDATE deliveries SET state = 'retrying', attempts = 3
            WHERE alert_id = (SELECT id FROM alerts WHERE article_id = {waiting});",
        moved = plain[1],
    ))
    .expect("backdate the demo database");
    Ids {
        plain,
        alerted,
        copy: 100,
        story,
        waiting,
    }
}

/// Adds `keep_articles` to the demo's `[storage]` table.
fn keep(config: &Path, value: &str) {
    let text = std::fs::read_to_string(config).expect("read the demo config");
    let text = text.replacen(
        "[storage]\n",
        &format!("[storage]\nkeep_articles = \"{value}\"\n"),
        1,
    );
    std::fs::write(config, text).expect("write the demo config");
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|err| panic!("{err}: {text}"))
}

#[test]
fn prune_removes_old_articles_but_never_a_waiting_alert_or_a_live_storys_alert() {
    let demo = DemoRun::new();
    let (config, db) = (demo.config(), demo.database());
    let ids = backdate(&db);
    keep(&config, "365d");
    let left = |id: i64| {
        count(
            &db,
            &format!("SELECT count(*) FROM articles WHERE id = {id}"),
        )
    };

    let preview = json(&run_checked(
        &["prune", "--dry-run", "--json"],
        &config,
        LIMIT,
    ));
    assert_eq!(preview["dry_run"], true, "{preview}");
    assert_eq!(preview["removed"]["articles"], 2, "{preview}");
    assert_eq!(preview["removed"]["stories"], 1, "{preview}");
    assert_eq!(preview["removed"]["alerts"], 0, "{preview}");
    assert_eq!(preview["kept"], 2, "{preview}");
    assert_eq!(preview["oldest"], "2020-01-01T00:00:00Z", "{preview}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM articles"),
        5,
        "a dry run changes nothing"
    );

    let text = run_checked(&["prune"], &config, LIMIT);
    assert!(text.contains("removed: 2 articles"), "{text}");
    assert!(text.contains("kept: 2 older articles"), "{text}");
    assert!(text.contains("pages are free"), "{text}");
    assert_eq!((left(ids.plain[0]), left(ids.plain[1])), (0, 0));
    assert_eq!(
        (left(ids.alerted), left(ids.copy), left(ids.waiting)),
        (1, 1, 1)
    );
    let [a, b] = ids.plain;
    let rows = |table: &str| {
        count(
            &db,
            &format!("SELECT count(*) FROM {table} WHERE article_id IN ({a}, {b})"),
        )
    };
    assert_eq!(rows("article_signatures") + rows("article_sources"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM stories"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 2);
    let story = ids.story.to_string();
    let story = json(&run_checked(&["story", &story, "--json"], &config, LIMIT));
    assert_eq!(
        story["articles"].as_array().map(Vec::len),
        Some(2),
        "{story}"
    );
    assert_eq!(story["alerts"].as_array().map(Vec::len), Some(1), "{story}");
    let search = run_checked(&["search", "Шымкенте"], &config, LIMIT);
    assert!(search.is_empty(), "the full-text row went too: {search}");

    // Story 3 ages out entirely and story 4's alert is delivered: the daemon's own run
    // (`run --once`, whose sources are gone with the demo server) prunes the rest.
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.execute_batch(
        "UPDATE articles SET fetched_at = '2020-01-01T00:00:00Z' WHERE id = 100;
         UPDATE deliveries SET state = 'delivered' WHERE alert_id = 2;",
    )
    .expect("age the rest");
    drop(conn);
    let path = config.to_str().expect("UTF-8");
    let out = run_newswatch(&["run", "--once", "--config", path], LIMIT);
    assert!(String::from_utf8_lossy(&out.stderr).contains("pruned old articles"));
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM deliveries"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM stories"), 0);
    assert_eq!(
        count(&db, "SELECT count(*) FROM paragraphs_seen WHERE common = 0"),
        0
    );
    let broken =
        "SELECT (SELECT count(*) FROM pragma_integrity_check WHERE integrity_check != 'ok')
                        + (SELECT count(*) FROM pragma_foreign_key_check)";
    assert_eq!(count(&db, broken), 0);
}

#[test]
fn prune_is_refused_beside_a_daemon_and_a_bad_keep_is_a_config_error() {
    let demo = DemoRun::new();
    let config = demo.config();
    let path = config.to_str().expect("UTF-8");
    keep(&config, "1d");
    let out = run_newswatch(&["check-config", "--config", path], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("storage.keep_articles \"1d\" is out of range"),
        "{stderr}"
    );

    let text = std::fs::read_to_string(&config).expect("read");
    std::fs::write(&config, text.replace("\"1d\"", "\"400d\"")).expect("write");
    let daemon = spawn_newswatch(&["run", "--config", path]);
    let lock = demo.dir.path().join("demo.db.lock");
    let started = Instant::now();
    while !std::fs::read_to_string(&lock).is_ok_and(|pid| pid.trim() == daemon.id().to_string()) {
        assert!(started.elapsed() < LIMIT, "the daemon never took its lock");
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = run_newswatch(&["prune", "--config", path], LIMIT);
    assert!(daemon_alive(&lock), "the daemon ended early");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("it prunes by itself every hour"),
        "{stderr}"
    );
    let dry = run_checked(&["prune", "--dry-run"], &config, LIMIT);
    assert!(dry.contains("would remove: 0 articles"), "{dry}");
    daemon.terminate(LIMIT);
}
