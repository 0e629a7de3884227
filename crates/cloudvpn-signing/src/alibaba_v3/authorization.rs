//! Parsing the ACS3 `Authorization` header, with one error per way it can be malformed.

use std::fmt;

use super::ALGORITHM;
use super::verify::V3Error;
use crate::sink;

/// The parts of a well-formed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAuthorization {
    /// The `Credential` value: the AccessKey ID, used to look up the secret.
    pub access_key_id: String,
    /// The `SignedHeaders` names: lower case, sorted, unique.
    pub signed_headers: Vec<String>,
    /// The `Signature` value: 64 lower-case hex digits.
    pub signature: String,
}

/// The ways an `Authorization` header value can be malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizationError {
    /// The value is empty or only whitespace.
    Empty,
    /// The first word is not `ACS3-HMAC-SHA256` (`ACS3-HMAC-SM3`,
    /// `ACS3-RSA-SHA256` and the ROA `acs <id>:<sig>` form are not supported).
    UnsupportedAlgorithm {
        /// The first word as received.
        algorithm: String,
    },
    /// Nothing follows the algorithm name.
    NoParameters,
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
    /// `Credential=` has an empty value.
    EmptyCredential,
    /// `SignedHeaders` contains an empty name (e.g. `a;;b` or nothing).
    EmptySignedHeader,
    /// A `SignedHeaders` name is not lower case.
    UppercaseSignedHeader {
        /// The name as received.
        name: String,
    },
    /// A `SignedHeaders` name appears twice.
    DuplicateSignedHeader {
        /// The repeated name.
        name: String,
    },
    /// `SignedHeaders` is not in ascending byte order, so it cannot be the
    /// list the canonical request was built with.
    UnsortedSignedHeaders,
    /// `Signature` is not 64 lower-case hex digits.
    InvalidSignature,
}

impl fmt::Display for AuthorizationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("the Authorization header is empty"),
            Self::UnsupportedAlgorithm { algorithm } => {
                write!(
                    f,
                    "unsupported signature algorithm `{algorithm}`, expected {ALGORITHM}"
                )
            }
            Self::NoParameters => f.write_str("nothing follows the algorithm name"),
            Self::MalformedParameter { part } => write!(f, "`{part}` is not name=value"),
            Self::UnknownParameter { name } => write!(f, "unknown parameter `{name}`"),
            Self::DuplicateParameter { name } => write!(f, "{name} appears more than once"),
            Self::MissingParameter { name } => write!(f, "{name} is missing"),
            Self::EmptyCredential => f.write_str("Credential is empty"),
            Self::EmptySignedHeader => f.write_str("SignedHeaders contains an empty name"),
            Self::UppercaseSignedHeader { name } => {
                write!(f, "SignedHeaders name `{name}` is not lower case")
            }
            Self::DuplicateSignedHeader { name } => {
                write!(f, "SignedHeaders lists `{name}` more than once")
            }
            Self::UnsortedSignedHeaders => f.write_str("SignedHeaders is not sorted"),
            Self::InvalidSignature => f.write_str("Signature is not 64 lower-case hex digits"),
        }
    }
}

/// Parses an `Authorization` header value of the form
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
///
/// Whitespace around the parts is tolerated (`, ` as well as `,`); anything
/// else that deviates gets its own [`AuthorizationError`]. A server calls this
/// first to find the AccessKey ID, then [`verify`](fn@super::verify) with the matching secret.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, V3Error> {
    let parsed = parse_authorization_ref(value)?;
    Ok(ParsedAuthorization {
        access_key_id: parsed.access_key_id.to_owned(),
        signed_headers: parsed
            .signed_headers
            .split(';')
            .map(str::to_owned)
            .collect(),
        signature: parsed.signature_hex.to_owned(),
    })
}

/// [`ParsedAuthorization`], borrowed from the header value.
pub(super) struct AuthorizationRef<'a> {
    pub(super) access_key_id: &'a str,
    /// The validated `SignedHeaders` list, still `;`-separated.
    pub(super) signed_headers: &'a str,
    /// The `Signature` value: 64 lower-case hex digits.
    pub(super) signature_hex: &'a str,
    /// The signature bytes (`signature_hex` decoded).
    pub(super) signature: [u8; 32],
}

/// The checks of [`parse_authorization`], without copying anything out.
pub(super) fn parse_authorization_ref(value: &str) -> Result<AuthorizationRef<'_>, V3Error> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthorizationError::Empty.into());
    }
    let (algorithm, rest) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
    if algorithm != ALGORITHM {
        return Err(AuthorizationError::UnsupportedAlgorithm {
            algorithm: algorithm.to_owned(),
        }
        .into());
    }
    let rest = rest.trim();
    if rest.is_empty() {
        return Err(AuthorizationError::NoParameters.into());
    }

    let (mut credential, mut signed_headers, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let part = part.trim();
        let Some((name, value)) = part.split_once('=') else {
            return Err(AuthorizationError::MalformedParameter {
                part: part.to_owned(),
            }
            .into());
        };
        let (slot, name): (&mut Option<&str>, &'static str) = match name.trim() {
            "Credential" => (&mut credential, "Credential"),
            "SignedHeaders" => (&mut signed_headers, "SignedHeaders"),
            "Signature" => (&mut signature, "Signature"),
            other => {
                return Err(AuthorizationError::UnknownParameter {
                    name: other.to_owned(),
                }
                .into());
            }
        };
        if slot.replace(value.trim()).is_some() {
            return Err(AuthorizationError::DuplicateParameter { name }.into());
        }
    }

    let credential =
        credential.ok_or(AuthorizationError::MissingParameter { name: "Credential" })?;
    let signed_headers = signed_headers.ok_or(AuthorizationError::MissingParameter {
        name: "SignedHeaders",
    })?;
    let signature = signature.ok_or(AuthorizationError::MissingParameter { name: "Signature" })?;

    if credential.is_empty() {
        return Err(AuthorizationError::EmptyCredential.into());
    }
    check_signed_headers(signed_headers)?;
    let signature_hex = signature;
    let signature =
        sink::decode_hex_lower_32(signature_hex).ok_or(AuthorizationError::InvalidSignature)?;
    Ok(AuthorizationRef {
        access_key_id: credential,
        signed_headers,
        signature_hex,
        signature,
    })
}

