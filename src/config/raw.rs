//! The config file as written: serde structs that keep each user-supplied value's position.

use std::collections::BTreeMap;

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::{DeTable, DeValue, Deserializer};

use super::Problem;
use crate::extract::SiteRule;

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    pub storage: Spanned<RawStorage>,
    #[serde(default)]
    pub fetch: RawFetch,
    #[serde(default, rename = "source")]
    pub sources: Vec<RawSource>,
    #[serde(default)]
    pub watch: RawWatch,
    #[serde(default, rename = "rule")]
    pub rules: Vec<RawRule>,
    #[serde(default, rename = "sink")]
    pub sinks: Vec<RawSink>,
    #[serde(default, rename = "site")]
    pub sites: Vec<Spanned<SiteRule>>,
    #[serde(default)]
    pub log: RawLog,
    #[serde(default)]
    pub metrics: RawMetrics,
    #[serde(default)]
    pub display: RawDisplay,
}

/// `[metrics]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMetrics {
    pub listen: Option<Spanned<String>>,
}

/// `[display]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDisplay {
    pub timezone: Option<Spanned<String>>,
}

/// `[log]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLog {
    pub format: Option<Spanned<String>>,
}

/// `[storage]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStorage {
    pub database: Spanned<String>,
    pub keep_articles: Option<Spanned<String>>,
}

/// `[fetch]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFetch {
    pub user_agent: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub connect_timeout: Option<Spanned<String>>,
    pub max_body_bytes: Option<Spanned<i64>>,
    pub concurrency: Option<Spanned<i64>>,
    pub max_redirects: Option<Spanned<i64>>,
    pub read_timeout: Option<Spanned<String>>,
    pub per_host_concurrency: Option<Spanned<i64>>,
    pub per_host_delay: Option<Spanned<String>>,
    pub allow_private_addresses: Option<bool>,
}

/// `[[source]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSource {
    pub name: Spanned<String>,
    pub url: Spanned<String>,
    pub interval: Option<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub extract: Option<bool>,
    pub min_interval: Option<Spanned<String>>,
    pub max_interval: Option<Spanned<String>>,
    pub obey_robots: Option<bool>,
    pub kind: Option<Spanned<String>>,
    pub links: Option<Spanned<String>>,
    pub next: Option<Spanned<String>>,
    pub follow: Option<Spanned<i64>>,
    pub follow_links: Option<Spanned<bool>>,
    pub max_new_pages: Option<Spanned<i64>>,
}

/// `[watch]`; every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWatch {
    pub backfill_window: Option<Spanned<String>>,
}

/// `[[rule]]`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub name: Spanned<String>,
    pub query: Spanned<String>,
    #[serde(default)]
    pub sources: Vec<Spanned<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    pub language: Option<Spanned<String>>,
}

/// `[[sink]]`: one flat table; which keys a kind accepts is checked in validation.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSink {
    pub kind: Spanned<String>,
    pub name: Option<Spanned<String>>,
    pub rules: Option<Vec<Spanned<String>>>,
    pub sources: Option<Vec<Spanned<String>>>,
    pub mode: Option<Spanned<String>>,
    pub every: Option<Spanned<String>>,
    pub at: Option<Spanned<String>>,
    pub rate_limit: Option<Spanned<String>>,
    pub max_attempts: Option<Spanned<i64>>,
    pub backoff: Option<Spanned<String>>,
    pub max_backoff: Option<Spanned<String>>,
    pub timeout: Option<Spanned<String>>,
    pub url: Option<Spanned<String>>,
    pub secret: Option<Spanned<String>>,
    pub secret_env: Option<Spanned<String>>,
    pub secret_file: Option<Spanned<String>>,
    pub headers: Option<Spanned<BTreeMap<String, String>>>,
    pub api_url: Option<Spanned<String>>,
    pub token: Option<Spanned<String>>,
    pub token_env: Option<Spanned<String>>,
    pub token_file: Option<Spanned<String>>,
    pub chat_id: Option<Spanned<toml::Value>>,
    pub host: Option<Spanned<String>>,
    pub port: Option<Spanned<i64>>,
    pub tls: Option<Spanned<String>>,
    pub username: Option<Spanned<String>>,
    pub password: Option<Spanned<String>>,
    pub password_env: Option<Spanned<String>>,
    pub password_file: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub to: Option<Spanned<Vec<String>>>,
    pub command: Option<Spanned<Vec<String>>>,
}

/// Most problems reported from the file's shape in one run.
const MAX_SHAPE_PROBLEMS: usize = 100;

