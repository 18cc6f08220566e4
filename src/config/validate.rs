//! Turns the raw file into a [`Config`], collecting every problem with its position.

use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use url::Url;

use super::raw::{RawConfig, RawFetch, RawLog, RawRule, RawSource, RawWatch, problem_at};
use super::{
    Config, FetchSettings, LogFormat, Problem, RuleSpec, SinkSpec, SourceSpec, WatchSettings,
};
use crate::extract::SiteRule;
use crate::watch::{Query, RuleScope};

mod admin;
mod metrics;
mod sinks;
mod sources;

const DEFAULT_INTERVAL: Duration = Duration::from_secs(15 * 60);
const MIN_INTERVAL: Duration = Duration::from_secs(30);
const MAX_INTERVAL: Duration = Duration::from_secs(7 * 24 * 3600);
const DEFAULT_BACKFILL: Duration = Duration::from_secs(7 * 24 * 3600);
const MAX_BACKFILL: Duration = Duration::from_secs(365 * 24 * 3600);

/// Collects problems while validation goes on, so a user sees all of them at once.
struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn report<T>(&mut self, at: &Spanned<T>, message: String) {
        self.problems
            .push(problem_at(self.text, at.span().start, message));
    }

    fn name(&mut self, what: &str, name: &Spanned<String>, seen: &mut HashSet<String>) {
        let value = name.get_ref();
        let well_formed = !value.is_empty()
            && value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !well_formed {
            self.report(
                name,
                format!("{what} name {value:?} must be non-empty and use only ASCII letters, digits, '-', '_' or '.'"),
            );
        } else if !seen.insert(value.clone()) {
            self.report(
                name,
                format!("{what} name {value:?} is used twice; names must be unique"),
            );
        }
    }

    fn duration(
        &mut self,
        what: &str,
        value: &Spanned<String>,
        min: Duration,
        max: Duration,
    ) -> Option<Duration> {
        let text = value.get_ref();
        match humantime::parse_duration(text) {
            Ok(d) if d >= min && d <= max => Some(d),
            Ok(_) => {
                self.report(
                    value,
                    format!(
                        "{what} {text:?} is out of range; use between {} and {}",
                        humantime::format_duration(min),
                        humantime::format_duration(max)
                    ),
                );
                None
            }
            Err(err) => {
                self.report(
                    value,
                    format!("{what} {text:?} is not a duration ({err}); write it like \"30s\", \"10m\" or \"1h\""),
                );
                None
            }
        }
    }

    /// An HTTP header value: non-empty printable ASCII (RFC 9110 §5.5 allows no line breaks).
    fn header_value(&mut self, what: &str, value: &Spanned<String>) -> bool {
        let text = value.get_ref();
        let ok =
            !text.trim().is_empty() && text.chars().all(|c| c == '\t' || (' '..='~').contains(&c));
        if !ok {
            self.report(
                value,
                format!("{what} {text:?} must be non-empty printable ASCII on one line, e.g. \"newswatch/1.0 (+https://example.org/contact)\""),
            );
        }
        ok
    }

    fn integer(
        &mut self,
        what: &str,
        value: &Option<Spanned<i64>>,
        default: u64,
        range: (u64, u64),
    ) -> u64 {
        let Some(value) = value else { return default };
        let n = *value.get_ref();
        match u64::try_from(n) {
            Ok(n) if n >= range.0 && n <= range.1 => n,
            _ => {
                self.report(
                    value,
                    format!("{what} {n} is out of range; use {} to {}", range.0, range.1),
                );
                default
            }
        }
    }
}

