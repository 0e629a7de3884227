//! Alibaba Cloud V3 signature, `ACS3-HMAC-SHA256`.
//!
//! Reproduces `alibabacloud_tea_openapi` (`Client.do_request` with the
//! default config, `Utils.get_authorization`, `get_canonical_query_string`,
//! `get_canonicalized_headers`), which the Tea VPC SDK uses by default:
//!
//! ```text
//! CanonicalRequest = METHOD "\n" path "\n" CanonicalQuery "\n"
//!                    CanonicalHeaders "\n" SignedHeaders "\n" HashedPayload
//! CanonicalQuery   = join("&", name "=" pct(value))      sorted by name; the name is NOT encoded
//! CanonicalHeaders = for each signed header, sorted: lower(name) ":" sort(trim(values)).join(",") "\n"
//! SignedHeaders    = join(";", lower(name))              sorted
//! HashedPayload    = hex(sha256(body))                   also sent as x-acs-content-sha256
//! StringToSign     = "ACS3-HMAC-SHA256\n" hex(sha256(CanonicalRequest))
//! Signature        = hex(HMAC-SHA256(AccessKeySecret, StringToSign))   no "&" appended
//! Authorization    = "ACS3-HMAC-SHA256 Credential=" id ",SignedHeaders=" list ",Signature=" hex
//! ```
//!
//! The Python SDK leaves query *names* unencoded while Alibaba's prose says
//! to encode them; the two agree for every real parameter name (they are
//! alphanumeric), and the captured SDK requests follow the SDK, so this
//! module does too.
//!
//! Every intermediate artifact ([`CanonicalRequest`] as text,
//! [`string_to_sign`], [`signature`]) is available on its own so tests can
//! pin each step. [`verify`] rebuilds the canonical request with the same
//! [`CanonicalRequest`] type the signer uses, from exactly the headers listed
//! in the received `SignedHeaders`.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

use crate::encoding::percent_encode_into;
use crate::mac;

/// The algorithm name that starts the string to sign and the
/// `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Header carrying the hex SHA-256 of the body; it is also the last line of
/// the canonical request.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";

/// Header carrying the signature.
pub const AUTHORIZATION_HEADER: &str = "authorization";

/// `hex(sha256(""))`, the payload hash of every body-less request (all three
/// VPN delete calls send their parameters in the query).
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `body`, the value of `x-acs-content-sha256`.
pub fn payload_hash(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

/// The canonical request: everything the signature covers, built the same
/// way by the signer and by [`verify`].
///
/// Query parameters and headers may be added in any order; rendering sorts
/// them. Header names are lower-cased when added and values are trimmed when
/// rendered. Every header added is a signed header, so a client adds the
/// headers it signs, and a verifier adds the ones named in `SignedHeaders`.
/// The payload hash defaults to [`EMPTY_PAYLOAD_HASH`].
///
/// [`Display`](fmt::Display) renders the canonical request text.
///
/// ```
/// use cloudvpn_signing::alibaba_v3::{CanonicalRequest, EMPTY_PAYLOAD_HASH};
/// let request = CanonicalRequest::new("POST", "/")
///     .query("RegionId", "cn-hangzhou")
///     .header("host", "vpc.aliyuncs.com")
///     .header("x-acs-action", "DeleteVpnGateway")
///     .hashed_payload(EMPTY_PAYLOAD_HASH);
/// assert_eq!(request.signed_headers(), "host;x-acs-action");
/// assert!(request.to_string().starts_with("POST\n/\nRegionId=cn-hangzhou\nhost:vpc.aliyuncs.com\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalRequest {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    /// Lower-case name → raw values, in the order added.
    headers: BTreeMap<String, Vec<String>>,
    hashed_payload: String,
}

impl CanonicalRequest {
    /// Starts a canonical request for `method` (as sent, e.g. `POST`) and
    /// `path` (`/` for every RPC-style API).
    pub fn new(method: &str, path: &str) -> Self {
        Self {
            method: method.to_owned(),
            path: path.to_owned(),
            query: Vec::new(),
            headers: BTreeMap::new(),
            hashed_payload: EMPTY_PAYLOAD_HASH.to_owned(),
        }
    }

