//! The `webhook` sink: the alert as JSON in a POST, optionally signed with HMAC-SHA256.

use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use sha2::Sha256;
use url::Url;

use crate::config::{SinkSpec, WebhookSpec};

use super::channel::{SendError, describe, reply_text, retry_after, status_scope, tail};
use super::message::Outgoing;

/// Header carrying `sha256=<hex HMAC-SHA256 of the body>` when a secret is configured.
pub const SIGNATURE_HEADER: &str = "x-newswatch-signature";

/// A configured webhook. Errors name only the URL's origin: hook URLs often carry a token
/// in their path.
pub struct Webhook {
    name: String,
    url: Url,
    secret: Option<String>,
    headers: HeaderMap,
    timeout: Duration,
    client: reqwest::Client,
}

impl Webhook {
    /// A webhook for `spec`, signing with `secret` when given.
    pub fn new(
        spec: &WebhookSpec,
        secret: Option<String>,
        client: reqwest::Client,
        sink: &SinkSpec,
    ) -> Webhook {
        // Validation already refused headers that do not parse.
        let headers = spec
            .headers
            .iter()
            .filter_map(|(name, value)| {
                Some((
                    HeaderName::from_bytes(name.as_bytes()).ok()?,
                    HeaderValue::from_str(value).ok()?,
                ))
            })
            .collect();
        Webhook {
            name: sink.name.clone(),
            url: spec.url.clone(),
            secret,
            headers,
            timeout: sink.timeout,
            client,
        }
    }

    /// POSTs the message; any 2xx is success.
    pub async fn send(&self, message: &Outgoing<'_>) -> Result<(), SendError> {
        let body = message.json(&self.name).to_string().into_bytes();
        let mut request = self
            .client
            .post(self.url.clone())
            .timeout(self.timeout)
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json");
        if let Some(secret) = &self.secret {
            request = request.header(SIGNATURE_HEADER, sign(secret, &body));
        }
        let response = request.body(body).send().await.map_err(|err| {
            SendError::sink(format!(
                "webhook sink {:?}: cannot POST to {}: {}; check that the receiver is up",
                self.name,
                self.url.origin().ascii_serialization(),
                describe(err)
            ))
        })?;
        let status = response.status();
        if status.is_success() {
            drain(response).await;
            return Ok(());
        }
        let wait = retry_after(response.headers());
        let text = reply_text(response).await;
        Err(SendError {
            message: format!(
                "webhook sink {:?}: {} answered HTTP {status}: {}; the receiver refused the alert",
                self.name,
                self.url.origin().ascii_serialization(),
                tail(&text, 300)
            ),
            retry_after: wait,
            scope: status_scope(status),
        })
    }
}

/// Reads (and drops) up to 64 KiB of a success reply, so the receiver sees the request
/// through; a receiver that stalls is cut off by the request timeout.
async fn drain(mut response: reqwest::Response) {
    let mut read = 0;
    while let Ok(Some(chunk)) = response.chunk().await {
        read += chunk.len();
        if read > 64 * 1024 {
            return;
        }
    }
}

/// `sha256=` and the lowercase hex HMAC-SHA256 of `body` under `secret`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_rfc_4231_test_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            sign("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
