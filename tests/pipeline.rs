//! End to end through the real binary: feeds and article pages served on 127.0.0.1, articles
//! and alerts in a real SQLite file, restarts, 304s and broken sources.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::time::Duration;

use common::article::{
    KAZAKH_PARAGRAPHS, KAZAKH_TITLE, RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page,
    distinct_paragraphs,
};
use common::feeds::{FeedItem, atom_feed, rss_feed};
use common::process::{TestDir, count, run_newswatch};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A server with one RSS feed (ETag'd) listing a Kazakh and a Russian article.
fn news_server() -> TestServer {
    let server = TestServer::start();
    let kk = server.url("/kk/saiasi-tutqyndar.html?utm_source=rss");
    let ru = server.url("/ru/miting.html");
    let feed = rss_feed(
        "Азаттық",
        &[
            FeedItem {
                title: RUSSIAN_TITLE,
                link: &ru,
                guid: "ru-1",
                pub_date: "2026-01-12T18:00:00+05:00",
                description: "Суд арестовал активистов.",
            },
            FeedItem {
                title: KAZAKH_TITLE,
                link: &kk,
                guid: "kk-1",
                pub_date: "2026-01-08T14:30:00+05:00",
                description: "Алматыда пикеттер өтті.",
            },
        ],
    );
    server.route(
        "/rss",
        Response::ok("application/rss+xml; charset=utf-8", feed).etag("\"feed-v1\""),
    );
    server.route(
        "/kk/saiasi-tutqyndar.html",
        Response::ok(
            "text/html; charset=utf-8",
            article_page(
                KAZAKH_TITLE,
                "Азаттық тілшісі",
                "2026-01-08T14:30:00+05:00",
                KAZAKH_PARAGRAPHS,
                "kk",
            ),
        ),
    );
    server.route(
        "/ru/miting.html",
        Response::ok(
            "text/html; charset=utf-8",
            article_page(
                RUSSIAN_TITLE,
                "Корреспондент",
                "2026-01-12T18:00:00+05:00",
                RUSSIAN_PARAGRAPHS,
                "ru",
            ),
        ),
    );
    server
}

fn config(sources: &[(&str, String)]) -> String {
    let mut toml = String::from(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\nper_host_delay = \"0s\"\n\n",
    );
    for (name, url) in sources {
        toml.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\ninterval = \"10m\"\n\n"
        ));
    }
    toml.push_str("[[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n");
    toml.push_str("[[rule]]\nname = \"nothing-matches\"\nquery = 'крокодил'\n\n");
    toml.push_str("[[sink]]\nkind = \"log\"\n");
    toml
}

fn run_once(config: &Path) -> std::process::Output {
    let out = run_newswatch(
        &["run", "--once", "--config", config.to_str().unwrap()],
        RUN_LIMIT,
    );
    assert!(
        out.status.success(),
        "run --once failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn once_stores_articles_raises_one_alert_and_a_second_run_adds_nothing() {
    let server = news_server();
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    let db = dir.path().join("news.db");

    let first = run_once(&config);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("2 new articles"), "{stdout}");
    assert!(stdout.contains("1 alerts"), "{stdout}");
    let logs = String::from_utf8_lossy(&first.stderr);
    assert!(
        logs.contains("political-prisoners"),
        "log sink did not emit the alert: {logs}"
    );

    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alerts WHERE rule_name = 'political-prisoners'"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM deliveries WHERE state = 'delivered'"
        ),
        1
    );
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (body, canonical, published): (String, String, String) = conn
        .query_row(
            "SELECT body, canonical_url, published_at FROM articles a JOIN alerts al ON al.article_id = a.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert!(body.contains("саяси тұтқындарды босатуды"), "{body}");
    assert!(!canonical.contains("utm_source"), "{canonical}");
    assert_eq!(published, "2026-01-08T09:30:00Z");

    let second = run_once(&config);
    assert!(String::from_utf8_lossy(&second.stdout).contains("0 new articles"));
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM deliveries"), 1);
    let feed_requests: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/rss")
        .collect();
    assert_eq!(feed_requests.len(), 2);
    assert_eq!(
        feed_requests[1].header("if-none-match"),
        Some("\"feed-v1\"")
    );
    assert!(
        feed_requests[0]
            .header("user-agent")
            .unwrap_or("")
            .starts_with("newswatch/")
    );
    assert_eq!(
        server.hits("/kk/saiasi-tutqyndar.html"),
        1,
        "article page fetched again"
    );
    assert_eq!(count(&db, "SELECT last_status FROM sources"), 304);
}

