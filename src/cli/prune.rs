//! `newswatch prune [--dry-run]`: what `[storage] keep_articles` removes, shown or done now.
//!
//! A running daemon prunes by itself every hour, so `prune` (which writes) refuses to run
//! beside it rather than compete with its writer; `--dry-run` only reads and works anywhere.

use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, Utc};
use newswatch::config::{Config, DisplayZone};
use newswatch::store::{
    DaemonLock, LockError, PruneCounts, PruneCursor, PrunePreview, Store, db_time,
};
use serde::Serialize;

use super::json;
use super::run::load_config;

/// `prune --json`: one document (fields in docs/cli.md).
#[derive(Serialize)]
struct PruneReport {
    dry_run: bool,
    keep_articles_seconds: u64,
    cutoff: String,
    /// What went, or with `--dry-run` what would go.
    removed: PruneCounts,
    oldest: Option<String>,
    newest: Option<String>,
    kept: u64,
    /// Free pages in the file after pruning (reused by new rows).
    free_pages: u64,
    /// Pages in the file.
    pages: u64,
}

/// `newswatch prune [--dry-run] [--json]`.
pub fn prune(config_path: &Path, dry_run: bool, as_json: bool) -> anyhow::Result<ExitCode> {
    let config = match load_config(config_path) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let Some(keep) = config.keep_articles else {
        eprintln!(
            "error: {} sets no [storage] keep_articles, so every article is kept; add e.g. keep_articles = \"365d\"",
            config_path.display()
        );
        return Ok(ExitCode::from(2));
    };
    let cutoff = Utc::now() - chrono::Duration::from_std(keep)?;
    let report = if dry_run {
        let store = match Store::open_read_only(&config.database) {
            Ok(store) => store,
            Err(err) => {
                eprintln!("error: {err}");
                return Ok(ExitCode::from(1));
            }
        };
        let preview = store.prune_preview(cutoff)?;
        report(true, keep, cutoff, preview, &store)?
    } else {
        match prune_now(&config, cutoff)? {
            Ok((preview, store)) => report(false, keep, cutoff, preview, &store)?,
            Err(code) => return Ok(code),
        }
    };
    if as_json {
        json::print(&report)?;
    } else {
        print_report(&report, &config.display_zone());
    }
    Ok(ExitCode::SUCCESS)
}

/// Prunes with the daemon lock held (so no daemon starts meanwhile); refuses while a
/// daemon runs. Returns what went, as a preview whose counts are the rows removed.
fn prune_now(
    config: &Config,
    cutoff: DateTime<Utc>,
) -> anyhow::Result<Result<(PrunePreview, Store), ExitCode>> {
    if !config.database.exists() {
        eprintln!(
            "error: there is no database at {} yet; nothing to prune",
            config.database.display()
        );
        return Ok(Err(ExitCode::from(1)));
    }
    let _lock = match DaemonLock::acquire(&config.database) {
        Ok(lock) => lock,
        Err(LockError::Held { database, .. }) => {
            eprintln!(
                "error: a newswatch daemon is running on {}; it prunes by itself every hour, and pruning from here too would only compete with its writer. `newswatch prune --dry-run` shows what it will remove; to prune at once, stop it first",
                database.display()
            );
            return Ok(Err(ExitCode::from(1)));
        }
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(Err(ExitCode::from(1)));
        }
    };
    let mut store = Store::open(&config.database)?;
    let mut preview = store.prune_preview(cutoff)?;
    let mut removed = PruneCounts::default();
    let mut cursor = PruneCursor::default();
    while let Some((counts, next)) = store.prune_step(cutoff, cursor)? {
        removed += counts;
        cursor = next;
    }
    preview.counts = removed;
    Ok(Ok((preview, store)))
}

fn report(
    dry_run: bool,
    keep: Duration,
    cutoff: DateTime<Utc>,
    preview: PrunePreview,
    store: &Store,
) -> anyhow::Result<PruneReport> {
    Ok(PruneReport {
        dry_run,
        keep_articles_seconds: keep.as_secs(),
        cutoff: db_time(cutoff),
        removed: preview.counts,
        oldest: preview.oldest,
        newest: preview.newest,
        kept: preview.kept,
        free_pages: store.free_pages()?,
        pages: store.page_count()?,
    })
}

fn print_report(r: &PruneReport, zone: &DisplayZone) {
    let keep = humantime::format_duration(Duration::from_secs(r.keep_articles_seconds));
    outln!(
        "articles fetched before {} (keep_articles = {keep})",
        zone.show(&r.cutoff)
    );
    let c = &r.removed;
    let verb = if r.dry_run { "would remove" } else { "removed" };
    let span = match (&r.oldest, &r.newest) {
        (Some(oldest), Some(newest)) => {
            format!(", fetched {} to {}", zone.show(oldest), zone.show(newest))
        }
        _ => String::new(),
    };
    outln!("{verb}: {} articles{span}", c.articles);
    outln!(
        "    with {} stories, {} alerts, {} deliveries, {} versions, {} signatures, {} source links, {} paragraph rows",
        c.stories,
        c.alerts,
        c.deliveries,
        c.versions,
        c.signatures,
        c.source_links,
        c.paragraphs
    );
    if r.kept > 0 {
        outln!(
            "kept: {} older articles (their story has an alert waiting for delivery, or they carry the alert of a story still alive)",
            r.kept
        );
    }
    if !r.dry_run {
        outln!(
            "{} of the file's {} pages are free: new articles reuse them; the file does not shrink (docs/operations.md)",
            r.free_pages,
            r.pages
        );
    }
}
