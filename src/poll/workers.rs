//! The bounded worker pool: CPU-heavy steps (feed parsing, extraction, matching,
//! fingerprints) run on blocking threads, at most one per core plus one at a time, so the
//! async threads stay free for I/O and only about as many large pages are parsed at once as
//! there are cores to parse them. The one extra job keeps the cores busy while another waits
//! between its steps (an article's extraction, matching and fingerprint are separate jobs):
//! with exactly one per core the farm benchmark left a fifth of the two cores idle
//! (docs/benchmarks.md, "Worker pool").

use std::sync::Arc;

use tokio::sync::Semaphore;

/// Admits CPU jobs to the blocking threads, a fixed number at a time.
pub struct Workers {
    permits: Arc<Semaphore>,
}

/// A job that could not finish (it panicked, or the runtime is shutting down).
#[derive(Debug, thiserror::Error)]
#[error("worker job failed: {0}")]
pub struct WorkerError(String);

impl Workers {
    /// A pool of `size` (at least one) concurrent jobs.
    pub fn new(size: usize) -> Workers {
        Workers {
            permits: Arc::new(Semaphore::new(size.max(1))),
        }
    }

    /// A pool with one job per available core, plus one.
    pub fn per_core() -> Workers {
        Workers::new(std::thread::available_parallelism().map_or(1, |n| n.get()) + 1)
    }

    /// Runs `job` on a blocking thread once a slot is free, and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WorkerError> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|e| WorkerError(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let value = job();
            drop(permit);
            value
        })
        .await
        .map_err(|e| WorkerError(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_jobs_run_at_once_than_the_pool_has_slots() {
        let workers = Arc::new(Workers::new(2));
        let (running, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (workers, running, peak) = (
                    Arc::clone(&workers),
                    Arc::clone(&running),
                    Arc::clone(&peak),
                );
                tokio::spawn(async move {
                    workers
                        .run(move || {
                            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                            peak.fetch_max(now, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(20));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert!(peak.load(Ordering::SeqCst) <= 2);
    }
}
