//! Polling under hostile conditions, end to end through the real binary: every fault the
//! test server can inject lands as a clear error on its own source's row while the other
//! sources go on; conditional GET, encodings, the SSRF guard and robots.txt.

#[allow(dead_code)]
mod common;

use std::net::TcpListener;
use std::path::Path;
use std::time::Duration;

use common::article::{RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, count, run_checked, run_newswatch};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(90);

/// `[fetch]` for tests: short limits, no spacing, private addresses allowed unless `guard`.
fn config(guard: bool, sources: &[(&str, String)], extra: &str) -> String {
    let mut toml = format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"3s\"\nconnect_timeout = \"1s\"\n\
         read_timeout = \"2s\"\nmax_body_bytes = 1048576\nmax_redirects = 3\n\
         per_host_concurrency = 16\nper_host_delay = \"0s\"\nconcurrency = 16\n\
         allow_private_addresses = {}\n\n",
        !guard
    );
    for (name, url) in sources {
        toml.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\ninterval = \"10m\"\n{extra}\n"
        ));
    }
    toml
}

fn run(args: &[&str], config: &Path) -> String {
    run_checked(args, config, RUN_LIMIT)
}

/// One column of one source's row, as text ("" for NULL).
fn column(db: &Path, source: &str, col: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        &format!("SELECT coalesce(CAST({col} AS TEXT), '') FROM sources WHERE name = ?1"),
        [source],
        |r| r.get(0),
    )
    .unwrap()
}

fn one_item_feed(link: &str, guid: &str) -> String {
    rss_feed(
        "Новости",
        &[FeedItem {
            title: RUSSIAN_TITLE,
            link,
            guid,
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Суд арестовал активистов.",
        }],
    )
}

fn russian_page() -> String {
    article_page(
        RUSSIAN_TITLE,
        "Корреспондент",
        "2026-01-12T18:00:00+05:00",
        RUSSIAN_PARAGRAPHS,
        "ru",
    )
}

/// A port on 127.0.0.1 where nothing listens.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn every_fault_lands_on_its_own_source_and_the_healthy_source_is_unaffected() {
    let server = TestServer::start();
    let feed = one_item_feed(&server.url("/ok.html"), "ok-1");
    server.route("/rss", Response::ok("application/rss+xml", feed.clone()));
    server.route("/ok.html", Response::ok("text/html", russian_page()));
    server.route("/500", Response::status(500));
    // Retry-After pauses the whole host, so the throttling server is a host of its own.
    let throttling = TestServer::start();
    throttling.route("/429", Response::status(429).header("Retry-After", "3600"));
    server.route("/hang", Response::hang(Duration::from_secs(10)));
    let drip = Response::slow_drip(feed, 16, Duration::from_millis(300));
    server.route("/drip", drip.header("Content-Type", "application/rss+xml"));
    server.route(
        "/bomb",
        Response::gzip_bomb("application/rss+xml", 50 << 20),
    );
    server.route("/loop-a", Response::redirect(302, "/loop-b"));
    server.route("/loop-b", Response::redirect(302, "/loop-a"));
    for hop in 1..=5 {
        server.route(
            &format!("/hop{hop}"),
            Response::redirect(301, &format!("/hop{}", hop + 1)),
        );
    }
    server.route(
        "/png",
        Response::ok("image/png", vec![0x89, b'P', b'N', b'G']),
    );
    server.route(
        "/html",
        Response::ok("text/html", "<html><body>Not a feed</body></html>"),
    );
    let refused = format!("http://127.0.0.1:{}/rss", closed_port());
    let sources = [
        ("healthy", server.url("/rss")),
        ("e500", server.url("/500")),
        ("throttled", throttling.url("/429")),
        ("hang", server.url("/hang")),
        ("drip", server.url("/drip")),
        ("bomb", server.url("/bomb")),
        ("loop", server.url("/loop-a")),
        ("hops", server.url("/hop1")),
        ("png", server.url("/png")),
        ("notfeed", server.url("/html")),
        ("refused", refused),
    ];
    let dir = TestDir::new();
    // Read as feeds: discovery (the default kind) would find the healthy /rss for /html.
    let cfg = dir.write_config(&config(false, &sources, "kind = \"feed\""));
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);

    assert_eq!(column(&db, "healthy", "consecutive_failures"), "0");
    assert_eq!(column(&db, "healthy", "last_status"), "200");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM articles WHERE extract_error IS NULL"
        ),
        1
    );
    let expectations = [
        ("e500", "server", "answered HTTP 500"),
        ("throttled", "throttled", "asked us to retry after"),
        ("hang", "timeout", "timed out"),
        ("drip", "timeout", "timed out"),
        ("bomb", "content", "after decompression"),
        ("loop", "content", "in a loop"),
        ("hops", "content", "redirected more than 3 times"),
        ("png", "content", "image/png"),
        ("notfeed", "content", "is not an RSS, Atom or JSON feed"),
        ("refused", "network", "cannot connect"),
    ];
    for (source, kind, error) in expectations {
        assert_eq!(column(&db, source, "consecutive_failures"), "1", "{source}");
        assert_eq!(column(&db, source, "failure_kind"), kind, "{source}");
        let text = column(&db, source, "last_error");
        assert!(text.contains(error), "{source}: {text}");
        assert!(
            !column(&db, source, "next_due_at").is_empty(),
            "{source} dropped"
        );
    }
    assert_eq!(column(&db, "e500", "last_status"), "500");
    let pushed = count(
        &db,
        "SELECT count(*) FROM sources WHERE name = 'throttled'
         AND next_due_at >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+55 minutes')
         AND retry_after_at IS NOT NULL",
    );
    assert_eq!(pushed, 1, "Retry-After did not push the next poll");

    let listing = run(&["sources"], &cfg);
    assert!(listing.contains("FAILING x1 server"), "{listing}");
    assert!(
        listing.contains("server asked us to wait until"),
        "{listing}"
    );
    assert!(listing.contains("answered HTTP 500"), "{listing}");
}

