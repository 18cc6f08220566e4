//! The `log` sink: each alert becomes one structured tracing event (stderr, journald).

use crate::store::PendingDelivery;

/// Emits `delivery` as an INFO event with target `newswatch::alert`.
pub fn emit(delivery: &PendingDelivery) {
    tracing::info!(
        target: "newswatch::alert",
        alert = delivery.alert_id,
        rule = %delivery.rule_name,
        source = %delivery.source_name,
        title = delivery.title.as_deref().unwrap_or(""),
        url = %delivery.url,
        terms = %delivery.matched_terms.join(", "),
        snippet = %delivery.snippet,
        "alert"
    );
}
