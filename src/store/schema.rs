//! Numbered schema migrations. Never edit a shipped migration: append a new one.
//!
//! `docs/schema.md` documents every table and column these create.

/// Migration `n` (1-based) is `MIGRATIONS[n - 1]`; `PRAGMA user_version` records the last applied.
pub const MIGRATIONS: &[&str] = &[MIGRATION_1, MIGRATION_3];

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

/// Polling state: the adaptive interval and failure kind per source, and the robots.txt cache.
const MIGRATION_3: &str = r#"
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
