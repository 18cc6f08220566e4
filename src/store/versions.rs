//! Page revisits: which stored pages are due for a re-check, and what a re-check found
//! (unchanged, a new version of the text, or removed).
//!
//! The first version of an article lives in its `articles` row; the history table receives it
//! the first time the text changes, so unedited articles cost nothing extra.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{Store, StoreError, db_time};

/// A stored page due for a re-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRevisit {
    /// The article.
    pub article_id: i64,
    /// The page URL to fetch.
    pub url: String,
    /// Validators from the last page response, for a conditional GET.
    pub etag: Option<String>,
    /// Validators from the last page response, for a conditional GET.
    pub last_modified: Option<String>,
    /// Re-checks done so far.
    pub checks: u32,
    /// The current text.
    pub body: String,
    /// When the article was first stored.
    pub fetched_at: Option<DateTime<Utc>>,
}

/// What a re-check of a page found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageCheck {
    /// Same text (or 304), or the fetch failed for a reason that says nothing about the page.
    Unchanged,
    /// The text changed: a new version.
    Changed {
        /// The page's headline now, if it has one.
        title: Option<String>,
        /// The new text.
        body: String,
        /// Hash of the new normalised text.
        body_hash: Option<i64>,
    },
    /// The page answered 404 or 410.
    Removed,
}

/// The outcome of one re-check, to record.
#[derive(Debug, Clone)]
pub struct RevisitRecord {
    /// What was found.
    pub check: PageCheck,
    /// Validators of the response, if it sent any.
    pub etag: Option<String>,
    /// Validators of the response, if it sent any.
    pub last_modified: Option<String>,
    /// When to check again; `None` ends the revisits.
    pub next_check_at: Option<DateTime<Utc>>,
    /// When this check ran.
    pub at: DateTime<Utc>,
}

impl Store {
    /// Articles whose next re-check is due at `now`, most overdue first, at most `limit`.
    pub fn due_revisits(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DueRevisit>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, url, page_etag, page_last_modified, checks, body, fetched_at
             FROM articles WHERE next_check_at IS NOT NULL AND next_check_at <= ?1
             ORDER BY next_check_at LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![db_time(now), limit as i64], |r| {
            let fetched: String = r.get(6)?;
            Ok(DueRevisit {
                article_id: r.get(0)?,
                url: r.get(1)?,
                etag: r.get(2)?,
                last_modified: r.get(3)?,
                checks: r.get(4)?,
                body: r.get(5)?,
                fetched_at: super::parse_db_time(&fetched),
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records a re-check: a new version, a removal, or just the next check time.
    pub fn record_revisit(
        &mut self,
        article_id: i64,
        record: &RevisitRecord,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let at = db_time(record.at);
        match &record.check {
            PageCheck::Unchanged => {}
            PageCheck::Changed {
                title,
                body,
                body_hash,
            } => new_version(&tx, article_id, title.as_deref(), body, *body_hash, &at)?,
            PageCheck::Removed => {
                tx.execute(
                    "UPDATE articles SET removed_at = COALESCE(removed_at, ?2) WHERE id = ?1",
                    params![article_id, at],
                )?;
            }
        }
        tx.execute(
            "UPDATE articles SET checks = checks + 1, next_check_at = ?2,
                page_etag = COALESCE(?3, page_etag),
                page_last_modified = COALESCE(?4, page_last_modified)
             WHERE id = ?1",
            params![
                article_id,
                record.next_check_at.map(db_time),
                record.etag,
                record.last_modified
            ],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Appends a version, first saving the original text as version 1 if the history is empty.
fn new_version(
    tx: &Transaction,
    article_id: i64,
    title: Option<&str>,
    body: &str,
    body_hash: Option<i64>,
    at: &str,
) -> rusqlite::Result<()> {
    let last: Option<i64> = tx
        .query_row(
            "SELECT max(version) FROM article_versions WHERE article_id = ?1",
            [article_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten();
    let last = match last {
        Some(v) => v,
        None => {
            tx.execute(
                "INSERT INTO article_versions (article_id, version, title, body, body_hash, seen_at)
                 SELECT id, 1, title, body, body_hash, fetched_at FROM articles WHERE id = ?1",
                [article_id],
            )?;
            1
        }
    };
    tx.execute(
        "INSERT INTO article_versions (article_id, version, title, body, body_hash, seen_at)
         SELECT id, ?2, COALESCE(?3, title), ?4, ?5, ?6 FROM articles WHERE id = ?1",
        params![article_id, last + 1, title, body, body_hash, at],
    )?;
    tx.execute(
        "UPDATE articles SET title = COALESCE(?2, title), body = ?3, body_hash = ?4 WHERE id = ?1",
        params![article_id, title, body, body_hash],
    )?;
    Ok(())
}
