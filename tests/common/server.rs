//! A small HTTP/1.1 server on 127.0.0.1 for end-to-end tests: routes with canned responses,
//! conditional GET, fault modes and a log of every request.
//!
//! Std only, one thread per connection, and every connection is closed after one response
//! (`Connection: close`), so there is no keep-alive state to get wrong. It must never reach
//! the network beyond the loopback listener it owns.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::response::{Delivery, Reply, Response};

/// Longest request head accepted; larger heads get a 431.
const MAX_HEAD_BYTES: u64 = 16 * 1024;
/// Largest request body read and recorded (webhook payloads are far smaller).
const MAX_BODY_BYTES: u64 = 1024 * 1024;
/// A client that connects and stays silent is dropped after this long.
const READ_TIMEOUT: Duration = Duration::from_secs(2);
/// Granularity at which sleeping fault modes notice shutdown.
const TICK: Duration = Duration::from_millis(10);

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    /// `GET`, `HEAD`, `POST`...
    pub method: String,
    /// The request target as sent, query string included.
    pub path: String,
    /// Header names as sent (case kept), in order.
    pub headers: Vec<(String, String)>,
    /// The body, up to 1 MiB, read by `Content-Length` (chunked request bodies are not
    /// decoded: reqwest sends fixed-size bodies with a length).
    pub body: Vec<u8>,
    /// When the request head had been read; lets tests check polling intervals and backoff.
    pub received: Instant,
}

impl RecordedRequest {
    /// The first header named `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }
}

struct Route {
    response: Response,
    served: usize,
}

#[derive(Default)]
struct Shared {
    routes: Mutex<HashMap<String, Route>>,
    log: Mutex<Vec<RecordedRequest>>,
    stopping: AtomicBool,
}

/// A running test server; it stops and joins its threads when dropped.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl TestServer {
    /// Binds 127.0.0.1 on a free port and starts accepting.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared::default());
        let accept_shared = Arc::clone(&shared);
        let acceptor = thread::spawn(move || accept_loop(&listener, &accept_shared));
        TestServer {
            addr,
            shared,
            acceptor: Some(acceptor),
        }
    }

    /// The absolute URL of `path` on this server, e.g. `http://127.0.0.1:40123/feed.xml`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves `response` at `path` (exact match on the target, or on the target without
    /// its query string). Replaces any earlier route and restarts its sequence.
    pub fn route(&self, path: &str, response: Response) {
        let route = Route {
            response,
            served: 0,
        };
        lock(&self.shared.routes).insert(path.to_owned(), route);
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.log).clone()
    }

    /// How many requests targeted `path` (with or without a query string).
    pub fn hits(&self, path: &str) -> usize {
        lock(&self.shared.log)
            .iter()
            .filter(|r| r.path == path || strip_query(&r.path) == path)
            .count()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // accept() blocks; one connection of our own wakes it so it can see the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    for stream in listener.incoming() {
        if shared.stopping.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let conn_shared = Arc::clone(shared);
        workers.retain(|w| !w.is_finished());
        workers.push(thread::spawn(move || serve(stream, &conn_shared)));
    }
    // Each worker is bounded by READ_TIMEOUT, its reply, and the stop flag.
    for worker in workers {
        let _ = worker.join();
    }
}

fn serve(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    let request = match read_request(&mut reader) {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err(status) => {
            let _ = write_head(&mut writer, status, &[], 0);
            return;
        }
    };
    lock(&shared.log).push(request.clone());
    match next_reply(shared, &request.path) {
        Some(reply) => send(&mut writer, &request, &reply, shared),
        None => {
            let _ = write_head(&mut writer, 404, &[], 0);
        }
    }
}

