//! Deduplication end to end through the real binary: URL variants, the same body at another
//! URL, republished copies joining one story with one alert, different stories kept apart,
//! and page edits and removals found by revisits — across sources and restarts.

#[allow(dead_code)]
mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::article::{KAZAKH_PARAGRAPHS, KAZAKH_TITLE, article_page};
use common::feeds::{FeedItem, atom_feed, rss_feed};
use common::process::{TestDir, count, run_checked, run_newswatch};
use common::response::Response;
use common::server::TestServer;

const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A different story on the same topic: the same rule matches, one paragraph is shared.
const OTHER_STORY: &[&str] = &[
    "Ақтөбе облыстық соты белсенді Марат Жылқыбаевтың шағымын қанағаттандырусыз қалдырды, деп хабарлады оның адвокаты.",
    "Құқық қорғаушылар Жылқыбаевты саяси тұтқын деп санайды және оның денсаулығы нашарлап бара жатқанын айтады.",
    "Сот отырысы жабық өтті, журналистер мен бақылаушылар залға кіргізілмеді.",
    "Адвокаттың сөзінше, қорғау тарабы үкімді Жоғарғы сотқа шағымдануды жоспарлап отыр.",
    "Еуропарламент, АҚШ, БҰҰ және өзге халықаралық ұйымдар мен құқық қорғаушылар Нұр-Сұлтанды \"саяси тұтқын\" деп танылған азаматтарды түрмеден босатуды талай рет шақырған.",
];

fn page(title: &str, paragraphs: &[&str]) -> Response {
    Response::ok(
        "text/html; charset=utf-8",
        article_page(
            title,
            "Тілші",
            "2026-01-08T14:30:00+05:00",
            paragraphs,
            "kk",
        ),
    )
}

fn item<'a>(title: &'a str, link: &'a str, guid: &'a str) -> FeedItem<'a> {
    FeedItem {
        title,
        link,
        guid,
        pub_date: "2026-01-08T14:30:00+05:00",
        description: "Қысқаша.",
    }
}

/// Serves `items` as RSS at `path`.
fn feed(server: &TestServer, path: &str, items: &[FeedItem<'_>]) {
    server.route(
        path,
        Response::ok("application/rss+xml", rss_feed("Арна", items)),
    );
}

fn config(dir: &TestDir, sources: &[(&str, String)]) -> PathBuf {
    let mut toml = String::from(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\nper_host_delay = \"0s\"\n\n",
    );
    for (name, url) in sources {
        toml.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\n\n"
        ));
    }
    toml.push_str("[[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n");
    toml.push_str("[[sink]]\nkind = \"log\"\n");
    dir.write_config(&toml)
}

fn run(args: &[&str], config: &Path) -> String {
    run_checked(args, config, RUN_LIMIT)
}

#[test]
fn tracking_fragment_and_page_canonical_variants_are_one_article() {
    let server = TestServer::start();
    let canonical = server.url("/kk/a-1.html");
    let html = article_page(
        KAZAKH_TITLE,
        "Тілші",
        "2026-01-08T14:30:00+05:00",
        KAZAKH_PARAGRAPHS,
        "kk",
    )
    .replace(
        "<head>",
        &format!("<head>\n<link rel=\"canonical\" href=\"{canonical}\">"),
    );
    server.route(
        "/kk/a-1.html",
        Response::ok("text/html; charset=utf-8", html.clone()),
    );
    server.route(
        "/amp/kk/a-1.html",
        Response::ok("text/html; charset=utf-8", html),
    );
    let (tracked, amp) = (
        server.url("/kk/a-1.html?utm_source=telegram&fbclid=x#comments"),
        server.url("/amp/kk/a-1.html"),
    );
    feed(&server, "/a", &[item(KAZAKH_TITLE, &tracked, "a-1")]);
    feed(&server, "/b", &[item("Пикеттер", &amp, "b-1")]);
    let dir = TestDir::new();
    let config = config(&dir, &[("a", server.url("/a")), ("b", server.url("/b"))]);
    run(&["run", "--once"], &config);
    let db = dir.path().join("news.db");
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM article_sources"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
}

#[test]
fn the_same_body_at_another_url_from_a_later_source_is_the_same_article() {
    let server = TestServer::start();
    server.route("/kk/a-1.html", page(KAZAKH_TITLE, KAZAKH_PARAGRAPHS));
    server.route("/mirror/42", page("Көшірме", KAZAKH_PARAGRAPHS));
    let (original, mirror) = (server.url("/kk/a-1.html"), server.url("/mirror/42"));
    feed(&server, "/a", &[item(KAZAKH_TITLE, &original, "a-1")]);
    feed(&server, "/b", &[item("Көшірме", &mirror, "m-42")]);
    let dir = TestDir::new();
    run(
        &["run", "--once"],
        &config(&dir, &[("a", server.url("/a"))]),
    );
    let both = config(&dir, &[("a", server.url("/a")), ("b", server.url("/b"))]);
    let out = run(&["run", "--once"], &both);
    assert!(out.contains("0 new articles, 1 linked"), "{out}");
    let db = dir.path().join("news.db");
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 1);
    let story = run(&["story", "1"], &both);
    assert!(
        story.contains(&mirror) && story.contains(&original),
        "{story}"
    );
}

