//! The HTTP layer, behind the crate's own types so that tests and users can swap it and reqwest stays an
//! implementation detail.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub use cloudvpn_types::meta::HttpMethod;

/// Names of headers whose values are secrets: redacted in `Debug` and [`HttpRequest::redacted`]
/// (`X-TC-Token` carries the session token of an API 3.0 call signed with TC3). Parameters and JSON
/// members are masked by [`crate::redact`].
const SECRET_HEADERS: &[&str] = &["x-acs-security-token", "x-tc-token"];

/// A request ready to go on the wire.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: HttpMethod,
    /// The whole URL, query included.
    pub url: String,
    /// Headers in the order they are sent (names as written; static names cost no allocation).
    pub headers: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    /// The body (empty for most calls).
    pub body: Vec<u8>,
}

impl HttpRequest {
    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// The request as text (request line, headers, body), with session tokens replaced by `***`. What
    /// `--dry-run` and `--debug` print.
    pub fn redacted(&self) -> String {
        let mut out = format!(
            "{} {}\n",
            self.method.as_str(),
            crate::redact::params(&self.url)
        );
        for (k, v) in &self.headers {
            let shown = if is_secret_header(k) {
                "***"
            } else {
                v.as_ref()
            };
            out.push_str(&format!("{k}: {shown}\n"));
        }
        if !self.body.is_empty() {
            out.push('\n');
            out.push_str(&crate::redact::body(&self.body));
            out.push('\n');
        }
        out
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// What came back. Its `Debug` masks the body's secrets as [`HttpResponse::redacted_body`] does (an STS
/// or metadata answer holds working keys) and the values of secret headers.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// Headers (lower-case names).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and body and no headers.
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }

    /// With one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers
            .push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }

    /// The value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// The body as text with the secrets of an STS or metadata answer (`AccessKeySecret`,
    /// `SecurityToken`, `TmpSecretKey`, `Token`, …) replaced by `***`. What `--debug` prints.
    pub fn redacted_body(&self) -> String {
        crate::redact::body(&self.body)
    }
}

fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| name.eq_ignore_ascii_case(s))
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if is_secret_header(k) {
                    "***"
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &headers)
            // As text, so that what is masked and what is not reads plainly.
            .field("body", &format_args!("{}", self.redacted_body()))
            .finish()
    }
}

/// Why a request got no response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// The underlying error's text.
    pub message: String,
}

/// Kinds of transport failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportErrorKind {
    /// The connection could not be made (refused, DNS, TLS handshake).
    Connect,
    /// The connection broke while the request or response was in flight: the server may have acted.
    Io,
    /// The transport's own timeout fired.
    Timeout,
    /// The request could not be built (bad URL or header).
    Request,
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            TransportErrorKind::Connect => "cannot connect",
            TransportErrorKind::Io => "connection failed mid-request",
            TransportErrorKind::Timeout => "transport timeout",
            TransportErrorKind::Request => "invalid request",
        };
        write!(f, "{kind}: {}", self.message)
    }
}

impl std::error::Error for TransportError {}

/// The future a transport returns.
pub type TransportFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one HTTP request. Implemented by [`ReqwestTransport`] and the test transports.
pub trait Transport: Send + Sync + fmt::Debug {
    /// Sends `request` and returns whatever status came back; errors are only for no response at all.
    fn send(&self, request: HttpRequest) -> TransportFuture<'_>;
}

/// The default transport: reqwest with rustls.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    client: reqwest::Client,
}

impl ReqwestTransport {
    /// A transport with this connect timeout (the per-attempt total is enforced by the client).
    pub fn new(connect_timeout: Duration) -> Result<Self, TransportError> {
        Self::with_root_certificates(connect_timeout, &[])
    }