    /// Adds one decoded query parameter.
    #[must_use]
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.push_query(name, value);
        self
    }

    /// Adds decoded query parameters.
    #[must_use]
    pub fn query_params<K: AsRef<str>, V: AsRef<str>>(mut self, params: &[(K, V)]) -> Self {
        self.query.reserve(params.len());
        for (name, value) in params {
            self.push_query(name.as_ref(), value.as_ref());
        }
        self
    }

    /// Adds one decoded query parameter in place.
    pub fn push_query(&mut self, name: &str, value: &str) {
        self.query.push((name.to_owned(), value.to_owned()));
    }

    /// Adds a signed header. A second value for the same (case-insensitive)
    /// name is kept; the values are sorted and joined with `,` when rendered.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.push_header(name, value);
        self
    }

    /// Adds a signed header in place; see [`CanonicalRequest::header`].
    pub fn push_header(&mut self, name: &str, value: &str) {
        self.headers
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(value.to_owned());
    }

    /// Sets the payload hash (lower-case hex SHA-256 of the body, the value
    /// sent as `x-acs-content-sha256`).
    #[must_use]
    pub fn hashed_payload(mut self, hex_sha256: &str) -> Self {
        hex_sha256.clone_into(&mut self.hashed_payload);
        self
    }

    /// Sets the payload hash from the body itself.
    #[must_use]
    pub fn body(self, body: &[u8]) -> Self {
        self.hashed_payload(&payload_hash(body))
    }

    /// `CanonicalQueryString`: `name=pct(value)` sorted by name (bytewise),
    /// joined with `&`; names are not encoded (as the Python SDK does).
    pub fn canonical_query_string(&self) -> String {
        let mut sorted: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        sorted.sort_unstable();
        let mut out =
            String::with_capacity(sorted.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
        for (i, (name, value)) in sorted.into_iter().enumerate() {
            if i > 0 {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            percent_encode_into(&mut out, value);
        }
        out
    }

    /// `CanonicalHeaders`: one `name:value\n` line per signed header, sorted
    /// by name; several values are trimmed, sorted and joined with `,`.
    pub fn canonical_headers(&self) -> String {
        let mut out = String::new();
        for (name, values) in &self.headers {
            let mut trimmed: Vec<&str> = values.iter().map(|v| v.trim()).collect();
            trimmed.sort_unstable();
            out.push_str(name);
            out.push(':');
            for (i, value) in trimmed.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(value);
            }
            out.push('\n');
        }
        out
    }

    /// `SignedHeaders`: the lower-case header names, sorted, joined with `;`.
    pub fn signed_headers(&self) -> String {
        let names: Vec<&str> = self.headers.keys().map(String::as_str).collect();
        names.join(";")
    }

    /// [`string_to_sign`] of this canonical request.
    pub fn string_to_sign(&self) -> String {
        string_to_sign(&self.to_string())
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method,
            self.path,
            self.canonical_query_string(),
            self.canonical_headers(),
            self.signed_headers(),
            self.hashed_payload
        )
    }
}

/// `"ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request))`.
pub fn string_to_sign(canonical_request: &str) -> String {
    let mut out = String::with_capacity(ALGORITHM.len() + 1 + 64);
    out.push_str(ALGORITHM);
    out.push('\n');
    out.push_str(&hex::encode(Sha256::digest(canonical_request.as_bytes())));
    out
}

/// `hex(HMAC-SHA256(secret, string_to_sign))`, lower case. Unlike RPC v1, no
/// `&` is appended to the secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    hex::encode(mac::hmac_sha256(
        secret.as_bytes(),
        string_to_sign.as_bytes(),
    ))
}

