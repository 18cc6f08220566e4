//! The `newswatch` binary: command-line front end over the library.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// newswatch: monitors news sources and alerts on watch rules.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Extract the article from a saved HTML page and print its text (or all fields as JSON).
    Extract {
        /// The HTML page to read (decoded as UTF-8, invalid bytes replaced).
        #[arg(long)]
        file: PathBuf,
        /// The page's URL, to resolve relative links and pick per-site rules.
        #[arg(long)]
        url: Option<url::Url>,
        /// Print title, author, dates, language, canonical URL and body as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Extract { file, url, json } => {
            let bytes = std::fs::read(&file)
                .with_context(|| format!("cannot read page {}", file.display()))?;
            let html = String::from_utf8_lossy(&bytes);
            let page = newswatch::extract::extract(&html, url.as_ref());
            let text = if json {
                serde_json::to_string_pretty(&page)?
            } else {
                page.body
            };
            writeln!(std::io::stdout().lock(), "{text}").context("cannot write to stdout")?;
        }
    }
    Ok(())
}
