//! The admin's side: honest exit codes of `search` and `alerts retry`, logs that keep alerts
//! and drop parser noise, and reading the database without write access.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use crate::common::process::{TestDir, run_with_timeout};
use crate::common::server::TestServer;
use crate::{LIMIT, cli, config_with, serve_feed, stderr};

/// A test folder whose database holds one article (and its alert), the daemon stopped.
fn stored(server: &TestServer) -> (TestDir, std::path::PathBuf) {
    serve_feed(server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/rss"), "");
    let out = cli(&["run", "--once"], &config);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, config)
}

#[test]
fn search_with_bad_syntax_exits_2_with_a_human_message() {
    let server = TestServer::start();
    let (_dir, config) = stored(&server);
    for query in ["\"", "*", "x:y", "{a b}:c", "AND ("] {
        let out = cli(&["search", query], &config);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{query}: {err}");
        assert!(err.contains("bad search query"), "{query}: {err}");
        assert!(!err.contains("SQL logic error"), "{query}: {err}");
    }
    let out = cli(&["search", "тұтқындарды"], &config);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Саяси тұтқындар"));
}

#[test]
fn alerts_retry_of_a_missing_alert_fails_with_a_message() {
    let server = TestServer::start();
    let (_dir, config) = stored(&server);
    let out = cli(&["alerts", "retry", "999"], &config);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("there is no alert #999"),
        "{}",
        stderr(&out)
    );
    let out = cli(&["alerts", "retry", "1"], &config);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_log_sink_survives_rust_log_warn_and_debug_stays_on_newswatch() {
    let server = TestServer::start();
    serve_feed(&server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/rss"), "");
    let mut command = Command::new(crate::common::process::newswatch_bin());
    command
        .args(["run", "--once", "--config", config.to_str().unwrap()])
        .env("RUST_LOG", "warn");
    let out = run_with_timeout(command, LIMIT);
    let logs = stderr(&out);
    assert!(out.status.success(), "{logs}");
    assert!(
        logs.contains("newswatch::alert") && logs.contains("rule=prisoners"),
        "RUST_LOG=warn hid the log sink's alert: {logs}"
    );
    assert!(!logs.contains("newswatch started"), "{logs}");

    let page = dir.write_file(
        "page.html",
        "<html><body><article><p>Белсенділер саяси тұтқындарды босатуды талап етті.</p></article></body></html>",
    );
    let mut command = Command::new(crate::common::process::newswatch_bin());
    command
        .args(["extract", "--file", page.to_str().unwrap()])
        .env("RUST_LOG", "debug");
    let out = run_with_timeout(command, LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("html5ever"), "{}", stderr(&out));
}

/// Runs `program args` as user and group 65534 (nobody), if this test runs as root and
/// `setpriv` exists; `None` otherwise.
fn as_nobody(program: &Path, args: &[&str]) -> Option<std::process::Output> {
    let root = Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&root.stdout).trim() != "0" {
        return None;
    }
    let mut command = Command::new("setpriv");
    command
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(program)
        .args(args);
    Some(run_with_timeout(command, LIMIT)).filter(|out| out.status.code() != Some(127))
}

#[test]
fn admins_read_a_stopped_database_without_write_access() {
    let server = TestServer::start();
    let (dir, config) = stored(&server);
    let db = dir.path().join("n.db");
    let wal = dir.path().join("n.db-wal");
    assert!(
        !wal.exists(),
        "a stopped daemon must leave no write-ahead log"
    );
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let out = cli(&["stats"], &config);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(listing(), before, "a read-only command created files");

    // The admin group may read, not write: model it with "nobody" and read-only modes.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for file in ["n.db", "newswatch.toml"] {
        let path = dir.path().join(file);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let bin = crate::common::process::newswatch_bin();
    let Some(stats) = as_nobody(&bin, &["stats", "--config", config.to_str().unwrap()]) else {
        eprintln!("skipped the no-write-access half: needs root and setpriv");
        return;
    };
    assert!(
        stats.status.success(),
        "stats as nobody: {}",
        stderr(&stats)
    );
    assert!(String::from_utf8_lossy(&stats.stdout).contains("articles:   1"));
    let db = db.to_str().unwrap();
    if let Some(sqlite) = as_nobody(
        Path::new("sqlite3"),
        &["-readonly", db, "SELECT count(*) FROM articles"],
    ) {
        assert!(
            sqlite.status.success(),
            "sqlite3 -readonly: {}",
            stderr(&sqlite)
        );
        assert_eq!(String::from_utf8_lossy(&sqlite.stdout).trim(), "1");
    }
}
