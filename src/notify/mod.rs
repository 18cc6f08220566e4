//! Delivering alerts from the outbox (`deliveries` table) to the configured sinks: webhook,
//! Telegram, e-mail, command and log.
//!
//! Each sink has its own task, so a slow or broken sink never delays another. A task reads
//! its due deliveries through the store (the single writer) but never holds the store while
//! sending; it records each outcome right after the send, so a crash re-sends at most the
//! messages in flight and loses none. Failures are retried with exponential backoff and
//! jitter (honouring `Retry-After`) until the sink's `max_attempts`, then marked dead. A sink
//! may rate-limit (the overflow goes out as one summary) or send periodic digests instead.
//! This module decides nothing about what matches.

mod channel;
mod command;
mod email;
mod log_sink;
mod message;
mod probe;
mod telegram;
mod timing;
mod webhook;
mod worker;

use std::time::Duration;

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::config::{DisplayZone, SinkSpec};
use crate::fetch::error_chain;
use crate::store::SharedStore;
use crate::tls::{Tls, TlsError};
pub use probe::{ProbeError, send_test};

/// Connection set-up limit for HTTP sinks; each sink's `timeout` caps the whole request.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Why the notifier could not start.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// A secret (token, password, HMAC key) could not be read.
    #[error("sink {sink:?}: cannot read its secret: {reason}")]
    Secret {
        /// The sink's name.
        sink: String,
        /// What went wrong and what to do.
        reason: String,
    },
    /// A sink's client could not be set up.
    #[error("sink {sink:?}: {reason}; fix the [[sink]] settings")]
    Setup {
        /// The sink's name.
        sink: String,
        /// What went wrong.
        reason: String,
    },
    /// The HTTP client shared by webhook and Telegram sinks could not be built (the message
    /// carries reqwest's causes, so no source is named).
    #[error("cannot build the HTTP client for sinks: {}", error_chain(.0))]
    Client(reqwest::Error),
    /// TLS could not be set up for the sinks (`sinks test` sets up its own).
    #[error(transparent)]
    Tls(#[from] TlsError),
}

impl From<reqwest::Error> for NotifyError {
    fn from(err: reqwest::Error) -> NotifyError {
        NotifyError::Client(err)
    }
}

/// What delivery did over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryReport {
    /// Alerts delivered (alone, in a summary or in a digest).
    pub delivered: usize,
    /// Failed attempts (to be retried or given up).
    pub failed: usize,
}

impl DeliveryReport {
    fn add(&mut self, other: DeliveryReport) {
        self.delivered += other.delivered;
        self.failed += other.failed;
    }
}

/// Delivers due alerts to the configured sinks.
pub struct Notifier {
    workers: Vec<worker::Worker>,
}

impl Notifier {
    /// Prepares every sink: reads secrets, builds clients (HTTPS through `tls`, which reads
    /// the trust store only when a sink first needs it). Fails naming the sink at fault.
    /// Message texts show times in `zone`.
    pub fn new(
        sinks: &[SinkSpec],
        user_agent: &str,
        zone: DisplayZone,
        store: SharedStore,
        tls: &Tls,
    ) -> Result<Notifier, NotifyError> {
        let http = http_client(user_agent, tls)?;
        let workers = sinks
            .iter()
            .map(|spec| {
                let channel = channel::Channel::new(spec, &http, zone)?;
                tracing::debug!(sink = %spec.name, kind = spec.kind.word(), mode = ?spec.mode, "sink ready");
                Ok(worker::Worker::new(spec.clone(), channel, store.clone()))
            })
            .collect::<Result<_, NotifyError>>()?;
        Ok(Notifier { workers })
    }

    /// Prepares every sink as [`Notifier::new`] does (secrets read, clients built) but keeps
    /// nothing and returns every problem, not only the first: `check-config` and reloads use it.
    pub fn check(sinks: &[SinkSpec], user_agent: &str, tls: &Tls) -> Vec<NotifyError> {
        let http = match http_client(user_agent, tls) {
            Ok(http) => http,
            Err(err) => return vec![err.into()],
        };
        sinks
            .iter()
            .filter_map(|spec| channel::Channel::new(spec, &http, DisplayZone::default()).err())
            .collect()
    }

    /// Starts one delivery task per sink. Each delivers due alerts about every second until
    /// `stop` is cancelled, then makes one last bounded pass (alerts stored meanwhile go out
    /// too) and ends.
    pub fn spawn(self, stop: CancellationToken) -> Delivering {
        let mut tasks = JoinSet::new();
        for worker in self.workers {
            tasks.spawn(worker.run(stop.clone()));
        }
        Delivering { tasks }
    }
}

/// The HTTP client shared by webhook and Telegram sinks.
fn http_client(user_agent: &str, tls: &Tls) -> Result<reqwest::Client, reqwest::Error> {
    tls.configure(reqwest::Client::builder())
        .user_agent(user_agent)
        .connect_timeout(CONNECT_TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// The running delivery tasks.
pub struct Delivering {
    tasks: JoinSet<DeliveryReport>,
}

impl Delivering {
    /// Waits for every task to end (after the `stop` token given to [`Notifier::spawn`]).
    pub async fn finish(mut self) -> DeliveryReport {
        let mut report = DeliveryReport::default();
        while let Some(done) = self.tasks.join_next().await {
            match done {
                Ok(r) => report.add(r),
                Err(err) => {
                    tracing::error!(error = %err, "a delivery task crashed; its alerts stay queued")
                }
            }
        }
        report
    }
}
