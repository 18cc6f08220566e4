//! Delivery semantics end to end: retries and backoff, dead letters and `alerts retry`,
//! filters, rate-limit summaries, digests, and kill -9 in the middle of a burst.

use std::process::Command;
use std::thread::sleep;
use std::time::Duration;

use serde_json::Value;

use super::common::process::{run_newswatch, spawn_newswatch};
use super::common::response::Response;
use super::{LIMIT, PRISONERS, PROTEST, Setup, delivered, json, serve_feed, wait_for};

#[test]
fn a_receiver_failing_three_times_gets_exactly_one_successful_delivery() {
    let s = Setup::new(
        &[("Хабар", PRISONERS)],
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nbackoff = \"200ms\"\n",
    );
    let fail = || Response::status(500);
    s.server.route(
        "/hook",
        Response::sequence(vec![
            fail(),
            fail(),
            fail(),
            Response::ok("text/plain", "ok"),
        ]),
    );
    s.run_daemon_until("the alert to be delivered", |s| delivered(s) == 1);
    s.run_once();
    let posts = s.posts("/hook");
    assert_eq!(posts.len(), 4, "three failures, one success, no repeat");
    let ids: Vec<Value> = posts.iter().map(|p| json(p)["alert_id"].clone()).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));
    for pair in posts.windows(2) {
        assert!(pair[1].received - pair[0].received >= Duration::from_millis(150));
    }
    assert_eq!(
        s.count("SELECT attempts FROM deliveries WHERE state = 'delivered' AND last_error IS NULL"),
        4
    );
}

#[test]
fn a_delivery_dies_after_max_attempts_and_alerts_retry_requeues_it() {
    let s = Setup::new(
        &[("Хабар", PRISONERS)],
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nbackoff = \"100ms\"\nmax_attempts = 2\n",
    );
    s.server.route("/hook", Response::status(503));
    s.run_daemon_until("the delivery to die", |s| {
        s.count("SELECT count(*) FROM deliveries WHERE state = 'dead'") == 1
    });
    assert_eq!(s.posts("/hook").len(), 2);
    let listing = s.cli(&["alerts"]);
    assert!(
        listing.contains("hook: DEAD after 2 attempts") && listing.contains("HTTP 503"),
        "{listing}"
    );
    s.server.route("/hook", Response::ok("text/plain", "ok"));
    assert!(
        s.cli(&["alerts", "retry", "--dead"])
            .contains("queued 1 deliveries")
    );

    s.run_once();
    assert_eq!(s.posts("/hook").len(), 3);
    assert_eq!(delivered(&s), 1);
    assert!(s.cli(&["alerts"]).contains("hook: delivered"));
}

