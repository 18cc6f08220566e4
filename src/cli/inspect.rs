//! Admin commands that read the database: `stats`, `sources`, `search`.

use std::path::Path;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use newswatch::config::Config;
use newswatch::store::{Store, StoreError};
use newswatch::watch::{Document, Query};

use super::alerts::parse_since;
use super::json;

use super::run::load_config;

/// Loads the config and opens its database read-only (these commands never write, and work
/// beside a running daemon or for an admin who may not write its folder); a failure is printed and becomes the exit code.
fn open_with_config(config_path: &Path) -> Result<(Config, Store), ExitCode> {
    let config = load_config(config_path)?;
    let store = Store::open_read_only(&config.database).map_err(|err| {
        eprintln!("error: {err}");
        ExitCode::from(1)
    })?;
    Ok((config, store))
}

macro_rules! store_or_exit {
    ($path:expr) => {
        match open_with_config($path) {
            Ok((_, store)) => store,
            Err(code) => return Ok(code),
        }
    };
}

/// `newswatch stats`.
pub fn stats(config: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let store = store_or_exit!(config);
    let s = store.stats()?;
    if as_json {
        json::print(&s)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("sources:    {} ({} failing)", s.sources, s.failing_sources);
    outln!(
        "articles:   {} ({} in the last 24h)",
        s.articles,
        s.articles_last_day
    );
    outln!("alerts:     {}", s.alerts);
    outln!(
        "deliveries: {} waiting, {} dead",
        s.deliveries_waiting,
        s.deliveries_dead
    );
    Ok(ExitCode::SUCCESS)
}

/// `newswatch sources`: one line per source with its health, then why it fails if it does.
pub fn sources(config: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = match open_with_config(config) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let zone = config.display_zone();
    let shown =
        |at: Option<&str>, none: &str| at.map_or_else(|| none.to_string(), |at| zone.show(at));
    let details = store.polling_details()?;
    let ways = store.source_ways()?;
    let mut listed = Vec::new();
    for s in store.source_rows()? {
        let detail = details.get(&s.name);
        let kind = detail.and_then(|d| d.failure_kind.as_deref());
        let health = match (s.active, s.consecutive_failures, &s.last_success_at) {
            (false, _, _) => "removed".to_string(),
            (true, 0, Some(_)) => "ok".to_string(),
            (true, 0, None) => "new".to_string(),
            (true, n, _) => format!("FAILING x{n} {}", kind.unwrap_or("")),
        };
        // Until the first success the adaptive interval is the configured one.
        let interval = detail
            .and_then(|d| d.interval)
            .or_else(|| config.source(&s.name).map(|c| c.interval));
        if as_json {
            listed.push(json::Source {
                health: health_word(s.active, s.consecutive_failures, &s.last_success_at),
                failure_kind: kind.map(str::to_string),
                interval_seconds: interval.map(|d| d.as_secs()),
                retry_after_at: detail.and_then(|d| d.retry_after_at.clone()),
                watched_as: ways.get(&s.name).map(|way| json::Way {
                    kind: way.kind.clone(),
                    url: way.url.clone(),
                    reason: way.reason.clone(),
                    chosen_at: way.at.clone(),
                }),
                name: s.name,
                url: s.url,
                consecutive_failures: s.consecutive_failures,
                last_status: s.last_status,
                items_seen: s.items_seen,
                last_attempt_at: s.last_attempt_at,
                last_success_at: s.last_success_at,
                next_due_at: s.next_due_at,
                last_error: s.last_error.filter(|_| s.consecutive_failures > 0),
                last_warning: s.last_warning,
            });
            continue;
        }
        let every = interval.map_or("-".to_string(), |d| {
            humantime::format_duration(d).to_string()
        });
        outln!(
            "{:<24} {:<20} status {:<4} every {:<8} items {:<6} last ok {:<20} next {:<20} {}",
            s.name,
            health.trim_end(),
            s.last_status.map_or("-".into(), |c| c.to_string()),
            every,
            s.items_seen,
            shown(s.last_success_at.as_deref(), "never"),
            shown(s.next_due_at.as_deref(), "now"),
            s.url
        );
        if let Some(error) = s.last_error.filter(|_| s.consecutive_failures > 0) {
            outln!("    last error: {error}");
        }
        if let Some(warning) = s.last_warning {
            outln!("    warning: {warning}");
        }
        if let Some(at) = detail.and_then(|d| d.retry_after_at.as_deref()) {
            outln!("    server asked us to wait until {}", zone.show(at));
        }
        if let Some(way) = ways.get(&s.name) {
            let (kind, url, reason) = (&way.kind, &way.url, &way.reason);
            outln!(
                "    watched as {kind} {url} ({reason}; chosen {})",
                zone.show(&way.at)
            );
        }
    }
    if as_json {
        json::print(&serde_json::json!({ "sources": listed }))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// A source's health in one word, for `--json`.
fn health_word(active: bool, failures: i64, last_success: &Option<String>) -> &'static str {
    match (active, failures, last_success) {
        (false, _, _) => "removed",
        (true, 0, Some(_)) => "ok",
        (true, 0, None) => "new",
        (true, _, _) => "failing",
    }
}

/// `newswatch search QUERY`.
pub fn search(config: &Path, query: &str, limit: usize, as_json: bool) -> anyhow::Result<ExitCode> {
    let (config, store) = match open_with_config(config) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let hits = match store.search(query, limit) {
        Ok(hits) => hits,
        Err(err @ StoreError::BadSearch { .. }) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
        Err(err) => return Err(err.into()),
    };
    if as_json {
        json::print(&json::Search {
            query,
            results: hits,
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    for h in &hits {
        outln!(
            "#{} {} ({})",
            h.article_id,
            h.title.as_deref().unwrap_or("(untitled)"),
            h.published_at.as_deref().map_or_else(
                || "undated".to_string(),
                |at| config.display_zone().show(at)
            )
        );
        outln!("    {}", h.url);
        outln!("    {}", h.snippet.replace('\n', " "));
    }
    if hits.is_empty() {
        eprintln!("no articles match {query:?}");
    }
    Ok(ExitCode::SUCCESS)
}

/// `newswatch match --query Q --db`: runs a query over stored articles without alerting.
pub fn match_stored(
    config: &Path,
    query: &str,
    since: Option<&str>,
    limit: usize,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let text = query;
    let query = match Query::parse(query) {
        Ok(query) => query,
        Err(err) => {
            eprintln!("error: bad query {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let since = match since.map(parse_since).transpose() {
        Ok(since) => since.unwrap_or(DateTime::<Utc>::MIN_UTC),
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let store = store_or_exit!(config);
    let (mut after, mut scanned, mut found) = (0, 0, 0);
    let mut matches = Vec::new();
    while found < limit {
        let batch = store.articles_since(since, after, 500)?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        scanned += batch.len();
        for article in &batch {
            let doc = Document::new(article.title.as_deref().unwrap_or(""), &article.body);
            if let Some(hit) = query.find(&doc).filter(|_| found < limit) {
                found += 1;
                if as_json {
                    matches.push(json::Match {
                        article_id: Some(article.id),
                        title: article.title.clone(),
                        url: Some(article.url.clone()),
                        snippet: hit.snippet,
                    });
                    continue;
                }
                outln!(
                    "#{} {}",
                    article.id,
                    article.title.as_deref().unwrap_or("(untitled)")
                );
                outln!("    {}", article.url);
                outln!("    {}", hit.snippet.replace('\n', " "));
            }
        }
    }
    if as_json {
        json::print(&json::Matches {
            query: text,
            scanned,
            matches,
        })?;
    } else {
        eprintln!("{found} matching article(s) among {scanned} scanned");
    }
    Ok(if found > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
