//! One description of each signed text, two consumers.
//!
//! Every scheme describes its canonical text (RPC v1 string to sign, ACS3
//! canonical request, Tencent source string) once, as an [`Emit`]
//! implementation that writes pieces to a [`Sink`]. The same `emit` then
//! either
//!
//! * materialises the text ([`render`]: a [`Len`] pass to size the `String`
//!   exactly, then a `String` pass), for the functions that return the
//!   intermediate artifacts and for error messages, or
//! * streams it straight into a hash or MAC ([`Hashing`]), which is what the
//!   signature path does, so signing allocates no intermediate strings.
//!
//! Since both consumers run the very same `emit`, the signature always
//! covers exactly the text the artifact functions return. The one place
//! where the two sinks differ is *how* they percent-encode: [`Hashing`]
//! encodes with a table straight into its buffer instead of going through
//! [`percent_encode_to`] piece by piece. Unit tests below compare the two
//! encoders byte for byte, and the property tests check for random inputs
//! that every streamed signature equals the signature of the rendered text.

use hmac::digest::Update;

use crate::encoding::{is_unreserved, percent_encode_to};

/// Upper-case hexadecimal digits (`%XX` escapes).
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Lower-case hexadecimal digits (digests, signatures).
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// `ESCAPES[3 * b..3 * b + 3]` is `%XX` for byte `b`, upper-case hex.
const ESCAPES: &str = {
    const BYTES: [u8; 768] = {
        let mut table = [0u8; 768];
        let mut b = 0;
        while b < 256 {
            table[3 * b] = b'%';
            table[3 * b + 1] = HEX_UPPER[b >> 4];
            table[3 * b + 2] = HEX_UPPER[b & 0x0F];
            b += 1;
        }
        table
    };
    match std::str::from_utf8(&BYTES) {
        Ok(table) => table,
        Err(_) => panic!("the escape table is ASCII"),
    }
};

/// `%XX`, the escape of `byte`, as a `&'static str`.
#[inline]
fn escape_of(byte: u8) -> &'static str {
    let i = 3 * usize::from(byte);
    &ESCAPES[i..i + 3]
}

/// `XX`, the two upper-case hex digits of `byte`.
#[inline]
fn hex_digits_of(byte: u8) -> &'static str {
    let i = 3 * usize::from(byte);
    &ESCAPES[i + 1..i + 3]
}

/// Where canonical text goes, piece by piece.
pub(crate) trait Sink {
    /// Appends `text` as it is.
    fn put(&mut self, text: &str);

    /// Appends `text`, which the caller guarantees holds only RFC 3986
    /// unreserved bytes (`A-Z a-z 0-9 - _ . ~`). Same result as
    /// [`Sink::put`]; [`Encoded`] uses it to skip re-scanning.
    #[inline]
    fn put_unreserved(&mut self, text: &str) {
        self.put(text);
    }

    /// Appends `%XX`, the upper-case percent-escape of `byte`.
    #[inline]
    fn put_escape(&mut self, byte: u8) {
        self.put(escape_of(byte));
    }

    /// Appends `bytes`, which must be ASCII (hex digits of a digest).
    fn put_ascii(&mut self, bytes: &[u8]);

    /// Appends `pct(text)` ([`percent_encode`](crate::encoding::percent_encode)).
    #[inline]
    fn put_encoded(&mut self, text: &str) {
        percent_encode_to(self, text);
    }

    /// Appends `pct(pct(text))`: what RPC v1 signs for each name and value.
    #[inline]
    fn put_double_encoded(&mut self, text: &str) {
        percent_encode_to(&mut Encoded(self), text);
    }
}

impl Sink for String {
    #[inline]
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }

    fn put_ascii(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.is_ascii());
        self.extend(bytes.iter().map(|&b| char::from(b)));
    }
}

/// Counts the bytes that would be written, to size a `String` exactly.
#[derive(Default)]
pub(crate) struct Len(pub(crate) usize);

impl Sink for Len {
    #[inline]
    fn put(&mut self, text: &str) {
        self.0 += text.len();
    }

    #[inline]
    fn put_escape(&mut self, _byte: u8) {
        self.0 += 3;
    }

    #[inline]
    fn put_ascii(&mut self, bytes: &[u8]) {
        self.0 += bytes.len();
    }
}

/// Percent-encodes ([`percent_encode`](crate::encoding::percent_encode))
/// everything written to it before passing it on: RPC v1 signs the encoding
/// of its canonical query, so its string to sign is the canonical query
/// emitted through this adapter.
///
/// Output of the inner encoding is handled without re-scanning: unreserved
/// runs pass through, and an escape `%XX` becomes `%25XX`.
pub(crate) struct Encoded<'a, S: ?Sized>(pub(crate) &'a mut S);

