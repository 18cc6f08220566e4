//! HTTP: conditional GET, timeouts, a body cap counted after decompression, redirects, and
//! charset decoding.
//!
//! Nothing read from the network is trusted: every failure becomes a [`FetchError`] naming the
//! URL and what to do. This module never parses content.

mod charset;

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{StatusCode, redirect};
use url::Url;

pub use charset::decode_text;

use crate::config::FetchSettings;

/// Validators from an earlier response, sent so an unchanged resource costs a 304.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// A successful response.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Where the body came from after redirects; relative links resolve against it.
    pub final_url: Url,
    /// HTTP status (2xx).
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// New validators to store.
    pub validators: Validators,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

impl Fetched {
    /// The body as UTF-8 text, decoded by the best charset evidence available.
    pub fn text(&self) -> String {
        decode_text(&self.body, self.content_type.as_deref())
    }
}

/// What a fetch produced.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// The server said nothing changed since the validators we sent.
    NotModified,
    /// A new body.
    Fetched(Fetched),
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
    /// A timeout fired (connect or whole request).
    #[error(
        "timed out fetching {url} after {secs}s; the site is slow or down (raise fetch.timeout if it is just slow)"
    )]
    Timeout {
        /// The URL.
        url: String,
        /// The limit that fired.
        secs: u64,
    },
    /// The server answered with a non-success status.
    #[error("{url} answered HTTP {status}; check the URL in the config")]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
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
    /// Too many redirects, or a redirect loop.
    #[error("{url} redirected too many times (or in a loop); point the config at the final URL")]
    Redirects {
        /// The URL.
        url: String,
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

impl FetchError {
    /// The HTTP status involved, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// Builds the one HTTP client the daemon shares.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {0}")]
pub struct ClientError(#[from] reqwest::Error);

/// A configured HTTP client.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    settings: FetchSettings,
}

impl Fetcher {
    /// Builds a fetcher from the `[fetch]` settings.
    pub fn new(settings: &FetchSettings) -> Result<Fetcher, ClientError> {
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.clone())
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .redirect(redirect::Policy::limited(settings.max_redirects))
            .build()?;
        Ok(Fetcher {
            client,
            settings: settings.clone(),
        })
    }

    /// GETs `url`, sending `validators` for a conditional request.
    pub async fn get(
        &self,
        url: &Url,
        validators: &Validators,
    ) -> Result<FetchOutcome, FetchError> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let response = request.send().await.map_err(|e| self.classify(url, e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                url: url.to_string(),
                status: status.as_u16(),
            });
        }
        let final_url = response.url().clone();
        let headers = response.headers().clone();
        let body = self.read_capped(url, response).await?;
        Ok(FetchOutcome::Fetched(Fetched {
            final_url,
            status: status.as_u16(),
            content_type: header(&headers, CONTENT_TYPE),
            validators: Validators {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
            body,
        }))
    }

    /// Reads the (already decompressed) body chunk by chunk, failing as soon as it passes the cap.
    async fn read_capped(
        &self,
        url: &Url,
        response: reqwest::Response,
    ) -> Result<Vec<u8>, FetchError> {
        let limit = self.settings.max_body_bytes;
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge {
                url: url.to_string(),
                limit,
            });
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.classify(url, e))?;
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(FetchError::TooLarge {
                    url: url.to_string(),
                    limit,
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn classify(&self, url: &Url, err: reqwest::Error) -> FetchError {
        let url = url.to_string();
        if err.is_timeout() {
            let limit: Duration = if err.is_connect() {
                self.settings.connect_timeout
            } else {
                self.settings.timeout
            };
            return FetchError::Timeout {
                url,
                secs: limit.as_secs(),
            };
        }
        if err.is_redirect() {
            return FetchError::Redirects { url };
        }
        let reason = error_chain(&err);
        if err.is_connect() {
            FetchError::Connect { url, reason }
        } else {
            FetchError::Other { url, reason }
        }
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Joins an error with its sources: reqwest's own message alone rarely says what happened.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}
