//! What the daemon benches share: a server in a child process (started from the bench's own
//! binary with the argument `serve`, so its CPU and memory are not the bench's) and this
//! process's CPU time and memory figures from /proc.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A server running in a child process until [`ChildServer::stop`].
pub struct ChildServer {
    child: Child,
    /// The ports it listens on, as it printed them.
    pub ports: Vec<u16>,
}

impl ChildServer {
    /// Starts this binary with `serve` and reads the one line of ports it prints.
    pub fn start() -> ChildServer {
        let exe = std::env::current_exe().expect("own path");
        let mut child = Command::new(exe)
            .arg("serve")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the server");
        let mut ports_line = String::new();
        BufReader::new(child.stdout.take().expect("server stdout"))
            .read_line(&mut ports_line)
            .expect("read ports");
        let ports = ports_line
            .split_whitespace()
            .filter_map(|p| p.parse().ok())
            .collect();
        ChildServer { child, ports }
    }

    /// Closes its stdin (its signal to stop) and reaps it.
    pub fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// User plus system CPU time of this process, from /proc (clock ticks of 10 ms).
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

/// A memory figure of this process from /proc/self/status (`VmRSS:` now, `VmHWM:` peak), KiB.
pub fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string(Path::new("/proc/self/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
