//! `newswatch check-config` on the source-kind keys, through the real binary: every mistake
//! reported as FILE:LINE:COLUMN with what to do.

#[allow(dead_code)]
mod common;

use std::time::Duration;

use common::process::{TestDir, run_newswatch};

#[test]
fn source_kind_mistakes_are_reported_with_positions() {
    let dir = TestDir::new();
    let config = dir.write_config(
        "[storage]\ndatabase = \"n.db\"\n\n\
         [[source]]\nname = \"a\"\nurl = \"https://x.kz/\"\nkind = \"listing\"\n\n\
         [[source]]\nname = \"b\"\nurl = \"https://x.kz/s\"\nkind = \"sitemap\"\nfollow = 2\n\n\
         [[source]]\nname = \"c\"\nurl = \"https://x.kz/p\"\nkind = \"page\"\nlinks = \"div[[\"\nmax_new_pages = 0\n",
    );
    let out = run_newswatch(
        &["check-config", "--config", config.to_str().unwrap()],
        Duration::from_secs(30),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for expected in [
        "newswatch.toml:7:8: source \"a\": kind \"listing\" is unknown; use one of auto, feed, page, sitemap, telegram",
        "newswatch.toml:13:10: source \"b\": follow applies only to kind = \"page\"",
        "newswatch.toml:19:9: source \"c\": links \"div[[\" is not a CSS selector",
        "newswatch.toml:20:17: source \"c\": max_new_pages 0 is out of range",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}
