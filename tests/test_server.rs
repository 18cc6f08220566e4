//! Tests of the test server itself, driven by a raw TcpStream client, plus the fixture and
//! process helpers: the end-to-end tests trust these, so each fault mode is checked here.

#[allow(dead_code)]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use common::article::{
    KAZAKH_PARAGRAPHS, KAZAKH_TITLE, RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page,
};
use common::feeds::{FeedItem, atom_feed, json_feed, rss_feed};
use common::process::{Running, TestDir, newswatch_bin, run_with_timeout};
use common::response::Response;
use common::server::TestServer;

/// A parsed raw response.
struct Raw {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Raw {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Sends one request and reads until the server closes the connection.
fn request(server: &TestServer, method: &str, path: &str, headers: &[(&str, &str)]) -> Raw {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", server.addr());
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    req.push_str("\r\n");
    stream.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    parse(&bytes)
}

fn get(server: &TestServer, path: &str, headers: &[(&str, &str)]) -> Raw {
    request(server, "GET", path, headers)
}

fn parse(bytes: &[u8]) -> Raw {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    Raw {
        status,
        head,
        body: bytes[split + 4..].to_vec(),
    }
}

#[test]
fn serves_routes_and_logs_requests() {
    let server = TestServer::start();
    server.route("/feed.xml", Response::ok("application/rss+xml", "<rss/>"));
    let raw = get(&server, "/feed.xml?x=1", &[("User-Agent", "newswatch/0.1")]);
    assert_eq!(raw.status, 200);
    assert_eq!(raw.body, b"<rss/>");
    assert_eq!(raw.header("content-type"), Some("application/rss+xml"));
    assert_eq!(raw.header("connection"), Some("close"));
    assert_eq!(get(&server, "/missing", &[]).status, 404);
    assert_eq!(server.hits("/feed.xml"), 1);
    assert_eq!(server.hits("/feed.xml?x=1"), 1);
    let log = server.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, "/feed.xml?x=1");
    assert_eq!(log[0].header("user-agent"), Some("newswatch/0.1"));
    assert_eq!(log[1].path, "/missing");
}

#[test]
fn head_gets_headers_without_body() {
    let server = TestServer::start();
    server.route("/a", Response::ok("text/html", "<p>hi</p>"));
    let raw = request(&server, "HEAD", "/a", &[]);
    assert_eq!(raw.status, 200);
    assert_eq!(raw.header("content-length"), Some("9"));
    assert!(raw.body.is_empty());
}

#[test]
fn records_request_bodies() {
    let server = TestServer::start();
    server.route("/hook", Response::status(204));
    let body = r#"{"rule":"political-prisoners"}"#;
    let len = body.len().to_string();
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let req = format!("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: {len}\r\n\r\n{body}");
    stream.write_all(req.as_bytes()).unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    assert_eq!(parse(&bytes).status, 204);
    let log = server.requests();
    assert_eq!(log[0].method, "POST");
    assert_eq!(log[0].body, body.as_bytes());
}

#[test]
fn etag_answers_304_only_on_match() {
    let server = TestServer::start();
    server.route(
        "/f",
        Response::ok("application/rss+xml", "feed").etag("\"v1\""),
    );
    let first = get(&server, "/f", &[]);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("etag"), Some("\"v1\""));
    let again = get(&server, "/f", &[("If-None-Match", "\"v0\", \"v1\"")]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    assert_eq!(again.header("etag"), Some("\"v1\""));
    let stale = get(&server, "/f", &[("If-None-Match", "\"v0\"")]);
    assert_eq!((stale.status, stale.body.as_slice()), (200, &b"feed"[..]));
    let log = server.requests();
    assert_eq!(log[1].header("if-none-match"), Some("\"v0\", \"v1\""));
}

#[test]
fn last_modified_answers_304_only_on_match() {
    let date = "Wed, 08 Jan 2020 09:30:00 GMT";
    let server = TestServer::start();
    server.route("/f", Response::ok("text/xml", "feed").last_modified(date));
    assert_eq!(get(&server, "/f", &[]).header("last-modified"), Some(date));
    assert_eq!(
        get(&server, "/f", &[("If-Modified-Since", date)]).status,
        304
    );
    let older = "Tue, 07 Jan 2020 09:30:00 GMT";
    assert_eq!(
        get(&server, "/f", &[("If-Modified-Since", older)]).status,
        200
    );
}

#[test]
fn sequence_steps_then_repeats_last() {
    let server = TestServer::start();
    let steps = vec![
        Response::status(500),
        Response::status(503).header("Retry-After", "7"),
        Response::ok("text/plain", "ok"),
    ];
    server.route("/s", Response::sequence(steps));
    let statuses: Vec<u16> = (0..5).map(|_| get(&server, "/s", &[]).status).collect();
    assert_eq!(statuses, [500, 503, 200, 200, 200]);
    assert_eq!(server.hits("/s"), 5);
}

#[test]
fn redirect_sends_location() {
    let server = TestServer::start();
    server.route("/old", Response::redirect(301, "/new"));
    let raw = get(&server, "/old", &[]);
    assert_eq!(raw.status, 301);
    assert_eq!(raw.header("location"), Some("/new"));
}

#[test]
fn slow_drip_sends_whole_body_slowly() {
    let server = TestServer::start();
    let delay = Duration::from_millis(40);
    server.route("/slow", Response::slow_drip("0123456789", 2, delay));
    let started = Instant::now();
    let raw = get(&server, "/slow", &[]);
    assert_eq!(raw.body, b"0123456789");
    assert_eq!(raw.header("content-length"), Some("10"));
    assert!(
        started.elapsed() >= delay * 4,
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn hang_sends_nothing_then_closes() {
    let server = TestServer::start();
    server.route("/hang", Response::hang(Duration::from_millis(300)));
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let started = Instant::now();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    assert!(bytes.is_empty());
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_eq!(server.hits("/hang"), 1);
}

#[test]
fn drop_interrupts_hang_and_stops_listening() {
    let server = TestServer::start();
    server.route("/hang", Response::hang(Duration::from_secs(60)));
    let addr = server.addr();
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    while server.hits("/hang") == 0 {
        thread::sleep(Duration::from_millis(5));
    }
    let started = Instant::now();
    drop(server);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "drop waited for the hang"
    );
    assert!(TcpStream::connect(addr).is_err());
}

#[test]
fn gzip_bomb_inflates_to_requested_size_with_valid_trailer() {
    for len in [0, 1, 2, 3, 4, 10, 11, 258, 259, 260, 261, 1000, 1_000_000] {
        let server = TestServer::start();
        server.route("/bomb", Response::gzip_bomb("application/rss+xml", len));
        let raw = get(&server, "/bomb", &[]);
        assert_eq!(raw.header("content-encoding"), Some("gzip"));
        let mut inflated = Vec::new();
        flate2::read::GzDecoder::new(raw.body.as_slice())
            .read_to_end(&mut inflated)
            .unwrap_or_else(|e| panic!("len {len}: {e}"));
        assert_eq!(inflated.len(), len);
        assert!(inflated.iter().all(|&b| b == 0));
        assert!(
            raw.body.len() <= len / 100 + 64,
            "len {len}: {}",
            raw.body.len()
        );
    }
}

#[test]
fn feed_fixtures_parse_as_feeds() {
    let items = [
        FeedItem {
            title: KAZAKH_TITLE,
            link: "http://127.0.0.1/a/1",
            guid: "azattyq-30366",
            pub_date: "2020-01-08T15:04:00+06:00",
            description: "<p>Белсенділер &amp; пикет</p>",
        },
        FeedItem {
            title: RUSSIAN_TITLE,
            link: "http://127.0.0.1/a/2",
            guid: "ru-2",
            pub_date: "2026-01-12T09:00:00+05:00",
            description: "Суд & митинг",
        },
    ];
    for doc in [
        rss_feed("Азаттық", &items),
        atom_feed("Азаттык", &items),
        json_feed("Azattyq", &items),
    ] {
        let feed = feed_rs::parser::parse(doc.as_bytes()).unwrap();
        assert_eq!(feed.entries.len(), 2);
        let first = &feed.entries[0];
        assert_eq!(first.title.as_ref().unwrap().content, KAZAKH_TITLE);
        assert_eq!(first.links[0].href, "http://127.0.0.1/a/1");
        let published = first.published.unwrap();
        assert_eq!(published.to_rfc3339(), "2020-01-08T09:04:00+00:00");
    }
}

#[test]
fn article_page_wraps_body_in_boilerplate() {
    let kk = article_page(
        KAZAKH_TITLE,
        "Азаттық тілшісі",
        "2020-01-08T15:04:00+06:00",
        KAZAKH_PARAGRAPHS,
        "kk",
    );
    assert!(kk.contains("<html lang=\"kk\">"));
    assert!(kk.contains("Оқи отырыңыз") && kk.contains("Instagram бізге жазылыңыз"));
    assert!(kk.contains("Асхат Жексебаев"));
    assert!(kk.contains("&quot;саяси тұтқын&quot;"));
    let ru = article_page(
        RUSSIAN_TITLE,
        "Редакция",
        "2026-01-12T09:00:00+05:00",
        RUSSIAN_PARAGRAPHS,
        "ru",
    );
    assert!(ru.contains("Читайте также") && ru.contains("Поделиться"));
    let paragraphs = ru.matches("<p>").count();
    assert_eq!(paragraphs, RUSSIAN_PARAGRAPHS.len() + 2);
}

#[test]
fn run_with_timeout_captures_output_and_kills_overstayers() {
    let mut echo = Command::new("sh");
    echo.args(["-c", "echo out; echo err >&2; exit 3"]);
    let output = run_with_timeout(echo, Duration::from_secs(10));
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(output.stdout, b"out\n");
    assert_eq!(output.stderr, b"err\n");

    let mut sleeper = Command::new("sleep");
    sleeper.arg("30");
    let started = Instant::now();
    let output = run_with_timeout(sleeper, Duration::from_millis(200));
    assert_eq!(output.status.code(), None);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn terminate_sends_sigterm_and_collects_output() {
    let mut graceful = Command::new("sh");
    let script = "trap 'echo finishing; exit 0' TERM; echo started; while :; do sleep 0.02; done";
    graceful.args(["-c", script]);
    let running = Running::spawn(graceful);
    thread::sleep(Duration::from_millis(200));
    let output = running.terminate(Duration::from_secs(5));
    assert!(output.status.success(), "{:?}", output.status);
    assert_eq!(output.stdout, b"started\nfinishing\n");

    let mut stubborn = Command::new("sh");
    stubborn.args(["-c", "trap '' TERM; while :; do sleep 0.02; done"]);
    let running = Running::spawn(stubborn);
    thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let output = running.terminate(Duration::from_millis(300));
    assert_eq!(
        output.status.code(),
        None,
        "ignored SIGTERM, so it was killed"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn test_dir_writes_config() {
    let dir = TestDir::new();
    let path = dir.write_config("[storage]\ndatabase = \"n.db\"\n");
    assert_eq!(path, dir.path().join("newswatch.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("n.db"));
    assert!(newswatch_bin().ends_with("newswatch"));
}

/// The daemon's own HTTP client must see each fault the way the end-to-end tests assume.
#[tokio::test]
async fn reqwest_sees_faults_as_intended() {
    let server = TestServer::start();
    server.route("/old", Response::redirect(302, &server.url("/new")));
    server.route("/new", Response::ok("text/plain", "moved here"));
    server.route("/hang", Response::hang(Duration::from_secs(5)));
    server.route("/bomb", Response::gzip_bomb("text/html", 1_000_000));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();

    let moved = client.get(server.url("/old")).send().await.unwrap();
    assert_eq!(moved.url().path(), "/new");
    assert_eq!(moved.text().await.unwrap(), "moved here");

    let hung = client.get(server.url("/hang")).send().await.unwrap_err();
    assert!(hung.is_timeout(), "{hung}");

    let bomb = client.get(server.url("/bomb")).send().await.unwrap();
    assert_eq!(bomb.bytes().await.unwrap().len(), 1_000_000);
}
