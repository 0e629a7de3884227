//! Tencent Cloud API 3.0 signature, `TC3-HMAC-SHA256`.
//!
//! Reproduces `tencentcloud-sdk-python` (`AbstractClient._build_req_with_tc3_signature`,
//! `Sign.sign_tc3`), the default of every current official SDK, and the "签名方法 v3"
//! (signature method v3) document:
//!
//! ```text
//! CanonicalRequest = METHOD "\n" "/" "\n" CanonicalQuery "\n" CanonicalHeaders "\n" SignedHeaders "\n" HashedPayload
//! CanonicalQuery   = GET: the query string exactly as sent (not sorted, not re-encoded); POST: ""
//! CanonicalHeaders = for each signed header, sorted by name: lower(name) ":" lower(trim(value)) "\n"
//! SignedHeaders    = join(";", lower(name))            at least content-type;host (what the SDKs sign)
//! HashedPayload    = hex(sha256(body)), or "UNSIGNED-PAYLOAD" with X-TC-Content-SHA256: UNSIGNED-PAYLOAD
//! Date             = UTC date of X-TC-Timestamp, YYYY-MM-DD
//! StringToSign     = "TC3-HMAC-SHA256\n" timestamp "\n" Date "/" service "/tc3_request\n" hex(sha256(CanonicalRequest))
//! SigningKey       = HMAC(HMAC(HMAC("TC3" SecretKey, Date), service), "tc3_request")
//! Signature        = hex(HMAC-SHA256(SigningKey, StringToSign))
//! Authorization    = "TC3-HMAC-SHA256 Credential=" id "/" Date "/" service "/tc3_request, SignedHeaders=" list ", Signature=" hex
//! ```
//!
//! The SDKs write header values as they send them (`application/json`,
//! the configured endpoint with its `:port`); the document says to lower-case
//! and trim them. The two agree for everything the SDKs send, and this module
//! follows the document, so a client that sends `Host: VPC.example` still
//! verifies on a server that follows the document too.
//!
//! `X-TC-Token`, `X-TC-Action`, `X-TC-Region` and the other `X-TC-*` headers
//! are not signed by the SDKs (only `content-type` and `host` are), so a
//! token changes nothing here: the signature with and without it is the same.
//!
//! Every intermediate artefact is available on its own so that tests can pin
//! each step: [`CanonicalRequest`] (as text, its payload hash and its hash),
//! [`date_of`], [`credential_scope`], [`string_to_sign`], [`SigningKey`],
//! [`signature`] and [`authorization_header`]. [`authorize`] and
//! [`verify()`] build neither the canonical request nor the string to sign:
//! both are streamed into their hashes by the same code that renders them.

mod authorization;
mod canonical;
mod verify;

use std::fmt;

use hmac::Mac as _;

use crate::mac;
use crate::sink::{self, Ascii, Emit, Sink, Text};

pub use authorization::{AuthorizationError, ParsedAuthorization, parse_authorization};
pub use canonical::CanonicalRequest;
pub use verify::{Tc3Error, verify};

/// The algorithm name that starts the string to sign and the
/// `Authorization` header.
pub const ALGORITHM: &str = "TC3-HMAC-SHA256";

/// The last element of every credential scope.
pub const TERMINATOR: &str = "tc3_request";

/// Header carrying the signature.
pub const AUTHORIZATION_HEADER: &str = "authorization";

/// Header carrying the request time in seconds since the epoch; its UTC date
/// is the date of the credential scope.
pub const TIMESTAMP_HEADER: &str = "x-tc-timestamp";

/// Header naming the API action. Not signed by the SDKs, but required in
/// every API 3.0 request, so [`verify()`] refuses a request without it.
pub const ACTION_HEADER: &str = "x-tc-action";

/// Header carrying a temporary credential's token (never signed).
pub const TOKEN_HEADER: &str = "x-tc-token";

/// Header whose value `UNSIGNED-PAYLOAD` makes the canonical request end in
/// that literal instead of the body hash.
pub const CONTENT_SHA256_HEADER: &str = "x-tc-content-sha256";

