//! The canonical request of ACS3-HMAC-SHA256: what the signature covers, built the same way by the
//! signer and the verifier, and streamed into SHA-256 rather than rendered when signing.

use std::cmp::Ordering;
use std::fmt;

use sha2::{Digest, Sha256};

use super::{EMPTY_PAYLOAD_HASH, StringToSign, payload_hash_hex};
use crate::mac;
use crate::params::prefix_key;
use crate::sink::{self, Emit, Sink};

#[path = "canonical_parts.rs"]
mod parts;
use parts::WithRendered;
pub(super) use parts::{Part, Rendered};

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

impl Entry {
    /// The order of entries: name, then value, bytewise, read from `text`.
    /// The names' prefixes decide most comparisons, so the names and values
    /// are only sliced when the prefixes are equal.
    #[inline]
    fn cmp(self, other: Entry, text: &str) -> Ordering {
        let bytes = text.as_bytes();
        let slice = |span: Span| &bytes[span.start..span.end];
        self.prefix
            .cmp(&other.prefix)
            .then_with(|| slice(self.name).cmp(slice(other.name)))
            .then_with(|| slice(self.value).cmp(slice(other.value)))
    }
}

/// Inserts `entry` after every entry that sorts before or equal to it, so
/// `entries` stays sorted (a binary search and a short `memmove`; requests
/// have a dozen or so entries).
fn insert_sorted(text: &str, entries: &mut Vec<Entry>, entry: Entry) {
    let at = entries.partition_point(|e| e.cmp(entry, text) != Ordering::Greater);
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
/// way by the signer and by [`verify`](fn@super::verify).
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
    #[inline]
    fn str(&self, span: Span) -> &str {
        get(&self.text, span)
    }

    /// The strings of one query or header entry.
    #[inline]
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
        self.query.sort_unstable_by(|a, b| a.cmp(*b, text));
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

    /// Adds several signed headers at once, in any order; the same as
    /// [`push_header`](CanonicalRequest::push_header) for each, but sorted
    /// once at the end instead of one binary search and shift per header
    /// (perf had the per-header inserts at about 5 % of a whole V3 call).
    pub fn extend_headers<N: AsRef<str>, V: AsRef<str>>(
        &mut self,
        headers: impl IntoIterator<Item = (N, V)>,
    ) {
        for (name, value) in headers {
            let entry = self.new_entry(name.as_ref(), trim(value.as_ref()), true);
            self.headers.push(entry);
        }
        // Entries that compare equal have the same name and value bytes, so
        // an unstable sort renders the same text as inserting one by one.
        let text = &self.text;
        self.headers.sort_unstable_by(|a, b| a.cmp(*b, text));
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
        // One encoding pass into a generous estimate rather than `render`'s
        // counting pass and writing pass: the query is most of what a call
        // percent-encodes, and the `String` grows on its own in the rare case
        // of many escapes.
        let raw: usize = self
            .query
            .iter()
            .map(|e| e.name.end - e.name.start + e.value.end - e.value.start + 2)
            .sum();
        let mut out = String::with_capacity(raw + raw / 4);
        Part::Query(self).emit(&mut out);
        out
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

    /// [`string_to_sign`](super::string_to_sign) of this canonical request, computed without
    /// building the canonical request text.
    pub fn string_to_sign(&self) -> String {
        sink::render(&StringToSign(&self.hash_hex()))
    }

    /// `hex(sha256(canonical request))`, with the canonical request streamed
    /// into the hash.
    pub(super) fn hash_hex(&self) -> [u8; 64] {
        self.hash_hex_with(&Rendered::default())
    }

    /// [`hash_hex`](Self::hash_hex), taking the parts in `rendered` as they
    /// are instead of emitting them again.
    fn hash_hex_with(&self, rendered: &Rendered<'_>) -> [u8; 64] {
        let hash = sink::absorb(&WithRendered(self, rendered), Sha256::new()).finalize();
        sink::hex_lower_32(&hash.into())
    }

    /// The MAC of this request's string to sign, streamed into `keyed` (an
    /// HMAC already keyed with the secret). `rendered` holds parts of the
    /// canonical request that the caller has already rendered (for the URL
    /// or the `Authorization` header); the same bytes are hashed from there.
    pub(super) fn mac_with(
        &self,
        keyed: mac::HmacSha256,
        rendered: &Rendered<'_>,
    ) -> mac::HmacSha256 {
        sink::absorb(&StringToSign(&self.hash_hex_with(rendered)), keyed)
    }

    /// An upper bound of the length of [`signed_headers`](Self::signed_headers)
    /// (exact unless a name repeats), to size a buffer without a counting pass.
    pub(super) fn signed_headers_len_bound(&self) -> usize {
        self.headers
            .iter()
            .map(|e| e.name.end - e.name.start + 1)
            .sum()
    }
}

/// The canonical request text: the one description that both
/// [`Display`](fmt::Display) (rendered) and the signature (streamed into
/// SHA-256) use.
impl Emit for CanonicalRequest {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        WithRendered(self, &Rendered::default()).emit(out);
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

#[cfg(test)]
#[path = "canonical_tests.rs"]
mod tests;
