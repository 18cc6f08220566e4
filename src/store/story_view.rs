//! The read-only view behind `newswatch story ID`: a story with every copy, every link that
//! delivered each copy, each copy's versions and the alerts the story raised.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

/// A story with everything known about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoryView {
    /// Story id.
    pub id: i64,
    /// When its first article was stored.
    pub created_at: String,
    /// Its articles (copies), oldest first.
    pub articles: Vec<StoryArticle>,
    /// Alerts raised for it: `rule` and the article that raised it.
    pub alerts: Vec<(String, i64)>,
}

/// One copy of a story.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoryArticle {
    /// Article id.
    pub id: i64,
    /// Current headline.
    pub title: Option<String>,
    /// Canonical URL.
    pub canonical_url: String,
    /// When it was stored.
    pub fetched_at: String,
    /// When its page was found gone (404/410), if it was.
    pub removed_at: Option<String>,
    /// Every (source, URL, first seen) that delivered it.
    pub links: Vec<(String, String, String)>,
    /// Its text history; empty while the text never changed.
    pub versions: Vec<StoryVersion>,
}

/// One version of an article's text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoryVersion {
    /// 1 for the text first stored.
    pub version: i64,
    /// Headline of that version.
    pub title: Option<String>,
    /// Text of that version.
    pub body: String,
    /// When it was seen.
    pub seen_at: String,
}

impl Store {
    /// The story `story_id`, or `None` if there is none.
    pub fn story(&self, story_id: i64) -> Result<Option<StoryView>, StoreError> {
        let created_at: Option<String> = self
            .conn
            .query_row(
                "SELECT created_at FROM stories WHERE id = ?1",
                [story_id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(created_at) = created_at else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare(
            "SELECT id, title, canonical_url, fetched_at, removed_at FROM articles
             WHERE story_id = ?1 ORDER BY id",
        )?;
        let mut articles = stmt
            .query_map([story_id], |r| {
                Ok(StoryArticle {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    canonical_url: r.get(2)?,
                    fetched_at: r.get(3)?,
                    removed_at: r.get(4)?,
                    links: Vec::new(),
                    versions: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        for article in &mut articles {
            article.links = self.links_of(article.id)?;
            article.versions = self.versions_of(article.id)?;
        }
        let mut stmt = self
            .conn
            .prepare("SELECT rule_name, article_id FROM alerts WHERE story_id = ?1 ORDER BY id")?;
        let alerts = stmt
            .query_map([story_id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(Some(StoryView {
            id: story_id,
            created_at,
            articles,
            alerts,
        }))
    }

    fn links_of(&self, article_id: i64) -> Result<Vec<(String, String, String)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.name, x.url, x.seen_at FROM article_sources x
             JOIN sources s ON s.id = x.source_id WHERE x.article_id = ?1 ORDER BY x.seen_at, s.name",
        )?;
        let rows = stmt.query_map(params![article_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn versions_of(&self, article_id: i64) -> Result<Vec<StoryVersion>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT version, title, body, seen_at FROM article_versions
             WHERE article_id = ?1 ORDER BY version",
        )?;
        let rows = stmt.query_map(params![article_id], |r| {
            Ok(StoryVersion {
                version: r.get(0)?,
                title: r.get(1)?,
                body: r.get(2)?,
                seen_at: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
