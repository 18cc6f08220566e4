//! Retention: what `[storage] keep_articles` removes, counted for `prune --dry-run` and
//! deleted in small transactions.
//!
//! An article fetched before the cutoff goes with everything that hangs off it (FTS row,
//! versions, signature, band rows, source links, its delivered alerts and their deliveries),
//! unless its story has an alert still waiting for a sink (`pending`, `retrying` or `dead`):
//! such a story is kept whole. An article that raised an alert also stays while its story
//! has articles newer than the cutoff, so a story alive under retention always keeps the
//! alert that makes a later copy of it quiet. A story goes when its last article goes; its
//! paragraph rows go in a separate sweep. This module decides nothing about *when* to prune.

use chrono::{DateTime, Utc};
use rusqlite::{Transaction, params, params_from_iter};

use super::{Store, StoreError, db_time};

/// The articles the cutoff `?1` removes, oldest first. Stories with an alert waiting for
/// delivery, and articles carrying an alert of a story still alive, are left out.
const PRUNABLE: &str = "
SELECT a.id, a.story_id, a.fetched_at FROM articles a
WHERE a.fetched_at < ?1
  AND coalesce(a.story_id, -a.id) NOT IN
      (SELECT coalesce(al.story_id, 0) FROM deliveries d JOIN alerts al ON al.id = d.alert_id
       WHERE d.state IN ('pending', 'retrying', 'dead'))
  AND a.id NOT IN
      (SELECT al.article_id FROM deliveries d JOIN alerts al ON al.id = d.alert_id
       WHERE d.state IN ('pending', 'retrying', 'dead'))
  AND (a.id NOT IN (SELECT article_id FROM alerts)
       OR NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = a.story_id AND b.fetched_at >= ?1))
ORDER BY a.fetched_at, a.id";

/// Articles removed per step at most: one short transaction, so the writer (and with it
/// polling) never waits long.
const ARTICLES_PER_STEP: usize = 100;

/// Paragraph rows looked at per step of the paragraph sweep.
const PARAGRAPHS_PER_STEP: usize = 5_000;

/// Where a prune run is: removing articles, then sweeping paragraph rows from a hash on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PruneCursor {
    /// Articles (and what hangs off them) are being removed.
    #[default]
    Articles,
    /// Paragraph rows with hashes above this one are left to sweep.
    Paragraphs(i64),
}

/// Rows removed (or, in a preview, to be removed), per table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PruneCounts {
    /// Articles, with their full-text rows.
    pub articles: u64,
    /// Stories left without any article.
    pub stories: u64,
    /// Alerts of those articles (all delivered or skipped).
    pub alerts: u64,
    /// Deliveries of those alerts.
    pub deliveries: u64,
    /// Earlier text versions.
    pub versions: u64,
    /// Near-copy signatures.
    pub signatures: u64,
    /// (source, item) links: a source still listing a pruned item stores it again as new.
    pub source_links: u64,
    /// Paragraph rows of stories that are gone (boilerplate rows stay).
    pub paragraphs: u64,
}

impl std::ops::AddAssign for PruneCounts {
    fn add_assign(&mut self, o: PruneCounts) {
        self.articles += o.articles;
        self.stories += o.stories;
        self.alerts += o.alerts;
        self.deliveries += o.deliveries;
        self.versions += o.versions;
        self.signatures += o.signatures;
        self.source_links += o.source_links;
        self.paragraphs += o.paragraphs;
    }
}

/// What a prune at a cutoff would remove, for `prune --dry-run`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PrunePreview {
    /// Rows that would go.
    pub counts: PruneCounts,
    /// `fetched_at` of the oldest article that would go.
    pub oldest: Option<String>,
    /// `fetched_at` of the newest article that would go.
    pub newest: Option<String>,
    /// Articles older than the cutoff that stay: their story waits for a delivery, or they
    /// carry the alert of a story that is still alive.
    pub kept: u64,
}

