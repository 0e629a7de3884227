//! Percent-encoding and form decoding shared by every scheme.
//!
//! Two encoders exist because the official SDKs put one form on the wire and
//! sign another:
//!
//! * [`percent_encode`] is the RFC 3986 encoding that Alibaba Cloud signs
//!   (`%20` for a space, `*` escaped, `~` kept). Both the RPC v1 string to
//!   sign and the ACS3 canonical query use it.
//! * [`form_urlencode`] is what Python's `urllib.parse.urlencode` (the
//!   `quote_plus` style) writes on the wire: identical except that a space
//!   becomes `+`.
//!
//! A server cannot tell which of the two a client used, so it must decode
//! with [`form_decode`] (`+` means space, then percent-decode) and re-encode
//! with [`percent_encode`] before it verifies a signature.
//!
//! All functions work on bytes with lookup tables and allocate their output
//! once, at its final size, because they run on every signed request.

use std::fmt;

use crate::sink::Sink;

/// `UNRESERVED[b]` is true for the RFC 3986 unreserved set
/// `A-Z a-z 0-9 - _ . ~`, the only bytes both encoders leave as they are.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        table[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~');
        i += 1;
    }
    table
};

/// Whether `byte` passes through [`percent_encode`] unchanged.
#[inline]
pub(crate) const fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[byte as usize]
}

/// Length of `input` once every byte outside the unreserved set is escaped.
fn encoded_len(input: &str) -> usize {
    input.len() + 2 * input.bytes().filter(|&b| !is_unreserved(b)).count()
}

/// Shared core of both encoders: unreserved runs are copied, other bytes are
/// written as `%XX`, and a space becomes `+` if `plus_for_space`.
#[inline]
fn encode_to<S: Sink + ?Sized>(out: &mut S, input: &str, plus_for_space: bool) {
    let bytes = input.as_bytes();
    let mut run_start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) {
            continue;
        }
        // A non-empty run holds unreserved ASCII bytes only, so it starts and
        // ends on char boundaries. An empty "run" between two bytes of one
        // multi-byte char is skipped before `get` is asked for it.
        if run_start < i {
            if let Some(run) = input.get(run_start..i) {
                out.put_unreserved(run);
            }
        }
        if plus_for_space && b == b' ' {
            out.put("+");
        } else {
            out.put_escape(b);
        }
        run_start = i + 1;
    }
    // Everything after the last escaped byte is unreserved ASCII (continuation
    // bytes are always escaped), so this starts on a char boundary.
    if run_start < bytes.len() {
        if let Some(rest) = input.get(run_start..) {
            out.put_unreserved(rest);
        }
    }
}

/// Writes the RFC 3986 encoding of `input` (see [`percent_encode`]) to any
/// sink: a `String`, a length counter or a hasher.
#[inline]
pub(crate) fn percent_encode_to<S: Sink + ?Sized>(out: &mut S, input: &str) {
    encode_to(out, input, false);
}

/// Appends the RFC 3986 encoding of `input` (see [`percent_encode`]) to `out`.
///
/// Lets callers that build a larger string avoid one allocation per component.
pub fn percent_encode_into(out: &mut String, input: &str) {
    out.reserve(encoded_len(input));
    percent_encode_to(out, input);
}

/// RFC 3986 percent-encoding as Alibaba Cloud signs it.
///
/// `A-Z a-z 0-9 - _ . ~` are kept; every other UTF-8 byte becomes `%XX` with
/// upper-case hex, so a space is `%20`, `*` is `%2A` and `~` stays `~`. This
/// is the Java recipe from Alibaba's signature documentation (`URLEncoder`,
/// then `+`→`%20`, `*`→`%2A`, `%7E`→`~`) and what the official Python SDKs
/// compute.
///
/// ```
/// use cloudvpn_signing::encoding::percent_encode;
/// assert_eq!(percent_encode("a b*c~d/é+x"), "a%20b%2Ac~d%2F%C3%A9%2Bx");
/// ```
pub fn percent_encode(input: &str) -> String {
    let mut out = String::with_capacity(encoded_len(input));
    percent_encode_to(&mut out, input);
    out
}

