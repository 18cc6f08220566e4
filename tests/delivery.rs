//! Alert delivery end to end through the real binary: a webhook receiver, a fake Telegram Bot
//! API and an SMTP listener on 127.0.0.1, a command sink, retries, dead letters and
//! `alerts retry`, filters, rate-limit summaries, digests, and kill -9 in a burst.

#[allow(dead_code)]
mod common;

use std::path::PathBuf;
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::feeds::{FeedItem, rss_feed};
use common::process::{TestDir, run_newswatch, spawn_newswatch};
use common::response::Response;
use common::server::{RecordedRequest, TestServer};
use common::smtp::SmtpServer;
use hmac::{Hmac, KeyInit, Mac};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

const LIMIT: Duration = Duration::from_secs(60);
const PRISONERS: &str = "Белсенділер саяси тұтқындарды босатуды талап етті.";
const PROTEST: &str = "Алматыда митинг өтті, полиция бірнеше адамды ұстады.";
const PUBLISHED: &str = "2026-01-08T14:30:00+05:00";

/// A test: its HTTP server (feed and receivers), its folder, config and database.
struct Setup {
    server: TestServer,
    dir: TestDir,
    config: PathBuf,
    db: PathBuf,
}

impl Setup {
    /// Serves `/rss` with one item per `(title, description)` and writes a config with two
    /// rules (`political-prisoners`, `protest`) and the given `[[sink]]` tables, in which
    /// `{dir}` stands for the test folder and `{server}` for the server's base URL.
    fn new(items: &[(&str, &str)], sinks: &str) -> Setup {
        let server = TestServer::start();
        serve_feed(&server, items);
        let dir = TestDir::new();
        let sinks = sinks
            .replace("{dir}", dir.path().to_str().unwrap())
            .replace("{server}", &server.url(""));
        let toml = format!(
            "[storage]\ndatabase = \"news.db\"\n\n[fetch]\ntimeout = \"5s\"\n\n\
             [[source]]\nname = \"azattyq\"\nurl = \"{}\"\ninterval = \"10m\"\nextract = false\n\n\
             [[rule]]\nname = \"political-prisoners\"\nquery = '\"саяси тұтқын\"'\n\n\
             [[rule]]\nname = \"protest\"\nquery = 'митинг'\n\n{sinks}",
            server.url("/rss")
        );
        let config = dir.write_config(&toml);
        let db = dir.path().join("news.db");
        Setup {
            server,
            dir,
            config,
            db,
        }
    }

    fn cfg(&self) -> &str {
        self.config.to_str().unwrap()
    }

