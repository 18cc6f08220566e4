//! The `email` sink: SMTP (STARTTLS, TLS, or plain for a local relay) with optional login,
//! a plain-text body and an HTML alternative.

use std::sync::OnceLock;
use std::time::Duration;

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
    /// What the transport is built from, at the first send.
    setup: Setup,
    /// Built at the first send: lettre's TLS set-up reads the system trust store (its own
    /// read; lettre takes no prebuilt rustls configuration), which a sink that never sends,
    /// or runs without TLS, should not pay for at start.
    transport: OnceLock<AsyncSmtpTransport<Tokio1Executor>>,
    /// The zone the message's times are shown in.
    zone: DisplayZone,
}

/// The relay settings a transport is built from.
struct Setup {
    host: String,
    port: u16,
    tls: SmtpTls,
    timeout: Duration,
    credentials: Option<Credentials>,
}

impl Email {
    /// An e-mail sink for `spec`, logging in with `password` when a username is set.
    pub fn new(
        spec: &EmailSpec,
        password: Option<String>,
        sink: &SinkSpec,
        zone: DisplayZone,
    ) -> Result<Email, NotifyError> {
        let mailbox = |text: &str| {
            text.parse::<Mailbox>().map_err(|err| NotifyError::Setup {
                sink: sink.name.clone(),
                reason: format!("bad address {text:?}: {err}"),
            })
        };
        let credentials = match (&spec.username, password) {
            (Some(user), Some(password)) => Some(Credentials::new(user.clone(), password)),
            _ => None,
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
            setup: Setup {
                host: spec.host.clone(),
                port: spec.port,
                tls: spec.tls,
                timeout: sink.timeout,
                credentials,
            },
            transport: OnceLock::new(),
            zone,
        })
    }

    /// The transport, built at the first call; a failure (the trust store unreadable) is
    /// this send's, and the next send tries again.
    fn transport(&self) -> Result<&AsyncSmtpTransport<Tokio1Executor>, SendError> {
        if let Some(transport) = self.transport.get() {
            return Ok(transport);
        }
        let setup = &self.setup;
        let builder = match setup.tls {
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&setup.host),
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&setup.host),
            SmtpTls::None => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &setup.host,
            )),
        }
        .map_err(|err| {
            SendError::sink(format!(
                "email sink {:?}: cannot set up TLS for {}: {err}; check that the system's CA certificates are installed",
                self.name, setup.host
            ))
        })?;
        let mut builder = builder.port(setup.port).timeout(Some(setup.timeout));
        if let Some(credentials) = &setup.credentials {
            builder = builder.credentials(credentials.clone());
        }
        Ok(self.transport.get_or_init(|| builder.build()))
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
        let transport = self.transport()?;
        transport.send(email).await.map(|_| ()).map_err(|err| {
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
    fn tls_transports_build_with_the_crates_crypto_provider_at_the_first_send() {
        // reqwest and lettre share rustls; a second crypto provider would make this panic.
        for tls in [SmtpTls::Starttls, SmtpTls::Tls, SmtpTls::None] {
            let (email, sink) = spec(tls);
            let email = Email::new(&email, Some("pw".into()), &sink, DisplayZone::default())
                .unwrap_or_else(|err| panic!("{err}"));
            assert!(email.transport.get().is_none(), "built before any send");
            assert!(email.transport().is_ok());
            assert!(email.transport.get().is_some());
        }
    }
}
