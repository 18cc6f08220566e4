//! `kind = "auto"` (the default) and `newswatch discover` end to end through the real binary:
//! a home page announcing its feed, a site with only a news sitemap named in robots.txt, a
//! bare listing page, and nothing at all.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::article::{article_page, distinct_paragraphs};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, count, run_checked, run_newswatch, run_once_all_failing};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(90);
const HTML: &str = "text/html; charset=utf-8";

fn serve_article(server: &TestServer, path: &str, title: &str) {
    let body = distinct_paragraphs(title);
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    let page = article_page(title, "Тілші", "2026-01-12T10:00:00+05:00", &body, "ru");
    server.route(path, Response::ok(HTML, page));
}

fn home(head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html><head><title>Dala</title>{head}</head><body><nav><a href=\"/about\">About</a></nav><main>{body}</main></body></html>"
    )
}

fn config_text(server: &TestServer, path: &str) -> String {
    format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\n\
         per_host_delay = \"0s\"\n\n[[source]]\nname = \"dala\"\nurl = \"{}\"\n",
        server.url(path)
    )
}

#[test]
fn a_home_page_announcing_its_feed_is_watched_through_the_feed() {
    let server = TestServer::start();
    serve_article(&server, "/news/1-first", "Первая новость");
    let feed = rss_feed(
        "Dala",
        &[FeedItem {
            title: "Первая новость",
            link: &server.url("/news/1-first"),
            guid: "1",
            pub_date: "2026-01-12T10:00:00+05:00",
            description: "Текст.",
        }],
    );
    server.route("/feeds/main.xml", Response::ok("application/rss+xml", feed));
    server.route(
        "/",
        Response::ok(
            HTML,
            home(
                "<link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feeds/main.xml\">",
                "",
            ),
        ),
    );
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&server, "/"));
    let out = run_checked(&["discover", &server.url("/")], &config, RUN_LIMIT);
    assert!(out.contains("chosen: kind = \"feed\""), "{out}");
    assert!(out.contains("/feeds/main.xml"), "{out}");
    assert!(
        !dir.path().join("news.db").exists(),
        "discover stores nothing"
    );

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let home_hits = server.hits("/");
    assert_eq!(
        count(&dir.path().join("news.db"), "SELECT count(*) FROM articles"),
        1
    );
    let sources = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(sources.contains("watched as feed"), "{sources}");
    assert!(sources.contains("rel=\"alternate\""), "{sources}");
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        server.hits("/"),
        home_hits,
        "the way is remembered: the home page is not read again"
    );
    assert_eq!(
        server.hits("/feeds/main.xml"),
        4,
        "checked by discover and by the first poll's discovery, then read by each poll"
    );
}

#[test]
fn a_site_with_only_a_news_sitemap_in_robots_txt_is_watched_through_it() {
    let server = TestServer::start();
    serve_article(&server, "/news/2-second", "Вторая новость");
    server.route(
        "/robots.txt",
        Response::ok(
            "text/plain",
            "User-agent: *\nAllow: /\nSitemap: /sitemaps/news.xml\n",
        ),
    );
    let sitemap = format!(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc>{}</loc><lastmod>2026-01-12</lastmod></url></urlset>",
        server.url("/news/2-second")
    );
    server.route(
        "/sitemaps/news.xml",
        Response::ok("application/xml", sitemap),
    );
    server.route("/", Response::ok(HTML, home("", "<p>Welcome</p>")));
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&server, "/"));
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        count(&dir.path().join("news.db"), "SELECT count(*) FROM articles"),
        1
    );
    let sources = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(sources.contains("watched as sitemap"), "{sources}");
    assert!(sources.contains("named by robots.txt"), "{sources}");
}

#[test]
fn a_bare_page_is_watched_as_a_listing_and_nothing_at_all_is_an_error() {
    let server = TestServer::start();
    serve_article(
        &server,
        "/news/2026/01/12/third-story-today",
        "Третья новость",
    );
    server.route(
        "/latest",
        Response::ok(
            HTML,
            home(
                "",
                "<h2><a href=\"/news/2026/01/12/third-story-today\">Третья новость дня</a></h2>",
            ),
        ),
    );
    server.route("/empty", Response::ok(HTML, home("", "<p>nothing</p>")));
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&server, "/latest"));
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        count(&dir.path().join("news.db"), "SELECT count(*) FROM articles"),
        1
    );
    let sources = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(sources.contains("watched as page"), "{sources}");

    let out = run_newswatch(
        &[
            "discover",
            &server.url("/empty"),
            "--config",
            config.to_str().unwrap(),
        ],
        RUN_LIMIT,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("nothing to watch found"));
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&server, "/empty"));
    run_once_all_failing(&config, RUN_LIMIT);
    let sources = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(sources.contains("nothing to watch found"), "{sources}");
}