    fn run_once(&self) -> String {
        let out = run_newswatch(&["run", "--once", "--config", self.cfg()], LIMIT);
        let logs = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "run --once failed: {logs}");
        logs
    }

    /// Runs the daemon until `done` holds (at most 30 s), then stops it with SIGTERM.
    fn run_daemon_until(&self, what: &str, done: impl Fn(&Setup) -> bool) {
        let daemon = spawn_newswatch(&["run", "--config", self.cfg()]);
        wait_for(what, Duration::from_secs(30), || done(self));
        let out = daemon.terminate(Duration::from_secs(30));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// `SELECT` of one integer; 0 while the database does not exist yet.
    fn count(&self, sql: &str) -> i64 {
        let Ok(conn) = Connection::open_with_flags(&self.db, OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return 0;
        };
        conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
    }

    fn posts(&self, path: &str) -> Vec<RecordedRequest> {
        let requests = self.server.requests().into_iter();
        requests.filter(|r| r.path == path).collect()
    }

    fn cli(&self, args: &[&str]) -> String {
        let mut all = args.to_vec();
        all.extend(["--config", self.cfg()]);
        let out = run_newswatch(&all, LIMIT);
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// Serves `/rss` listing one item per `(title, description)`, item `i` at `/kk/{i}.html`.
fn serve_feed(server: &TestServer, items: &[(&str, &str)]) {
    let links: Vec<String> = (0..items.len())
        .map(|i| server.url(&format!("/kk/{i}.html")))
        .collect();
    let guids: Vec<String> = (0..items.len()).map(|i| format!("kk-{i}")).collect();
    let entries: Vec<FeedItem> = items
        .iter()
        .enumerate()
        .map(|(i, (title, description))| FeedItem {
            title,
            link: &links[i],
            guid: &guids[i],
            pub_date: PUBLISHED,
            description,
        })
        .collect();
    server.route(
        "/rss",
        Response::ok("application/rss+xml", rss_feed("Азаттық", &entries)),
    );
}

fn wait_for(what: &str, limit: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() && Instant::now() < deadline {
        sleep(Duration::from_millis(50));
    }
    assert!(done(), "timed out after {limit:?} waiting for {what}");
}

fn json(request: &RecordedRequest) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn delivered(s: &Setup) -> i64 {
    s.count("SELECT count(*) FROM deliveries WHERE state = 'delivered'")
}

#[test]
fn a_webhook_gets_the_documented_payload_signed_with_the_shared_secret() {
    let title = "Саяси тұтқындар туралы хабар";
    let s = Setup::new(
        &[(title, PRISONERS)],
        "[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{server}/hook\"\nsecret_file = \"hook.key\"\n\
         headers = { X-Team = \"kz-desk\" }\n",
    );
    s.dir.write_file("hook.key", "s3cret\n");
    s.server
        .route("/hook", Response::ok("application/json", "{}"));
    s.run_once();

    let posts = s.posts("/hook");
    assert_eq!(posts.len(), 1);
    let post = &posts[0];
    assert_eq!(post.method, "POST");
    assert_eq!(post.header("content-type"), Some("application/json"));
    assert_eq!(post.header("x-team"), Some("kz-desk"));
    let signature = format!("sha256={}", hmac_hex("s3cret", &post.body));
    assert_eq!(
        post.header("x-newswatch-signature"),
        Some(signature.as_str())
    );

    let conn = Connection::open(&s.db).unwrap();
    let (alert_id, article_id, terms, snippet, created): (i64, i64, String, String, String) = conn
        .query_row(
            "SELECT id, article_id, matched_terms, snippet, created_at FROM alerts",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let body = json(post);
    assert_eq!(body["type"], "alert");
    assert_eq!(body["sink"], "hook");
    assert_eq!(body["alert_id"], alert_id);
    assert_eq!(body["rule"], "political-prisoners");
    assert_eq!(body["article"]["id"], article_id);
    assert_eq!(body["article"]["title"], title);
    assert_eq!(body["article"]["url"], s.server.url("/kk/0.html"));
    assert_eq!(body["article"]["source"], "azattyq");
    assert_eq!(body["article"]["published_at"], "2026-01-08T09:30:00Z");
    let terms: Value = serde_json::from_str(&terms).unwrap();
    assert_eq!(body["matched_terms"], terms);
    assert!(terms.to_string().contains("тұтқындарды"), "{terms}");
    assert_eq!(body["snippet"], snippet.as_str());
    assert!(snippet.contains("**"), "{snippet}");
    assert_eq!(body["created_at"], created.as_str());
    assert!(body.get("story_id").is_none());
    let state: (String, String, i64) = conn
        .query_row(
            "SELECT state, delivered_via, attempts FROM deliveries WHERE sink = 'hook'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(state, ("delivered".into(), "message".into(), 1));
}

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
    assert!(
        s.cli(&["alerts", "retry", "999"])
            .contains("queued 0 deliveries")
    );
    s.run_once();
    assert_eq!(s.posts("/hook").len(), 3);
    assert_eq!(delivered(&s), 1);
    assert!(s.cli(&["alerts"]).contains("hook: delivered"));
}

#[test]
fn telegram_gets_send_message_and_its_retry_after_is_honoured() {
    let title = "Саяси тұтқындар <және> сот";
    let s = Setup::new(
        &[(title, PRISONERS)],
        "[[sink]]\nkind = \"telegram\"\nname = \"tg\"\napi_url = \"{server}\"\n\
         token_file = \"{dir}/tg.token\"\nchat_id = -1001234567890\nbackoff = \"200ms\"\n",
    );
    s.dir.write_file("tg.token", "123456:ABC-def\n");
    let path = "/bot123456:ABC-def/sendMessage";
    let ok = Response::ok(
        "application/json",
        r#"{"ok":true,"result":{"message_id":7}}"#,
    );
    let busy = Response::status(429).header("Retry-After", "1");
    s.server.route(path, Response::sequence(vec![busy, ok]));
    s.run_daemon_until("the Telegram message", |s| delivered(s) == 1);
    let posts = s.posts(path);
    assert_eq!(posts.len(), 2);
    assert!(posts[1].received - posts[0].received >= Duration::from_millis(950));
    let body = json(&posts[1]);
    assert_eq!(body["chat_id"], "-1001234567890");
    assert_eq!(body["parse_mode"], "HTML");
    let text = body["text"].as_str().unwrap();
    assert!(text.starts_with("<b>political-prisoners</b>\n"), "{text}");
    let link = format!(
        "<a href=\"{}\">Саяси тұтқындар &lt;және&gt; сот</a>",
        s.server.url("/kk/0.html")
    );
    assert!(text.contains(&link), "{text}");
    assert!(text.contains("azattyq · 2026-01-08T09:30:00Z"), "{text}");
    assert!(
        text.ends_with("\n<b>Саяси тұтқындар</b> &lt;және&gt; сот"),
        "snippet with the hit in bold: {text}"
    );
}

#[test]
fn email_goes_through_smtp_with_login_as_plain_text_and_html() {
    let smtp = SmtpServer::start();
    let title = "Саяси тұтқындар туралы";
    let s = Setup::new(
        &[(title, PRISONERS)],
        &format!(
            "[[sink]]\nkind = \"email\"\nname = \"mail\"\nhost = \"127.0.0.1\"\nport = {}\n\
             tls = \"none\"\nusername = \"alerts\"\npassword_file = \"smtp.pass\"\n\
             from = \"newswatch <alerts@example.org>\"\nto = [\"desk@example.org\", \"editor@example.org\"]\n",
            smtp.port()
        ),
    );
    s.dir.write_file("smtp.pass", "pa55word\n");
    s.run_once();
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.login, Some(("alerts".into(), "pa55word".into())));
    assert_eq!(mail.from, "alerts@example.org");
    assert_eq!(mail.to, ["desk@example.org", "editor@example.org"]);
    assert_eq!(
        mail.subject().as_deref(),
        Some(format!("[newswatch] [political-prisoners] {title}").as_str())
    );
    let url = s.server.url("/kk/0.html");
    let text = mail.part("text/plain").unwrap();
    assert!(
        text.contains(&url) && text.contains("azattyq · 2026-01-08T09:30:00Z"),
        "{text}"
    );
    let snippet: String = Connection::open(&s.db)
        .unwrap()
        .query_row("SELECT snippet FROM alerts", [], |r| r.get(0))
        .unwrap();
    assert!(
        text.contains(&format!("\n\n{snippet}\n\nmatched: ")),
        "{text}"
    );
    let html = mail.part("text/html").unwrap();
    assert!(
        html.contains(&format!("<a href=\"{url}\">{title}</a>")),
        "{html}"
    );
    assert_eq!(delivered(&s), 1);
}

#[test]
fn a_command_reads_the_alert_on_stdin_and_no_shell_sees_article_text() {
    let dir = TestDir::new();
    let marker = dir.path().join("PWNED");
    let title = format!(
        "Саяси $(touch {m}) `touch {m}`; touch {m} \"'",
        m = marker.display()
    );
    let s = Setup::new(
        &[(&title, PRISONERS)],
        "[[sink]]\nkind = \"command\"\nname = \"script\"\n\
         command = [\"sh\", \"-c\", 'cat >> \"$0\"', \"{dir}/alerts.jsonl\"]\n\n\
         [[sink]]\nkind = \"command\"\nname = \"broken\"\n\
         command = [\"sh\", \"-c\", \"cat > /dev/null; echo 'disk full' >&2; exit 3\"]\n",
    );
    s.run_once();
    let lines = std::fs::read_to_string(s.dir.path().join("alerts.jsonl")).unwrap();
    let lines: Vec<&str> = lines.lines().collect();
    assert_eq!(lines.len(), 1);
    let alert: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(alert["article"]["title"], title.as_str());
    assert_eq!(alert["sink"], "script");
    assert!(!marker.exists(), "article text reached a shell");
    let conn = Connection::open(&s.db).unwrap();
    let (state, error): (String, String) = conn
        .query_row(
            "SELECT state, last_error FROM deliveries WHERE sink = 'broken'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(state, "retrying");
    assert!(
        error.contains("command sink \"broken\"") && error.contains("exit status: 3"),
        "{error}"
    );
    assert!(error.contains("disk full"), "{error}");
    assert_eq!(
        delivered(&s),
        1,
        "the broken sink did not block the other one"
    );
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

fn check(sinks: &str) -> String {
    let s = Setup::new(&[], sinks);
    let out = run_newswatch(&["check-config", "--config", s.cfg()], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn check_config_explains_sink_mistakes() {
    let cases = [
        (
            "[[sink]]\nkind = \"telegram\"\nurl = \"http://x/\"\nchat_id = 1\ntoken_env = \"T\"\n",
            "`url` is not a setting of a telegram sink",
        ),
        (
            "[[sink]]\nkind = \"telegram\"\ntoken = \"a\"\ntoken_file = \"b\"\nchat_id = 1\n",
            "set only one of `token`, `token_env` and `token_file`",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nrules = [\"nope\"]\n",
            "there is no [[rule]] named \"nope\"",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nrate_limit = \"lots\"\n",
            "must read COUNT/WINDOW",
        ),
        (
            "[[sink]]\nkind = \"webhook\"\nurl = \"http://x/\"\nmode = \"digest\"\n",
            "a digest needs either",
        ),
        (
            "[[sink]]\nkind = \"email\"\nhost = \"smtp.example.org\"\nfrom = \"x\"\nto = [\"a@b.kz\"]\n",
            "from \"x\" is not an e-mail address",
        ),
        (
            "[[sink]]\nkind = \"command\"\ncommand = []\n",
            "command must list the program",
        ),
        (
            "[[sink]]\nkind = \"pigeon\"\n",
            "sink kind \"pigeon\" is not supported",
        ),
    ];
    for (sinks, expected) in cases {
        let stderr = check(sinks);
        assert!(
            stderr.contains(expected),
            "{sinks}: expected {expected:?} in {stderr}"
        );
        assert!(stderr.contains("newswatch.toml:"), "{stderr}");
    }
}

#[test]
fn a_missing_secret_stops_the_start_naming_the_sink() {
    let s = Setup::new(
        &[],
        "[[sink]]\nkind = \"telegram\"\nname = \"desk\"\ntoken_file = \"missing.token\"\nchat_id = 1\n",
    );
    let out = run_newswatch(&["run", "--once", "--config", s.cfg()], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("sink \"desk\": cannot read its secret")
            && stderr.contains("missing.token"),
        "{stderr}"
    );
}

#[test]
fn check_config_accepts_every_kind_of_sink() {
    let s = Setup::new(
        &[],
        "[[sink]]\nkind = \"log\"\n\n\
         [[sink]]\nkind = \"webhook\"\nurl = \"https://cases.example.org/hook\"\nsecret_env = \"HOOK_KEY\"\n\
         headers = { X-Team = \"kz\" }\nrules = [\"protest\"]\nsources = [\"azattyq\"]\n\n\
         [[sink]]\nkind = \"telegram\"\ntoken_file = \"tg.token\"\nchat_id = \"@kz_alerts\"\nrate_limit = \"20/1h\"\n\n\
         [[sink]]\nkind = \"email\"\nmode = \"digest\"\nat = \"08:00+05:00\"\nhost = \"smtp.example.org\"\n\
         username = \"a\"\npassword_env = \"P\"\nfrom = \"newswatch <alerts@example.org>\"\nto = [\"desk@example.org\"]\n\n\
         [[sink]]\nkind = \"command\"\nmode = \"digest\"\nevery = \"1h\"\ncommand = [\"/bin/true\"]\n",
    );
    let out = run_newswatch(&["check-config", "--config", s.cfg()], LIMIT);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 sinks"));
}

#[test]
fn a_hanging_receiver_times_out_without_delaying_the_other_sink() {
    let s = Setup::new(
        &[("Хабар", PRISONERS)],
        "[[sink]]\nkind = \"webhook\"\nname = \"slow\"\nurl = \"{server}/slow\"\ntimeout = \"2s\"\n\n\
         [[sink]]\nkind = \"webhook\"\nname = \"fast\"\nurl = \"{server}/fast\"\n",
    );
    s.server
        .route("/slow", Response::hang(Duration::from_secs(10)));
    s.server.route("/fast", Response::ok("text/plain", "ok"));
    s.run_once();
    let (slow, fast) = (&s.posts("/slow")[0], &s.posts("/fast")[0]);
    let gap = fast.received.max(slow.received) - fast.received.min(slow.received);
    assert!(gap < Duration::from_secs(1), "the fast sink waited {gap:?}");
    let conn = Connection::open(&s.db).unwrap();
    let (state, error): (String, String) = conn
        .query_row(
            "SELECT state, last_error FROM deliveries WHERE sink = 'slow'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(state, "retrying");
    assert!(
        error.starts_with("webhook sink \"slow\": cannot POST to http://127.0.0.1:")
            && error.contains("timed out"),
        "{error}"
    );
    assert_eq!(
        s.count("SELECT count(*) FROM deliveries WHERE sink = 'fast' AND state = 'delivered'"),
        1
    );
}
