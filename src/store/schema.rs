//! Numbered schema migrations. Never edit a shipped migration: append a new one.
//!
//! `docs/schema.md` documents every table and column these create.

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`; `PRAGMA user_version` records the last applied.
pub const MIGRATIONS: &[&str] = &[
    MIGRATION_1,
    MIGRATION_2,
    MIGRATION_3,
    MIGRATION_4,
    MIGRATION_5,
    MIGRATION_6,
    MIGRATION_7,
    MIGRATION_8,
    MIGRATION_9,
    MIGRATION_10,
    MIGRATION_11,
    MIGRATION_12,
    MIGRATION_13,
];

const MIGRATION_1: &str = r#"
CREATE TABLE sources (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,
    url                  TEXT NOT NULL,
    active               INTEGER NOT NULL DEFAULT 1,
    etag                 TEXT,
    last_modified        TEXT,
    last_attempt_at      TEXT,
    last_success_at      TEXT,
    last_status          INTEGER,
    last_error           TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    next_due_at          TEXT,
    items_seen           INTEGER NOT NULL DEFAULT 0,
    created_at           TEXT NOT NULL
);

CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources(id),
    url             TEXT NOT NULL,
    canonical_url   TEXT NOT NULL UNIQUE,
    title           TEXT,
    author          TEXT,
    published_at    TEXT,
    language        TEXT,
    summary         TEXT,
    body            TEXT NOT NULL,
    extract_error   TEXT,
    fetched_at      TEXT NOT NULL
);
CREATE INDEX articles_fetched_at ON articles(fetched_at);

CREATE TABLE article_sources (
    source_id   INTEGER NOT NULL REFERENCES sources(id),
    guid        TEXT NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    url         TEXT NOT NULL,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (source_id, guid)
);
CREATE INDEX article_sources_article ON article_sources(article_id);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, body, content='articles', content_rowid='id', tokenize='unicode61'
);
CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;

CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    rule_name      TEXT NOT NULL,
    article_id     INTEGER NOT NULL REFERENCES articles(id),
    matched_terms  TEXT NOT NULL,
    snippet        TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (rule_name, article_id)
);
CREATE INDEX alerts_created_at ON alerts(created_at);

CREATE TABLE deliveries (
    alert_id         INTEGER NOT NULL REFERENCES alerts(id),
    sink             TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'retrying', 'delivered', 'dead')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT NOT NULL,
    delivered_at     TEXT,
    PRIMARY KEY (alert_id, sink)
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
"#;

/// Delivery v2: a `skipped` state (the sink's filter declined the alert), how a delivered
/// alert went out (`delivered_via`), a due-index per sink, and per-sink state that must
/// survive restarts (digest schedule, rate-limit window).
/// SQLite cannot widen a CHECK in place, so `deliveries` is rebuilt with its rows.
const MIGRATION_2: &str = r#"
CREATE TABLE deliveries_v2 (
    alert_id         INTEGER NOT NULL REFERENCES alerts(id),
    sink             TEXT NOT NULL,
    state            TEXT NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'retrying', 'delivered', 'dead', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT NOT NULL,
    delivered_at     TEXT,
    delivered_via    TEXT CHECK (delivered_via IN ('message', 'summary', 'digest')),
    PRIMARY KEY (alert_id, sink)
);
INSERT INTO deliveries_v2 (alert_id, sink, state, attempts, last_error, next_attempt_at,
                           delivered_at, delivered_via)
SELECT alert_id, sink, state, attempts, last_error, next_attempt_at, delivered_at,
       CASE WHEN state = 'delivered' THEN 'message' END
FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_v2 RENAME TO deliveries;
CREATE INDEX deliveries_due ON deliveries(sink, state, next_attempt_at);
CREATE INDEX deliveries_state ON deliveries(state);

CREATE TABLE sink_state (
    sink               TEXT PRIMARY KEY,
    next_digest_at     TEXT,
    window_started_at  TEXT,
    window_messages    INTEGER NOT NULL DEFAULT 0
);
"#;

/// Rules as last run, so new or changed rules can be run over stored articles once.
const MIGRATION_3: &str = r#"
CREATE TABLE rules (
    name           TEXT PRIMARY KEY,
    query          TEXT NOT NULL,
    changed_at     TEXT NOT NULL,
    backfilled_at  TEXT
);
ALTER TABLE alerts ADD COLUMN backfill INTEGER NOT NULL DEFAULT 0;
"#;

/// Polling state: the adaptive interval and failure kind per source, and the robots.txt cache.
const MIGRATION_4: &str = r#"
ALTER TABLE sources ADD COLUMN interval_secs INTEGER;
ALTER TABLE sources ADD COLUMN failure_kind TEXT;
ALTER TABLE sources ADD COLUMN retry_after_at TEXT;
CREATE INDEX sources_next_due ON sources(active, next_due_at);

CREATE TABLE robots (
    host        TEXT PRIMARY KEY,
    status      INTEGER,
    body        TEXT NOT NULL,
    fetched_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
"#;

/// Stories, content identity, page versions and removals; one alert per (rule, story).
///
/// Articles stored before it each become a story of their own (story id = article id), and
/// their alerts take that story, so the new unique index holds from the start. Their body
/// hashes stay empty: older articles are matched by URL only.
const MIGRATION_5: &str = r#"
CREATE TABLE stories (
    id          INTEGER PRIMARY KEY,
    created_at  TEXT NOT NULL
);
INSERT INTO stories (id, created_at) SELECT id, fetched_at FROM articles;

ALTER TABLE articles ADD COLUMN story_id INTEGER REFERENCES stories(id);
ALTER TABLE articles ADD COLUMN url_key TEXT;
ALTER TABLE articles ADD COLUMN body_hash INTEGER;
ALTER TABLE articles ADD COLUMN page_etag TEXT;
ALTER TABLE articles ADD COLUMN page_last_modified TEXT;
ALTER TABLE articles ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN next_check_at TEXT;
ALTER TABLE articles ADD COLUMN removed_at TEXT;
UPDATE articles SET story_id = id,
    url_key = replace(replace(canonical_url, '://www.', '://'), '://m.', '://');
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_url_key ON articles(url_key);
CREATE INDEX articles_body_hash ON articles(body_hash) WHERE body_hash IS NOT NULL;
CREATE INDEX articles_next_check ON articles(next_check_at) WHERE next_check_at IS NOT NULL;

CREATE TABLE article_signatures (
    article_id  INTEGER PRIMARY KEY REFERENCES articles(id),
    shingles    INTEGER NOT NULL,
    minhash     BLOB NOT NULL
);

CREATE TABLE story_bands (
    band_key    INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    created_at  TEXT NOT NULL,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
CREATE INDEX story_bands_created_at ON story_bands(created_at);

CREATE TABLE paragraphs_seen (
    hash      INTEGER PRIMARY KEY,
    story_id  INTEGER NOT NULL,
    common    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE article_versions (
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    version     INTEGER NOT NULL,
    title       TEXT,
    body        TEXT NOT NULL,
    body_hash   INTEGER,
    seen_at     TEXT NOT NULL,
    PRIMARY KEY (article_id, version)
);

ALTER TABLE alerts ADD COLUMN story_id INTEGER REFERENCES stories(id);
UPDATE alerts SET story_id = article_id;
CREATE UNIQUE INDEX alerts_rule_story ON alerts(rule_name, story_id);
"#;

/// A warning beside a healthy source: a feed read despite a defect (recovered from broken XML,
/// or a charset label overruled by the bytes).
const MIGRATION_6: &str = r#"
ALTER TABLE sources ADD COLUMN last_warning TEXT;
"#;

/// What listing and sitemap sources remember between polls: every link a listing showed and on
/// how many of its polls, every child sitemap's `lastmod`, and the source's listing poll count;
/// and the way discovery chose to watch a `kind = "auto"` source.
const MIGRATION_7: &str = r#"
CREATE TABLE source_links (
    source_id     INTEGER NOT NULL REFERENCES sources(id),
    url           TEXT NOT NULL,
    polls         INTEGER NOT NULL DEFAULT 0,
    lastmod       TEXT,
    last_seen_at  TEXT NOT NULL,
    PRIMARY KEY (source_id, url)
) WITHOUT ROWID;
ALTER TABLE sources ADD COLUMN listing_polls INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sources ADD COLUMN way_kind TEXT;
ALTER TABLE sources ADD COLUMN way_url TEXT;
ALTER TABLE sources ADD COLUMN way_reason TEXT;
ALTER TABLE sources ADD COLUMN way_at TEXT;
"#;

/// A leaner near-copy band index: 32-bit band keys and no timestamp per row, so the index is
/// about a third of its former size and stays in the page cache; rows leave the window by
/// article id (ids grow with time), through an index that only ever grows at its end.
const MIGRATION_8: &str = r#"
CREATE TABLE story_bands_v6 (
    band_key    INTEGER NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES articles(id),
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;
INSERT OR IGNORE INTO story_bands_v6 (band_key, article_id)
SELECT band_key & 4294967295, article_id FROM story_bands;
DROP TABLE story_bands;
ALTER TABLE story_bands_v6 RENAME TO story_bands;
CREATE INDEX story_bands_article ON story_bands(article_id);
"#;

/// `newswatch poll SOURCE` asking a running daemon for a poll now, and the daemon's answer.
const MIGRATION_9: &str = r#"
CREATE TABLE poll_requests (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL,
    requested_at    TEXT NOT NULL,
    taken_at        TEXT,
    answered_at     TEXT,
    stored          INTEGER,
    linked          INTEGER,
    alerts          INTEGER,
    failed          INTEGER,
    deferred_until  TEXT,
    error           TEXT
);
"#;

/// The near-copy band index moves to memory (`dedup::BandIndex`, rebuilt at start from
/// `article_signatures`): storing an article no longer writes 64 random index rows.
const MIGRATION_10: &str = r#"
DROP TABLE story_bands;
"#;

/// The full-text entry of a new article is written by the store with its batch (one statement
/// for all the batch's articles, `store::Batch::commit`) instead of by a trigger per row; the
/// entries of the articles already stored stay as they are. An edit or a deletion touches the
/// full-text index only for a row that has an entry (an article not yet committed, or one put
/// in by hand, has none: removing terms never written would corrupt the index).
const MIGRATION_11: &str = r#"
DROP TRIGGER articles_fts_insert;
DROP TRIGGER articles_fts_delete;
DROP TRIGGER articles_fts_update;
CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles
WHEN EXISTS (SELECT 1 FROM articles_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, body ON articles
WHEN EXISTS (SELECT 1 FROM articles_fts_docsize WHERE id = old.id) BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
    INSERT INTO articles_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
END;
"#;

/// The full-text index merges its segments 16 at a time instead of 4 (FTS5 `automerge`), and
/// merges a level at once only when it holds 64 segments instead of 16 (`crisismerge`); both
/// kept in `articles_fts_config`. Every commit writes its articles' terms as a new segment,
/// and merging rewrites each term once per level of segments: with 16 to a level there are
/// half as many levels, so the writer rewrites each term half as often. The crisis bound must
/// stay above the merge width: at 16 and 16, every level was merged whole in one commit, up
/// to 2.4 s for the commit that merged a 100,000-article level. A query reads more segments
/// per level but over fewer levels: phrase, prefix and word queries over 100,000 farm bodies
/// took −13 % to +20 % of the time (docs/benchmarks.md, "The writer's CPU on real articles").
const MIGRATION_12: &str = r#"
INSERT INTO articles_fts (articles_fts, rank) VALUES ('automerge', 16);
INSERT INTO articles_fts (articles_fts, rank) VALUES ('crisismerge', 64);
"#;

/// A signature row carries its article's story, so the writer's candidate lookup reads only
/// `article_signatures`: reaching `articles.story_id` meant walking past the body, through
/// its overflow pages (an 11 KB body is three more pages), for each of up to 32 candidates
/// per new article. Rows stored before this keep a null story and are read through
/// `articles` as before until they leave the 30-day window: filling them in here would
/// rewrite the whole table (and its WAL) once at upgrade.
const MIGRATION_13: &str = r#"
ALTER TABLE article_signatures ADD COLUMN story_id INTEGER;
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_5_gives_existing_articles_and_alerts_their_own_story() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for migration in &MIGRATIONS[..4] {
            conn.execute_batch(migration).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO sources (id, name, url, created_at) VALUES (1, 'a', 'http://a/', 't');
             INSERT INTO articles (id, source_id, url, canonical_url, body, fetched_at)
                VALUES (7, 1, 'u', 'https://www.x.kz/a', 'b', '2026-01-01T00:00:00Z');
             INSERT INTO alerts (rule_name, article_id, matched_terms, snippet, created_at)
                VALUES ('r', 7, '[]', '', 't');",
        )
        .unwrap();
        conn.execute_batch(MIGRATION_5).unwrap();
        let row: (i64, String, i64) = conn
            .query_row(
                "SELECT a.story_id, a.url_key, al.story_id FROM articles a JOIN alerts al ON al.article_id = a.id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, (7, "https://x.kz/a".to_string(), 7));
    }

    #[test]
    fn migration_8_keeps_band_rows_with_their_keys_cut_to_32_bits() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for migration in &MIGRATIONS[..7] {
            conn.execute_batch(migration).unwrap();
        }
        conn.execute_batch(
            "INSERT INTO sources (id, name, url, created_at) VALUES (1, 'a', 'http://a/', 't');
             INSERT INTO articles (id, source_id, url, canonical_url, body, fetched_at)
                VALUES (7, 1, 'u', 'https://x.kz/a', 'b', '2026-01-01T00:00:00Z');
             INSERT INTO story_bands (band_key, article_id, created_at)
                VALUES (-1, 7, '2026-01-01T00:00:00Z'), (4294967297, 7, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        conn.execute_batch(MIGRATION_8).unwrap();
        let keys: Vec<i64> = conn
            .prepare("SELECT band_key FROM story_bands WHERE article_id = 7 ORDER BY band_key")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(keys, [1, 4_294_967_295]);
    }

    #[test]
    fn migration_12_has_the_full_text_index_merge_16_segments_at_a_time_and_64_at_a_crisis() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for migration in MIGRATIONS {
            conn.execute_batch(migration).unwrap();
        }
        let config = |key: &str| -> i64 {
            conn.query_row(
                "SELECT v FROM articles_fts_config WHERE k = ?1",
                [key],
                |r| r.get(0),
            )
            .unwrap()
        };
        assert_eq!(config("automerge"), 16);
        assert_eq!(config("crisismerge"), 64);
    }
}