#[test]
fn a_sink_filter_skips_alerts_of_other_rules() {
    let s = Setup::new(
        &[("Тұтқындар", PRISONERS), ("Митинг", PROTEST)],
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nrules = [\"protest\"]\n\n\
         [[sink]]\nkind = \"log\"\n",
    );
    s.server.route("/hook", Response::ok("text/plain", "ok"));
    s.run_once();
    let posts = s.posts("/hook");
    assert_eq!(posts.len(), 1);
    assert_eq!(json(&posts[0])["rule"], "protest");
    assert_eq!(
        s.count("SELECT count(*) FROM deliveries WHERE sink = 'hook' AND state = 'skipped'"),
        1
    );
    assert_eq!(
        s.count("SELECT count(*) FROM deliveries WHERE sink = 'log' AND state = 'delivered'"),
        2
    );
}

#[test]
fn a_burst_over_the_rate_limit_becomes_one_summary() {
    let titles: Vec<String> = (0..10).map(|i| format!("Хабар {i}")).collect();
    let items: Vec<(&str, &str)> = titles.iter().map(|t| (t.as_str(), PRISONERS)).collect();
    let s = Setup::new(
        &items,
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nrate_limit = \"3/1h\"\n",
    );
    s.server.route("/hook", Response::ok("text/plain", "ok"));
    s.run_once();
    s.run_once();
    let bodies: Vec<Value> = s.posts("/hook").iter().map(json).collect();
    assert_eq!(bodies.len(), 3, "{bodies:?}");
    assert!(bodies[..2].iter().all(|b| b["type"] == "alert"));
    let summary = &bodies[2];
    assert_eq!(summary["type"], "summary");
    assert_eq!(
        summary["text"],
        "8 more alerts for rule political-prisoners (rate limit reached)"
    );
    assert_eq!(summary["rules"][0]["count"], 8);
    assert_eq!(
        summary["rules"][0]["alert_ids"].as_array().unwrap().len(),
        8
    );
    let via = |v: &str| {
        s.count(&format!(
            "SELECT count(*) FROM deliveries WHERE state = 'delivered' AND delivered_via = '{v}'"
        ))
    };
    assert_eq!((via("message"), via("summary")), (2, 8));

    // The window is stored: a later run within the hour sends nothing more.
    let more: Vec<(&str, &str)> = items.iter().copied().chain([("Жаңа", PRISONERS)]).collect();
    serve_feed(&s.server, &more);
    s.run_once();
    assert_eq!(s.posts("/hook").len(), 3);
    assert_eq!(
        s.count("SELECT count(*) FROM deliveries WHERE state = 'pending'"),
        1
    );
}

#[test]
fn a_digest_lists_the_periods_alerts_grouped_by_rule() {
    let s = Setup::new(
        &[
            ("Бір", PRISONERS),
            ("Екі", PROTEST),
            ("Үш", PRISONERS),
            ("Төрт", PRISONERS),
        ],
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nmode = \"digest\"\nevery = \"2s\"\n",
    );
    s.server.route("/hook", Response::ok("text/plain", "ok"));
    s.run_once();
    assert!(s.posts("/hook").is_empty(), "the first period is not over");
    let sinks = run_newswatch(&["sinks", "--json", "--config", s.cfg()], LIMIT);
    let sinks: Value = serde_json::from_slice(&sinks.stdout).unwrap();
    let next = sinks["sinks"][0]["next_digest_at"].as_str().unwrap();
    // Every time in JSON is UTC in the stored form (`…Z`, whole seconds).
    assert!(
        next.ends_with('Z') && next.len() == "2026-01-01T00:00:00Z".len(),
        "{next}"
    );
    sleep(Duration::from_millis(2500));
    s.run_once();
    let posts = s.posts("/hook");
    assert_eq!(posts.len(), 1);
    let digest = json(&posts[0]);
    assert_eq!(digest["type"], "digest");
    assert_eq!(digest["count"], 4);
    assert_eq!(digest["rules"][0]["rule"], "political-prisoners");
    let titles: Vec<&str> = digest["rules"][0]["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["article"]["title"].as_str().unwrap())
        .collect();
    // Feeds list newest first and are stored oldest first; digests keep outbox order.
    assert_eq!(titles, ["Төрт", "Үш", "Бір"]);
    assert_eq!(digest["rules"][1]["rule"], "protest");
    assert_eq!(digest["rules"][1]["alerts"][0]["article"]["title"], "Екі");
    assert_eq!(
        s.count("SELECT count(*) FROM deliveries WHERE delivered_via = 'digest'"),
        4
    );
}

fn kill_9(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn kill_9_during_a_burst_loses_no_alert_and_duplicates_at_most_one_per_kill() {
    const ALERTS: usize = 30;
    let titles: Vec<String> = (0..ALERTS).map(|i| format!("Хабар {i}")).collect();
    let items: Vec<(&str, &str)> = titles.iter().map(|t| (t.as_str(), PRISONERS)).collect();
    let s = Setup::new(
        &items,
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\n",
    );
    // About 100 ms per delivery: the kills land in the middle of the burst.
    s.server.route(
        "/hook",
        Response::slow_drip(b"ok\n".to_vec(), 1, Duration::from_millis(35)),
    );
    let mut kills = 0;
    for received in [5, 15] {
        let daemon = spawn_newswatch(&["run", "--config", s.cfg()]);
        wait_for("deliveries to start", Duration::from_secs(30), || {
            s.posts("/hook").len() >= received
        });
        kill_9(daemon.id());
        let out = daemon.finish(Duration::from_secs(10));
        assert_eq!(out.status.code(), None, "killed by a signal");
        kills += 1;
    }
    s.run_once();
    let ids: Vec<i64> = s
        .posts("/hook")
        .iter()
        .map(|p| json(p)["alert_id"].as_i64().unwrap())
        .collect();
    let mut distinct = ids.clone();
    distinct.sort_unstable();
    distinct.dedup();
    assert_eq!(s.count("SELECT count(*) FROM alerts"), ALERTS as i64);
    assert_eq!(distinct.len(), ALERTS, "an alert was lost");
    assert!(
        ids.len() <= ALERTS + kills,
        "{} posts for {ALERTS} alerts",
        ids.len()
    );
    assert_eq!(delivered(&s), ALERTS as i64);
}
