//! HMAC keying, shared by every scheme.
//!
//! Every scheme keys its MAC through [`sha1_mac`] or [`sha256_mac`] and then
//! feeds it, usually by streaming its canonical text through
//! [`crate::sink::absorb`], so the signer and the verifier cannot drift
//! apart. Every comparison of a received signature goes through `hmac`'s
//! constant-time `verify_slice` (RustCrypto `subtle`), so response timing
//! does not reveal how many bytes of a forged signature were right.
//!
//! The key is loaded through `KeyInit::new` with a full block, prepared as
//! RFC 2104 §2 prescribes (hash keys longer than a block, then zero-pad).
//! That is exactly what `new_from_slice` does internally, but it cannot fail,
//! so no error path (and no `expect`) exists for "invalid key length".

use hmac::digest::{Digest, Key, KeyInit};
use hmac::{Hmac, Mac};
use sha1::Sha1;
use sha2::Sha256;

/// HMAC-SHA1 state, ready for `update` calls.
pub(crate) type HmacSha1 = Hmac<Sha1>;

/// HMAC-SHA256 state, ready for `update` calls.
pub(crate) type HmacSha256 = Hmac<Sha256>;

macro_rules! keyed_mac {
    ($name:ident, $hash:ty) => {
        /// A MAC keyed per RFC 2104 (any key length) with the concatenation
        /// of `key_parts`, which lets RPC v1 append its `&` without building
        /// the key in a heap buffer.
        pub(crate) fn $name(key_parts: &[&[u8]]) -> Hmac<$hash> {
            let mut block = Key::<Hmac<$hash>>::default();
            let len: usize = key_parts.iter().map(|part| part.len()).sum();
            if len <= block.len() {
                let mut at = 0;
                for part in key_parts {
                    block[at..at + part.len()].copy_from_slice(part);
                    at += part.len();
                }
            } else {
                let mut hash = <$hash as Digest>::new();
                for part in key_parts {
                    Digest::update(&mut hash, part);
                }
                let digest = hash.finalize();
                block[..digest.len()].copy_from_slice(&digest);
            }
            <Hmac<$hash> as KeyInit>::new(&block)
        }
    };
}

keyed_mac!(sha1_mac, Sha1);
keyed_mac!(sha256_mac, Sha256);

/// HMAC-SHA1 of `message` under `key`.
/// (One-shot form, kept for the RFC test vectors below.)
#[cfg(test)]
pub(crate) fn hmac_sha1(key: &[u8], message: &[u8]) -> [u8; 20] {
    let mut mac = sha1_mac(&[key]);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// HMAC-SHA256 of `message` under `key`.
pub(crate) fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut mac = sha256_mac(&[key]);
    mac.update(message);
    mac.finalize().into_bytes().into()
}

/// Constant-time check that `tag` is HMAC-SHA1(`key`, `message`).
/// (One-shot form, kept for the RFC test vectors below.)
#[cfg(test)]
pub(crate) fn verify_hmac_sha1(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    let mut mac = sha1_mac(&[key]);
    mac.update(message);
    mac.verify_slice(tag).is_ok()
}

/// Constant-time check that `tag` is HMAC-SHA256(`key`, `message`).
/// (One-shot form, kept for the RFC test vectors below.)
#[cfg(test)]
pub(crate) fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> bool {
    let mut mac = sha256_mac(&[key]);
    mac.update(message);
    mac.verify_slice(tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LONG_KEY_DATA: &[u8] = b"Test Using Larger Than Block-Size Key - Hash Key First";

    #[test]
    fn rfc2202_hmac_sha1() {
        // Test case 2 (short key) and 6 (80-byte key, longer than a block).
        assert_eq!(
            hex::encode(hmac_sha1(b"Jefe", b"what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"
        );
        assert_eq!(
            hex::encode(hmac_sha1(&[0xaa; 80], LONG_KEY_DATA)),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112"
        );
    }

    #[test]
    fn rfc4231_hmac_sha256() {
        // Test case 2 (short key) and 6 (131-byte key, longer than a block).
        assert_eq!(
            hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex::encode(hmac_sha256(&[0xaa; 131], LONG_KEY_DATA)),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn block_sized_and_empty_keys_match_new_from_slice() {
        for key in [&[][..], &[7u8; 64][..], &[9u8; 65][..]] {
            let mut reference = <Hmac<Sha256> as KeyInit>::new_from_slice(key).unwrap();
            reference.update(b"m");
            let expected: [u8; 32] = reference.finalize().into_bytes().into();
            assert_eq!(hmac_sha256(key, b"m"), expected);
        }
    }

    #[test]
    fn verify_accepts_only_the_exact_tag() {
        let tag = hmac_sha1(b"k", b"m");
        assert!(verify_hmac_sha1(b"k", b"m", &tag));
        assert!(!verify_hmac_sha1(b"k", b"n", &tag));
        assert!(!verify_hmac_sha1(b"k", b"m", &tag[..19]));
        let tag = hmac_sha256(b"k", b"m");
        assert!(verify_hmac_sha256(b"k", b"m", &tag));
        let mut bad = tag;
        bad[31] ^= 1;
        assert!(!verify_hmac_sha256(b"k", b"m", &bad));
    }
}
