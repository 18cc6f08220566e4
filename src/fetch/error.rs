//! Why a fetch failed, and what kind of failure it is for the scheduler's backoff.

use chrono::{DateTime, Utc};

/// What kind of failure a fetch or poll was; the scheduler weights its backoff by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    /// DNS failure or connection refused: the site is down or gone.
    Network,
    /// A connect, read or total-time limit fired.
    Timeout,
    /// The server answered 5xx.
    Server,
    /// The server answered 4xx: a config problem that rarely heals by itself.
    Client,
    /// 429 or 503 asking us to slow down.
    Throttled,
    /// The response arrived but was unusable: too large, wrong type, not a feed.
    Content,
    /// The SSRF guard refused the address.
    Blocked,
}

impl FailureKind {
    /// A short stable name, stored on the source row and shown by `newswatch sources`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::Network => "network",
            FailureKind::Timeout => "timeout",
            FailureKind::Server => "server",
            FailureKind::Client => "client",
            FailureKind::Throttled => "throttled",
            FailureKind::Content => "content",
            FailureKind::Blocked => "blocked",
        }
    }
}

/// The `[fetch]` time limits, so an error can name the one that fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeLimit {
    /// `timeout`: the whole request, all redirect hops and the body.
    Total,
    /// `read_timeout`: the longest silence while waiting for data.
    Read,
    /// `connect_timeout`: establishing the connection.
    Connect,
}

impl TimeLimit {
    /// What the limit means for this fetch, with the setting that controls it.
    fn explain(self, secs: u64) -> String {
        match self {
            TimeLimit::Total => format!(
                "the whole request took longer than fetch.timeout ({secs}s); the site is slow or sends its body slowly (raise fetch.timeout if it is just slow)"
            ),
            TimeLimit::Read => format!(
                "no data arrived for fetch.read_timeout ({secs}s); the site stalled (raise fetch.read_timeout if it is just slow)"
            ),
            TimeLimit::Connect => format!(
                "no connection within fetch.connect_timeout ({secs}s); check the address and that the site is up"
            ),
        }
    }
}

/// Why a fetch failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// Could not resolve or connect.
    #[error("cannot connect to {url}: {reason}; check the address and that the site is up")]
    Connect {
        /// The URL.
        url: String,
        /// The underlying error chain.
        reason: String,
    },
    /// A time limit fired; the message names which one.
    #[error("timed out fetching {url}: {}", .limit.explain(*.secs))]
    Timeout {
        /// The URL.
        url: String,
        /// Which limit fired.
        limit: TimeLimit,
        /// Its value in seconds.
        secs: u64,
    },
    /// The server answered with a non-success status.
    #[error("{url} answered HTTP {status}{}", status_advice(*.status, .retry_after.as_ref()))]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// When the server asked us to come back (`Retry-After` on a 429 or 503).
        retry_after: Option<DateTime<Utc>>,
    },
    /// The body grew past the cap.
    #[error(
        "{url} sent more than {limit} bytes (after decompression); raise fetch.max_body_bytes if this is expected"
    )]
    TooLarge {
        /// The URL.
        url: String,
        /// The cap.
        limit: u64,
    },
    /// Too many redirects.
    #[error("{url} redirected more than {limit} times; point the config at the final URL")]
    Redirects {
        /// The URL.
        url: String,
        /// The redirect limit.
        limit: usize,
    },
    /// A redirect led back to a URL already visited.
    #[error("{url} redirects in a loop (back to {target}); the site is misconfigured")]
    RedirectLoop {
        /// The URL first requested.
        url: String,
        /// The URL seen twice.
        target: String,
    },
    /// The SSRF guard refused to connect.
    #[error(
        "refused to fetch {url}: {reason}; addresses from fetched content may not reach private networks (set fetch.allow_private_addresses = true only if you trust every source)"
    )]
    Blocked {
        /// The URL.
        url: String,
        /// Which address was refused.
        reason: String,
    },
    /// The response is not the kind of document asked for.
    #[error("{url} sent Content-Type {content_type:?}, which is not {expected}")]
    WrongType {
        /// The URL.
        url: String,
        /// The `Content-Type` header.
        content_type: String,
        /// What was expected.
        expected: &'static str,
    },
    /// An earlier `Retry-After` from this host has not expired; no request was sent.
    #[error("{host} asked us to wait until {until}; not fetching {url} before then")]
    HostPaused {
        /// The URL not fetched.
        url: String,
        /// The host.
        host: String,
        /// When the host may be asked again.
        until: DateTime<Utc>,
    },
    /// Any other transport failure.
    #[error("fetching {url} failed: {reason}")]
    Other {
        /// The URL.
        url: String,
        /// The underlying error chain.
        reason: String,
    },
}

fn status_advice(status: u16, retry_after: Option<&DateTime<Utc>>) -> String {
    match (status, retry_after) {
        (_, Some(at)) => format!(" and asked us to retry after {at}"),
        (500..=599, None) => "; the site has a server problem".to_string(),
        _ => "; check the URL in the config".to_string(),
    }
}

impl FetchError {
    /// The HTTP status involved, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// When the server (or an earlier answer from its host) asked us to come back.
    pub fn retry_after(&self) -> Option<DateTime<Utc>> {
        match self {
            FetchError::Status { retry_after, .. } => *retry_after,
            FetchError::HostPaused { until, .. } => Some(*until),
            _ => None,
        }
    }

    /// The failure kind, for weighted backoff.
    pub fn kind(&self) -> FailureKind {
        match self {
            FetchError::Connect { .. } => FailureKind::Network,
            FetchError::Timeout { .. } => FailureKind::Timeout,
            FetchError::Status { status: 429, .. } | FetchError::HostPaused { .. } => {
                FailureKind::Throttled
            }
            FetchError::Status {
                status: 503,
                retry_after: Some(_),
                ..
            } => FailureKind::Throttled,
            FetchError::Status { status, .. } if *status >= 500 => FailureKind::Server,
            FetchError::Status { .. } => FailureKind::Client,
            FetchError::Blocked { .. } => FailureKind::Blocked,
            FetchError::TooLarge { .. }
            | FetchError::Redirects { .. }
            | FetchError::RedirectLoop { .. }
            | FetchError::WrongType { .. } => FailureKind::Content,
            FetchError::Other { .. } => FailureKind::Network,
        }
    }
}
