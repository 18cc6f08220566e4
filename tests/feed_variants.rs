//! Reading every feed a forgiving reader reads, end to end through the real binary: each
//! variant class (`feed_variants/fixtures.rs`) served by a local server gives its article; a
//! broken feed whose items can be recovered is read with a warning the admin sees; a feed
//! whose items cannot be read, or that breaks before any item, is an error that says where;
//! CDF items and items holding only markup are stored.

#[allow(dead_code)]
mod common;

#[path = "feed_variants/fixtures.rs"]
mod fixtures;

use std::path::Path;
use std::time::Duration;

use common::process::{TestDir, run_checked, run_newswatch};
use common::response::Response;
use common::server::TestServer;
use fixtures::Variant;

const RUN_LIMIT: Duration = Duration::from_secs(120);

/// A config polling `sources` once, without fetching article pages.
fn config(sources: &[(String, String)]) -> String {
    let mut toml = String::from(
        "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"10s\"\nconcurrency = 8\n\
         per_host_concurrency = 8\nper_host_delay = \"0s\"\n\n",
    );
    for (name, url) in sources {
        toml.push_str(&format!(
            "[[source]]\nname = \"{name}\"\nurl = \"{url}\"\ninterval = \"10m\"\nextract = false\n\n"
        ));
    }
    toml
}

/// One column of one source's row, as text ("" for NULL).
fn column(db: &Path, source: &str, col: &str) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(
        &format!("SELECT coalesce(CAST({col} AS TEXT), '') FROM sources WHERE name = ?1"),
        [source],
        |r| r.get(0),
    )
    .unwrap()
}

