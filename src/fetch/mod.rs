//! HTTP: conditional GET, timeouts, a body cap counted after decompression, redirects followed
//! hop by hop (limit, loops, SSRF guard), per-host politeness, and charset decoding.
//!
//! Nothing read from the network is trusted: every failure becomes a [`FetchError`] naming the
//! URL and what to do. This module never parses content beyond headers and robots.txt.

mod charset;
mod checks;
mod error;
mod guard;
mod hints;
mod politeness;
mod robots;
mod wide;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{StatusCode, redirect};
use url::Url;

pub use charset::{Decoded, decode, decode_text};
pub use error::{FailureKind, FetchError, TimeLimit};
pub use politeness::host_key;
pub use robots::Robots;

use crate::config::FetchSettings;
use crate::tls::Tls;
use checks::{check_type, redirect_target};
use guard::{GuardedResolver, check_literal_host, refused_by_resolver};
use politeness::{HostGate, HostPermit};

/// Validators from an earlier response, sent so an unchanged resource costs a 304.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// Where a URL came from, which decides whether the SSRF guard applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Written by the admin in the config (a feed URL): trusted, though its redirects are not.
    Configured,
    /// Taken from fetched content (an item link): guarded on every hop.
    Content,
}

/// What kind of document a request expects, to refuse the wrong `Content-Type` early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// An RSS, Atom or JSON feed (servers label these loosely, so only binary types fail).
    Feed,
    /// An HTML article page.
    Page,
    /// A robots.txt (any text).
    Robots,
    /// A sitemap: XML, or gzip-compressed XML served as a file.
    Sitemap,
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
    /// How long the server says the response stays fresh (`Cache-Control`/`Expires`).
    pub freshness: Option<Duration>,
    /// The body, decompressed.
    pub body: Vec<u8>,
}

impl Fetched {
    /// The body as UTF-8 text, decoded by the best charset evidence available.
    pub fn text(&self) -> String {
        decode_text(&self.body, self.content_type.as_deref())
    }

    /// The final URL and the body as UTF-8 text (as [`Fetched::text`] gives it), taking the
    /// body rather than copying it.
    pub fn into_text(self) -> (Url, String) {
        let text = charset::decode_text_owned(self.body, self.content_type.as_deref());
        (self.final_url, text)
    }

    /// The body as UTF-8 text, with a warning when the declared charset was overruled.
    pub fn decoded(&self) -> Decoded {
        decode(&self.body, self.content_type.as_deref())
    }
}

/// What a fetch produced.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// The server said nothing changed since the validators we sent.
    NotModified {
        /// How long the server says the resource stays fresh.
        freshness: Option<Duration>,
    },
    /// A new body.
    Fetched(Fetched),
}

/// Why the fetcher's HTTP clients could not be built. reqwest's own message says only
/// "builder error", so the message carries its causes (and, having said them, names no
/// source, lest a chain printer repeat them).
#[derive(Debug, thiserror::Error)]
#[error("cannot build the HTTP client: {}", error_chain(.0))]
pub struct ClientError(reqwest::Error);

impl From<reqwest::Error> for ClientError {
    fn from(err: reqwest::Error) -> ClientError {
        ClientError(err)
    }
}

/// A configured HTTP client with per-host politeness.
#[derive(Clone)]
pub struct Fetcher {
    /// For admin-configured URLs (first hop only).
    trusted: reqwest::Client,
    /// For URLs from content and every redirect hop: resolves only to public addresses.
    guarded: reqwest::Client,
    settings: FetchSettings,
    gate: Arc<HostGate>,
}

impl Fetcher {
    /// Builds a fetcher from the `[fetch]` settings, its clients sharing `tls` (and so one
    /// read of the trust store, at the first HTTPS handshake).
    pub fn new(settings: &FetchSettings, tls: &Tls) -> Result<Fetcher, ClientError> {
        let trusted = client(settings, false, tls)?;
        let guarded = if settings.allow_private_addresses {
            trusted.clone()
        } else {
            client(settings, true, tls)?
        };
        Ok(Fetcher {
            trusted,
            guarded,
            settings: settings.clone(),
            gate: Arc::new(HostGate::new(
                settings.per_host_concurrency,
                settings.per_host_delay,
            )),
        })
    }

    /// GETs `url`, sending `validators` for a conditional request, following redirects itself,
    /// all within the total time cap.
    pub async fn get(
        &self,
        url: &Url,
        validators: &Validators,
        origin: Origin,
        expect: Expect,
    ) -> Result<FetchOutcome, FetchError> {
        let total = self.settings.timeout;
        tokio::time::timeout(total, self.follow(url, validators, origin, expect))
            .await
            .unwrap_or_else(|_| {
                Err(FetchError::Timeout {
                    url: url.to_string(),
                    limit: TimeLimit::Total,
                    secs: total.as_secs(),
                })
            })
    }

