//! The systemd notification protocol (`sd_notify`): readiness, reload, stop and watchdog
//! messages sent as datagrams to `$NOTIFY_SOCKET`.
//!
//! Without that variable (not under systemd `Type=notify`) every call does nothing. Failures
//! to send are logged, never fatal: the daemon's work matters more than its status line.

use std::os::unix::net::UnixDatagram;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Sends one notification, e.g. `"READY=1\nSTATUS=polling 13 sources"`.
pub fn notify(message: &str) {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    if let Err(err) = send(&PathBuf::from(&socket), message) {
        tracing::warn!(socket = ?socket, error = %err, "cannot notify systemd");
    }
}

fn send(socket: &std::path::Path, message: &str) -> std::io::Result<()> {
    let sender = UnixDatagram::unbound()?;
    let text = socket.to_string_lossy();
    if let Some(name) = text.strip_prefix('@') {
        use std::os::linux::net::SocketAddrExt;
        let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?;
        sender.send_to_addr(message.as_bytes(), &address)?;
    } else {
        sender.send_to(message.as_bytes(), socket)?;
    }
    Ok(())
}

/// Pings the systemd watchdog at half the period systemd asked for (`$WATCHDOG_USEC`), so a
/// scheduler loop that stops turning gets the service restarted.
pub struct Watchdog {
    every: Duration,
    last: Option<Instant>,
}

impl Watchdog {
    /// The watchdog systemd asked for, if any (honouring `$WATCHDOG_PID` when set).
    pub fn from_env() -> Option<Watchdog> {
        let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
        let for_us = std::env::var("WATCHDOG_PID")
            .ok()
            .and_then(|pid| pid.parse::<u32>().ok())
            .is_none_or(|pid| pid == std::process::id());
        (for_us && usec > 0).then(|| Watchdog {
            every: Duration::from_micros(usec) / 2,
            last: None,
        })
    }

    /// Pings if half the period passed since the last ping.
    pub fn tick(&mut self) {
        if self.last.is_none_or(|at| at.elapsed() >= self.every) {
            self.last = Some(Instant::now());
            notify("WATCHDOG=1");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_reach_a_path_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let receiver = UnixDatagram::bind(&path).unwrap();
        send(&path, "READY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = receiver.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
    }

    #[test]
    fn messages_reach_an_abstract_socket() {
        use std::os::linux::net::SocketAddrExt;
        let name = format!("newswatch-test-{}", std::process::id());
        let address = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        let receiver = UnixDatagram::bind_addr(&address).unwrap();
        send(std::path::Path::new(&format!("@{name}")), "STOPPING=1").unwrap();
        let mut buf = [0u8; 64];
        let n = receiver.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"STOPPING=1");
    }
}
