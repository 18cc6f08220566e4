//! Command-line commands: each is a thin layer over the library.

mod inspect;
mod run;
mod story;
mod tools;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// newswatch: monitors news feeds, stores articles in SQLite and alerts on watch rules.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The config file option shared by commands that need one.
#[derive(Debug, clap::Args)]
pub struct ConfigArg {
    /// The TOML config file.
    #[arg(long, short, env = "NEWSWATCH_CONFIG", value_name = "FILE")]
    config: PathBuf,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon (until SIGTERM/SIGINT, or one pass with --once).
    Run {
        #[command(flatten)]
        config: ConfigArg,
        /// Poll every source once, deliver alerts, and exit.
        #[arg(long)]
        once: bool,
    },
    /// Validate a config file; exit 2 with line-precise errors if it is invalid.
    CheckConfig {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Totals: sources, articles, alerts, deliveries.
    Stats {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Every source with its polling health.
    Sources {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Recent alerts with their delivery state.
    Alerts {
        #[command(flatten)]
        config: ConfigArg,
        /// How far back, e.g. "1h", "2d" (default: everything).
        #[arg(long)]
        since: Option<String>,
        /// At most this many alerts.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Full-text search over stored titles and bodies (SQLite FTS5 syntax).
    Search {
        #[command(flatten)]
        config: ConfigArg,
        /// The query, e.g. 'митинг', '"саяси тұтқын"', 'тұтқын*'.
        query: String,
        /// At most this many results.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A story with all its copies, the sources and URLs that delivered them, and their versions.
    Story {
        #[command(flatten)]
        config: ConfigArg,
        /// The story id (or, with --article, an article id).
        id: i64,
        /// Treat ID as an article id and show that article's story.
        #[arg(long)]
        article: bool,
    },
    /// Extract the article from a saved HTML page and print its text (or JSON).
    Extract {
        /// The HTML file.
        #[arg(long)]
        file: PathBuf,
        /// The page's URL, to resolve links and pick per-site rules.
        #[arg(long)]
        url: Option<String>,
        /// Print every extracted field as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Test a watch query on a text file: exit 0 and print the snippet on a match, 1 if none, 2 on a bad query.
    Match {
        /// The query, in the rule language (docs/rules.md).
        #[arg(long)]
        query: String,
        /// A text file (any charset); it is matched as an article body.
        #[arg(long)]
        file: PathBuf,
    },
}

/// Runs the parsed command.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run { config, once } => run::run(&config.config, once),
        Command::CheckConfig { config } => run::check_config(&config.config),
        Command::Stats { config } => inspect::stats(&config.config),
        Command::Sources { config } => inspect::sources(&config.config),
        Command::Alerts {
            config,
            since,
            limit,
        } => inspect::alerts(&config.config, since.as_deref(), limit),
        Command::Search {
            config,
            query,
            limit,
        } => inspect::search(&config.config, &query, limit),
        Command::Story {
            config,
            id,
            article,
        } => story::story(&config.config, id, article),
        Command::Extract { file, url, json } => tools::extract(&file, url.as_deref(), json),
        Command::Match { query, file } => tools::match_file(&query, &file),
    }
}
