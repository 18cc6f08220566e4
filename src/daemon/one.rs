//! One source polled now, in this process, when no daemon runs (`newswatch poll SOURCE`): the
//! same pipeline and delivery as `run --once`, for one source.

use tokio_util::sync::CancellationToken;

use super::requests::answer_of;
use super::{DaemonError, Prepared, sync_sources};
use crate::store::PollAnswer;

/// What polling one source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnePoll {
    /// The poll's outcome; a failed poll carries the source's recorded error.
    pub answer: PollAnswer,
    /// Deliveries made after it (its alerts, and any others that were due).
    pub delivered: usize,
}

/// Polls source `name` of `prepared` once and delivers; `None` when the config has no such
/// source. The caller holds the daemon lock.
pub async fn poll_one(
    prepared: Prepared,
    name: &str,
    cancel: CancellationToken,
) -> Result<Option<OnePoll>, DaemonError> {
    let Prepared {
        pipeline,
        notifier,
        specs,
        ..
    } = prepared;
    let sources = sync_sources(&pipeline, specs).await?;
    let Some(source) = sources.into_iter().find(|s| s.spec.name == name) else {
        return Ok(None);
    };
    let stop_delivery = CancellationToken::new();
    let delivering = notifier.spawn(stop_delivery.clone());
    let report = pipeline.poll(&source.spec, &source.state, &cancel).await;
    let mut answer = answer_of(&report);
    if answer.failed {
        let name = name.to_string();
        answer.error = pipeline.with_store(move |s| s.source_error(&name)).await?;
    }
    stop_delivery.cancel();
    let delivered = delivering.finish().await.delivered;
    Ok(Some(OnePoll { answer, delivered }))
}
