//! `newswatch sinks test`: one made-up alert, marked as a test, sent through a sink's real
//! channel outside the outbox. Nothing is read from or written to the database, so the
//! daemon has nothing to deliver again.

use chrono::Utc;

use crate::config::{DisplayZone, SinkSpec};
use crate::store::{PendingDelivery, db_time};
use crate::tls::Tls;

use super::message::Outgoing;
use super::{NotifyError, channel::Channel, http_client};

/// Why a test message did not go out.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// The sink could not be prepared (secret unreadable, bad settings).
    #[error(transparent)]
    Setup(#[from] NotifyError),
    /// The channel refused or failed the send; the message names the sink and what to do.
    #[error("{0}")]
    Send(String),
}

/// Sends a test message through `spec`'s channel, whatever its mode (a digest sink gets it
/// at once too), and waits for the outcome.
/// Its text shows times in `zone`.
pub async fn send_test(
    spec: &SinkSpec,
    user_agent: &str,
    zone: DisplayZone,
) -> Result<(), ProbeError> {
    let tls = Tls::new().map_err(NotifyError::from)?;
    let http = http_client(user_agent, &tls).map_err(NotifyError::from)?;
    let channel = Channel::new(spec, &http, zone)?;
    let row = test_alert(&spec.name);
    channel
        .send(&spec.name, &Outgoing::Test(&row))
        .await
        .map_err(|err| ProbeError::Send(err.message))
}

/// The made-up alert: ids 0, a title and snippet that say what it is.
fn test_alert(sink: &str) -> PendingDelivery {
    let now = db_time(Utc::now());
    PendingDelivery {
        alert_id: 0,
        sink: sink.to_string(),
        attempts: 0,
        rule_name: "newswatch-test".into(),
        article_id: 0,
        title: Some(format!("Test message for sink {sink}: it works")),
        // RFC 2606 reserves `.invalid`: the link cannot lead anywhere by accident.
        url: "https://newswatch.invalid/sinks-test".into(),
        source_name: "newswatch sinks test".into(),
        published_at: Some(now.clone()),
        matched_terms: vec!["test".into()],
        snippet: format!(
            "This **test** message was sent by `newswatch sinks test {sink}`; no article matched and no alert was raised."
        ),
        created_at: now,
    }
}
