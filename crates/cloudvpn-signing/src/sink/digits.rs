//! Hexadecimal digits: the `%XX` escapes the percent-encoders write, and the lower-case hex of digests
//! and signatures.

use super::Sink;

/// Upper-case hexadecimal digits (`%XX` escapes).
pub(super) const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

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
pub(super) fn escape_of(byte: u8) -> &'static str {
    let i = 3 * usize::from(byte);
    &ESCAPES[i..i + 3]
}

/// `XX`, the two upper-case hex digits of `byte`.
#[inline]
pub(super) fn hex_digits_of(byte: u8) -> &'static str {
    let i = 3 * usize::from(byte);
    &ESCAPES[i + 1..i + 3]
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
    use super::*;

    #[test]
    fn escape_table_matches_format() {
        for b in 0..=255u8 {
            assert_eq!(escape_of(b), format!("%{b:02X}"));
            assert_eq!(hex_digits_of(b), format!("{b:02X}"));
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