/// Validates `raw` (parsed from `text`, read from `path`).
pub fn validate(raw: RawConfig, text: &str, path: &Path) -> Result<Config, Vec<Problem>> {
    let mut check = Checker {
        text,
        problems: Vec::new(),
    };
    let database = resolve_database(&mut check, raw.storage.get_ref().database.clone(), path);
    let keep_articles = admin::keep_articles(&mut check, raw.storage.get_ref());
    let fetch = fetch_settings(&mut check, &raw.fetch);
    let watch = watch_settings(&mut check, &raw.watch);
    let mut names = HashSet::new();
    let sources: Vec<SourceSpec> = raw
        .sources
        .iter()
        .filter_map(|s| source(&mut check, s, &mut names))
        .collect();
    let mut names = HashSet::new();
    let source_names: HashSet<&str> = raw
        .sources
        .iter()
        .map(|s| s.name.get_ref().as_str())
        .collect();
    let rules: Vec<RuleSpec> = raw
        .rules
        .iter()
        .filter_map(|r| rule(&mut check, r, &mut names, &source_names))
        .collect();
    let mut known = sinks::Known {
        sinks: HashSet::new(),
        rules: raw
            .rules
            .iter()
            .map(|r| r.name.get_ref().as_str())
            .collect(),
        sources: raw
            .sources
            .iter()
            .map(|s| s.name.get_ref().as_str())
            .collect(),
    };
    let sinks: Vec<SinkSpec> = raw
        .sinks
        .iter()
        .filter_map(|s| sinks::sink(&mut check, s, &mut known, path))
        .collect();
    let sites = site_rules(&mut check, raw.sites);
    let log_format = log_format(&mut check, &raw.log);
    let metrics = metrics::settings(&mut check, &raw.metrics);
    let timezone = admin::timezone(&mut check, &raw.display);
    if !check.problems.is_empty() {
        check.problems.sort_by_key(|p| (p.line, p.column));
        return Err(check.problems);
    }
    Ok(Config {
        path: path.to_path_buf(),
        database: database.unwrap_or_default(),
        keep_articles,
        fetch,
        sources,
        rules,
        watch,
        sinks,
        sites,
        log_format,
        metrics,
        timezone,
    })
}

fn log_format(check: &mut Checker, raw: &RawLog) -> LogFormat {
    let Some(word) = &raw.format else {
        return LogFormat::default();
    };
    LogFormat::from_word(word.get_ref()).unwrap_or_else(|| {
        check.report(
            word,
            format!(
                "log.format {:?} is not a format; write \"text\" or \"json\"",
                word.get_ref()
            ),
        );
        LogFormat::default()
    })
}

/// Keeps the valid `[[site]]` rules; a bad selector or host, or a host given twice, is a problem.
fn site_rules(check: &mut Checker, raw: Vec<Spanned<SiteRule>>) -> Vec<SiteRule> {
    let mut hosts = HashSet::new();
    let mut sites = Vec::new();
    for site in raw {
        if let Err(err) = site.get_ref().validate() {
            check.report(&site, format!("[[site]]: {err}"));
        } else if !hosts.insert(site.get_ref().host.trim().to_ascii_lowercase()) {
            let host = &site.get_ref().host;
            check.report(
                &site,
                format!("[[site]] host {host:?} has two rules; merge them"),
            );
        } else {
            sites.push(site.into_inner());
        }
    }
    sites
}

fn watch_settings(check: &mut Checker, raw: &RawWatch) -> WatchSettings {
    let backfill_window = raw
        .backfill_window
        .as_ref()
        .and_then(|v| check.duration("watch.backfill_window", v, Duration::ZERO, MAX_BACKFILL))
        .unwrap_or(DEFAULT_BACKFILL);
    WatchSettings { backfill_window }
}

fn resolve_database(
    check: &mut Checker,
    database: Spanned<String>,
    path: &Path,
) -> Option<std::path::PathBuf> {
    if database.get_ref().trim().is_empty() {
        check.report(
            &database,
            "storage.database must name a file, e.g. \"newswatch.db\"".into(),
        );
        return None;
    }
    let folder = path.parent().unwrap_or(Path::new("."));
    Some(folder.join(database.get_ref()))
}

