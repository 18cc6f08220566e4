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
//! afresh, as building new clients did. [`Tls::read_trust_store`] reads it ahead of any
//! handshake, for `check-config` only (`run` and a reload stay lazy). This module decides
//! nothing about where a client may connect: the SSRF guard is the fetcher's.

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

/// Why the system trust store could not be read, or held no certificate rustls can use:
/// where the loader looked and what to do. A handshake that needed it fails with this text.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot read the system's trust store ({reason}; {places}); install the CA certificates (e.g. the ca-certificates package) or point SSL_CERT_FILE / SSL_CERT_DIR at them"
)]
pub struct TrustStoreError {
    /// The platform verifier's own words (e.g. "No CA certificates were loaded from the system").
    reason: String,
    /// Where it looked (see [`looked_at`]).
    places: String,
}

impl TrustStoreError {
    fn new(err: rustls::Error) -> TrustStoreError {
        let reason = match err {
            rustls::Error::General(reason) => reason,
            other => other.to_string(),
        };
        TrustStoreError {
            reason,
            places: looked_at(
                std::env::var_os(CERT_FILE_VAR),
                std::env::var_os(CERT_DIR_VAR),
            ),
        }
    }
}

/// The variables that, when either is set, are the only places the trust store is read from
/// (rustls-native-certs, under the platform verifier on Linux); unset, it reads the system's
/// usual places (openssl-probe's list, /etc/ssl/certs first).
const CERT_FILE_VAR: &str = "SSL_CERT_FILE";
const CERT_DIR_VAR: &str = "SSL_CERT_DIR";

/// Where the loader looked, given the two variables: what an admin needs to find the file
/// that is missing, unreadable or empty (the loader's per-file errors are only logged).
fn looked_at(file: Option<std::ffi::OsString>, dir: Option<std::ffi::OsString>) -> String {
    let named: Vec<String> = [(CERT_FILE_VAR, file), (CERT_DIR_VAR, dir)]
        .into_iter()
        .filter_map(|(var, value)| {
            value.map(|value| format!("{var}={}", std::path::Path::new(&value).display()))
        })
        .collect();
    if named.is_empty() {
        return format!(
            "looked in the system's usual places, /etc/ssl/certs and the like, as {CERT_FILE_VAR} and {CERT_DIR_VAR} are not set"
        );
    }
    format!("looked only at {}", named.join(" and "))
}

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

    /// Reads the trust store now instead of at the first handshake, as that handshake would
    /// (and keeps it for this configuration's clients): `check-config`'s check that HTTPS can
    /// work here. `run` and a reload never call it, so they read the store only if they go
    /// over HTTPS.
    pub fn read_trust_store(&self) -> Result<(), TrustStoreError> {
        self.trust.verifier().map(drop)
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
    fn verifier(&self) -> Result<Arc<Verifier>, TrustStoreError> {
        let mut slot = self.verifier.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(verifier) = slot.as_ref() {
            return Ok(Arc::clone(verifier));
        }
        self.reads.fetch_add(1, Ordering::Relaxed);
        let verifier = Verifier::new(Arc::clone(&self.provider)).map_err(TrustStoreError::new)?;
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
        let verifier = self
            .verifier()
            .map_err(|err| rustls::Error::General(err.to_string()))?;
        verifier.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
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
