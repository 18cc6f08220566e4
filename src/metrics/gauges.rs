//! The gauges read at scrape time: the outbox, the sources' health and the database's size.
//!
//! Each comes from one query over a small set of rows, on a read-only connection the
//! endpoint keeps for itself (WAL readers neither wait for nor block the writer). They are
//! built into a fresh registry per scrape, so a sink or source removed by a reload leaves no
//! stale series behind.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;

use chrono::Utc;
use prometheus_client::encoding::text::encode_registry;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;

use super::Labels;
use crate::store::{Store, StoreError};

/// A gauge of seconds (ages, timestamps).
type Seconds = Gauge<f64, AtomicU64>;

/// Renders the database gauges of `database`, read through `reader` (opened on first use).
pub(super) fn render(
    out: &mut String,
    database: &Path,
    reader: &mut Option<Store>,
    sinks: &[String],
) -> Result<(), StoreError> {
    let store = match reader {
        Some(store) => store,
        None => reader.insert(Store::open_read_only(database)?),
    };
    let registry = read(store, database, sinks)?;
    encode_registry(out, &registry).map_err(|err| StoreError::Task(err.to_string()))
}

fn read(store: &Store, database: &Path, sinks: &[String]) -> Result<Registry, StoreError> {
    let now = Utc::now();
    let mut registry = Registry::with_prefix("newswatch");

    let waiting = Family::<Labels, Gauge>::default();
    let oldest = Family::<Labels, Seconds>::default();
    for sink in sinks {
        waiting.get_or_create(&sink_label(sink)).set(0);
        oldest.get_or_create(&sink_label(sink)).set(0.0);
    }
    for row in store.outbox_depth()? {
        let labels = sink_label(&row.sink);
        waiting.get_or_create(&labels).set(row.waiting);
        let age = row.oldest.map_or(0.0, |at| seconds(now - at).max(0.0));
        oldest.get_or_create(&labels).set(age);
    }
    registry.register(
        "outbox_deliveries",
        "Deliveries waiting (pending or retrying), by sink",
        waiting,
    );
    registry.register(
        "outbox_oldest_age_seconds",
        "Age of the oldest alert still waiting for a sink (0 when none waits)",
        oldest,
    );

    let sources = Family::<Labels, Gauge>::default();
    let last_success = Family::<Labels, Seconds>::default();
    let mut newest = None;
    for state in ["ok", "failing"] {
        sources
            .get_or_create(&vec![("state", state.to_string())])
            .set(0);
    }
    for source in store.source_health()? {
        let state = if source.failing { "failing" } else { "ok" };
        sources
            .get_or_create(&vec![("state", state.to_string())])
            .inc();
        if let Some(at) = source.last_success {
            newest = newest.max(Some(at));
            last_success
                .get_or_create(&vec![("source", source.name)])
                .set(at.timestamp() as f64);
        }
    }
    registry.register(
        "sources",
        "Configured sources whose last poll succeeded (ok) or failed (failing)",
        sources,
    );
    registry.register(
        "source_last_success_timestamp_seconds",
        "Unix time of each source's last successful poll (absent before its first)",
        last_success,
    );
    let latest = Seconds::default();
    latest.set(newest.map_or(0.0, |at| at.timestamp() as f64));
    registry.register(
        "last_successful_poll_timestamp_seconds",
        "Unix time of the last successful poll of any source (0 before the first)",
        latest,
    );

    let size = Family::<Labels, Gauge>::default();
    for (file, path) in [("database", database.to_path_buf()), ("wal", wal(database))] {
        let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
        size.get_or_create(&vec![("file", file.to_string())])
            .set(i64::try_from(bytes).unwrap_or(i64::MAX));
    }
    registry.register(
        "database_size_bytes",
        "Size of the database file and of its write-ahead log",
        size,
    );
    Ok(registry)
}

fn sink_label(sink: &str) -> Labels {
    vec![("sink", sink.to_string())]
}

fn seconds(span: chrono::TimeDelta) -> f64 {
    span.num_milliseconds() as f64 / 1000.0
}

/// The write-ahead log beside `database`.
fn wal(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-wal");
    PathBuf::from(name)
}
