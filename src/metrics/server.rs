//! The small HTTP/1.1 listener of `[metrics] listen`: `GET /metrics` and `GET /health`.
//!
//! Bounded on every side: a few connections at a time (more are closed at once), one request
//! per connection, a request head of at most [`MAX_REQUEST_BYTES`] read within
//! [`HEADER_TIME`], the whole exchange cut at [`CONNECTION_TIME`], and only `GET` served.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;

use super::{gauges, health, render_counters};
use crate::store::Store;

/// Connections served at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 4;
/// Largest request head read (hyper's smallest buffer); a larger one is refused.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Time a client has to send its request head.
const HEADER_TIME: Duration = Duration::from_secs(5);
/// Time one connection may take in all, answer included.
const CONNECTION_TIME: Duration = Duration::from_secs(15);
/// Time a scrape may spend reading the database.
const SCRAPE_TIME: Duration = Duration::from_secs(5);

/// The OpenMetrics text format, which Prometheus asks for and reads.
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The address could not be bound.
    #[error(
        "cannot listen on metrics.listen {address}: {source}; pick a free address and port, or remove [metrics]"
    )]
    Bind {
        /// The configured address.
        address: SocketAddr,
        /// The socket error.
        source: std::io::Error,
    },
}

/// What every request needs.
struct State {
    database: PathBuf,
    /// The scrape's read-only connection, opened on first use and dropped after an error.
    reader: Mutex<Option<Store>>,
}

/// A running endpoint; it stops when dropped.
pub struct MetricsServer {
    stop: CancellationToken,
}

impl MetricsServer {
    /// Binds `address` and serves the metrics of `database` until dropped.
    pub async fn start(address: SocketAddr, database: &Path) -> Result<MetricsServer, ServeError> {
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| ServeError::Bind { address, source })?;
        let bound = listener.local_addr().unwrap_or(address);
        let state = Arc::new(State {
            database: database.to_path_buf(),
            reader: Mutex::new(None),
        });
        let stop = CancellationToken::new();
        tokio::spawn(accept(listener, state, stop.clone()));
        tracing::info!(address = %bound, "serving /metrics and /health");
        Ok(MetricsServer { stop })
    }
}

impl Drop for MetricsServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept(listener: TcpListener, state: Arc<State>, stop: CancellationToken) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(err) => {
                    tracing::warn!(error = %err, "metrics endpoint: cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        // Over the limit the connection is dropped, i.e. closed unanswered.
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            continue;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let _ = tokio::time::timeout(CONNECTION_TIME, serve(stream, state)).await;
            drop(slot);
        });
    }
}

async fn serve(stream: TcpStream, state: Arc<State>) {
    let service = service_fn(move |request| respond(Arc::clone(&state), request));
    let served = http1::Builder::new()
        .keep_alive(false)
        .max_buf_size(MAX_REQUEST_BYTES)
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIME)
        .serve_connection(TokioIo::new(stream), service)
        .await;
    if let Err(err) = served {
        tracing::debug!(error = %err, "metrics endpoint: connection ended with an error");
    }
}

async fn respond(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::GET {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "only GET is served\n");
        response
            .headers_mut()
            .insert(ALLOW, hyper::header::HeaderValue::from_static("GET"));
        return Ok(response);
    }
    let response = match request.uri().path() {
        "/metrics" => match blocking(state, scrape).await {
            Ok(body) => {
                let mut response = Response::new(Full::new(Bytes::from(body)));
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static(OPENMETRICS),
                );
                response
            }
            Err(why) => {
                tracing::warn!(error = %why, "metrics endpoint: scrape failed");
                text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{why}\n"))
            }
        },
        "/health" => match blocking(state, |s| health::check(&s.database)).await {
            Ok(()) => text(StatusCode::OK, "ok\n"),
            Err(why) => text(StatusCode::SERVICE_UNAVAILABLE, &format!("{why}\n")),
        },
        _ => text(
            StatusCode::NOT_FOUND,
            "not found; try /metrics or /health\n",
        ),
    };
    Ok(response)
}

/// Runs `f` off the async threads, cut at [`SCRAPE_TIME`].
async fn blocking<T: Send + 'static>(
    state: Arc<State>,
    f: impl FnOnce(&State) -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    let task = tokio::task::spawn_blocking(move || f(&state));
    match tokio::time::timeout(SCRAPE_TIME, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(err)) => Err(format!("the check failed: {err}")),
        Err(_) => Err(format!(
            "the database did not answer within {} s",
            SCRAPE_TIME.as_secs()
        )),
    }
}

/// The whole exposition: counters, then the database gauges.
fn scrape(state: &State) -> Result<String, String> {
    let mut out = String::new();
    render_counters(&mut out).map_err(|err| err.to_string())?;
    let sinks = health::round().map(|r| r.sinks).unwrap_or_default();
    let mut reader = state.reader.lock().unwrap_or_else(PoisonError::into_inner);
    if let Err(err) = gauges::render(&mut out, &state.database, &mut reader, &sinks) {
        *reader = None;
        return Err(format!("cannot read the database gauges: {err}"));
    }
    out.push_str("# EOF\n");
    Ok(out)
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
