//! The `command` sink: runs the configured program (argv exactly as configured, no shell)
//! with the alert as JSON on stdin. Article text only ever reaches the program via stdin.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncWriteExt;

use crate::config::{CommandSpec, SinkSpec};

use super::channel::{MAX_REPLY_BYTES, SendError, keep_head, tail};
use super::message::Outgoing;

/// A configured program.
pub struct Command {
    name: String,
    argv: Vec<String>,
    timeout: Duration,
}

impl Command {
    /// A command sink for `spec`.
    pub fn new(spec: &CommandSpec, sink: &SinkSpec) -> Command {
        Command {
            name: sink.name.clone(),
            argv: spec.argv.clone(),
            timeout: sink.timeout,
        }
    }

    /// Runs the program once; exit status 0 is success.
    pub async fn send(&self, message: &Outgoing<'_>) -> Result<(), SendError> {
        let (program, args) = self.argv.split_first().ok_or_else(|| {
            SendError::sink(format!("command sink {:?}: empty command", self.name))
        })?;
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|err| {
                SendError::sink(format!(
                    "command sink {:?}: cannot start {program:?}: {err}; check the path and permissions",
                    self.name
                ))
            })?;
        let mut input = message.json(&self.name).to_string().into_bytes();
        input.push(b'\n');
        let run = async {
            if let Some(mut stdin) = child.stdin.take() {
                // A program that exits without reading stdin is judged by its exit status.
                let _ = stdin.write_all(&input).await;
            }
            // stderr is read while the program runs: a full pipe would block it.
            let stderr = match child.stderr.take() {
                Some(pipe) => keep_head(pipe, MAX_REPLY_BYTES).await,
                None => Vec::new(),
            };
            child.wait().await.map(|status| (status, stderr))
        };
        let (status, stderr) = match tokio::time::timeout(self.timeout, run).await {
            Ok(Ok(done)) => done,
            Ok(Err(err)) => {
                return Err(SendError::sink(format!(
                    "command sink {:?}: waiting for {program:?} failed: {err}",
                    self.name
                )));
            }
            Err(_) => {
                return Err(SendError::sink(format!(
                    "command sink {:?}: {program:?} ran longer than {}s and was killed; raise the sink's timeout or make the program faster",
                    self.name,
                    self.timeout.as_secs()
                )));
            }
        };
        if status.success() {
            return Ok(());
        }
        let stderr = String::from_utf8_lossy(&stderr);
        Err(SendError::message(format!(
            "command sink {:?}: {program:?} exited with {}: {}",
            self.name,
            status,
            tail(&stderr, 500)
        )))
    }
}
