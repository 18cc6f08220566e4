//! The configuration file: TOML model, defaults and validation.
//!
//! Loading happens in two layers. `raw` mirrors the file with byte spans kept on every value a
//! user may get wrong; `validate` turns it into the typed [`Config`] the daemon runs on, and
//! reports every problem with its line and column. This module reads the file (size-capped, see
//! [`crate::files`]) and nothing else.

mod display;
mod kind;
mod log;
mod raw;
mod sink;
mod validate;

use std::path::{Path, PathBuf};
use std::time::Duration;

use url::Url;

use crate::extract::SiteRule;
use crate::files::{MAX_CONFIG_BYTES, ReadError, read_text_capped};
use crate::watch::{Query, RuleScope};

pub use display::DisplayZone;
pub use kind::{PageSettings, SourceKind};
pub use log::LogFormat;
pub use sink::{
    CommandSpec, DeliveryMode, DigestSchedule, EmailSpec, RateLimit, RetryPolicy, Secret,
    SinkFilter, SinkKind, SinkSpec, SmtpTls, TelegramSpec, WebhookSpec,
};

/// A validated configuration, ready to run.
#[derive(Debug)]
pub struct Config {
    /// The file it was loaded from.
    pub path: PathBuf,
    /// The SQLite database file, resolved against the config file's folder.
    pub database: PathBuf,
    /// How long articles are kept (`[storage] keep_articles`); `None` keeps them forever.
    pub keep_articles: Option<Duration>,
    /// HTTP client settings shared by every source.
    pub fetch: FetchSettings,
    /// The sources to poll, in file order.
    pub sources: Vec<SourceSpec>,
    /// The watch rules, in file order.
    pub rules: Vec<RuleSpec>,
    /// Settings for all rules (`[watch]`).
    pub watch: WatchSettings,
    /// Where alerts are delivered.
    pub sinks: Vec<SinkSpec>,
    /// Per-site extraction rules (`[[site]]`), validated; they win over the generic extractor
    /// for their host and its subdomains.
    pub sites: Vec<SiteRule>,
    /// The log line format (`[log] format`).
    pub log_format: LogFormat,
    /// The metrics and health endpoint (`[metrics]`).
    pub metrics: MetricsSettings,
    /// The zone times are shown in (`[display] timezone`); `None` leaves it to `TZ`.
    pub timezone: Option<chrono_tz::Tz>,
}

/// The metrics and health endpoint (`[metrics]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// Where `GET /metrics` and `GET /health` are served; `None` (the default) serves nothing.
    pub listen: Option<std::net::SocketAddr>,
}

/// HTTP client settings (`[fetch]`).
#[derive(Debug, Clone)]
pub struct FetchSettings {
    /// Sent as the `User-Agent` header; names newswatch so site owners can reach us.
    pub user_agent: String,
    /// Cap on a whole request, body included.
    pub timeout: Duration,
    /// Cap on establishing a connection.
    pub connect_timeout: Duration,
    /// Largest body accepted, counted after decompression.
    pub max_body_bytes: u64,
    /// How many sources are polled at the same time.
    pub concurrency: usize,
    /// Redirects followed before a fetch fails.
    pub max_redirects: usize,
    /// Cap on waiting for the next bytes of a response (a stalled server).
    pub read_timeout: Duration,
    /// Requests in flight to one host at most.
    pub per_host_concurrency: usize,
    /// Minimum time between the starts of two requests to one host.
    pub per_host_delay: Duration,
    /// Whether URLs from fetched content (item links, redirects) may reach loopback, private,
    /// link-local or metadata addresses. Feed URLs written in the config are always trusted.
    pub allow_private_addresses: bool,
}

/// Settings for all rules (`[watch]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchSettings {
    /// How far back a new or changed rule is run over stored articles; zero disables it.
    pub backfill_window: Duration,
}

/// One polled source (`[[source]]`).
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// Unique name, used in logs, the database and the CLI.
    pub name: String,
    /// The feed URL.
    pub url: Url,
    /// Time between polls to start from; adapts to the feed's pace within the bounds below.
    pub interval: Duration,
    /// The shortest interval adaptation may reach.
    pub min_interval: Duration,
    /// The longest interval adaptation may reach; also the retry pace of a failing source
    /// when longer than the backoff cap.
    pub max_interval: Duration,
    /// Whether article pages are fetched only where the site's robots.txt allows it.
    pub obey_robots: bool,
    /// Free-form labels for grouping.
    pub tags: Vec<String>,
    /// Whether each new item's page is fetched and its article extracted.
    pub extract: bool,
    /// How the source is read (`kind`, see docs/sources.md).
    pub kind: SourceKind,
    /// New pages a listing, sitemap or followed-link source fetches per poll at most.
    pub max_new_pages: usize,
}

/// One watch rule (`[[rule]]`).
#[derive(Debug, Clone)]
pub struct RuleSpec {
    /// Unique name, stored with every alert.
    pub name: String,
    /// The query as written in the file.
    pub query_text: String,
    /// The parsed query.
    pub query: Query,
    /// Which articles it looks at.
    pub scope: RuleScope,
}

/// Why a configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read at all (missing, unreadable, not a regular file, too large).
    #[error("cannot read config file {}: {}", .0.path.display(), .0.reason)]
    Read(#[from] ReadError),
    /// The file was read but is not a valid configuration.
    #[error("{}", render_problems(path, problems))]
    Invalid {
        /// The file.
        path: PathBuf,
        /// Every problem found, in file order.
        problems: Vec<Problem>,
    },
}

/// One problem in a config file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// What is wrong and how to fix it.
    pub message: String,
}

fn render_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{}:{}: {}", path.display(), p.line, p.column, p.message))
        .collect();
    lines.join("\n")
}

impl Config {
    /// Reads and validates the config file at `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = read_text_capped(path, MAX_CONFIG_BYTES)?;
        Config::parse(&text, path).map_err(|problems| ConfigError::Invalid {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Validates config `text` as if it had been read from `path` (used to resolve the database).
    pub fn parse(text: &str, path: &Path) -> Result<Config, Vec<Problem>> {
        let (raw, mut problems) = raw::parse(text);
        let Some(raw) = raw else {
            return Err(problems);
        };
        match validate::validate(raw, text, path) {
            Ok(config) if problems.is_empty() => Ok(config),
            Ok(_) => Err(problems),
            Err(more) => {
                problems.extend(more);
                problems.sort_by_key(|p| (p.line, p.column));
                Err(problems)
            }
        }
    }

    /// The zone the CLI and alert texts show times in (see [`DisplayZone::resolve`]).
    pub fn display_zone(&self) -> DisplayZone {
        DisplayZone::resolve(self.timezone)
    }

    /// Finds a source by name.
    pub fn source(&self, name: &str) -> Option<&SourceSpec> {
        self.sources.iter().find(|s| s.name == name)
    }
}
