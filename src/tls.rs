//! TLS for every HTTP client: one rustls configuration, shared by the fetcher's clients and
//! the notifier's, whose certificate verifier reads the system trust store at the first
//! handshake that needs it instead of when a client is built.
//!
//! Left to itself, reqwest builds a `rustls-platform-verifier` per client, and each reads the
//! whole trust store (`/etc/ssl/certs`): four to six reads, ~12 ms of a `run`'s serial start
//! (docs/benchmarks.md, "Stop 19"). Handed this configuration, a run reads the store at most
//! once, and not at all when nothing goes over HTTPS. As reqwest then no longer builds the
//! configuration, [`Tls::new`] repeats what reqwest 0.13's rustls set-up would (its
//! `ClientBuilder::build`): the default crypto provider, TLS 1.2 and 1.3, SNI, and ALPN `h2`
//! then `http/1.1`. One [`Tls`] belongs to one prepared config, so a reload reads the store
//! afresh, as building new clients did. This module decides nothing about where a client
//! may connect: the SSRF guard is the fetcher's.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use rustls_platform_verifier::Verifier;

/// Why the TLS configuration could not be set up (the crypto provider refused the protocol
/// versions; not the trust store, which is read later).
#[derive(Debug, thiserror::Error)]
#[error("cannot set up TLS: {0}")]
pub struct TlsError(#[from] rustls::Error);

/// The TLS configuration the HTTP clients of one config share.
#[derive(Debug, Clone)]
pub struct Tls {
    config: ClientConfig,
    trust: Arc<LazyTrust>,
}

impl Tls {
    /// A configuration whose trust store is not read yet.
    pub fn new() -> Result<Tls, TlsError> {
        // reqwest's choice: a provider the process installed, else aws-lc-rs.
        let provider = CryptoProvider::get_default()
            .cloned()
            .unwrap_or_else(|| Arc::new(rustls::crypto::aws_lc_rs::default_provider()));
        let trust = Arc::new(LazyTrust {
            provider: Arc::clone(&provider),
            verifier: Mutex::new(None),
            reads: AtomicUsize::new(0),
        });
        let mut config = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(rustls::ALL_VERSIONS)?
            .dangerous()
            .with_custom_certificate_verifier(Arc::clone(&trust) as Arc<dyn ServerCertVerifier>)
            .with_no_client_auth();
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        Ok(Tls { config, trust })
    }

    /// `builder` set to use this configuration (and so this trust store) for HTTPS.
    pub fn configure(&self, builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        builder.tls_backend_preconfigured(self.config.clone())
    }

    /// How many times the trust store has been read: 0 until the first certificate to
    /// verify, then 1 (more only when reading failed and was tried again).
    pub fn trust_reads(&self) -> usize {
        self.trust.reads.load(Ordering::Relaxed)
    }
}

/// The platform verifier, built (reading the trust store) when first asked to verify.
#[derive(Debug)]
struct LazyTrust {
    provider: Arc<CryptoProvider>,
    /// Empty until read; a failed read leaves it empty, so the next handshake tries again
    /// (after the admin installs the certificates) instead of failing until a restart.
    verifier: Mutex<Option<Arc<Verifier>>>,
    reads: AtomicUsize,
}

impl LazyTrust {
    /// The verifier, reading the trust store the first time. The lock is held while reading,
    /// so handshakes that start together wait for one read instead of each doing their own.
    fn verifier(&self) -> Result<Arc<Verifier>, rustls::Error> {
        let mut slot = self.verifier.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(verifier) = slot.as_ref() {
            return Ok(Arc::clone(verifier));
        }
        self.reads.fetch_add(1, Ordering::Relaxed);
        let verifier = Verifier::new(Arc::clone(&self.provider)).map_err(|err| {
            let reason = match err {
                rustls::Error::General(reason) => reason,
                other => other.to_string(),
            };
            rustls::Error::General(format!(
                "cannot read the system's trust store ({reason}); install the CA certificates (e.g. the ca-certificates package) or point SSL_CERT_FILE / SSL_CERT_DIR at them"
            ))
        })?;
        let verifier = Arc::new(verifier);
        *slot = Some(Arc::clone(&verifier));
        Ok(verifier)
    }
}

impl ServerCertVerifier for LazyTrust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.verifier()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The signature checks and schemes need no roots: the platform verifier's are these same
    // functions over the provider's algorithms, so a ClientHello does not read the store.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests;
