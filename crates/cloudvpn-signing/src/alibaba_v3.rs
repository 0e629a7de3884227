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
//!
//! [`authorize`] and [`verify`] build neither the canonical request nor the
//! string to sign: the same code that renders them streams them into
//! SHA-256 and the HMAC (see `sink.rs`), so signing allocates only the
//! request's own buffers and the header value it returns.

use std::fmt;

use hmac::Mac as _;
use sha2::{Digest, Sha256};

use crate::mac;
use crate::params::prefix_key;
use crate::sink::{self, Ascii, Emit, Sink, Text};

/// The algorithm name that starts the string to sign and the
/// `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Header carrying the hex SHA-256 of the body; it is also the last line of
/// the canonical request.
pub const CONTENT_SHA256_HEADER: &str = "x-acs-content-sha256";

/// Header carrying the signature.
pub const AUTHORIZATION_HEADER: &str = "authorization";

/// Header carrying an STS session token; when a request has it, it must be
/// signed (see [`REQUIRED_SIGNED_HEADERS`]).
pub const SECURITY_TOKEN_HEADER: &str = "x-acs-security-token";

/// The headers [`verify`] requires in every `SignedHeaders` list, sorted.
///
/// Alibaba's V3 document says every common request header other than
/// `Authorization` must be signed when it is present. These are the ones
/// that make a request what it is and unique: without `x-acs-action` and
/// `x-acs-version` a signature for one call could be reused for another,
/// and without `x-acs-date` and `x-acs-signature-nonce` it could be replayed
/// with a fresh timestamp and nonce for ever. [`SECURITY_TOKEN_HEADER`] is
/// required as well whenever the request carries it.
pub const REQUIRED_SIGNED_HEADERS: [&str; 6] = [
    "host",
    "x-acs-action",
    CONTENT_SHA256_HEADER,
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

/// `hex(sha256(""))`, the payload hash of every body-less request (all three
/// VPN delete calls send their parameters in the query).
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lower-case hex SHA-256 of `body`, as 64 ASCII bytes.
fn payload_hash_hex(body: &[u8]) -> [u8; 64] {
    sink::hex_lower_32(&Sha256::digest(body).into())
}

/// Lower-case hex SHA-256 of `body`, the value of `x-acs-content-sha256`.
pub fn payload_hash(body: &[u8]) -> String {
    sink::ascii_string(&payload_hash_hex(body))
}

/// Bytes initially reserved for the text of a [`CanonicalRequest`]: enough
/// for the SDK's requests (about 500 bytes without an STS token), so
/// building one normally allocates this buffer and the two index vectors
/// and nothing else. It stays below 1 KiB, the size from which glibc's
/// `malloc` serves requests from its large bins and first consolidates
/// every freed small chunk (`malloc_consolidate`).
const INITIAL_TEXT_CAPACITY: usize = 768;

/// Header entries initially reserved (the SDK signs 9 to 11 headers).
const INITIAL_HEADER_CAPACITY: usize = 12;

/// A byte range of [`CanonicalRequest`]'s text buffer.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// The string `span` covers in `text`. Spans are only ever made by
/// [`CanonicalRequest::push_text`], around a whole appended `&str`, so they
/// lie on char boundaries.
#[inline]
fn get(text: &str, span: Span) -> &str {
    &text[span.start..span.end]
}

/// One query parameter or header: where its name and value are in the text
/// buffer, and the name's [`prefix_key`] so that ordering entries rarely
/// needs `memcmp`.
#[derive(Debug, Clone, Copy)]
struct Entry {
    prefix: u64,
    name: Span,
    value: Span,
}

/// What entries are ordered by: name, then value, bytewise.
type SortKey<'a> = (u64, &'a [u8], &'a [u8]);

impl Entry {
    /// The entry's sort key, read from `text`.
    #[inline]
    fn key(self, text: &str) -> SortKey<'_> {
        let bytes = text.as_bytes();
        (
            self.prefix,
            &bytes[self.name.start..self.name.end],
            &bytes[self.value.start..self.value.end],
        )
    }
}

/// Inserts `entry` after every entry that sorts before or equal to it, so
/// `entries` stays sorted (a binary search and a short `memmove`; requests
/// have a dozen or so entries).
fn insert_sorted(text: &str, entries: &mut Vec<Entry>, entry: Entry) {
    let key = entry.key(text);
    let at = entries.partition_point(|e| e.key(text) <= key);
    entries.insert(at, entry);
}