/// Parses TOML text into the raw config, with every problem of its shape positioned. A key
/// that is unknown or has a value of the wrong type is reported, dropped and the rest read
/// again, so one run names every such key (serde stops at the first); an error not tied to
/// one key (a missing required key) ends the reading. The config is returned when all but the
/// dropped keys could be read, so validation adds its own problems to the same report.
pub fn parse(text: &str) -> (Option<RawConfig>, Vec<Problem>) {
    let (raw, mut problems) = read_all(text);
    problems.sort_by_key(|p| (p.line, p.column));
    (raw, problems)
}

fn read_all(text: &str) -> (Option<RawConfig>, Vec<Problem>) {
    let positioned = |err: &toml::de::Error| {
        let offset = err.span().map(|s| s.start).unwrap_or(0);
        problem_at(text, offset, err.message().trim().to_string())
    };
    let mut table = match DeTable::parse(text) {
        Ok(table) => table,
        Err(err) => return (None, vec![positioned(&err)]),
    };
    let mut problems = Vec::new();
    let mut dropped = Vec::new();
    while problems.len() < MAX_SHAPE_PROBLEMS {
        match RawConfig::deserialize(Deserializer::from(table.clone())) {
            Ok(raw) => return (Some(raw), problems),
            Err(err) => {
                // A required key dropped for its bad value is already reported.
                let missing = err.message().strip_prefix("missing field `");
                if missing.is_some_and(|m| dropped.iter().any(|d| m.starts_with(&format!("{d}`"))))
                {
                    return (None, problems);
                }
                let mut problem = positioned(&err);
                let key = err.span().and_then(|span| drop_key(table.get_mut(), &span));
                if let Some(key) = key
                    .as_ref()
                    .filter(|k| !problem.message.contains(&format!("`{k}`")))
                {
                    problem.message = format!("`{key}`: {}", problem.message);
                }
                problems.push(problem);
                match key {
                    Some(key) => dropped.push(key),
                    None => return (None, problems),
                }
            }
        }
    }
    (None, problems)
}

/// Removes the entry whose key or value is written at `span` from `table` or any table
/// nested in it; returns its key.
fn drop_key(table: &mut DeTable, span: &Range<usize>) -> Option<String> {
    let found = table
        .iter()
        .find(|(key, value)| key.span() == *span || value.span() == *span)
        .map(|(key, _)| key.clone());
    if let Some(key) = found {
        table.remove(&key);
        return Some(key.into_inner().into_owned());
    }
    table
        .iter_mut()
        .find_map(|(_, value)| drop_in_value(value.get_mut(), span))
}

fn drop_in_value(value: &mut DeValue, span: &Range<usize>) -> Option<String> {
    match value {
        DeValue::Table(table) => drop_key(table, span),
        DeValue::Array(items) => items
            .iter_mut()
            .find_map(|item| drop_in_value(item.get_mut(), span)),
        _ => None,
    }
}

/// Builds a problem at byte `offset` of `text`.
pub fn problem_at(text: &str, offset: usize, message: String) -> Problem {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before
        .get(line_start..)
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    Problem {
        line,
        column,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unknown_key_is_reported_even_in_arrays_of_tables() {
        let text = "tgas = 1\n[storage]\ndatabase = \"n.db\"\n[[source]]\nname = \"a\"\nurl = \"http://x\"\nintervl = \"5m\"\n";
        let (raw, problems) = parse(text);
        assert!(raw.is_some(), "{problems:?}");
        let found: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(found, [(1, 1), (7, 1)], "{problems:?}");
        assert!(problems[1].message.contains("unknown field `intervl`"));
    }

    #[test]
    fn a_value_of_the_wrong_type_is_reported_once_and_reading_goes_on() {
        let text = "[storage]\ndatabase = \"n.db\"\n[[source]]\nname = 5\nurl = \"http://x\"\ntags = \"kk\"\ncolour = 1\n";
        let (raw, problems) = parse(text);
        assert!(raw.is_none());
        let found: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(found, [(4, 8), (6, 8), (7, 1)], "{problems:?}");
        assert!(!problems.iter().any(|p| p.message.contains("missing field")));
    }

    #[test]
    fn positions_count_lines_and_characters_not_bytes() {
        let text = "a = 1\nқұқық = \"x\"\n";
        let offset = text.find('"').unwrap();
        let p = problem_at(text, offset, String::new());
        assert_eq!((p.line, p.column), (2, 9));
        assert_eq!((problem_at(text, 0, String::new()).line, 1), (1, 1));
        assert_eq!(problem_at(text, 10_000, String::new()).line, 3);
    }
}
