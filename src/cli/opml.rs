//! `newswatch import-opml FILE` and `newswatch export-opml`: sources in and out as OPML.
//!
//! Import appends `[[source]]` tables to the config file with a format-preserving TOML editor,
//! so the file's comments and layout stay as they were; the result is validated before it is
//! written, and written whole (a temporary file renamed over the old one) or not at all.

use std::collections::HashSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use newswatch::config::{Config, SourceKind};
use newswatch::files::{MAX_CONFIG_BYTES, read_capped, read_text_capped};
use newswatch::sources::{MAX_OPML_BYTES, OpmlSource, parse_opml, render_opml};
use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, value};

use super::run::load_config;

/// `newswatch import-opml FILE`: appends the sources `file` names that the config lacks (by
/// URL) and prints how many.
pub fn import(config_path: &Path, file: &Path) -> anyhow::Result<ExitCode> {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let bytes = match read_capped(file, MAX_OPML_BYTES as u64) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: {err}");
            return Ok(ExitCode::from(2));
        }
    };
    let opml = match parse_opml(&String::from_utf8_lossy(&bytes)) {
        Ok(sources) => sources,
        Err(reason) => {
            eprintln!("error: {} {reason}", file.display());
            return Ok(ExitCode::from(2));
        }
    };
    let text = read_text_capped(config_path, MAX_CONFIG_BYTES)?;
    let mut doc: DocumentMut = text
        .parse()
        .with_context(|| format!("cannot edit config file {}", config_path.display()))?;
    let mut names: HashSet<String> = config.sources.iter().map(|s| s.name.clone()).collect();
    let mut urls: HashSet<String> = config.sources.iter().map(|s| s.url.to_string()).collect();
    let mut added = 0;
    for source in &opml {
        if !urls.insert(source.url.to_string()) {
            continue;
        }
        let name = unique_name(source, &mut names);
        sources_table(&mut doc)?.push(source_table(&name, source));
        added += 1;
    }
    let skipped = opml.len() - added;
    if added == 0 {
        outln!(
            "nothing to add: all {skipped} sources of {} are in the config",
            file.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let new_text = doc.to_string();
    if let Err(problems) = Config::parse(&new_text, config_path) {
        eprintln!(
            "error: the imported sources would make the config invalid; nothing was written:"
        );
        for p in problems {
            eprintln!("  line {}:{}: {}", p.line, p.column, p.message);
        }
        return Ok(ExitCode::from(2));
    }
    write_whole(config_path, &new_text)?;
    outln!(
        "{added} sources added to {} ({skipped} already there); check them with `newswatch check-config`",
        config_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `newswatch export-opml`: prints the config's sources as OPML 2.0.
pub fn export(config_path: &Path) -> anyhow::Result<ExitCode> {
    let config = match load_config(config_path) {
        Ok(c) => c,
        Err(code) => return Ok(code),
    };
    let sources: Vec<OpmlSource> = config
        .sources
        .iter()
        .map(|s| OpmlSource {
            title: s.name.clone(),
            url: s.url.clone(),
            kind: s.kind.name().to_string(),
            tags: s.tags.clone(),
        })
        .collect();
    out!("{}", render_opml("newswatch sources", &sources));
    Ok(ExitCode::SUCCESS)
}

fn sources_table(doc: &mut DocumentMut) -> anyhow::Result<&mut ArrayOfTables> {
    doc.entry("source")
        .or_insert(Item::ArrayOfTables(ArrayOfTables::new()))
        .as_array_of_tables_mut()
        .context("the config's `source` is not a list of [[source]] tables")
}

fn source_table(name: &str, source: &OpmlSource) -> Table {
    let mut table = Table::new();
    table["name"] = value(name);
    table["url"] = value(source.url.as_str());
    if source.kind != SourceKind::Auto.name() {
        table["kind"] = value(source.kind.as_str());
    }
    if !source.tags.is_empty() {
        table["tags"] = value(source.tags.iter().collect::<Array>());
    }
    table
}

/// A config name from the outline's title (ASCII letters, digits, `-`), else from the URL's
/// host; `-2`, `-3`… when taken.
fn unique_name(source: &OpmlSource, names: &mut HashSet<String>) -> String {
    let slug = |text: &str| {
        let mut out = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                out.push(c.to_ascii_lowercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        out.trim_end_matches('-').to_string()
    };
    let mut base = slug(&source.title);
    if base.chars().filter(char::is_ascii_alphanumeric).count() < 2 {
        base = slug(
            source
                .url
                .host_str()
                .unwrap_or("source")
                .trim_start_matches("www."),
        );
    }
    let mut name = base.clone();
    let mut n = 2;
    while !names.insert(name.clone()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Writes `text` to `path` through a temporary file renamed over it.
fn write_whole(path: &Path, text: &str) -> anyhow::Result<()> {
    let tmp = path.with_extension("toml.importing");
    std::fs::write(&tmp, text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}