/// `value.trim()`, skipping the Unicode-aware scan in the usual case where
/// the value starts and ends with a visible ASCII character (no whitespace
/// character is one).
#[inline]
fn trim(value: &str) -> &str {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => value,
        _ => value.trim(),
    }
}

/// The canonical request: everything the signature covers, built the same
/// way by the signer and by [`verify`].
///
/// Query parameters and headers may be added in any order; rendering sorts
/// them. Header names are lower-cased and values trimmed when added (the
/// rendered text is the same as trimming when rendering). Every header added
/// is a signed header, so a client adds the headers it signs, and a verifier
/// adds the ones named in `SignedHeaders`. The payload hash defaults to
/// [`EMPTY_PAYLOAD_HASH`].
///
/// [`Display`](fmt::Display) renders the canonical request text. Two values
/// are equal when they have the same method, path, payload hash, query
/// parameters and headers, whatever order those were added in.
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
#[derive(Clone)]
pub struct CanonicalRequest {
    /// Every string of the request, back to back; the fields below are byte
    /// ranges of it. One growing buffer instead of two `String`s per
    /// parameter and header.
    text: String,
    method: Span,
    path: Span,
    /// `None` stands for [`EMPTY_PAYLOAD_HASH`].
    hashed_payload: Option<Span>,
    /// `(name, value)`, kept sorted by name, then value (bytewise).
    query: Vec<Entry>,
    /// `(lower-case name, trimmed value)`, kept sorted by name, then value,
    /// which is the order rendering needs: names sorted, and the values of
    /// one name sorted before they are joined with `,`.
    headers: Vec<Entry>,
}

impl CanonicalRequest {
    /// Starts a canonical request for `method` (as sent, e.g. `POST`) and
    /// `path` (`/` for every RPC-style API).
    pub fn new(method: &str, path: &str) -> Self {
        let mut request = Self {
            text: String::with_capacity(INITIAL_TEXT_CAPACITY + method.len() + path.len()),
            method: Span { start: 0, end: 0 },
            path: Span { start: 0, end: 0 },
            hashed_payload: None,
            query: Vec::new(),
            headers: Vec::with_capacity(INITIAL_HEADER_CAPACITY),
        };
        request.method = request.push_text(method);
        request.path = request.push_text(path);
        request
    }

    /// Appends `s` to the text buffer and returns where it went.
    fn push_text(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        Span {
            start,
            end: self.text.len(),
        }
    }

    /// The string `span` covers.
    fn str(&self, span: Span) -> &str {
        get(&self.text, span)
    }

    /// The strings of one query or header entry.
    fn pair(&self, entry: Entry) -> (&str, &str) {
        (self.str(entry.name), self.str(entry.value))
    }

    /// Appends `name` (lower-cased if `lowercase_name`) and `value` to the
    /// text buffer and returns their entry.
    fn new_entry(&mut self, name: &str, value: &str, lowercase_name: bool) -> Entry {
        let name = self.push_text(name);
        if lowercase_name {
            self.text[name.start..name.end].make_ascii_lowercase();
        }
        let value = self.push_text(value);
        Entry {
            prefix: prefix_key(self.str(name)),
            name,
            value,
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
            let (name, value) = (name.as_ref(), value.as_ref());
            let entry = Entry {
                prefix: prefix_key(name),
                name: self.push_text(name),
                value: self.push_text(value),
            };
            self.query.push(entry);
        }
        // Sorting once keeps a large (possibly hostile) parameter list
        // O(n log n); an already sorted list costs one linear pass.
        let text = &self.text;
        self.query
            .sort_unstable_by(|a, b| a.key(text).cmp(&b.key(text)));
        self
    }

    /// Adds one decoded query parameter in place.
    pub fn push_query(&mut self, name: &str, value: &str) {
        let entry = self.new_entry(name, value, false);
        insert_sorted(&self.text, &mut self.query, entry);
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
        let entry = self.new_entry(name, trim(value), true);
        insert_sorted(&self.text, &mut self.headers, entry);
    }

    /// Sets the payload hash (lower-case hex SHA-256 of the body, the value
    /// sent as `x-acs-content-sha256`).
    #[must_use]
    pub fn hashed_payload(mut self, hex_sha256: &str) -> Self {
        self.hashed_payload = if hex_sha256 == EMPTY_PAYLOAD_HASH {
            None
        } else {
            Some(self.push_text(hex_sha256))
        };
        self
    }

