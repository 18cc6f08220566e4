//! `kind = "telegram"` end to end through the real binary: channel preview pages served on
//! 127.0.0.1 (replies, albums, polls, link previews, a photo-only post), paging back to older
//! posts, and `follow_links` joining a post to the outlet's own copy of the story.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::time::Duration;

use common::article::{RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, count, run_checked, run_once_all_failing};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(60);
const PAGE1: &str = include_str!("fixtures/sources/telegram_page1.html");
const PAGE2: &str = include_str!("fixtures/sources/telegram_page2.html");

/// A server with the channel's two preview pages; post 107 links `/ru/miting.html` there.
fn channel_server() -> TestServer {
    let server = TestServer::start();
    let page1 = PAGE1.replace("OUTLET_URL", &server.url("/ru/miting.html"));
    let html = "text/html; charset=utf-8";
    server.route("/s/dala_news", Response::ok(html, page1));
    server.route("/s/dala_news?before=101", Response::ok(html, PAGE2));
    server.route(
        "/ru/miting.html",
        Response::ok(
            html,
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

fn config(sources: &str) -> String {
    format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\n\
         per_host_delay = \"0s\"\n\n{sources}\n\
         [[rule]]\nname = \"arrests\"\nquery = 'арестовал'\n\n[[sink]]\nkind = \"log\"\n"
    )
}

fn telegram_source(server: &TestServer, follow_links: bool) -> String {
    format!(
        "[[source]]\nname = \"dala\"\nkind = \"telegram\"\nurl = \"{}\"\nfollow_links = {follow_links}\n\n",
        server.url("/s/dala_news")
    )
}

fn body(db: &Path, guid: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        "SELECT a.body FROM articles a JOIN article_sources s ON s.article_id = a.id WHERE s.guid = ?1",
        [guid],
        |r| r.get(0),
    )
    .unwrap()
}

#[test]
fn each_post_is_an_article_with_its_own_text_and_history_is_paged_once() {
    let server = channel_server();
    let dir = TestDir::new();
    let config = dir.write_config(&config(&telegram_source(&server, false)));
    let db = dir.path().join("news.db");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        count(&db, "SELECT count(*) FROM articles"),
        7,
        "five posts with text on the newest page, two on the older one"
    );
    assert_eq!(
        body(&db, "dala_news/102"),
        "Уточнение: акимат согласовал митинг заранее.",
        "a reply's own text, not the quoted post"
    );
    assert!(body(&db, "dala_news/101").contains("талап етті.\nПолиция"));
    assert!(
        body(&db, "dala_news/105").contains("Иә"),
        "poll options are text"
    );
    assert_eq!(server.hits("/ru/miting.html"), 0, "links are not followed");
    assert_eq!(
        count(&db, "SELECT count(*) FROM alerts"),
        1,
        "post 107 matches"
    );
    let url: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT url FROM article_sources WHERE guid = 'dala_news/107'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(url, "https://t.me/dala_news/107");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 7);
    let older = server
        .requests()
        .iter()
        .filter(|r| r.path == "/s/dala_news?before=101")
        .count();
    assert_eq!(older, 1, "a known newest page stops paging back");
}

#[test]
fn a_followed_outlet_link_joins_the_outlets_own_copy_with_one_alert() {
    let server = channel_server();
    let feed = rss_feed(
        "Outlet",
        &[FeedItem {
            title: RUSSIAN_TITLE,
            link: &server.url("/ru/miting.html"),
            guid: "ru-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Суд арестовал активистов.",
        }],
    );
    server.route("/rss", Response::ok("application/rss+xml", feed));
    let dir = TestDir::new();
    let sources = format!(
        "{}[[source]]\nname = \"outlet\"\nurl = \"{}\"\n\n",
        telegram_source(&server, true),
        server.url("/rss")
    );
    let config = dir.write_config(&config(&sources));
    let db = dir.path().join("news.db");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let article = "(SELECT id FROM articles WHERE canonical_url LIKE '%/ru/miting.html')";
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM article_sources WHERE article_id = {article}")
        ),
        2,
        "the feed item and the post are one article"
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alerts WHERE rule_name = 'arrests'"
        ),
        1
    );
    // The feed and the channel are polled at once, so both may fetch the page before either
    // stored it; dedup still makes it one article with one alert.
    assert!(server.hits("/ru/miting.html") <= 2);
}

#[test]
fn a_page_without_channel_markup_is_a_recorded_error() {
    let server = TestServer::start();
    server.route(
        "/s/nothing",
        Response::ok("text/html", "<html><body><p>moved</p></body></html>"),
    );
    let dir = TestDir::new();
    let source = format!(
        "[[source]]\nname = \"dala\"\nkind = \"telegram\"\nurl = \"{}\"\n",
        server.url("/s/nothing")
    );
    let config = dir.write_config(&config(&source));
    run_once_all_failing(&config, RUN_LIMIT);
    let out = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(out.contains("not a Telegram channel preview"), "{out}");
}
