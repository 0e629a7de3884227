//! The server side of TC3: checking a received request with the same
//! [`CanonicalRequest`] the signer uses.

use std::fmt;

use hmac::Mac as _;

use super::authorization::{AuthorizationError, parse_ref};
use super::{
    ACTION_HEADER, AUTHORIZATION_HEADER, CONTENT_SHA256_HEADER, CanonicalRequest,
    REQUIRED_SIGNED_HEADERS, Scope, SigningKey, StringToSign, TIMESTAMP_HEADER, UNSIGNED_PAYLOAD,
    date_of,
};
use crate::sink;

/// Why [`parse_authorization`](super::parse_authorization) or [`verify`] rejected a request. No variant
/// carries the secret key or anything derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tc3Error {
    /// A required header is absent: `authorization`, `x-tc-timestamp` or
    /// `x-tc-action`.
    MissingHeader {
        /// Its lower-case name.
        name: &'static str,
    },
    /// A header that must appear once appears more than once (one of the
    /// above, `x-tc-content-sha256`, or a signed header).
    DuplicateHeader {
        /// Its lower-case name.
        name: String,
    },
    /// The `Authorization` header is not in the TC3 shape.
    MalformedAuthorization(AuthorizationError),
    /// `SignedHeaders` leaves out `content-type` or `host`.
    UnsignedRequiredHeader {
        /// The header name missing from `SignedHeaders`.
        name: &'static str,
    },
    /// A header named in `SignedHeaders` is not in the request.
    MissingSignedHeader {
        /// The lower-case header name.
        name: String,
    },
    /// `X-TC-Timestamp` is not a decimal number of seconds.
    InvalidTimestamp {
        /// The value as received.
        value: String,
    },
    /// The credential scope names another service than the one called.
    WrongService {
        /// The service the server answers for.
        expected: String,
        /// The service in the credential scope.
        received: String,
    },
    /// The date of the credential scope is not the UTC date of `X-TC-Timestamp`.
    DateMismatch {
        /// The date in the credential scope.
        credential_date: String,
        /// `YYYY-MM-DD` of the timestamp.
        timestamp_date: String,
    },
    /// The signature is not the one computed for this request.
    SignatureMismatch {
        /// The canonical request the server built.
        canonical_request: String,
        /// The string to sign the server built from it.
        string_to_sign: String,
    },
}

impl fmt::Display for Tc3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader { name } => write!(f, "the request has no `{name}` header"),
            Self::DuplicateHeader { name } => {
                write!(f, "the request has more than one `{name}` header")
            }
            Self::MalformedAuthorization(e) => write!(f, "malformed Authorization header: {e}"),
            Self::UnsignedRequiredHeader { name } => write!(
                f,
                "SignedHeaders does not include `{name}`: a request must sign {}",
                REQUIRED_SIGNED_HEADERS.join(" and ")
            ),
            Self::MissingSignedHeader { name } => {
                write!(f, "signed header `{name}` is not in the request")
            }
            Self::InvalidTimestamp { value } => write!(
                f,
                "X-TC-Timestamp `{value}` is not a whole number of seconds since 1970-01-01 UTC"
            ),
            Self::WrongService { expected, received } => write!(
                f,
                "the credential scope is for service `{received}`, this is `{expected}`"
            ),
            Self::DateMismatch {
                credential_date,
                timestamp_date,
            } => write!(
                f,
                "the credential scope date {credential_date} is not the UTC date of X-TC-Timestamp, {timestamp_date}"
            ),
            Self::SignatureMismatch { string_to_sign, .. } => write!(
                f,
                "the signature does not match; the server signed: {string_to_sign:?}"
            ),
        }
    }
}

impl std::error::Error for Tc3Error {}

impl From<AuthorizationError> for Tc3Error {
    fn from(e: AuthorizationError) -> Self {
        Self::MalformedAuthorization(e)
    }
}

/// All values of header `name` (case-insensitive).
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

/// The value of a header that may appear at most once.
fn optional_header<'a, K, V>(
    headers: &'a [(K, V)],
    name: &'a str,
) -> Result<Option<&'a str>, Tc3Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let mut values = header_values(headers, name);
    match (values.next(), values.next()) {
        (first, None) => Ok(first),
        (Some(_), Some(_)) | (None, Some(_)) => Err(Tc3Error::DuplicateHeader {
            name: name.to_owned(),
        }),
    }
}