impl<S: Sink + ?Sized> Sink for Encoded<'_, S> {
    #[inline]
    fn put(&mut self, text: &str) {
        self.0.put_encoded(text);
    }

    #[inline]
    fn put_encoded(&mut self, text: &str) {
        self.0.put_double_encoded(text);
    }

    #[inline]
    fn put_unreserved(&mut self, text: &str) {
        self.0.put_unreserved(text);
    }

    #[inline]
    fn put_escape(&mut self, byte: u8) {
        self.0.put_escape(b'%');
        self.0.put_unreserved(hex_digits_of(byte));
    }

    fn put_ascii(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.is_ascii());
        for &b in bytes {
            let mut utf8 = [0u8; 4];
            self.put(char::from(b).encode_utf8(&mut utf8));
        }
    }
}

/// Size of the [`Hashing`] staging buffer: a multiple of the SHA-1 and
/// SHA-256 block size, so full flushes keep the hasher block-aligned and it
/// compresses straight from the buffer.
const STAGING: usize = 256;

/// Streams everything written to it into a hash or MAC (`D` is `Sha256` or
/// `Hmac<_>`), staging small pieces in a stack buffer so that the hasher
/// sees few, block-sized `update` calls.
pub(crate) struct Hashing<D> {
    inner: D,
    buf: [u8; STAGING],
    len: usize,
}

impl<D: Update> Hashing<D> {
    /// Wraps a fresh (or keyed) hasher.
    pub(crate) fn new(inner: D) -> Self {
        Self {
            inner,
            buf: [0; STAGING],
            len: 0,
        }
    }

    /// Appends raw bytes.
    #[inline]
    fn put_bytes(&mut self, bytes: &[u8]) {
        // Most pieces are short (separators, names, small values): copy them
        // with fixed-size moves instead of a `memcpy` call.
        if bytes.len() <= 16 {
            if let Some(slot) = self.buf.get_mut(self.len..self.len + bytes.len()) {
                copy_short(slot, bytes);
                self.len += bytes.len();
                return;
            }
        }
        self.put_long(bytes);
    }

    /// [`Hashing::put_bytes`] for pieces that are long or do not fit.
    fn put_long(&mut self, mut bytes: &[u8]) {
        loop {
            let free = STAGING - self.len;
            if bytes.len() < free {
                self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
                self.len += bytes.len();
                return;
            }
            let (head, tail) = bytes.split_at(free);
            self.buf[self.len..].copy_from_slice(head);
            self.inner.update(&self.buf);
            self.len = 0;
            bytes = tail;
        }
    }

    /// Feeds what is still staged and returns the hasher.
    pub(crate) fn finish(mut self) -> D {
        self.inner.update(&self.buf[..self.len]);
        self.inner
    }
}

impl<D: Update> Sink for Hashing<D> {
    #[inline]
    fn put(&mut self, text: &str) {
        self.put_bytes(text.as_bytes());
    }

    #[inline]
    fn put_ascii(&mut self, bytes: &[u8]) {
        self.put_bytes(bytes);
    }

    // The percent-encoders are overridden with a table-driven loop over the
    // staging buffer. The generic encoder stays the reference: unit tests
    // compare the two byte for byte, and the property tests compare every
    // streamed signature with the signature of the rendered text.

    #[inline]
    fn put_encoded(&mut self, text: &str) {
        self.put_escaped::<1>(text.as_bytes());
    }

    #[inline]
    fn put_double_encoded(&mut self, text: &str) {
        self.put_escaped::<2>(text.as_bytes());
    }
}

/// `ESCAPED[TIMES - 1][b]`: the percent-encoding of byte `b` applied
/// `TIMES` times, padded to 8 bytes, with its length in the last byte. An
/// unreserved byte stays itself (length 1); any other becomes `%XX`
/// (length 3), or `%25XX` when encoding twice (length 5: the `%` of the
/// first escape is escaped in turn, the hex digits are unreserved).
const ESCAPED: [[[u8; 8]; 256]; 2] = {
    let mut table = [[[0u8; 8]; 256]; 2];
    let mut b = 0;
    while b < 256 {
        let (hi, lo) = (HEX_UPPER[b >> 4], HEX_UPPER[b & 0x0F]);
        if is_unreserved(b as u8) {
            table[0][b] = [b as u8, 0, 0, 0, 0, 0, 0, 1];
            table[1][b] = [b as u8, 0, 0, 0, 0, 0, 0, 1];
        } else {
            table[0][b] = [b'%', hi, lo, 0, 0, 0, 0, 3];
            table[1][b] = [b'%', b'2', b'5', hi, lo, 0, 0, 5];
        }
        b += 1;
    }
    table
};

