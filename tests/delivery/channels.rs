//! Each channel end to end: webhook (payload, signature, headers), Telegram Bot API, SMTP
//! e-mail, command on stdin, and a hanging receiver beside a healthy one.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use rusqlite::Connection;
use serde_json::Value;

use super::common::process::TestDir;
use super::common::response::Response;
use super::common::smtp::SmtpServer;
use super::{PRISONERS, Setup, delivered, json};

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

fn hmac_hex(key: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