fn fetch_settings(check: &mut Checker, raw: &RawFetch) -> FetchSettings {
    let hour = Duration::from_secs(3600);
    let second = Duration::from_secs(1);
    let duration = |check: &mut Checker, what, value: &Option<Spanned<String>>, default| {
        value
            .as_ref()
            .and_then(|v| check.duration(what, v, second, hour))
            .unwrap_or(default)
    };
    FetchSettings {
        user_agent: raw
            .user_agent
            .as_ref()
            .filter(|ua| check.header_value("fetch.user_agent", ua))
            .map(|ua| ua.get_ref().clone())
            .unwrap_or_else(|| concat!("newswatch/", env!("CARGO_PKG_VERSION")).to_string()),
        timeout: duration(
            check,
            "fetch.timeout",
            &raw.timeout,
            Duration::from_secs(30),
        ),
        connect_timeout: duration(
            check,
            "fetch.connect_timeout",
            &raw.connect_timeout,
            Duration::from_secs(10),
        ),
        max_body_bytes: check.integer(
            "fetch.max_body_bytes",
            &raw.max_body_bytes,
            10 << 20,
            (1 << 10, 1 << 30),
        ),
        concurrency: check.integer("fetch.concurrency", &raw.concurrency, 8, (1, 1024)) as usize,
        max_redirects: check.integer("fetch.max_redirects", &raw.max_redirects, 10, (0, 50))
            as usize,
        read_timeout: duration(
            check,
            "fetch.read_timeout",
            &raw.read_timeout,
            Duration::from_secs(15),
        ),
        per_host_concurrency: check.integer(
            "fetch.per_host_concurrency",
            &raw.per_host_concurrency,
            2,
            (1, 64),
        ) as usize,
        per_host_delay: raw
            .per_host_delay
            .as_ref()
            .and_then(|v| check.duration("fetch.per_host_delay", v, Duration::ZERO, 60 * second))
            .unwrap_or(Duration::from_secs(1)),
        allow_private_addresses: raw.allow_private_addresses.unwrap_or(false),
    }
}

fn source(check: &mut Checker, raw: &RawSource, names: &mut HashSet<String>) -> Option<SourceSpec> {
    check.name("source", &raw.name, names);
    let name = raw.name.get_ref();
    let url = match Url::parse(raw.url.get_ref()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url),
        Ok(url) => {
            check.report(
                &raw.url,
                format!("source {name:?}: url {url} must be an http:// or https:// address"),
            );
            None
        }
        Err(err) => {
            check.report(
                &raw.url,
                format!(
                    "source {name:?}: url {:?} is not a valid URL ({err})",
                    raw.url.get_ref()
                ),
            );
            None
        }
    };
    let kind = sources::kind_settings(check, raw);
    let mut interval_key = |key: &str, value: &Option<Spanned<String>>, default| match value {
        Some(v) => check.duration(
            &format!("source {name:?}: {key}"),
            v,
            MIN_INTERVAL,
            MAX_INTERVAL,
        ),
        None => Some(default),
    };
    let interval = interval_key("interval", &raw.interval, DEFAULT_INTERVAL)?;
    let (default_min, default_max) = default_bounds(interval);
    let min_interval = interval_key("min_interval", &raw.min_interval, default_min)?;
    let max_interval = interval_key("max_interval", &raw.max_interval, default_max)?;
    if !(min_interval <= interval && interval <= max_interval) {
        let at = raw
            .min_interval
            .as_ref()
            .or(raw.max_interval.as_ref())
            .unwrap_or(&raw.name);
        check.report(
            at,
            format!("source {name:?}: min_interval <= interval <= max_interval must hold"),
        );
        return None;
    }
    let (kind, max_new_pages) = kind?;
    Some(SourceSpec {
        name: name.clone(),
        url: url?,
        interval,
        min_interval,
        max_interval,
        tags: raw.tags.clone(),
        extract: raw.extract.unwrap_or(true),
        obey_robots: raw.obey_robots.unwrap_or(true),
        kind,
        max_new_pages,
    })
}

