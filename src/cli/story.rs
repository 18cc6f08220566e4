//! `newswatch story ID`: one story with every copy, link, version and alert.

use std::path::Path;
use std::process::ExitCode;

use newswatch::config::DisplayZone;
use newswatch::store::{Store, StoryArticle, StoryView};

use super::json;
use super::run::load_config;

/// Prints story `id` (or the story of article `id` with `by_article`); exit 1 if there is none.
pub fn story(config: &Path, id: i64, by_article: bool, as_json: bool) -> anyhow::Result<ExitCode> {
    let config = match load_config(config) {
        Ok(config) => config,
        Err(code) => return Ok(code),
    };
    let store = Store::open_read_only(&config.database)?;
    let story_id = if by_article {
        store.story_of(id)?
    } else {
        Some(id)
    };
    let Some(view) = story_id.map(|s| store.story(s)).transpose()?.flatten() else {
        let what = if by_article { "article" } else { "story" };
        eprintln!("error: no {what} #{id} in {}", config.database.display());
        return Ok(ExitCode::from(1));
    };
    if as_json {
        json::print(&json::Story::from(view))?;
    } else {
        print_story(&view, &config.display_zone());
    }
    Ok(ExitCode::SUCCESS)
}

fn print_story(view: &StoryView, zone: &DisplayZone) {
    outln!(
        "story #{} (since {}): {} copies",
        view.id,
        zone.show(&view.created_at),
        view.articles.len()
    );
    for (rule, article) in &view.alerts {
        outln!("alert [{rule}] raised by article #{article}");
    }
    for article in &view.articles {
        print_article(article, zone);
    }
}

fn print_article(article: &StoryArticle, zone: &DisplayZone) {
    outln!(
        "\narticle #{} {} (stored {})",
        article.id,
        article.title.as_deref().unwrap_or("(untitled)"),
        zone.show(&article.fetched_at)
    );
    outln!("    {}", article.canonical_url);
    if let Some(at) = &article.removed_at {
        outln!(
            "    REMOVED: the page answered 404/410 at {}",
            zone.show(at)
        );
    }
    for (source, url, seen) in &article.links {
        outln!("    via {source} at {}: {url}", zone.show(seen));
    }
    for v in &article.versions {
        outln!(
            "    version {} seen {}: {}",
            v.version,
            zone.show(&v.seen_at),
            v.title.as_deref().unwrap_or("(untitled)")
        );
        for line in v.body.lines().filter(|l| !l.trim().is_empty()) {
            outln!("        {line}");
        }
    }
}
