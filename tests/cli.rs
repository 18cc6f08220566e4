//! The command-line contract: exit codes and messages of `check-config`, `match`, `extract`,
//! and a clean stop of the daemon on SIGTERM.

#[allow(dead_code)]
mod common;

use std::time::{Duration, Instant};

use common::article::{KAZAKH_PARAGRAPHS, KAZAKH_TITLE, article_page};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_newswatch, spawn_newswatch};
use common::response::Response;
use common::server::TestServer;

const LIMIT: Duration = Duration::from_secs(60);

fn check_config(toml: &str) -> (Option<i32>, String) {
    let dir = TestDir::new();
    let path = dir.write_config(toml);
    let out = run_newswatch(&["check-config", "--config", path.to_str().unwrap()], LIMIT);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const VALID: &str = r#"[storage]
database = "n.db"

[[source]]
name = "azattyq-kk"
url = "https://www.azattyq.org/api/"
interval = "10m"

[[rule]]
name = "prisoners"
query = '"саяси тұтқын"'

[[sink]]
kind = "log"
"#;

#[test]
fn check_config_accepts_a_valid_file_and_the_shipped_example() {
    let dir = TestDir::new();
    let path = dir.write_config(VALID);
    let out = run_newswatch(&["check-config", "--config", path.to_str().unwrap()], LIMIT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("OK (1 sources, 1 rules, 1 sinks"));
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/config/newswatch.toml");
    let out = run_newswatch(&["check-config", "--config", example], LIMIT);
    assert!(
        out.status.success(),
        "shipped example is invalid: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_config_points_at_the_line_of_each_problem() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "interval = \"10m\"",
            "interval = \"10m\"\ncolour = \"red\"",
            "newswatch.toml:8:1: unknown field `colour`",
        ),
        (
            "url = \"https://www.azattyq.org/api/\"",
            "url = \"ftp://x.kz/feed\"",
            "newswatch.toml:6:7:",
        ),
        (
            "url = \"https://www.azattyq.org/api/\"",
            "url = \"not a url\"",
            "not a valid URL",
        ),
        (
            "interval = \"10m\"",
            "interval = \"ten minutes\"",
            "newswatch.toml:7:12: source \"azattyq-kk\": interval",
        ),
        ("interval = \"10m\"", "interval = \"1s\"", "out of range"),
        (
            "query = '\"саяси тұтқын\"'",
            "query = '\"саяси тұтқын'",
            "newswatch.toml:11:9: rule \"prisoners\": bad query",
        ),
        (
            "kind = \"log\"",
            "kind = \"pigeon\"",
            "newswatch.toml:14:8: sink kind \"pigeon\" is not supported",
        ),
        (
            "database = \"n.db\"",
            "database = 5",
            "newswatch.toml:2:12:",
        ),
    ];
    for (from, to, expected) in cases {
        let (code, stderr) = check_config(&VALID.replace(from, to));
        assert_eq!(code, Some(2), "{to}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{to}: expected {expected:?} in:\n{stderr}"
        );
    }
}

#[test]
fn check_config_reports_every_problem_and_duplicate_names() {
    let toml = format!(
        "{VALID}\n[[source]]\nname = \"azattyq-kk\"\nurl = \"https://x.kz/rss\"\ninterval = \"5x\"\n"
    );
    let (code, stderr) = check_config(&toml);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains(":17:8: source name \"azattyq-kk\" is used twice"),
        "{stderr}"
    );
    assert!(stderr.contains(":19:12:"), "{stderr}");
    let (code, stderr) = check_config("[storage\ndatabase = 1");
    assert_eq!(code, Some(2));
    assert!(stderr.contains("newswatch.toml:1:"), "{stderr}");
    let missing = run_newswatch(
        &["check-config", "--config", "/nonexistent/newswatch.toml"],
        LIMIT,
    );
    assert_ne!(missing.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&missing.stderr)
            .contains("cannot read config file /nonexistent/newswatch.toml")
    );
}