impl Store {
    /// One short transaction of a prune run at `cutoff`: a batch of articles, or once they
    /// are done a chunk of the paragraph sweep. Returns what went and where to go on, or
    /// `None` when the run is complete. Start with [`PruneCursor::default`].
    pub fn prune_step(
        &mut self,
        cutoff: DateTime<Utc>,
        cursor: PruneCursor,
    ) -> Result<Option<(PruneCounts, PruneCursor)>, StoreError> {
        let after = match cursor {
            PruneCursor::Articles => {
                let counts = self.prune_batch(cutoff, ARTICLES_PER_STEP)?;
                if counts.articles > 0 {
                    return Ok(Some((counts, PruneCursor::Articles)));
                }
                i64::MIN
            }
            PruneCursor::Paragraphs(after) => after,
        };
        let (paragraphs, next) = self.prune_paragraphs(after, PARAGRAPHS_PER_STEP)?;
        let counts = PruneCounts {
            paragraphs,
            ..PruneCounts::default()
        };
        Ok(next.map(|next| (counts, PruneCursor::Paragraphs(next))))
    }

    /// Counts what pruning everything fetched before `cutoff` would remove; reads only.
    pub fn prune_preview(&self, cutoff: DateTime<Utc>) -> Result<PrunePreview, StoreError> {
        let cutoff = db_time(cutoff);
        let doomed = format!("WITH doomed AS MATERIALIZED ({PRUNABLE}) ");
        let count = |sql: &str| -> Result<u64, StoreError> {
            let n: i64 = self
                .conn
                .query_row(&format!("{doomed}{sql}"), [&cutoff], |r| r.get(0))?;
            Ok(n as u64)
        };
        let gone_stories = "gone AS (SELECT DISTINCT story_id AS id FROM doomed d
             WHERE NOT EXISTS (SELECT 1 FROM articles b WHERE b.story_id = d.story_id
                               AND b.id NOT IN (SELECT id FROM doomed)))";
        let counts = PruneCounts {
            articles: count("SELECT count(*) FROM doomed")?,
            stories: count(&format!(", {gone_stories} SELECT count(*) FROM gone"))?,
            alerts: count(
                "SELECT count(*) FROM alerts WHERE article_id IN (SELECT id FROM doomed)",
            )?,
            deliveries: count(
                "SELECT count(*) FROM deliveries WHERE alert_id IN
                 (SELECT id FROM alerts WHERE article_id IN (SELECT id FROM doomed))",
            )?,
            versions: count(
                "SELECT count(*) FROM article_versions WHERE article_id IN (SELECT id FROM doomed)",
            )?,
            signatures: count(
                "SELECT count(*) FROM article_signatures WHERE article_id IN (SELECT id FROM doomed)",
            )?,
            source_links: count(
                "SELECT count(*) FROM article_sources WHERE article_id IN (SELECT id FROM doomed)",
            )?,
            paragraphs: count(&format!(
                ", {gone_stories} SELECT count(*) FROM paragraphs_seen
                 WHERE common = 0 AND story_id IN (SELECT id FROM gone)"
            ))?,
        };
        let (oldest, newest): (Option<String>, Option<String>) = self.conn.query_row(
            &format!("{doomed}SELECT min(fetched_at), max(fetched_at) FROM doomed"),
            [&cutoff],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let older: i64 = self.conn.query_row(
            "SELECT count(*) FROM articles WHERE fetched_at < ?1",
            [&cutoff],
            |r| r.get(0),
        )?;
        Ok(PrunePreview {
            counts,
            oldest,
            newest,
            kept: (older as u64).saturating_sub(counts.articles),
        })
    }

