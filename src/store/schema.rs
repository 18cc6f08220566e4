//! Numbered schema migrations. Never edit a shipped migration: append a new one.
//!
//! `docs/schema.md` documents every table and column these create.

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`; `PRAGMA user_version` records the last applied.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_4];

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

/// Stories, content identity, page versions and removals; one alert per (rule, story).
///
/// Articles stored before it each become a story of their own (story id = article id), and
/// their alerts take that story, so the new unique index holds from the start. Their body
/// hashes stay empty: older articles are matched by URL only.
const MIGRATION_4: &str = r#"
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_4_gives_existing_articles_and_alerts_their_own_story() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(MIGRATION_1).unwrap();
        conn.execute_batch(
            "INSERT INTO sources (id, name, url, created_at) VALUES (1, 'a', 'http://a/', 't');
             INSERT INTO articles (id, source_id, url, canonical_url, body, fetched_at)
                VALUES (7, 1, 'u', 'https://www.x.kz/a', 'b', '2026-01-01T00:00:00Z');
             INSERT INTO alerts (rule_name, article_id, matched_terms, snippet, created_at)
                VALUES ('r', 7, '[]', '', 't');",
        )
        .unwrap();
        conn.execute_batch(MIGRATION_4).unwrap();
        let row: (i64, String, i64) = conn
            .query_row(
                "SELECT a.story_id, a.url_key, al.story_id FROM articles a JOIN alerts al ON al.article_id = a.id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(row, (7, "https://x.kz/a".to_string(), 7));
    }
}
