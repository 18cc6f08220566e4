//! The `[[sink]]` tables: where alerts go, which alerts, how often and how they are retried.
//!
//! Only the model and its validation live here; resolving secrets (environment, files) is I/O
//! and happens in `notify` when the daemon starts.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

/// One alert destination (`[[sink]]`).
#[derive(Debug, Clone)]
pub struct SinkSpec {
    /// Unique name, used as the delivery key in the database.
    pub name: String,
    /// The channel and its settings.
    pub kind: SinkKind,
    /// Which alerts this sink receives.
    pub filter: SinkFilter,
    /// One message per alert (optionally rate limited), or periodic digests.
    pub mode: DeliveryMode,
    /// How failed deliveries are retried.
    pub retry: RetryPolicy,
    /// Cap on one send (HTTP request, SMTP session, command run).
    pub timeout: Duration,
}

/// The kinds of alert channel, with their settings.
#[derive(Debug, Clone)]
pub enum SinkKind {
    /// Emit the alert through tracing (stderr, journald).
    Log,
    /// JSON POST to a URL.
    Webhook(WebhookSpec),
    /// Telegram Bot API `sendMessage`.
    Telegram(TelegramSpec),
    /// E-mail over SMTP.
    Email(EmailSpec),
    /// A program run with the alert as JSON on stdin.
    Command(CommandSpec),
}

impl SinkKind {
    /// The `kind = …` word for this kind.
    pub fn word(&self) -> &'static str {
        match self {
            SinkKind::Log => "log",
            SinkKind::Webhook(_) => "webhook",
            SinkKind::Telegram(_) => "telegram",
            SinkKind::Email(_) => "email",
            SinkKind::Command(_) => "command",
        }
    }
}

/// `kind = "webhook"`.
#[derive(Debug, Clone)]
pub struct WebhookSpec {
    /// Where the JSON is POSTed.
    pub url: Url,
    /// Shared secret for the `X-Newswatch-Signature` HMAC-SHA256 header.
    pub secret: Option<Secret>,
    /// Extra request headers (e.g. an `Authorization` the receiver wants).
    pub headers: BTreeMap<String, String>,
}

/// `kind = "telegram"`.
#[derive(Debug, Clone)]
pub struct TelegramSpec {
    /// Bot API base URL: `https://api.telegram.org` or a self-hosted Bot API server.
    pub api_url: Url,
    /// The bot token.
    pub token: Secret,
    /// Chat id (`-100…` for channels and groups) or `@channelname`.
    pub chat_id: String,
}

/// `kind = "email"`.
#[derive(Debug, Clone)]
pub struct EmailSpec {
    /// SMTP relay host name.
    pub host: String,
    /// SMTP port (defaults by `tls`: 587, 465, 25).
    pub port: u16,
    /// How the SMTP connection is protected.
    pub tls: SmtpTls,
    /// SMTP login, when the relay needs one.
    pub username: Option<String>,
    /// SMTP password (required with `username`).
    pub password: Option<Secret>,
    /// The `From` address.
    pub from: String,
    /// Recipients.
    pub to: Vec<String>,
}

/// SMTP connection security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (required, not opportunistic).
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or a test listener.
    None,
}

/// `kind = "command"`.
#[derive(Debug, Clone)]
pub struct CommandSpec {
    /// Program and arguments, exactly as configured; never passed through a shell.
    pub argv: Vec<String>,
}

/// A secret value and where it comes from, so the config file itself can be world-readable.
#[derive(Clone, PartialEq, Eq)]
pub enum Secret {
    /// Written in the config file.
    Inline(String),
    /// Read from this environment variable at start.
    Env(String),
    /// Read from this file at start (trailing newline removed).
    File(PathBuf),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Secret::Inline(_) => f.write_str("Inline(<redacted>)"),
            Secret::Env(name) => write!(f, "Env({name:?})"),
            Secret::File(path) => write!(f, "File({path:?})"),
        }
    }
}

/// Which alerts a sink receives; an empty list means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SinkFilter {
    /// Rule names.
    pub rules: Vec<String>,
    /// Source names (the source that first delivered the article).
    pub sources: Vec<String>,
}

impl SinkFilter {
    /// Whether an alert of `rule` on an article from `source` goes to this sink.
    pub fn accepts(&self, rule: &str, source: &str) -> bool {
        (self.rules.is_empty() || self.rules.iter().any(|r| r == rule))
            && (self.sources.is_empty() || self.sources.iter().any(|s| s == source))
    }
}

/// How alerts leave a sink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryMode {
    /// One message per alert; past the rate limit, one summary message instead of the rest.
    Immediate {
        /// At most this many messages per window.
        rate_limit: Option<RateLimit>,
    },
    /// One message per period listing its alerts grouped by rule.
    Digest(DigestSchedule),
}

/// `rate_limit = "COUNT/WINDOW"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Messages allowed per window, the summary included.
    pub messages: u32,
    /// The window.
    pub per: Duration,
}

/// When digests go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestSchedule {
    /// `every = "1h"`: at this interval.
    Every(Duration),
    /// `at = "08:00+05:00"`: daily at this time of day, in this UTC offset.
    Daily {
        /// Time of day.
        time: chrono::NaiveTime,
        /// UTC offset of `time`.
        offset: chrono::FixedOffset,
    },
}

/// Retries of a failed delivery: exponential backoff with ±20% jitter, then "dead".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts before a delivery is marked dead.
    pub max_attempts: u32,
    /// Wait after the first failure; doubles per failure.
    pub backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}
