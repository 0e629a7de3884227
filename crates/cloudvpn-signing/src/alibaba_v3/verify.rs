//! Verifying a received ACS3-HMAC-SHA256 request: which headers must be signed, the payload hash, and
//! the signature compared in constant time.

use std::fmt;

use hmac::Mac as _;

use super::authorization::{AuthorizationError, parse_authorization_ref};
use super::{
    AUTHORIZATION_HEADER, CONTENT_SHA256_HEADER, CanonicalRequest, REQUIRED_SIGNED_HEADERS,
    SECURITY_TOKEN_HEADER, StringToSign, payload_hash_hex,
};
use crate::{mac, sink};

/// Why [`parse_authorization`](super::parse_authorization) or [`verify`] rejected a request. No variant
/// carries the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum V3Error {
    /// A required header is absent: `authorization` or `x-acs-content-sha256`.
    MissingHeader {
        /// Its lower-case name.
        name: &'static str,
    },
    /// `authorization` or `x-acs-content-sha256` appears more than once.
    DuplicateHeader {
        /// Its lower-case name.
        name: &'static str,
    },
    /// The `Authorization` header is not in the ACS3 shape.
    MalformedAuthorization(AuthorizationError),
    /// `SignedHeaders` leaves out a header that must be signed (one of
    /// [`REQUIRED_SIGNED_HEADERS`], or [`SECURITY_TOKEN_HEADER`] when the
    /// request has it).
    UnsignedRequiredHeader {
        /// The lower-case header name that is missing from `SignedHeaders`.
        name: &'static str,
    },
    /// A header named in `SignedHeaders` is not in the request.
    MissingSignedHeader {
        /// The lower-case header name.
        name: String,
    },
    /// `x-acs-content-sha256` is not the SHA-256 of the body received.
    ContentHashMismatch {
        /// The header value received.
        received: String,
        /// `hex(sha256(body))`.
        computed: String,
    },
    /// The signature is not the one computed for this request.
    SignatureMismatch {
        /// The canonical request the server built, with a session token's value shown as `***` (the string
        /// to sign is of the real one).
        canonical_request: String,
        /// The string to sign the server built from it.
        string_to_sign: String,
    },
}

impl fmt::Display for V3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { name } => write!(f, "the request has no `{name}` header"),
            Self::DuplicateHeader { name } => {
                write!(f, "the request has more than one `{name}` header")
            }
            Self::MalformedAuthorization(e) => write!(f, "malformed Authorization header: {e}"),
            Self::UnsignedRequiredHeader { name } => write!(
                f,
                "SignedHeaders does not include `{name}`: a request must sign {}, and {SECURITY_TOKEN_HEADER} when it sends one",
                REQUIRED_SIGNED_HEADERS.join(", ")
            ),
            Self::MissingSignedHeader { name } => {
                write!(f, "signed header `{name}` is not in the request")
            }
            Self::ContentHashMismatch { received, computed } => write!(
                f,
                "{CONTENT_SHA256_HEADER} is {received} but the body hashes to {computed}"
            ),
            Self::SignatureMismatch { string_to_sign, .. } => write!(
                f,
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
        }
    }
}

impl std::error::Error for V3Error {}

impl From<AuthorizationError> for V3Error {
    fn from(e: AuthorizationError) -> Self {
        Self::MalformedAuthorization(e)
    }
}

/// The first header that must be signed but is not in `signed_headers` (a
/// validated, sorted `;`-separated list).
fn unsigned_required_header<K, V>(signed_headers: &str, headers: &[(K, V)]) -> Option<&'static str>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let signed = |name: &str| signed_headers.split(';').any(|n| n == name);
    if let Some(name) = REQUIRED_SIGNED_HEADERS.into_iter().find(|n| !signed(n)) {
        return Some(name);
    }
    let has_token = header_values(headers, SECURITY_TOKEN_HEADER)
        .next()
        .is_some();
    (has_token && !signed(SECURITY_TOKEN_HEADER)).then_some(SECURITY_TOKEN_HEADER)
}

