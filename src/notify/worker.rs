//! One sink's delivery loop: read due deliveries, apply the sink's filter, rate limit or
//! digest schedule, send without holding the store, record each outcome at once.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio_util::sync::CancellationToken;

use crate::config::{DeliveryMode, DigestSchedule, SinkSpec};
use crate::store::{DeliveredVia, DeliveryOutcome, PendingDelivery, StoreError};

use super::DeliveryReport;
use super::channel::{Channel, Scope};
use super::message::Outgoing;
use super::timing::{RateWindow, next_digest, pause, retry_at};
use crate::store::SharedStore;

/// How often a sink looks for due deliveries.
const TICK: Duration = Duration::from_secs(1);
/// Deliveries read at a time, so one burst cannot hold the store for long.
const BATCH: usize = 100;
/// Batches per pass, so a pass ends and shutdown is noticed even under a flood.
const MAX_BATCHES: usize = 20;
/// Alerts listed in one digest; the rest go out in the next one right after.
const DIGEST_MAX: usize = 1000;
/// Time the final pass at shutdown may start new sends; what is left goes at the next start.
const FINAL_PASS: Duration = Duration::from_secs(20);

/// What became of one send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// Delivered and recorded.
    Delivered,
    /// This message was refused; the sink may take others.
    Refused,
    /// The sink is down or asked us to wait: it is paused.
    Paused,
}

/// One sink's delivery state.
pub struct Worker {
    spec: SinkSpec,
    channel: Channel,
    outbox: SharedStore,
    /// The rate-limit window, read from the store on the first pass.
    window: Option<RateWindow>,
    paused_until: Option<DateTime<Utc>>,
    /// Sink-wide failures since the last success.
    outage: u32,
    /// Earliest retry of the last failed send, when one is left.
    last_retry: Option<DateTime<Utc>>,
    /// Fires at shutdown: a pass then stops between sends.
    stop: CancellationToken,
    /// End of the final pass at shutdown, once it began.
    final_deadline: Option<Instant>,
    report: DeliveryReport,
}

impl Worker {
    /// A worker for `spec`, sending through `channel`.
    pub fn new(spec: SinkSpec, channel: Channel, outbox: SharedStore) -> Worker {
        Worker {
            spec,
            channel,
            outbox,
            window: None,
            paused_until: None,
            outage: 0,
            last_retry: None,
            stop: CancellationToken::new(),
            final_deadline: None,
            report: DeliveryReport::default(),
        }
    }

    /// Delivers every tick until `stop`, then makes a final bounded pass.
    pub async fn run(mut self, stop: CancellationToken) -> DeliveryReport {
        self.stop = stop.clone();
        loop {
            self.pass().await;
            tokio::select! {
                () = stop.cancelled() => break,
                () = tokio::time::sleep(TICK) => {}
            }
        }
        self.final_deadline = Some(Instant::now() + FINAL_PASS);
        // Sends stop at FINAL_PASS; the cap beyond it only cuts a send that hangs past its
        // own timeout, the one case where an alert may go out twice.
        let cap = FINAL_PASS + self.spec.timeout + Duration::from_secs(5);
        if tokio::time::timeout(cap, self.pass()).await.is_err() {
            tracing::warn!(sink = %self.spec.name, "final delivery pass cut short at shutdown; the rest is sent at the next start");
        }
        self.report
    }

    /// Whether to stop between sends: at shutdown, or when the final pass is over time.
    fn must_yield(&self) -> bool {
        match self.final_deadline {
            Some(deadline) => Instant::now() >= deadline,
            None => self.stop.is_cancelled(),
        }
    }

    async fn pass(&mut self) {
        let result = match self.spec.mode.clone() {
            DeliveryMode::Immediate { .. } => self.immediate().await,
            DeliveryMode::Digest(schedule) => self.digest(&schedule).await,
        };
        if let Err(err) = result {
            tracing::error!(sink = %self.spec.name, error = %err, "delivery pass failed; retrying in a moment");
        }
    }

