//! The system trust store is read only when something goes over HTTPS, end to end through the
//! real binary: with `SSL_CERT_FILE` and `SSL_CERT_DIR` pointing at nothing, any read of it
//! fails (before stop 19 the clients read it as they were built, so `run` did not start:
//! "cannot build the HTTP client"), yet a plain-http pass with an HTTP and an e-mail sink
//! goes through. `check-config` alone reads it ahead, when the config will need it, and
//! says what is missing and what to do.
//!
//! When either variable is set, the loader reads only what they name, so the tests set
//! `SSL_CERT_FILE` (and remove or set `SSL_CERT_DIR`) and never see this machine's store. The
//! bundle `tests/fixtures/tls/isrg-root-x1.pem` is Let's Encrypt's ISRG Root X1 as Debian's
//! ca-certificates ships it (`/usr/share/ca-certificates/mozilla/ISRG_Root_X1.crt`).

#[allow(dead_code)]
mod common;

use std::path::Path;
use std::process::{Command, Output};
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

/// A trust store holding one real root certificate.
const BUNDLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/tls/isrg-root-x1.pem"
);

/// What `check-config` says about a problem with the trust store.
const UNREADABLE: &str = "cannot read the system's trust store";

/// `check-config` on `config` with the trust store being `bundle` alone.
fn check_config(config: &Path, bundle: &Path) -> Output {
    let mut command = Command::new(newswatch_bin());
    command
        .args(["check-config", "--config"])
        .arg(config)
        .env("SSL_CERT_FILE", bundle)
        .env_remove("SSL_CERT_DIR");
    run_with_timeout(command, Duration::from_secs(60))
}

#[test]
fn check_config_reports_a_missing_or_empty_trust_store_when_sources_need_it() {
    let dir = TestDir::new();
    let missing = dir.path().join("no-such-bundle.pem");
    let empty = dir.write_file("empty.pem", "# ca-certificates left no certificate here\n");
    // An http source needs it as well: its site may redirect to https, its items link there.
    for url in [
        "https://www.azattyq.org/api/",
        "http://www.azattyq.org/api/",
    ] {
        let config = dir.write_config(&format!(
            "[storage]\ndatabase = \"news.db\"\n\n[[source]]\nname = \"azattyq\"\nurl = \"{url}\"\n\n\
             [[sink]]\nkind = \"log\"\n"
        ));
        for bundle in [&missing, &empty] {
            let out = check_config(&config, bundle);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(
                out.status.code(),
                Some(2),
                "{url}, {}: {stderr}",
                bundle.display()
            );
            let problem = stderr
                .lines()
                .find(|line| line.contains(UNREADABLE))
                .unwrap_or_else(|| panic!("no trust store problem: {stderr}"));
            assert!(problem.contains("[[source]]"), "{problem}");
            assert!(
                problem.contains(&format!(
                    "looked only at SSL_CERT_FILE={}",
                    bundle.display()
                )),
                "{problem}"
            );
            assert!(
                problem.contains("the ca-certificates package")
                    && problem.contains("SSL_CERT_FILE / SSL_CERT_DIR"),
                "{problem}"
            );
            assert!(stderr.contains("1 problem(s)"), "{stderr}");
        }
        let out = check_config(&config, Path::new(BUNDLE));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{url}: {stderr}");
        assert!(!stderr.contains("trust store"), "{stderr}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("OK (1 sources"));
    }
}

#[test]
fn check_config_reads_no_trust_store_for_plain_sinks_and_reports_it_for_a_tls_one() {
    let dir = TestDir::new();
    let missing = dir.path().join("no-such-bundle.pem");
    let plain = "[storage]\ndatabase = \"news.db\"\n\n\
         [[sink]]\nkind = \"log\"\n\n\
         [[sink]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:8080/hook\"\n\n\
         [[sink]]\nkind = \"email\"\nhost = \"127.0.0.1\"\ntls = \"none\"\n\
         from = \"newswatch <nw@example.org>\"\nto = [\"desk@example.org\"]\n";
    let out = check_config(&dir.write_config(plain), &missing);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stderr.contains("trust store") && !stderr.contains("CA root certificate"),
        "the trust store was read: {stderr}"
    );
    let secure = format!(
        "{plain}\n[[sink]]\nname = \"desk\"\nkind = \"webhook\"\nurl = \"https://hooks.example.org/newswatch\"\n"
    );
    let out = check_config(&dir.write_config(&secure), &missing);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("sink \"desk\" (an https URL): {UNREADABLE}")),
        "{stderr}"
    );
}
