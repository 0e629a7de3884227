//! Identifiers the emulator makes up: request ids and resource ids in the shapes the real services use.

use std::fmt;

/// An Alibaba-style request id: an upper-case UUID v4 (`0ED8D006-F706-4D23-88ED-E11ED28DCAC0`), kept
/// inline because every request makes one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RequestId([u8; 36]);

impl RequestId {
    /// A fresh random id.
    pub fn new() -> Self {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        // Version 4 and the RFC 4122 variant, so that clients validating UUIDs accept it.
        let hi = (fastrand::u64(..) & !0xF000) | 0x4000;
        let lo = (fastrand::u64(..) & !(0xC << 60)) | (0x8 << 60);
        let mut out = [b'-'; 36];
        let mut digits = (0..16).rev().map(|i| (hi >> (i * 4)) & 0xF);
        let mut low = (0..16).rev().map(|i| (lo >> (i * 4)) & 0xF);
        for (position, slot) in out.iter_mut().enumerate() {
            if matches!(position, 8 | 13 | 18 | 23) {
                continue;
            }
            let nibble = if position < 18 {
                digits.next()
            } else {
                low.next()
            };
            *slot = HEX[nibble.unwrap_or(0) as usize];
        }
        RequestId(out)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII hex digits and dashes are ever written.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RequestId({})", self.as_str())
    }
}

/// A fresh request id as text.
pub fn request_id() -> String {
    RequestId::new().as_str().to_owned()
}

/// `prefix` followed by `len` random lower-case letters and digits (`vpn-bp1q8bgx4xnkm2ogj0fiu`).
pub fn resource_id(prefix: &str, len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    for _ in 0..len {
        out.push(char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_look_like_uuids() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[8..9], "-");
        assert_eq!(&id[23..24], "-");
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "A" | "B"));
        assert!(
            id.chars()
                .all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_uppercase())
        );
        assert_ne!(request_id(), id);
    }

    #[test]
    fn resource_ids_have_the_prefix_and_length() {
        let id = resource_id("vpn-", 21);
        assert!(id.starts_with("vpn-") && id.len() == 25);
    }
}
