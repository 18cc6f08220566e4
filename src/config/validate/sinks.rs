//! Validation of `[[sink]]` tables: kind-specific keys, secrets, filters, modes and retries.

use std::collections::HashSet;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;

use super::Checker;

mod kinds;

use crate::config::raw::{RawSink, problem_at};
use crate::config::sink::{
    DeliveryMode, DigestSchedule, RateLimit, RetryPolicy, SinkFilter, SinkKind, SinkSpec,
};

const KINDS: &str = "\"log\", \"webhook\", \"telegram\", \"email\", \"command\"";
const SECOND: Duration = Duration::from_secs(1);
const DAY: Duration = Duration::from_secs(24 * 3600);

/// Names a sink may refer to, and the names of sinks seen so far.
pub(in crate::config) struct Known<'a> {
    pub sinks: HashSet<String>,
    pub rules: HashSet<&'a str>,
    pub sources: HashSet<&'a str>,
}

impl Checker<'_> {
    fn report_span(&mut self, span: Range<usize>, message: String) {
        self.problems
            .push(problem_at(self.text, span.start, message));
    }
}

/// Validates one `[[sink]]`; `config_path` resolves relative secret files.
pub(in crate::config) fn sink(
    check: &mut Checker,
    raw: &RawSink,
    known: &mut Known,
    config_path: &Path,
) -> Option<SinkSpec> {
    let name = raw
        .name
        .clone()
        .unwrap_or_else(|| Spanned::new(raw.kind.span(), raw.kind.get_ref().clone()));
    let word = raw.kind.get_ref().as_str();
    if !matches!(word, "log" | "webhook" | "telegram" | "email" | "command") {
        check.report(
            &raw.kind,
            format!("sink kind {word:?} is not supported; supported kinds: {KINDS}"),
        );
        return None;
    }
    check.name("sink", &name, &mut known.sinks);
    let label = format!("sink {:?}", name.get_ref());
    foreign_keys(check, raw, word, &label);
    let dir = config_path.parent().unwrap_or(Path::new("."));
    let kind = match word {
        "webhook" => kinds::webhook(check, raw, &label, dir).map(SinkKind::Webhook),
        "telegram" => kinds::telegram(check, raw, &label, dir).map(SinkKind::Telegram),
        "email" => kinds::email(check, raw, &label, dir).map(SinkKind::Email),
        "command" => kinds::command(check, raw, &label).map(SinkKind::Command),
        _ => Some(SinkKind::Log),
    };
    let filter = filter(check, raw, known, &label);
    let mode = mode(check, raw, &label);
    let retry = retry(check, raw, &label);
    let timeout = raw
        .timeout
        .as_ref()
        .map_or(Some(Duration::from_secs(30)), |t| {
            check.duration(
                &format!("{label}: timeout"),
                t,
                SECOND,
                Duration::from_secs(600),
            )
        });
    Some(SinkSpec {
        name: name.into_inner(),
        kind: kind?,
        filter,
        mode: mode?,
        retry: retry?,
        timeout: timeout?,
    })
}

/// Reports keys that belong to another kind of sink, so a typo'd kind is not silently ignored.
fn foreign_keys(check: &mut Checker, raw: &RawSink, word: &str, label: &str) {
    let allowed: &[&str] = match word {
        "webhook" => &["url", "secret", "secret_env", "secret_file", "headers"],
        "telegram" => &["api_url", "token", "token_env", "token_file", "chat_id"],
        "email" => &[
            "host",
            "port",
            "tls",
            "username",
            "password",
            "password_env",
            "password_file",
            "from",
            "to",
        ],
        "command" => &["command"],
        _ => &[],
    };
    for (key, span) in specific_keys(raw) {
        if !allowed.contains(&key) {
            check.report_span(
                span,
                format!(
                    "{label}: `{key}` is not a setting of a {word} sink; remove it or fix `kind`"
                ),
            );
        }
    }
}