    /// A transport that also trusts the certificates in each of `pem_bundles` (PEM, one or more
    /// `CERTIFICATE` blocks each) beside the built-in roots: for a local CA such as the emulator's `--tls`
    /// one. A bundle without any certificate is refused rather than trusting nothing new in silence.
    pub fn with_root_certificates(
        connect_timeout: Duration,
        pem_bundles: &[Vec<u8>],
    ) -> Result<Self, TransportError> {
        let request_error = |message: String| TransportError {
            kind: TransportErrorKind::Request,
            message,
        };
        let mut builder = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .no_proxy();
        for (i, bundle) in pem_bundles.iter().enumerate() {
            let certificates = reqwest::Certificate::from_pem_bundle(bundle).map_err(|e| {
                request_error(format!(
                    "root certificate bundle {} is not valid PEM: {e}",
                    i + 1
                ))
            })?;
            if certificates.is_empty() {
                return Err(request_error(format!(
                    "root certificate bundle {} holds no certificate: expected PEM blocks starting \
                     with -----BEGIN CERTIFICATE-----",
                    i + 1
                )));
            }
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder
            .build()
            .map_err(|e| request_error(classify(e).message))?;
        Ok(ReqwestTransport { client })
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        Box::pin(async move {
            let method = match request.method {
                HttpMethod::Get => reqwest::Method::GET,
                HttpMethod::Post => reqwest::Method::POST,
            };
            let mut builder = self.client.request(method, &request.url);
            for (k, v) in &request.headers {
                // reqwest derives Host from the URL; the value we signed is the same authority.
                if k.eq_ignore_ascii_case("host") {
                    continue;
                }
                builder = builder.header(k.as_ref(), v.as_ref());
            }
            let response = builder.body(request.body).send().await.map_err(classify)?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            let body = response.bytes().await.map_err(classify)?.to_vec();
            Ok(HttpResponse {
                status,
                headers,
                body,
            })
        })
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    let kind = if e.is_connect() {
        TransportErrorKind::Connect
    } else if e.is_timeout() {
        TransportErrorKind::Timeout
    } else if e.is_builder() {
        TransportErrorKind::Request
    } else {
        TransportErrorKind::Io
    };
    // reqwest's Display omits the cause ("error sending request"); keep the chain.
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    TransportError { kind, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_root_certificate_bundle_without_a_certificate_is_refused() {
        let timeout = Duration::from_secs(1);
        for bad in [
            &b""[..],
            b"not a certificate",
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ] {
            let err =
                ReqwestTransport::with_root_certificates(timeout, &[bad.to_vec()]).unwrap_err();
            assert_eq!(err.kind, TransportErrorKind::Request);
            assert!(err.message.contains("bundle 1"), "{err}");
        }
        assert!(ReqwestTransport::with_root_certificates(timeout, &[]).is_ok());
    }

    #[test]
    fn redaction_hides_session_tokens_in_query_body_and_headers() {
        let req = HttpRequest {
            method: HttpMethod::Post,
            url: "http://127.0.0.1:1/?Action=X&SecurityToken=sts%2Fsecret&RegionId=cn".into(),
            headers: vec![
                ("x-acs-security-token".into(), "sts/secret".into()),
                ("X-TC-Token".into(), "tc3-secret".into()),
                ("host".into(), "127.0.0.1:1".into()),
            ],
            body: b"vpcId=v&Token=tok-secret".to_vec(),
        };
        let shown = format!("{req:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains("SecurityToken=***"), "{shown}");
        assert!(shown.contains("Token=***"), "{shown}");
        assert!(shown.contains("x-acs-security-token: ***"), "{shown}");
        assert!(shown.contains("X-TC-Token: ***"), "{shown}");
        assert!(shown.contains("RegionId=cn"), "{shown}");
    }

    #[test]
    fn redaction_hides_tokens_in_a_tc3_json_body_and_response_secrets() {
        let req = HttpRequest {
            method: HttpMethod::Post,
            url: "http://127.0.0.1:1/".into(),
            headers: vec![("content-type".into(), "application/json".into())],
            body: br#"{"ProviderId":"p","WebIdentityToken":"eyJ-secret","RoleArn":"r"}"#.to_vec(),
        };
        let shown = req.redacted();
        assert!(!shown.contains("eyJ-secret"), "{shown}");
        assert!(shown.contains("\"WebIdentityToken\":\"***\""), "{shown}");
        let answer = HttpResponse::new(
            200,
            r#"{"Response":{"Credentials":{"TmpSecretId":"AKID","TmpSecretKey":"k-secret","Token":"t-secret"}}}"#,
        );
        let shown = answer.redacted_body();
        assert!(shown.contains("AKID"), "{shown}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn debug_of_a_response_masks_the_secrets_of_an_sts_answer() {
        let answer = HttpResponse::new(
            200,
            r#"{"RequestId":"r-1","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"ak-secret","SecurityToken":"tok-secret","Expiration":"2099-01-01T00:00:00Z"}}"#,
        )
        .with_header("x-acs-security-token", "hdr-secret")
        .with_header("x-acs-request-id", "r-1");
        let shown = format!("{answer:?}");
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.contains(r#""AccessKeySecret":"***""#), "{shown}");
        assert!(shown.contains(r#""AccessKeyId":"STS.id""#), "{shown}");
        // Not as the bytes of "ak-secret" either.
        assert!(!shown.contains("97, 107, 45"), "{shown}");
        assert!(shown.contains("status: 200"), "{shown}");
        assert!(shown.contains("x-acs-request-id"), "{shown}");
    }
}
