//! `newswatch alerts`: recent alerts with each sink's delivery state, and `alerts retry`
//! to queue undelivered or dead deliveries again.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use newswatch::config::DisplayZone;
use newswatch::store::{DeliveryRow, Store};

use super::json;
use super::run::load_config;

/// Opens the config's database (read-only to list, writable to requeue), with the zone its
/// times are shown in.
fn open_store(config_path: &Path, writable: bool) -> Result<(Store, DisplayZone), ExitCode> {
    let config = load_config(config_path)?;
    let opened = if writable {
        Store::open(&config.database)
    } else {
        Store::open_read_only(&config.database)
    };
    opened
        .map(|store| (store, config.display_zone()))
        .map_err(|err| {
            eprintln!("error: {err}");
            ExitCode::from(1)
        })
}

/// `newswatch alerts [--since DURATION] [--limit N]`.
pub fn list(
    config: &Path,
    since: Option<&str>,
    limit: usize,
    as_json: bool,
) -> anyhow::Result<ExitCode> {
    let since = match since.map(parse_since).transpose() {
        Ok(since) => since.unwrap_or(DateTime::<Utc>::MIN_UTC),
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let (store, zone) = match open_store(config, false) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    let alerts = store.alerts_since(since, limit)?;
    if as_json {
        let mut listed = Vec::with_capacity(alerts.len());
        for a in alerts {
            let deliveries = store.deliveries_of(a.id)?;
            listed.push(json::Alert::new(a, deliveries));
        }
        json::print(&serde_json::json!({ "alerts": listed }))?;
        return Ok(ExitCode::SUCCESS);
    }
    for a in alerts {
        outln!(
            "#{} {} [{}] {} ({})",
            a.id,
            zone.show(&a.created_at),
            a.rule_name,
            a.title.as_deref().unwrap_or("(untitled)"),
            a.source_name
        );
        outln!("    {}", a.url);
        outln!("    {}", ids_line(a.article_id, a.story_id));
        outln!("    {}", a.snippet.replace('\n', " "));
        let summary = if a.deliveries.is_empty() {
            "no sinks"
        } else {
            &a.deliveries
        };
        outln!("    delivery: {summary}");
        for d in store.deliveries_of(a.id)? {
            outln!("      {}", describe(&d, &zone));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Where an alert leads: its article and story ids, as `article` and `story` take them.
pub(super) fn ids_line(article_id: i64, story_id: Option<i64>) -> String {
    match story_id {
        Some(story) => format!("article {article_id}, story {story}"),
        None => format!("article {article_id}"),
    }
}

/// One delivery's state in words.
fn describe(d: &DeliveryRow, zone: &DisplayZone) -> String {
    let attempts = format!(
        "{} attempt{}",
        d.attempts,
        if d.attempts == 1 { "" } else { "s" }
    );
    match d.state.as_str() {
        "delivered" => format!(
            "{}: delivered {} as {} after {attempts}",
            d.sink,
            d.delivered_at
                .as_deref()
                .map_or("?".to_string(), |at| zone.show(at)),
            d.delivered_via.as_deref().unwrap_or("message")
        ),
        "skipped" => format!("{}: skipped (the sink's rules/sources filter)", d.sink),
        "dead" => format!(
            "{}: DEAD after {attempts}: {} (requeue with `newswatch alerts retry {}`)",
            d.sink,
            d.last_error.as_deref().unwrap_or("?"),
            d.alert_id
        ),
        state => {
            let error = d
                .last_error
                .as_deref()
                .map_or(String::new(), |e| format!("; last error: {e}"));
            format!(
                "{}: {state}, {attempts}, next attempt {}{error}",
                d.sink,
                zone.show(&d.next_attempt_at)
            )
        }
    }
}

/// `newswatch alerts retry ID` or `newswatch alerts retry --dead`.
pub fn retry(config: &Path, id: Option<i64>, dead: bool) -> anyhow::Result<ExitCode> {
    let (mut store, _) = match open_store(config, true) {
        Ok(opened) => opened,
        Err(code) => return Ok(code),
    };
    if let Some(id) = id
        && !store.alert_exists(id)?
    {
        eprintln!(
            "error: there is no alert #{id}; `newswatch alerts` lists the alerts and their ids"
        );
        return Ok(ExitCode::from(1));
    }
    let (queued, what) = match (id, dead) {
        (Some(id), false) => (store.requeue_alert(id)?, format!("alert #{id}")),
        (None, true) => (store.requeue_dead()?, "dead deliveries".to_string()),
        _ => {
            eprintln!("error: give an alert id or --dead, e.g. `newswatch alerts retry 12`");
            return Ok(ExitCode::from(2));
        }
    };
    outln!(
        "queued {queued} deliveries ({what}); a running daemon sends them within seconds, or run `newswatch run --once`"
    );
    if queued == 0 && id.is_some() {
        eprintln!("nothing to queue: every delivery of the alert succeeded or was skipped");
    }
    Ok(ExitCode::SUCCESS)
}

pub(super) fn parse_since(text: &str) -> anyhow::Result<DateTime<Utc>> {
    let span = humantime::parse_duration(text).with_context(|| {
        format!("--since {text:?} is not a duration; write it like \"30m\", \"1h\" or \"2d\"")
    })?;
    let span = chrono::Duration::from_std(span).context("--since is too long")?;
    Ok(Utc::now() - span)
}
