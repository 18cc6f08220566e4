//! Per-host politeness: at most N requests in flight to one host, a minimum spacing between
//! request starts, and pauses a host asked for with `Retry-After`.
//!
//! Each host has its own semaphore and clock, so a slow host only ever delays itself. State
//! is in memory; a host pause also lands on the source's next due time, which is persisted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

/// The politeness key of a URL: host and port, since two ports may be two servers.
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or(""),
        url.port_or_known_default().unwrap_or(0)
    )
}

/// Hosts remembered before idle ones are forgotten (article links reach many hosts over
/// months; an idle host's state is worth nothing).
const PRUNE_AT: usize = 4096;

/// Per-host limits shared by every request.
pub struct HostGate {
    per_host: usize,
    spacing: Duration,
    hosts: Mutex<Hosts>,
}

struct Hosts {
    map: HashMap<String, Arc<HostState>>,
    /// Size at which idle hosts are pruned next; doubles with the busy set, so pruning stays
    /// amortised O(1) per request.
    prune_at: usize,
}

struct HostState {
    permits: Arc<Semaphore>,
    /// When the next request to this host may start.
    next_start: Mutex<Instant>,
    /// Set by a `Retry-After`: no request before this time.
    paused_until: Mutex<Option<DateTime<Utc>>>,
}

/// Permission to send one request to a host; the slot frees when dropped.
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

impl HostGate {
    /// A gate allowing `per_host` requests at once per host, starting `spacing` apart.
    pub fn new(per_host: usize, spacing: Duration) -> HostGate {
        HostGate {
            per_host: per_host.max(1),
            spacing,
            hosts: Mutex::new(Hosts {
                map: HashMap::new(),
                prune_at: PRUNE_AT,
            }),
        }
    }

    fn state(&self, host: &str) -> Arc<HostState> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.map.len() >= hosts.prune_at {
            let now = Instant::now();
            hosts.map.retain(|_, state| !state.idle(now));
            hosts.prune_at = (hosts.map.len() * 2).max(PRUNE_AT);
        }
        let state = hosts.map.entry(host.to_string()).or_insert_with(|| {
            Arc::new(HostState {
                permits: Arc::new(Semaphore::new(self.per_host)),
                next_start: Mutex::new(Instant::now()),
                paused_until: Mutex::new(None),
            })
        });
        Arc::clone(state)
    }

    /// Waits for a free slot on `host` and its spacing, or returns the pause end if the host
    /// asked us to wait.
    pub async fn enter(&self, host: &str) -> Result<HostPermit, DateTime<Utc>> {
        let state = self.state(host);
        if let Some(until) = state.paused() {
            return Err(until);
        }
        let permit = Arc::clone(&state.permits)
            .acquire_owned()
            .await
            .map_err(|_| Utc::now())?;
        let start = state.reserve_start(self.spacing);
        // A timer rounds up to the next millisecond tick: only arm one when there is a wait.
        if start > Instant::now() {
            tokio::time::sleep_until(start).await;
        }
        Ok(HostPermit { _permit: permit })
    }

    /// Pauses `host` until `until` (from a `Retry-After`); later pauses win.
    pub fn pause(&self, host: &str, until: DateTime<Utc>) {
        let state = self.state(host);
        let mut paused = state.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        if paused.is_none_or(|p| p < until) {
            *paused = Some(until);
        }
    }
}

impl HostState {
    /// Nothing in flight or waiting, no spacing or pause pending: safe to forget.
    fn idle(self: &Arc<Self>, now: Instant) -> bool {
        Arc::strong_count(self) == 1
            && Arc::strong_count(&self.permits) == 1
            && *self.next_start.lock().unwrap_or_else(|p| p.into_inner()) <= now
            && self.paused().is_none()
    }

    /// Books the earliest start at least `spacing` after the previous booking.
    fn reserve_start(&self, spacing: Duration) -> Instant {
        let mut next = self.next_start.lock().unwrap_or_else(|p| p.into_inner());
        let start = (*next).max(Instant::now());
        *next = start + spacing;
        start
    }

    fn paused(&self) -> Option<DateTime<Utc>> {
        let mut paused = self.paused_until.lock().unwrap_or_else(|p| p.into_inner());
        match *paused {
            Some(until) if until > Utc::now() => Some(until),
            Some(_) => {
                *paused = None;
                None
            }
            None => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_keys_include_the_port() {
        let key = |u: &str| host_key(&Url::parse(u).unwrap());
        assert_eq!(key("https://Example.kz/a"), "example.kz:443");
        assert_eq!(key("http://127.0.0.1:8080/a"), "127.0.0.1:8080");
    }

    #[tokio::test]
    async fn a_full_host_does_not_block_another_host() {
        let gate = HostGate::new(1, Duration::ZERO);
        let _busy = gate.enter("slow.example").await.unwrap();
        let other = tokio::time::timeout(Duration::from_secs(5), gate.enter("fast.example")).await;
        assert!(matches!(other, Ok(Ok(_))));
        let same =
            tokio::time::timeout(Duration::from_millis(50), gate.enter("slow.example")).await;
        assert!(same.is_err(), "a second request to a full host got through");
    }

    #[test]
    fn request_starts_to_one_host_are_booked_spacing_apart() {
        let gate = HostGate::new(4, Duration::from_secs(2));
        let state = gate.state("a.example");
        let first = state.reserve_start(gate.spacing);
        let second = state.reserve_start(gate.spacing);
        let third = state.reserve_start(gate.spacing);
        assert_eq!(second - first, Duration::from_secs(2));
        assert_eq!(third - second, Duration::from_secs(2));
        let other = gate.state("b.example").reserve_start(gate.spacing);
        assert!(
            other < second,
            "another host waited for this host's spacing"
        );
    }

    #[tokio::test]
    async fn idle_hosts_are_forgotten_and_busy_ones_kept() {
        let gate = HostGate::new(1, Duration::ZERO);
        let busy = gate.enter("busy.example").await.unwrap();
        gate.pause("paused.example", Utc::now() + chrono::Duration::hours(1));
        for i in 0..PRUNE_AT {
            drop(gate.enter(&format!("h{i}.example")).await.unwrap());
        }
        let hosts = gate.hosts.lock().unwrap();
        assert!(hosts.map.len() < 10, "{} hosts kept", hosts.map.len());
        assert!(hosts.map.contains_key("busy.example"));
        assert!(hosts.map.contains_key("paused.example"));
        drop(hosts);
        drop(busy);
    }

    #[tokio::test]
    async fn a_paused_host_refuses_until_the_pause_ends() {
        let gate = HostGate::new(2, Duration::ZERO);
        let until = Utc::now() + chrono::Duration::hours(1);
        gate.pause("a.example", until);
        gate.pause("a.example", until - chrono::Duration::minutes(5));
        assert_eq!(gate.enter("a.example").await.err(), Some(until));
        gate.pause("b.example", Utc::now() - chrono::Duration::seconds(1));
        assert!(gate.enter("b.example").await.is_ok());
    }
}
