//! The `newswatch` binary: command-line front end over the library.
//!
//! Exit codes: 0 success, 1 a runtime failure, 2 a bad config, query or usage.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    newswatch::poll::limit_malloc_arenas();
    let args = cli::Cli::parse();
    init_tracing();
    match cli::execute(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// Logs go to stderr (journald collects them under systemd); `RUST_LOG` tunes the filter.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