    async fn follow(
        &self,
        url: &Url,
        validators: &Validators,
        origin: Origin,
        expect: Expect,
    ) -> Result<FetchOutcome, FetchError> {
        let mut current = url.clone();
        let mut visited = vec![url.clone()];
        for hop in 0..=self.settings.max_redirects {
            let guarded = origin == Origin::Content || hop > 0;
            // The host slot is held until the body is read: politeness covers the download.
            let (response, _slot) = self.send(url, &current, validators, guarded).await?;
            let Some(next) = redirect_target(&current, &response) else {
                return self.finish(url, current, response, expect).await;
            };
            let next = next.map_err(|reason| FetchError::Other {
                url: url.to_string(),
                reason,
            })?;
            if visited.contains(&next) {
                return Err(FetchError::RedirectLoop {
                    url: url.to_string(),
                    target: next.to_string(),
                });
            }
            visited.push(next.clone());
            current = next;
        }
        Err(FetchError::Redirects {
            url: url.to_string(),
            limit: self.settings.max_redirects,
        })
    }

    /// Sends one request to `current` once its host allows it; the permit holds the host slot.
    async fn send(
        &self,
        url: &Url,
        current: &Url,
        validators: &Validators,
        guarded: bool,
    ) -> Result<(reqwest::Response, HostPermit), FetchError> {
        let guard_applies = guarded && !self.settings.allow_private_addresses;
        if guard_applies {
            check_literal_host(current).map_err(|reason| FetchError::Blocked {
                url: current.to_string(),
                reason,
            })?;
        }
        let host = host_key(current);
        let slot = self
            .gate
            .enter(&host)
            .await
            .map_err(|until| FetchError::HostPaused {
                url: current.to_string(),
                host: host.clone(),
                until,
            })?;
        let client = if guarded {
            &self.guarded
        } else {
            &self.trusted
        };
        let mut request = client.get(current.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let response = request
            .send()
            .await
            .map_err(|e| self.classify(url, current, e))?;
        Ok((response, slot))
    }

    /// Turns the final response into an outcome: status, type, hints and the capped body.
    async fn finish(
        &self,
        url: &Url,
        final_url: Url,
        response: reqwest::Response,
        expect: Expect,
    ) -> Result<FetchOutcome, FetchError> {
        let status = response.status();
        let headers = response.headers().clone();
        let now = Utc::now();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(FetchOutcome::NotModified {
                freshness: hints::freshness(&headers, now),
            });
        }
        if !status.is_success() {
            return Err(self.status_error(url, &final_url, status, &headers, now));
        }
        let content_type = header(&headers, CONTENT_TYPE);
        check_type(url, expect, content_type.as_deref())?;
        let body = self.read_capped(url, response).await?;
        Ok(FetchOutcome::Fetched(Fetched {
            final_url,
            status: status.as_u16(),
            content_type,
            validators: Validators {
                etag: header(&headers, ETAG),
                last_modified: header(&headers, LAST_MODIFIED),
            },
            freshness: hints::freshness(&headers, now),
            body,
        }))
    }

    /// A non-success status; a 429/503 with `Retry-After` also pauses its host.
    fn status_error(
        &self,
        url: &Url,
        final_url: &Url,
        status: StatusCode,
        headers: &HeaderMap,
        now: DateTime<Utc>,
    ) -> FetchError {
        let throttled = matches!(status.as_u16(), 429 | 503);
        let retry_after = throttled
            .then(|| hints::retry_after(headers, now))
            .flatten();
        if let Some(until) = retry_after {
            self.gate.pause(&host_key(final_url), until);
        }
        FetchError::Status {
            url: url.to_string(),
            status: status.as_u16(),
            retry_after,
        }
    }

    /// Reads the (already decompressed) body chunk by chunk, failing as soon as it passes the cap.
    async fn read_capped(
        &self,
        url: &Url,
        response: reqwest::Response,
    ) -> Result<Vec<u8>, FetchError> {
        let limit = self.settings.max_body_bytes;
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit,
        };
        let announced = response.content_length().unwrap_or(0);
        if announced > limit {
            return Err(too_large());
        }
        // Sized once from the announced length (within the cap) rather than regrown chunk by
        // chunk: the copies of regrowing were ~1 % of a farm pass.
        let mut body = Vec::with_capacity(usize::try_from(announced).unwrap_or(0));
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.classify(url, url, e))?;
            if body.len() as u64 + chunk.len() as u64 > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn classify(&self, url: &Url, current: &Url, err: reqwest::Error) -> FetchError {
        if refused_by_resolver(&err) {
            return FetchError::Blocked {
                url: current.to_string(),
                reason: reason_without(url, err),
            };
        }
        let url = url.to_string();
        if err.is_timeout() {
            // The client has no total timeout of its own (see `client`), so a timeout it
            // reports is the connect or the read limit.
            let (limit, value) = if err.is_connect() {
                (TimeLimit::Connect, self.settings.connect_timeout)
            } else {
                (TimeLimit::Read, self.settings.read_timeout)
            };
            return FetchError::Timeout {
                url,
                limit,
                secs: value.as_secs(),
            };
        }
        if err.is_connect() {
            let reason = reason_without(current, err);
            FetchError::Connect { url, reason }
        } else {
            let reason = reason_without(current, err);
            FetchError::Other { url, reason }
        }
    }
}