#[test]
fn a_republished_copy_joins_the_story_without_a_second_alert_and_other_stories_stay_apart() {
    let server = TestServer::start();
    server.route("/kk/a-1.html", page(KAZAKH_TITLE, KAZAKH_PARAGRAPHS));
    let mut copy: Vec<&str> =
        vec!["Дереккөз: Азаттық радиосы. Жаңалықтарды Telegram арнамыздан оқыңыз."];
    copy.extend(&KAZAKH_PARAGRAPHS[..6]);
    copy.push("Пікіріңізді жазыңыз. Материалды көшіріп басу үшін редакцияның рұқсаты керек.");
    server.route(
        "/other/news/777",
        page("Алматыдағы пикет: белсенділер талабы", &copy),
    );
    server.route(
        "/other/news/778",
        page("Ақтөбеде сот шағымды қанағаттандырмады", OTHER_STORY),
    );
    let (original, copied, other) = (
        server.url("/kk/a-1.html"),
        server.url("/other/news/777"),
        server.url("/other/news/778"),
    );
    feed(&server, "/a", &[item(KAZAKH_TITLE, &original, "a-1")]);
    server.route(
        "/b",
        Response::ok(
            "application/atom+xml",
            atom_feed(
                "Басқа басылым",
                &[item("Пикет", &copied, "777"), item("Сот", &other, "778")],
            ),
        ),
    );
    let dir = TestDir::new();
    run(
        &["run", "--once"],
        &config(&dir, &[("a", server.url("/a"))]),
    );
    let both = config(&dir, &[("a", server.url("/a")), ("b", server.url("/b"))]);
    let out = run(&["run", "--once"], &both);
    assert!(
        out.contains("2 new articles") && out.contains("1 alerts"),
        "{out}"
    );
    run(&["run", "--once"], &both);
    let db = dir.path().join("news.db");
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 3);
    assert_eq!(
        count(&db, "SELECT count(DISTINCT story_id) FROM articles"),
        2
    );
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 2);
    let story = run(&["story", "1"], &both);
    assert!(
        story.contains("2 copies") && story.contains(&copied),
        "{story}"
    );
    assert!(!story.contains(&other), "{story}");
    assert_eq!(
        story.matches("alert [political-prisoners]").count(),
        1,
        "{story}"
    );
}

#[test]
fn an_edited_page_gets_a_new_version_and_a_deleted_page_is_marked_removed() {
    let server = TestServer::start();
    server.route("/kk/a-1.html", page(KAZAKH_TITLE, KAZAKH_PARAGRAPHS));
    server.route("/kk/a-2.html", page("Сот", OTHER_STORY));
    let (first, second) = (server.url("/kk/a-1.html"), server.url("/kk/a-2.html"));
    feed(
        &server,
        "/a",
        &[
            item(KAZAKH_TITLE, &first, "a-1"),
            item("Сот", &second, "a-2"),
        ],
    );
    let dir = TestDir::new();
    let config = config(&dir, &[("a", server.url("/a"))]);
    let db = dir.path().join("news.db");
    run(&["run", "--once"], &config);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM articles WHERE next_check_at IS NOT NULL"
        ),
        2
    );

    let mut edited = KAZAKH_PARAGRAPHS.to_vec();
    edited.truncate(5);
    edited.push("Редакциядан: мақала жаңартылды, пикет қатысушылары туралы дерек түзетілді.");
    server.route("/kk/a-1.html", page(KAZAKH_TITLE, &edited).etag("\"v2\""));
    server.route("/kk/a-2.html", Response::status(410));
    let due = "UPDATE articles SET next_check_at = '2000-01-01T00:00:00Z'";
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(due, [])
        .unwrap();
    run(&["run", "--once"], &config);
    assert_eq!(count(&db, "SELECT count(*) FROM article_versions"), 2);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM articles WHERE removed_at IS NOT NULL"
        ),
        1
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM articles WHERE body LIKE '%мақала жаңартылды%'"
        ),
        1
    );

    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(due, [])
        .unwrap();
    run(&["run", "--once"], &config);
    let revisits: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/kk/a-1.html")
        .collect();
    assert_eq!(revisits.len(), 3);
    assert_eq!(revisits[2].header("if-none-match"), Some("\"v2\""));
    assert_eq!(count(&db, "SELECT count(*) FROM article_versions"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM alerts"), 2);

    let id = |path: &str| {
        count(
            &db,
            &format!("SELECT id FROM articles WHERE url LIKE '%{path}'"),
        )
        .to_string()
    };
    let story = run(&["story", "--article", &id("a-1.html")], &config);
    assert!(
        story.contains("version 1") && story.contains("version 2"),
        "{story}"
    );
    assert!(story.contains("мақала жаңартылды"), "{story}");
    let removed = run(&["story", "--article", &id("a-2.html")], &config);
    assert!(removed.contains("REMOVED"), "{removed}");
}

#[test]
fn an_unknown_story_is_an_error() {
    let dir = TestDir::new();
    let config = config(&dir, &[]);
    let out = run_newswatch(
        &["story", "99", "--config", config.to_str().unwrap()],
        RUN_LIMIT,
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no story #99"));
}
