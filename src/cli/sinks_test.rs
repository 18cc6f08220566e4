//! `newswatch sinks test NAME`: a test message through one sink's real channel, with the
//! outcome (exit 1 and the channel's error on failure). It bypasses the outbox entirely.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::notify::send_test;
use serde::Serialize;

use super::json;
use super::run::load_config;

/// `sinks test --json`: one document (fields in docs/cli.md).
#[derive(Serialize)]
struct Outcome<'a> {
    sink: &'a str,
    kind: &'static str,
    sent: bool,
    error: Option<String>,
}

/// Sends the test message through sink `name` of the config.
pub fn sinks_test(config_path: &Path, name: &str, as_json: bool) -> anyhow::Result<ExitCode> {
    let config = match load_config(config_path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let Some(spec) = config.sinks.iter().find(|s| s.name == name) else {
        let names: Vec<&str> = config.sinks.iter().map(|s| s.name.as_str()).collect();
        eprintln!(
            "error: {} has no sink {name:?}; its sinks are: {} (`newswatch sinks` lists them)",
            config_path.display(),
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        );
        return Ok(ExitCode::from(2));
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let sent = runtime.block_on(send_test(
        spec,
        &config.fetch.user_agent,
        config.display_zone(),
    ));
    let outcome = Outcome {
        sink: &spec.name,
        kind: spec.kind.word(),
        sent: sent.is_ok(),
        error: sent.err().map(|err| err.to_string()),
    };
    if as_json {
        json::print(&outcome)?;
    } else if let Some(error) = &outcome.error {
        eprintln!(
            "error: the test message through sink {name:?} ({}) failed: {error}",
            outcome.kind
        );
    } else {
        outln!(
            "sent a test message through sink {name:?} ({}); check that it arrived",
            outcome.kind
        );
    }
    Ok(if outcome.sent {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
