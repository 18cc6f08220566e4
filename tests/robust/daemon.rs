//! The daemon's life: reloads, the database lock, systemd notifications, `run --once` exit
//! codes and a source whose URL was fixed.

use std::os::unix::net::UnixDatagram;
use std::time::Duration;

use crate::common::process::{Running, TestDir, count, newswatch_bin, spawn_newswatch};
use crate::common::response::Response;
use crate::common::server::TestServer;
use crate::{LIMIT, cli, config_with, serve_feed, signal, stderr, wait_for};

#[test]
fn a_reload_that_cannot_run_is_refused_and_the_running_config_kept() {
    let server = TestServer::start();
    serve_feed(&server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/rss"), "");
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().unwrap()]);
    wait_for("the first poll", || server.hits("/rss") == 1);
    config_with(
        &dir,
        &server.url("/rss"),
        "\n[[sink]]\nkind = \"telegram\"\nname = \"tg\"\ntoken_file = \"missing.token\"\nchat_id = 5\n",
    );
    assert!(signal(daemon.id(), "HUP"));
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        signal(daemon.id(), "0"),
        "the daemon died on a reload it should have refused"
    );
    let moved = std::fs::read_to_string(&config)
        .unwrap()
        .replace("database = \"n.db\"", "database = \"other.db\"");
    std::fs::write(&config, moved).unwrap();
    assert!(signal(daemon.id(), "HUP"));
    std::thread::sleep(Duration::from_secs(1));
    assert!(
        signal(daemon.id(), "0"),
        "the daemon died on a moved database"
    );
    let out = daemon.terminate(Duration::from_secs(20));
    let logs = stderr(&out);
    assert!(out.status.success(), "exit {}: {logs}", out.status);
    assert!(
        logs.contains("reload rejected, keeping the running config")
            && logs.contains("sink \"tg\": cannot read its secret")
            && logs.contains("missing.token"),
        "{logs}"
    );
    assert!(logs.contains("a reload cannot move the database"), "{logs}");
    assert!(!dir.path().join("other.db").exists());
    assert!(
        !logs.contains("restarting with the reloaded config"),
        "{logs}"
    );
}

#[test]
fn a_second_daemon_on_one_database_is_refused_while_readers_work() {
    let server = TestServer::start();
    serve_feed(&server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/rss"), "");
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().unwrap()]);
    wait_for("the first poll", || server.hits("/rss") == 1);
    let second = cli(&["run", "--once"], &config);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("another newswatch is already running on database")
            && stderr(&second).contains("n.db.lock"),
        "{}",
        stderr(&second)
    );
    for args in [
        &["stats"][..],
        &["sources"],
        &["search", "тұтқын"],
        &["alerts"],
    ] {
        let out = cli(args, &config);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let out = daemon.terminate(Duration::from_secs(20));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(server.hits("/rss"), 1, "the refused run must not poll");
}

#[test]
fn systemd_hears_start_up_work_before_ready_and_the_watchdog_is_fed() {
    let server = TestServer::start();
    serve_feed(&server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/rss"), "");
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut command = std::process::Command::new(newswatch_bin());
    command
        .args(["run", "--config", config.to_str().unwrap()])
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "400000");
    let daemon = Running::spawn(command);
    let mut heard: Vec<String> = Vec::new();
    let mut buf = [0u8; 512];
    for _ in 0..60 {
        let ready = heard.iter().position(|m| m.starts_with("READY=1"));
        let fed = ready.is_some_and(|r| heard[r..].iter().any(|m| m == "WATCHDOG=1"));
        if fed {
            break;
        }
        let Ok(n) = socket.recv(&mut buf) else { break };
        heard.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    drop(daemon.terminate(Duration::from_secs(20)));
    let extend = heard
        .iter()
        .position(|m| m.starts_with("EXTEND_TIMEOUT_USEC=") && m.contains("STATUS=starting"));
    let ready = heard.iter().position(|m| m.starts_with("READY=1"));
    assert!(
        matches!((extend, ready), (Some(e), Some(r)) if e < r),
        "start-up work must extend the start timeout before READY=1: {heard:?}"
    );
    assert!(
        heard
            .iter()
            .any(|m| m.contains("STATUS=starting: running new or changed rules")),
        "{heard:?}"
    );
    let ready = ready.unwrap_or(0);
    assert!(
        heard[ready..].iter().any(|m| m == "WATCHDOG=1"),
        "{heard:?}"
    );
}

#[test]
fn run_once_exits_1_when_no_source_could_be_polled() {
    let server = TestServer::start();
    server.route("/down", Response::status(503));
    serve_feed(&server, "/rss");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/down"), "");
    let out = cli(&["run", "--once"], &config);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no source could be polled — is the network up?"),
        "{}",
        stderr(&out)
    );
    let both = config_with(
        &dir,
        &server.url("/down"),
        &format!(
            "\n[[source]]\nname = \"up\"\nurl = \"{}\"\ninterval = \"10m\"\n",
            server.url("/rss")
        ),
    );
    let out = cli(&["run", "--once"], &both);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("polled 2 sources (1 failed)"));
}

#[test]
fn a_source_whose_url_changed_is_polled_at_once_with_a_clean_slate() {
    let server = TestServer::start();
    server.route("/old", Response::status(500));
    serve_feed(&server, "/new");
    let dir = TestDir::new();
    let config = config_with(&dir, &server.url("/old"), "");
    assert!(cli(&["run", "--once"], &config).status.code().is_some());
    let listing = String::from_utf8_lossy(&cli(&["sources"], &config).stdout).into_owned();
    assert!(listing.contains("FAILING x1"), "{listing}");

    let config = config_with(&dir, &server.url("/new"), "");
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().unwrap()]);
    let db = dir.path().join("n.db");
    let healthy =
        "SELECT count(*) FROM sources WHERE consecutive_failures = 0 AND last_error IS NULL";
    wait_for("the fixed URL to be polled", || {
        server.hits("/new") == 1 && count(&db, healthy) == 1
    });
    let listing = String::from_utf8_lossy(&cli(&["sources"], &config).stdout).into_owned();
    let out = daemon.terminate(LIMIT);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !listing.contains("FAILING") && !listing.contains("last error"),
        "{listing}"
    );
    assert_eq!(server.hits("/old"), 1);
}
