//! `newswatch demo`: the whole pipeline once, offline, against a sample site served from the
//! binary on 127.0.0.1, with a config and database in a temporary folder (or `--dir`).
//! It uses the same config loading, preflight, daemon pass and store as `run --once`; only
//! the site is canned.

mod site;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use chrono::{DateTime, Utc};
use newswatch::daemon;
use newswatch::store::{DaemonLock, Store};
use tokio_util::sync::CancellationToken;

use super::alerts::ids_line;
use super::run::load_runnable;
use site::Site;

/// The config file's name in the demo folder.
const CONFIG_FILE: &str = "newswatch.toml";

/// The database's name in the demo folder.
const DATABASE_FILE: &str = "demo.db";

/// The folder suggested for keeping the demo's files.
const KEPT_DIR: &str = "newswatch-demo";

/// The two example rules: name, query (docs/rules.md).
const RULES: &[(&str, &str)] = &[
    ("political-prisoners", "\"саяси тұтқын\""),
    ("rallies", "митинг OR ереуіл"),
];

/// The folder holding the demo's config and database; a temporary one is removed on drop.
struct Folder {
    path: PathBuf,
    temporary: bool,
}

impl Folder {
    /// `dir`, created if missing, or a fresh folder under the system's temp directory.
    fn new(dir: Option<&Path>) -> anyhow::Result<Folder> {
        let (path, temporary) = match dir {
            Some(dir) => (dir.to_path_buf(), false),
            None => {
                let nanos = Utc::now().timestamp_nanos_opt().unwrap_or_default();
                let name = format!("newswatch-demo-{}-{nanos}", std::process::id());
                (std::env::temp_dir().join(name), true)
            }
        };
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create the demo folder {}", path.display()))?;
        Ok(Folder { path, temporary })
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        if self.temporary {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// `newswatch demo [--dir D]`.
pub fn demo(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let folder = Folder::new(dir)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let site = runtime
        .block_on(Site::bind())
        .context("cannot listen on 127.0.0.1 for the demo site")?;
    let config_path = folder.path.join(CONFIG_FILE);
    std::fs::write(&config_path, demo_config(site.base()))
        .with_context(|| format!("cannot write {}", config_path.display()))?;
    outln!(
        "newswatch demo: a sample news site on {} ({} feeds, {} articles in Kazakh and Russian)",
        site.base(),
        site::FEEDS.len(),
        site::ARTICLES
    );
    outln!("config {}", config_path.display());
    let config = match load_runnable(&config_path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let database = config.database.clone();
    let lock = DaemonLock::acquire(&database)?;
    let prepared = daemon::prepare(config)?;
    let stop = CancellationToken::new();
    runtime.spawn(site.serve(stop.clone()));
    let summary = runtime.block_on(daemon::run_prepared(prepared, true, stop.child_token()))?;
    stop.cancel();
    drop(runtime);
    if let Err(err) = super::run::release_wal(&database) {
        // Harmless: the database stays in WAL mode, which every reader handles.
        tracing::debug!(error = %err, "the demo database stays in WAL mode");
    }
    drop(lock);
    outln!(
        "polled {} sources ({} failed): {} new articles, {} alerts",
        summary.polled,
        summary.failed,
        summary.stored,
        summary.alerts
    );
    let store = Store::open_read_only(&database)?;
    print_alerts(&store)?;
    out!("{}", explore_hint(&folder, &store)?);
    Ok(ExitCode::SUCCESS)
}

/// The demo config: the site's feeds, the example rules and the log sink. The site is on
/// 127.0.0.1, so its article links are allowed to reach a private address.
fn demo_config(base: &str) -> String {
    let mut config = format!(
        "# Written by `newswatch demo` for its sample site on {base}.\n\
         [storage]\ndatabase = \"{DATABASE_FILE}\"\n\n\
         [fetch]\ntimeout = \"5s\"\nper_host_delay = \"0s\"\nper_host_concurrency = 4\n\
         allow_private_addresses = true\n"
    );
    for (name, path, tag) in site::FEEDS {
        let _ = write!(
            config,
            "\n[[source]]\nname = \"{name}\"\nurl = \"{base}{path}\"\ntags = [\"{tag}\"]\n"
        );
    }
    for (name, query) in RULES {
        let _ = write!(config, "\n[[rule]]\nname = \"{name}\"\nquery = '{query}'\n");
    }
    config.push_str("\n[[sink]]\nkind = \"log\"\n");
    config
}

/// Every alert in the database, oldest first, with its snippet.
fn print_alerts(store: &Store) -> anyhow::Result<()> {
    let mut alerts = store.alerts_since(DateTime::<Utc>::MIN_UTC, 100)?;
    alerts.reverse();
    outln!();
    for a in &alerts {
        outln!(
            "alert #{} [{}] {} ({})",
            a.id,
            a.rule_name,
            a.title.as_deref().unwrap_or("(untitled)"),
            a.source_name
        );
        outln!("    {}", ids_line(a.article_id, a.story_id));
        outln!("    {}", a.snippet.replace('\n', " "));
    }
    Ok(())
}

/// The commands to explore the result, against the kept folder (or the one to keep).
fn explore_hint(folder: &Folder, store: &Store) -> anyhow::Result<String> {
    let story = store
        .alerts_since(DateTime::<Utc>::MIN_UTC, 1)?
        .first()
        .and_then(|a| a.story_id)
        .unwrap_or(1);
    let mut hint = String::from("\n");
    let config = if folder.temporary {
        hint.push_str(&format!(
            "The demo's files were temporary. Keep them with `newswatch demo --dir {KEPT_DIR}`, then explore:\n"
        ));
        Path::new(KEPT_DIR).join(CONFIG_FILE)
    } else {
        hint.push_str("Explore the result:\n");
        folder.path.join(CONFIG_FILE)
    };
    let config = config.display();
    for command in [
        "stats".to_string(),
        "alerts".to_string(),
        "search митинг".to_string(),
        format!("story {story}"),
    ] {
        hint.push_str(&format!("  newswatch {command} --config {config}\n"));
    }
    Ok(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_is_valid() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, demo_config("http://127.0.0.1:9")).expect("write config");
        let config = newswatch::config::Config::load(&path).expect("valid demo config");
        assert_eq!(config.sources.len(), site::FEEDS.len());
        assert_eq!(config.rules.len(), RULES.len());
        assert_eq!(config.database, dir.path().join(DATABASE_FILE));
    }
}