    /// Sets the payload hash from the body itself.
    #[must_use]
    pub fn body(mut self, body: &[u8]) -> Self {
        if body.is_empty() {
            self.hashed_payload = None;
            return self;
        }
        let hex = payload_hash_hex(body);
        let start = self.text.len();
        self.text.put_ascii(&hex);
        self.hashed_payload = Some(Span {
            start,
            end: self.text.len(),
        });
        self
    }

    /// The payload hash line.
    fn payload(&self) -> &str {
        self.hashed_payload
            .map_or(EMPTY_PAYLOAD_HASH, |span| self.str(span))
    }

    /// `CanonicalQueryString`: `name=pct(value)` sorted by name (bytewise),
    /// joined with `&`; names are not encoded (as the Python SDK does).
    pub fn canonical_query_string(&self) -> String {
        sink::render(&Part::Query(self))
    }

    /// `CanonicalHeaders`: one `name:value\n` line per signed header, sorted
    /// by name; several values are trimmed, sorted and joined with `,`.
    pub fn canonical_headers(&self) -> String {
        sink::render(&Part::Headers(self))
    }

    /// `SignedHeaders`: the lower-case header names, sorted, joined with `;`.
    pub fn signed_headers(&self) -> String {
        sink::render(&Part::SignedHeaders(self))
    }

    /// [`string_to_sign`] of this canonical request, computed without
    /// building the canonical request text.
    pub fn string_to_sign(&self) -> String {
        sink::render(&StringToSign(&self.hash_hex()))
    }

    /// `hex(sha256(canonical request))`, with the canonical request streamed
    /// into the hash.
    fn hash_hex(&self) -> [u8; 64] {
        let hash = sink::absorb(self, Sha256::new()).finalize();
        sink::hex_lower_32(&hash.into())
    }

    /// The MAC of this request's string to sign under `secret`, streamed.
    fn mac(&self, secret: &str) -> mac::HmacSha256 {
        sink::absorb(
            &StringToSign(&self.hash_hex()),
            mac::sha256_mac(&[secret.as_bytes()]),
        )
    }
}

/// The pieces of a [`CanonicalRequest`] that are rendered on their own.
enum Part<'a> {
    /// `CanonicalQueryString`.
    Query(&'a CanonicalRequest),
    /// `CanonicalHeaders`.
    Headers(&'a CanonicalRequest),
    /// `SignedHeaders`.
    SignedHeaders(&'a CanonicalRequest),
}

impl Emit for Part<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        match *self {
            Self::Query(request) => {
                for (i, &entry) in request.query.iter().enumerate() {
                    let (name, value) = request.pair(entry);
                    if i > 0 {
                        out.put("&");
                    }
                    out.put(name);
                    out.put("=");
                    out.put_encoded(value);
                }
            }
            Self::Headers(request) => {
                let mut previous: Option<(u64, &str)> = None;
                for &entry in &request.headers {
                    let (name, value) = request.pair(entry);
                    if previous == Some((entry.prefix, name)) {
                        out.put(",");
                    } else {
                        if previous.is_some() {
                            out.put("\n");
                        }
                        out.put(name);
                        out.put(":");
                    }
                    out.put(value);
                    previous = Some((entry.prefix, name));
                }
                if previous.is_some() {
                    out.put("\n");
                }
            }
            Self::SignedHeaders(request) => {
                let mut previous: Option<(u64, &str)> = None;
                for entry in &request.headers {
                    let name = request.str(entry.name);
                    if previous == Some((entry.prefix, name)) {
                        continue;
                    }
                    if previous.is_some() {
                        out.put(";");
                    }
                    out.put(name);
                    previous = Some((entry.prefix, name));
                }
            }
        }
    }
}

/// The canonical request text: the one description that both
/// [`Display`](fmt::Display) (rendered) and the signature (streamed into
/// SHA-256) use.
impl Emit for CanonicalRequest {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.str(self.method));
        out.put("\n");
        out.put(self.str(self.path));
        out.put("\n");
        Part::Query(self).emit(out);
        out.put("\n");
        Part::Headers(self).emit(out);
        out.put("\n");
        Part::SignedHeaders(self).emit(out);
        out.put("\n");
        out.put(self.payload());
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sink::render(self))
    }
}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Header names mapped to their values.
        struct Headers<'a>(&'a CanonicalRequest);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let request = self.0;
                let mut map = f.debug_map();
                let mut rest = request.headers.as_slice();
                while let Some(first) = rest.first() {
                    let name = request.str(first.name);
                    let count = rest
                        .iter()
                        .take_while(|e| request.str(e.name) == name)
                        .count();
                    let (group, tail) = rest.split_at(count);
                    let values: Vec<&str> = group.iter().map(|e| request.str(e.value)).collect();
                    map.entry(&name, &values);
                    rest = tail;
                }
                map.finish()
            }
        }
        let query: Vec<(&str, &str)> = self.query.iter().map(|&e| self.pair(e)).collect();
        f.debug_struct("CanonicalRequest")
            .field("method", &self.str(self.method))
            .field("path", &self.str(self.path))
            .field("query", &query)
            .field("headers", &Headers(self))
            .field("hashed_payload", &self.payload())
            .finish()
    }
}

