//! A daemon that cannot be knocked over, end to end through the real binary: reloads that
//! would fail are refused, one daemon per database, systemd hears start-up work, files that
//! never end are refused, `check-config` finds every problem `run` would, honest exit codes,
//! and admins read the database with or without a running daemon.
//!
//! This file holds the shared set-up; the tests live in `robust/` (daemon, inputs, admin),
//! included as modules so they build as one test binary.

#[allow(dead_code)]
mod common;

#[path = "robust/admin.rs"]
mod admin;
#[path = "robust/daemon.rs"]
mod daemon;
#[path = "robust/inputs.rs"]
mod inputs;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_newswatch};
use common::response::Response;
use common::server::TestServer;

/// Bound on any one command.
pub const LIMIT: Duration = Duration::from_secs(60);

/// A test folder with a config whose one source is `url`, one rule and a log sink; `extra`
/// is appended (more tables).
pub fn config_with(dir: &TestDir, url: &str, extra: &str) -> PathBuf {
    dir.write_config(&format!(
        "[storage]\ndatabase = \"n.db\"\n\n[fetch]\nallow_private_addresses = true\n\
         timeout = \"3s\"\nconnect_timeout = \"1s\"\nper_host_delay = \"0s\"\n\n\
         [[source]]\nname = \"azattyq\"\nurl = \"{url}\"\ninterval = \"10m\"\nextract = false\n\n\
         [[rule]]\nname = \"prisoners\"\nquery = '\"саяси тұтқын\"'\n\n[[sink]]\nkind = \"log\"\n{extra}"
    ))
}

/// Serves `path` as a feed with one item about political prisoners.
pub fn serve_feed(server: &TestServer, path: &str) {
    let item = FeedItem {
        title: "Саяси тұтқындар",
        link: &server.url("/a/1.html"),
        guid: "a-1",
        pub_date: "2026-01-08T14:30:00+05:00",
        description: "Белсенділер саяси тұтқындарды босатуды талап етті.",
    };
    server.route(
        path,
        Response::ok("application/rss+xml", rss_feed("Azattyq", &[item])),
    );
}

/// Runs `newswatch ARGS --config CONFIG`.
pub fn cli(args: &[&str], config: &Path) -> Output {
    let mut all = args.to_vec();
    all.extend(["--config", config.to_str().expect("UTF-8 path")]);
    run_newswatch(&all, LIMIT)
}

/// Stderr as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Waits up to 30 s for `done`.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(done(), "timed out waiting for {what}");
}

/// Sends signal `name` (e.g. "HUP", "0") to `pid`; whether it was delivered.
pub fn signal(pid: u32, name: &str) -> bool {
    Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run kill(1)")
        .success()
}
