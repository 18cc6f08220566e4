//! What each stage of the article path costs, summed over a run, so the next bottleneck is
//! visible without a profiler. CPU-bound stages count the CPU time of the thread that ran them
//! (so a loaded machine does not inflate them); fetch counts wall time, as it mostly waits.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::page::PageError;

/// One stage's totals.
#[derive(Debug, Default)]
pub struct Stage {
    runs: AtomicU64,
    nanos: AtomicU64,
}

impl Stage {
    /// Counts one run that took `spent`.
    pub fn add(&self, spent: Duration) {
        self.runs.fetch_add(1, Ordering::Relaxed);
        self.add_time(spent);
    }

    /// Adds time without a run: work shared by runs already counted (one commit per batch).
    pub fn add_time(&self, spent: Duration) {
        let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
        self.nanos.fetch_add(nanos, Ordering::Relaxed);
    }

    /// Runs `f` on this thread and counts its CPU time.
    pub fn time<T>(&self, f: impl FnOnce() -> T) -> T {
        let started = thread_cpu();
        let value = f();
        self.add(thread_cpu().saturating_sub(started));
        value
    }

    /// Runs counted.
    pub fn runs(&self) -> u64 {
        self.runs.load(Ordering::Relaxed)
    }

    /// Total time counted.
    pub fn total(&self) -> Duration {
        Duration::from_nanos(self.nanos.load(Ordering::Relaxed))
    }
}

/// The article path's stages, in the order an article goes through them.
#[derive(Debug, Default)]
pub struct Stages {
    /// Feed and page HTTP requests, robots.txt included (wall time).
    pub fetch: Stage,
    /// Feed parsing and page decoding to text.
    pub parse: Stage,
    /// Page parsing and article extraction.
    pub extract: Stage,
    /// Rule matching.
    pub matching: Stage,
    /// Fingerprints, identity lookups and the story decision.
    pub dedup: Stage,
    /// Inserts and the (shared) commits.
    pub store: Stage,
    /// The writer's transactions (their CPU time is in `store` too): stored articles divided
    /// by these runs is the mean batch size.
    pub commit: Stage,
    /// Pages whose text could not be had, by reason.
    page_errors: [AtomicU64; PageError::KINDS.len()],
}

impl Stages {
    /// Counts a page whose text could not be had, by [`PageError::kind`].
    pub fn page_failed(&self, kind: &str) {
        crate::metrics::extraction_failed(kind);
        if let Some(i) = PageError::KINDS.iter().position(|k| *k == kind) {
            self.page_errors[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Pages that failed with each reason.
    pub fn page_errors(&self) -> Vec<(&'static str, u64)> {
        PageError::KINDS
            .iter()
            .zip(&self.page_errors)
            .map(|(kind, n)| (*kind, n.load(Ordering::Relaxed)))
            .collect()
    }

    fn all(&self) -> [(&'static str, &Stage); 7] {
        [
            ("fetch", &self.fetch),
            ("parse", &self.parse),
            ("extract", &self.extract),
            ("match", &self.matching),
            ("dedup", &self.dedup),
            ("store", &self.store),
            ("commit", &self.commit),
        ]
    }
}

impl fmt::Display for Stages {
    /// Runs, total and mean per run for each stage, then the page failures by reason.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, stage) in self.all() {
            let total = stage.total().as_secs_f64();
            let mean = total * 1e3 / stage.runs().max(1) as f64;
            write!(
                f,
                "{name} {}x {total:.3}s ({mean:.2} ms each); ",
                stage.runs()
            )?;
        }
        write!(f, "page errors:")?;
        for (kind, n) in self.page_errors() {
            write!(f, " {kind} {n}")?;
        }
        Ok(())
    }
}

/// CPU time used by the calling thread so far.
pub fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        u64::try_from(ts.tv_sec).unwrap_or(0),
        u32::try_from(ts.tv_nsec).unwrap_or(0),
    )
}
