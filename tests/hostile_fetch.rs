//! Fetching from hostile or careless servers, end to end through the real binary: IPv6
//! spellings of private addresses in item links, robots.txt rules for non-ASCII paths, which
//! time limit cut a slow server, and a UTF-8 feed labelled with a single-byte charset.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::time::Duration;

use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_checked, run_once_all_failing};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(90);

/// A config with short limits; the SSRF guard on unless `allow_private`.
fn config(allow_private: bool, sources: &[(&str, String)], extra: &str) -> String {
    let mut toml = format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"3s\"\nconnect_timeout = \"1s\"\n\
         read_timeout = \"2s\"\nmax_body_bytes = 2097152\nper_host_concurrency = 4\n\
         per_host_delay = \"0s\"\nconcurrency = 8\nallow_private_addresses = {allow_private}\n\n{extra}"
    );
    for (name, url) in sources {
        toml.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\ninterval = \"10m\"\n\n"
        ));
    }
    toml
}

/// A feed with one item per link, each with its own headline and text.
fn feed(links: &[String]) -> String {
    let titles: Vec<String> = (0..links.len())
        .map(|i| format!("Жаңалық №{i}: саяси тұтқындар"))
        .collect();
    let texts: Vec<String> = (0..links.len())
        .map(|i| format!("Материал {i} о задержании {i} активистов."))
        .collect();
    let guids: Vec<String> = (0..links.len()).map(|i| format!("g{i}")).collect();
    let items: Vec<FeedItem> = (0..links.len())
        .map(|i| FeedItem {
            title: &titles[i],
            link: &links[i],
            guid: &guids[i],
            pub_date: "2026-01-12T18:00:00+05:00",
            description: &texts[i],
        })
        .collect();
    rss_feed("Лента", &items)
}

/// The extraction error of the article stored for the item linking to `url` ("" for none).
fn extract_error(db: &Path, url: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT coalesce(a.extract_error, '') FROM article_sources x
         JOIN articles a ON a.id = x.article_id WHERE x.url = ?1",
        [url],
        |r| r.get(0),
    )
    .unwrap_or_else(|e| panic!("no article for {url}: {e}"))
}

fn column(db: &Path, source: &str, col: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        &format!("SELECT coalesce(CAST({col} AS TEXT), '') FROM sources WHERE name = ?1"),
        [source],
        |r| r.get(0),
    )
    .unwrap()
}

fn page(title: &str) -> String {
    format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><article><h1>{title}</h1><p>Правозащитники сообщили о новых задержаниях в Алматы и \
         Астане; суд назначил активистам административный арест.</p></article></body></html>"
    )
}

#[test]
fn item_links_to_ipv6_spellings_of_private_addresses_are_refused() {
    let server = TestServer::start();
    let port = server.addr().port();
    let links: Vec<String> = [
        "[::7f00:1]",
        "[::ffff:0:7f00:1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::1]",
        "[2001:db8::1]",
        "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
        "198.18.0.1",
    ]
    .iter()
    .map(|host| format!("http://{host}:{port}/news/1.html"))
    .collect();
    server.route("/rss", Response::ok("application/rss+xml", feed(&links)));
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(false, &[("guarded", server.url("/rss"))], ""));
    run_checked(&["run", "--once"], &cfg, RUN_LIMIT);
    let db = dir.path().join("news.db");
    for link in &links {
        let stored = url::Url::parse(link).unwrap().to_string();
        let error = extract_error(&db, &stored);
        assert!(error.contains("is not public"), "{link}: {error:?}");
    }
    assert_eq!(server.hits("/news/1.html"), 0);
}

