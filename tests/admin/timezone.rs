//! `[display] timezone` (or `TZ`): text output and alert texts in local time, JSON in UTC,
//! and an unknown zone a config error naming the key.

use std::process::Command;

use serde_json::Value;

use crate::common::process::{newswatch_bin, run_checked, run_newswatch, run_with_timeout};
use crate::common::smtp::SmtpServer;
use crate::{DemoRun, LIMIT};

/// Adds `[display] timezone = ZONE` to the demo's config.
fn set_zone(demo: &DemoRun, zone: &str) {
    let config = demo.config();
    let mut text = std::fs::read_to_string(&config).expect("read the demo config");
    text.push_str(&format!("\n[display]\ntimezone = \"{zone}\"\n"));
    std::fs::write(&config, text).expect("write the demo config");
}

#[test]
fn text_output_and_mail_show_the_configured_zone_and_json_stays_utc() {
    let demo = DemoRun::new();
    let config = demo.config();
    let utc = run_checked(&["alerts"], &config, LIMIT);
    assert!(utc.contains("Z [rallies]"), "{utc}");

    let smtp = SmtpServer::start();
    let mut text = std::fs::read_to_string(&config).expect("read");
    text.push_str(&format!(
        "\n[[sink]]\nkind = \"email\"\nname = \"mail\"\nhost = \"127.0.0.1\"\nport = {}\n\
         tls = \"none\"\nfrom = \"alerts@example.org\"\nto = [\"desk@example.org\"]\n",
        smtp.port()
    ));
    std::fs::write(&config, text).expect("write");
    set_zone(&demo, "Asia/Almaty");

    let local = run_checked(&["alerts"], &config, LIMIT);
    assert!(local.contains("+05:00 [rallies]"), "{local}");
    assert!(
        local.contains("delivered 20") && !local.contains("Z as message"),
        "{local}"
    );
    let story = run_checked(&["story", "1", "--article"], &config, LIMIT);
    assert!(story.contains("+05:00)"), "{story}");
    let json: Value =
        serde_json::from_str(&run_checked(&["alerts", "--json"], &config, LIMIT)).expect("JSON");
    let created = json["alerts"][0]["created_at"].as_str().unwrap_or_default();
    assert!(created.ends_with('Z'), "{json}");

    run_checked(&["sinks", "test", "mail"], &config, LIMIT);
    let mails = smtp.mails();
    let body = mails[0].part("text/plain").unwrap_or_default();
    assert!(
        body.contains("newswatch sinks test · 20") && body.contains("+05:00"),
        "{body}"
    );
}

#[test]
fn tz_is_the_fallback_and_an_unknown_zone_names_the_key() {
    let demo = DemoRun::new();
    let config = demo.config();
    let path = config.to_str().expect("UTF-8");
    let mut command = Command::new(newswatch_bin());
    command
        .args(["alerts", "--config", path])
        .env("TZ", "Europe/Moscow");
    let out = run_with_timeout(command, LIMIT);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("+03:00 [rallies]"), "{stdout}");

    set_zone(&demo, "Asia/Almat");
    let out = run_newswatch(&["check-config", "--config", path], LIMIT);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("display.timezone \"Asia/Almat\" is not an IANA time zone name"),
        "{stderr}"
    );
}
