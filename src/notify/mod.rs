//! Delivering alerts from the outbox (`deliveries` table) to the configured sinks.
//!
//! A delivery is marked done only after its sink succeeded; a failure is retried with
//! exponential backoff, and given up ("dead") after [`MAX_ATTEMPTS`]. This module decides
//! nothing about what matches.

mod log_sink;

use chrono::Utc;

use crate::config::{SinkKind, SinkSpec};
use crate::store::{PendingDelivery, Store, StoreError};

/// Attempts before a delivery is given up and marked dead.
pub const MAX_ATTEMPTS: u32 = 10;

/// Deliveries handled per batch, so one burst cannot hold the store for long.
const BATCH: usize = 200;

/// Why a sink could not deliver an alert.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The delivery names a sink that is no longer configured.
    #[error("sink {0:?} is not in the config any more; add it back or its alerts stay undelivered")]
    Unknown(String),
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Deliveries that succeeded.
    pub delivered: usize,
    /// Deliveries that failed (to be retried or given up).
    pub failed: usize,
}

/// Delivers due alerts to the configured sinks.
pub struct Notifier {
    sinks: Vec<SinkSpec>,
}

impl Notifier {
    /// A notifier for these sinks.
    pub fn new(sinks: Vec<SinkSpec>) -> Notifier {
        Notifier { sinks }
    }

    /// Delivers every due delivery, batch by batch, until none is due.
    pub fn deliver_due(&self, store: &mut Store) -> Result<DeliveryReport, StoreError> {
        let mut report = DeliveryReport::default();
        loop {
            let due = store.due_deliveries(Utc::now(), BATCH)?;
            if due.is_empty() {
                return Ok(report);
            }
            for delivery in &due {
                match self.send(delivery) {
                    Ok(()) => {
                        store.mark_delivered(delivery.alert_id, &delivery.sink)?;
                        report.delivered += 1;
                    }
                    Err(err) => {
                        let attempts = delivery.attempts + 1;
                        let retry_at = (attempts < MAX_ATTEMPTS).then(|| retry_time(attempts));
                        tracing::warn!(alert = delivery.alert_id, sink = %delivery.sink, error = %err, attempts, "delivery failed");
                        store.mark_failed(
                            delivery.alert_id,
                            &delivery.sink,
                            &err.to_string(),
                            retry_at,
                        )?;
                        report.failed += 1;
                    }
                }
            }
        }
    }

    fn send(&self, delivery: &PendingDelivery) -> Result<(), SinkError> {
        let sink = self
            .sinks
            .iter()
            .find(|s| s.name == delivery.sink)
            .ok_or_else(|| SinkError::Unknown(delivery.sink.clone()))?;
        match sink.kind {
            SinkKind::Log => log_sink::emit(delivery),
        }
        Ok(())
    }
}

/// When to retry after `attempts` failures: 30 s doubling per attempt, at most 6 hours.
fn retry_time(attempts: u32) -> chrono::DateTime<Utc> {
    let secs = (30u64 << attempts.min(10)).min(6 * 3600);
    Utc::now() + chrono::Duration::seconds(secs as i64)
}
