//! The `newswatch` binary: command-line front end over the library.
//!
//! Exit codes: 0 success, 1 a runtime failure, 2 a bad config, query or usage.

mod cli;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use newswatch::config::LogFormat;

/// Rust's allocations go to jemalloc (see `newswatch::allocator`).
#[global_allocator]
static ALLOCATOR: newswatch::allocator::Jemalloc = newswatch::allocator::Jemalloc;

fn main() -> ExitCode {
    newswatch::allocator::tune_c_malloc();
    let args = cli::Cli::parse();
    init_tracing(log_format(&args));
    match cli::execute(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

/// `NEWSWATCH_LOG_FORMAT` (`text` or `json`), else the run config's `[log] format`.
fn log_format(args: &cli::Cli) -> LogFormat {
    match std::env::var("NEWSWATCH_LOG_FORMAT") {
        Ok(word) => LogFormat::from_word(word.trim()).unwrap_or_else(|| {
            eprintln!(
                "warning: NEWSWATCH_LOG_FORMAT={word:?} is not \"text\" or \"json\"; logging text"
            );
            LogFormat::Text
        }),
        Err(_) => args
            .run_config()
            .and_then(LogFormat::of_config)
            .unwrap_or_default(),
    }
}

/// Logs go to stderr (journald collects them under systemd), as text or one JSON object per
/// line; `RUST_LOG` tunes the filter (see [`log_filter`]).
fn init_tracing(format: LogFormat) {
    let filter = log_filter(std::env::var("RUST_LOG").ok().as_deref());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|err| {
        eprintln!("warning: RUST_LOG={filter:?} is not a valid filter ({err}); using the default");
        tracing_subscriber::EnvFilter::new(log_filter(None))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).init(),
    }
}

/// The log sink's events: alerts, never hidden by a level meant for diagnostics.
const ALERT_TARGET: &str = "newswatch::alert";

/// The tracing filter for `RUST_LOG`. Unset, newswatch logs at `info` and its libraries only
/// warnings; a bare level (`RUST_LOG=debug`) applies to newswatch's own targets only, so
/// parser internals (html5ever) stay quiet unless named (`RUST_LOG=debug,html5ever=trace`).
/// The log sink's target stays at `info` unless `RUST_LOG` names it.
fn log_filter(env: Option<&str>) -> String {
    let env = env.map(str::trim).filter(|e| !e.is_empty());
    let mut filter = match env {
        None => "warn,newswatch=info".to_string(),
        Some(level) if !level.contains(['=', ',', '[']) => format!("warn,newswatch={level}"),
        Some(directives) => directives.to_string(),
    };
    if !filter.contains(ALERT_TARGET) {
        filter.push_str(&format!(",{ALERT_TARGET}=info"));
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn the_filter_scopes_bare_levels_and_keeps_alerts() {
        assert_eq!(
            log_filter(None),
            "warn,newswatch=info,newswatch::alert=info"
        );
        assert_eq!(
            log_filter(Some("debug")),
            "warn,newswatch=debug,newswatch::alert=info"
        );
        assert_eq!(
            log_filter(Some("info,html5ever=trace")),
            "info,html5ever=trace,newswatch::alert=info"
        );
        assert_eq!(
            log_filter(Some("newswatch::alert=off")),
            "newswatch::alert=off"
        );
    }
}