/// Writes the percent-encoding of `src`, applied `TIMES` (1 or 2) times,
/// to the front of `dst` and returns its length. `dst` must have room for
/// `8 * src.len()` bytes.
///
/// This is the byte-level, table-driven form of [`percent_encode_to`], for
/// sinks that own a byte buffer. It has no data-dependent branch: every
/// byte writes a whole 8-byte table entry and advances by its length, so
/// mixed text (runs and escapes) does not stall on branch mispredictions.
#[inline]
fn escape_bytes<const TIMES: usize>(dst: &mut [u8], src: &[u8]) -> usize {
    let table = &ESCAPED[TIMES - 1];
    let mut n = 0;
    for &b in src {
        let entry = &table[usize::from(b)];
        dst[n..n + 8].copy_from_slice(entry);
        n += usize::from(entry[7]);
    }
    n
}

impl<D: Update> Hashing<D> {
    /// Appends the percent-encoding of `src`, applied `TIMES` times,
    /// encoding straight into the staging buffer.
    #[inline]
    fn put_escaped<const TIMES: usize>(&mut self, mut src: &[u8]) {
        // `escape_bytes` writes 8 bytes per input byte (then moves back).
        let widest = 8;
        loop {
            // As many input bytes as surely fit, encoded in one tight loop.
            let take = ((STAGING - self.len) / widest).min(src.len());
            if take > 0 {
                let (now, later) = src.split_at(take);
                self.len += escape_bytes::<TIMES>(&mut self.buf[self.len..], now);
                src = later;
            }
            let Some((&first, rest)) = src.split_first() else {
                return;
            };
            // The buffer is (almost) full: one byte through the general
            // path, which flushes a full, block-aligned buffer.
            let mut one = [0u8; 8];
            let len = escape_bytes::<TIMES>(&mut one, &[first]);
            self.put_bytes(&one[..len]);
            src = rest;
        }
    }
}

/// Copies `src` (at most 16 bytes) into `dst` of the same length with two
/// possibly overlapping fixed-size moves, the way `memcpy` handles short
/// lengths, but inline.
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    debug_assert!(n <= 16 && dst.len() == n);
    if n >= 8 {
        dst[..8].copy_from_slice(&src[..8]);
        dst[n - 8..n].copy_from_slice(&src[n - 8..n]);
    } else if n >= 4 {
        dst[..4].copy_from_slice(&src[..4]);
        dst[n - 4..n].copy_from_slice(&src[n - 4..n]);
    } else if n > 0 {
        dst[0] = src[0];
        dst[n / 2] = src[n / 2];
        dst[n - 1] = src[n - 1];
    }
}

/// A description of a canonical text, written piece by piece.
pub(crate) trait Emit {
    /// Writes the text to `out`.
    fn emit<S: Sink + ?Sized>(&self, out: &mut S);
}

/// The text `value` describes, in a `String` allocated once at its exact
/// size.
/// A canonical request for an error report, with the values of the `masked` headers (session tokens:
/// credentials) shown as `***`. The report is for finding why signatures differ; a token's value never
/// helps with that, and errors end up in logs.
pub(crate) fn mask_header_values(canonical: String, masked: &[&str]) -> String {
    if !masked
        .iter()
        .any(|m| canonical.contains(&format!("\n{m}:")))
    {
        return canonical;
    }
    canonical
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if masked.contains(&name) => format!("{name}:***"),
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn render<E: Emit + ?Sized>(value: &E) -> String {
    let mut len = Len::default();
    value.emit(&mut len);
    let mut out = String::with_capacity(len.0);
    value.emit(&mut out);
    debug_assert_eq!(out.len(), len.0);
    out
}

/// `hasher` after absorbing the text `value` describes.
pub(crate) fn absorb<E: Emit + ?Sized, D: Update>(value: &E, hasher: D) -> D {
    let mut sink = Hashing::new(hasher);
    value.emit(&mut sink);
    sink.finish()
}

/// A piece of text written as it is.
pub(crate) struct Text<'a>(pub(crate) &'a str);

impl Emit for Text<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.0);
    }
}

/// ASCII bytes (hex digits) written as they are.
pub(crate) struct Ascii<'a>(pub(crate) &'a [u8]);

impl Emit for Ascii<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put_ascii(self.0);
    }
}

/// Lower-case hex of a 32-byte digest.
pub(crate) fn hex_lower_32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        pair[0] = HEX_LOWER[usize::from(b >> 4)];
        pair[1] = HEX_LOWER[usize::from(b & 0x0F)];
    }
    out
}

/// `String` of ASCII bytes (hex digits).
pub(crate) fn ascii_string(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    out.put_ascii(bytes);
    out
}

