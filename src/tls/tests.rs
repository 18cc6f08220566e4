use super::*;
use crate::config::Config;
use crate::fetch::{Expect, Fetcher, Origin, Validators};
use crate::notify::Notifier;

/// A config with the address guard on (so the fetcher builds both its clients) and a webhook
/// sink (so the notifier builds its HTTP client), every URL plain http.
fn plain_http_config(dir: &std::path::Path) -> Config {
    let text = "[storage]\ndatabase = \"n.db\"\n[fetch]\nallow_private_addresses = false\n\
                [[sink]]\nkind = \"webhook\"\nurl = \"http://127.0.0.1:9/hook\"\n";
    Config::parse(text, &dir.join("n.toml")).unwrap_or_else(|err| panic!("{err:?}"))
}

#[tokio::test]
async fn building_every_client_and_fetching_over_plain_http_reads_no_trust_store() {
    let dir = tempfile::tempdir().unwrap();
    let config = plain_http_config(dir.path());
    let tls = Tls::new().unwrap();
    let fetcher = Fetcher::new(&config.fetch, &tls).unwrap();
    assert!(Notifier::check(&config.sinks, &config.fetch.user_agent, &tls).is_empty());
    let (url, _) = crate::fetch::tests::counting_server().await;
    let fetched = fetcher
        .get(
            &url,
            &Validators::default(),
            Origin::Configured,
            Expect::Robots,
        )
        .await;
    assert!(fetched.is_ok(), "{:?}", fetched.err());
    assert_eq!(
        tls.trust_reads(),
        0,
        "a client built (or a plain-http fetch made) read the trust store"
    );
}

#[test]
fn the_trust_store_is_read_at_the_first_certificate_and_once_for_all_clients() {
    let tls = Tls::new().unwrap();
    let copy = tls.clone();
    let name = ServerName::try_from("example.org").unwrap();
    let not_a_certificate = CertificateDer::from(vec![0x30, 0x03, 0x02, 0x01, 0x01]);
    for shared in [&tls, &copy, &tls] {
        let verified =
            shared
                .trust
                .verify_server_cert(&not_a_certificate, &[], &name, &[], UnixTime::now());
        assert!(verified.is_err(), "a made-up certificate was accepted");
    }
    // This machine has a trust store (a failed read would be tried again and count 3).
    assert_eq!(tls.trust_reads(), 1);
}

#[test]
fn a_failed_read_names_the_variables_it_read_or_the_usual_places() {
    let file = Some("/srv/certs/bundle.pem".into());
    let dir = Some("/srv/certs".into());
    assert_eq!(
        looked_at(file.clone(), None),
        "looked only at SSL_CERT_FILE=/srv/certs/bundle.pem"
    );
    assert_eq!(
        looked_at(file, dir),
        "looked only at SSL_CERT_FILE=/srv/certs/bundle.pem and SSL_CERT_DIR=/srv/certs"
    );
    let usual = looked_at(None, None);
    assert!(
        usual.contains("/etc/ssl/certs")
            && usual.contains("SSL_CERT_FILE and SSL_CERT_DIR are not set"),
        "{usual}"
    );
    let err = TrustStoreError {
        reason: "No CA certificates were loaded from the system".to_string(),
        places: looked_at(None, None),
    };
    assert!(err.to_string().contains("ca-certificates package"), "{err}");
}
