//! The TC3 canonical request: one type that the signer fills from what it
//! sends and the verifier from what it received.

use std::fmt;

use sha2::{Digest, Sha256};

use super::UNSIGNED_PAYLOAD;
use crate::sink::{self, Emit, Sink};

/// What the last line of the canonical request is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Payload {
    /// `hex(sha256(body))`.
    Hash([u8; 64]),
    /// The literal `UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// Bytes initially reserved for the text of a [`CanonicalRequest`]: enough
/// for the SDK's requests (about 60 bytes of method, path and two headers,
/// plus a GET query), so building one allocates this buffer and the header
/// index and nothing else.
const INITIAL_TEXT_CAPACITY: usize = 256;

/// A byte range of [`CanonicalRequest`]'s text buffer. Spans are only made
/// around a whole appended `&str`, so they lie on char boundaries.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

/// Everything a TC3 signature covers except the time and the scope.
///
/// Headers may be added in any order; they are kept sorted by name (bytewise,
/// the document's "ASCII 升序"). Names are lower-cased and values trimmed and
/// lower-cased when added. Every header added is a signed header: a client
/// adds the ones it signs (`Content-Type` and `Host` in the SDKs), a verifier
/// the ones named in `SignedHeaders`. The payload defaults to the hash of an
/// empty body (a GET request).
///
/// [`Display`](fmt::Display) renders the canonical request text; two values
/// are equal when they render the same text.
///
/// ```
/// use cloudvpn_signing::tencent_tc3::CanonicalRequest;
/// let request = CanonicalRequest::new("POST", "/")
///     .header("Host", "vpc.tencentcloudapi.com")
///     .header("Content-Type", "application/json")
///     .body(b"{}");
/// assert_eq!(request.signed_headers(), "content-type;host");
/// assert!(request.to_string().starts_with("POST\n/\n\ncontent-type:application/json\n"));
/// ```
#[derive(Clone)]
pub struct CanonicalRequest {
    /// Every string of the request, back to back; the fields below are byte
    /// ranges of it. One buffer instead of a `String` per piece.
    text: String,
    method: Span,
    path: Span,
    /// The canonical query string: the wire query of a GET, empty for POST.
    query: Span,
    /// `(lower(name), lower(trim(value)))`, sorted by name, equal names in
    /// the order they were added.
    headers: Vec<(Span, Span)>,
    payload: Payload,
}

/// The canonical query string is the query as it was sent: the SDKs use
/// `urlencode(params)` in their own order and sign that very string, and the
/// server must take the bytes after `?` as they arrived.
impl CanonicalRequest {
    /// A request with `method` as sent (`POST` or `GET`) and `path` (`/` for
    /// API 3.0), no query, no header, an empty body.
    pub fn new(method: &str, path: &str) -> Self {
        let mut text = String::with_capacity(INITIAL_TEXT_CAPACITY);
        let method = push_text(&mut text, method);
        let path = push_text(&mut text, path);
        let query = Span {
            start: path.end,
            end: path.end,
        };
        Self {
            text,
            method,
            path,
            query,
            headers: Vec::with_capacity(2),
            payload: Payload::Hash(hash_hex(b"")),
        }
    }

    /// The string `span` covers.
    #[inline]
    fn get(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Sets the canonical query string: the raw query after `?`, still
    /// URL-encoded, exactly as on the wire.
    pub fn query(mut self, raw_query: &str) -> Self {
        self.query = push_text(&mut self.text, raw_query);
        self
    }

    /// Adds a signed header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.push_header(name, value);
        self
    }

    /// Adds a signed header in place.
    pub fn push_header(&mut self, name: &str, value: &str) {
        let name = push_lower(&mut self.text, name);
        let value = push_lower(&mut self.text, value.trim());
        let key = self.get(name);
        let at = self.headers.partition_point(|&(n, _)| self.get(n) <= key);
        self.headers.insert(at, (name, value));
    }

    /// Sets the payload to the hash of `body`, the raw bytes sent.
    pub fn body(mut self, body: &[u8]) -> Self {
        self.payload = Payload::Hash(hash_hex(body));
        self
    }

    /// Sets the payload to `UNSIGNED-PAYLOAD` (a request that sends
    /// `X-TC-Content-SHA256: UNSIGNED-PAYLOAD`).
    pub fn unsigned_payload(mut self) -> Self {
        self.payload = Payload::Unsigned;
        self
    }

    /// The last line: `hex(sha256(body))` or `UNSIGNED-PAYLOAD`.
    pub fn hashed_payload(&self) -> String {
        match &self.payload {
            Payload::Hash(hex) => sink::ascii_string(hex),
            Payload::Unsigned => UNSIGNED_PAYLOAD.to_owned(),
        }
    }

