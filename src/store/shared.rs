//! The one store connection shared by the daemon's tasks: the single writer.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::{Store, StoreError};

/// A cloneable handle to the daemon's one connection; every use runs on a blocking thread,
/// because SQLite calls block.
#[derive(Clone)]
pub struct SharedStore {
    store: Arc<Mutex<Store>>,
    /// One task at a time takes a blocking thread to use the connection; the others wait
    /// here, holding no thread. The writer holds the connection for a whole batch, and before
    /// this every lookup waiting for it held a blocking thread of its own: ~45 threads in a
    /// farm pass, each keeping the allocator's per-thread cache (docs/benchmarks.md, "Stop 21").
    turn: Arc<Semaphore>,
}

impl SharedStore {
    /// Shares `store`.
    pub fn new(store: Store) -> SharedStore {
        SharedStore {
            store: Arc::new(Mutex::new(store)),
            turn: Arc::new(Semaphore::new(1)),
        }
    }

    /// Runs `f` with the store, off the async threads, once the tasks before it are done.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let turn = Arc::clone(&self.turn)
            .acquire_owned()
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?;
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || {
            // Held until `f` is done, even if the caller stops waiting.
            let _turn = turn;
            // A panic elsewhere left no transaction open (rusqlite rolls back on drop).
            let mut guard = store
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .unwrap_or_else(|e| Err(StoreError::Task(e.to_string())))
    }

    /// Runs `f` with the store on this thread, which must be allowed to block (the writer's).
    pub fn blocking<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        let mut guard = self
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn lookups_waiting_for_the_connection_hold_one_blocking_thread_between_them() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let store = SharedStore::new(Store::open(&dir.path().join("nw.db")).unwrap());
        // The writer holds the connection on a thread of its own until told to let go (two
        // seconds at most).
        let (holding_tx, holding) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || {
                store.blocking(|_| {
                    holding_tx.send(()).unwrap();
                    let _ = released.recv_timeout(Duration::from_secs(2));
                })
            })
        };
        holding.recv_timeout(Duration::from_secs(5)).unwrap();
        runtime.block_on(async {
            let lookups: Vec<_> = (0..16)
                .map(|_| {
                    let store = store.clone();
                    tokio::spawn(async move { store.run(|_| Ok(())).await })
                })
                .collect();
            tokio::time::sleep(Duration::from_millis(50)).await;
            // With every waiting lookup on a blocking thread of its own, both threads would
            // wait for the writer, and this job with them.
            let other =
                tokio::time::timeout(Duration::from_secs(1), tokio::task::spawn_blocking(|| 7))
                    .await;
            assert!(matches!(other, Ok(Ok(7))), "{other:?}");
            release.send(()).unwrap();
            for lookup in lookups {
                lookup.await.unwrap().unwrap();
            }
        });
        writer.join().unwrap();
    }
}