#[test]
fn a_changed_feed_without_validators_only_adds_its_new_items() {
    let server = news_server();
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    run_once(&config);
    // The server now ignores conditional GET and lists one more item.
    let extra = server.url("/ru/extra.html");
    let feed = rss_feed(
        "Азаттық",
        &[FeedItem {
            title: "Жаңа хабар",
            link: &extra,
            guid: "ru-2",
            pub_date: "2026-01-13T10:00:00+05:00",
            description: "Басқа тақырып.",
        }],
    );
    server.route("/rss", Response::ok("application/rss+xml", feed));
    server.route(
        "/ru/extra.html",
        Response::ok("text/html", "<html><body><p>Жаңа мәтін.</p></body></html>"),
    );
    let out = run_once(&config);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new articles"));
    assert_eq!(
        count(&dir.path().join("news.db"), "SELECT count(*) FROM articles"),
        3
    );
}

#[test]
fn a_malformed_feed_is_that_sources_error_and_other_sources_still_work() {
    let server = news_server();
    server.route(
        "/broken",
        Response::ok(
            "application/rss+xml",
            "<rss><channel><item><title>unterminated",
        ),
    );
    server.route("/gone", Response::status(500));
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[
        ("broken", server.url("/broken")),
        ("good", server.url("/rss")),
        ("down", server.url("/gone")),
    ]));
    let db = dir.path().join("news.db");
    let out = run_once(&config);
    assert!(String::from_utf8_lossy(&out.stdout).contains("(2 failed)"));
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (error, failures): (String, i64) = conn
        .query_row(
            "SELECT last_error, consecutive_failures FROM sources WHERE name = 'broken'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        error.contains(&server.url("/broken")) && error.contains("feed"),
        "{error}"
    );
    assert_eq!(failures, 1);
    let (status, error): (i64, String) = conn
        .query_row(
            "SELECT last_status, last_error FROM sources WHERE name = 'down'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(status, 500);
    assert!(error.contains("HTTP 500"), "{error}");
    let sources = run_newswatch(
        &["sources", "--config", config.to_str().unwrap()],
        RUN_LIMIT,
    );
    let listing = String::from_utf8_lossy(&sources.stdout);
    assert!(
        listing.contains("FAILING x1") && listing.contains("last error:"),
        "{listing}"
    );
}

#[test]
fn the_same_url_from_two_sources_is_one_article_with_two_links() {
    let server = news_server();
    let kk = server.url("/kk/saiasi-tutqyndar.html");
    let atom = atom_feed(
        "Mirror",
        &[FeedItem {
            title: KAZAKH_TITLE,
            link: &kk,
            guid: "urn:mirror:1",
            pub_date: "2026-01-08T14:30:00+05:00",
            description: "Көшірме.",
        }],
    );
    server.route("/atom", Response::ok("application/atom+xml", atom));
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[
        ("azattyq", server.url("/rss")),
        ("mirror", server.url("/atom")),
    ]));
    let db = dir.path().join("news.db");
    run_once(&config);
    run_once(&config);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM article_sources"), 3);
}

