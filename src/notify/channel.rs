//! A configured sink made ready to send: secrets resolved, clients built, and one `send` for
//! every kind. Errors are classified so the worker knows whether the sink is down (pause it)
//! or only this message was refused (go on with the next one).

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

use crate::config::{DisplayZone, Secret, SinkKind, SinkSpec};
use crate::fetch::error_chain;
use crate::files::{MAX_SECRET_BYTES, read_text_capped};

use super::message::Outgoing;
use super::{NotifyError, command, email, log_sink, telegram, webhook};

/// Whether a failure concerns the whole sink or one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The sink is unreachable, overloaded or timing out: later messages would fail too.
    Sink,
    /// The sink refused this message; others may go through.
    Message,
}

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    /// What happened and what to do, naming the sink.
    pub message: String,
    /// The receiver asked us to wait this long (HTTP 429 `Retry-After`, Telegram `retry_after`).
    pub retry_after: Option<Duration>,
    /// What the failure blocks.
    pub scope: Scope,
}

impl SendError {
    /// A failure of the whole sink.
    pub fn sink(message: String) -> SendError {
        SendError {
            message,
            retry_after: None,
            scope: Scope::Sink,
        }
    }

    /// A refusal of this one message.
    pub fn message(message: String) -> SendError {
        SendError {
            message,
            retry_after: None,
            scope: Scope::Message,
        }
    }
}

/// A sink ready to send.
pub enum Channel {
    /// Tracing events (their text shows times in the zone).
    Log(DisplayZone),
    /// JSON POST.
    Webhook(webhook::Webhook),
    /// Telegram Bot API.
    Telegram(telegram::Telegram),
    /// SMTP.
    Email(email::Email),
    /// A local program.
    Command(command::Command),
}

impl Channel {
    /// Builds the channel for `spec`, reading its secrets; texts show times in `zone`.
    pub fn new(
        spec: &SinkSpec,
        http: &reqwest::Client,
        zone: DisplayZone,
    ) -> Result<Channel, NotifyError> {
        let secret = |s: &Secret| resolve(s, &spec.name);
        Ok(match &spec.kind {
            SinkKind::Log => Channel::Log(zone),
            SinkKind::Webhook(w) => {
                let key = w.secret.as_ref().map(secret).transpose()?;
                Channel::Webhook(webhook::Webhook::new(w, key, http.clone(), spec))
            }
            SinkKind::Telegram(t) => {
                let token = secret(&t.token)?;
                Channel::Telegram(telegram::Telegram::new(
                    t,
                    &token,
                    http.clone(),
                    spec,
                    zone,
                )?)
            }
            SinkKind::Email(e) => {
                let password = e.password.as_ref().map(secret).transpose()?;
                Channel::Email(email::Email::new(e, password, spec, zone)?)
            }
            SinkKind::Command(c) => Channel::Command(command::Command::new(c, spec)),
        })
    }

    /// Sends one message.
    pub async fn send(&self, sink: &str, message: &Outgoing<'_>) -> Result<(), SendError> {
        match self {
            Channel::Log(zone) => {
                log_sink::emit(sink, message, zone);
                Ok(())
            }
            Channel::Webhook(w) => w.send(message).await,
            Channel::Telegram(t) => t.send(message).await,
            Channel::Email(e) => e.send(message).await,
            Channel::Command(c) => c.send(message).await,
        }
    }
}

/// Reads a secret from where the config says it lives.
fn resolve(secret: &Secret, sink: &str) -> Result<String, NotifyError> {
    let value = match secret {
        Secret::Inline(value) => value.clone(),
        Secret::Env(name) => std::env::var(name).map_err(|_| NotifyError::Secret {
            sink: sink.to_string(),
            reason: format!("environment variable {name} is not set (or not UTF-8); export it before starting newswatch"),
        })?,
        Secret::File(path) => read_text_capped(path, MAX_SECRET_BYTES)
            .map_err(|err| NotifyError::Secret {
                sink: sink.to_string(),
                reason: err.to_string(),
            })?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
    };
    if value.is_empty() {
        return Err(NotifyError::Secret {
            sink: sink.to_string(),
            reason: "the secret is empty".into(),
        });
    }
    Ok(value)
}