/// Validates a `SignedHeaders` value: first every name (not empty, lower
/// case), then the order (strictly ascending, so no duplicates).
fn check_signed_headers(list: &str) -> Result<(), AuthorizationError> {
    for name in list.split(';') {
        if name.is_empty() {
            return Err(AuthorizationError::EmptySignedHeader);
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(AuthorizationError::UppercaseSignedHeader {
                name: name.to_owned(),
            });
        }
    }
    let mut names = list.split(';');
    let mut previous = names.next();
    for name in names {
        if let Some(a) = previous {
            if a == name {
                return Err(AuthorizationError::DuplicateSignedHeader { name: a.to_owned() });
            }
            if a > name {
                return Err(AuthorizationError::UnsortedSignedHeaders);
            }
        }
        previous = Some(name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alibaba_v3::V3Error;

    const SIG: &str = "eadc44f9b322ecf34983efd801fa831d72d7ef094e9aa35f9a850f358a9f6fbf";

    fn malformed(value: &str) -> AuthorizationError {
        match parse_authorization(value) {
            Err(V3Error::MalformedAuthorization(e)) => e,
            other => panic!("{value:?} gave {other:?}"),
        }
    }

    #[test]
    fn parses_the_sdk_shape_and_tolerates_spaces() {
        let parsed = parse_authorization(&format!(
            "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature={SIG}"
        ))
        .unwrap();
        assert_eq!(parsed.access_key_id, "testid");
        assert_eq!(parsed.signed_headers, ["host", "x-acs-date"]);
        assert_eq!(parsed.signature, SIG);
        let spaced = parse_authorization(&format!(
            "  ACS3-HMAC-SHA256   Credential=testid, SignedHeaders=host;x-acs-date, Signature={SIG} "
        ))
        .unwrap();
        assert_eq!(spaced, parsed);
    }

    #[test]
    fn every_malformed_shape_has_its_own_error() {
        let ok_sig = format!("Signature={SIG}");
        assert_eq!(malformed(""), AuthorizationError::Empty);
        assert_eq!(malformed("   "), AuthorizationError::Empty);
        assert_eq!(
            malformed("ACS3-HMAC-SM3 Credential=a"),
            AuthorizationError::UnsupportedAlgorithm {
                algorithm: "ACS3-HMAC-SM3".into()
            }
        );
        assert_eq!(
            malformed("acs testid:abc="),
            AuthorizationError::UnsupportedAlgorithm {
                algorithm: "acs".into()
            }
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256"),
            AuthorizationError::NoParameters
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256   "),
            AuthorizationError::NoParameters
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256 Credential"),
            AuthorizationError::MalformedParameter {
                part: "Credential".into()
            }
        );
        assert_eq!(
            malformed(&format!(
                "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,{ok_sig},"
            )),
            AuthorizationError::MalformedParameter {
                part: String::new()
            }
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256 Scope=x"),
            AuthorizationError::UnknownParameter {
                name: "Scope".into()
            }
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256 Credential=a,Credential=b"),
            AuthorizationError::DuplicateParameter { name: "Credential" }
        );
        assert_eq!(
            malformed(&format!("ACS3-HMAC-SHA256 SignedHeaders=host,{ok_sig}")),
            AuthorizationError::MissingParameter { name: "Credential" }
        );
        assert_eq!(
            malformed(&format!("ACS3-HMAC-SHA256 Credential=a,{ok_sig}")),
            AuthorizationError::MissingParameter {
                name: "SignedHeaders"
            }
        );
        assert_eq!(
            malformed("ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host"),
            AuthorizationError::MissingParameter { name: "Signature" }
        );
        assert_eq!(
            malformed(&format!(
                "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,{ok_sig}"
            )),
            AuthorizationError::EmptyCredential
        );
        for list in ["", "host;;x-acs-date", "host;"] {
            assert_eq!(
                malformed(&format!(
                    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders={list},{ok_sig}"
                )),
                AuthorizationError::EmptySignedHeader,
                "{list:?}"
            );
        }
        assert_eq!(
            malformed(&format!(
                "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=Host,{ok_sig}"
            )),
            AuthorizationError::UppercaseSignedHeader {
                name: "Host".into()
            }
        );
        assert_eq!(
            malformed(&format!(
                "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host;host,{ok_sig}"
            )),
            AuthorizationError::DuplicateSignedHeader {
                name: "host".into()
            }
        );
        assert_eq!(
            malformed(&format!(
                "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=x-acs-date;host,{ok_sig}"
            )),
            AuthorizationError::UnsortedSignedHeaders
        );
        let bads = [
            String::new(),
            "abc".to_owned(),
            SIG.to_uppercase(),
            SIG[1..].to_owned(),
            format!("{SIG}0"),
            SIG.replace('e', "g"),
        ];
        for bad in &bads {
            assert_eq!(
                malformed(&format!(
                    "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature={bad}"
                )),
                AuthorizationError::InvalidSignature,
                "{bad:?}"
            );
        }
    }
}
