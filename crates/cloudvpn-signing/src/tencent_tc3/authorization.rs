//! The TC3 `Authorization` header: its parts, and what can be wrong with it.

use std::fmt;

use super::verify::Tc3Error;
use super::{ALGORITHM, TERMINATOR};
use crate::sink;

/// The parts of a well-formed TC3 `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The SecretId of the credential, used to look up the secret key.
    pub secret_id: String,
    /// The date of the credential scope, as received.
    pub date: String,
    /// The service of the credential scope, as received.
    pub service: String,
    /// The `SignedHeaders` names: lower case, sorted, unique.
    pub signed_headers: Vec<String>,
    /// The `Signature` value: 64 lower-case hex digits.
    pub signature: String,
}

/// The ways a TC3 `Authorization` header value can be malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// The value is empty or only whitespace.
    Empty,
    /// The first word is not `TC3-HMAC-SHA256`.
    UnsupportedAlgorithm {
        /// The first word as received.
        algorithm: String,
    },
    /// A comma-separated part has no `=`.
    MalformedParameter {
        /// The part as received.
        part: String,
    },
    /// A parameter other than `Credential`, `SignedHeaders`, `Signature`.
    UnknownParameter {
        /// Its name as received.
        name: String,
    },
    /// `Credential`, `SignedHeaders` or `Signature` appears twice.
    DuplicateParameter {
        /// Which one.
        name: &'static str,
    },
    /// `Credential`, `SignedHeaders` or `Signature` is absent.
    MissingParameter {
        /// Which one.
        name: &'static str,
    },
    /// `Credential` is not `SecretId/YYYY-MM-DD/service/tc3_request` with
    /// four non-empty parts.
    MalformedCredential {
        /// The value as received (a SecretId is not a secret).
        credential: String,
    },
    /// The credential scope does not end in `tc3_request`.
    WrongTerminator {
        /// The last part as received.
        terminator: String,
    },
    /// A `SignedHeaders` name is empty, not lower case, repeated, or out of
    /// ascending order.
    MalformedSignedHeaders {
        /// The list as received.
        signed_headers: String,
    },
    /// `Signature` is not 64 lower-case hex digits.
    InvalidSignature,
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the Authorization header is empty"),
            Self::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "unsupported signature algorithm `{algorithm}`, expected {ALGORITHM}"
            ),
            Self::MalformedParameter { part } => write!(f, "`{part}` is not name=value"),
            Self::UnknownParameter { name } => write!(
                f,
                "unknown parameter `{name}`, expected Credential, SignedHeaders and Signature"
            ),
            Self::DuplicateParameter { name } => write!(f, "{name} appears more than once"),
            Self::MissingParameter { name } => write!(f, "{name} is missing"),
            Self::MalformedCredential { credential } => write!(
                f,
                "Credential `{credential}` is not SecretId/YYYY-MM-DD/service/{TERMINATOR}"
            ),
            Self::WrongTerminator { terminator } => write!(
                f,
                "the credential scope ends in `{terminator}`, expected {TERMINATOR}"
            ),
            Self::MalformedSignedHeaders { signed_headers } => write!(
                f,
                "SignedHeaders `{signed_headers}` is not a ;-separated list of lower-case names in ascending order, each once"
            ),
            Self::InvalidSignature => f.write_str("Signature is not 64 lower-case hex digits"),
        }
    }
}

/// [`ParsedAuthorization`], borrowed from the header value.
pub(super) struct AuthorizationRef<'a> {
    pub(super) secret_id: &'a str,
    pub(super) date: &'a str,
    pub(super) service: &'a str,
    pub(super) signed_headers: &'a str,
    pub(super) signature_hex: &'a str,
    pub(super) signature: [u8; 32],
}

/// Parses `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
/// SignedHeaders=<a;b>, Signature=<hex>`. Whitespace around the parts is
/// tolerated (`, ` as the SDKs write it, or `,`). A server calls this first
/// to find the SecretId, then [`verify`](super::verify()) with the matching secret key.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, Tc3Error> {
    let parsed = parse_ref(value)?;
    Ok(ParsedAuthorization {
        secret_id: parsed.secret_id.to_owned(),
        date: parsed.date.to_owned(),
        service: parsed.service.to_owned(),
        signed_headers: parsed
            .signed_headers
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: parsed.signature_hex.to_owned(),
    })
}

pub(super) fn parse_ref(value: &str) -> Result<AuthorizationRef<'_>, AuthorizationError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthorizationError::Empty);
    }
    let (algorithm, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthorizationError::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        });
    }
    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((name, value)) = part.split_once('=') else {
            return Err(AuthorizationError::MalformedParameter {
                part: part.to_owned(),
            });
        };
        let (slot, name): (&mut Option<&str>, &'static str) = match name.trim() {
            "Credential" => (&mut credential, "Credential"),
            "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
            "Signature" => (&mut signature, "Signature"),
            other => {
                return Err(AuthorizationError::UnknownParameter {
                    name: other.to_owned(),
                });
            }
        };
        if slot.replace(value.trim()).is_some() {
            return Err(AuthorizationError::DuplicateParameter { name });
        }
    }
    let missing = |name| AuthorizationError::MissingParameter { name };
    let credential = credential.ok_or(missing("Credential"))?;
    let signed_headers = signed_headers.ok_or(missing("SignedHeaders"))?;
    let signature_hex = signature.ok_or(missing("Signature"))?;

    let mut parts = credential.split('/');
    let (Some(secret_id), Some(date), Some(service), Some(terminator), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(malformed_credential(credential));
    };
    if [secret_id, date, service].iter().any(|p| p.is_empty()) {
        return Err(malformed_credential(credential));
    }
    if terminator != TERMINATOR {
        return Err(AuthorizationError::WrongTerminator {
            terminator: terminator.to_owned(),
        });
    }
    if !is_sorted_lower_case_list(signed_headers) {
        return Err(AuthorizationError::MalformedSignedHeaders {
            signed_headers: signed_headers.to_owned(),
        });
    }
    let signature =
        sink::decode_hex_lower_32(signature_hex).ok_or(AuthorizationError::InvalidSignature)?;
    Ok(AuthorizationRef {
        secret_id,
        date,
        service,
        signed_headers,
        signature_hex,
        signature,
    })
}

fn malformed_credential(credential: &str) -> AuthorizationError {
    AuthorizationError::MalformedCredential {
        credential: credential.to_owned(),
    }
}

/// Non-empty lower-case names, strictly ascending (so each appears once):
/// the only order a canonical request can have listed them in.
fn is_sorted_lower_case_list(list: &str) -> bool {
    let mut previous: Option<&str> = None;
    for name in list.split(';') {
        if name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase()) {
            return false;
        }
        if previous.is_some_and(|p| p >= name) {
            return false;
        }
        previous = Some(name);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_header_lists_must_be_canonical() {
        assert!(is_sorted_lower_case_list("content-type;host"));
        assert!(is_sorted_lower_case_list("content-type;host;x-tc-action"));
        for bad in [
            "",
            "host;content-type",
            "content-type;;host",
            "Host",
            "host;host",
        ] {
            assert!(!is_sorted_lower_case_list(bad), "{bad:?}");
        }
    }
}
