//! `--json` output of the admin commands (field names per docs/cli.md) and JSON logs.

use std::process::Command;

use serde_json::Value;

use crate::common::process::{
    TestDir, newswatch_bin, run_checked, run_newswatch, run_with_timeout,
};
use crate::{DemoRun, LIMIT};

/// Runs `newswatch ARGS --json --config CONFIG` and parses its one JSON document.
fn json_of(args: &[&str], demo: &DemoRun) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run_checked(&all, &demo.config(), LIMIT);
    serde_json::from_str(&out).unwrap_or_else(|err| panic!("{args:?}: {err}\n{out}"))
}

#[test]
fn admin_commands_print_one_json_document_with_stable_fields() {
    let demo = DemoRun::new();
    let stats = json_of(&["stats"], &demo);
    assert_eq!(stats["articles"], 4, "{stats}");
    assert_eq!(stats["alerts"], 2, "{stats}");
    assert_eq!(stats["deliveries_dead"], 0, "{stats}");

    let sources = json_of(&["sources"], &demo);
    let list = sources["sources"].as_array().expect("sources array");
    assert_eq!(list.len(), 2, "{sources}");
    assert!(
        list.iter()
            .all(|s| s["health"] == "ok" && s["items_seen"] == 2),
        "{sources}"
    );

    let alerts = json_of(&["alerts"], &demo);
    let list = alerts["alerts"].as_array().expect("alerts array");
    assert_eq!(list.len(), 2, "{alerts}");
    let rally = list
        .iter()
        .find(|a| a["rule"] == "rallies")
        .expect("rallies alert");
    assert_eq!(rally["source"], "demo-ru");
    assert!(
        rally["article_id"].is_i64() && rally["story_id"].is_i64(),
        "{rally}"
    );
    assert_eq!(rally["deliveries"][0]["sink"], "log");
    assert_eq!(rally["deliveries"][0]["state"], "delivered");

    let search = json_of(&["search", "митинг"], &demo);
    assert_eq!(search["query"], "митинг");
    assert_eq!(
        search["results"][0]["article_id"], rally["article_id"],
        "{search}"
    );

    let story_id = rally["story_id"].to_string();
    let story = json_of(&["story", &story_id], &demo);
    assert_eq!(story["alerts"][0]["rule"], "rallies", "{story}");
    assert_eq!(
        story["articles"][0]["links"][0]["source"], "demo-ru",
        "{story}"
    );

    let config = demo.config();
    let config = config.to_str().expect("UTF-8 path");
    let out = run_newswatch(
        &[
            "match",
            "--query",
            "саяси тұтқын",
            "--db",
            "--config",
            config,
            "--json",
        ],
        LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let matched: Value = serde_json::from_slice(&out.stdout).expect("match JSON");
    assert_eq!(matched["scanned"], 4, "{matched}");
    assert_eq!(
        matched["matches"].as_array().map(Vec::len),
        Some(1),
        "{matched}"
    );
    assert!(
        matched["matches"][0]["snippet"]
            .as_str()
            .is_some_and(|s| s.contains("**"))
    );
}

#[test]
fn logs_are_json_lines_when_the_config_or_the_environment_says_so() {
    let dir = TestDir::new();
    let config =
        dir.write_config("[storage]\ndatabase = \"news.db\"\n\n[log]\nformat = \"json\"\n");
    let out = run_newswatch(
        &["run", "--once", "--config", config.to_str().expect("UTF-8")],
        LIMIT,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|err| panic!("{err}: {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["level"] == "WARN"
            && l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("no [[source]]"))),
        "{stderr}"
    );

    let mut demo = Command::new(newswatch_bin());
    demo.arg("demo").env("NEWSWATCH_LOG_FORMAT", "json");
    let out = run_with_timeout(demo, LIMIT);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let alerts = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|l| l["target"] == "newswatch::alert")
        .count();
    assert_eq!(alerts, 2, "{stderr}");

    let bad = dir.write_config("[storage]\ndatabase = \"news.db\"\n\n[log]\nformat = \"xml\"\n");
    let out = run_newswatch(
        &["check-config", "--config", bad.to_str().expect("UTF-8")],
        LIMIT,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("log.format \"xml\""));
}
