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
//! [`percent_encode_to`] piece by piece. Unit tests in `hashing.rs` compare the two
//! encoders byte for byte, and the property tests check for random inputs
//! that every streamed signature equals the signature of the rendered text.

mod digits;
mod hashing;

use hmac::digest::Update;

use crate::encoding::percent_encode_to;
use digits::{escape_of, hex_digits_of};

pub(crate) use digits::{ascii_string, decode_hex_lower_32, hex_lower_32};
pub(crate) use hashing::Hashing;

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
        // ASCII is UTF-8: one checked copy rather than a `char` push per byte (the 64 hex digits of a
        // signature in every `Authorization` header).
        match std::str::from_utf8(bytes) {
            Ok(text) => self.push_str(text),
            Err(_) => self.extend(bytes.iter().map(|&b| char::from(b))),
        }
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

/// A description of a canonical text, written piece by piece.
pub(crate) trait Emit {
    /// Writes the text to `out`.
    fn emit<S: Sink + ?Sized>(&self, out: &mut S);
}
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
/// The text `value` describes, in a `String` allocated once at its exact
/// size.
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