/// Encodes `name=value` pairs the way Python's `urlencode` (`quote_plus`)
/// does, for building wire queries and `application/x-www-form-urlencoded`
/// bodies.
///
/// Same byte set as [`percent_encode`] except that a space becomes `+`. Pairs
/// keep their order; nothing is sorted, because the wire order does not take
/// part in any signature.
///
/// ```
/// use cloudvpn_signing::encoding::form_urlencode;
/// let q = form_urlencode(&[("ClientToken", "a b*c~d/é+x"), ("RegionId", "cn-hangzhou")]);
/// assert_eq!(q, "ClientToken=a+b%2Ac~d%2F%C3%A9%2Bx&RegionId=cn-hangzhou");
/// ```
pub fn form_urlencode<K: AsRef<str>, V: AsRef<str>>(pairs: &[(K, V)]) -> String {
    // A generous estimate instead of an exact count: counting would read every byte twice, and the
    // String grows on its own in the rare case of many escapes.
    let raw: usize = pairs
        .iter()
        .map(|(k, v)| k.as_ref().len() + v.as_ref().len() + 2)
        .sum();
    let mut out = String::with_capacity(raw + raw / 4);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_to(&mut out, name.as_ref(), true);
        out.push('=');
        encode_to(&mut out, value.as_ref(), true);
    }
    out
}

