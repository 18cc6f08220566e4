//! The `email` sink: SMTP (STARTTLS, TLS, or plain for a local relay) with optional login,
//! a plain-text body and an HTML alternative.

use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{DisplayZone, EmailSpec, SinkSpec, SmtpTls};

use super::NotifyError;
use super::channel::{Scope, SendError};
use super::message::Outgoing;

/// A configured SMTP relay and its recipients.
pub struct Email {
    name: String,
    relay: String,
    from: Mailbox,
    to: Vec<Mailbox>,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The zone the message's times are shown in.
    zone: DisplayZone,
}

impl Email {
    /// An e-mail sink for `spec`, logging in with `password` when a username is set.
    pub fn new(
        spec: &EmailSpec,
        password: Option<String>,
        sink: &SinkSpec,
        zone: DisplayZone,
    ) -> Result<Email, NotifyError> {
        let setup = |reason: String| NotifyError::Setup {
            sink: sink.name.clone(),
            reason,
        };
        let builder = match spec.tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&spec.host),
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&spec.host),
            SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &spec.host,
            )),
        }
        .map_err(|err| setup(format!("cannot set up TLS for {}: {err}", spec.host)))?;
        let mut builder = builder.port(spec.port).timeout(Some(sink.timeout));
        if let (Some(user), Some(password)) = (&spec.username, password) {
            builder = builder.credentials(Credentials::new(user.clone(), password));
        }
        let mailbox = |text: &str| {
            text.parse::<Mailbox>()
                .map_err(|err| setup(format!("bad address {text:?}: {err}")))
        };
        Ok(Email {
            name: sink.name.clone(),
            relay: format!("{}:{}", spec.host, spec.port),
            from: mailbox(&spec.from)?,
            to: spec
                .to
                .iter()
                .map(|t| mailbox(t))
                .collect::<Result<_, _>>()?,
            transport: builder.build(),
            zone,
        })
    }

    /// Sends one e-mail to every recipient.
    pub async fn send(&self, message: &Outgoing<'_>) -> Result<(), SendError> {
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject(&message.headline()));
        for to in &self.to {
            builder = builder.to(to.clone());
        }
        let email = builder
            .multipart(MultiPart::alternative_plain_html(
                message.text(&self.zone),
                message.html(&self.zone),
            ))
            .map_err(|err| {
                SendError::message(format!(
                    "email sink {:?}: cannot build the message: {err}",
                    self.name
                ))
            })?;
        self.transport.send(email).await.map(|_| ()).map_err(|err| {
            let scope = if err.is_permanent() {
                Scope::Message
            } else {
                Scope::Sink
            };
            SendError {
                message: format!(
                    "email sink {:?}: SMTP relay {} failed: {err}; check host, port, tls and login",
                    self.name, self.relay
                ),
                retry_after: None,
                scope,
            }
        })
    }
}

/// The subject line; feed titles may hold line breaks, which must not start new headers.
fn subject(headline: &str) -> String {
    let flat: String = headline
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    format!("[newswatch] {flat}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{DeliveryMode, RetryPolicy, SinkFilter, SinkKind};

    fn spec(tls: SmtpTls) -> (EmailSpec, SinkSpec) {
        let email = EmailSpec {
            host: "smtp.example.org".into(),
            port: 587,
            tls,
            username: Some("alerts".into()),
            password: None,
            from: "newswatch <alerts@example.org>".into(),
            to: vec!["desk@example.org".into()],
        };
        let sink = SinkSpec {
            name: "mail".into(),
            kind: SinkKind::Email(email.clone()),
            filter: SinkFilter::default(),
            mode: DeliveryMode::Immediate { rate_limit: None },
            retry: RetryPolicy {
                max_attempts: 3,
                backoff: std::time::Duration::from_secs(1),
                max_backoff: std::time::Duration::from_secs(10),
            },
            timeout: std::time::Duration::from_secs(5),
        };
        (email, sink)
    }

    #[test]
    fn a_title_cannot_inject_headers() {
        assert_eq!(
            subject("[r] Title\r\nBcc: victim@example.org"),
            "[newswatch] [r] Title  Bcc: victim@example.org"
        );
    }

    #[test]
    fn tls_transports_build_with_the_crates_crypto_provider() {
        // reqwest and lettre share rustls; a second crypto provider would make this panic.
        for tls in [SmtpTls::Starttls, SmtpTls::Tls, SmtpTls::None] {
            let (email, sink) = spec(tls);
            assert!(Email::new(&email, Some("pw".into()), &sink, DisplayZone::default()).is_ok());
        }
    }
}
