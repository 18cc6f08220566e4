//! Validation of each sink kind's own settings: URLs, secrets, addresses, programs.

use std::collections::BTreeMap;
use std::path::Path;

use toml::Spanned;
use url::Url;

use super::super::Checker;
use crate::config::raw::RawSink;
use crate::config::sink::{CommandSpec, EmailSpec, Secret, SmtpTls, TelegramSpec, WebhookSpec};

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

pub(super) fn webhook(
    check: &mut Checker,
    raw: &RawSink,
    label: &str,
    dir: &Path,
) -> Option<WebhookSpec> {
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

pub(super) fn telegram(
    check: &mut Checker,
    raw: &RawSink,
    label: &str,
    dir: &Path,
) -> Option<TelegramSpec> {
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

pub(super) fn email(
    check: &mut Checker,
    raw: &RawSink,
    label: &str,
    dir: &Path,
) -> Option<EmailSpec> {
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

pub(super) fn command(check: &mut Checker, raw: &RawSink, label: &str) -> Option<CommandSpec> {
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
