//! Running the real `newswatch` binary from integration tests: its path, a bounded run that
//! kills a child that overstays, a background run stopped with SIGTERM (graceful shutdown
//! tests), and a temporary directory holding a config.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How often a bounded run checks whether the child has exited.
const POLL: Duration = Duration::from_millis(20);

/// Path of the `newswatch` binary cargo built for these tests.
pub fn newswatch_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_newswatch"))
}

/// Runs `newswatch args...` and returns its output. A child still running after `timeout`
/// is killed; its `status.code()` is then `None` (killed by a signal), so tests can tell a
/// hang from a failure.
pub fn run_newswatch(args: &[&str], timeout: Duration) -> Output {
    run_with_timeout(newswatch_command(args), timeout)
}

/// Starts `newswatch args...` in the background (e.g. `run --config ...`); stop it with
/// [`Running::terminate`] to exercise graceful shutdown.
pub fn spawn_newswatch(args: &[&str]) -> Running {
    Running::spawn(newswatch_command(args))
}

fn newswatch_command(args: &[&str]) -> Command {
    let mut command = Command::new(newswatch_bin());
    command.args(args);
    command
}

/// Runs `command` with captured stdout/stderr and kills it after `timeout`.
pub fn run_with_timeout(command: Command, timeout: Duration) -> Output {
    Running::spawn(command).finish(timeout)
}

/// A child process with its output being collected. Dropping it kills the child, so a
/// failing test never leaves a daemon behind.
pub struct Running {
    child: Child,
    stdout: Option<thread::JoinHandle<Vec<u8>>>,
    stderr: Option<thread::JoinHandle<Vec<u8>>>,
}

impl Running {
    /// Spawns `command` with stdin closed and stdout/stderr captured.
    pub fn spawn(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn child process");
        // Drain both pipes on threads: a child that fills a pipe would otherwise block.
        let stdout = Some(drain(child.stdout.take()));
        let stderr = Some(drain(child.stderr.take()));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// The child's process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, then waits up to `timeout` for the child to exit (killing it after
    /// that). A clean graceful shutdown shows as `status.success()`.
    pub fn terminate(self, timeout: Duration) -> Output {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill(1)");
        assert!(sent.success(), "kill -TERM failed: {sent}");
        self.finish(timeout)
    }

    /// Waits up to `timeout` for the child to exit on its own, killing it after that.
    pub fn finish(mut self, timeout: Duration) -> Output {
        let status = wait_bounded(&mut self.child, timeout);
        Output {
            status,
            stdout: join(self.stdout.take()),
            stderr: join(self.stderr.take()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn drain(pipe: Option<impl Read + Send + 'static>) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

fn join(reader: Option<thread::JoinHandle<Vec<u8>>>) -> Vec<u8> {
    reader.map_or_else(Vec::new, |r| r.join().expect("output reader"))
}

fn wait_bounded(child: &mut Child, timeout: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if let Some(status) = child.try_wait().expect("poll child") {
            return status;
        }
        thread::sleep(POLL);
    }
    let _ = child.kill();
    child.wait().expect("reap killed child")
}

/// A temporary directory for one test: config, database and any files the test writes.
/// Removed when dropped.
pub struct TestDir {
    dir: tempfile::TempDir,
}

impl Default for TestDir {
    fn default() -> Self {
        Self::new()
    }
}

impl TestDir {
    /// Creates an empty directory under the system temp dir.
    pub fn new() -> TestDir {
        TestDir {
            dir: tempfile::tempdir().expect("create temp dir"),
        }
    }

    /// The directory's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `newswatch.toml` and returns its path. A relative `database` in the config is
    /// resolved against this directory by the daemon.
    pub fn write_config(&self, toml: &str) -> PathBuf {
        self.write_file("newswatch.toml", toml)
    }

    /// Writes `name` (relative to the directory) and returns its path.
    pub fn write_file(&self, name: &str, contents: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, contents).expect("write test file");
        path
    }
}

/// Runs `newswatch ARGS --config CONFIG`, asserts it succeeded (showing its stderr if not) and
/// returns its stdout.
pub fn run_checked(args: &[&str], config: &Path, timeout: Duration) -> String {
    let mut all = args.to_vec();
    all.extend(["--config", config.to_str().expect("config path is UTF-8")]);
    let out = run_newswatch(&all, timeout);
    assert!(
        out.status.success(),
        "{args:?} failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `newswatch run --once --config CONFIG` where every source is expected to fail: asserts
/// the run says so with exit 1 (so cron notices) and returns its stderr.
pub fn run_once_all_failing(config: &Path, timeout: Duration) -> String {
    let path = config.to_str().expect("config path is UTF-8");
    let out = run_newswatch(&["run", "--once", "--config", path], timeout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no source could be polled"), "{stderr}");
    stderr
}

/// The single integer a SQL query over the database at `db` returns (e.g. a `count(*)`).
pub fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open the test database");
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|err| panic!("{sql}: {err}"))
}
