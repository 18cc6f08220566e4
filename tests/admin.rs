//! The admin surface end to end through the real binary: the offline demo and the commands
//! admins script against (backup, JSON output, rules/sinks/article views).
//!
//! This file holds the shared set-up: most tests start from a database the demo filled. The
//! tests live in `admin/`, included as modules so they build as one test binary.

#[allow(dead_code)]
mod common;

#[path = "admin/backup.rs"]
mod backup;
#[path = "admin/demo.rs"]
mod demo;
#[path = "admin/json.rs"]
mod json;
#[path = "admin/live.rs"]
mod live;
#[path = "admin/metrics.rs"]
mod metrics;
#[path = "admin/pipes.rs"]
mod pipes;
#[path = "admin/poll.rs"]
mod poll;
#[path = "admin/retention.rs"]
mod retention;
#[path = "admin/sinks_test.rs"]
mod sinks_test;
#[path = "admin/timezone.rs"]
mod timezone;
#[path = "admin/verbs.rs"]
mod verbs;

use std::path::PathBuf;
use std::time::Duration;

use common::process::{TestDir, run_newswatch};

/// Bound on any one command.
const LIMIT: Duration = Duration::from_secs(60);

/// A folder the demo filled (`newswatch demo --dir`): its config, database and output.
struct DemoRun {
    dir: TestDir,
    stdout: String,
}

impl DemoRun {
    /// Runs `newswatch demo --dir` into a fresh folder and asserts it succeeded.
    fn new() -> DemoRun {
        let dir = TestDir::new();
        let path = dir.path().to_str().expect("temp path is UTF-8").to_string();
        let out = run_newswatch(&["demo", "--dir", &path], LIMIT);
        assert!(
            out.status.success(),
            "demo failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        DemoRun { dir, stdout }
    }

    /// The demo's config file.
    fn config(&self) -> PathBuf {
        self.dir.path().join("newswatch.toml")
    }

    /// The demo's database.
    fn database(&self) -> PathBuf {
        self.dir.path().join("demo.db")
    }
}
