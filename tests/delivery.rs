//! Alert delivery end to end through the real binary: a webhook receiver, a fake Telegram Bot
//! API and an SMTP listener on 127.0.0.1, a command sink, retries, dead letters and
//! `alerts retry`, filters, rate-limit summaries, digests, and kill -9 in a burst.
//!
//! This file holds the shared set-up; the tests live in `delivery/` (channels, semantics,
//! config), included as modules so they build as one test binary.

#[allow(dead_code)]
mod common;

#[path = "delivery/channels.rs"]
mod channels;
#[path = "delivery/config.rs"]
mod config;
#[path = "delivery/semantics.rs"]
mod semantics;

use std::path::PathBuf;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_newswatch, spawn_newswatch};
use common::response::Response;
use common::server::{RecordedRequest, TestServer};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

pub const LIMIT: Duration = Duration::from_secs(60);
pub const PRISONERS: &str = "Белсенділер саяси тұтқындарды босатуды талап етті.";
pub const PROTEST: &str = "Алматыда митинг өтті, полиция бірнеше адамды ұстады.";
pub const PUBLISHED: &str = "2026-01-08T14:30:00+05:00";

/// A test: its HTTP server (feed and receivers), its folder, config and database.
pub struct Setup {
    pub server: TestServer,
    pub dir: TestDir,
    pub config: PathBuf,
    pub db: PathBuf,
}

impl Setup {
    /// Serves `/rss` with one item per `(title, description)` and writes a config with two
    /// rules (`political-prisoners`, `protest`) and the given `[[sink]]` tables, in which
    /// `{dir}` stands for the test folder and `{server}` for the server's base URL.
    pub fn new(items: &[(&str, &str)], sinks: &str) -> Setup {
        let server = TestServer::start();
        serve_feed(&server, items);
        let dir = TestDir::new();
        let sinks = sinks
            .replace("{dir}", dir.path().to_str().unwrap())
            .replace("{server}", &server.url(""));
        let toml = format!(
            "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\n\n\
             [[source]]\nname = \"azattyq\"\nurl = \"{}\"\ninterval = \"10m\"\nextract = false\n\n\
             [[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n\
             [[rule]]\nname = \"protest\"\nquery = 'митинг'\n\n{sinks}",
            server.url("/rss")
        );
        let config = dir.write_config(&toml);
        let db = dir.path().join("news.db");
        Setup {
            server,
            dir,
            config,
            db,
        }
    }

    pub fn cfg(&self) -> &str {
        self.config.to_str().unwrap()
    }

    pub fn run_once(&self) -> String {
        let out = run_newswatch(&["run", "--once", "--config", self.cfg()], LIMIT);
        let logs = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "run --once failed: {logs}");
        logs
    }

    /// Runs the daemon until `done` holds (at most 30 s), then stops it with SIGTERM.
    pub fn run_daemon_until(&self, what: &str, done: impl Fn(&Setup) -> bool) {
        let daemon = spawn_newswatch(&["run", "--config", self.cfg()]);
        wait_for(what, Duration::from_secs(30), || done(self));
        let out = daemon.terminate(Duration::from_secs(30));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `SELECT` of one integer; 0 while the database does not exist yet.
    pub fn count(&self, sql: &str) -> i64 {
        let Ok(conn) = Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return 0;
        };
        conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
    }

    pub fn posts(&self, path: &str) -> Vec<RecordedRequest> {
        let requests = self.server.requests().into_iter();
        requests.filter(|r| r.path == path).collect()
    }

    pub fn cli(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(["--config", self.cfg()]);
        let out = run_newswatch(&all, LIMIT);
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Serves `/rss` listing one item per `(title, description)`, item `i` at `/kk/{i}.html`.
pub fn serve_feed(server: &TestServer, items: &[(&str, &str)]) {
    let links: Vec<String> = (0..items.len())
        .map(|i| server.url(&format!("/kk/{i}.html")))
        .collect();
    let guids: Vec<String> = (0..items.len()).map(|i| format!("kk-{i}")).collect();
    let entries: Vec<FeedItem> = items
        .iter()
        .enumerate()
        .map(|(i, (title, description))| FeedItem {
            title,
            link: &links[i],
            guid: &guids[i],
            pub_date: PUBLISHED,
            description,
        })
        .collect();
    server.route(
        "/rss",
        Response::ok("application/rss+xml", rss_feed("Азаттық", &entries)),
    );
}

pub fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() && Instant::now() < deadline {
        sleep(Duration::from_millis(50));
    }
    assert!(done(), "timed out after {limit:?} waiting for {what}");
}

pub fn json(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

pub fn delivered(s: &Setup) -> i64 {
    s.count("SELECT count(*) FROM deliveries WHERE state = 'delivered'")
}