/// The 32 bytes written as 64 lower-case hex digits, or `None`.
pub(crate) fn decode_hex_lower_32(hex: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {

    #[test]
    fn token_values_are_masked_in_reports_and_nothing_else() {
        let canonical = "POST\n/\n\ncontent-type:application/json\nx-tc-token:tok-1\n\ncontent-type;x-tc-token\nabc";
        assert_eq!(
            mask_header_values(canonical.to_owned(), &["x-tc-token"]),
            "POST\n/\n\ncontent-type:application/json\nx-tc-token:***\n\ncontent-type;x-tc-token\nabc"
        );
        assert_eq!(
            mask_header_values(canonical.to_owned(), &["x-acs-security-token"]),
            canonical
        );
    }

    use super::*;
    use sha2::{Digest, Sha256};

    struct Pieces<'a>(&'a [&'a str]);

    impl Emit for Pieces<'_> {
        fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
            for piece in self.0 {
                out.put(piece);
            }
        }
    }

    #[test]
    fn escape_table_matches_format() {
        for b in 0..=255u8 {
            assert_eq!(escape_of(b), format!("%{b:02X}"));
            assert_eq!(hex_digits_of(b), format!("{b:02X}"));
        }
    }

    #[test]
    fn hashing_equals_hashing_the_rendered_text_across_flushes() {
        let long = "x".repeat(700);
        let medium = "y".repeat(STAGING - 1);
        for pieces in [
            &[][..],
            &["a"][..],
            &[&medium, "ab", "c"][..],
            &[&long, "tail", &medium, &long][..],
        ] {
            let value = Pieces(pieces);
            let text = render(&value);
            assert_eq!(text, pieces.concat());
            let streamed = absorb(&value, Sha256::new()).finalize();
            assert_eq!(streamed, Sha256::digest(text.as_bytes()));
        }
    }

    #[test]
    fn short_copies_copy_every_length() {
        let src: Vec<u8> = (1..=16).collect();
        for n in 0..=16 {
            let mut dst = vec![0u8; n];
            copy_short(&mut dst, &src[..n]);
            assert_eq!(dst, src[..n], "{n}");
        }
    }

    #[test]
    fn escapes_straddling_the_staging_buffer_hash_correctly() {
        for fill in STAGING - 4..=STAGING {
            let mut sink = Hashing::new(Sha256::new());
            let mut text = String::new();
            let prefix = "p".repeat(fill);
            sink.put(&prefix);
            text.put(&prefix);
            for b in [b' ', b'*', 0xC3, 0xA9] {
                sink.put_escape(b);
                text.put_escape(b);
            }
            assert_eq!(
                sink.finish().finalize(),
                Sha256::digest(text.as_bytes()),
                "{fill}"
            );
        }
    }

    #[test]
    fn encoded_adapter_is_percent_encoding_of_the_text() {
        let mut out = String::new();
        let mut encoded = Encoded(&mut out);
        encoded.put("a b&=");
        encoded.put_escape(b'*');
        encoded.put_unreserved("z~");
        encoded.put_ascii(b"0f/");
        assert_eq!(out, "a%20b%26%3D%252Az~0f%2F");
        let mut len = Len::default();
        let mut encoded = Encoded(&mut len);
        encoded.put("a b&=");
        encoded.put_escape(b'*');
        encoded.put_unreserved("z~");
        encoded.put_ascii(b"0f/");
        assert_eq!(len.0, out.len());
    }

    #[test]
    fn buffered_encoding_equals_the_generic_one() {
        let all_bytes: Vec<u8> = (0..=255).collect();
        let text = String::from_utf8_lossy(&all_bytes).into_owned() + " é😀~*";
        for len in [0, 1, 50, STAGING / 5, STAGING / 3, STAGING, 3 * STAGING] {
            let input: String = text.chars().cycle().take(len).collect();
            for offset in [0, 1, 2, STAGING - 4] {
                let prefix = "o".repeat(offset);
                let mut generic = prefix.clone();
                generic.put_encoded(&input);
                percent_encode_to(&mut Encoded(&mut generic), &input);
                let mut hashed = Hashing::new(Sha256::new());
                hashed.put(&prefix);
                hashed.put_encoded(&input);
                hashed.put_double_encoded(&input);
                assert_eq!(
                    hashed.finish().finalize(),
                    Sha256::digest(generic.as_bytes()),
                    "{len} {offset}"
                );
            }
        }
    }

    #[test]
    fn hex_round_trips() {
        let mut bytes = [0u8; 32];
        for (i, b) in bytes.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0xA5;
        }
        let hex = hex_lower_32(&bytes);
        let text = ascii_string(&hex);
        assert_eq!(text, hex::encode(bytes));
        assert_eq!(decode_hex_lower_32(&text), Some(bytes));
        assert_eq!(decode_hex_lower_32(&text.to_uppercase()), None);
        assert_eq!(decode_hex_lower_32(&text[1..]), None);
    }
}
