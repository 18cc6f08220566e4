//! Operational metrics and the health check, served on `[metrics] listen` as `GET /metrics`
//! (Prometheus/OpenMetrics text) and `GET /health`.
//!
//! Counters live in one process-wide registry ([`prometheus_client`]) and are bumped by
//! one-line hooks where things happen (a poll ends, a page fails, an alert is written, a
//! delivery is recorded), so they count whether or not anything serves them, and survive a
//! reload. Gauges about the database (outbox, failing sources, last success, file size) are
//! read at scrape time from a read-only connection of their own, so a scrape never waits for
//! nor blocks the writer. docs/operations.md lists every metric.

mod gauges;
mod health;
mod server;

use std::sync::LazyLock;
use std::time::Duration;

use prometheus_client::encoding::text::encode_registry;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::store::DeliveryOutcome;

pub use health::watch_scheduler;
pub use server::{MetricsServer, ServeError};

/// A metric's labels, in the order they are written.
type Labels = Vec<(&'static str, String)>;

/// Upper bounds of the fetch latency buckets, in seconds: from a fast local answer to the
/// longest `[fetch] timeout` worth telling apart.
const FETCH_BUCKETS: [f64; 11] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0, 30.0, 60.0];

/// The process-wide counters.
struct Counters {
    registry: Registry,
    polls: Family<Labels, Counter>,
    fetch_seconds: Family<Labels, Histogram>,
    articles: Family<Labels, Counter>,
    extraction_failures: Family<Labels, Counter>,
    alerts: Family<Labels, Counter>,
    deliveries: Family<Labels, Counter>,
}

static COUNTERS: LazyLock<Counters> = LazyLock::new(Counters::new);

impl Counters {
    fn new() -> Counters {
        let mut registry = Registry::with_prefix("newswatch");
        let polls = Family::default();
        registry.register(
            "polls",
            "Polls of sources by outcome (ok, failed, deferred, crashed) and failure kind",
            polls.clone(),
        );
        let fetch_seconds =
            Family::<Labels, Histogram>::new_with_constructor(|| Histogram::new(FETCH_BUCKETS));
        registry.register(
            "fetch_duration_seconds",
            "Time to fetch a source's document or an article page, failures included",
            fetch_seconds.clone(),
        );
        let articles = Family::default();
        registry.register(
            "articles",
            "Feed items stored as new articles or linked to an article already stored",
            articles.clone(),
        );
        let extraction_failures = Family::default();
        registry.register(
            "extraction_failures",
            "Article pages whose text could not be used, by reason",
            extraction_failures.clone(),
        );
        let alerts = Family::default();
        registry.register("alerts", "Alerts written, by rule", alerts.clone());
        let deliveries = Family::default();
        registry.register(
            "deliveries",
            "Delivery outcomes recorded, by sink and outcome",
            deliveries.clone(),
        );
        Counters {
            registry,
            polls,
            fetch_seconds,
            articles,
            extraction_failures,
            alerts,
            deliveries,
        }
    }
}

/// A poll ended: `outcome` is `ok`, `failed`, `deferred` or `crashed`; `failure` the failure kind
/// (`network`, `timeout`, … as `newswatch sources` shows it) of a failed poll.
pub fn poll_done(outcome: &'static str, failure: Option<&'static str>) {
    let mut labels = vec![("outcome", outcome.to_string())];
    if let Some(failure) = failure {
        labels.push(("failure", failure.to_string()));
    }
    COUNTERS.polls.get_or_create(&labels).inc();
}

/// What a fetch was for: a source's own document or an article page.
#[derive(Debug, Clone, Copy)]
pub enum Fetched {
    /// The feed, listing, sitemap or channel page a source names.
    Source,
    /// An item's article page.
    Page,
}

/// A fetch took `elapsed`, whatever its outcome.
pub fn fetched(what: Fetched, elapsed: Duration) {
    let target = match what {
        Fetched::Source => "source",
        Fetched::Page => "page",
    };
    COUNTERS
        .fetch_seconds
        .get_or_create(&vec![("target", target.to_string())])
        .observe(elapsed.as_secs_f64());
}

/// A poll stored `stored` new articles and linked `linked` items to stored ones.
pub fn articles(stored: usize, linked: usize) {
    for (outcome, n) in [("stored", stored), ("linked", linked)] {
        COUNTERS
            .articles
            .get_or_create(&vec![("outcome", outcome.to_string())])
            .inc_by(n as u64);
    }
}

/// An article page's text could not be used, for `reason` (a page error's kind).
pub fn extraction_failed(reason: &str) {
    COUNTERS
        .extraction_failures
        .get_or_create(&vec![("reason", reason.to_string())])
        .inc();
}

/// An alert of `rule` was written.
pub fn alert_written(rule: &str) {
    COUNTERS
        .alerts
        .get_or_create(&vec![("rule", rule.to_string())])
        .inc();
}

/// Deliveries to `sink` were recorded with these outcomes.
pub fn deliveries_recorded(sink: &str, outcomes: &[(i64, DeliveryOutcome)]) {
    for (_, outcome) in outcomes {
        delivery_recorded(sink, delivery_word(outcome));
    }
}

/// The `outcome` label of a recorded delivery: the state it leaves the delivery in.
fn delivery_word(outcome: &DeliveryOutcome) -> &'static str {
    match outcome {
        DeliveryOutcome::Delivered(_) => "delivered",
        DeliveryOutcome::Failed {
            retry_at: Some(_), ..
        } => "retrying",
        DeliveryOutcome::Failed { retry_at: None, .. } => "dead",
        DeliveryOutcome::Skipped => "skipped",
    }
}

fn delivery_recorded(sink: &str, outcome: &'static str) {
    COUNTERS
        .deliveries
        .get_or_create(&vec![
            ("sink", sink.to_string()),
            ("outcome", outcome.to_string()),
        ])
        .inc();
}

/// The counters in the text exposition format, without the closing `# EOF`.
fn render_counters(out: &mut String) -> std::fmt::Result {
    encode_registry(out, &COUNTERS.registry)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hooks_show_up_in_the_exposition_with_their_labels() {
        poll_done("failed", Some("timeout"));
        fetched(Fetched::Page, Duration::from_millis(300));
        alert_written("rallies");
        delivery_recorded("log", "delivered");
        let mut text = String::new();
        render_counters(&mut text).unwrap();
        assert!(
            text.contains("newswatch_polls_total{outcome=\"failed\",failure=\"timeout\"}"),
            "{text}"
        );
        assert!(
            text.contains("newswatch_fetch_duration_seconds_bucket{le=\"0.5\",target=\"page\"}")
                || text.contains(
                    "newswatch_fetch_duration_seconds_bucket{target=\"page\",le=\"0.5\"}"
                ),
            "{text}"
        );
        assert!(
            text.contains("newswatch_alerts_total{rule=\"rallies\"}"),
            "{text}"
        );
        assert!(
            text.contains("newswatch_deliveries_total{sink=\"log\",outcome=\"delivered\"}"),
            "{text}"
        );
    }
}
