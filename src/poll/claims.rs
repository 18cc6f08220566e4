//! Which article URLs are being fetched and analysed right now, across every poll. Two sources
//! that carry the same story (an outlet's feed and a Telegram post linking to it) are often
//! polled at the same moment; the second waits for the first to store the article and then
//! only links to it, so the outlet's page is fetched once and the story is analysed once.

use std::collections::HashSet;
use std::sync::{Mutex, PoisonError};

use tokio::sync::Notify;

/// The set of URL keys in flight, shared by every poll of one pipeline.
#[derive(Default)]
pub(super) struct Claims {
    keys: Mutex<HashSet<String>>,
    released: Notify,
}

/// The right to fetch and store the article at one URL key; dropping it lets waiters go on.
pub(super) struct Claim<'a> {
    claims: &'a Claims,
    key: String,
}

impl Claims {
    /// Claims `key`, or waits until whoever holds it lets go and returns `None` so the caller
    /// looks the URL up again (it is most likely stored by then).
    pub(super) async fn claim(&self, key: &str) -> Option<Claim<'_>> {
        // Registered before the check, so a release between the check and the wait is not missed.
        let released = self.released.notified();
        let claimed = self
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.to_string());
        if claimed {
            return Some(Claim {
                claims: self,
                key: key.to_string(),
            });
        }
        released.await;
        None
    }
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        self.claims
            .keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
        self.claims.released.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_second_claim_waits_for_the_first_and_then_looks_again() {
        let claims = Arc::new(Claims::default());
        let first = claims.claim("k").await;
        assert!(first.is_some());
        let waiter = {
            let claims = Arc::clone(&claims);
            tokio::spawn(async move { claims.claim("k").await.is_none() })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !waiter.is_finished(),
            "the second claim waits while the first is held"
        );
        drop(first);
        let looked_again = tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("released in time")
            .expect("task ran");
        assert!(looked_again);
        assert!(
            claims.claim("k").await.is_some(),
            "a released key can be claimed"
        );
        assert!(
            claims.claim("other").await.is_some(),
            "other keys are independent"
        );
    }
}