#[test]
fn backoff_grows_with_failures_and_a_success_resets_it() {
    let server = TestServer::start();
    let feed = one_item_feed(&server.url("/ok.html"), "ok-1");
    server.route(
        "/rss",
        Response::sequence(vec![
            Response::status(502),
            Response::status(502),
            Response::ok("application/rss+xml", feed),
        ]),
    );
    server.route("/ok.html", Response::ok("text/html", russian_page()));
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(false, &[("flaky", server.url("/rss"))], ""));
    let db = dir.path().join("news.db");
    let delay = || {
        count(
            &db,
            "SELECT CAST((julianday(next_due_at) - julianday(last_attempt_at)) * 86400 AS INTEGER)
             FROM sources",
        )
    };
    // Every poll fails, so `run --once` exits 1.
    let all_failed = || {
        let out = run_newswatch(
            &["run", "--once", "--config", cfg.to_str().unwrap()],
            RUN_LIMIT,
        );
        assert_eq!(out.status.code(), Some(1));
    };
    all_failed();
    let first = delay();
    all_failed();
    let second = delay();
    assert_eq!(column(&db, "flaky", "consecutive_failures"), "2");
    assert!((540..=660).contains(&first), "first backoff {first}s");
    assert!((1080..=1320).contains(&second), "second backoff {second}s");
    run(&["run", "--once"], &cfg);
    assert_eq!(column(&db, "flaky", "consecutive_failures"), "0");
    assert_eq!(column(&db, "flaky", "failure_kind"), "");
    assert_eq!(column(&db, "flaky", "last_error"), "");
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
    assert!(!column(&db, "flaky", "interval_secs").is_empty());
}

#[test]
fn conditional_get_gives_304s_and_a_server_ignoring_it_adds_nothing_twice() {
    let server = TestServer::start();
    let tagged = one_item_feed(&server.url("/a.html"), "a-1");
    let plain = one_item_feed(&server.url("/b.html"), "b-1");
    server.route(
        "/tagged",
        Response::ok("application/rss+xml", tagged).etag("\"v1\""),
    );
    server.route("/plain", Response::ok("application/rss+xml", plain));
    server.route("/a.html", Response::ok("text/html", russian_page()));
    server.route("/b.html", Response::ok("text/html", russian_page()));
    let sources = [
        ("tagged", server.url("/tagged")),
        ("plain", server.url("/plain")),
    ];
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(false, &sources, ""));
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);
    run(&["run", "--once"], &cfg);
    assert_eq!(column(&db, "tagged", "last_status"), "304");
    assert_eq!(column(&db, "plain", "last_status"), "200");
    let second = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/tagged")
        .nth(1)
        .unwrap();
    assert_eq!(second.header("If-None-Match"), Some("\"v1\""));
    assert_eq!(count(&db, "SELECT count(*) FROM article_sources"), 2);
    assert_eq!(
        server.hits("/b.html"),
        1,
        "an unchanged item was fetched again"
    );
}