#[test]
fn a_failing_article_page_keeps_the_feed_text_and_the_error() {
    let server = news_server();
    server.route("/ru/miting.html", Response::status(503));
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    run_once(&config);
    let conn = rusqlite::Connection::open(dir.path().join("news.db")).unwrap();
    let (body, error): (String, String) = conn
        .query_row(
            "SELECT body, extract_error FROM articles WHERE url LIKE '%miting%'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(body, "Суд арестовал активистов.");
    assert!(error.contains("HTTP 503"), "{error}");
}

#[test]
fn admin_commands_read_the_database() {
    let server = news_server();
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    run_once(&config);
    let cfg = config.to_str().unwrap();
    let stats = run_newswatch(&["stats", "--config", cfg], RUN_LIMIT);
    let stats = String::from_utf8_lossy(&stats.stdout);
    assert!(
        stats.contains("articles:   2") && stats.contains("alerts:     1"),
        "{stats}"
    );
    let alerts = run_newswatch(&["alerts", "--since", "1h", "--config", cfg], RUN_LIMIT);
    let alerts = String::from_utf8_lossy(&alerts.stdout);
    assert!(
        alerts.contains("[political-prisoners]") && alerts.contains("log=delivered"),
        "{alerts}"
    );
    let search = run_newswatch(&["search", "политзаключённым", "--config", cfg], RUN_LIMIT);
    assert!(String::from_utf8_lossy(&search.stdout).contains(RUSSIAN_TITLE));
    let bad = run_newswatch(&["search", "AND (", "--config", cfg], RUN_LIMIT);
    assert_eq!(bad.status.code(), Some(2));
    let bad_since = run_newswatch(&["alerts", "--since", "soon", "--config", cfg], RUN_LIMIT);
    assert_eq!(bad_since.status.code(), Some(2));
}

#[test]
fn compressed_feeds_are_read_and_a_gzip_bomb_is_refused_after_decompression() {
    use std::io::Write;
    let server = news_server();
    let feed = rss_feed(
        "Gzip",
        &[FeedItem {
            title: "Сығылған арна",
            link: &server.url("/ru/miting.html"),
            guid: "gz-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Қысқаша.",
        }],
    );
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(feed.as_bytes()).unwrap();
    let gzipped = encoder.finish().unwrap();
    server.route(
        "/gz",
        Response::ok("application/rss+xml", gzipped).header("Content-Encoding", "gzip"),
    );
    server.route(
        "/bomb",
        Response::gzip_bomb("application/rss+xml", 50 << 20),
    );
    let dir = TestDir::new();
    let toml = config(&[("gz", server.url("/gz")), ("bomb", server.url("/bomb"))]).replace(
        "timeout = \"5s\"",
        "timeout = \"5s\"\nmax_body_bytes = 1048576",
    );
    let config = dir.write_config(&toml);
    let db = dir.path().join("news.db");
    run_once(&config);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let error: String = conn
        .query_row(
            "SELECT last_error FROM sources WHERE name = 'bomb'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(error.contains("more than 1048576 bytes"), "{error}");
}

#[test]
fn a_new_rule_is_backfilled_over_stored_articles_once() {
    let server = news_server();
    let dir = TestDir::new();
    let without_rule = config(&[("azattyq", server.url("/rss"))]).replace(
        "[[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n",
        "",
    );
    let path = dir.write_config(&without_rule);
    let db = dir.path().join("news.db");
    run_once(&path);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 0);

    dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    let out = run_once(&path);
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 backfill alerts"));
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alerts WHERE backfill = 1 AND rule_name = 'political-prisoners'"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM deliveries WHERE state = 'delivered'"
        ),
        1
    );

    let again = run_once(&path);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 backfill alerts"));
    // A changed query is backfilled again, but an alert already raised is not repeated.
    dir.write_config(
        &config(&[("azattyq", server.url("/rss"))])
            .replace("'\"саяси тұтқын\"'", "'тұтқын OR митинг'"),
    );
    let changed = run_once(&path);
    assert!(String::from_utf8_lossy(&changed.stdout).contains("1 backfill alerts"));
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 2);
}

#[test]
fn a_zero_backfill_window_disables_backfill() {
    let server = news_server();
    let dir = TestDir::new();
    let base = config(&[("azattyq", server.url("/rss"))]);
    let path = dir.write_config(&base.replace(
        "[[rule]]\nname = \"political-prisoners\"",
        "[[rule]]\nname = \"later\"",
    ));
    run_once(&path);
    dir.write_config(&format!("[watch]\nbackfill_window = \"0s\"\n{base}"));
    run_once(&path);
    let db = dir.path().join("news.db");
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alerts WHERE rule_name = 'political-prisoners'"
        ),
        0
    );
}

#[test]
fn match_db_tests_a_query_on_stored_articles_without_alerting() {
    let server = news_server();
    let dir = TestDir::new();
    let path = dir.write_config(&config(&[("azattyq", server.url("/rss"))]));
    run_once(&path);
    let cfg = path.to_str().unwrap();
    let hit = run_newswatch(
        &[
            "match",
            "--query",
            "политзаключенный",
            "--db",
            "--config",
            cfg,
        ],
        RUN_LIMIT,
    );
    assert_eq!(
        hit.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&hit.stderr)
    );
    assert!(String::from_utf8_lossy(&hit.stdout).contains(RUSSIAN_TITLE));
    let miss = run_newswatch(
        &["match", "--query", "крокодил", "--db", "--config", cfg],
        RUN_LIMIT,
    );
    assert_eq!(miss.status.code(), Some(1));
    let bad = run_newswatch(
        &["match", "--query", "\"unclosed", "--db", "--config", cfg],
        RUN_LIMIT,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(
        count(&dir.path().join("news.db"), "SELECT count(*) FROM alerts"),
        1
    );
}