/// Reads one request; `Ok(None)` when the peer sent nothing (e.g. the shutdown wake-up).
fn read_request(reader: &mut impl BufRead) -> Result<Option<RecordedRequest>, u16> {
    let mut head = reader.take(MAX_HEAD_BYTES);
    let mut line = String::new();
    if head.read_line(&mut line).map_err(|_| 400u16)? == 0 {
        return Ok(None);
    }
    let mut parts = line.split_whitespace();
    let (Some(method), Some(path)) = (parts.next(), parts.next()) else {
        return Err(400);
    };
    let (method, path) = (method.to_owned(), path.to_owned());
    let mut headers = Vec::new();
    loop {
        line.clear();
        if head.read_line(&mut line).map_err(|_| 400u16)? == 0 || !line.ends_with('\n') {
            return Err(431);
        }
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':').ok_or(400u16)?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    let received = Instant::now();
    let body = read_body(reader, &headers)?;
    Ok(Some(RecordedRequest {
        method,
        path,
        headers,
        body,
        received,
    }))
}

fn read_body(reader: &mut impl Read, headers: &[(String, String)]) -> Result<Vec<u8>, u16> {
    let Some(length) = header_value(headers, "content-length") else {
        return Ok(Vec::new());
    };
    let length: u64 = length.parse().map_err(|_| 400u16)?;
    if length > MAX_BODY_BYTES {
        return Err(413);
    }
    let mut body = Vec::new();
    reader
        .take(length)
        .read_to_end(&mut body)
        .map_err(|_| 400u16)?;
    Ok(body)
}

fn next_reply(shared: &Shared, path: &str) -> Option<Reply> {
    let mut routes = lock(&shared.routes);
    let route = match routes.contains_key(path) {
        true => routes.get_mut(path),
        false => routes.get_mut(strip_query(path)),
    }?;
    let replies = &route.response.replies;
    let reply = replies[route.served.min(replies.len() - 1)].clone();
    route.served += 1;
    Some(reply)
}

fn send(writer: &mut TcpStream, request: &RecordedRequest, reply: &Reply, shared: &Shared) {
    if let Delivery::Hang(duration) = reply.delivery {
        sleep_unless_stopping(duration, shared);
        return;
    }
    let mut headers = reply.headers.clone();
    headers.extend(reply.etag.iter().map(|t| ("ETag".to_owned(), t.clone())));
    let lm = reply.last_modified.iter();
    headers.extend(lm.map(|d| ("Last-Modified".to_owned(), d.clone())));
    if is_not_modified(request, reply) {
        let _ = write_head(writer, 304, &headers, 0);
        return;
    }
    if write_head(writer, reply.status, &headers, reply.body.len()).is_err() {
        return;
    }
    if request.method == "HEAD" {
        return;
    }
    match reply.delivery {
        Delivery::Drip { chunk, delay } => drip(writer, &reply.body, chunk, delay, shared),
        _ => {
            let _ = writer.write_all(&reply.body);
        }
    }
}

/// If-None-Match wins over If-Modified-Since when both are present (RFC 9110 13.2.2).
fn is_not_modified(request: &RecordedRequest, reply: &Reply) -> bool {
    if let Some(sent) = request.header("if-none-match") {
        let Some(etag) = &reply.etag else {
            return false;
        };
        return sent
            .split(',')
            .map(str::trim)
            .any(|t| t == etag || t == "*");
    }
    match (request.header("if-modified-since"), &reply.last_modified) {
        (Some(sent), Some(date)) => sent == date,
        _ => false,
    }
}

fn drip(writer: &mut TcpStream, body: &[u8], chunk: usize, delay: Duration, shared: &Shared) {
    for piece in body.chunks(chunk) {
        if writer
            .write_all(piece)
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
        if !sleep_unless_stopping(delay, shared) {
            return;
        }
    }
}

/// Sleeps in short ticks; false if the server began stopping first.
fn sleep_unless_stopping(duration: Duration, shared: &Shared) -> bool {
    let deadline = Instant::now() + duration;
    while Instant::now() < deadline {
        if shared.stopping.load(Ordering::SeqCst) {
            return false;
        }
        thread::sleep(TICK.min(deadline.saturating_duration_since(Instant::now())));
    }
    true
}

fn write_head(
    writer: &mut impl Write,
    status: u16,
    headers: &[(String, String)],
    content_length: usize,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if status != 304 {
        head.push_str(&format!("Content-Length: {content_length}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\n");
    writer.write_all(head.as_bytes())?;
    writer.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn strip_query(target: &str) -> &str {
    target.split_once('?').map_or(target, |(path, _)| path)
}