/// The payload string of a request sent with `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The headers every `SignedHeaders` list must contain, sorted. The
/// document calls them mandatory ("至少包含 host 和 content-type") and every
/// official SDK signs exactly these two.
pub const REQUIRED_SIGNED_HEADERS: [&str; 2] = ["content-type", "host"];

/// `hex(sha256(""))`, the payload hash of a GET request.
pub const EMPTY_PAYLOAD_HASH: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// `YYYY-MM-DD`, the UTC date of `timestamp` (seconds since the epoch): the
/// date of the credential scope and of the signing key.
pub fn date_of(timestamp: i64) -> String {
    let parts = crate::timestamp::parts(timestamp);
    format!("{:04}-{:02}-{:02}", parts.year, parts.month, parts.day)
}

/// `Date/service/tc3_request`.
pub fn credential_scope(date: &str, service: &str) -> String {
    sink::render(&Scope { date, service })
}

/// The credential scope, written piece by piece.
#[derive(Clone, Copy)]
struct Scope<'a> {
    date: &'a str,
    service: &'a str,
}

impl Emit for Scope<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.date);
        out.put("/");
        out.put(self.service);
        out.put("/");
        out.put(TERMINATOR);
    }
}

/// The string to sign, given the hex hash of the canonical request.
struct StringToSign<'a> {
    timestamp: &'a str,
    scope: Scope<'a>,
    hashed_canonical_request: &'a [u8; 64],
}

impl Emit for StringToSign<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(ALGORITHM);
        out.put("\n");
        out.put(self.timestamp);
        out.put("\n");
        self.scope.emit(out);
        out.put("\n");
        out.put_ascii(self.hashed_canonical_request);
    }
}

/// `"TC3-HMAC-SHA256\n" timestamp "\n" scope "\n" hashed_canonical_request`.
///
/// `timestamp` is the `X-TC-Timestamp` value as sent; `hashed_canonical_request`
/// is [`CanonicalRequest::hash`] (64 lower-case hex digits).
pub fn string_to_sign(
    timestamp: &str,
    date: &str,
    service: &str,
    hashed_canonical_request: &str,
) -> String {
    let mut out = String::new();
    for piece in [ALGORITHM, "\n", timestamp, "\n"] {
        out.push_str(piece);
    }
    out.push_str(&credential_scope(date, service));
    out.push('\n');
    out.push_str(hashed_canonical_request);
    out
}

/// The key derived from the secret for one date and service. It changes once
/// a day, so a client may keep it instead of deriving it for every call; it
/// also keeps the HMAC state already keyed with it, which saves hashing the
/// two key blocks on every signature. Its `Debug` output does not show the
/// key.
#[derive(Clone)]
pub struct SigningKey {
    key: [u8; 32],
    keyed: mac::HmacSha256,
}

impl SigningKey {
    /// `HMAC(HMAC(HMAC("TC3" + secret_key, date), service), "tc3_request")`.
    pub fn derive(secret_key: &str, date: &str, service: &str) -> Self {
        let k_date = hmac_parts(&[b"TC3", secret_key.as_bytes()], date.as_bytes());
        let k_service = hmac_parts(&[&k_date], service.as_bytes());
        let key = hmac_parts(&[&k_service], TERMINATOR.as_bytes());
        Self {
            key,
            keyed: mac::sha256_mac(&[&key]),
        }
    }

    /// The key bytes (an intermediate artefact of the document's example).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.key
    }

    /// The HMAC keyed with this key, after absorbing `text`.
    fn mac_of<E: Emit + ?Sized>(&self, text: &E) -> mac::HmacSha256 {
        sink::absorb(text, self.keyed.clone())
    }
}

impl PartialEq for SigningKey {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl Eq for SigningKey {}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// HMAC-SHA256 of `message` under the concatenation of `key_parts`.
fn hmac_parts(key_parts: &[&[u8]], message: &[u8]) -> [u8; 32] {
    let mut mac = mac::sha256_mac(key_parts);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// `hex(HMAC-SHA256(signing_key, string_to_sign))`, lower case.
pub fn signature(signing_key: &SigningKey, string_to_sign: &str) -> String {
    let tag = signing_key.mac_of(&Text(string_to_sign)).finalize();
    sink::ascii_string(&sink::hex_lower_32(&tag.into_bytes().into()))
}

/// The `Authorization` header value.
struct Authorization<'a, H, G> {
    secret_id: &'a str,
    scope: Scope<'a>,
    signed_headers: H,
    signature: G,
}

impl<H: Emit, G: Emit> Emit for Authorization<'_, H, G> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(ALGORITHM);
        out.put(" Credential=");
        out.put(self.secret_id);
        out.put("/");
        self.scope.emit(out);
        out.put(", SignedHeaders=");
        self.signed_headers.emit(out);
        out.put(", Signature=");
        self.signature.emit(out);
    }
}

