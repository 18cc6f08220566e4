//! `newswatch rules`, `newswatch sinks` and `newswatch article ID`: what the config asks
//! for beside what the database recorded.

use std::path::Path;
use std::process::ExitCode;

use chrono::Utc;
use newswatch::config::{Config, DeliveryMode, DisplayZone, RuleSpec, SinkSpec};
use newswatch::store::{ArticleDetail, RuleActivity, SinkDeliveries, Store, db_time};
use serde::Serialize;

use super::json;
use super::run::load_config;

/// Loads the config and opens its database read-only; a failure is printed and becomes the
/// exit code.
fn open(config: &Path) -> Result<(Config, Store), ExitCode> {
    let config = load_config(config)?;
    let store = Store::open_read_only(&config.database).map_err(|err| {
        eprintln!("error: {err}");
        ExitCode::from(1)
    })?;
    Ok((config, store))
}

/// One rule in `rules --json`.
#[derive(Serialize)]
struct RuleLine<'a> {
    name: &'a str,
    query: &'a str,
    sources: &'a [String],
    tags: &'a [String],
    languages: &'a [String],
    #[serde(flatten)]
    activity: RuleActivity,
}

/// `newswatch rules`: each rule, its query, scope and recent alerts.
pub fn rules(config: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = match open(config) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let activity = store.rule_activity(Utc::now())?;
    let lines: Vec<RuleLine> = config
        .rules
        .iter()
        .map(|r| rule_line(r, activity.get(&r.name).copied().unwrap_or_default()))
        .collect();
    if as_json {
        json::print(&serde_json::json!({ "rules": lines }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for r in &lines {
        outln!(
            "{:<28} alerts: {} in 24h, {} in 7d, {} in all",
            r.name,
            r.activity.alerts_last_day,
            r.activity.alerts_last_week,
            r.activity.alerts_total
        );
        outln!("    query: {}", r.query);
        outln!("    scope: {}", scope_words(r));
    }
    Ok(ExitCode::SUCCESS)
}

fn rule_line(rule: &RuleSpec, activity: RuleActivity) -> RuleLine<'_> {
    RuleLine {
        name: &rule.name,
        query: &rule.query_text,
        sources: &rule.scope.sources,
        tags: &rule.scope.tags,
        languages: &rule.scope.languages,
        activity,
    }
}

/// A rule's scope in words.
fn scope_words(rule: &RuleLine) -> String {
    let parts: Vec<String> = [
        ("sources", rule.sources),
        ("tags", rule.tags),
        ("language", rule.languages),
    ]
    .iter()
    .filter(|(_, values)| !values.is_empty())
    .map(|(what, values)| format!("{what} {}", values.join(", ")))
    .collect();
    if parts.is_empty() {
        "every article".to_string()
    } else {
        parts.join("; ")
    }
}

/// One sink in `sinks --json`.
#[derive(Serialize)]
struct SinkLine<'a> {
    name: &'a str,
    kind: &'static str,
    mode: String,
    /// `ok`, `retrying` or `dead`: the worst state of its deliveries.
    state: &'static str,
    next_digest_at: Option<String>,
    deliveries: SinkDeliveries,
}

/// `newswatch sinks`: each sink, its state and its deliveries by state.
pub fn sinks(config: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = match open(config) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let counts = store.sink_deliveries()?;
    let mut lines = Vec::with_capacity(config.sinks.len());
    for sink in &config.sinks {
        let deliveries = counts.get(&sink.name).copied().unwrap_or_default();
        let next_digest_at = store.sink_state(&sink.name)?.next_digest_at.map(db_time);
        lines.push(sink_line(sink, deliveries, next_digest_at));
    }
    if as_json {
        json::print(&serde_json::json!({ "sinks": lines }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for s in &lines {
        let d = &s.deliveries;
        outln!(
            "{:<20} {:<9} {:<20} {}",
            s.name,
            s.kind,
            s.mode,
            s.state.to_uppercase()
        );
        outln!(
            "    deliveries: {} pending, {} retrying, {} dead, {} delivered, {} skipped",
            d.pending,
            d.retrying,
            d.dead,
            d.delivered,
            d.skipped
        );
        if let Some(at) = &s.next_digest_at {
            outln!("    next digest: {}", config.display_zone().show(at));
        }
        if d.dead > 0 {
            outln!("    requeue the dead ones with `newswatch alerts retry --dead`");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn sink_line(
    sink: &SinkSpec,
    deliveries: SinkDeliveries,
    next_digest_at: Option<String>,
) -> SinkLine<'_> {
    let mode = match &sink.mode {
        DeliveryMode::Immediate { rate_limit: None } => "immediate".to_string(),
        DeliveryMode::Immediate {
            rate_limit: Some(limit),
        } => format!(
            "immediate, {}/{}",
            limit.messages,
            humantime::format_duration(limit.per)
        ),
        DeliveryMode::Digest(_) => "digest".to_string(),
    };
    let state = if deliveries.dead > 0 {
        "dead"
    } else if deliveries.retrying > 0 {
        "retrying"
    } else {
        "ok"
    };
    SinkLine {
        name: &sink.name,
        kind: sink.kind.word(),
        mode,
        state,
        next_digest_at,
        deliveries,
    }
}

/// `newswatch article ID [--text]`: metadata, story, alerts and, with `--text`, the stored text.
pub fn article(config: &Path, id: i64, text: bool, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = match open(config) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let Some(mut a) = store.article_detail(id)? else {
        eprintln!(
            "error: no article #{id} in {}; `newswatch alerts` and `newswatch search` show article ids",
            config.database.display()
        );
        return Ok(ExitCode::from(1));
    };
    if !text {
        a.body = String::new();
    }
    if as_json {
        json::print(&a)?;
    } else {
        print_article(&a, text, &config.display_zone());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_article(a: &ArticleDetail, text: bool, zone: &DisplayZone) {
    outln!(
        "article #{} {}",
        a.id,
        a.title.as_deref().unwrap_or("(untitled)")
    );
    outln!("    url:       {}", a.url);
    if a.canonical_url != a.url {
        outln!("    canonical: {}", a.canonical_url);
    }
    outln!("    source:    {}", a.source);
    outln!(
        "    published: {}",
        a.published_at
            .as_deref()
            .map_or_else(|| "undated".to_string(), |at| zone.show(at))
    );
    outln!("    stored:    {}", zone.show(&a.fetched_at));
    outln!(
        "    language:  {}",
        a.language.as_deref().unwrap_or("unknown")
    );
    if let Some(author) = &a.author {
        outln!("    author:    {author}");
    }
    if let Some(story) = a.story_id {
        outln!("    story:     {story} (`newswatch story {story}`)");
    }
    if let Some(error) = &a.extract_error {
        outln!("    extraction failed, the feed's text was kept: {error}");
    }
    if let Some(at) = &a.removed_at {
        outln!(
            "    REMOVED: the page answered 404/410 at {}",
            zone.show(at)
        );
    }
    for alert in &a.alerts {
        outln!(
            "    alert #{} [{}] at {}",
            alert.id,
            alert.rule,
            zone.show(&alert.created_at)
        );
    }
    if text {
        outln!();
        outln!("{}", a.body);
    }
}
