//! Time and identifiers: the only non-deterministic inputs of a signed request, behind traits so that tests
//! (ours and users') can pin them.

use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Nonces and idempotency tokens.
pub trait IdGenerator: Send + Sync + fmt::Debug {
    /// A fresh Alibaba `SignatureNonce` (UUID form), new for every attempt.
    fn nonce(&self) -> String;
    /// A fresh Tencent v2 `Nonce`: a positive integer below 2^63, new for every attempt.
    fn numeric_nonce(&self) -> u64;
    /// A fresh idempotency token (UUID form, ASCII, 36 characters), one per call.
    fn client_token(&self) -> String;
}

/// Random identifiers from a seeded generator.
#[derive(Debug)]
pub struct RandomIds {
    rng: Mutex<fastrand::Rng>,
}

impl RandomIds {
    /// Seeded from the process's randomness.
    pub fn new() -> Self {
        RandomIds {
            rng: Mutex::new(fastrand::Rng::new()),
        }
    }

    /// Seeded, for reproducible runs.
    pub fn with_seed(seed: u64) -> Self {
        RandomIds {
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        }
    }

    fn u128(&self) -> u128 {
        // A poisoned lock only means another thread panicked mid-draw; the generator state is still valid.
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        rng.u128(..)
    }
}

impl Default for RandomIds {
    fn default() -> Self {
        RandomIds::new()
    }
}

impl IdGenerator for RandomIds {
    fn nonce(&self) -> String {
        uuid_v4(self.u128())
    }

    fn numeric_nonce(&self) -> u64 {
        ((self.u128() as u64) >> 1).max(1)
    }

    fn client_token(&self) -> String {
        uuid_v4(self.u128())
    }
}

/// Formats 128 random bits as a version-4 UUID.
pub(crate) fn uuid_v4(bits: u128) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = (bits & !(0xF << 76) | (0x4 << 76)) & !(0x3 << 62) | (0x2 << 62);
    // Byte by byte into a buffer, then one copy: two of these are made per call (nonce and client token).
    let mut out = [b'-'; 36];
    let mut at = 0;
    for (i, byte) in b.to_be_bytes().into_iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            at += 1;
        }
        out[at] = HEX[usize::from(byte >> 4)];
        out[at + 1] = HEX[usize::from(byte & 0xF)];
        at += 2;
    }
    // One allocation and a 36-byte copy; collecting `char`s instead pushed (and UTF-8-encoded) them one
    // at a time, which perf showed at about 4 % of a V3 call. Every byte is ASCII (hex digits and `-`).
    // (`from_utf8` cannot fail on them; the empty fallback only keeps this free of a panic path.)
    std::str::from_utf8(&out).map_or_else(|_| String::new(), str::to_owned)
}

