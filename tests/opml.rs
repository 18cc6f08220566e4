//! `newswatch import-opml` and `export-opml` through the real binary: comments and layout of the
//! config survive an import, duplicates are skipped, bad files change nothing, and export and
//! import round-trip.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::process::{TestDir, run_checked, run_newswatch};

const LIMIT: Duration = Duration::from_secs(60);

const CONFIG: &str = r#"# Our newsroom's sources — keep this comment.
[storage]
database = "news.db"   # next to this file

[[source]]
# The Kazakh service.
name = "azattyq-kk"
url = "https://www.azattyq.org/api/zrqiteuuir"
tags = ["kk"]

[[rule]]
name = "prisoners"
query = '"саяси тұтқын"'
"#;

const OPML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Reader export</title></head><body>
  <outline text="Kazakh">
    <outline type="rss" text="Азаттық" xmlUrl="https://www.azattyq.org/api/zrqiteuuir"/>
    <outline type="rss" text="Тенгри" xmlUrl="https://tengrinews.kz/news.rss"/>
  </outline>
  <outline type="rss" text="Vlast.kz analysis" xmlUrl="https://vlast.kz/rss"/>
</body></opml>"#;

#[test]
fn import_appends_new_sources_keeping_comments_and_layout() {
    let dir = TestDir::new();
    let config = dir.write_config(CONFIG);
    let opml = dir.write_file("reader.opml", OPML);
    let out = run_checked(&["import-opml", opml.to_str().unwrap()], &config, LIMIT);
    assert!(
        out.contains("2 sources added") && out.contains("1 already there"),
        "{out}"
    );
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(
        text.starts_with(CONFIG.split("[[rule]]").next().unwrap()),
        "{text}"
    );
    assert!(text.contains("# The Kazakh service.") && text.contains("# next to this file"));
    assert!(text.contains("name = \"tengrinews-kz\""), "{text}");
    assert!(text.contains("name = \"vlast-kz-analysis\""), "{text}");
    assert!(text.contains("tags = [\"Kazakh\"]"), "{text}");
    run_checked(&["check-config"], &config, LIMIT);

    let again = run_checked(&["import-opml", opml.to_str().unwrap()], &config, LIMIT);
    assert!(again.contains("nothing to add"), "{again}");
}

#[test]
fn export_and_import_round_trip_every_kind() {
    let dir = TestDir::new();
    let config = dir.write_config(&format!(
        "{CONFIG}\n[[source]]\nname = \"tengrinews-tg\"\nkind = \"telegram\"\nurl = \"https://t.me/s/tengrinews\"\n\n\
         [[source]]\nname = \"zakon\"\nkind = \"sitemap\"\nurl = \"https://www.zakon.kz/sitemap/index.xml\"\n\n\
         [[source]]\nname = \"inform\"\nurl = \"https://www.inform.kz/\"\n"
    ));
    let exported = run_checked(&["export-opml"], &config, LIMIT);
    let opml = dir.write_file("export.opml", &exported);
    let fresh = dir.write_file("fresh.toml", "[storage]\ndatabase = \"fresh.db\"\n");
    let out = run_checked(&["import-opml", opml.to_str().unwrap()], &fresh, LIMIT);
    assert!(out.contains("4 sources added"), "{out}");
    let text = std::fs::read_to_string(&fresh).unwrap();
    assert!(
        text.contains("kind = \"telegram\"") && text.contains("kind = \"sitemap\""),
        "{text}"
    );
    assert!(
        !text.contains("kind = \"auto\""),
        "auto is the default and not written"
    );
    assert_eq!(run_checked(&["export-opml"], &fresh, LIMIT), exported);
}

#[test]
fn a_bad_opml_file_changes_nothing() {
    let dir = TestDir::new();
    let config = dir.write_config(CONFIG);
    let bad = dir.write_file("bad.opml", "<html><body>not opml</body></html>");
    let out = run_newswatch(
        &[
            "import-opml",
            bad.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
        ],
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not OPML"));
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
}

#[test]
fn an_opml_file_that_never_ends_is_refused_at_once() {
    let dir = TestDir::new();
    let config = dir.write_config(CONFIG);
    let out = run_newswatch(
        &[
            "import-opml",
            "/dev/zero",
            "--config",
            config.to_str().unwrap(),
        ],
        LIMIT,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not a regular file"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CONFIG);
}