    /// One message per alert; past the rate limit, one summary for the overflow.
    async fn immediate(&mut self) -> Result<(), StoreError> {
        for _ in 0..MAX_BATCHES {
            let now = Utc::now();
            if self.must_yield() || self.paused_until.is_some_and(|until| until > now) {
                return Ok(());
            }
            let (rows, full) = self.due(now, BATCH).await?;
            let quota = match self.window().await? {
                Some(window) => window.remaining(now) as usize,
                None => usize::MAX,
            };
            if rows.is_empty() || quota == 0 {
                return Ok(());
            }
            let (single, rest) = rows.split_at(if rows.len() > quota {
                quota - 1
            } else {
                rows.len()
            });
            for row in single {
                if self.must_yield() {
                    return Ok(());
                }
                let message = Outgoing::Alert(row);
                if self
                    .send(message, std::slice::from_ref(row), DeliveredVia::Message)
                    .await?
                    == Sent::Paused
                {
                    return Ok(());
                }
            }
            if !rest.is_empty()
                && self
                    .send(Outgoing::Summary(rest), rest, DeliveredVia::Summary)
                    .await?
                    == Sent::Paused
            {
                return Ok(());
            }
            if !full {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The period's alerts in one message, when the sink's digest is due.
    async fn digest(&mut self, schedule: &DigestSchedule) -> Result<(), StoreError> {
        let now = Utc::now();
        let sink = self.spec.name.clone();
        let next = self.outbox.run(move |s| s.sink_state(&sink)).await?;
        let next = next.next_digest_at;
        let after = match next {
            None => next_digest(schedule, now),
            Some(at) if at > now => return Ok(()),
            Some(_) => {
                let (rows, full) = self.due(now, DIGEST_MAX).await?;
                let sent = match rows.is_empty() {
                    true => Sent::Delivered,
                    false => {
                        self.send(Outgoing::Digest(&rows), &rows, DeliveredVia::Digest)
                            .await?
                    }
                };
                match (sent, full) {
                    (Sent::Delivered, true) => now,
                    (Sent::Delivered, false) => next_digest(schedule, now),
                    _ => self
                        .last_retry
                        .unwrap_or_else(|| next_digest(schedule, now)),
                }
            }
        };
        let sink = self.spec.name.clone();
        self.outbox
            .run(move |s| s.set_next_digest_at(&sink, after))
            .await
    }

    /// The sink's rate-limit window, if it has a limit; resumed from the store the first time.
    async fn window(&mut self) -> Result<Option<&mut RateWindow>, StoreError> {
        let DeliveryMode::Immediate {
            rate_limit: Some(limit),
        } = self.spec.mode
        else {
            return Ok(None);
        };
        if self.window.is_none() {
            let sink = self.spec.name.clone();
            let state = self.outbox.run(move |s| s.sink_state(&sink)).await?;
            let started = state.window_started_at.unwrap_or_else(Utc::now);
            self.window = Some(RateWindow::resume(limit, started, state.window_messages));
        }
        Ok(self.window.as_mut())
    }

    /// Due deliveries this sink accepts; the ones its filter declines are marked skipped.
    async fn due(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<(Vec<PendingDelivery>, bool), StoreError> {
        let sink = self.spec.name.clone();
        let rows = self
            .outbox
            .run(move |s| s.due_deliveries(&sink, now, limit))
            .await?;
        let full = rows.len() == limit;
        let (keep, skip): (Vec<_>, Vec<_>) = rows
            .into_iter()
            .partition(|r| self.spec.filter.accepts(&r.rule_name, &r.source_name));
        if !skip.is_empty() {
            let outcomes: Vec<_> = skip
                .iter()
                .map(|r| (r.alert_id, DeliveryOutcome::Skipped))
                .collect();
            self.record(outcomes).await?;
        }
        Ok((keep, full))
    }

    /// Sends one message covering `rows` and records the outcome for each of them.
    async fn send(
        &mut self,
        message: Outgoing<'_>,
        rows: &[PendingDelivery],
        via: DeliveredVia,
    ) -> Result<Sent, StoreError> {
        let result = self.channel.send(&self.spec.name, &message).await;
        let now = Utc::now();
        let (outcomes, sent): (Vec<_>, Sent) = match result {
            Ok(()) => {
                if let Some(window) = &mut self.window {
                    window.count();
                }
                self.outage = 0;
                self.report.delivered += rows.len();
                let done = rows
                    .iter()
                    .map(|r| (r.alert_id, DeliveryOutcome::Delivered(via)));
                (done.collect(), Sent::Delivered)
            }
            Err(err) => {
                self.report.failed += rows.len();
                let failed: Vec<_> = rows
                    .iter()
                    .map(|r| {
                        let retry =
                            retry_at(&self.spec.retry, r.attempts + 1, err.retry_after, now);
                        (r.alert_id, retry)
                    })
                    .collect();
                tracing::warn!(sink = %self.spec.name, alerts = rows.len(), error = %err.message,
                    dead = failed.iter().filter(|(_, r)| r.is_none()).count(), "delivery failed");
                let earliest = failed.iter().filter_map(|(_, r)| *r).min();
                self.last_retry = earliest;
                let sent = if err.scope == Scope::Sink || err.retry_after.is_some() {
                    // The pause grows with the outage, not with one row's attempts, so a
                    // long outage is probed ever more rarely whichever row goes first.
                    self.outage += 1;
                    let wait = pause(&self.spec.retry, self.outage, err.retry_after);
                    self.paused_until = Some(now + wait);
                    Sent::Paused
                } else {
                    Sent::Refused
                };
                let outcomes = failed
                    .into_iter()
                    .map(|(id, retry_at)| {
                        (
                            id,
                            DeliveryOutcome::Failed {
                                error: err.message.clone(),
                                retry_at,
                            },
                        )
                    })
                    .collect();
                (outcomes, sent)
            }
        };
        // The outcome first: it is what a crash must not lose.
        self.record(outcomes).await?;
        if let (Sent::Delivered, Some(window)) = (sent, &self.window) {
            let (started, messages) = window.state();
            let sink = self.spec.name.clone();
            self.outbox
                .run(move |s| s.set_rate_window(&sink, started, messages))
                .await?;
        }
        Ok(sent)
    }

    async fn record(&self, outcomes: Vec<(i64, DeliveryOutcome)>) -> Result<(), StoreError> {
        let sink = self.spec.name.clone();
        let recorded = self
            .outbox
            .run(move |s| s.record_deliveries(&sink, &outcomes).map(|()| outcomes))
            .await?;
        crate::metrics::deliveries_recorded(&self.spec.name, &recorded);
        Ok(())
    }
}