    /// Removes at most `limit` articles fetched before `cutoff` (oldest first) with their
    /// dependent rows, in one short transaction. Returns what went; zero articles means done.
    fn prune_batch(
        &mut self,
        cutoff: DateTime<Utc>,
        limit: usize,
    ) -> Result<PruneCounts, StoreError> {
        let tx = self.conn.transaction()?;
        let picked: Vec<(i64, Option<i64>)> = tx
            .prepare(&format!("{PRUNABLE} LIMIT ?2"))?
            .query_map(params![db_time(cutoff), limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        if picked.is_empty() {
            return Ok(PruneCounts::default());
        }
        let ids: Vec<i64> = picked.iter().map(|(id, _)| *id).collect();
        let marks = vec!["?"; ids.len()].join(",");
        let delete = |sql: &str| -> Result<u64, StoreError> {
            let sql = sql.replace("IDS", &marks);
            Ok(tx.execute(&sql, params_from_iter(&ids))? as u64)
        };
        let mut counts = PruneCounts {
            deliveries: delete(
                "DELETE FROM deliveries WHERE alert_id IN
                 (SELECT id FROM alerts WHERE article_id IN (IDS))",
            )?,
            alerts: delete("DELETE FROM alerts WHERE article_id IN (IDS)")?,
            versions: delete("DELETE FROM article_versions WHERE article_id IN (IDS)")?,
            source_links: delete("DELETE FROM article_sources WHERE article_id IN (IDS)")?,
            ..PruneCounts::default()
        };
        counts.signatures = delete_near_copy_rows(&tx, &ids)?;
        counts.articles = delete("DELETE FROM articles WHERE id IN (IDS)")?;
        let mut stories: Vec<i64> = picked.iter().filter_map(|(_, s)| *s).collect();
        stories.sort_unstable();
        stories.dedup();
        let mut orphan = tx.prepare_cached(
            "DELETE FROM stories WHERE id = ?1
             AND NOT EXISTS (SELECT 1 FROM articles WHERE story_id = ?1)",
        )?;
        for story in stories {
            counts.stories += orphan.execute([story])? as u64;
        }
        drop(orphan);
        tx.commit()?;
        Ok(counts)
    }

    /// Looks at up to `limit` paragraph rows with hashes above `after` and deletes those of
    /// stories that no longer exist (boilerplate rows, `common`, stay: they are knowledge
    /// about sites, not about one story). Returns the deleted count and the cursor for the
    /// next call, `None` once the whole table was swept.
    fn prune_paragraphs(
        &mut self,
        after: i64,
        limit: usize,
    ) -> Result<(u64, Option<i64>), StoreError> {
        let tx = self.conn.transaction()?;
        let last: Option<i64> = tx.query_row(
            "SELECT max(hash) FROM (SELECT hash FROM paragraphs_seen WHERE hash > ?1
                                    ORDER BY hash LIMIT ?2)",
            params![after, limit as i64],
            |r| r.get(0),
        )?;
        let Some(last) = last else {
            return Ok((0, None));
        };
        let deleted = tx.execute(
            "DELETE FROM paragraphs_seen WHERE hash > ?1 AND hash <= ?2 AND common = 0
             AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = paragraphs_seen.story_id)",
            params![after, last],
        )?;
        tx.commit()?;
        Ok((deleted as u64, Some(last)))
    }

    /// Pages in the file (`PRAGMA page_count`).
    pub fn page_count(&self) -> Result<u64, StoreError> {
        let n: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Pages on the free list: space pruning freed inside the file, which new rows reuse.
    pub fn free_pages(&self) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// Deletes the near-copy signatures of `ids`. The band index over them is the writer's
/// (`dedup::BandIndex`) and holds only the window's articles, which retention never
/// reaches (`keep_articles` is at least the window); an entry left there would find no
/// signature and be skipped.
fn delete_near_copy_rows(tx: &Transaction, ids: &[i64]) -> Result<u64, StoreError> {
    let marks = vec!["?"; ids.len()].join(",");
    let signatures = tx.execute(
        &format!("DELETE FROM article_signatures WHERE article_id IN ({marks})"),
        params_from_iter(ids),
    )?;
    Ok(signatures as u64)
}

#[cfg(test)]
mod tests;
