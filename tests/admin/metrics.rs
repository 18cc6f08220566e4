//! `[metrics] listen`: `/metrics` scraped from a running daemon and parsed, `/health` healthy
//! and then unhealthy while another connection holds the database's write lock.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use crate::LIMIT;
use crate::common::process::{TestDir, run_newswatch, spawn_newswatch};
use crate::common::server::TestServer;
use crate::live::{FEED, free_address, http, serve_site, site_config, wait_for};

/// Every sample of a text exposition, keyed by its series as written (`name{labels}`).
fn parse(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').expect("a sample is `series value`");
            (series.to_string(), value.parse().expect("a numeric value"))
        })
        .collect()
}

fn scrape(address: SocketAddr) -> HashMap<String, f64> {
    let (status, body) = http(address, "GET", "/metrics").expect("/metrics answers");
    assert_eq!(status, 200, "{body}");
    assert!(body.ends_with("# EOF\n"), "{body}");
    parse(&body)
}

fn sample(samples: &HashMap<String, f64>, series: &str) -> f64 {
    *samples
        .get(series)
        .unwrap_or_else(|| panic!("no {series} in {samples:#?}"))
}

#[test]
fn metrics_count_a_poll_and_health_follows_the_database_write_lock() {
    let server = TestServer::start();
    serve_site(&server);
    let dir = TestDir::new();
    let address = free_address();
    let config = site_config(
        &dir,
        &server,
        &format!("\n[metrics]\nlisten = \"{address}\"\n"),
    );
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().expect("UTF-8")]);
    wait_for("the alert's delivery", || {
        http(address, "GET", "/metrics").is_some_and(|(_, body)| {
            body.contains("newswatch_deliveries_total{sink=\"log\",outcome=\"delivered\"} 1")
        })
    });
    assert_eq!(server.hits(FEED), 1);

    let samples = scrape(address);
    assert_eq!(
        sample(&samples, "newswatch_polls_total{outcome=\"ok\"}"),
        1.0
    );
    assert_eq!(
        sample(&samples, "newswatch_articles_total{outcome=\"stored\"}"),
        2.0
    );
    assert_eq!(
        sample(&samples, "newswatch_alerts_total{rule=\"rally\"}"),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "newswatch_extraction_failures_total{reason=\"fetch\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "newswatch_fetch_duration_seconds_count{target=\"source\"}"
        ),
        1.0
    );
    assert_eq!(
        sample(
            &samples,
            "newswatch_fetch_duration_seconds_count{target=\"page\"}"
        ),
        2.0
    );
    assert_eq!(
        sample(&samples, "newswatch_outbox_deliveries{sink=\"log\"}"),
        0.0
    );
    assert_eq!(sample(&samples, "newswatch_sources{state=\"ok\"}"), 1.0);
    assert_eq!(
        sample(&samples, "newswatch_sources{state=\"failing\"}"),
        0.0
    );
    let now = chrono::Utc::now().timestamp() as f64;
    let last = sample(&samples, "newswatch_last_successful_poll_timestamp_seconds");
    assert!((now - 120.0..=now + 1.0).contains(&last), "{last} vs {now}");
    assert_eq!(
        sample(
            &samples,
            "newswatch_source_last_success_timestamp_seconds{source=\"vlast\"}"
        ),
        last
    );
    assert!(sample(&samples, "newswatch_database_size_bytes{file=\"database\"}") > 0.0);

    assert_eq!(http(address, "GET", "/health"), Some((200, "ok\n".into())));
    let holder = rusqlite::Connection::open(dir.path().join("n.db")).expect("open the database");
    holder
        .execute_batch("BEGIN IMMEDIATE")
        .expect("take the write lock");
    let (status, reason) = http(address, "GET", "/health").expect("/health answers");
    assert_eq!(status, 503, "{reason}");
    assert!(
        reason.contains("takes no writes") && reason.contains("locked"),
        "{reason}"
    );
    holder
        .execute_batch("ROLLBACK")
        .expect("let go of the write lock");
    assert_eq!(http(address, "GET", "/health"), Some((200, "ok\n".into())));

    assert_eq!(http(address, "POST", "/metrics").map(|(s, _)| s), Some(405));
    assert_eq!(http(address, "GET", "/nope").map(|(s, _)| s), Some(404));
    let out = daemon.terminate(Duration::from_secs(20));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_config_refuses_a_metrics_address_that_is_not_ip_and_port() {
    let server = TestServer::start();
    let dir = TestDir::new();
    let config = site_config(&dir, &server, "\n[metrics]\nlisten = \"localhost:9464\"\n");
    let out = run_newswatch(
        &["check-config", "--config", config.to_str().expect("UTF-8")],
        LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("metrics.listen \"localhost:9464\" is not an IP address and port"),
        "{stderr}"
    );
}

#[test]
fn a_reload_moves_the_endpoint_or_is_rejected_when_the_new_address_is_taken() {
    let server = TestServer::start();
    serve_site(&server);
    let dir = TestDir::new();
    let first = free_address();
    let listen = |address: SocketAddr| format!("\n[metrics]\nlisten = \"{address}\"\n");
    let config = site_config(&dir, &server, &listen(first));
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().expect("UTF-8")]);
    wait_for("the endpoint", || http(first, "GET", "/health").is_some());

    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    site_config(&dir, &server, &listen(taken.local_addr().expect("address")));
    assert!(signal(daemon.id(), "HUP"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        http(first, "GET", "/metrics").is_some_and(|(status, _)| status == 200),
        "the rejected reload kept the running endpoint"
    );

    let second = free_address();
    site_config(&dir, &server, &listen(second));
    assert!(signal(daemon.id(), "HUP"));
    wait_for("the moved endpoint", || {
        http(second, "GET", "/health").is_some()
    });
    wait_for("the old address let go", || {
        http(first, "GET", "/health").is_none()
    });
    let out = daemon.terminate(Duration::from_secs(20));
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{logs}");
    assert!(
        logs.contains("reload rejected") && logs.contains("cannot listen on metrics.listen"),
        "{logs}"
    );
}

/// Sends signal `name` (e.g. "HUP") to `pid`; whether it was delivered.
fn signal(pid: u32, name: &str) -> bool {
    std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("run kill(1)")
        .success()
}
