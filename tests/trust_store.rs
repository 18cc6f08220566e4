//! The system trust store is read only when something goes over HTTPS, end to end through the
//! real binary: with `SSL_CERT_FILE` and `SSL_CERT_DIR` pointing at nothing, any read of it
//! fails (before stop 19 the clients read it as they were built, so `run` did not start:
//! "cannot build the HTTP client"), yet a plain-http pass with an HTTP and an e-mail sink
//! goes through.

#[allow(dead_code)]
mod common;

use std::process::Command;
use std::time::Duration;

use common::article::{RUSSIAN_PARAGRAPHS, RUSSIAN_TITLE, article_page};
use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, count, newswatch_bin, run_with_timeout};
use common::response::Response;
use common::server::TestServer;

#[test]
fn a_plain_http_pass_with_http_and_email_sinks_never_reads_the_trust_store() {
    let server = TestServer::start();
    let feed = rss_feed(
        "Новости",
        &[FeedItem {
            title: RUSSIAN_TITLE,
            link: &server.url("/a.html"),
            guid: "a-1",
            pub_date: "2026-01-12T18:00:00+05:00",
            description: "Суд арестовал активистов.",
        }],
    );
    server.route("/rss", Response::ok("application/rss+xml", feed));
    let page = article_page(
        RUSSIAN_TITLE,
        "Корреспондент",
        "2026-01-12T18:00:00+05:00",
        RUSSIAN_PARAGRAPHS,
        "ru",
    );
    server.route("/a.html", Response::ok("text/html", page));
    let dir = TestDir::new();
    // The guard on, so the fetcher builds both its clients; no rule, so nothing is delivered.
    let config = dir.write_config(&format!(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\nallow_private_addresses = false\n\n\
         [[source]]\nname = \"plain\"\nurl = \"{}\"\ninterval = \"10m\"\n\n\
         [[sink]]\nkind = \"webhook\"\nurl = \"{}\"\n\n\
         [[sink]]\nkind = \"email\"\nhost = \"127.0.0.1\"\nfrom = \"newswatch <nw@example.org>\"\n\
         to = [\"desk@example.org\"]\n",
        server.url("/rss"),
        server.url("/hook"),
    ));
    let mut command = Command::new(newswatch_bin());
    command
        .args(["run", "--once", "--config"])
        .arg(&config)
        .env("SSL_CERT_FILE", dir.path().join("no-such-bundle.pem"))
        .env("SSL_CERT_DIR", dir.path().join("no-such-dir"));
    let out = run_with_timeout(command, Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{}\n{stderr}", out.status);
    assert!(
        !stderr.contains("CA root certificate") && !stderr.contains("trust store"),
        "the trust store was read: {stderr}"
    );
    let db = dir.path().join("news.db");
    assert_eq!(count(&db, "SELECT count(*) FROM articles"), 1);
}
