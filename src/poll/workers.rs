//! The bounded worker pool: CPU-heavy steps (feed parsing, extraction, matching,
//! fingerprints) run on the pool's own threads, one per core plus one, so the async threads
//! stay free for I/O and only about as many large pages are parsed at once as there are
//! cores to parse them. The one extra thread keeps the cores busy while another waits
//! between its steps: with exactly one per core the farm benchmark left a fifth of the two
//! cores idle (docs/benchmarks.md, "Worker pool").
//!
//! The pool's threads run at a lower priority than the rest of the daemon ([`WORKER_NICE`]):
//! when the cores are full, a page fetch, a store lookup or the writer's commit gets a core
//! as soon as it is ready instead of queueing behind an extraction, so the pipeline never
//! starves its own analysis of pages. On the farm this cut a pass's wall time by 12 % for
//! no more CPU (docs/benchmarks.md, "Stop 21").

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::sources::panic_message;

/// How much lower the pool's threads run than the daemon (added to their nice value, at
/// most up to 19; Linux only, where each thread has its own). 10 measured best of 3, 5, 10
/// and 19 on the farm; being relative, it keeps an operator's `Nice=` for the whole service.
pub const WORKER_NICE: i32 = 10;

/// A job for a pool thread: it runs the caller's closure and sends back the result.
type Job = Box<dyn FnOnce() + Send>;

/// Runs CPU jobs on its own threads, a fixed number at a time; the threads end when the
/// pool is dropped and the jobs already queued have run.
pub struct Workers {
    jobs: mpsc::Sender<Job>,
}

/// A job that could not finish (it panicked, or the pool's threads are gone).
#[derive(Debug, thiserror::Error)]
#[error("worker job failed: {0}")]
pub struct WorkerError(String);

impl Workers {
    /// A pool of `size` (at least one) threads.
    pub fn new(size: usize) -> std::io::Result<Workers> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..size.max(1) {
            let queue = Arc::clone(&queue);
            std::thread::Builder::new()
                .name("newswatch-work".into())
                .spawn(move || {
                    lower_priority();
                    while let Some(job) = next_job(&queue) {
                        job();
                    }
                })?;
        }
        Ok(Workers { jobs })
    }

    /// A pool with one thread per available core, plus one.
    pub fn per_core() -> std::io::Result<Workers> {
        Workers::new(std::thread::available_parallelism().map_or(1, |n| n.get()) + 1)
    }

    /// Runs `job` on a pool thread once one is free, and returns its result.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WorkerError> {
        let (reply, answer) = oneshot::channel();
        let wrapped: Job = Box::new(move || {
            // A panicking job must not take its thread with it: the pool would shrink.
            let _ = reply.send(catch_unwind(AssertUnwindSafe(job)));
        });
        self.jobs
            .send(wrapped)
            .map_err(|_| WorkerError("the worker threads have stopped".into()))?;
        match answer.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(panic)) => Err(WorkerError(format!(
                "the job panicked: {}",
                panic_message(&*panic)
            ))),
            Err(_) => Err(WorkerError(
                "the worker thread stopped during the job".into(),
            )),
        }
    }
}

/// The next queued job, or `None` once the pool is dropped and the queue is empty.
fn next_job(queue: &Mutex<mpsc::Receiver<Job>>) -> Option<Job> {
    let queue = queue
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    queue.recv().ok()
}

/// Lowers the calling thread's priority by [`WORKER_NICE`]. A failure (a sandbox that
/// forbids it) leaves the thread at the daemon's priority, which only costs some speed.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // On Linux `nice` changes the calling thread alone.
        // SAFETY: `nice` takes an integer and touches no memory of ours.
        let lowered = unsafe { libc::nice(WORKER_NICE) };
        if lowered == -1 {
            let err = std::io::Error::last_os_error();
            if err.raw_os_error().is_some_and(|code| code != 0) {
                tracing::debug!(error = %err, "cannot lower the worker threads' priority");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_jobs_run_at_once_than_the_pool_has_slots() {
        let workers = Arc::new(Workers::new(2).unwrap());
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
                            // Wait (a second at most) for a second job to run beside this one,
                            // so a pool that ran one job at a time would fail the test.
                            let deadline = Instant::now() + Duration::from_secs(1);
                            while peak.load(Ordering::SeqCst) < 2 && Instant::now() < deadline {
                                std::thread::sleep(Duration::from_millis(1));
                            }
                            std::thread::sleep(Duration::from_millis(5));
                            running.fetch_sub(1, Ordering::SeqCst);
                        })
                        .await
                })
            })
            .collect();
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_its_thread_keeps_working() {
        let workers = Workers::new(1).unwrap();
        let failed = workers
            .run(|| -> u32 { panic!("a page that breaks the parser") })
            .await
            .unwrap_err();
        assert!(
            failed.to_string().contains("a page that breaks the parser"),
            "{failed}"
        );
        assert_eq!(workers.run(|| 7).await.unwrap(), 7);
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn jobs_run_below_the_daemons_priority() {
        let nice_of_this_thread = || {
            // SAFETY: `getpriority` reads the calling thread's nice value.
            unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) }
        };
        let ours = nice_of_this_thread();
        let workers = Workers::new(1).unwrap();
        let theirs = workers.run(nice_of_this_thread).await.unwrap();
        assert_eq!(theirs, (ours + WORKER_NICE).min(19));
    }
}