/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b;c>,Signature=<hex>`,
/// with no spaces after the commas, as the Python SDK writes it.
pub fn authorization_header(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={signed_headers},Signature={signature}"
    )
}

/// Signs `request` and returns the whole `Authorization` header value.
pub fn authorize(access_key_id: &str, secret: &str, request: &CanonicalRequest) -> String {
    let signature = signature(secret, &request.string_to_sign());
    authorization_header(access_key_id, &request.signed_headers(), &signature)
}

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

/// Why [`parse_authorization`] or [`verify`] rejected a request. No variant
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
        /// The canonical request the server built.
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

/// Parses an `Authorization` header value of the form
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
///
/// Whitespace around the parts is tolerated (`, ` as well as `,`); anything
/// else that deviates gets its own [`AuthorizationError`]. A server calls this
/// first to find the AccessKey ID, then [`verify`] with the matching secret.
pub fn parse_authorization(value: &str) -> Result<ParsedAuthorization, V3Error> {
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
    let names = parse_signed_headers(signed_headers)?;
    if signature.len() != 64
        || !signature
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(AuthorizationError::InvalidSignature.into());
    }
    Ok(ParsedAuthorization {
        access_key_id: credential.to_owned(),
        signed_headers: names,
        signature: signature.to_owned(),
    })
}

/// Splits and validates a `SignedHeaders` value.
fn parse_signed_headers(list: &str) -> Result<Vec<String>, AuthorizationError> {
    let names: Vec<&str> = list.split(';').collect();
    for &name in &names {
        if name.is_empty() {
            return Err(AuthorizationError::EmptySignedHeader);
        }
        if name.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(AuthorizationError::UppercaseSignedHeader {
                name: name.to_owned(),
            });
        }
    }
    for pair in names.windows(2) {
        if let [a, b] = pair {
            if a == b {
                return Err(AuthorizationError::DuplicateSignedHeader {
                    name: (*a).to_owned(),
                });
            }
            if a > b {
                return Err(AuthorizationError::UnsortedSignedHeaders);
            }
        }
    }
    Ok(names.into_iter().map(str::to_owned).collect())
}

/// All values of header `name` (case-insensitive) in `headers`.
fn header_values<'a, K, V>(headers: &'a [(K, V)], name: &str) -> Vec<&'a str>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    headers
        .iter()
        .filter(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
        .collect()
}

/// The single value of a header that must appear exactly once.
fn single_header<'a, K, V>(headers: &'a [(K, V)], name: &'static str) -> Result<&'a str, V3Error>
where
    K: AsRef<str>,
    V: AsRef<str>,
{
    match header_values(headers, name).as_slice() {
        [] => Err(V3Error::MissingHeader { name }),
        [value] => Ok(value),
        _ => Err(V3Error::DuplicateHeader { name }),
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
/// Checks, in order: one well-formed `Authorization` header; one
/// `x-acs-content-sha256` header equal to `hex(sha256(body))`; every signed
/// header present; then the signature, compared in constant time.
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
    let authorization = parse_authorization(single_header(headers, AUTHORIZATION_HEADER)?)?;

    let received = single_header(headers, CONTENT_SHA256_HEADER)?;
    let computed = payload_hash(body);
    if received != computed {
        return Err(V3Error::ContentHashMismatch {
            received: received.to_owned(),
            computed,
        });
    }

    let mut request = CanonicalRequest::new(method, path)
        .query_params(query)
        .hashed_payload(&computed);
    for name in &authorization.signed_headers {
        let values = header_values(headers, name);
        if values.is_empty() {
            return Err(V3Error::MissingSignedHeader { name: name.clone() });
        }
        for value in values {
            request.push_header(name, value);
        }
    }

    let canonical_request = request.to_string();
    let string_to_sign = string_to_sign(&canonical_request);
    // parse_authorization guarantees 64 lower-case hex digits.
    let matches = hex::decode(&authorization.signature).is_ok_and(|tag| {
        mac::verify_hmac_sha256(secret.as_bytes(), string_to_sign.as_bytes(), &tag)
    });
    if matches {
        Ok(())
    } else {
        Err(V3Error::SignatureMismatch {
            canonical_request,
            string_to_sign,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    type Pairs = Vec<(String, String)>;

    fn signed_request() -> (Pairs, Pairs) {
        let query = vec![("RegionId".to_owned(), "cn-hangzhou".to_owned())];
        let mut headers = vec![
            ("Host".to_owned(), "127.0.0.1:1".to_owned()),
            (
                "x-acs-content-sha256".to_owned(),
                EMPTY_PAYLOAD_HASH.to_owned(),
            ),
        ];
        let request = CanonicalRequest::new("POST", "/")
            .query_params(&query)
            .header("host", "127.0.0.1:1")
            .header("x-acs-content-sha256", EMPTY_PAYLOAD_HASH);
        headers.push((
            "Authorization".to_owned(),
            authorize("id", "secret", &request),
        ));
        (query, headers)
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
        doubled.push(("AUTHORIZATION".into(), headers[2].1.clone()));
        assert_eq!(
            verify("secret", "POST", "/", &query, &doubled, b""),
            Err(V3Error::DuplicateHeader {
                name: "authorization"
            })
        );
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
        assert_eq!(sts, &string_to_sign(canonical_request));
        assert!(!format!("{err:?} {err}").contains("other"));
    }

    #[test]
    fn multiple_header_values_are_trimmed_sorted_and_joined() {
        let request = CanonicalRequest::new("GET", "/")
            .header("X-B", " 2 ")
            .header("x-b", "1")
            .header("x-a", "v");
        assert_eq!(request.canonical_headers(), "x-a:v\nx-b:1,2\n");
        assert_eq!(request.signed_headers(), "x-a;x-b");
    }

    #[test]
    fn canonical_query_encodes_values_but_not_names() {
        let request = CanonicalRequest::new("GET", "/")
            .query("b", "x y")
            .query("a*", "*");
        assert_eq!(request.canonical_query_string(), "a*=%2A&b=x%20y");
    }
}
