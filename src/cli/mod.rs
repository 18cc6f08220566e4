//! Command-line commands: each is a thin layer over the library. Their text goes to stdout
//! through [`output`] (`outln!`), never `println!`, so a closed pipe ends them quietly.
#![deny(clippy::print_stdout)]

#[macro_use]
mod output;

mod admin;
mod alerts;
mod backup;
mod demo;
mod discover;
mod inspect;
mod json;
mod opml;
mod poll;
mod prune;
mod run;
mod signals;
mod sinks_test;
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
    /// Try newswatch offline: poll a bundled sample site once and show the alerts.
    Demo {
        /// Keep the demo's config and database in this folder (default: a temporary one).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
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
    /// Poll one source now (through the running daemon if one is up) and report what it found.
    Poll {
        #[command(flatten)]
        config: ConfigArg,
        /// The source's name, as in the config.
        source: String,
        /// How long to wait for a running daemon's answer.
        #[arg(long, default_value = "5m")]
        wait: String,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Copy the database to FILE while the daemon runs (SQLite online backup), checked.
    Backup {
        #[command(flatten)]
        config: ConfigArg,
        /// The backup file to create; it must not exist.
        file: PathBuf,
    },
    /// Remove what `[storage] keep_articles` no longer keeps (refused while a daemon runs:
    /// it prunes by itself); --dry-run shows what would go.
    Prune {
        #[command(flatten)]
        config: ConfigArg,
        /// Count what would go, change nothing (works beside a running daemon).
        #[arg(long)]
        dry_run: bool,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Totals: sources, articles, alerts, deliveries.
    Stats {
        #[command(flatten)]
        config: ConfigArg,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Every source with its polling health.
    Sources {
        #[command(flatten)]
        config: ConfigArg,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Recent alerts with each sink's delivery state; `alerts retry` queues deliveries again.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Alerts {
        #[command(flatten)]
        config: Option<ConfigArg>,
        /// How far back, e.g. "1h", "2d" (default: everything).
        #[arg(long)]
        since: Option<String>,
        /// At most this many alerts.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<AlertsAction>,
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
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
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
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Each watch rule: its query, scope and alerts in the last 24 hours and 7 days.
    Rules {
        #[command(flatten)]
        config: ConfigArg,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Each sink: its mode, state and deliveries pending, retrying, dead and delivered;
    /// `sinks test NAME` sends a test message through one.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Sinks {
        #[command(flatten)]
        config: Option<ConfigArg>,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        action: Option<SinksAction>,
    },
    /// One stored article: metadata, story, alerts and (with --text) its stored text.
    Article {
        #[command(flatten)]
        config: ConfigArg,
        /// The article id (as `alerts` and `search` show it).
        id: i64,
        /// Also print the stored text.
        #[arg(long)]
        text: bool,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
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
        /// Apply the `[[site]]` rules of this config (with --url naming the page's site).
        #[arg(long, short, value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Test a watch query on a text file or on the stored articles (no alerts are raised):
    /// exit 0 and print the snippet(s) on a match, 1 if none, 2 on a bad query or an unreadable file.
    Match {
        /// The query, in the rule language (docs/rules.md); may start with `-`.
        #[arg(long, allow_hyphen_values = true)]
        query: String,
        /// A text file (any charset); it is matched as an article body.
        #[arg(long, required_unless_present = "db", conflicts_with = "db")]
        file: Option<PathBuf>,
        /// Match the articles stored in the config's database instead of a file.
        #[arg(long, requires = "config")]
        db: bool,
        /// The TOML config file (with --db).
        #[arg(long, short, env = "NEWSWATCH_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
        /// With --db: only articles fetched within this span, e.g. "7d" (default: all).
        #[arg(long, requires = "db")]
        since: Option<String>,
        /// With --db: print at most this many matches.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
    /// Append the sources an OPML file names to the config (comments and layout kept).
    ImportOpml {
        #[command(flatten)]
        config: ConfigArg,
        /// The OPML file (a feed reader's export).
        file: PathBuf,
    },
    /// Print the config's sources as OPML 2.0.
    ExportOpml {
        #[command(flatten)]
        config: ConfigArg,
    },
    /// Show how a URL would be watched (feed, sitemap, listing page, Telegram), storing nothing.
    Discover {
        /// Any URL: a home page, a section page, a feed.
        url: String,
        /// Use this config's [fetch] settings (user agent, timeouts, private addresses).
        #[arg(long, short, env = "NEWSWATCH_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
}

/// `newswatch alerts` forms that change delivery state.
#[derive(Debug, Subcommand)]
enum AlertsAction {
    /// Queue an alert's undelivered deliveries (or every dead one) to be sent again now.
    Retry {
        #[command(flatten)]
        config: ConfigArg,
        /// The alert id shown by `newswatch alerts` (e.g. 12 for #12).
        #[arg(required_unless_present = "dead", conflicts_with = "dead")]
        id: Option<i64>,
        /// Queue every dead delivery again.
        #[arg(long)]
        dead: bool,
    },
}

/// `newswatch sinks` forms that act on a sink.
#[derive(Debug, Subcommand)]
enum SinksAction {
    /// Send a clearly marked test message through sink NAME now (not through the outbox)
    /// and report the outcome: exit 1 with the channel's error if it failed.
    Test {
        #[command(flatten)]
        config: ConfigArg,
        /// The sink's name (`newswatch sinks` lists them).
        name: String,
        /// Print one JSON document instead (fields in docs/cli.md).
        #[arg(long)]
        json: bool,
    },
}

impl Cli {
    /// The config file a daemon run reads, whose `[log] format` picks the log format.
    pub fn run_config(&self) -> Option<&std::path::Path> {
        match &self.command {
            Command::Run { config, .. } => Some(&config.config),
            _ => None,
        }
    }
}

/// Runs the parsed command.
pub fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Demo { dir } => demo::demo(dir.as_deref()),
        Command::Run { config, once } => run::run(&config.config, once),
        Command::CheckConfig { config } => run::check_config(&config.config),
        Command::Poll {
            config,
            source,
            wait,
            json,
        } => poll::poll(&config.config, &source, &wait, json),
        Command::Backup { config, file } => backup::backup(&config.config, &file),
        Command::Prune {
            config,
            dry_run,
            json,
        } => prune::prune(&config.config, dry_run, json),
        Command::Stats { config, json } => inspect::stats(&config.config, json),
        Command::Sources { config, json } => inspect::sources(&config.config, json),
        Command::Alerts {
            action: Some(AlertsAction::Retry { config, id, dead }),
            ..
        } => alerts::retry(&config.config, id, dead),
        Command::Alerts {
            config: Some(config),
            since,
            limit,
            json,
            action: None,
        } => alerts::list(&config.config, since.as_deref(), limit, json),
        Command::Alerts { .. } => {
            eprintln!("error: `newswatch alerts` needs --config FILE (or NEWSWATCH_CONFIG)");
            Ok(ExitCode::from(2))
        }
        Command::Search {
            config,
            query,
            limit,
            json,
        } => inspect::search(&config.config, &query, limit, json),
        Command::Story {
            config,
            id,
            article,
            json,
        } => story::story(&config.config, id, article, json),
        Command::Rules { config, json } => admin::rules(&config.config, json),
        Command::Sinks {
            action: Some(SinksAction::Test { config, name, json }),
            ..
        } => sinks_test::sinks_test(&config.config, &name, json),
        Command::Sinks {
            config: Some(config),
            json,
            action: None,
        } => admin::sinks(&config.config, json),
        Command::Sinks { .. } => {
            eprintln!("error: `newswatch sinks` needs --config FILE (or NEWSWATCH_CONFIG)");
            Ok(ExitCode::from(2))
        }
        Command::Article {
            config,
            id,
            text,
            json,
        } => admin::article(&config.config, id, text, json),
        Command::Extract {
            file,
            url,
            json,
            config,
        } => tools::extract(&file, url.as_deref(), json, config.as_deref()),
        Command::ImportOpml { config, file } => opml::import(&config.config, &file),
        Command::ExportOpml { config } => opml::export(&config.config),
        Command::Discover { url, config } => discover::discover(&url, config.as_deref()),
        Command::Match {
            query,
            file,
            db,
            config,
            since,
            limit,
            json,
        } => match (file, config) {
            (Some(file), _) => tools::match_file(&query, &file, json),
            (None, Some(config)) if db => {
                inspect::match_stored(&config, &query, since.as_deref(), limit, json)
            }
            _ => anyhow::bail!("match needs --file FILE, or --db with --config FILE"),
        },
    }
}