/// Reads `Retry-After` as seconds or an HTTP date; at most a day, so a bad header cannot
/// park a sink forever.
pub fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
            (at.with_timezone(&chrono::Utc) - chrono::Utc::now())
                .to_std()
                .unwrap_or_default()
        }
    };
    Some(wait.min(Duration::from_secs(24 * 3600)))
}

/// Classifies an HTTP status: 429 and 5xx mean the receiver is unwell, other 4xx refuse
/// this message.
pub fn status_scope(status: reqwest::StatusCode) -> Scope {
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
        Scope::Sink
    } else {
        Scope::Message
    }
}

/// A request error with its causes ("error sending request: connection refused"), without
/// the URL, which for Telegram holds the bot token.
pub fn describe(err: reqwest::Error) -> String {
    let err = err.without_url();
    let mut text = error_chain(&err);
    if err.is_timeout() && !text.contains("timed out") {
        text.push_str(" (timed out)");
    }
    text
}

/// Most bytes of a receiver's reply (or a command's stderr) kept for its error message.
pub const MAX_REPLY_BYTES: u64 = 64 << 10;

/// The first [`MAX_REPLY_BYTES`] of an HTTP sink's reply, as text; the rest is not read, so a
/// receiver that answers with an endless body cannot fill memory.
pub async fn reply_text(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        let room = MAX_REPLY_BYTES as usize - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= MAX_REPLY_BYTES as usize {
            break;
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Keeps the first `cap` bytes of `reader` and reads the rest to its end without keeping it,
/// so the writer (a command sink's program) neither blocks on a full pipe nor fills memory.
pub async fn keep_head(mut reader: impl AsyncRead + Unpin, cap: u64) -> Vec<u8> {
    let mut head = Vec::new();
    let _ = (&mut reader).take(cap).read_to_end(&mut head).await;
    let _ = tokio::io::copy(&mut reader, &mut tokio::io::sink()).await;
    head
}

/// The last `max` bytes of `text` on a character boundary, for error messages.
pub fn tail(text: &str, max: usize) -> &str {
    let mut start = text.len().saturating_sub(max);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text[start..].trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert("retry-after", "99999999".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(86400)));
        let soon = (chrono::Utc::now() + chrono::Duration::seconds(120)).to_rfc2822();
        headers.insert("retry-after", soon.parse().unwrap());
        let wait = retry_after(&headers).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn secrets_come_from_files_and_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "123:abc\n").unwrap();
        assert_eq!(resolve(&Secret::File(file), "tg").unwrap(), "123:abc");
        let missing = resolve(&Secret::File(dir.path().join("nope")), "tg").unwrap_err();
        assert!(missing.to_string().contains("sink \"tg\""), "{missing}");
        let unset = resolve(&Secret::Env("NEWSWATCH_TEST_UNSET_VAR".into()), "tg").unwrap_err();
        assert!(unset.to_string().contains("NEWSWATCH_TEST_UNSET_VAR"));
    }

    #[tokio::test]
    async fn keep_head_keeps_the_cap_and_reads_the_rest() {
        let text = vec![b'x'; 100_000];
        let mut reader = &text[..];
        let head = keep_head(&mut reader, 10).await;
        assert_eq!(head, b"xxxxxxxxxx");
        assert!(
            reader.is_empty(),
            "the rest must be read, or the writer blocks"
        );
    }

    #[test]
    fn tail_keeps_whole_characters() {
        assert_eq!(tail("ошибка", 5), "ка");
        assert_eq!(tail("ok", 100), "ok");
    }
}
