//! HTTPS on the emulator's port (`--tls`): a certificate authority and a server certificate for `127.0.0.1`,
//! `::1` and `localhost`, both made at start, so that tools which only speak HTTPS can be pointed at it by
//! trusting one PEM file with their usual setting (`REQUESTS_CA_BUNDLE`, `SSL_CERT_FILE`,
//! `NODE_EXTRA_CA_CERTS`, `cloudvpn --ca-bundle`).
//!
//! Why a CA and a server certificate rather than one self-signed certificate: rustls (webpki) refuses a
//! certificate that is a CA as a server's own (`CaUsedAsEndEntity`), while OpenSSL in strict mode (Python 3.13's
//! default) wants the trusted certificate to be a proper CA; a CA that signs the server certificate suits both,
//! as mkcert does. The CA's key lives in memory only and is dropped once the server certificate is signed, so
//! the file users trust cannot be used to sign anything else, and each start makes new ones.

use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::fmt;
use std::sync::Arc;
use tokio_rustls::TlsAcceptor;

/// The names the server certificate is valid for: every way a loopback client names the emulator.
pub const SERVED_NAMES: [&str; 3] = ["127.0.0.1", "::1", "localhost"];

/// What the emulator serves over TLS: its certificate chain and key, and the certificate clients trust.
/// `Debug` does not show the key.
pub struct TlsIdentity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivatePkcs8KeyDer<'static>,
    trust_pem: String,
}

impl Clone for TlsIdentity {
    fn clone(&self) -> Self {
        TlsIdentity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
            trust_pem: self.trust_pem.clone(),
        }
    }
}

impl fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsIdentity")
            .field("names", &SERVED_NAMES)
            .field("key", &"<redacted>")
            .finish()
    }
}

/// Why TLS could not be set up.
#[derive(Debug)]
pub struct TlsError {
    message: String,
}

impl fmt::Display for TlsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot set up TLS: {}", self.message)
    }
}

impl std::error::Error for TlsError {}

/// Maps an error of step `what` to a [`TlsError`].
fn failed<E: fmt::Display>(what: &'static str) -> impl Fn(E) -> TlsError {
    move |e| TlsError {
        message: format!("{what}: {e}"),
    }
}

impl TlsIdentity {
    /// A new CA and a server certificate it signed for `127.0.0.1`, `::1` and `localhost` (ECDSA P-256).
    pub fn generate() -> Result<Self, TlsError> {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair, KeyUsagePurpose,
        };
        let ca_key = KeyPair::generate().map_err(failed("generating the CA key"))?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name
            .push(DnType::CommonName, "cloudvpn emulator local CA");
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca_cert = ca
            .self_signed(&ca_key)
            .map_err(failed("signing the CA certificate"))?;

        let server_key = KeyPair::generate().map_err(failed("generating the server key"))?;
        let names: Vec<String> = SERVED_NAMES.iter().map(|n| (*n).to_owned()).collect();
        let mut server =
            CertificateParams::new(names).map_err(failed("naming the server certificate"))?;
        server
            .distinguished_name
            .push(DnType::CommonName, "cloudvpn emulator");
        server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        // OpenSSL's strict mode requires it of a certificate that a CA signed.
        server.use_authority_key_identifier_extension = true;
        let issuer = Issuer::new(ca, ca_key);
        let server_cert = server
            .signed_by(&server_key, &issuer)
            .map_err(failed("signing the server certificate"))?;

        Ok(TlsIdentity {
            chain: vec![server_cert.der().clone(), ca_cert.der().clone()],
            key: PrivatePkcs8KeyDer::from(server_key.serialize_der()),
            trust_pem: ca_cert.pem(),
        })
    }

    /// The certificate clients must trust (PEM): what `--tls-cert-out` writes.
    pub fn trust_pem(&self) -> &str {
        &self.trust_pem
    }

    /// The acceptor the accept loop hands each connection to: TLS 1.2 and 1.3, HTTP/1.1 only.
    pub(crate) fn acceptor(&self) -> Result<TlsAcceptor, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(failed("choosing protocol versions"))?
            .with_no_client_auth()
            .with_single_cert(
                self.chain.clone(),
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .map_err(failed("loading the server certificate"))?;
        // The emulator speaks HTTP/1.1 only; saying so keeps clients that offer h2 from trying it.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn makes_a_ca_and_a_server_certificate_and_hides_the_key() {
        let identity = TlsIdentity::generate().unwrap();
        assert_eq!(identity.chain.len(), 2);
        assert!(
            identity
                .trust_pem()
                .starts_with("-----BEGIN CERTIFICATE-----")
        );
        assert!(identity.acceptor().is_ok());
        let shown = format!("{identity:?}");
        assert!(
            shown.contains("<redacted>") && !shown.contains("PRIVATE"),
            "{shown}"
        );
        // Each start makes its own.
        assert_ne!(
            TlsIdentity::generate().unwrap().trust_pem(),
            identity.trust_pem()
        );
    }
}
