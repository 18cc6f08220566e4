//! What a run of the daemon did, counted poll by poll.

use crate::poll::PollReport;

/// Totals of a run, printed by `run --once`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    /// Sources polled.
    pub polled: usize,
    /// Polls that failed.
    pub failed: usize,
    /// New articles stored.
    pub stored: usize,
    /// Items only linked to an article already stored.
    pub linked: usize,
    /// Alerts raised.
    pub alerts: usize,
    /// Alerts raised by backfilling new or changed rules over stored articles.
    pub backfill_alerts: usize,
    /// Deliveries made.
    pub delivered: usize,
}

impl RunSummary {
    pub(super) fn add_poll(&mut self, poll: &PollReport) {
        self.polled += 1;
        self.failed += usize::from(poll.failed);
        self.stored += poll.stored;
        self.linked += poll.linked;
        self.alerts += poll.alerts;
    }

    /// A poll task that panicked counts as a failed poll.
    pub(super) fn add_crashed_poll(&mut self) {
        self.polled += 1;
        self.failed += 1;
    }

    /// Whether sources were polled and every poll failed (the network is likely down).
    pub fn all_failed(&self) -> bool {
        self.polled > 0 && self.failed == self.polled
    }
}
