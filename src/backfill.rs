//! Backfill: a rule that is new, or whose query changed, is run once over the articles stored
//! within the look-back window; its matches become alerts marked `backfill`.
//!
//! The `rules` table remembers which query was last backfilled, so a restart or reload never
//! repeats a backfill, and the alerts' (rule, story) uniqueness never repeats an alert. A
//! backfill cut short by shutdown is redone at the next start.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio_util::sync::CancellationToken;

use crate::config::RuleSpec;
use crate::poll::{Pipeline, Rules};
use crate::sd_notify::Heartbeat;
use crate::store::{ArticleText, NewAlert, StoreError};

/// Articles matched per batch; the store is free for polls between batches.
const BATCH: usize = 500;

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

/// Runs every rule that needs it over the articles fetched within `window`; `source_tags`
/// gives each configured source's tags, for rules scoped by tag. Each batch beats `heartbeat`, so
/// a long backfill keeps the systemd watchdog fed.
pub async fn backfill(
    pipeline: &Pipeline,
    rules: Vec<RuleSpec>,
    source_tags: HashMap<String, Vec<String>>,
    window: Duration,
    cancel: &CancellationToken,
    heartbeat: &Heartbeat,
) -> Result<BackfillReport, StoreError> {
    let configured: Vec<(String, String)> = rules
        .iter()
        .map(|r| (r.name.clone(), r.query_text.clone()))
        .collect();
    let pending = pipeline
        .with_store(move |s| s.sync_rules(configured.iter().map(|(n, q)| (n.as_str(), q.as_str()))))
        .await?;
    let selected: Vec<RuleSpec> = rules
        .into_iter()
        .filter(|r| pending.contains(&r.name))
        .collect();
    let mut report = BackfillReport::default();
    if selected.is_empty() || window.is_zero() {
        return mark_backfilled(pipeline, pending).await.map(|()| report);
    }
    let rules = Arc::new(Rules::new(selected));
    let source_tags = Arc::new(source_tags);
    let since = Utc::now() - chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX);
    let mut after = 0;
    loop {
        if cancel.is_cancelled() {
            return Ok(report);
        }
        heartbeat.beat();
        let batch = pipeline
            .with_store(move |s| s.articles_since(since, after, BATCH))
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        report.articles += batch.len();
        let (rules, tags) = (Arc::clone(&rules), Arc::clone(&source_tags));
        let alerts = tokio::task::spawn_blocking(move || match_batch(&rules, &tags, &batch))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let sinks = pipeline.sinks.to_vec();
        report.alerts += pipeline
            .with_store(move |s| s.add_backfill_alerts(&alerts, &sinks))
            .await?;
    }
    report.rules = rules.len();
    mark_backfilled(pipeline, rules.names()).await?;
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

/// The (article, story, alert) triples a batch raises.
fn match_batch(
    rules: &Rules,
    source_tags: &HashMap<String, Vec<String>>,
    batch: &[ArticleText],
) -> Vec<(i64, i64, NewAlert)> {
    let mut alerts = Vec::new();
    for article in batch {
        let doc = rules.document(article.title.as_deref().unwrap_or(""), &article.body);
        let tags = source_tags
            .get(&article.source_name)
            .map_or(&[][..], Vec::as_slice);
        let found = rules.alerts(
            &doc,
            &article.source_name,
            tags,
            article.language.as_deref(),
        );
        alerts.extend(
            found
                .into_iter()
                .map(|alert| (article.id, article.story_id, alert)),
        );
    }
    alerts
}
