//! Fetching an article page: robots.txt first, then the page itself. Extraction runs later,
//! on a worker thread. Every way to end up without the page's text is a [`PageError`], so the
//! stored article says why and the run's stage counters can tell the reasons apart.

use tokio_util::sync::CancellationToken;
use url::Url;

use super::{Pipeline, PollError};
use crate::fetch::{Expect, FetchError, FetchOutcome, Fetched, Origin, Validators};

/// Why an article page gave no text; the feed's own text is stored instead.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    /// robots.txt forbids the page for our user agent.
    #[error(
        "robots.txt of {host} forbids {url} for user agent {agent:?}; stored the feed's text instead"
    )]
    Robots {
        /// The page.
        url: String,
        /// The host whose robots.txt answered.
        host: String,
        /// The product token the rules were read for.
        agent: String,
    },
    /// robots.txt could not be had (the host is paused or blocked, or the cache failed).
    #[error("cannot check robots.txt for {url}: {reason}")]
    RobotsUnknown {
        /// The page.
        url: String,
        /// What failed.
        reason: String,
    },
    /// The request failed (timeout, status, size, redirects, connection).
    #[error(transparent)]
    Fetch(#[from] FetchError),
    /// The server answered 304 to a request without validators.
    #[error("{url} answered 304 to an unconditional request")]
    NotModified {
        /// The page.
        url: String,
    },
    /// The page was fetched but held no article text.
    #[error("no article text found on {url}")]
    Empty {
        /// The page.
        url: String,
    },
    /// Extraction panicked (a bug; the page is kept out, the daemon goes on).
    #[error("extraction of {url} crashed: {reason}")]
    Crashed {
        /// The page.
        url: String,
        /// The panic.
        reason: String,
    },
}

impl PageError {
    /// Every value [`PageError::kind`] returns.
    pub const KINDS: [&'static str; 7] = [
        "robots",
        "robots-unknown",
        "timeout",
        "fetch",
        "not-modified",
        "empty",
        "crashed",
    ];

    /// A short name of the reason, for counting.
    pub fn kind(&self) -> &'static str {
        match self {
            PageError::Robots { .. } => "robots",
            PageError::RobotsUnknown { .. } => "robots-unknown",
            PageError::Fetch(FetchError::Timeout { .. }) => "timeout",
            PageError::Fetch(_) => "fetch",
            PageError::NotModified { .. } => "not-modified",
            PageError::Empty { .. } => "empty",
            PageError::Crashed { .. } => "crashed",
        }
    }
}

impl Pipeline {
    /// Fetches the article page at `link` where robots.txt allows it; cancellation drops the
    /// request and ends the poll at this item.
    pub(super) async fn fetch_page(
        &self,
        link: &Url,
        obey_robots: bool,
        cancel: &CancellationToken,
    ) -> Result<Result<Fetched, PageError>, PollError> {
        let started = std::time::Instant::now();
        let page = tokio::select! {
            page = self.get_page(link, obey_robots) => page,
            () = cancel.cancelled() => return Err(PollError::Interrupted),
        };
        self.stages.fetch.add(started.elapsed());
        crate::metrics::fetched(crate::metrics::Fetched::Page, started.elapsed());
        Ok(page)
    }

    async fn get_page(&self, link: &Url, obey_robots: bool) -> Result<Fetched, PageError> {
        if obey_robots {
            self.robots_allow(link).await?;
        }
        match self
            .fetcher
            .get(link, &Validators::default(), Origin::Content, Expect::Page)
            .await?
        {
            FetchOutcome::Fetched(fetched) => Ok(fetched),
            FetchOutcome::NotModified { .. } => Err(PageError::NotModified {
                url: link.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_robots_refusal_a_timeout_and_an_empty_page_count_apart() {
        let url = "http://x.kz/a".to_string();
        let errors = [
            PageError::Robots {
                url: url.clone(),
                host: "x.kz:80".into(),
                agent: "newswatch".into(),
            },
            PageError::Fetch(FetchError::Timeout {
                url: url.clone(),
                limit: crate::fetch::TimeLimit::Total,
                secs: 30,
            }),
            PageError::Fetch(FetchError::Status {
                url: url.clone(),
                status: 404,
                retry_after: None,
            }),
            PageError::Empty { url },
        ];
        let kinds: Vec<&str> = errors.iter().map(PageError::kind).collect();
        assert_eq!(kinds, ["robots", "timeout", "fetch", "empty"]);
        assert!(kinds.iter().all(|k| PageError::KINDS.contains(k)));
        assert!(errors[0].to_string().contains("forbids http://x.kz/a"));
        let stages = crate::poll::Stages::default();
        stages.page_failed(errors[1].kind());
        assert!(stages.to_string().contains("timeout 1"));
    }
}
