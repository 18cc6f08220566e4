//! `kind = "sitemap"` end to end through the real binary against sitemaps on 127.0.0.1:
//! robots.txt `Sitemap:` lines, an index that loops, gzip, Google News fields, unchanged
//! children skipped by `lastmod`, the per-poll page budget, and one story reached through a
//! feed, a sitemap and a Telegram post.

#[allow(dead_code)]
mod common;

use std::io::Write;
use std::time::Duration;

use common::article::{RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page, distinct_paragraphs};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, count, run_checked};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(90);
const HTML: &str = "text/html; charset=utf-8";
const XML: &str = "application/xml";

fn serve_article(server: &TestServer, path: &str, title: &str) {
    let body = distinct_paragraphs(title);
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    let page = article_page(title, "Тілші", "2026-01-12T10:00:00+05:00", &body, "ru");
    server.route(path, Response::ok(HTML, page));
}

fn urlset(entries: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
         xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">{}</urlset>",
        entries.concat()
    )
}

fn news_entry(loc: &str, title: &str) -> String {
    format!(
        "<url><loc>{loc}</loc><news:news><news:publication><news:name>Dala</news:name>\
         <news:language>ru</news:language></news:publication>\
         <news:publication_date>2026-01-12T10:00:00+05:00</news:publication_date>\
         <news:title>{title}</news:title></news:news></url>"
    )
}

fn index(children: &[(&str, &str)]) -> String {
    let entries: String = children
        .iter()
        .map(|(loc, lastmod)| {
            format!("<sitemap><loc>{loc}</loc><lastmod>{lastmod}</lastmod></sitemap>")
        })
        .collect();
    format!(
        "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">{entries}</sitemapindex>"
    )
}

fn gzip(text: &str) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    gz.finish().unwrap()
}

fn config(sources: &str) -> String {
    format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\n\
         per_host_delay = \"0s\"\n\n{sources}\n\
         [[rule]]\nname = \"arrests\"\nquery = 'арестовал'\n\n[[sink]]\nkind = \"log\"\n"
    )
}

#[test]
fn robots_lines_lead_to_an_index_that_loops_and_unchanged_children_are_skipped() {
    let server = TestServer::start();
    server.route(
        "/robots.txt",
        Response::ok(
            "text/plain",
            "User-agent: *\nAllow: /\nSitemap: /sitemap/index.xml\n",
        ),
    );
    server.route(
        "/sitemap/index.xml",
        Response::ok(
            XML,
            index(&[
                ("/sitemap/news.xml.gz", "2026-01-12T10:00:00+05:00"),
                ("/sitemap/loop.xml", "2026-01-12"),
            ]),
        ),
    );
    server.route(
        "/sitemap/loop.xml",
        Response::ok(
            XML,
            index(&[
                ("/sitemap/index.xml", "2026-01-12"),
                ("/sitemap/loop.xml", "2026-01-12"),
            ]),
        ),
    );
    let news = urlset(&[
        news_entry(
            &server.url("/news/1-sud-arestoval"),
            "Суд арестовал активистов",
        ),
        news_entry(&server.url("/news/2-parlament"), "Парламент принял закон"),
    ]);
    server.route(
        "/sitemap/news.xml.gz",
        Response::ok("application/x-gzip", gzip(&news)),
    );
    serve_article(&server, "/news/1-sud-arestoval", "Заголовок страницы 1");
    serve_article(&server, "/news/2-parlament", "Заголовок страницы 2");
    let dir = TestDir::new();
    let source = format!(
        "[[source]]\nname = \"dala-sitemap\"\nkind = \"sitemap\"\nurl = \"{}\"\n",
        server.url("/robots.txt")
    );
    let config = dir.write_config(&config(&source));
    let db = dir.path().join("news.db");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM articles WHERE title = 'Суд арестовал активистов'"
        ),
        1,
        "the news sitemap's title wins, as a feed's would"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
    assert_eq!(
        server.hits("/sitemap/index.xml"),
        1,
        "the loop back to the index is not followed"
    );
    assert_eq!(server.hits("/sitemap/loop.xml"), 1);

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(server.hits("/sitemap/index.xml"), 2);
    assert_eq!(
        server.hits("/sitemap/news.xml.gz"),
        1,
        "same lastmod: not read again"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    let out = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(!out.contains("FAILING"), "{out}");
}

#[test]
fn a_big_sitemap_costs_at_most_the_page_budget_per_poll() {
    let server = TestServer::start();
    let entries: Vec<String> = (0..3000)
        .map(|i| {
            format!(
                "<url><loc>{}</loc><lastmod>2026-01-{:02}</lastmod></url>",
                server.url(&format!("/news/{i:05}")),
                i % 28 + 1
            )
        })
        .collect();
    server.route("/sitemap.xml", Response::ok(XML, urlset(&entries)));
    let dir = TestDir::new();
    let source = format!(
        "[[source]]\nname = \"big\"\nkind = \"sitemap\"\nurl = \"{}\"\nmax_new_pages = 10\n",
        server.url("/sitemap.xml")
    );
    let config = dir.write_config(&config(&source));
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let fetched: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.path)
        .filter(|p| p.starts_with("/news/"))
        .collect();
    assert_eq!(fetched.len(), 10, "{fetched:?}");
    assert!(
        fetched.iter().all(|p| {
            let n: usize = p.trim_start_matches("/news/").parse().unwrap();
            n % 28 == 27
        }),
        "the newest lastmod first: {fetched:?}"
    );
}

#[test]
fn one_story_through_a_feed_a_sitemap_and_a_telegram_post_is_one_article_and_one_alert() {
    let server = TestServer::start();
    let link = server.url("/ru/miting.html");
    server.route(
        "/ru/miting.html",
        Response::ok(
            HTML,
            article_page(
                RUSSIAN_TITLE,
                "Корреспондент",
                "2026-01-12T18:00:00+05:00",
                RUSSIAN_PARAGRAPHS,
                "ru",
            ),
        ),
    );
    let feed = rss_feed(
        "Outlet",
        &[FeedItem {
            title: RUSSIAN_TITLE,
            link: &link,
            guid: "ru-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Суд арестовал активистов.",
        }],
    );
    server.route("/rss", Response::ok("application/rss+xml", feed));
    server.route(
        "/news-sitemap.xml",
        Response::ok(XML, urlset(&[news_entry(&link, RUSSIAN_TITLE)])),
    );
    let post = format!(
        "<html><body><div class=\"tgme_widget_message js-widget_message\" data-post=\"outlet/5\">\
         <div class=\"tgme_widget_message_text js-message_text\">Суд арестовал активистов: <a href=\"{link}\">читать</a></div>\
         <a class=\"tgme_widget_message_date\" href=\"https://t.me/outlet/5\"><time datetime=\"2026-01-12T13:05:00+00:00\">13:05</time></a>\
         </div></body></html>"
    );
    server.route("/s/outlet", Response::ok(HTML, post));
    let sources = format!(
        "[[source]]\nname = \"feed\"\nurl = \"{}\"\n\n\
         [[source]]\nname = \"sitemap\"\nkind = \"sitemap\"\nurl = \"{}\"\n\n\
         [[source]]\nname = \"channel\"\nkind = \"telegram\"\nfollow_links = true\nurl = \"{}\"\n",
        server.url("/rss"),
        server.url("/news-sitemap.xml"),
        server.url("/s/outlet")
    );
    let dir = TestDir::new();
    let config = dir.write_config(&config(&sources));
    let db = dir.path().join("news.db");
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT source_id) FROM article_sources"),
        3
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM alerts WHERE rule_name = 'arrests'"
        ),
        1
    );
}
