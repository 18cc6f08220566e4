//! Per-sink state that must survive restarts: the next digest time and the current
//! rate-limit window (table `sink_state`).

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time, parse_db_time};

/// What is remembered about one sink.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SinkState {
    /// When its next digest is due, once scheduled.
    pub next_digest_at: Option<DateTime<Utc>>,
    /// When its current rate-limit window began.
    pub window_started_at: Option<DateTime<Utc>>,
    /// Messages sent in that window.
    pub window_messages: u32,
}

impl Store {
    /// The state of `sink`; all empty for a sink never seen.
    pub fn sink_state(&self, sink: &str) -> Result<SinkState, StoreError> {
        let row: Option<(Option<String>, Option<String>, u32)> = self
            .conn
            .query_row(
                "SELECT next_digest_at, window_started_at, window_messages
                 FROM sink_state WHERE sink = ?1",
                [sink],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        Ok(
            row.map_or_else(SinkState::default, |(digest, window, messages)| SinkState {
                next_digest_at: digest.as_deref().and_then(parse_db_time),
                window_started_at: window.as_deref().and_then(parse_db_time),
                window_messages: messages,
            }),
        )
    }

    /// Schedules `sink`'s next digest.
    pub fn set_next_digest_at(&mut self, sink: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sink_state (sink, next_digest_at) VALUES (?1, ?2)
             ON CONFLICT (sink) DO UPDATE SET next_digest_at = excluded.next_digest_at",
            params![sink, db_time(at)],
        )?;
        Ok(())
    }

    /// Records `sink`'s rate-limit window: begun at `started`, `messages` sent in it.
    pub fn set_rate_window(
        &mut self,
        sink: &str,
        started: DateTime<Utc>,
        messages: u32,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO sink_state (sink, window_started_at, window_messages) VALUES (?1, ?2, ?3)
             ON CONFLICT (sink) DO UPDATE SET window_started_at = excluded.window_started_at,
                 window_messages = excluded.window_messages",
            params![sink, db_time(started), messages],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_time_and_window_are_kept_independently() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        assert_eq!(store.sink_state("tg").unwrap(), SinkState::default());
        let at = parse_db_time("2026-01-08T03:00:00Z").unwrap();
        store.set_next_digest_at("tg", at).unwrap();
        store.set_rate_window("tg", at, 7).unwrap();
        let later = at + chrono::Duration::hours(1);
        store.set_next_digest_at("tg", later).unwrap();
        let state = store.sink_state("tg").unwrap();
        assert_eq!(state.next_digest_at, Some(later));
        assert_eq!(
            (state.window_started_at, state.window_messages),
            (Some(at), 7)
        );
    }
}
