//! robots.txt for article pages: looked up in memory, then in the database cache, then
//! fetched; the answer is kept for a day (an hour when the site could not say).
//!
//! Only article pages are checked: feeds are published to be polled, and their URLs are the
//! admin's choice.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use url::Url;

use super::Pipeline;
use super::page::PageError;
use crate::fetch::{Expect, FetchError, FetchOutcome, Origin, Robots, Validators, host_key};
use crate::store::CachedRobots;

/// How long a robots.txt answer is trusted.
const ROBOTS_TTL: chrono::Duration = chrono::Duration::hours(24);
/// How long "robots.txt unreachable, assume disallowed" lasts before asking again.
const UNREACHABLE_TTL: chrono::Duration = chrono::Duration::hours(1);
/// The rules text recorded when robots.txt could not be fetched.
const DENY_ALL: &str = "User-agent: *\nDisallow: /\n";

/// Hosts kept in memory before expired answers are dropped (the database keeps them all).
const PRUNE_AT: usize = 4096;

/// robots.txt rules per host, kept in memory in front of the database cache.
pub struct RobotsCache {
    agent: String,
    hosts: Mutex<Remembered>,
}

struct Remembered {
    map: HashMap<String, (Robots, DateTime<Utc>)>,
    /// Size at which expired entries are dropped next (doubles with the live set).
    prune_at: usize,
}

impl RobotsCache {
    /// A cache applying the rules for the product token of `user_agent` (`newswatch/1.0` →
    /// `newswatch`).
    pub fn new(user_agent: &str) -> RobotsCache {
        let agent = user_agent
            .split(['/', ' '])
            .next()
            .unwrap_or(user_agent)
            .to_ascii_lowercase();
        RobotsCache {
            agent,
            hosts: Mutex::new(Remembered {
                map: HashMap::new(),
                prune_at: PRUNE_AT,
            }),
        }
    }

    /// The product token robots.txt rules are matched against.
    pub fn agent(&self) -> &str {
        &self.agent
    }

    fn remembered(&self, host: &str, now: DateTime<Utc>) -> Option<Robots> {
        let hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        hosts
            .map
            .get(host)
            .filter(|(_, expires)| *expires > now)
            .map(|(robots, _)| robots.clone())
    }

    fn remember(&self, host: String, robots: Robots, expires: DateTime<Utc>) {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        if hosts.map.len() >= hosts.prune_at {
            let now = Utc::now();
            hosts.map.retain(|_, (_, expires)| *expires > now);
            hosts.prune_at = (hosts.map.len() * 2).max(PRUNE_AT);
        }
        hosts.map.insert(host, (robots, expires));
    }
}

impl Pipeline {
    /// `Ok` when robots.txt lets us fetch `link`, else why not (recorded as the article's
    /// extraction error).
    pub(super) async fn robots_allow(&self, link: &Url) -> Result<(), PageError> {
        let host = host_key(link);
        let robots =
            self.robots_for(link, &host)
                .await
                .map_err(|reason| PageError::RobotsUnknown {
                    url: link.to_string(),
                    reason,
                })?;
        let path = match link.query() {
            Some(q) => format!("{}?{q}", link.path()),
            None => link.path().to_string(),
        };
        if robots.allows(&path) {
            Ok(())
        } else {
            Err(PageError::Robots {
                url: link.to_string(),
                host,
                agent: self.robots.agent.clone(),
            })
        }
    }

    async fn robots_for(&self, link: &Url, host: &str) -> Result<Robots, String> {
        // Items of one poll are fetched a few at a time: one of them asks for the host's
        // robots.txt, the others wait for its answer.
        let _claim = loop {
            if let Some(robots) = self.robots.remembered(host, Utc::now()) {
                return Ok(robots);
            }
            if let Some(claim) = self.claims.claim(&format!("robots.txt of {host}")).await {
                break claim;
            }
        };
        let now = Utc::now();
        let key = host.to_string();
        let cached = self
            .with_store(move |s| s.cached_robots(&key, now))
            .await
            .map_err(|e| e.to_string())?;
        let entry = match cached {
            Some(entry) => entry,
            None => {
                let entry = self.fetch_robots(link, host).await?;
                let saved = entry.clone();
                if let Err(err) = self.with_store(move |s| s.save_robots(&saved)).await {
                    tracing::warn!(host, error = %err, "cannot cache robots.txt");
                }
                entry
            }
        };
        let robots = Robots::parse(&entry.body, &self.robots.agent);
        self.robots
            .remember(host.to_string(), robots.clone(), entry.expires_at);
        Ok(robots)
    }

    async fn fetch_robots(&self, link: &Url, host: &str) -> Result<CachedRobots, String> {
        let mut url = link.clone();
        url.set_path("/robots.txt");
        url.set_query(None);
        url.set_fragment(None);
        let now = Utc::now();
        let outcome = self
            .fetcher
            .get(
                &url,
                &Validators::default(),
                Origin::Content,
                Expect::Robots,
            )
            .await;
        let (status, body, ttl) = match outcome {
            Ok(FetchOutcome::Fetched(f)) => (
                Some(f.status),
                String::from_utf8_lossy(&f.body).into_owned(),
                ROBOTS_TTL,
            ),
            Ok(FetchOutcome::NotModified { .. }) => (Some(304), String::new(), ROBOTS_TTL),
            Err(err @ (FetchError::HostPaused { .. } | FetchError::Blocked { .. })) => {
                return Err(err.to_string());
            }
            Err(FetchError::Status { status, .. }) if (400..500).contains(&status) => {
                (Some(status), String::new(), ROBOTS_TTL)
            }
            Err(err) => {
                tracing::info!(host, error = %err, "robots.txt unreachable; article pages wait");
                (err.status(), DENY_ALL.to_string(), UNREACHABLE_TTL)
            }
        };
        Ok(CachedRobots {
            host: host.to_string(),
            status,
            body,
            expires_at: now + ttl,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_agent_token_is_the_product_name() {
        assert_eq!(
            RobotsCache::new("newswatch/0.1 (+mailto:a@b)").agent,
            "newswatch"
        );
        assert_eq!(RobotsCache::new("Monitor").agent, "monitor");
    }

    #[test]
    fn expired_answers_are_dropped_from_memory() {
        let cache = RobotsCache::new("newswatch");
        let now = Utc::now();
        let (past, future) = (
            now - chrono::Duration::hours(1),
            now + chrono::Duration::hours(1),
        );
        cache.remember("live:80".into(), Robots::deny_all(), future);
        for i in 0..PRUNE_AT {
            cache.remember(format!("h{i}:80"), Robots::allow_all(), past);
        }
        assert_eq!(cache.remembered("live:80", now), Some(Robots::deny_all()));
        assert_eq!(cache.remembered("h1:80", now), None);
        assert!(cache.hosts.lock().unwrap().map.len() < 10);
    }
}
