//! Discovery: given any URL (a home page, a section page, a feed), find the best way to watch
//! it — a feed (the URL itself, one its page announces, or one at a common path), else a
//! sitemap (robots.txt's `Sitemap:` lines, then common paths, news sitemaps first), else the
//! page as a listing. Used by `kind = "auto"` sources and by `newswatch discover`.

use url::Url;

use crate::fetch::{
    Expect, FetchError, FetchOutcome, Fetched, Fetcher, Origin, Robots, Validators,
};
use crate::sources::{
    FEED_PATHS, SITEMAP_PATHS, Way, WayKind, announced_feeds, is_channel_page, on_origin,
    parse_channel, parse_feed, parse_listing, read_sitemap, robots_sitemaps,
};

/// What discovery found: the way chosen, and every step it took (for `newswatch discover`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovery {
    /// The chosen way; `None` when nothing on the URL can be watched.
    pub way: Option<Way>,
    /// One line per thing tried or found, in order.
    pub notes: Vec<String>,
    /// Whether the URL serves a feed that cannot be read (then nothing else is tried).
    pub broken_feed: bool,
}

/// What the URL's own document is.
struct Facts {
    feed_items: Option<usize>,
    broken_feed: bool,
    telegram_posts: usize,
    sitemap: bool,
    announced: Vec<Url>,
    listing_links: usize,
}

/// Discovers how to watch `url`. `agent` is the robots.txt product token; with `obey_robots`
/// every URL discovery finds by itself is fetched only where robots.txt allows it. Fails only
/// when `url` itself cannot be fetched.
pub async fn discover(
    fetcher: &Fetcher,
    agent: &str,
    obey_robots: bool,
    url: &Url,
) -> Result<Discovery, FetchError> {
    let fetched = match fetcher
        .get(
            url,
            &Validators::default(),
            Origin::Configured,
            Expect::Feed,
        )
        .await?
    {
        FetchOutcome::Fetched(f) => f,
        FetchOutcome::NotModified { .. } => {
            return Err(FetchError::Other {
                url: url.to_string(),
                reason: "answered 304 to an unconditional request".into(),
            });
        }
    };
    let mut notes = Vec::new();
    let base = fetched.final_url.clone();
    let text = fetched.text();
    let facts = tokio::task::spawn_blocking(move || facts(&text, &base))
        .await
        .map_err(|e| FetchError::Other {
            url: url.to_string(),
            reason: format!("discovery crashed: {e}"),
        })?;
    let chosen = |kind, url: &Url, reason: String| Way {
        kind,
        url: url.clone(),
        reason,
    };
    if let Some(items) = facts.feed_items {
        let reason = format!("the URL serves a feed ({items} items)");
        notes.push(reason.clone());
        return Ok(found(notes, chosen(WayKind::Feed, url, reason)));
    }
    if facts.broken_feed {
        notes.push(
            "the URL serves a feed that cannot be read; fix the feed or give another URL".into(),
        );
        return Ok(Discovery {
            way: None,
            notes,
            broken_feed: true,
        });
    }
    if facts.telegram_posts > 0 {
        let reason = format!(
            "the URL serves a Telegram channel preview ({} posts)",
            facts.telegram_posts
        );
        notes.push(reason.clone());
        return Ok(found(notes, chosen(WayKind::Telegram, url, reason)));
    }
    if facts.sitemap {
        let reason = "the URL serves a sitemap".to_string();
        notes.push(reason.clone());
        return Ok(found(notes, chosen(WayKind::Sitemap, url, reason)));
    }
    let robots = robots_txt(fetcher, agent, &fetched.final_url).await;
    let allowed = |u: &Url| !obey_robots || robots.rules.allows(&path_and_query(u));
    let mut feeds: Vec<(Url, &str)> = facts
        .announced
        .iter()
        .map(|u| {
            (
                u.clone(),
                "announced by the page's <link rel=\"alternate\">",
            )
        })
        .collect();
    feeds.extend(
        FEED_PATHS
            .iter()
            .filter_map(|p| on_origin(url, p))
            .map(|u| (u, "found at a common feed address")),
    );
    for (candidate, how) in feeds {
        if !allowed(&candidate) {
            notes.push(format!("{candidate}: robots.txt disallows it"));
            continue;
        }
        match fetch(fetcher, &candidate, Expect::Feed).await {
            Ok(f) => match parse_feed(&f.text(), &f.final_url) {
                Ok(feed) => {
                    let reason = format!("feed {how} ({} items)", feed.items.len());
                    notes.push(format!("{candidate}: {reason}"));
                    return Ok(found(notes, chosen(WayKind::Feed, &candidate, reason)));
                }
                Err(_) => notes.push(format!("{candidate}: not a feed")),
            },
            Err(error) => notes.push(format!("{candidate}: {error}")),
        }
    }
    let mut sitemaps: Vec<(Url, &str)> = robots
        .sitemaps
        .iter()
        .map(|u| (u.clone(), "named by robots.txt"))
        .collect();
    sitemaps.sort_by_key(|(u, _)| !u.as_str().contains("news"));
    sitemaps.extend(
        SITEMAP_PATHS
            .iter()
            .filter_map(|p| on_origin(url, p))
            .map(|u| (u, "found at a common sitemap address")),
    );
    for (candidate, how) in sitemaps {
        if !allowed(&candidate) {
            notes.push(format!("{candidate}: robots.txt disallows it"));
            continue;
        }
        match fetch(fetcher, &candidate, Expect::Sitemap).await {
            Ok(f) => match read_sitemap(&f.body, &f.final_url, |_| {}) {
                Ok(read) if read.entries > 0 => {
                    let reason = format!("no feed found; sitemap {how} ({} entries)", read.entries);
                    notes.push(format!("{candidate}: {reason}"));
                    return Ok(found(notes, chosen(WayKind::Sitemap, &candidate, reason)));
                }
                Ok(_) => notes.push(format!("{candidate}: an empty sitemap")),
                Err(reason) => notes.push(format!("{candidate}: {reason}")),
            },
            Err(error) => notes.push(format!("{candidate}: {error}")),
        }
    }
    if facts.listing_links > 0 {
        let reason = format!(
            "no feed or sitemap found; the page is read as a listing ({} article links on it)",
            facts.listing_links
        );
        notes.push(reason.clone());
        return Ok(found(notes, chosen(WayKind::Page, url, reason)));
    }
    notes.push("no feed, sitemap or article links found".into());
    Ok(Discovery {
        way: None,
        notes,
        broken_feed: false,
    })
}