/// A clock that always says the same time (test-util).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// At this many seconds after the Unix epoch.
    pub fn at_unix(seconds: u64) -> Self {
        FixedClock(UNIX_EPOCH + Duration::from_secs(seconds))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Identifiers that are the same every time, or count up (test-util).
#[derive(Debug)]
pub struct FixedIds {
    nonce: String,
    numeric_nonce: u64,
    token: String,
    counter: AtomicU64,
    counting: bool,
}

impl FixedIds {
    /// Always these values.
    pub fn new(nonce: impl Into<String>, numeric_nonce: u64, token: impl Into<String>) -> Self {
        FixedIds {
            nonce: nonce.into(),
            numeric_nonce,
            token: token.into(),
            counter: AtomicU64::new(0),
            counting: false,
        }
    }

    /// The given values with `-1`, `-2`, … appended to the nonce and added to the numeric nonce on every
    /// draw, so tests can see that each attempt got a fresh one.
    pub fn counting(
        nonce: impl Into<String>,
        numeric_nonce: u64,
        token: impl Into<String>,
    ) -> Self {
        FixedIds {
            counting: true,
            ..FixedIds::new(nonce, numeric_nonce, token)
        }
    }

    fn next(&self) -> u64 {
        self.counter.fetch_add(1, Ordering::Relaxed) + 1
    }
}

impl IdGenerator for FixedIds {
    fn nonce(&self) -> String {
        if self.counting {
            format!("{}-{}", self.nonce, self.next())
        } else {
            self.nonce.clone()
        }
    }

    fn numeric_nonce(&self) -> u64 {
        if self.counting {
            self.numeric_nonce + self.next()
        } else {
            self.numeric_nonce
        }
    }

    fn client_token(&self) -> String {
        self.token.clone()
    }
}

/// `2024-01-01T12:00:00Z`: the Alibaba `Timestamp` / `x-acs-date` format (UTC, no fraction), rendered by
/// the signing crate's [`cloudvpn_signing::timestamp`], which the emulator parses with.
pub fn iso8601(t: SystemTime) -> String {
    let secs = unix_seconds(t);
    let p = cloudvpn_signing::timestamp::parts(secs);
    if !(0..=9999).contains(&p.year) {
        return cloudvpn_signing::timestamp::format_utc(secs);
    }
    // Written digit by digit: it is signed into every Alibaba request, and `format!` costs more than the
    // rest of building the request's headers.
    let mut out = String::with_capacity(20);
    push_digits(&mut out, p.year, 4);
    for (separator, value) in [
        ('-', i64::from(p.month)),
        ('-', i64::from(p.day)),
        ('T', p.hour),
        (':', p.minute),
        (':', p.second),
    ] {
        out.push(separator);
        push_digits(&mut out, value, 2);
    }
    out.push('Z');
    out
}

/// Appends the last `width` decimal digits of `value` (not negative), zero-padded.
fn push_digits(out: &mut String, value: i64, width: u32) {
    for place in (0..width).rev() {
        let digit = (value / 10_i64.pow(place)).rem_euclid(10);
        out.push(char::from(b'0' + digit as u8));
    }
}

/// Parses [`iso8601`]'s format back to Unix seconds; `None` for anything else.
pub fn parse_iso8601(s: &str) -> Option<i64> {
    cloudvpn_signing::timestamp::parse_utc(s)
}

/// Seconds since the Unix epoch (negative before it).
pub fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_the_vector_timestamp() {
        // 2024-01-01T12:00:00Z, the timestamp of the official-SDK vectors.
        assert_eq!(
            iso8601(FixedClock::at_unix(1_704_110_400).now()),
            "2024-01-01T12:00:00Z"
        );
        assert_eq!(
            iso8601(FixedClock::at_unix(0).now()),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            iso8601(FixedClock::at_unix(951_825_600).now()),
            "2000-02-29T12:00:00Z"
        );
    }

    #[test]
    fn the_fast_formatting_agrees_with_the_signing_crate() {
        // Every hour over four centuries' worth of strides, before and after the epoch, and the edges.
        let mut t: i64 = -2_208_988_800; // 1900-01-01
        while t < 7_258_118_400 {
            // 2200-01-01
            let at = if t >= 0 {
                UNIX_EPOCH + std::time::Duration::from_secs(t as u64)
            } else {
                UNIX_EPOCH - std::time::Duration::from_secs(t.unsigned_abs())
            };
            assert_eq!(
                iso8601(at),
                cloudvpn_signing::timestamp::format_utc(t),
                "{t}"
            );
            t += 3_600 * 24 * 7 + 3_661;
        }
    }

    #[test]
    fn parses_what_it_formats() {
        for t in [0u64, 951_825_600, 1_704_110_400, 4_102_444_799] {
            let s = iso8601(FixedClock::at_unix(t).now());
            assert_eq!(parse_iso8601(&s), Some(t as i64), "{s}");
        }
        assert_eq!(parse_iso8601("2024-01-01 12:00:00Z"), None);
        assert_eq!(parse_iso8601("2024-13-01T12:00:00Z"), None);
        assert_eq!(parse_iso8601("2024-01-01T12:00:00"), None);
    }

    #[test]
    fn uuids_are_the_bits_in_the_canonical_layout() {
        assert_eq!(
            uuid_v4(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            "01234567-89ab-4def-8123-456789abcdef"
        );
        assert_eq!(uuid_v4(0), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4(u128::MAX), "ffffffff-ffff-4fff-bfff-ffffffffffff");
    }

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let ids = RandomIds::with_seed(7);
        let (a, b) = (ids.nonce(), ids.nonce());
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert!(ids.numeric_nonce() > 0 && ids.numeric_nonce() < 1 << 63);
    }
}
