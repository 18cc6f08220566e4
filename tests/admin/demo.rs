//! `newswatch demo`: offline, to completion, with the example rules' alerts and a folder the
//! admin commands can explore.

use crate::common::process::{count, run_checked, run_newswatch};
use crate::{DemoRun, LIMIT};

#[test]
fn the_demo_polls_its_sample_site_and_prints_both_rules_alerts() {
    let demo = DemoRun::new();
    let out = &demo.stdout;
    assert!(
        out.contains("polled 2 sources (0 failed): 4 new articles, 2 alerts"),
        "{out}"
    );
    assert!(
        out.contains("[political-prisoners] Құқық қорғаушылар"),
        "{out}"
    );
    assert!(out.contains("**саяси тұтқындарды**"), "{out}");
    assert!(
        out.contains("[rallies] Участников мирного митинга"),
        "{out}"
    );
    assert!(out.contains("**митинга**"), "{out}");
    let config = demo.config();
    assert!(
        out.contains(&format!("newswatch stats --config {}", config.display())),
        "{out}"
    );
    assert_eq!(count(&demo.database(), "SELECT count(*) FROM articles"), 4);
    let delivered = "SELECT count(*) FROM deliveries WHERE sink = 'log' AND state = 'delivered'";
    assert_eq!(count(&demo.database(), delivered), 2);
    let search = run_checked(&["search", "митинг"], &config, LIMIT);
    assert!(search.contains("Караганде"), "{search}");
}

#[test]
fn without_dir_the_demo_leaves_nothing_behind_and_says_how_to_keep_it() {
    let out = run_newswatch(&["demo"], LIMIT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2 alerts"), "{stdout}");
    assert!(
        stdout.contains("newswatch demo --dir newswatch-demo"),
        "{stdout}"
    );
    let config = stdout
        .lines()
        .find_map(|l| l.strip_prefix("config "))
        .expect("the demo names its config");
    let folder = std::path::Path::new(config)
        .parent()
        .expect("config folder");
    assert!(!folder.exists(), "{} was left behind", folder.display());
}
