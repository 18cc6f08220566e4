//! `newswatch poll SOURCE`: in this process when no daemon runs, through the running daemon
//! (a request row its scheduler takes) when one does; a failed poll exits 1 with its error.

use std::time::Duration;

use serde_json::Value;

use crate::LIMIT;
use crate::common::process::{TestDir, count, run_newswatch, spawn_newswatch};
use crate::common::response::Response;
use crate::common::server::TestServer;
use crate::live::{FEED, serve_site, site_config, wait_for};

fn poll(config: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["poll", "--config", config.to_str().expect("UTF-8")];
    all.extend(args);
    run_newswatch(&all, LIMIT)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn without_a_daemon_the_source_is_polled_here_and_its_alerts_delivered() {
    let server = TestServer::start();
    serve_site(&server);
    let dir = TestDir::new();
    let config = site_config(&dir, &server, "");

    let out = poll(&config, &["vlast", "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let polled: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(polled["via"], "direct", "{polled}");
    assert_eq!(polled["ok"], true, "{polled}");
    assert_eq!(polled["stored"], 2, "{polled}");
    assert_eq!(polled["alerts"], 1, "{polled}");
    assert_eq!(polled["delivered"], 1, "{polled}");
    assert!(
        text(&out.stderr).contains("newswatch::alert"),
        "{}",
        text(&out.stderr)
    );

    let again = poll(&config, &["vlast"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout)
            .contains("polled vlast (here, no daemon running; 0 deliveries made): 0 new articles"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(server.hits(FEED), 2);

    server.route(FEED, Response::status(500));
    let failed = poll(&config, &["vlast"]);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
    assert!(
        text(&failed.stderr).contains("error: polling vlast failed:")
            && text(&failed.stderr).contains("500"),
        "{}",
        text(&failed.stderr)
    );

    let unknown = poll(&config, &["nosuch"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("no source named \"nosuch\""));
}

#[test]
fn with_a_daemon_running_the_daemon_polls_at_once_and_answers() {
    let server = TestServer::start();
    serve_site(&server);
    let dir = TestDir::new();
    let config = site_config(&dir, &server, "");
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().expect("UTF-8")]);
    wait_for("the first poll", || server.hits(FEED) == 1);

    let out = poll(&config, &["vlast", "--json", "--wait", "30s"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let polled: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(polled["via"], "daemon", "{polled}");
    assert_eq!(polled["ok"], true, "{polled}");
    assert_eq!(polled["stored"], 0, "{polled}");
    assert_eq!(polled["delivered"], Value::Null, "{polled}");
    assert_eq!(server.hits(FEED), 2, "the daemon polled once more, at once");

    server.route(FEED, Response::status(500));
    let failed = poll(&config, &["vlast", "--wait", "30s"]);
    assert_eq!(failed.status.code(), Some(1), "{}", text(&failed.stderr));
    assert!(
        text(&failed.stderr).contains("error: polling vlast failed:")
            && text(&failed.stderr).contains("500"),
        "{}",
        text(&failed.stderr)
    );
    assert_eq!(server.hits(FEED), 3);
    assert_eq!(
        count(
            &dir.path().join("n.db"),
            "SELECT count(*) FROM poll_requests"
        ),
        0,
        "answered requests are removed"
    );
    let out = daemon.terminate(Duration::from_secs(20));
    let logs = text(&out.stderr);
    assert!(out.status.success(), "{logs}");
    assert!(logs.contains("polling now, as asked"), "{logs}");
}
