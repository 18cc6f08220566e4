//! `newswatch sinks test NAME`: a marked test message through the real channel (a webhook on
//! 127.0.0.1, a local SMTP listener), a failing sink's error and exit 1, and no outbox row.

use serde_json::Value;

use crate::common::process::{count, run_checked, run_newswatch};
use crate::common::response::Response;
use crate::common::server::TestServer;
use crate::common::smtp::SmtpServer;
use crate::{DemoRun, LIMIT};

#[test]
fn a_test_message_goes_through_the_real_channel_and_never_into_the_outbox() {
    let demo = DemoRun::new();
    let (config, db) = (demo.config(), demo.database());
    let server = TestServer::start();
    server.route("/hook", Response::ok("text/plain", "ok"));
    server.route("/broken", Response::status(500));
    let smtp = SmtpServer::start();
    let mut text = std::fs::read_to_string(&config).expect("read the demo config");
    text.push_str(&format!(
        "\n[[sink]]\nkind = \"webhook\"\nname = \"hook\"\nurl = \"{}\"\n\
         \n[[sink]]\nkind = \"email\"\nname = \"mail\"\nhost = \"127.0.0.1\"\nport = {}\n\
         tls = \"none\"\nfrom = \"newswatch <alerts@example.org>\"\nto = [\"desk@example.org\"]\n\
         \n[[sink]]\nkind = \"webhook\"\nname = \"broken\"\nurl = \"{}\"\nmax_attempts = 1\n",
        server.url("/hook"),
        smtp.port(),
        server.url("/broken"),
    ));
    std::fs::write(&config, text).expect("write the demo config");
    let deliveries = count(&db, "SELECT count(*) FROM deliveries");

    let out = run_checked(&["sinks", "test", "hook"], &config, LIMIT);
    assert!(
        out.contains("sent a test message through sink \"hook\" (webhook)"),
        "{out}"
    );
    let posted = server.requests();
    let hook = posted
        .iter()
        .find(|r| r.path == "/hook")
        .expect("the webhook was called");
    let body: Value = serde_json::from_slice(&hook.body).expect("a JSON body");
    assert_eq!(body["type"], "test", "{body}");
    assert_eq!(body["sink"], "hook", "{body}");

    let out = run_checked(&["sinks", "test", "mail", "--json"], &config, LIMIT);
    let outcome: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(outcome["sent"], true, "{outcome}");
    assert_eq!(outcome["kind"], "email", "{outcome}");
    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let subject = mails[0].subject().unwrap_or_default();
    assert!(subject.contains("[newswatch test]"), "{subject}");

    let path = config.to_str().expect("UTF-8");
    let out = run_newswatch(&["sinks", "test", "broken", "--config", path], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("\"broken\" (webhook) failed") && stderr.contains("500"),
        "{stderr}"
    );
    let out = run_newswatch(&["sinks", "test", "nope", "--config", path], LIMIT);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("hook, mail, broken"));

    assert_eq!(count(&db, "SELECT count(*) FROM deliveries"), deliveries);
}