/// `TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request, SignedHeaders=<a;b>, Signature=<hex>`,
/// with a space after each comma, as the SDKs write it.
pub fn authorization_header(
    secret_id: &str,
    date: &str,
    service: &str,
    signed_headers: &str,
    signature: &str,
) -> String {
    sink::render(&Authorization {
        secret_id,
        scope: Scope { date, service },
        signed_headers: Text(signed_headers),
        signature: Text(signature),
    })
}

/// The time and place a signature is made for: the `X-TC-Timestamp` value
/// (seconds since the epoch) and the service (`vpc`, the endpoint's first
/// label, which the SDKs take from the client, not from the host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scoped<'a> {
    /// `X-TC-Timestamp`.
    pub timestamp: i64,
    /// The service name of the credential scope.
    pub service: &'a str,
}

/// Signs `request` and returns the whole `Authorization` header value,
/// deriving the signing key from `secret_key`.
pub fn authorize(
    secret_id: &str,
    secret_key: &str,
    scoped: Scoped<'_>,
    request: &CanonicalRequest,
) -> String {
    let date = date_of(scoped.timestamp);
    let key = SigningKey::derive(secret_key, &date, scoped.service);
    authorize_with_key(secret_id, &key, &date, scoped, request)
}

/// [`authorize`] with a signing key derived before (for `date`, which must be
/// [`date_of`] the timestamp, and the same service).
///
/// Neither the canonical request nor the string to sign is built: both are
/// streamed into their hashes, and the header is the only allocation.
pub fn authorize_with_key(
    secret_id: &str,
    key: &SigningKey,
    date: &str,
    scoped: Scoped<'_>,
    request: &CanonicalRequest,
) -> String {
    let hash = request.hash_hex();
    let mut timestamp = itoa_buffer();
    let timestamp = format_i64(scoped.timestamp, &mut timestamp);
    let scope = Scope {
        date,
        service: scoped.service,
    };
    let to_sign = StringToSign {
        timestamp,
        scope,
        hashed_canonical_request: &hash,
    };
    let tag = key.mac_of(&to_sign).finalize();
    let signature = sink::hex_lower_32(&tag.into_bytes().into());
    sink::render(&Authorization {
        secret_id,
        scope,
        signed_headers: canonical::SignedHeaders(request),
        signature: Ascii(&signature),
    })
}

/// Room for the decimal digits of any `i64`.
fn itoa_buffer() -> [u8; 20] {
    [0; 20]
}

/// The decimal form of `value` in `buffer`, without allocating.
fn format_i64(value: i64, buffer: &mut [u8; 20]) -> &str {
    let mut n = value.unsigned_abs();
    let mut at = buffer.len();
    loop {
        at -= 1;
        buffer[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if value < 0 {
        at -= 1;
        buffer[at] = b'-';
    }
    // Only ASCII digits and `-` were written.
    std::str::from_utf8(&buffer[at..]).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc() {
        assert_eq!(date_of(1_551_113_065), "2019-02-25");
        assert_eq!(date_of(1_465_185_768), "2016-06-06");
        assert_eq!(date_of(0), "1970-01-01");
        assert_eq!(date_of(86_399), "1970-01-01");
        assert_eq!(date_of(86_400), "1970-01-02");
    }

    #[test]
    fn formats_any_i64() {
        for value in [0, 7, 1_465_185_768, -1, i64::MAX, i64::MIN] {
            let mut buffer = itoa_buffer();
            assert_eq!(format_i64(value, &mut buffer), value.to_string());
        }
    }

    #[test]
    fn signing_key_debug_hides_the_key() {
        let key = SigningKey::derive("secret", "2019-02-25", "cvm");
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }
}