#[test]
fn windows_1251_and_koi8_r_pages_without_a_charset_header_are_stored_as_utf8() {
    let server = TestServer::start();
    let page = russian_page().replace("<meta charset=\"utf-8\">", "");
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
    let (koi8, _, _) = encoding_rs::KOI8_R.encode(&page);
    server.route(
        "/cp1251.html",
        Response::ok("text/html", cp1251.into_owned()),
    );
    server.route("/koi8.html", Response::ok("text/html", koi8.into_owned()));
    let feed = one_item_feed(&server.url("/cp1251.html"), "w-1")
        .replace("encoding=\"UTF-8\"", "encoding=\"windows-1251\"");
    let (feed_bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&feed);
    server.route(
        "/w.xml",
        Response::ok("application/rss+xml", feed_bytes.into_owned()),
    );
    server.route(
        "/k.xml",
        Response::ok(
            "application/rss+xml",
            one_item_feed(&server.url("/koi8.html"), "k-1"),
        ),
    );
    let sources = [
        ("cp1251", server.url("/w.xml")),
        ("koi8", server.url("/k.xml")),
    ];
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(false, &sources, ""));
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);
    let sentence = "Правозащитники Казахстанского бюро";
    let conn = rusqlite::Connection::open(&db).unwrap();
    for path in ["/cp1251.html", "/koi8.html"] {
        let (title, body): (String, String) = conn
            .query_row(
                // Both pages carry the same text, so deduplication may make them one article:
                // look each up through the link table, which keeps every URL.
                "SELECT a.title, a.body FROM article_sources x JOIN articles a ON a.id = x.article_id
                 WHERE x.url LIKE ?1",
                [format!("%{path}")],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(title, RUSSIAN_TITLE, "{path}");
        assert!(body.contains(sentence), "{path}: {body}");
    }
}

#[test]
fn the_ssrf_guard_blocks_private_redirects_and_item_links_but_trusts_configured_feeds() {
    let server = TestServer::start();
    let feed = one_item_feed(&server.url("/internal.html"), "i-1");
    server.route("/rss", Response::ok("application/rss+xml", feed.clone()));
    server.route("/internal.html", Response::ok("text/html", russian_page()));
    server.route("/moved", Response::redirect(302, &server.url("/target")));
    server.route("/target", Response::ok("application/rss+xml", feed));
    let sources = [
        ("trusted", server.url("/rss")),
        ("redirected", server.url("/moved")),
    ];
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(true, &sources, ""));
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);

    assert_eq!(column(&db, "trusted", "consecutive_failures"), "0");
    let (body, error): (String, String) = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT body, extract_error FROM articles", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!(error.contains("refused to fetch"), "{error}");
    assert!(body.contains("Суд арестовал"), "feed text was lost: {body}");
    assert_eq!(server.hits("/internal.html"), 0);

    assert_eq!(column(&db, "redirected", "failure_kind"), "blocked");
    assert!(column(&db, "redirected", "last_error").contains("not public"));
    assert_eq!(
        server.hits("/target"),
        0,
        "the redirect reached a private address"
    );
}

