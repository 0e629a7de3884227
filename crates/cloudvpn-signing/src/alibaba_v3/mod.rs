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
//! pin each step. [`verify`](fn@verify) rebuilds the canonical request with the same
//! [`CanonicalRequest`] type the signer uses, from exactly the headers listed
//! in the received `SignedHeaders`.
//!
//! [`authorize`] and [`verify`](fn@verify) build neither the canonical request nor the
//! string to sign: the same code that renders them streams them into
//! SHA-256 and the HMAC (see `sink/`), so signing allocates only the
//! request's own buffers and the header value it returns.

mod authorization;
mod canonical;
mod verify;

use hmac::Mac as _;
use sha2::{Digest, Sha256};

use crate::mac;
use crate::sink::{self, Emit, Sink, Text};
use std::fmt;

pub use authorization::{AuthorizationError, ParsedAuthorization, parse_authorization};
pub use canonical::CanonicalRequest;
use canonical::{Part, Rendered};
pub use verify::{V3Error, verify};

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

/// The headers [`verify`](fn@verify) requires in every `SignedHeaders` list, sorted.
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

/// `"ACS3-HMAC-SHA256\n" + hex`, given the hex SHA-256 of a canonical
/// request: rendered by [`string_to_sign`], streamed into the MAC by
/// [`authorize`] and [`verify`](fn@verify).
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

/// The HMAC-SHA256 state keyed with one `AccessKeySecret`: both key blocks
/// (inner and outer pad) already hashed, so a client that keeps it for its
/// credentials saves two SHA-256 blocks per signature. Signing with it gives
/// exactly the bytes [`authorize`] gives with the secret.
#[derive(Clone)]
pub struct SigningKey {
    keyed: mac::HmacSha256,
}

impl SigningKey {
    /// Keys the MAC with `secret`.
    pub fn new(secret: &str) -> Self {
        SigningKey {
            keyed: mac::sha256_mac(&[secret.as_bytes()]),
        }
    }
}

/// Never shows the key.
impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// Signs `request` and returns the whole `Authorization` header value.
///
/// Neither the canonical request nor the string to sign is built: both are
/// streamed into their hashes, and the header is the only allocation.
pub fn authorize(access_key_id: &str, secret: &str, request: &CanonicalRequest) -> String {
    authorize_with_key(access_key_id, &SigningKey::new(secret), request)
}

/// [`authorize`] with a [`SigningKey`] kept for the secret.
pub fn authorize_with_key(
    access_key_id: &str,
    key: &SigningKey,
    request: &CanonicalRequest,
) -> String {
    authorize_rendered(access_key_id, key, request, None)
}

/// What a client sends for one signed request: the `Authorization` value and
/// the canonical query string it covers, which is also the request's query on
/// the wire (the Tea SDK sends the canonical query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedQuery {
    /// The whole `Authorization` header value.
    pub authorization: String,
    /// [`CanonicalRequest::canonical_query_string`].
    pub canonical_query: String,
}

/// [`authorize_with_key`] and [`CanonicalRequest::canonical_query_string`] at
/// once, with the same bytes: the query is percent-encoded once, and the text
/// returned for the URL is the text that is hashed (a client that called the
/// two functions encoded its query twice per attempt).
pub fn sign_with_key(
    access_key_id: &str,
    key: &SigningKey,
    request: &CanonicalRequest,
) -> SignedQuery {
    let canonical_query = request.canonical_query_string();
    let authorization = authorize_rendered(access_key_id, key, request, Some(&canonical_query));
    SignedQuery {
        authorization,
        canonical_query,
    }
}

/// The `Authorization` value, written once into a buffer sized without a
/// counting pass. The signed-header list is written into the header first and
/// hashed from there, so the headers are joined once, not twice; `query` is
/// the canonical query when the caller has rendered it already.
fn authorize_rendered(
    access_key_id: &str,
    key: &SigningKey,
    request: &CanonicalRequest,
    query: Option<&str>,
) -> String {
    const CREDENTIAL: &str = " Credential=";
    const SIGNED_HEADERS: &str = ",SignedHeaders=";
    const SIGNATURE: &str = ",Signature=";
    let mut header = String::with_capacity(
        ALGORITHM.len()
            + CREDENTIAL.len()
            + access_key_id.len()
            + SIGNED_HEADERS.len()
            + request.signed_headers_len_bound()
            + SIGNATURE.len()
            + 64,
    );
    header.push_str(ALGORITHM);
    header.push_str(CREDENTIAL);
    header.push_str(access_key_id);
    header.push_str(SIGNED_HEADERS);
    let start = header.len();
    Part::SignedHeaders(request).emit(&mut header);
    let rendered = Rendered {
        query,
        signed_headers: header.get(start..),
    };
    let tag = request
        .mac_with(key.keyed.clone(), &rendered)
        .finalize()
        .into_bytes();
    header.push_str(SIGNATURE);
    header.put_ascii(&sink::hex_lower_32(&tag.into()));
    header
}