    /// The canonical headers: `name:value\n` for each signed header.
    pub fn canonical_headers(&self) -> String {
        sink::render(&CanonicalHeaders(self))
    }

    /// The `SignedHeaders` list: the names joined with `;`.
    pub fn signed_headers(&self) -> String {
        sink::render(&SignedHeaders(self))
    }

    /// `hex(sha256(canonical request))`, the last line of the string to sign.
    pub fn hash(&self) -> String {
        sink::ascii_string(&self.hash_hex())
    }

    /// [`CanonicalRequest::hash`] as 64 ASCII bytes, streamed rather than
    /// rendered.
    pub(crate) fn hash_hex(&self) -> [u8; 64] {
        let digest = sink::absorb(self, Sha256::new()).finalize();
        sink::hex_lower_32(&digest.into())
    }
}

/// Appends `text` and returns where it is.
fn push_text(buffer: &mut String, text: &str) -> Span {
    let start = buffer.len();
    buffer.push_str(text);
    Span {
        start,
        end: buffer.len(),
    }
}

/// Appends `text` with ASCII letters lower-cased and returns where it is.
fn push_lower(buffer: &mut String, text: &str) -> Span {
    let span = push_text(buffer, text);
    buffer[span.start..span.end].make_ascii_lowercase();
    span
}

impl PartialEq for CanonicalRequest {
    fn eq(&self, other: &Self) -> bool {
        sink::render(self) == sink::render(other)
    }
}

impl Eq for CanonicalRequest {}

impl fmt::Debug for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CanonicalRequest")
            .field(&sink::render(self))
            .finish()
    }
}
/// `hex(sha256(bytes))` as 64 ASCII bytes.
fn hash_hex(bytes: &[u8]) -> [u8; 64] {
    sink::hex_lower_32(&Sha256::digest(bytes).into())
}

impl Emit for CanonicalRequest {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.get(self.method));
        out.put("\n");
        out.put(self.get(self.path));
        out.put("\n");
        out.put(self.get(self.query));
        out.put("\n");
        CanonicalHeaders(self).emit(out);
        out.put("\n");
        SignedHeaders(self).emit(out);
        out.put("\n");
        match &self.payload {
            Payload::Hash(hex) => out.put_ascii(hex),
            Payload::Unsigned => out.put(UNSIGNED_PAYLOAD),
        }
    }
}

impl fmt::Display for CanonicalRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&sink::render(self))
    }
}

/// The canonical headers of a request.
struct CanonicalHeaders<'a>(&'a CanonicalRequest);

impl Emit for CanonicalHeaders<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        let request = self.0;
        for &(name, value) in &request.headers {
            out.put(request.get(name));
            out.put(":");
            out.put(request.get(value));
            out.put("\n");
        }
    }
}

/// The `SignedHeaders` list of a request.
pub(super) struct SignedHeaders<'a>(pub(super) &'a CanonicalRequest);

impl Emit for SignedHeaders<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        let request = self.0;
        for (i, &(name, _)) in request.headers.iter().enumerate() {
            if i > 0 {
                out.put(";");
            }
            out.put(request.get(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_sorted_lowered_and_trimmed() {
        let request = CanonicalRequest::new("GET", "/")
            .header("X-TC-Action", " DeleteVpnConnection ")
            .header("Host", "VPC.TencentCloudAPI.com:8443")
            .header("Content-Type", "application/x-www-form-urlencoded");
        assert_eq!(
            request.canonical_headers(),
            "content-type:application/x-www-form-urlencoded\nhost:vpc.tencentcloudapi.com:8443\n\
             x-tc-action:deletevpnconnection\n"
        );
        assert_eq!(request.signed_headers(), "content-type;host;x-tc-action");
    }

    #[test]
    fn payload_is_the_body_hash_or_the_unsigned_literal() {
        let get = CanonicalRequest::new("GET", "/");
        assert_eq!(get.hashed_payload(), super::super::EMPTY_PAYLOAD_HASH);
        let unsigned = get.clone().body(b"x").unsigned_payload();
        assert_eq!(unsigned.hashed_payload(), UNSIGNED_PAYLOAD);
        assert!(unsigned.to_string().ends_with("\n\nUNSIGNED-PAYLOAD"));
    }

    #[test]
    fn streamed_hash_is_the_hash_of_the_text() {
        let request = CanonicalRequest::new("POST", "/")
            .header("host", "h")
            .body(b"{}");
        assert_eq!(
            request.hash(),
            sink::ascii_string(&hash_hex(request.to_string().as_bytes()))
        );
    }
}