/// Why [`form_decode`] rejected its input. Offsets are byte offsets into the
/// string passed to [`form_decode`], so an error message can point at the
/// exact spot.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// A `%` that is not followed by two hexadecimal digits.
    InvalidPercentEscape {
        /// Offset of the `%`.
        offset: usize,
    },
    /// The percent-decoded bytes of a name or value are not UTF-8.
    InvalidUtf8 {
        /// Offset of the escape (or character) that starts the first invalid
        /// UTF-8 sequence.
        offset: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidPercentEscape { offset } => write!(
                f,
                "invalid percent-escape at byte {offset}: `%` must be followed by two hex digits"
            ),
            Self::InvalidUtf8 { offset } => write!(
                f,
                "percent-decoded data is not valid UTF-8, starting at byte {offset}"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// Value of one ASCII hex digit, or `None`.
#[inline]
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes one name or value. `base` is its offset in the whole input, used
/// for error positions; `plain` says the caller saw no `%` or `+` in it.
fn decode_component(component: &str, base: usize, plain: bool) -> Result<String, DecodeError> {
    if plain {
        return Ok(component.to_owned());
    }
    let bytes = component.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hi = bytes.get(i + 1).copied().and_then(hex_value);
                let lo = bytes.get(i + 2).copied().and_then(hex_value);
                match (hi, lo) {
                    (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                    _ => return Err(DecodeError::InvalidPercentEscape { offset: base + i }),
                }
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|e| DecodeError::InvalidUtf8 {
        offset: base + input_offset_of(bytes, e.utf8_error().valid_up_to()),
    })
}

/// Maps an offset in the decoded bytes of `encoded` back to the offset in
/// `encoded` that produced it (an escape is 3 input bytes for 1 output byte).
/// Only runs on the error path, on input already known to be well-formed.
fn input_offset_of(encoded: &[u8], decoded_offset: usize) -> usize {
    let mut input = 0;
    let mut output = 0;
    while output < decoded_offset && input < encoded.len() {
        input += if encoded[input] == b'%' { 3 } else { 1 };
        output += 1;
    }
    input
}

/// Decodes an `application/x-www-form-urlencoded` string (a query string or a
/// form body) into `(name, value)` pairs.
///
/// `+` becomes a space, then `%XX` escapes are decoded and the result must be
/// UTF-8; anything else is a typed [`DecodeError`], never a panic. Pairs are
/// split on `&` and then on the first `=`; a segment without `=` is a name
/// with an empty value and empty segments are skipped (the WHATWG rules).
/// Duplicate names are kept, in order, so that a server can reject them.
///
/// ```
/// use cloudvpn_signing::encoding::form_decode;
/// let pairs = form_decode("ClientToken=a+b%2Ac~d&SignatureType=").unwrap();
/// assert_eq!(pairs, vec![
///     ("ClientToken".to_owned(), "a b*c~d".to_owned()),
///     ("SignatureType".to_owned(), String::new()),
/// ]);
/// ```
pub fn form_decode(input: &str) -> Result<Vec<(String, String)>, DecodeError> {
    let bytes = input.as_bytes();
    let mut pairs = Vec::with_capacity(bytes.iter().filter(|&&b| b == b'&').count() + 1);
    let mut start = 0;
    loop {
        // One pass over the segment: where it ends, where its first `=` is,
        // and whether its name or value has anything to decode.
        let mut end = start;
        let mut equals = None;
        let (mut plain_name, mut plain_value) = (true, true);
        while let Some(&b) = bytes.get(end) {
            match FORM_CLASS[usize::from(b)] {
                FORM_PLAIN => {}
                FORM_AMPERSAND => break,
                FORM_EQUALS if equals.is_none() => equals = Some(end),
                FORM_EQUALS => {}
                _ if equals.is_none() => plain_name = false,
                _ => plain_value = false,
            }
            end += 1;
        }
        // `&` and `=` are ASCII, so every boundary below is a char boundary.
        if end > start {
            let (name, value) = match equals {
                Some(at) => (
                    decode_component(&input[start..at], start, plain_name)?,
                    decode_component(&input[at + 1..end], at + 1, plain_value)?,
                ),
                None => (
                    decode_component(&input[start..end], start, plain_name)?,
                    String::new(),
                ),
            };
            pairs.push((name, value));
        }
        if end >= bytes.len() {
            return Ok(pairs);
        }
        start = end + 1;
    }
}

/// [`FORM_CLASS`]: a byte with no meaning to [`form_decode`].
const FORM_PLAIN: u8 = 0;
/// [`FORM_CLASS`]: `&`, the pair separator.
const FORM_AMPERSAND: u8 = 1;
/// [`FORM_CLASS`]: `=`, the name/value separator.
const FORM_EQUALS: u8 = 2;
/// [`FORM_CLASS`]: `%` or `+`, which the component decoder must handle.
const FORM_ESCAPE: u8 = 3;

/// What each byte means to [`form_decode`]'s scanner.
const FORM_CLASS: [u8; 256] = {
    let mut table = [FORM_PLAIN; 256];
    table[b'&' as usize] = FORM_AMPERSAND;
    table[b'=' as usize] = FORM_EQUALS;
    table[b'%' as usize] = FORM_ESCAPE;
    table[b'+' as usize] = FORM_ESCAPE;
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encode_follows_the_alibaba_rules() {
        assert_eq!(percent_encode(""), "");
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("*+/:=&%"), "%2A%2B%2F%3A%3D%26%25");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(
            percent_encode("2024-01-01T12:00:00Z"),
            "2024-01-01T12%3A00%3A00Z"
        );
    }

    #[test]
    fn percent_encode_into_appends() {
        let mut out = String::from("x=");
        percent_encode_into(&mut out, "a b");
        assert_eq!(out, "x=a%20b");
    }

    #[test]
    fn form_urlencode_matches_python_quote_plus() {
        let pairs = [("a b", "c d"), ("k", ""), ("~*", "/+")];
        assert_eq!(form_urlencode(&pairs), "a+b=c+d&k=&~%2A=%2F%2B");
        let empty: [(&str, &str); 0] = [];
        assert_eq!(form_urlencode(&empty), "");
    }

    #[test]
    fn form_decode_handles_plus_escapes_and_shapes() {
        let pairs = form_decode("a=1&&b&c=x%3Dy=z&d=%E6%B4%BE+%2B").unwrap();
        assert_eq!(
            pairs,
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "".into()),
                ("c".into(), "x=y=z".into()),
                ("d".into(), "派 +".into()),
            ]
        );
        assert_eq!(form_decode("").unwrap(), vec![]);
        assert_eq!(
            form_decode("%41%62=%7e").unwrap(),
            vec![("Ab".into(), "~".into())]
        );
    }

    #[test]
    fn form_decode_keeps_duplicates_in_order() {
        let pairs = form_decode("k=2&k=1").unwrap();
        assert_eq!(
            pairs,
            vec![("k".into(), "2".into()), ("k".into(), "1".into())]
        );
    }

    #[test]
    fn form_decode_reports_bad_escapes_with_their_offset() {
        assert_eq!(
            form_decode("ab=%4"),
            Err(DecodeError::InvalidPercentEscape { offset: 3 })
        );
        assert_eq!(
            form_decode("a=1&b%G1=2"),
            Err(DecodeError::InvalidPercentEscape { offset: 5 })
        );
        assert_eq!(
            form_decode("a=%"),
            Err(DecodeError::InvalidPercentEscape { offset: 2 })
        );
        assert_eq!(
            form_decode("a=%é9"),
            Err(DecodeError::InvalidPercentEscape { offset: 2 })
        );
    }

    #[test]
    fn form_decode_reports_invalid_utf8_with_its_offset() {
        // `%FF` can never appear in UTF-8.
        assert_eq!(
            form_decode("name=ok%FF"),
            Err(DecodeError::InvalidUtf8 { offset: 7 })
        );
        // A truncated two-byte sequence in a name.
        assert_eq!(
            form_decode("x=1&a%C3=v"),
            Err(DecodeError::InvalidUtf8 { offset: 5 })
        );
        // An overlong encoding of '/'.
        assert_eq!(
            form_decode("v=+%C0%AF"),
            Err(DecodeError::InvalidUtf8 { offset: 3 })
        );
    }

    #[test]
    fn decode_error_messages_say_what_and_where() {
        let msg = DecodeError::InvalidPercentEscape { offset: 9 }.to_string();
        assert!(msg.contains("percent-escape") && msg.contains('9'), "{msg}");
        let msg = DecodeError::InvalidUtf8 { offset: 4 }.to_string();
        assert!(msg.contains("UTF-8") && msg.contains('4'), "{msg}");
    }
}