/// Titles of the articles a source delivered.
fn titles(db: &Path, source: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT coalesce(a.title, '') FROM article_sources x JOIN articles a ON a.id = x.article_id
             JOIN sources s ON s.id = x.source_id WHERE s.name = ?1",
        )
        .unwrap();
    stmt.query_map([source], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Serves `variants`, polls them all once, and returns the directory and the run's stderr.
fn poll_all(server: &TestServer, variants: &[Variant]) -> (TestDir, String) {
    let mut sources = Vec::new();
    for v in variants {
        let path = format!("/{}", v.name);
        server.route(&path, Response::ok(v.content_type, v.body.clone()));
        sources.push((v.name.clone(), server.url(&path)));
    }
    let dir = TestDir::new();
    let cfg = dir.write_config(&config(&sources));
    let out = run_newswatch(
        &["run", "--once", "--config", cfg.to_str().unwrap()],
        RUN_LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.code().is_some(), "run --once hung: {stderr}");
    (dir, stderr)
}

fn assert_all_read(db: &Path, variants: &[Variant]) {
    let mut missed = Vec::new();
    for v in variants {
        let failures = column(db, &v.name, "consecutive_failures");
        let got = titles(db, &v.name);
        if failures != "0" || !got.contains(&v.title) {
            missed.push(format!(
                "{}: failures {failures}, error {:?}, titles {got:?}",
                v.name,
                column(db, &v.name, "last_error")
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{} of {} variants not read:\n{}",
        missed.len(),
        variants.len(),
        missed.join("\n")
    );
}

#[test]
fn every_rss_and_atom_version_with_or_without_version_gives_its_article() {
    let server = TestServer::start();
    let variants = fixtures::versions(&server.url(""));
    let (dir, stderr) = poll_all(&server, &variants);
    assert_all_read(&dir.path().join("news.db"), &variants);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn every_atom_content_type_is_read_and_none_fails_the_feed() {
    let server = TestServer::start();
    let variants = fixtures::atom_types(&server.url(""));
    let (dir, stderr) = poll_all(&server, &variants);
    let db = dir.path().join("news.db");
    assert_all_read(&db, &variants);
    for v in &variants {
        assert_eq!(
            column(&db, &v.name, "last_warning"),
            "",
            "{} needed the lenient reader",
            v.name
        );
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn utf16_and_utf32_with_or_without_bom_and_cyrillic_charsets_are_read_without_panic() {
    let server = TestServer::start();
    let variants = fixtures::encodings(&server.url(""));
    let (dir, stderr) = poll_all(&server, &variants);
    assert_all_read(&dir.path().join("news.db"), &variants);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn malformed_feeds_give_every_item_they_show_with_a_warning_naming_the_place() {
    let server = TestServer::start();
    let variants = fixtures::malformed(&server.url(""));
    let (dir, stderr) = poll_all(&server, &variants);
    let db = dir.path().join("news.db");
    assert_all_read(&db, &variants);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // One bad element costs nothing else: both items of the unclosed-tag feed are there.
    assert_eq!(titles(&db, "bad-unclosed").len(), 2);
    let warning = column(&db, "bad-mismatch", "last_warning");
    assert!(warning.contains("at line 1, column"), "{warning}");
    assert!(warning.contains("recovered 2 of its 2 items"), "{warning}");
    let cfg = dir.path().join("newswatch.toml");
    let listing = run_checked(&["sources"], &cfg, RUN_LIMIT);
    assert!(listing.contains("warning: the feed is broken"), "{listing}");
}

#[test]
fn a_feed_whose_items_cannot_be_read_is_an_error_and_a_broken_one_says_where() {
    let server = TestServer::start();
    let entries = "<?xml version=\"1.0\"?>\n<feed xmlns=\"http://example.com/not-atom\">\n\
                   <entry></entry>\n<entry/>\n</feed>\n";
    let broken = "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel>\n<title>Лента</titl>\n</channel></rss>\n";
    let variants = [
        Variant {
            name: "unreadable".into(),
            content_type: "application/atom+xml",
            body: entries.into(),
            title: String::new(),
        },
        Variant {
            name: "broken".into(),
            content_type: "application/rss+xml",
            body: broken.into(),
            title: String::new(),
        },
    ];
    let (dir, _) = poll_all(&server, &variants);
    let db = dir.path().join("news.db");
    for source in ["unreadable", "broken"] {
        assert_eq!(column(&db, source, "consecutive_failures"), "1", "{source}");
        assert_eq!(column(&db, source, "failure_kind"), "content", "{source}");
        let error = column(&db, source, "last_error");
        assert!(error.contains("the URL is right"), "{source}: {error}");
        assert!(!error.contains("check that the URL"), "{source}: {error}");
    }
    let error = column(&db, "unreadable", "last_error");
    assert!(
        error.contains("has 2 <item>/<entry> elements but none could be read"),
        "{error}"
    );
    let error = column(&db, "broken", "last_error");
    assert!(error.contains("at line 3, column"), "{error}");
}

#[test]
fn cdf_items_and_items_holding_only_markup_are_stored() {
    let server = TestServer::start();
    let base = server.url("");
    let cdf = format!(
        "<CHANNEL HREF=\"{base}/\">\n<ITEM HREF=\"{base}/cdf/1\" LASTMOD=\"2026-01-12T18:00:00+05:00\">\n\
         </ITEM>\n</CHANNEL>\n"
    );
    let markup = "<rss>\n<item>\n<description><![CDATA[<img alt=\"&#169;\" src=\"/p.png\"/>]]>\
                  </description>\n</item>\n<item><description>&lt;!' &lt;a href=\"x\"&gt;\
                  </description></item>\n</rss>\n";
    let variants = [
        Variant {
            name: "cdf".into(),
            content_type: "application/xml",
            body: cdf.into_bytes(),
            title: String::new(),
        },
        Variant {
            name: "markup-only".into(),
            content_type: "application/rss+xml",
            body: markup.into(),
            title: String::new(),
        },
    ];
    let (dir, stderr) = poll_all(&server, &variants);
    let db = dir.path().join("news.db");
    for v in &variants {
        let error = column(&db, &v.name, "last_error");
        assert_eq!(column(&db, &v.name, "consecutive_failures"), "0", "{error}");
    }
    assert_eq!(titles(&db, "markup-only").len(), 2, "{stderr}");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let (url, published): (String, String) = conn
        .query_row(
            "SELECT a.url, coalesce(a.published_at, '') FROM articles a \
             JOIN sources s ON s.id = a.source_id WHERE s.name = 'cdf'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(url, format!("{base}/cdf/1"));
    assert!(published.starts_with("2026-01-12T13:00:00"), "{published}");
}

/// A named way to break a feed.
type Defect = (&'static str, fn(&str) -> String);

/// Every root (RSS of each version, with and without one, RDF, Atom 0.3 and 1.0) crossed with
/// every defect gives its items, read by the library directly (the binary runs above cover
/// the classes; this covers their combinations).
#[test]
fn every_root_crossed_with_every_defect_gives_the_headline() {
    let base = "http://news.example.kz";
    let roots: Vec<(String, String)> = fixtures::versions(base)
        .into_iter()
        .filter(|v| v.name != "json")
        .map(|v| (v.name, String::from_utf8(v.body).unwrap()))
        .collect();
    let defects: [Defect; 9] = [
        ("none", |t| t.to_string()),
        ("unclosed", |t| t.replacen("</title>", "", 2)),
        ("entity", |t| t.replacen("Лента", "Лента&nbsp;&raquo;", 1)),
        ("charref", |t| t.replacen("Лента", "Лента &#xZZ;", 1)),
        ("stray-amp", |t| t.replacen("Лента", "Лента & Co", 1)),
        ("prefix", |t| {
            t.replacen("<title>", "<x:y>z</x:y><title>", 1)
        }),
        ("truncated", |t| {
            t[..t.rfind("</").unwrap_or(t.len())].to_string()
        }),
        ("junk", |t| format!("Warning: headers sent\n{t}")),
        ("mismatch", |t| t.replacen("</title>", "</titel>", 1)),
    ];
    let url = url::Url::parse(base).unwrap();
    let mut missed = Vec::new();
    for (name, text) in &roots {
        for (defect, apply) in &defects {
            let doc = apply(text);
            let read = newswatch::sources::parse_feed(&doc, &url);
            let found = read.as_ref().is_ok_and(|f| {
                f.items.iter().any(|i| {
                    i.title
                        .as_deref()
                        .is_some_and(|t| t.contains(name.as_str()))
                })
            });
            if !found {
                missed.push(format!("{name} × {defect}: {:?}", read.map(|f| f.items)));
            }
        }
    }
    let total = roots.len() * defects.len();
    assert!(
        missed.is_empty(),
        "{} of {total} missed:\n{}",
        missed.len(),
        missed.join("\n")
    );
}
