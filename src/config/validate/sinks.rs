//! Validation of `[[sink]]` tables: kind-specific keys, secrets, filters, modes and retries.

use std::collections::{BTreeMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use toml::Spanned;
use url::Url;

use super::Checker;
use crate::config::raw::{RawSink, problem_at};
use crate::config::sink::{
    CommandSpec, DeliveryMode, DigestSchedule, EmailSpec, RateLimit, RetryPolicy, Secret,
    SinkFilter, SinkKind, SinkSpec, SmtpTls, TelegramSpec, WebhookSpec,
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
        "webhook" => webhook(check, raw, &label, dir).map(SinkKind::Webhook),
        "telegram" => telegram(check, raw, &label, dir).map(SinkKind::Telegram),
        "email" => email(check, raw, &label, dir).map(SinkKind::Email),
        "command" => command(check, raw, &label).map(SinkKind::Command),
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

/// Exactly one of `KEY`, `KEY_env`, `KEY_file`; `None` (no problem) when none is set.
fn secret(
    check: &mut Checker,
    choices: [&Option<Spanned<String>>; 3],
    key: &str,
    label: &str,
    dir: &Path,
) -> Option<Secret> {
    let set: Vec<(usize, &Spanned<String>)> = choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.as_ref().map(|c| (i, c)))
        .collect();
    match set.as_slice() {
        [] => None,
        [(i, value)] => {
            let text = value.get_ref().clone();
            Some(match i {
                0 => Secret::Inline(text),
                1 => Secret::Env(text),
                _ => Secret::File(dir.join(text)),
            })
        }
        [_, (_, second), ..] => {
            check.report(
                second,
                format!("{label}: set only one of `{key}`, `{key}_env` and `{key}_file`"),
            );
            None
        }
    }
}

fn http_url(check: &mut Checker, value: &Spanned<String>, what: &str) -> Option<Url> {
    match Url::parse(value.get_ref()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Some(url),
        _ => {
            check.report(
                value,
                format!(
                    "{what} {:?} must be an http:// or https:// URL",
                    value.get_ref()
                ),
            );
            None
        }
    }
}

fn required<'r, T>(
    check: &mut Checker,
    raw: &RawSink,
    value: &'r Option<Spanned<T>>,
    key: &str,
    label: &str,
) -> Option<&'r Spanned<T>> {
    if value.is_none() {
        check.report(
            &raw.kind,
            format!("{label}: `{key}` is required for this kind of sink"),
        );
    }
    value.as_ref()
}

fn webhook(check: &mut Checker, raw: &RawSink, label: &str, dir: &Path) -> Option<WebhookSpec> {
    let url = required(check, raw, &raw.url, "url", label)?;
    let url = http_url(check, url, &format!("{label}: url"));
    let choices = [&raw.secret, &raw.secret_env, &raw.secret_file];
    let secret = secret(check, choices, "secret", label, dir);
    let headers: BTreeMap<String, String> = raw
        .headers
        .as_ref()
        .map(|h| h.get_ref().clone())
        .unwrap_or_default();
    for (name, value) in &headers {
        let ok = reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_ok()
            && reqwest::header::HeaderValue::from_str(value).is_ok();
        if let (false, Some(h)) = (ok, &raw.headers) {
            check.report(
                h,
                format!("{label}: header {name:?} is not a valid HTTP header"),
            );
        }
    }
    Some(WebhookSpec {
        url: url?,
        secret,
        headers,
    })
}

fn telegram(check: &mut Checker, raw: &RawSink, label: &str, dir: &Path) -> Option<TelegramSpec> {
    let api_url = match &raw.api_url {
        Some(v) => http_url(check, v, &format!("{label}: api_url")),
        None => Url::parse("https://api.telegram.org").ok(),
    };
    let choices = [&raw.token, &raw.token_env, &raw.token_file];
    let token = secret(check, choices, "token", label, dir);
    if token.is_none() && choices.iter().all(|c| c.is_none()) {
        check.report(
            &raw.kind,
            format!("{label}: set the bot token with `token_file`, `token_env` or `token`"),
        );
    }
    let chat_id = required(check, raw, &raw.chat_id, "chat_id", label)?;
    let chat = match chat_id.get_ref() {
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => {
            check.report(
                chat_id,
                format!("{label}: chat_id must be a number like -1001234567890 or \"@channel\""),
            );
            None
        }
    };
    Some(TelegramSpec {
        api_url: api_url?,
        token: token?,
        chat_id: chat?,
    })
}

fn email(check: &mut Checker, raw: &RawSink, label: &str, dir: &Path) -> Option<EmailSpec> {
    let host = required(check, raw, &raw.host, "host", label)?
        .get_ref()
        .clone();
    let tls = match raw.tls.as_ref().map(|t| (t, t.get_ref().as_str())) {
        None | Some((_, "starttls")) => Some(SmtpTls::Starttls),
        Some((_, "tls")) => Some(SmtpTls::Tls),
        Some((_, "none")) => Some(SmtpTls::None),
        Some((t, other)) => {
            check.report(
                t,
                format!("{label}: tls {other:?} is not one of \"starttls\", \"tls\", \"none\" (\"none\" only for a local relay)"),
            );
            None
        }
    };
    let default_port = match tls {
        Some(SmtpTls::Tls) => 465,
        Some(SmtpTls::None) => 25,
        _ => 587,
    };
    let port = check.integer(
        &format!("{label}: port"),
        &raw.port,
        default_port,
        (1, 65535),
    );
    let choices = [&raw.password, &raw.password_env, &raw.password_file];
    let password = secret(check, choices, "password", label, dir);
    let username = raw.username.as_ref().map(|u| u.get_ref().clone());
    if username.is_some() != choices.iter().any(|c| c.is_some()) {
        check.report(
            &raw.kind,
            format!("{label}: set `username` and a password together, or neither"),
        );
    }
    let from = required(check, raw, &raw.from, "from", label)?;
    let from = address(check, from, label)?;
    let to = required(check, raw, &raw.to, "to", label)?;
    let recipients = to.get_ref().clone();
    let bad = recipients.is_empty()
        || recipients
            .iter()
            .any(|a| a.parse::<lettre::Address>().is_err());
    if bad {
        check.report(
            to,
            format!("{label}: to must list e-mail addresses like [\"desk@example.org\"]"),
        );
    }
    Some(EmailSpec {
        host,
        port: port as u16,
        tls: tls?,
        username,
        password,
        from,
        to: (!bad).then_some(recipients)?,
    })
}

fn address(check: &mut Checker, value: &Spanned<String>, label: &str) -> Option<String> {
    if value.get_ref().parse::<lettre::message::Mailbox>().is_ok() {
        return Some(value.get_ref().clone());
    }
    check.report(
        value,
        format!(
            "{label}: from {:?} is not an e-mail address like \"newswatch <alerts@example.org>\"",
            value.get_ref()
        ),
    );
    None
}

fn command(check: &mut Checker, raw: &RawSink, label: &str) -> Option<CommandSpec> {
    let argv = required(check, raw, &raw.command, "command", label)?;
    if argv.get_ref().first().is_none_or(|p| p.trim().is_empty()) {
        check.report(
            argv,
            format!("{label}: command must list the program and its arguments, e.g. [\"/usr/local/bin/notify\", \"--quiet\"]"),
        );
        return None;
    }
    Some(CommandSpec {
        argv: argv.get_ref().clone(),
    })
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
            .duration(
                &format!("{label}: every"),
                every,
                Duration::from_secs(60),
                7 * DAY,
            )
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
