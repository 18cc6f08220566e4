//! Admission of polls: at most `global` in flight, at most `per_host` per feed host, the rest
//! waiting in arrival order.
//!
//! A poll is only started once it has both slots, so nothing in flight sits waiting for a
//! busy host: one slow host's sources queue here, costing a few bytes each, and never hold a
//! slot another host could use. Pure bookkeeping; the daemon starts the polls.

use std::collections::{HashMap, VecDeque};

/// Poll slots, global and per host.
#[derive(Debug)]
pub struct Slots {
    global: usize,
    per_host: usize,
    running: usize,
    by_host: HashMap<String, usize>,
    waiting: VecDeque<(usize, String)>,
}

impl Slots {
    /// Slots for `global` polls at once, `per_host` of them to one host.
    pub fn new(global: usize, per_host: usize) -> Slots {
        Slots {
            global: global.max(1),
            per_host: per_host.max(1),
            running: 0,
            by_host: HashMap::new(),
            waiting: VecDeque::new(),
        }
    }

    /// Queues the poll of source `index` on `host`.
    pub fn push(&mut self, index: usize, host: String) {
        self.waiting.push_back((index, host));
    }

    /// The oldest waiting poll that may start now, counted as running. Skipping polls of
    /// full hosts costs a scan of the waiting line, which is short unless hosts are slow.
    pub fn admit(&mut self) -> Option<usize> {
        if self.running >= self.global {
            return None;
        }
        let per_host = self.per_host;
        let position = self
            .waiting
            .iter()
            .position(|(_, host)| self.by_host.get(host).copied().unwrap_or(0) < per_host)?;
        let (index, host) = self.waiting.remove(position)?;
        self.running += 1;
        *self.by_host.entry(host).or_default() += 1;
        Some(index)
    }

    /// Frees the slots of a finished poll on `host`.
    pub fn finish(&mut self, host: &str) {
        self.running = self.running.saturating_sub(1);
        if let Some(count) = self.by_host.get_mut(host) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.by_host.remove(host);
            }
        }
    }

    /// Polls waiting for a slot.
    pub fn waiting(&self) -> usize {
        self.waiting.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(slots: &mut Slots) -> Vec<usize> {
        std::iter::from_fn(|| slots.admit()).collect()
    }

    #[test]
    fn a_full_host_waits_while_other_hosts_start() {
        let mut slots = Slots::new(4, 2);
        for i in 0..5 {
            slots.push(i, "slow:80".into());
        }
        slots.push(5, "fast:80".into());
        slots.push(6, "fast:80".into());
        assert_eq!(drain(&mut slots), vec![0, 1, 5, 6]);
        assert_eq!(slots.waiting(), 3);
        slots.finish("fast:80");
        assert_eq!(
            drain(&mut slots),
            Vec::<usize>::new(),
            "slow host is still full"
        );
        slots.finish("slow:80");
        assert_eq!(drain(&mut slots), vec![2]);
    }

    #[test]
    fn the_global_limit_caps_polls_in_flight() {
        let mut slots = Slots::new(3, 8);
        for i in 0..10 {
            slots.push(i, format!("h{i}:80"));
        }
        assert_eq!(drain(&mut slots), vec![0, 1, 2]);
        slots.finish("h1:80");
        assert_eq!(drain(&mut slots), vec![3]);
        assert_eq!(slots.waiting(), 6);
    }
}
