//! The `log` sink: each alert becomes one structured tracing event (stderr, journald).

use super::message::Outgoing;
use crate::config::DisplayZone;

/// Emits `message` as INFO events with target `newswatch::alert`.
pub fn emit(sink: &str, message: &Outgoing<'_>, zone: &DisplayZone) {
    match message {
        Outgoing::Alert(delivery) => tracing::info!(
            target: "newswatch::alert",
            sink,
            alert = delivery.alert_id,
            rule = %delivery.rule_name,
            source = %delivery.source_name,
            title = delivery.title.as_deref().unwrap_or(""),
            url = %delivery.url,
            terms = %delivery.matched_terms.join(", "),
            snippet = %delivery.snippet,
            "alert"
        ),
        Outgoing::Summary(_) | Outgoing::Digest(_) | Outgoing::Test(_) => tracing::info!(
            target: "newswatch::alert",
            sink,
            text = %message.text(zone),
            "{}",
            message.headline()
        ),
    }
}