#[test]
fn a_site_rule_in_the_config_wins_over_the_generic_extractor() {
    let server = TestServer::start();
    let link = server.url("/n/1.html");
    let feed = rss_feed(
        "Site",
        &[FeedItem {
            title: "Сайт ережесі",
            link: &link,
            guid: "s-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Қысқаша.",
        }],
    );
    server.route("/rss", Response::ok("application/rss+xml", feed));
    let long = KAZAKH_PARAGRAPHS
        .iter()
        .map(|p| format!("<p>{p}</p>"))
        .collect::<String>();
    let page = format!(
        "<html><body><article>{long}</article>\
         <div class=\"lead\"><p>Редакция таңдаған қысқа кіріспе.</p><p class=\"ad\">Жарнама</p></div></body></html>"
    );
    server.route("/n/1.html", Response::ok("text/html; charset=utf-8", page));
    let dir = TestDir::new();
    let host = url::Url::parse(&server.url("/"))
        .unwrap()
        .host_str()
        .unwrap()
        .to_string();
    let toml = format!(
        "{}\n[[site]]\nhost = \"{host}\"\nbody = \".lead\"\nremove = [\".ad\"]\n",
        config(&[("site", server.url("/rss"))])
    );
    let path = dir.write_config(&toml);
    run_once(&path);
    let conn = rusqlite::Connection::open(dir.path().join("news.db")).unwrap();
    let body: String = conn
        .query_row("SELECT body FROM articles", [], |r| r.get(0))
        .unwrap();
    assert_eq!(body, "Редакция таңдаған қысқа кіріспе.");

    let bad = dir.write_config(&toml.replace("body = \".lead\"", "body = \"div[[\""));
    let out = run_newswatch(
        &["check-config", "--config", bad.to_str().unwrap()],
        RUN_LIMIT,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[[site]]"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn rules_scoped_by_source_tag_and_language_look_only_at_their_articles() {
    let server = news_server();
    let dir = TestDir::new();
    let base = config(&[("azattyq", server.url("/rss"))]).replace(
        "interval = \"10m\"\n",
        "interval = \"10m\"\ntags = [\"kk\", \"independent\"]\n",
    );
    let scoped = format!(
        "{base}
[[rule]]
name = \"kk-only\"
query = 'тұтқын'
language = \"kk\"

[[rule]]
name = \"ru-only\"
query = 'тұтқын'
language = \"ru\"

[[rule]]
name = \"tagged\"
query = 'тұтқын'
tags = [\"independent\"]

[[rule]]
name = \"state-media\"
query = 'тұтқын'
tags = [\"state\"]

[[rule]]
name = \"this-source\"
query = 'тұтқын'
sources = [\"azattyq\"]
"
    );
    let path = dir.write_config(&scoped);
    run_once(&path);
    let db = dir.path().join("news.db");
    let fired = |rule: &str| {
        count(
            &db,
            &format!("SELECT count(*) FROM alerts WHERE rule_name = '{rule}'"),
        )
    };
    assert_eq!(fired("kk-only"), 1);
    assert_eq!(fired("ru-only"), 0);
    assert_eq!(fired("tagged"), 1);
    assert_eq!(fired("state-media"), 0);
    assert_eq!(fired("this-source"), 1);

    let bad =
        dir.write_config(&scoped.replace("sources = [\"azattyq\"]", "sources = [\"nowhere\"]"));
    let out = run_newswatch(
        &["check-config", "--config", bad.to_str().unwrap()],
        RUN_LIMIT,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [[source]] is named \"nowhere\""));
}

#[test]
fn later_items_are_fetched_while_an_earlier_one_is_slow_and_stored_in_feed_order() {
    let server = TestServer::start();
    let urls: Vec<String> = (0..3)
        .map(|i| server.url(&format!("/a/{i}.html")))
        .collect();
    let titles = ["Первая", "Вторая", "Третья"];
    for (i, title) in titles.iter().enumerate() {
        let paragraphs = distinct_paragraphs(title);
        let refs: Vec<&str> = paragraphs.iter().map(String::as_str).collect();
        let page = article_page(title, "Автор", "2026-01-12T18:00:00+05:00", &refs, "ru");
        let response = if i == 0 {
            // About 1.5 s for the oldest item's page: the next ones must not wait for it.
            let chunk = page.len() / 15 + 1;
            Response::slow_drip(page, chunk, Duration::from_millis(100))
        } else {
            Response::ok("text/html; charset=utf-8", page)
        };
        server.route(&format!("/a/{i}.html"), response);
    }
    // Feeds list newest first: the slow page is the oldest item, stored first.
    let items: Vec<FeedItem> = (0..3)
        .rev()
        .map(|i| FeedItem {
            title: titles[i],
            link: &urls[i],
            guid: ["g0", "g1", "g2"][i],
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Кратко.",
        })
        .collect();
    server.route(
        "/rss",
        Response::ok(
            "application/rss+xml; charset=utf-8",
            rss_feed("Лента", &items),
        ),
    );
    let dir = TestDir::new();
    let config = dir.write_config(&config(&[("lenta", server.url("/rss"))]));
    run_once(&config);

    let requests = server.requests();
    let received = |path: &str| {
        requests
            .iter()
            .find(|r| r.path == path)
            .map(|r| r.received)
            .unwrap_or_else(|| panic!("{path} was not requested"))
    };
    let ahead = received("/a/1.html").saturating_duration_since(received("/a/0.html"));
    assert!(
        ahead < Duration::from_millis(1000),
        "the second page waited {ahead:?} for the slow first one"
    );
    let conn = rusqlite::Connection::open(dir.path().join("news.db")).unwrap();
    let mut stmt = conn
        .prepare("SELECT url FROM articles ORDER BY id")
        .unwrap();
    let stored: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored, urls, "articles are stored in feed order");
}
