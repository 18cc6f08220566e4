//! `newswatch rules`, `sinks`, `article ID [--text]`, and the ids `alerts` shows.

use serde_json::Value;

use crate::common::process::{run_checked, run_newswatch};
use crate::{DemoRun, LIMIT};

#[test]
fn rules_sinks_and_article_show_what_the_demo_recorded() {
    let demo = DemoRun::new();
    let config = demo.config();

    let rules = run_checked(&["rules"], &config, LIMIT);
    assert!(
        rules.contains("rallies") && rules.contains("1 in 24h, 1 in 7d"),
        "{rules}"
    );
    assert!(rules.contains("query: \"саяси тұтқын\""), "{rules}");
    let rules: Value =
        serde_json::from_str(&run_checked(&["rules", "--json"], &config, LIMIT)).expect("JSON");
    assert_eq!(rules["rules"][1]["name"], "rallies", "{rules}");
    assert_eq!(rules["rules"][1]["alerts_last_week"], 1, "{rules}");

    let sinks = run_checked(&["sinks"], &config, LIMIT);
    assert!(
        sinks.contains("0 pending, 0 retrying, 0 dead, 2 delivered"),
        "{sinks}"
    );
    let sinks: Value =
        serde_json::from_str(&run_checked(&["sinks", "--json"], &config, LIMIT)).expect("JSON");
    assert_eq!(sinks["sinks"][0]["state"], "ok", "{sinks}");
    assert_eq!(sinks["sinks"][0]["deliveries"]["delivered"], 2, "{sinks}");

    let alerts = run_checked(&["alerts"], &config, LIMIT);
    let ids = alerts
        .lines()
        .find_map(|l| l.trim().strip_prefix("article "))
        .expect("alerts show the article id");
    let (article, story) = ids.split_once(", story ").expect("and the story id");
    let shown = run_checked(&["article", article], &config, LIMIT);
    assert!(shown.contains(&format!("story:     {story}")), "{shown}");
    assert!(shown.contains("alert #"), "{shown}");
    assert!(!shown.contains("Алматыда бүгін") && !shown.contains("Специализированный"));
    let text = run_checked(&["article", article, "--text"], &config, LIMIT);
    assert!(
        text.contains("Алматыда бүгін") || text.contains("Специализированный"),
        "{text}"
    );

    let missing = run_newswatch(
        &[
            "article",
            "999",
            "--config",
            config.to_str().expect("UTF-8"),
        ],
        LIMIT,
    );
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no article #999"));
}
