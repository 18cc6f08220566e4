//! `newswatch backup FILE`: checked snapshots taken while a daemon writes, and a restore.

use std::time::{Duration, Instant};

use crate::LIMIT;
use crate::common::article::{RUSSIAN_PARAGRAPHS, article_page};
use crate::common::feeds::{FeedItem, rss_feed};
use crate::common::process::{TestDir, count, run_checked, run_newswatch, spawn_newswatch};
use crate::common::response::Response;
use crate::common::server::TestServer;

/// Articles in the test feed; each page trickles out slowly so the daemon writes for seconds.
const ARTICLES: usize = 40;

/// A feed of [`ARTICLES`] distinct Russian articles whose pages take ~100 ms each.
fn slow_site() -> TestServer {
    let server = TestServer::start();
    let links: Vec<String> = (0..ARTICLES)
        .map(|i| server.url(&format!("/a/{i}.html")))
        .collect();
    let titles: Vec<String> = (0..ARTICLES)
        .map(|i| format!("Заседание суда номер {i}"))
        .collect();
    let guids: Vec<String> = (0..ARTICLES).map(|i| format!("g{i}")).collect();
    let items: Vec<FeedItem> = (0..ARTICLES)
        .map(|i| FeedItem {
            title: &titles[i],
            link: &links[i],
            guid: &guids[i],
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Суд.",
        })
        .collect();
    server.route(
        "/rss",
        Response::ok("application/rss+xml", rss_feed("Суды", &items)),
    );
    for (i, title) in titles.iter().enumerate() {
        let unique = format!("Это заседание под номером {i} прошло в закрытом режиме.");
        let mut paragraphs = vec![unique.as_str()];
        paragraphs.extend_from_slice(RUSSIAN_PARAGRAPHS);
        let page = article_page(
            title,
            "Корреспондент",
            "2026-01-12T18:00:00+05:00",
            &paragraphs,
            "ru",
        );
        let chunk = page.len() / 4 + 1;
        server.route(
            &format!("/a/{i}.html"),
            Response::slow_drip(page, chunk, Duration::from_millis(25)),
        );
    }
    server
}

#[test]
fn backups_taken_while_the_daemon_writes_are_consistent_and_restore() {
    let server = slow_site();
    let dir = TestDir::new();
    let config = dir.write_config(&format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\nallow_private_addresses = true\nper_host_delay = \"0s\"\n\n[[source]]\nname = \"courts\"\nurl = \"{}\"\ninterval = \"1h\"\n",
        server.url("/rss")
    ));
    let config_arg = config.to_str().expect("UTF-8 path");
    let daemon = spawn_newswatch(&["run", "--config", config_arg]);
    let start = Instant::now();
    let mut seen = Vec::new();
    let mut last = dir.path().join("none.db");
    for i in 0..200 {
        let file = dir.path().join(format!("backup-{i}.db"));
        let out = run_newswatch(
            &[
                "backup",
                file.to_str().expect("UTF-8 path"),
                "--config",
                config_arg,
            ],
            LIMIT,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        // Until the daemon has created and migrated the database, `backup` says so.
        let not_created_yet = ["there is no database", "older than this newswatch"];
        if seen.is_empty() && not_created_yet.iter().any(|m| stderr.contains(m)) {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        assert!(out.status.success(), "backup {i}: {stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("integrity_check: ok"));
        assert_eq!(
            count(
                &file,
                "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"
            ),
            1
        );
        let stored = count(&file, "SELECT count(*) FROM articles");
        seen.push(stored);
        last = file;
        if stored == ARTICLES as i64 || start.elapsed() > Duration::from_secs(30) {
            break;
        }
    }
    let stop = daemon.terminate(LIMIT);
    assert!(
        stop.status.success(),
        "{}",
        String::from_utf8_lossy(&stop.stderr)
    );
    assert_eq!(
        seen.last(),
        Some(&(ARTICLES as i64)),
        "backups saw {seen:?}"
    );
    assert!(
        seen.iter().any(|&n| n < ARTICLES as i64),
        "no backup was taken while the daemon wrote: {seen:?}"
    );

    let again = run_newswatch(
        &[
            "backup",
            last.to_str().unwrap_or(""),
            "--config",
            config_arg,
        ],
        LIMIT,
    );
    assert_eq!(
        again.status.code(),
        Some(1),
        "an existing file is never overwritten"
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));

    let restored = TestDir::new();
    std::fs::copy(&last, restored.path().join("news.db")).expect("restore");
    let restored_config = restored.write_config("[storage]\ndatabase = \"news.db\"\n");
    let stats = run_checked(&["stats"], &restored_config, LIMIT);
    assert!(
        stats.contains(&format!("articles:   {ARTICLES}")),
        "{stats}"
    );
}