#[test]
fn match_exits_0_on_a_match_1_without_and_2_on_a_bad_query() {
    let dir = TestDir::new();
    let file = dir.write_file("s.txt", &KAZAKH_PARAGRAPHS.join("\n"));
    let file = file.to_str().unwrap();
    let hit = run_newswatch(
        &["match", "--query", "\"саяси тұтқын\"", "--file", file],
        LIMIT,
    );
    assert_eq!(hit.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&hit.stdout).contains("тұтқын"));
    let miss = run_newswatch(&["match", "--query", "крокодил", "--file", file], LIMIT);
    assert_eq!(miss.status.code(), Some(1));
    assert!(miss.stdout.is_empty());
    let bad = run_newswatch(&["match", "--query", "(саяси", "--file", file], LIMIT);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("column"));
}

#[test]
fn extract_prints_the_article_text_or_json() {
    let dir = TestDir::new();
    let page = article_page(
        KAZAKH_TITLE,
        "Азаттық",
        "2026-01-08T14:30:00+05:00",
        KAZAKH_PARAGRAPHS,
        "kk",
    );
    let file = dir.write_file("page.html", &page);
    let file = file.to_str().unwrap();
    let text = run_newswatch(&["extract", "--file", file], LIMIT);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).contains("саяси тұтқындарды босатуды"));
    let json = run_newswatch(
        &[
            "extract",
            "--file",
            file,
            "--url",
            "https://www.azattyq.org/a/1.html",
            "--json",
        ],
        LIMIT,
    );
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(value["body"].as_str().unwrap().contains("Сабаншиевтің"));
}

/// Serves a one-item feed at `feed` whose item is the seed article, served at `page`.
fn serve_seed_article(server: &TestServer, feed: &str, page: &str) {
    let link = server.url(page);
    let item = FeedItem {
        title: KAZAKH_TITLE,
        link: &link,
        guid: page,
        pub_date: "2026-01-08T14:30:00+05:00",
        description: "Пикеттер.",
    };
    server.route(
        feed,
        Response::ok("application/rss+xml", rss_feed("Azattyq", &[item])),
    );
    let html = article_page(
        KAZAKH_TITLE,
        "Азаттық",
        "2026-01-08T14:30:00+05:00",
        KAZAKH_PARAGRAPHS,
        "kk",
    );
    server.route(page, Response::ok("text/html", html));
}

#[test]
fn the_daemon_stops_cleanly_on_sigterm() {
    let server = TestServer::start();
    serve_seed_article(&server, "/rss", "/a/1.html");
    let dir = TestDir::new();
    let config = dir.write_config(
        &VALID
            .replace("https://www.azattyq.org/api/", &server.url("/rss"))
            .replace(
                "[storage]",
                "[fetch]\nallow_private_addresses = true\n[storage]",
            ),
    );
    let db = dir.path().join("n.db");
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().unwrap()]);
    let deadline = Instant::now() + Duration::from_secs(30);
    let delivered = || -> bool {
        let Ok(conn) = rusqlite::Connection::open(&db) else {
            return false;
        };
        conn.query_row(
            "SELECT count(*) FROM deliveries WHERE state = 'delivered'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .is_ok_and(|n| n == 1)
    };
    while !delivered() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        delivered(),
        "daemon did not store and deliver the alert within 30s"
    );
    let out = daemon.terminate(Duration::from_secs(20));
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {}: {logs}", out.status);
    assert!(logs.contains("newswatch stopped"), "{logs}");
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !done() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(done(), "timed out waiting for {what}");
}

