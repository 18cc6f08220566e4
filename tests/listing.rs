//! `kind = "page"` end to end through the real binary against listing pages on 127.0.0.1:
//! article links found automatically or by selector, conditional GET on the listing,
//! pagination, a listing with 10,000 links, and a page whose layout changes between polls.

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::time::Duration;

use common::article::{article_page, distinct_paragraphs};
use common::process::{TestDir, count, run_checked, run_once_all_failing};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(90);
const HTML: &str = "text/html; charset=utf-8";

/// A listing page in one of two layouts, with site chrome around `links` (path, headline).
fn listing(layout: u8, links: &[(&str, &str)], next: Option<&str>) -> String {
    let mut html = String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\">");
    if let Some(next) = next {
        html.push_str(&format!("<link rel=\"next\" href=\"{next}\">"));
    }
    html.push_str("</head><body><header><nav><a href=\"/politics\">Саясат</a><a href=\"/economy/2026-review\">Экономика</a></nav></header><main>");
    for (path, title) in links {
        html.push_str(&match layout {
            1 => format!("<div class=\"news-item\"><h2><a href=\"{path}\">{title}</a></h2></div>"),
            _ => format!("<article class=\"card\"><a class=\"card__link\" href=\"{path}\"><span>{title}</span></a></article>"),
        });
    }
    html.push_str("<a href=\"/about\">Біз туралы</a></main><footer><a href=\"/contacts\">Байланыс</a></footer></body></html>");
    html
}

fn serve_article(server: &TestServer, path: &str, title: &str) {
    let body = distinct_paragraphs(title);
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    let page = article_page(title, "Тілші", "2026-01-12T10:00:00+05:00", &body, "ru");
    server.route(path, Response::ok(HTML, page));
}

fn config_text(source: &str) -> String {
    format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\n\
         per_host_delay = \"0s\"\n\n{source}\n\
         [[rule]]\nname = \"arrests\"\nquery = 'арестовал'\n\n[[sink]]\nkind = \"log\"\n"
    )
}

fn page_source(server: &TestServer, extra: &str) -> String {
    format!(
        "[[source]]\nname = \"section\"\nkind = \"page\"\nurl = \"{}\"\n{extra}\n",
        server.url("/latest")
    )
}

fn article_requests(server: &TestServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/news/"))
        .count()
}

fn titles(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT title FROM articles ORDER BY id")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn article_links_are_found_fetched_once_and_the_listing_is_polled_conditionally() {
    let server = TestServer::start();
    let links = [
        (
            "/news/2026/01/12/sud-arestoval-aktivistov",
            "Суд арестовал активистов",
        ),
        (
            "/news/84521-parlament-prinyal-zakon",
            "Парламент принял закон",
        ),
    ];
    for (path, title) in links {
        serve_article(&server, path, title);
    }
    let page2 = [("/news/84400-starye-novosti-dnya", "Старые новости дня")];
    serve_article(&server, page2[0].0, page2[0].1);
    server.route(
        "/latest",
        Response::ok(HTML, listing(1, &links, Some("/latest?page=2"))).etag("\"v1\""),
    );
    server.route(
        "/latest?page=2",
        Response::ok(HTML, listing(1, &page2, None)),
    );
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&page_source(&server, "follow = 1")));
    let db = dir.path().join("news.db");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let mut stored = titles(&db);
    stored.sort();
    assert_eq!(
        stored,
        [
            "Парламент принял закон",
            "Старые новости дня",
            "Суд арестовал активистов"
        ],
        "both listing pages' articles, and nothing from the site chrome"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 3);
    assert_eq!(
        server.hits("/about") + server.hits("/politics") + server.hits("/contacts"),
        0
    );
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    let last = server
        .requests()
        .into_iter()
        .rfind(|r| r.path == "/latest")
        .unwrap();
    assert_eq!(
        last.header("If-None-Match"),
        Some("\"v1\""),
        "conditional GET on the listing"
    );
    assert_eq!(
        article_requests(&server),
        3,
        "each article page fetched once"
    );
}

#[test]
fn a_listing_with_ten_thousand_links_costs_at_most_the_page_budget() {
    let server = TestServer::start();
    let mut html = String::from("<html><body><main>");
    for i in 0..10_000 {
        html.push_str(&format!(
            "<h3><a href=\"/news/{i:05}-flood-item\">Item {i}</a></h3>"
        ));
    }
    html.push_str("</main></body></html>");
    server.route("/latest", Response::ok(HTML, html));
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&page_source(&server, "max_new_pages = 20")));
    let db = dir.path().join("news.db");

    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        article_requests(&server),
        20,
        "the per-poll budget of new pages"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 20);
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        article_requests(&server),
        40,
        "the next poll takes the next budget"
    );
    let out = run_checked(&["sources"], &config, RUN_LIMIT);
    assert!(
        !out.contains("FAILING"),
        "a capped poll is not a failure: {out}"
    );
}

#[test]
fn a_layout_change_between_polls_fetches_only_new_articles_or_says_what_broke() {
    let server = TestServer::start();
    let old = [
        (
            "/news/2026/01/12/sud-arestoval-aktivistov",
            "Суд арестовал активистов",
        ),
        (
            "/news/84521-parlament-prinyal-zakon",
            "Парламент принял закон",
        ),
    ];
    let new = [
        ("/news/84530-novaya-statya-dnya", "Новая статья дня"),
        old[0],
        old[1],
    ];
    for (path, title) in new {
        serve_article(&server, path, title);
    }
    server.route(
        "/latest",
        Response::sequence(vec![
            Response::ok(HTML, listing(1, &old, None)),
            Response::ok(HTML, listing(2, &new, None)),
        ]),
    );
    let dir = TestDir::new();
    let config = dir.write_config(&config_text(&page_source(&server, "")));
    let db = dir.path().join("news.db");
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 2);
    run_checked(&["run", "--once"], &config, RUN_LIMIT);
    assert_eq!(
        count(&db, "SELECT count(*) FROM articles"),
        3,
        "only the new one is added"
    );
    assert_eq!(article_requests(&server), 3);

    let selector = TestServer::start();
    selector.route(
        "/latest",
        Response::sequence(vec![
            Response::ok(HTML, listing(1, &old, None)),
            Response::ok(HTML, listing(2, &new, None)),
        ]),
    );
    for (path, title) in new {
        serve_article(&selector, path, title);
    }
    let dir = TestDir::new();
    let file = dir.write_config(&config_text(&page_source(
        &selector,
        "links = \"div.news-item h2 a\"",
    )));
    run_checked(&["run", "--once"], &file, RUN_LIMIT);
    run_once_all_failing(&file, RUN_LIMIT);
    let out = run_checked(&["sources"], &file, RUN_LIMIT);
    assert!(out.contains("layout may have changed"), "{out}");
    assert_eq!(
        article_requests(&selector),
        2,
        "the new layout floods nothing"
    );
}