impl PartialEq for CanonicalRequest {
    fn eq(&self, other: &Self) -> bool {
        let same_entries = |a: &[Entry], b: &[Entry]| {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|(&x, &y)| self.pair(x) == other.pair(y))
        };
        self.str(self.method) == other.str(other.method)
            && self.str(self.path) == other.str(other.path)
            && self.payload() == other.payload()
            && same_entries(&self.query, &other.query)
            && same_entries(&self.headers, &other.headers)
    }
}

impl Eq for CanonicalRequest {}

/// `"ACS3-HMAC-SHA256\n" + hex`, given the hex SHA-256 of a canonical
/// request: rendered by [`string_to_sign`], streamed into the MAC by
/// [`authorize`] and [`verify`].
struct StringToSign<'a>(&'a [u8; 64]);

impl Emit for StringToSign<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(ALGORITHM);
        out.put("\n");
        out.put_ascii(self.0);
    }
}

/// `"ACS3-HMAC-SHA256\n" + hex(sha256(canonical_request))`.
pub fn string_to_sign(canonical_request: &str) -> String {
    sink::render(&StringToSign(&payload_hash_hex(
        canonical_request.as_bytes(),
    )))
}

/// `hex(HMAC-SHA256(secret, string_to_sign))`, lower case. Unlike RPC v1, no
/// `&` is appended to the secret.
pub fn signature(secret: &str, string_to_sign: &str) -> String {
    sink::ascii_string(&sink::hex_lower_32(&mac::hmac_sha256(
        secret.as_bytes(),
        string_to_sign.as_bytes(),
    )))
}

/// The `Authorization` header value.
struct Authorization<'a, H, G> {
    access_key_id: &'a str,
    signed_headers: H,
    signature: G,
}

impl<H: Emit, G: Emit> Emit for Authorization<'_, H, G> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(ALGORITHM);
        out.put(" Credential=");
        out.put(self.access_key_id);
        out.put(",SignedHeaders=");
        self.signed_headers.emit(out);
        out.put(",Signature=");
        self.signature.emit(out);
    }
}

/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b;c>,Signature=<hex>`,
/// with no spaces after the commas, as the Python SDK writes it.
pub fn authorization_header(access_key_id: &str, signed_headers: &str, signature: &str) -> String {
    sink::render(&Authorization {
        access_key_id,
        signed_headers: Text(signed_headers),
        signature: Text(signature),
    })
}

/// Signs `request` and returns the whole `Authorization` header value.
///
/// Neither the canonical request nor the string to sign is built: both are
/// streamed into their hashes, and the header is the only allocation.
pub fn authorize(access_key_id: &str, secret: &str, request: &CanonicalRequest) -> String {
    let tag = request.mac(secret).finalize().into_bytes();
    let signature = sink::hex_lower_32(&tag.into());
    sink::render(&Authorization {
        access_key_id,
        signed_headers: Part::SignedHeaders(request),
        signature: Ascii(&signature),
    })
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

/// Parses an `Authorization` header value of the form
/// `ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<a;b>,Signature=<hex>`.
///
/// Whitespace around the parts is tolerated (`, ` as well as `,`); anything
/// else that deviates gets its own [`AuthorizationError`]. A server calls this
/// first to find the AccessKey ID, then [`verify`] with the matching secret.
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
struct AuthorizationRef<'a> {
    access_key_id: &'a str,
    /// The validated `SignedHeaders` list, still `;`-separated.
    signed_headers: &'a str,
    /// The `Signature` value: 64 lower-case hex digits.
    signature_hex: &'a str,
    /// The signature bytes (`signature_hex` decoded).
    signature: [u8; 32],
}

/// The checks of [`parse_authorization`], without copying anything out.
fn parse_authorization_ref(value: &str) -> Result<AuthorizationRef<'_>, V3Error> {
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