/// Default adaptive bounds: down to half the interval, up to six times it (at most a day, and
/// never past the configured extremes).
fn default_bounds(interval: Duration) -> (Duration, Duration) {
    let min = (interval / 2).max(MIN_INTERVAL).min(interval);
    let max = (interval * 6)
        .min(Duration::from_secs(24 * 3600))
        .max(interval);
    (min, max)
}

fn rule(
    check: &mut Checker,
    raw: &RawRule,
    names: &mut HashSet<String>,
    sources: &HashSet<&str>,
) -> Option<RuleSpec> {
    check.name("rule", &raw.name, names);
    let name = raw.name.get_ref();
    let scope = rule_scope(check, raw, sources);
    match Query::parse(raw.query.get_ref()) {
        Ok(query) => Some(RuleSpec {
            name: name.clone(),
            query_text: raw.query.get_ref().clone(),
            query,
            scope,
        }),
        Err(err) => {
            check.report(&raw.query, format!("rule {name:?}: bad query {err}"));
            None
        }
    }
}

/// A rule's `sources`, `tags` and `language`; a source name must be one the config defines.
fn rule_scope(check: &mut Checker, raw: &RawRule, sources: &HashSet<&str>) -> RuleScope {
    let name = raw.name.get_ref();
    for source in &raw.sources {
        if !sources.contains(source.get_ref().as_str()) {
            let source_name = source.get_ref();
            check.report(
                source,
                format!("rule {name:?}: no [[source]] is named {source_name:?}"),
            );
        }
    }
    let languages = raw.language.as_ref().map(|language| {
        let code = language.get_ref().trim().to_ascii_lowercase();
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            check.report(
                language,
                format!("rule {name:?}: language {code:?} must be a two-letter code like \"kk\" or \"ru\""),
            );
        }
        code
    });
    RuleScope {
        sources: raw.sources.iter().map(|s| s.get_ref().clone()).collect(),
        tags: raw.tags.clone(),
        languages: languages.into_iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn parse(extra_fetch: &str, extra_source: &str) -> Result<Config, Vec<Problem>> {
        let text = format!(
            "[storage]\ndatabase = \"n.db\"\n[fetch]\n{extra_fetch}\n\
             [[source]]\nname = \"a\"\nurl = \"http://x.kz/rss\"\ninterval = \"10m\"\n{extra_source}\n"
        );
        Config::parse(&text, Path::new("/etc/newswatch.toml"))
    }

    #[test]
    fn polling_keys_have_safe_defaults() {
        let config = parse("", "").unwrap();
        assert_eq!(config.fetch.per_host_concurrency, 2);
        assert_eq!(config.fetch.per_host_delay, Duration::from_secs(1));
        assert!(!config.fetch.allow_private_addresses);
        let source = &config.sources[0];
        assert_eq!(source.min_interval, Duration::from_secs(300));
        assert_eq!(source.max_interval, Duration::from_secs(3600));
        assert!(source.obey_robots);
    }

    #[test]
    fn polling_keys_are_read_and_checked() {
        let config = parse(
            "per_host_concurrency = 4\nper_host_delay = \"0s\"\nallow_private_addresses = true",
            "min_interval = \"1m\"\nmax_interval = \"2h\"\nobey_robots = false",
        )
        .unwrap();
        assert_eq!(config.fetch.per_host_concurrency, 4);
        assert_eq!(config.fetch.per_host_delay, Duration::ZERO);
        assert!(config.fetch.allow_private_addresses);
        assert_eq!(config.sources[0].max_interval, Duration::from_secs(7200));
        assert!(!config.sources[0].obey_robots);
        let problems = parse("per_host_concurrency = 0", "min_interval = \"20m\"").unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].message.contains("per_host_concurrency"));
        assert!(problems[1].message.contains("min_interval <= interval"));
    }
}