#[test]
fn robots_txt_is_fetched_once_cached_and_obeyed_for_article_pages() {
    let server = TestServer::start();
    server.route(
        "/robots.txt",
        Response::ok("text/plain", "User-agent: *\nDisallow: /private/\n"),
    );
    let items = [
        FeedItem {
            title: "Закрытая",
            link: &server.url("/private/1.html"),
            guid: "p-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Текст из ленты.",
        },
        FeedItem {
            title: RUSSIAN_TITLE,
            link: &server.url("/public/2.html"),
            guid: "p-2",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Открытая статья.",
        },
    ];
    server.route(
        "/obey",
        Response::ok("application/rss+xml", rss_feed("Лента", &items)),
    );
    let ignored = one_item_feed(&server.url("/private/3.html"), "x-3");
    server.route("/ignore", Response::ok("application/rss+xml", ignored));
    for path in ["/private/1.html", "/public/2.html", "/private/3.html"] {
        server.route(path, Response::ok("text/html", russian_page()));
    }
    let dir = TestDir::new();
    let mut toml = config(false, &[("obey", server.url("/obey"))], "");
    toml.push_str(
        &config(
            false,
            &[("ignore", server.url("/ignore"))],
            "obey_robots = false\n",
        )
        .split_once("[[source]]")
        .map(|(_, s)| format!("[[source]]{s}"))
        .unwrap(),
    );
    let cfg = dir.write_config(&toml);
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);

    let conn = rusqlite::Connection::open(&db).unwrap();
    let error: String = conn
        .query_row(
            "SELECT extract_error FROM articles WHERE url LIKE '%/private/1.html'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(error.contains("robots.txt"), "{error}");
    assert_eq!(server.hits("/private/1.html"), 0);
    assert_eq!(server.hits("/public/2.html"), 1);
    assert_eq!(
        server.hits("/private/3.html"),
        1,
        "obey_robots = false was not honoured"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM robots"), 1);
    assert_eq!(server.hits("/robots.txt"), 1);
    let agent = server.requests()[0]
        .header("User-Agent")
        .map(str::to_string);
    assert!(agent.is_some_and(|a| a.starts_with("newswatch/")));
}

#[test]
fn the_schedule_survives_a_restart_and_only_due_sources_are_polled() {
    let server = TestServer::start();
    server.route(
        "/old",
        Response::ok(
            "application/rss+xml",
            one_item_feed(&server.url("/o.html"), "o"),
        ),
    );
    server.route(
        "/new",
        Response::ok(
            "application/rss+xml",
            one_item_feed(&server.url("/n.html"), "n"),
        ),
    );
    server.route("/o.html", Response::ok("text/html", russian_page()));
    server.route("/n.html", Response::ok("text/html", russian_page()));
    let dir = TestDir::new();
    let db = dir.path().join("news.db");
    let cfg = dir.write_config(&config(false, &[("old", server.url("/old"))], ""));
    run(&["run", "--once"], &cfg);
    let sources = [("old", server.url("/old")), ("new", server.url("/new"))];
    let cfg = dir.write_config(&config(false, &sources, ""));
    let daemon = common::process::spawn_newswatch(&["run", "--config", cfg.to_str().unwrap()]);
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let polled = || {
        rusqlite::Connection::open(&db)
            .and_then(|c| {
                c.query_row(
                    "SELECT count(*) FROM sources WHERE name = 'new' AND last_success_at IS NOT NULL",
                    [],
                    |r| r.get::<_, i64>(0),
                )
            })
            .is_ok_and(|n| n == 1)
    };
    while !polled() && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = daemon.terminate(Duration::from_secs(20));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !column(&db, "new", "last_success_at").is_empty(),
        "the new source was not polled"
    );
    assert_eq!(
        server.hits("/old"),
        1,
        "a source not yet due was polled again after the restart"
    );
}

#[test]
fn retry_after_pauses_the_whole_host_without_failing_its_other_sources() {
    let server = TestServer::start();
    server.route("/busy", Response::status(503).header("Retry-After", "1800"));
    let feed = one_item_feed(&server.url("/x.html"), "x");
    server.route("/other", Response::ok("application/rss+xml", feed));
    let sources = [
        ("busy", server.url("/busy")),
        ("other", server.url("/other")),
    ];
    // One poll at a time, in config order: the 503 arrives before the second source's turn.
    let toml = config(false, &sources, "").replace("\nconcurrency = 16", "\nconcurrency = 1");
    let dir = TestDir::new();
    let cfg = dir.write_config(&toml);
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &cfg);

    assert_eq!(column(&db, "busy", "failure_kind"), "throttled");
    assert_eq!(server.hits("/other"), 0, "a paused host was asked anyway");
    assert_eq!(column(&db, "other", "consecutive_failures"), "0");
    assert_eq!(column(&db, "other", "last_attempt_at"), "");
    assert_eq!(
        column(&db, "other", "next_due_at"),
        column(&db, "busy", "retry_after_at")
    );
}
