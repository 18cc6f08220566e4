//! The `telegram` sink: Bot API `sendMessage` with Telegram's HTML formatting.
//!
//! The token is part of the request path, so no error message may carry the URL.

use std::time::Duration;

use serde_json::json;
use url::Url;

use crate::config::{DisplayZone, SinkSpec, TelegramSpec};

use super::NotifyError;
use super::channel::{Scope, SendError, describe, reply_text, retry_after, status_scope, tail};
use super::message::Outgoing;

/// A configured Telegram chat.
pub struct Telegram {
    name: String,
    endpoint: Url,
    chat_id: String,
    timeout: Duration,
    client: reqwest::Client,
    /// The zone the message's times are shown in.
    zone: DisplayZone,
}

impl Telegram {
    /// A Telegram sink posting to `spec.chat_id` with bot `token`.
    pub fn new(
        spec: &TelegramSpec,
        token: &str,
        client: reqwest::Client,
        sink: &SinkSpec,
        zone: DisplayZone,
    ) -> Result<Telegram, NotifyError> {
        let base = spec.api_url.as_str().trim_end_matches('/');
        let endpoint = Url::parse(&format!("{base}/bot{token}/sendMessage")).map_err(|_| {
            NotifyError::Secret {
                sink: sink.name.clone(),
                reason: "the bot token does not fit in a URL; copy it again from @BotFather".into(),
            }
        })?;
        Ok(Telegram {
            name: sink.name.clone(),
            endpoint,
            chat_id: spec.chat_id.clone(),
            timeout: sink.timeout,
            client,
            zone,
        })
    }

    /// Sends the message; the Bot API's `ok` field decides success.
    pub async fn send(&self, message: &Outgoing<'_>) -> Result<(), SendError> {
        let body = json!({
            "chat_id": self.chat_id,
            "text": message.telegram(&self.zone),
            "parse_mode": "HTML",
            "link_preview_options": { "is_disabled": true },
        });
        let response = self
            .client
            .post(self.endpoint.clone())
            .timeout(self.timeout)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.to_string())
            .send()
            .await
            .map_err(|err| {
                SendError::sink(format!(
                    "telegram sink {:?}: cannot reach the Bot API: {}; check api_url and the network",
                    self.name,
                    describe(err)
                ))
            })?;
        let status = response.status();
        let header_wait = retry_after(response.headers());
        let text = reply_text(response).await;
        let reply: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        if status.is_success() && reply["ok"] == json!(true) {
            return Ok(());
        }
        let wait = reply["parameters"]["retry_after"]
            .as_u64()
            .map(|s| Duration::from_secs(s.min(86400)))
            .or(header_wait);
        let description = reply["description"]
            .as_str()
            .map_or_else(|| tail(&text, 200).to_string(), str::to_string);
        let hint = match status.as_u16() {
            401 | 404 => "check the bot token",
            400 | 403 => "check chat_id and that the bot is a member of the chat",
            429 => "Telegram rate limit; newswatch waits as asked",
            _ => "Telegram or the Bot API server is having trouble",
        };
        let scope = match status.as_u16() {
            401 | 404 => Scope::Sink,
            _ => status_scope(status),
        };
        Err(SendError {
            message: format!(
                "telegram sink {:?}: HTTP {status}: {description}; {hint}",
                self.name
            ),
            retry_after: wait,
            scope,
        })
    }
}
