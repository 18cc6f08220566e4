//! Polls asked for by `newswatch poll SOURCE` while the daemon runs: the scheduler takes the
//! requests from the database about once a second, polls each source at once (or lets the
//! poll already under way answer), and writes each poll's outcome back on its request.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Daemon;
use crate::poll::{Pipeline, PollReport};
use crate::schedule::Slots;
use crate::store::PollAnswer;

/// How often the scheduler looks for requests.
const LOOK_EVERY: Duration = Duration::from_secs(1);

/// Requests taken and waiting for their source's poll to end.
pub(super) struct Requests {
    looked: Option<Instant>,
    /// Request ids by the index of the source they wait for.
    waiting: HashMap<usize, Vec<i64>>,
}

impl Requests {
    pub(super) fn new() -> Requests {
        Requests {
            looked: None,
            waiting: HashMap::new(),
        }
    }

    /// Takes new requests, if it is time to look; returns the indexes of the sources they
    /// name (each once). A request for a source this daemon does not poll is answered at once.
    pub(super) async fn take(&mut self, pipeline: &Pipeline, names: &[&str]) -> Vec<usize> {
        if self.looked.is_some_and(|at| at.elapsed() < LOOK_EVERY) {
            return Vec::new();
        }
        self.looked = Some(Instant::now());
        let taken = match pipeline.with_store(|s| s.take_poll_requests()).await {
            Ok(taken) => taken,
            Err(err) => {
                tracing::error!(error = %err, "cannot read poll requests");
                return Vec::new();
            }
        };
        let mut wanted = Vec::new();
        for (id, name) in taken {
            match names.iter().position(|n| *n == name) {
                Some(index) => {
                    tracing::info!(source = %name, request = id, "polling now, as asked");
                    self.waiting.entry(index).or_default().push(id);
                    if !wanted.contains(&index) {
                        wanted.push(index);
                    }
                }
                None => {
                    let answer = PollAnswer {
                        failed: true,
                        error: Some(format!(
                            "the running daemon does not poll a source {name:?}; if it was just added to the config, reload it first (systemctl reload newswatch)"
                        )),
                        ..PollAnswer::default()
                    };
                    answer_all(pipeline, vec![id], answer).await;
                }
            }
        }
        wanted
    }

    /// The poll of source `index` ended with `report` (`None`: its task crashed): answers
    /// every request waiting for it.
    pub(super) async fn answer(
        &mut self,
        pipeline: &Pipeline,
        index: usize,
        report: Option<&PollReport>,
    ) {
        let Some(ids) = self.waiting.remove(&index) else {
            return;
        };
        let answer = match report {
            Some(report) => answer_of(report),
            None => PollAnswer {
                failed: true,
                error: Some("the poll task crashed; the daemon's log has the details".into()),
                ..PollAnswer::default()
            },
        };
        answer_all(pipeline, ids, answer).await;
    }
}

impl Daemon {
    /// Takes `newswatch poll` requests: a requested source waiting in `queue` is moved to the
    /// slots at once; one already waiting for a slot or being polled answers with that poll.
    pub(super) async fn take_requests(
        &self,
        requests: &mut Requests,
        queue: &mut BinaryHeap<Reverse<(DateTime<Utc>, usize)>>,
        slots: &mut Slots,
    ) {
        let names: Vec<&str> = self.sources.iter().map(|s| s.spec.name.as_str()).collect();
        for index in requests.take(&self.pipeline, &names).await {
            if queue.iter().any(|Reverse((_, i))| *i == index) {
                queue.retain(|Reverse((_, i))| *i != index);
                slots.push(index, self.sources[index].host.clone());
            }
        }
    }
}

/// What a poll's report says, as a request's answer.
pub(super) fn answer_of(report: &PollReport) -> PollAnswer {
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    PollAnswer {
        stored: count(report.stored),
        linked: count(report.linked),
        alerts: count(report.alerts),
        failed: report.failed,
        deferred_until: report.deferred_until,
        error: None,
    }
}

async fn answer_all(pipeline: &Pipeline, ids: Vec<i64>, answer: PollAnswer) {
    let written = pipeline
        .with_store(move |s| {
            ids.iter()
                .try_for_each(|id| s.answer_poll_request(*id, &answer))
        })
        .await;
    if let Err(err) = written {
        tracing::error!(error = %err, "cannot answer a poll request");
    }
}