/// All values of header `name` (case-insensitive) in `headers`.
fn header_values<'a, K, V>(headers: &'a [(K, V)], name: &'a str) -> impl Iterator<Item = &'a str>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    headers
        .iter()
        .filter(move |(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

/// The single value of a header that must appear exactly once.
fn single_header<'a, K, V>(headers: &'a [(K, V)], name: &'static str) -> Result<&'a str, V3Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut values = header_values(headers, name);
    match (values.next(), values.next()) {
        (None, _) => Err(V3Error::MissingHeader { name }),
        (Some(value), None) => Ok(value),
        (Some(_), Some(_)) => Err(V3Error::DuplicateHeader { name }),
    }
}

/// Verifies a received ACS3-HMAC-SHA256 request.
///
/// * `method`, `path`: from the request line (`path` without the query).
/// * `query`: the query parameters, decoded with
///   [`form_decode`](crate::encoding::form_decode).
/// * `headers`: every received header (names in any case, repeated names
///   allowed); only those named in `SignedHeaders` are used.
/// * `body`: the raw body bytes.
///
/// Checks, in order: one well-formed `Authorization` header whose
/// `SignedHeaders` include every one of [`REQUIRED_SIGNED_HEADERS`] (and
/// [`SECURITY_TOKEN_HEADER`] when the request has it); one
/// `x-acs-content-sha256` header equal to `hex(sha256(body))`; every signed
/// header present; then the signature, compared in constant time. The
/// canonical request and string to sign are streamed into their hashes and
/// only built for the [`V3Error::SignatureMismatch`] report.
pub fn verify<QK, QV, HK, HV>(
    secret: &str,
    method: &str,
    path: &str,
    query: &[(QK, QV)],
    headers: &[(HK, HV)],
    body: &[u8],
) -> Result<(), V3Error>
where
    QK: AsRef<str>,
    QV: AsRef<str>,
    HK: AsRef<str>,
    HV: AsRef<str>,
{
    let authorization = parse_authorization_ref(single_header(headers, AUTHORIZATION_HEADER)?)?;
    if let Some(name) = unsigned_required_header(authorization.signed_headers, headers) {
        return Err(V3Error::UnsignedRequiredHeader { name });
    }

    let received = single_header(headers, CONTENT_SHA256_HEADER)?;
    let computed = payload_hash_hex(body);
    if received.as_bytes() != computed {
        return Err(V3Error::ContentHashMismatch {
            received: received.to_owned(),
            computed: sink::ascii_string(&computed),
        });
    }

    // `received` is now known to equal the computed hash.
    let mut request = CanonicalRequest::new(method, path)
        .query_params(query)
        .hashed_payload(received);
    for name in authorization.signed_headers.split(';') {
        let mut present = false;
        for value in header_values(headers, name) {
            request.push_header(name, value);
            present = true;
        }
        if !present {
            return Err(V3Error::MissingSignedHeader {
                name: name.to_owned(),
            });
        }
    }

    let hash = request.hash_hex();
    let string_to_sign = StringToSign(&hash);
    let mac = sink::absorb(&string_to_sign, mac::sha256_mac(&[secret.as_bytes()]));
    if mac.verify_slice(&authorization.signature).is_ok() {
        Ok(())
    } else {
        Err(V3Error::SignatureMismatch {
            canonical_request: sink::mask_header_values(
                sink::render(&request),
                &[SECURITY_TOKEN_HEADER],
            ),
            string_to_sign: sink::render(&string_to_sign),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alibaba_v3::{EMPTY_PAYLOAD_HASH, authorize, payload_hash, string_to_sign};

    type Pairs = Vec<(String, String)>;

    /// The headers every test request sends, all of them signed.
    fn required_headers() -> Pairs {
        [
            ("Host", "127.0.0.1:1"),
            ("x-acs-action", "DescribeVpnGateway"),
            ("x-acs-version", "2016-04-28"),
            ("x-acs-date", "2026-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "n-1"),
            ("x-acs-content-sha256", EMPTY_PAYLOAD_HASH),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    /// A query and headers signed with `secret` under the key `id`, where
    /// `SignedHeaders` names every header for which `sign` is true.
    fn signed_with(headers: Pairs, sign: impl Fn(&str) -> bool) -> (Pairs, Pairs) {
        let query = vec![("RegionId".to_owned(), "cn-hangzhou".to_owned())];
        let mut request = CanonicalRequest::new("POST", "/").query_params(&query);
        for (name, value) in headers.iter().filter(|(n, _)| sign(n)) {
            request.push_header(name, value);
        }
        let mut headers = headers;
        headers.push((
            "Authorization".to_owned(),
            authorize("id", "secret", &request),
        ));
        (query, headers)
    }

    fn signed_request() -> (Pairs, Pairs) {
        signed_with(required_headers(), |_| true)
    }

    #[test]
    fn verify_accepts_what_authorize_signs() {
        let (query, headers) = signed_request();
        assert_eq!(verify("secret", "POST", "/", &query, &headers, b""), Ok(()));
    }

    #[test]
    fn missing_and_duplicate_headers() {
        let (query, headers) = signed_request();
        let without = |name: &str| -> Pairs {
            headers
                .iter()
                .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
                .cloned()
                .collect()
        };
        assert_eq!(
            verify(
                "secret",
                "POST",
                "/",
                &query,
                &without("authorization"),
                b""
            ),
            Err(V3Error::MissingHeader {
                name: "authorization"
            })
        );
        assert_eq!(
            verify(
                "secret",
                "POST",
                "/",
                &query,
                &without("x-acs-content-sha256"),
                b""
            ),
            Err(V3Error::MissingHeader {
                name: "x-acs-content-sha256"
            })
        );
        assert_eq!(
            verify("secret", "POST", "/", &query, &without("host"), b""),
            Err(V3Error::MissingSignedHeader {
                name: "host".into()
            })
        );
        let mut doubled = headers.clone();
        let authorization = headers.last().map(|(_, v)| v.clone()).unwrap_or_default();
        doubled.push(("AUTHORIZATION".into(), authorization));
        assert_eq!(
            verify("secret", "POST", "/", &query, &doubled, b""),
            Err(V3Error::DuplicateHeader {
                name: "authorization"
            })
        );
    }

    #[test]
    fn every_required_header_must_be_signed() {
        for required in REQUIRED_SIGNED_HEADERS {
            let (query, headers) =
                signed_with(required_headers(), |n| !n.eq_ignore_ascii_case(required));
            // The header is sent; it is only left out of SignedHeaders.
            assert!(
                headers
                    .iter()
                    .any(|(n, _)| n.eq_ignore_ascii_case(required))
            );
            let err = verify("secret", "POST", "/", &query, &headers, b"").unwrap_err();
            assert_eq!(
                err,
                V3Error::UnsignedRequiredHeader { name: required },
                "{required}"
            );
            assert!(err.to_string().contains(required), "{err}");
        }
    }

    #[test]
    fn a_security_token_must_be_signed_when_sent() {
        let mut with_token = required_headers();
        with_token.push(("X-Acs-Security-Token".to_owned(), "sts-token".to_owned()));

        let (query, headers) = signed_with(with_token.clone(), |n| {
            !n.eq_ignore_ascii_case(SECURITY_TOKEN_HEADER)
        });
        let err = verify("secret", "POST", "/", &query, &headers, b"").unwrap_err();
        assert_eq!(
            err,
            V3Error::UnsignedRequiredHeader {
                name: SECURITY_TOKEN_HEADER
            }
        );
        // The error names the header, never the token's value.
        assert!(!format!("{err} {err:?}").contains("sts-token"));

        let (query, headers) = signed_with(with_token, |_| true);
        assert_eq!(verify("secret", "POST", "/", &query, &headers, b""), Ok(()));
    }

    #[test]
    fn extra_unsigned_headers_are_still_ignored() {
        let mut headers = required_headers();
        headers.push(("user-agent".to_owned(), "curl".to_owned()));
        headers.push(("accept".to_owned(), "application/json".to_owned()));
        let (query, headers) = signed_with(headers, |n| n != "user-agent" && n != "accept");
        assert_eq!(verify("secret", "POST", "/", &query, &headers, b""), Ok(()));
    }

    #[test]
    fn content_hash_mismatch_is_reported_before_the_signature() {
        let (query, headers) = signed_request();
        assert_eq!(
            verify("secret", "POST", "/", &query, &headers, b"x"),
            Err(V3Error::ContentHashMismatch {
                received: EMPTY_PAYLOAD_HASH.into(),
                computed: payload_hash(b"x"),
            })
        );
    }

    #[test]
    fn signature_mismatch_carries_both_artifacts() {
        let (query, headers) = signed_request();
        let err = verify("other", "POST", "/", &query, &headers, b"").unwrap_err();
        let V3Error::SignatureMismatch {
            canonical_request,
            string_to_sign: sts,
        } = &err
        else {
            panic!("{err:?}");
        };
        assert!(canonical_request.starts_with("POST\n/\nRegionId=cn-hangzhou\nhost:127.0.0.1:1\n"));
        assert!(canonical_request.contains("\nx-acs-action:DescribeVpnGateway\n"));
        assert_eq!(sts, &string_to_sign(canonical_request));
        assert!(!format!("{err:?} {err}").contains("other"));
    }

    #[test]
    fn a_mismatch_report_masks_the_session_token() {
        let mut headers = required_headers();
        headers.push((
            SECURITY_TOKEN_HEADER.to_owned(),
            "tok-SECRET-VALUE".to_owned(),
        ));
        let (query, headers) = signed_with(headers, |_| true);
        let err = verify("other", "POST", "/", &query, &headers, b"").unwrap_err();
        let V3Error::SignatureMismatch {
            canonical_request, ..
        } = &err
        else {
            panic!("{err:?}");
        };
        assert!(
            canonical_request.contains("\nx-acs-security-token:***\n"),
            "{canonical_request}"
        );
        assert!(!format!("{err:?} {err}").contains("tok-SECRET-VALUE"));
    }
}
