//! `newswatch discover URL`: shows how newswatch would watch a URL, storing nothing.

use std::path::Path;
use std::process::ExitCode;

use newswatch::config::{Config, FetchSettings};
use newswatch::fetch::Fetcher;
use newswatch::poll::{RobotsCache, discover as find_way};
use newswatch::tls::Tls;
use url::Url;

use super::run::load_config;

/// Runs discovery on `url` with the `[fetch]` settings of `config` (defaults without one) and
/// prints every step and the chosen way: exit 0 when a way was found, 1 when none or the URL
/// could not be fetched, 2 on a bad URL or config.
pub fn discover(url: &str, config: Option<&Path>) -> anyhow::Result<ExitCode> {
    let url = match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        _ => {
            eprintln!("error: {url:?} is not an http:// or https:// URL");
            return Ok(ExitCode::from(2));
        }
    };
    let settings = match fetch_settings(config) {
        Ok(s) => s,
        Err(code) => return Ok(code),
    };
    let fetcher = Fetcher::new(&settings, &Tls::new()?)?;
    let agent = RobotsCache::new(&settings.user_agent).agent().to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let found = match runtime.block_on(find_way(&fetcher, &agent, true, &url)) {
        Ok(found) => found,
        Err(err) => {
            eprintln!("error: cannot discover {url}: {err}");
            return Ok(ExitCode::from(1));
        }
    };
    outln!("{url}");
    for note in &found.notes {
        outln!("  {note}");
    }
    match found.way {
        Some(way) => {
            outln!(
                "chosen: kind = \"{}\", url = \"{}\"",
                way.kind.name(),
                way.url
            );
            outln!("  because {}", way.reason);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            outln!(
                "nothing to watch found; give the source a kind and, for a page, a links selector"
            );
            Ok(ExitCode::from(1))
        }
    }
}

/// The `[fetch]` settings of `config`, or the defaults.
fn fetch_settings(config: Option<&Path>) -> Result<FetchSettings, ExitCode> {
    match config {
        Some(path) => load_config(path).map(|c| c.fetch),
        None => Config::parse("[storage]\ndatabase = \"unused.db\"\n", Path::new("."))
            .map(|c| c.fetch)
            .map_err(|problems| {
                eprintln!("error: default settings are invalid: {problems:?}");
                ExitCode::from(1)
            }),
    }
}