fn signal(pid: u32, name: &str) {
    let status = std::process::Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sighup_reloads_a_valid_config_and_keeps_running_on_an_invalid_one() {
    let server = TestServer::start();
    serve_seed_article(&server, "/a.rss", "/a/1.html");
    serve_seed_article(&server, "/b.rss", "/b/1.html");
    let dir = TestDir::new();
    let first = VALID.replace("https://www.azattyq.org/api/", &server.url("/a.rss"));
    let config = dir.write_config(&first);
    let db = dir.path().join("n.db");
    let articles = || -> i64 {
        rusqlite::Connection::open(&db)
            .and_then(|c| c.query_row("SELECT count(*) FROM articles", [], |r| r.get(0)))
            .unwrap_or(0)
    };
    let daemon = spawn_newswatch(&["run", "--config", config.to_str().unwrap()]);
    wait_for("the first source's article", || articles() == 1);

    dir.write_config(&format!(
        "{first}\n[[source]]\nname = \"second\"\nurl = \"{}\"\ninterval = \"10m\"\n",
        server.url("/b.rss")
    ));
    signal(daemon.id(), "HUP");
    wait_for("the reloaded config's new source", || articles() == 2);

    dir.write_config("[storage]\ndatabase = \"n.db\"\nbogus = 1\n");
    signal(daemon.id(), "HUP");
    std::thread::sleep(Duration::from_millis(500));
    let out = daemon.terminate(Duration::from_secs(20));
    let logs = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {}: {logs}", out.status);
    assert!(
        logs.contains("restarting with the reloaded config"),
        "{logs}"
    );
    assert!(
        logs.contains("reload rejected") && logs.contains("unknown field `bogus`"),
        "{logs}"
    );
    assert_eq!(
        server.hits("/a.rss"),
        1,
        "the reload must keep the first source's schedule"
    );
}

#[test]
fn match_passes_every_public_example_of_the_matching_guide() {
    let dir = TestDir::new();
    let seed = include_str!("fixtures/matching/seed_s.txt");
    let texts = [
        ("S", seed),
        (
            "L21",
            "8 qañtarda Almatyda bırneşe jerde jalğyz adamdyq piketter öttı",
        ),
        (
            "L18",
            "8 qańtarda Almatyda birneshe jerde jalǵyz adamdyq piketter ótti",
        ),
        ("R1", "Правозащитники требуют освободить политзаключённых."),
        ("R2", "Активисты выступили против закона."),
        ("R3", "Нурсултан Назарбаев ушёл в отставку в 2019 году."),
        ("R4", "Полиция задержала участников мирного митинга."),
    ];
    for (name, text) in texts {
        dir.write_file(name, text);
    }
    let rows = [
        ("пикет", "S", 0),
        ("Сабаншиев", "S", 0),
        ("наразылық шеруі", "S", 0),
        ("халықаралық ұйым", "S", 0),
        ("пікір айту құқығы", "S", 0),
        ("жетістік", "S", 0),
        ("zauyt", "S", 0),
        ("заң", "S", 1),
        ("қаз", "S", 1),
        ("бас", "S", 1),
        ("жалғыз пикет", "S", 1),
        ("қаңтар", "L21", 0),
        ("жалғыз", "L18", 0),
        ("политзаключенный", "R1", 0),
        ("рот", "R2", 1),
        ("Нұрсұлтан Назарбаев", "R3", 0),
        ("мирный митинг", "R4", 0),
    ];
    for (query, text, expected) in rows {
        let file = dir.path().join(text);
        let out = run_newswatch(
            &["match", "--query", query, "--file", file.to_str().unwrap()],
            LIMIT,
        );
        assert_eq!(
            out.status.code(),
            Some(expected),
            "{query} on {text}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn extract_applies_the_site_rules_of_a_config() {
    let dir = TestDir::new();
    let config = dir.write_config(&format!(
        "{VALID}\n[[site]]\nhost = \"example.kz\"\nbody = \".lead\"\n"
    ));
    let page = format!(
        "<html><body><article>{}</article><div class=\"lead\"><p>Кіріспе ғана.</p></div></body></html>",
        KAZAKH_PARAGRAPHS
            .iter()
            .map(|p| format!("<p>{p}</p>"))
            .collect::<String>()
    );
    let file = dir.write_file("page.html", &page);
    let args = [
        "extract",
        "--file",
        file.to_str().unwrap(),
        "--url",
        "https://www.example.kz/a/1",
    ];
    let generic = run_newswatch(&args, LIMIT);
    assert!(String::from_utf8_lossy(&generic.stdout).contains("саяси тұтқындарды"));
    let with_rules = run_newswatch(
        &[&args[..], &["--config", config.to_str().unwrap()]].concat(),
        LIMIT,
    );
    assert_eq!(
        String::from_utf8_lossy(&with_rules.stdout).trim(),
        "Кіріспе ғана."
    );
}

#[test]
fn systemd_hears_ready_watchdog_and_stopping() {
    use std::os::unix::net::UnixDatagram;
    let server = TestServer::start();
    server.route(
        "/rss",
        Response::ok("application/rss+xml", rss_feed("Empty", &[])),
    );
    let dir = TestDir::new();
    let config =
        dir.write_config(&VALID.replace("https://www.azattyq.org/api/", &server.url("/rss")));
    let socket_path = dir.path().join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut command = std::process::Command::new(common::process::newswatch_bin());
    command
        .args(["run", "--config", config.to_str().unwrap()])
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000");
    let daemon = common::process::Running::spawn(command);
    let mut heard = Vec::new();
    let mut buf = [0u8; 512];
    for _ in 0..20 {
        if heard.iter().any(|m: &String| m.starts_with("READY=1"))
            && heard.iter().any(|m| m == "WATCHDOG=1")
        {
            break;
        }
        let Ok(n) = socket.recv(&mut buf) else { break };
        heard.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    }
    assert!(
        heard
            .iter()
            .any(|m| m.starts_with("READY=1\nSTATUS=polling 1 sources")),
        "{heard:?}"
    );
    assert!(heard.iter().any(|m| m == "WATCHDOG=1"), "{heard:?}");
    let out = daemon.terminate(Duration::from_secs(20));
    assert!(out.status.success());
    let mut stopping = false;
    for _ in 0..50 {
        let Ok(n) = socket.recv(&mut buf) else { break };
        if buf[..n].starts_with(b"STOPPING=1") {
            stopping = true;
            break;
        }
    }
    assert!(stopping, "no STOPPING=1 after SIGTERM");
}

#[test]
fn extract_reads_a_saved_utf8_page_as_utf8_whatever_its_meta_charset_says() {
    let dir = TestDir::new();
    let sentence = "人民网北京电，国务院新闻办公室今天举行发布会，介绍今年前三季度的经济运行情况。";
    let body = format!("<p>{sentence}</p>").repeat(4);
    let utf8 = format!(
        "<html><head><meta charset=\"gb2312\"><title>新闻</title></head><body><article>{body}</article></body></html>"
    );
    let file = dir.write_file("utf8.html", &utf8);
    let out = run_newswatch(&["extract", "--file", file.to_str().unwrap()], LIMIT);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(sentence));

    let cyrillic = "Правозащитники требуют освободить политзаключённых, сообщили в Алматы.";
    let page = format!(
        "<html><head><meta charset=\"windows-1251\"></head><body><article>{}</article></body></html>",
        format!("<p>{cyrillic}</p>").repeat(8)
    );
    let (legacy, _, _) = encoding_rs::WINDOWS_1251.encode(&page);
    let path = dir.path().join("cp1251.html");
    std::fs::write(&path, &legacy).unwrap();
    let out = run_newswatch(&["extract", "--file", path.to_str().unwrap()], LIMIT);
    assert!(String::from_utf8_lossy(&out.stdout).contains(cyrillic));
}

/// The binary's allocations go to jemalloc with the options `newswatch::allocator` sets (two
/// arenas, a background purging thread); without them the farm's CPU per article rises by
/// 13–15 % (glibc's malloc) or its peak memory by 10–30 MB (jemalloc's defaults).
#[test]
fn the_binary_runs_on_jemalloc_with_two_arenas_and_a_purging_thread() {
    let mut command = std::process::Command::new(common::process::newswatch_bin());
    command
        .arg("--version")
        .env("_RJEM_MALLOC_CONF", "stats_print:true");
    let out = common::process::run_with_timeout(command, LIMIT);
    assert!(out.status.success(), "{out:?}");
    let stats = String::from_utf8_lossy(&out.stderr);
    for option in ["opt.narenas: 2", "opt.background_thread: true"] {
        assert!(
            stats.contains(option),
            "jemalloc's statistics at exit lack {option:?}:\n{stats}"
        );
    }
}