fn specific_keys(raw: &RawSink) -> Vec<(&'static str, Range<usize>)> {
    let strings = [
        ("url", &raw.url),
        ("secret", &raw.secret),
        ("secret_env", &raw.secret_env),
        ("secret_file", &raw.secret_file),
        ("api_url", &raw.api_url),
        ("token", &raw.token),
        ("token_env", &raw.token_env),
        ("token_file", &raw.token_file),
        ("host", &raw.host),
        ("tls", &raw.tls),
        ("username", &raw.username),
        ("password", &raw.password),
        ("password_env", &raw.password_env),
        ("password_file", &raw.password_file),
        ("from", &raw.from),
    ];
    let mut keys: Vec<(&'static str, Range<usize>)> = strings
        .into_iter()
        .filter_map(|(k, v)| v.as_ref().map(|v| (k, v.span())))
        .collect();
    keys.extend(raw.headers.as_ref().map(|v| ("headers", v.span())));
    keys.extend(raw.chat_id.as_ref().map(|v| ("chat_id", v.span())));
    keys.extend(raw.port.as_ref().map(|v| ("port", v.span())));
    keys.extend(raw.to.as_ref().map(|v| ("to", v.span())));
    keys.extend(raw.command.as_ref().map(|v| ("command", v.span())));
    keys
}

fn filter(check: &mut Checker, raw: &RawSink, known: &Known, label: &str) -> SinkFilter {
    let mut names = |list: &Option<Vec<Spanned<String>>>, valid: &HashSet<&str>, what: &str| {
        let list = list.as_deref().unwrap_or_default();
        for name in list
            .iter()
            .filter(|n| !valid.contains(n.get_ref().as_str()))
        {
            check.report(
                name,
                format!("{label}: there is no [[{what}]] named {:?}", name.get_ref()),
            );
        }
        list.iter().map(|n| n.get_ref().clone()).collect()
    };
    SinkFilter {
        rules: names(&raw.rules, &known.rules, "rule"),
        sources: names(&raw.sources, &known.sources, "source"),
    }
}

fn mode(check: &mut Checker, raw: &RawSink, label: &str) -> Option<DeliveryMode> {
    let digest = match raw.mode.as_ref().map(|m| (m, m.get_ref().as_str())) {
        None | Some((_, "immediate")) => false,
        Some((_, "digest")) => true,
        Some((m, other)) => {
            check.report(
                m,
                format!("{label}: mode {other:?} is not \"immediate\" or \"digest\""),
            );
            return None;
        }
    };
    if !digest {
        for stray in [&raw.every, &raw.at].into_iter().flatten() {
            check.report(
                stray,
                format!("{label}: `every` and `at` need mode = \"digest\""),
            );
        }
        let rate_limit = raw.rate_limit.as_ref().map(|r| rate_limit(check, r, label));
        return Some(DeliveryMode::Immediate {
            rate_limit: rate_limit.flatten(),
        });
    }
    if let Some(r) = &raw.rate_limit {
        check.report(
            r,
            format!("{label}: rate_limit does not apply to a digest (one message per period)"),
        );
    }
    let schedule = match (&raw.every, &raw.at) {
        (Some(every), None) => check
            .duration(&format!("{label}: every"), every, SECOND, 7 * DAY)
            .map(DigestSchedule::Every),
        (None, Some(at)) => daily(check, at, label),
        _ => {
            check.report(&raw.kind, format!("{label}: a digest needs either `every = \"1h\"` or a daily `at = \"08:00+05:00\"`"));
            None
        }
    };
    schedule.map(DeliveryMode::Digest)
}

fn rate_limit(check: &mut Checker, value: &Spanned<String>, label: &str) -> Option<RateLimit> {
    let text = value.get_ref();
    let parsed = text.split_once('/').and_then(|(count, per)| {
        let messages = count.trim().parse::<u32>().ok().filter(|n| *n > 0)?;
        let per = humantime::parse_duration(per.trim())
            .ok()
            .filter(|d| *d >= SECOND)?;
        Some(RateLimit { messages, per })
    });
    if parsed.is_none() {
        check.report(value, format!("{label}: rate_limit {text:?} must read COUNT/WINDOW, e.g. \"20/1h\" (count ≥ 1, window ≥ 1s)"));
    }
    parsed
}

fn daily(check: &mut Checker, value: &Spanned<String>, label: &str) -> Option<DigestSchedule> {
    let text = value.get_ref().trim();
    let (time, offset) = match text.len() {
        5 => (text, "+00:00"),
        6 if text.ends_with('Z') => (&text[..5], "+00:00"),
        _ => text.split_at_checked(5).unwrap_or((text, "")),
    };
    let time = chrono::NaiveTime::parse_from_str(time, "%H:%M").ok();
    let offset = offset.parse::<chrono::FixedOffset>().ok();
    match (time, offset) {
        (Some(time), Some(offset)) => Some(DigestSchedule::Daily { time, offset }),
        _ => {
            check.report(value, format!("{label}: at {text:?} must be a time of day like \"08:00\" (UTC) or \"08:00+05:00\""));
            None
        }
    }
}

fn retry(check: &mut Checker, raw: &RawSink, label: &str) -> Option<RetryPolicy> {
    let max_attempts = check.integer(
        &format!("{label}: max_attempts"),
        &raw.max_attempts,
        10,
        (1, 100),
    );
    let millis = Duration::from_millis(100);
    let mut duration = |value: &Option<Spanned<String>>, key: &str, default: Duration| {
        value.as_ref().map_or(Some(default), |v| {
            check.duration(&format!("{label}: {key}"), v, millis, 7 * DAY)
        })
    };
    let backoff = duration(&raw.backoff, "backoff", Duration::from_secs(30));
    let max_backoff = duration(
        &raw.max_backoff,
        "max_backoff",
        Duration::from_secs(6 * 3600),
    );
    Some(RetryPolicy {
        max_attempts: max_attempts as u32,
        backoff: backoff?,
        max_backoff: max_backoff?.max(backoff?),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, DeliveryMode, DigestSchedule, Secret, SinkKind};

    fn sink(table: &str) -> Result<crate::config::SinkSpec, String> {
        let text = format!(
            "[storage]\ndatabase = \"n.db\"\n[[rule]]\nname = \"r\"\nquery = 'x'\n[[sink]]\n{table}"
        );
        Config::parse(&text, Path::new("/etc/newswatch/newswatch.toml"))
            .map(|mut c| c.sinks.remove(0))
            .map_err(|problems| format!("{problems:?}"))
    }

    #[test]
    fn daily_times_read_utc_or_an_offset() {
        let at = |text: &str| match sink(&format!(
            "kind = \"log\"\nmode = \"digest\"\nat = \"{text}\""
        )) {
            Ok(spec) => match spec.mode {
                DeliveryMode::Digest(DigestSchedule::Daily { time, offset }) => {
                    Some((time.to_string(), offset.local_minus_utc()))
                }
                other => panic!("{other:?}"),
            },
            Err(_) => None,
        };
        assert_eq!(at("08:00"), Some(("08:00:00".into(), 0)));
        assert_eq!(at("08:00Z"), Some(("08:00:00".into(), 0)));
        assert_eq!(at("08:00+05:00"), Some(("08:00:00".into(), 5 * 3600)));
        assert_eq!(at("8 am"), None);
        assert_eq!(at("25:00"), None);
    }

    #[test]
    fn secret_files_resolve_against_the_config_folder_and_defaults_apply() {
        let spec = sink("kind = \"telegram\"\ntoken_file = \"tg.token\"\nchat_id = 5").unwrap();
        let SinkKind::Telegram(tg) = &spec.kind else {
            panic!("{spec:?}")
        };
        assert_eq!(tg.token, Secret::File("/etc/newswatch/tg.token".into()));
        assert_eq!(tg.api_url.as_str(), "https://api.telegram.org/");
        assert_eq!(tg.chat_id, "5");
        assert_eq!(spec.name, "telegram");
        assert_eq!(spec.retry.max_attempts, 10);
        assert_eq!(spec.timeout.as_secs(), 30);
        assert!(format!("{:?}", Secret::Inline("t0p".into())).contains("redacted"));
    }
}