fn found(notes: Vec<String>, way: Way) -> Discovery {
    Discovery {
        way: Some(way),
        notes,
        broken_feed: false,
    }
}

fn facts(text: &str, base: &Url) -> Facts {
    let feed_items = parse_feed(text, base).ok().map(|f| f.items.len());
    let head = text.get(..text.len().min(4096)).unwrap_or(text);
    let sitemap = head.contains("<urlset") || head.contains("<sitemapindex");
    let broken_feed = feed_items.is_none()
        && ["<rss", "<feed", "<rdf:RDF"]
            .iter()
            .any(|t| head.contains(t))
        && !head.to_ascii_lowercase().contains("<html");
    let telegram_posts = if is_channel_page(text) {
        parse_channel(text, base).posts.len()
    } else {
        0
    };
    Facts {
        feed_items,
        broken_feed,
        telegram_posts,
        sitemap,
        announced: announced_feeds(text, base),
        listing_links: parse_listing(text, base, None, None).links.len(),
    }
}

/// The site's robots.txt rules and `Sitemap:` lines; an unreadable one allows everything and
/// names no sitemap.
struct RobotsTxt {
    rules: Robots,
    sitemaps: Vec<Url>,
}

async fn robots_txt(fetcher: &Fetcher, agent: &str, page: &Url) -> RobotsTxt {
    let fallback = || RobotsTxt {
        rules: Robots::allow_all(),
        sitemaps: Vec::new(),
    };
    let Some(url) = on_origin(page, "/robots.txt") else {
        return fallback();
    };
    match fetch(fetcher, &url, Expect::Robots).await {
        Ok(f) => {
            let text = f.text();
            RobotsTxt {
                rules: Robots::parse(&text, agent),
                sitemaps: robots_sitemaps(&text, &f.final_url),
            }
        }
        Err(_) => fallback(),
    }
}

async fn fetch(fetcher: &Fetcher, url: &Url, expect: Expect) -> Result<Fetched, String> {
    match fetcher
        .get(url, &Validators::default(), Origin::Content, expect)
        .await
    {
        Ok(FetchOutcome::Fetched(f)) => Ok(f),
        Ok(FetchOutcome::NotModified { .. }) => {
            Err("answered 304 to an unconditional request".into())
        }
        Err(err) => Err(err.to_string()),
    }
}

fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}
