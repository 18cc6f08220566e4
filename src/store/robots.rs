//! The `robots` table: robots.txt per host, cached with an expiry so a restart does not
//! refetch every site's robots.txt.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, db_time, parse_db_time};

/// One cached robots.txt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedRobots {
    /// `host:port`.
    pub host: String,
    /// HTTP status of the robots.txt response; `None` when none arrived.
    pub status: Option<u16>,
    /// The rules text to apply (a synthetic one for "allow all"/"deny all" outcomes).
    pub body: String,
    /// When the entry must be refetched.
    pub expires_at: DateTime<Utc>,
}

impl Store {
    /// The cached robots.txt for `host`, if any and not expired at `now`.
    pub fn cached_robots(
        &self,
        host: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<CachedRobots>, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT host, status, body, expires_at FROM robots
                 WHERE host = ?1 AND expires_at > ?2",
                params![host, db_time(now)],
                |r| {
                    let expires: String = r.get(3)?;
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, expires))
                },
            )
            .optional()?;
        Ok(row.and_then(|(host, status, body, expires)| {
            Some(CachedRobots {
                host,
                status,
                body,
                expires_at: parse_db_time(&expires)?,
            })
        }))
    }

    /// Stores (or replaces) the robots.txt of a host.
    pub fn save_robots(&mut self, robots: &CachedRobots) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO robots (host, status, body, fetched_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(host) DO UPDATE SET status = excluded.status, body = excluded.body,
                fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
            params![
                robots.host,
                robots.status,
                robots.body,
                db_time(Utc::now()),
                db_time(robots.expires_at)
            ],
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_are_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("n.db")).unwrap();
        let now = Utc::now();
        let entry = CachedRobots {
            host: "example.kz:443".into(),
            status: Some(200),
            body: "User-agent: *\nDisallow: /x\n".into(),
            expires_at: now + chrono::Duration::hours(1),
        };
        store.save_robots(&entry).unwrap();
        let found = store.cached_robots("example.kz:443", now).unwrap().unwrap();
        assert_eq!(found.body, entry.body);
        let later = now + chrono::Duration::hours(2);
        assert_eq!(store.cached_robots("example.kz:443", later).unwrap(), None);
        let newer = CachedRobots {
            body: String::new(),
            ..entry
        };
        store.save_robots(&newer).unwrap();
        assert_eq!(
            store
                .cached_robots("example.kz:443", now)
                .unwrap()
                .unwrap()
                .body,
            ""
        );
    }
}