/// How long past the per-host delay a connection stays open unused. Long enough for a poll's
/// next request to the same host to reuse it; polls of one source are minutes apart, and an
/// idle connection keeps its read buffer (up to ~0.5 MB after a large page), so with the
/// client's default of 90 s a pass over 250 sites peaked at 230 MB instead of 103 MB
/// (docs/benchmarks.md, "Idle connections").
const IDLE_GRACE: Duration = Duration::from_secs(1);

fn client(
    settings: &FetchSettings,
    guarded: bool,
    tls: &Tls,
) -> Result<reqwest::Client, reqwest::Error> {
    // No `.timeout()`: the total limit is `Fetcher::get`'s own, over every hop, so that a
    // timeout reported by the client is always the connect or read limit.
    let builder = tls
        .configure(reqwest::Client::builder())
        .user_agent(settings.user_agent.clone())
        .connect_timeout(settings.connect_timeout)
        .read_timeout(settings.read_timeout)
        .pool_idle_timeout(settings.per_host_delay + IDLE_GRACE)
        .redirect(redirect::Policy::none());
    if guarded {
        // A proxy would resolve names itself, out of the guard's sight.
        builder
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver))
            .build()
    } else {
        builder.build()
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The error's causes, without reqwest repeating `url`, which the message names already; a
/// different URL (a redirect target) is kept, as it says where the failure happened.
fn reason_without(url: &Url, err: reqwest::Error) -> String {
    if err.url() == Some(url) {
        error_chain(&err.without_url())
    } else {
        error_chain(&err)
    }
}

/// Joins an error with its sources: reqwest's own message alone rarely says what happened.
pub fn error_chain(err: &dyn std::error::Error) -> String {
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn guarded_fetcher() -> Fetcher {
        let settings = FetchSettings {
            user_agent: "newswatch-test".into(),
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(2),
            max_body_bytes: 1 << 20,
            concurrency: 2,
            max_redirects: 3,
            read_timeout: Duration::from_secs(2),
            per_host_concurrency: 2,
            per_host_delay: Duration::ZERO,
            allow_private_addresses: false,
        };
        Fetcher::new(&settings, &Tls::new().unwrap()).unwrap()
    }

    #[tokio::test]
    async fn a_content_url_whose_name_resolves_to_loopback_is_refused_at_connect_time() {
        let url = Url::parse("http://localhost:9/page").unwrap();
        let err = guarded_fetcher()
            .get(&url, &Validators::default(), Origin::Content, Expect::Page)
            .await
            .unwrap_err();
        assert!(matches!(err, FetchError::Blocked { .. }), "{err}");
        assert_eq!(err.kind(), FailureKind::Blocked);
        assert!(
            err.to_string().contains("127.0.0.1") || err.to_string().contains("::1"),
            "{err}"
        );
    }

    /// A server answering every request on a kept-alive connection, counting connections
    /// (also the tls tests' plain-http server).
    pub(crate) async fn counting_server() -> (Url, Arc<std::sync::atomic::AtomicUsize>) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = Url::parse(&format!("http://{}/page", listener.local_addr().unwrap())).unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&connections);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                counted.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        request.extend_from_slice(&buf[..n]);
                        if request.windows(4).any(|w| w == b"\r\n\r\n") {
                            request.clear();
                            let answer = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\nok";
                            if stream.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
        (url, connections)
    }

    #[tokio::test]
    async fn a_connection_is_reused_within_a_poll_and_closed_once_idle_past_the_host_delay() {
        use std::sync::atomic::Ordering;
        let (url, connections) = counting_server().await;
        let settings = FetchSettings {
            allow_private_addresses: true,
            ..guarded_fetcher().settings
        };
        let fetcher = Fetcher::new(&settings, &Tls::new().unwrap()).unwrap();
        let none = Validators::default();
        let get = || fetcher.get(&url, &none, Origin::Configured, Expect::Page);
        get().await.unwrap();
        get().await.unwrap();
        assert_eq!(
            connections.load(Ordering::SeqCst),
            1,
            "back-to-back requests share one"
        );
        tokio::time::sleep(settings.per_host_delay + IDLE_GRACE + Duration::from_millis(500)).await;
        get().await.unwrap();
        assert_eq!(
            connections.load(Ordering::SeqCst),
            2,
            "a connection idle past the host delay was reused"
        );
    }

    #[tokio::test]
    async fn a_configured_url_is_trusted_on_its_first_hop() {
        let url = Url::parse("http://127.0.0.1:9/feed").unwrap();
        let err = guarded_fetcher()
            .get(
                &url,
                &Validators::default(),
                Origin::Configured,
                Expect::Feed,
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), FailureKind::Network, "{err}");
    }
}