/// The value of a header that must appear exactly once.
fn single_header<'a, K, V>(headers: &'a [(K, V)], name: &'static str) -> Result<&'a str, Tc3Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    optional_header(headers, name)?.ok_or(Tc3Error::MissingHeader { name })
}

/// Seconds since the epoch: ASCII digits only (no sign, no spaces).
fn parse_timestamp(value: &str) -> Result<i64, Tc3Error> {
    let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
    digits
        .then(|| value.parse().ok())
        .flatten()
        .ok_or_else(|| Tc3Error::InvalidTimestamp {
            value: value.to_owned(),
        })
}

/// Verifies a received TC3-HMAC-SHA256 request for `service` (`vpc`).
///
/// * `method`, `path`: from the request line (`path` without the query).
/// * `raw_query`: the bytes after `?`, still URL-encoded (empty for POST).
/// * `headers`: every received header, names in any case; `Host` and
///   `Content-Type` exactly as received.
/// * `body`: the raw body bytes.
///
/// Checks, in order: one well-formed `Authorization` whose `SignedHeaders`
/// include `content-type` and `host`; one `X-TC-Timestamp` (digits) and one
/// `X-TC-Action`; the credential scope's service is `service` and its date
/// is the timestamp's UTC date; each signed header present once; then the
/// signature, compared in constant time. The time window is the caller's
/// business (the crate has no clock): `X-TC-Timestamp` is checked against
/// it by the server. The canonical request and string to sign are only
/// built for the [`Tc3Error::SignatureMismatch`] report.
pub fn verify<K, V>(
    secret_key: &str,
    service: &str,
    method: &str,
    path: &str,
    raw_query: &str,
    headers: &[(K, V)],
    body: &[u8],
) -> Result<(), Tc3Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    let authorization = parse_ref(single_header(headers, AUTHORIZATION_HEADER)?)?;
    let signed = |name: &str| authorization.signed_headers.split(';').any(|n| n == name);
    if let Some(name) = REQUIRED_SIGNED_HEADERS.into_iter().find(|n| !signed(n)) {
        return Err(Tc3Error::UnsignedRequiredHeader { name });
    }
    let timestamp_text = single_header(headers, TIMESTAMP_HEADER)?;
    let timestamp = parse_timestamp(timestamp_text)?;
    single_header(headers, ACTION_HEADER)?;
    if authorization.service != service {
        return Err(Tc3Error::WrongService {
            expected: service.to_owned(),
            received: authorization.service.to_owned(),
        });
    }
    let date = date_of(timestamp);
    if authorization.date != date {
        return Err(Tc3Error::DateMismatch {
            credential_date: authorization.date.to_owned(),
            timestamp_date: date,
        });
    }

    let mut request = CanonicalRequest::new(method, path).query(raw_query);
    request = match optional_header(headers, CONTENT_SHA256_HEADER)? {
        Some(UNSIGNED_PAYLOAD) => request.unsigned_payload(),
        _ => request.body(body),
    };
    for name in authorization.signed_headers.split(';') {
        match optional_header(headers, name)? {
            Some(value) => request.push_header(name, value),
            None => {
                return Err(Tc3Error::MissingSignedHeader {
                    name: name.to_owned(),
                });
            }
        }
    }

    let hash = request.hash_hex();
    let to_sign = StringToSign {
        timestamp: timestamp_text,
        scope: Scope {
            date: &date,
            service,
        },
        hashed_canonical_request: &hash,
    };
    let key = SigningKey::derive(secret_key, &date, service);
    if key
        .mac_of(&to_sign)
        .verify_slice(&authorization.signature)
        .is_ok()
    {
        Ok(())
    } else {
        Err(Tc3Error::SignatureMismatch {
            // A token is signed only if the client chose to; its value is shown as `***`.
            canonical_request: sink::mask_header_values(
                request.to_string(),
                &[super::TOKEN_HEADER],
            ),
            string_to_sign: sink::render(&to_sign),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_plain_digits() {
        assert_eq!(parse_timestamp("1465185768"), Ok(1_465_185_768));
        for bad in ["", "-1", "+1", " 1", "1.5", "99999999999999999999", "１"] {
            assert!(
                matches!(parse_timestamp(bad), Err(Tc3Error::InvalidTimestamp { .. })),
                "{bad:?}"
            );
        }
    }
}
