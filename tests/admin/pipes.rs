//! A reader that goes away (`newswatch alerts | head -1`): every verb ends quietly with
//! status 0 instead of panicking on the closed pipe.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::common::process::newswatch_bin;
use crate::{DemoRun, LIMIT};

#[test]
fn every_verb_ends_quietly_when_its_reader_has_gone() {
    let demo = DemoRun::new();
    let config = demo.config();
    let config = config.to_str().expect("UTF-8");
    let verbs: [&[&str]; 10] = [
        &["stats"],
        &["stats", "--json"],
        &["sources"],
        &["alerts"],
        &["alerts", "--json"],
        &["search", "митинг"],
        &["story", "1", "--article"],
        &["rules"],
        &["article", "1", "--text"],
        &["sinks"],
    ];
    for verb in verbs {
        // The pipe's reader is closed before the command starts: its first write fails.
        let (reader, writer) = std::io::pipe().expect("create a pipe");
        drop(reader);
        let mut command = Command::new(newswatch_bin());
        command.args(verb).args(["--config", config]);
        let (status, stderr) = run_into(command, writer);
        assert_eq!(status.code(), Some(0), "{verb:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{verb:?}: {stderr}");
    }
}

/// Runs `command` with its stdout on `stdout`, killing it after [`LIMIT`]; returns its status
/// and stderr (small: read once it has exited).
fn run_into(mut command: Command, stdout: std::io::PipeWriter) -> (ExitStatus, String) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn newswatch");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll the child") {
            break status;
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            break child.wait().expect("reap the child");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    (status, stderr)
}