#[test]
fn robots_rules_for_cyrillic_paths_match_in_any_spelling_and_the_cap_cuts_cleanly() {
    let server = TestServer::start();
    let robots = "User-agent: *\nDisallow: /новости/\nDisallow: /%d0%b0%d1%80%d1%85%d0%b8%d0%b2/\n";
    server.route("/robots.txt", Response::ok("text/plain", robots));
    // A second host whose robots.txt passes the 512 KiB cap inside a two-byte letter: the rule
    // after the cap is not read.
    let big = TestServer::start();
    let filler = format!("#{}\n", "ж".repeat(512 * 1024 / 2));
    let big_robots = format!("User-agent: *\n{filler}Disallow: /late\n");
    big.route("/robots.txt", Response::ok("text/plain", big_robots));
    let links = vec![
        server.url("/новости/1.html"),
        server.url("/%D0%B0%D1%80%D1%85%D0%B8%D0%B2/2.html"),
        server.url("/ok/3.html"),
        big.url("/late/4.html"),
    ];
    for (srv, path) in [(&server, "/ok/3.html"), (&big, "/late/4.html")] {
        srv.route(path, Response::ok("text/html", page("Рұқсат етілген бет")));
    }
    server.route("/rss", Response::ok("application/rss+xml", feed(&links)));
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(true, &[("robots", server.url("/rss"))], ""));
    run_checked(&["run", "--once"], &cfg, RUN_LIMIT);
    let db = dir.path().join("news.db");
    for link in &links[..2] {
        let stored = url::Url::parse(link).unwrap().to_string();
        let error = extract_error(&db, &stored);
        assert!(error.contains("robots.txt"), "{link}: {error:?}");
    }
    assert_eq!(extract_error(&db, &links[2]), "");
    assert_eq!(extract_error(&db, &links[3]), "");
    assert_eq!(big.hits("/late/4.html"), 1);
}

#[test]
fn a_timeout_error_names_the_limit_that_fired() {
    let server = TestServer::start();
    let body = feed(&[server.url("/a.html")]);
    let drip = Response::slow_drip(body, 16, Duration::from_millis(300));
    server.route("/drip", drip.header("Content-Type", "application/rss+xml"));
    let stall = Response::hang(Duration::from_secs(10));
    server.route("/stall", stall);
    let sources = [
        ("drip", server.url("/drip")),
        ("stall", server.url("/stall")),
    ];
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(true, &sources, ""));
    // Both sources time out, so `run --once` reports that no source could be polled.
    run_once_all_failing(&cfg, RUN_LIMIT);
    let db = dir.path().join("news.db");
    let drip = column(&db, "drip", "last_error");
    assert!(drip.contains("longer than fetch.timeout (3s)"), "{drip}");
    assert!(!drip.contains("read_timeout"), "{drip}");
    let stall = column(&db, "stall", "last_error");
    assert!(
        stall.contains("no data arrived for fetch.read_timeout (2s)"),
        "{stall}"
    );
}

#[test]
fn a_utf8_feed_labelled_koi8_r_is_read_as_utf8_with_a_warning() {
    let server = TestServer::start();
    let body = feed(&[server.url("/a.html")]);
    assert!(body.contains("encoding=\"UTF-8\""));
    server.route(
        "/rss",
        Response::ok("application/rss+xml; charset=koi8-r", body),
    );
    server.route(
        "/a.html",
        Response::ok("text/html", page("Саяси тұтқындар")),
    );
    let rule = "[[rule]]\nname = \"prisoners\"\nquery = '\"саяси тұтқындар\"'\n\n";
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(true, &[("mislabelled", server.url("/rss"))], rule));
    run_checked(&["run", "--once"], &cfg, RUN_LIMIT);
    let db = dir.path().join("news.db");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let title: String = conn
        .query_row("SELECT title FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(title, "Жаңалық №0: саяси тұтқындар");
    let alerts: i64 = conn
        .query_row("SELECT count(*) FROM alerts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(alerts, 1);
    let warning = column(&db, "mislabelled", "last_warning");
    assert!(
        warning.contains("KOI8-R") && warning.contains("UTF-8"),
        "{warning}"
    );
    let listing = run_checked(&["sources"], &cfg, RUN_LIMIT);
    assert!(
        listing.contains("warning: the server labels the body KOI8-R"),
        "{listing}"
    );
}
