//! Backfill: a rule that is new, or whose query changed, is run once over the articles stored
//! within the look-back window; its matches become alerts marked `backfill`.
//!
//! The `rules` table remembers which query was last backfilled, so a restart or reload never
//! repeats a backfill, and the alerts' (rule, article) uniqueness never repeats an alert. A
//! backfill cut short by shutdown is redone at the next start.

use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::config::RuleSpec;
use crate::poll::Pipeline;
use crate::store::{NewAlert, StoreError};
use crate::watch::{Document, Query, RuleSet};

/// Articles matched per batch; the store is free for polls between batches.
const BATCH: usize = 500;

/// One configured rule, as backfill needs it.
#[derive(Debug, Clone)]
pub struct BackfillRule {
    /// Rule name.
    pub name: String,
    /// The query as written, to notice changes.
    pub text: String,
    /// The parsed query.
    pub query: Query,
}

impl From<&RuleSpec> for BackfillRule {
    fn from(rule: &RuleSpec) -> BackfillRule {
        BackfillRule {
            name: rule.name.clone(),
            text: rule.query_text.clone(),
            query: rule.query.clone(),
        }
    }
}

/// What a backfill did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BackfillReport {
    /// Rules backfilled.
    pub rules: usize,
    /// Articles they were run over.
    pub articles: usize,
    /// Alerts raised.
    pub alerts: usize,
}

/// Runs every rule that needs it over the articles fetched within `window`.
pub async fn backfill(
    pipeline: &Pipeline,
    rules: Vec<BackfillRule>,
    window: Duration,
    cancel: &CancellationToken,
) -> Result<BackfillReport, StoreError> {
    let configured: Vec<(String, String)> = rules
        .iter()
        .map(|r| (r.name.clone(), r.text.clone()))
        .collect();
    let pending = pipeline
        .with_store(move |s| s.sync_rules(configured.iter().map(|(n, q)| (n.as_str(), q.as_str()))))
        .await?;
    let selected: Vec<BackfillRule> = rules
        .into_iter()
        .filter(|r| pending.contains(&r.name))
        .collect();
    let mut report = BackfillReport::default();
    let names: Vec<String> = selected.iter().map(|r| r.name.clone()).collect();
    if selected.is_empty() || window.is_zero() {
        return mark_backfilled(pipeline, names).await.map(|()| report);
    }
    let set = std::sync::Arc::new(RuleSet::new(
        selected.into_iter().map(|r| r.query).collect(),
    ));
    let since = Utc::now() - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let mut after = 0;
    loop {
        if cancel.is_cancelled() {
            return Ok(report);
        }
        let batch = pipeline
            .with_store(move |s| s.articles_since(since, after, BATCH))
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        report.articles += batch.len();
        let (set, names) = (std::sync::Arc::clone(&set), names.clone());
        let alerts = tokio::task::spawn_blocking(move || match_batch(&set, &names, &batch))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let sinks = pipeline.sinks.to_vec();
        report.alerts += pipeline
            .with_store(move |s| s.add_backfill_alerts(&alerts, &sinks))
            .await?;
    }
    report.rules = names.len();
    mark_backfilled(pipeline, names).await?;
    Ok(report)
}

async fn mark_backfilled(pipeline: &Pipeline, names: Vec<String>) -> Result<(), StoreError> {
    for name in names {
        pipeline
            .with_store(move |s| s.mark_backfilled(&name))
            .await?;
    }
    Ok(())
}

fn match_batch(
    set: &RuleSet,
    names: &[String],
    batch: &[crate::store::ArticleText],
) -> Vec<(i64, i64, NewAlert)> {
    let mut alerts = Vec::new();
    for article in batch {
        let doc = Document::new(article.title.as_deref().unwrap_or(""), &article.body);
        for (index, hit) in set.matches(&doc) {
            if let Some(name) = names.get(index) {
                let alert = NewAlert {
                    rule_name: name.clone(),
                    matched_terms: hit.terms,
                    snippet: hit.snippet,
                };
                alerts.push((article.id, article.story_id, alert));
            }
        }
    }
    alerts
}
