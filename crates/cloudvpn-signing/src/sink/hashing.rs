//! The sink that streams canonical text into a hash or MAC through a small staging buffer, with a
//! table-driven percent-encoder. The generic encoder (`encoding::percent_encode_to`) stays the
//! reference: the tests below compare the two byte for byte.

use hmac::digest::Update;

use super::Sink;
use super::digits::HEX_UPPER;
use crate::encoding::is_unreserved;

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
/// This is the byte-level, table-driven form of [`percent_encode_to`](crate::encoding::percent_encode_to), for
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::percent_encode_to;
    use crate::sink::{Emit, Encoded, absorb, render};
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
}
