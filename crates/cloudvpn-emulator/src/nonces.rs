//! Replay protection: a nonce may be used once per access key while its request's timestamp is inside the
//! window. After that the timestamp check refuses the request by itself, so the nonce can be forgotten —
//! and not one second earlier, however many requests arrive meanwhile.
//!
//! Memory is bounded by time: every nonce is filed in a bucket per second of the moment it may be
//! forgotten (its request's signed timestamp plus the window, plus one), and whole buckets are dropped as
//! the clock passes them. A configured capacity bounds the worst case; when it is reached the cache fails
//! closed ([`NonceCheck::Full`]: the front ends answer their throttling error) rather than forget a nonce
//! that could still be replayed.
//!
//! Sharded so that concurrent requests rarely wait on one another. Entries are 64-bit keyed hashes of
//! (scope, key, nonce) rather than the strings: no allocation per request, and with a random key per
//! emulator a false "reused" needs a 64-bit collision among the nonces of one window (about 1 in 10^5 with
//! 10^7 of them), which real services tolerate too.

use std::collections::{BTreeMap, HashSet};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Mutex, MutexGuard};

const SHARDS: usize = 16;

/// The set's keys are already keyed hashes; hashing them again would only cost time.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What [`NonceCache::first_use`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    /// Not seen in its window: recorded now, the request may go on.
    Fresh,
    /// Already used inside its window: a replay.
    Replay,
    /// New, but the cache holds its capacity of nonces that may not be forgotten yet: refuse the request
    /// (as throttled) rather than forget one of them.
    Full,
}

#[derive(Default)]
struct Shard {
    seen: HashSet<u64, BuildHasherDefault<Prehashed>>,
    /// Second at which its nonces may be forgotten -> the nonces.
    buckets: BTreeMap<u64, Vec<u64>>,
}

impl Shard {
    /// Drops every bucket whose second has come.
    fn forget_until(&mut self, now_secs: u64) {
        while let Some(entry) = self.buckets.first_entry() {
            if *entry.key() > now_secs {
                break;
            }
            for key in entry.remove() {
                self.seen.remove(&key);
            }
        }
    }
}

/// Nonces seen recently, per provider and access key.
pub struct NonceCache {
    shards: Vec<Mutex<Shard>>,
    hasher: RandomState,
    per_shard: usize,
}

impl std::fmt::Debug for NonceCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NonceCache")
            .field("capacity", &self.capacity())
            .finish()
    }
}

impl NonceCache {
    /// A cache that remembers at most about `capacity` nonces at a time.
    pub fn new(capacity: usize) -> Self {
        NonceCache {
            shards: (0..SHARDS).map(|_| Mutex::default()).collect(),
            hasher: RandomState::new(),
            per_shard: capacity.div_ceil(SHARDS).max(1),
        }
    }

    /// The most nonces kept at a time.
    pub fn capacity(&self) -> usize {
        self.per_shard * SHARDS
    }

    /// How many nonces are remembered now.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| lock(s).seen.len()).sum()
    }

    /// Whether no nonce is remembered.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records `nonce` for (`scope`, `key_id`) until the second `keep_until_secs` (see
    /// [`crate::auth::nonce_keep_until_secs`]); `now_secs` is the clock that drives forgetting, the same
    /// reading the request's timestamp was checked against.
    pub fn first_use(
        &self,
        scope: &str,
        key_id: &str,
        nonce: &str,
        keep_until_secs: u64,
        now_secs: u64,
    ) -> NonceCheck {
        // Tuples hash each string with its length, so ("a", "bc") and ("ab", "c") differ.
        let k = self.hasher.hash_one((scope, key_id, nonce));
        // The top bits pick the shard; the set uses the low ones for its buckets.
        let index = (k >> 60) as usize % SHARDS;
        let mut shard = lock(&self.shards[index]);
        shard.forget_until(now_secs);
        if shard.seen.contains(&k) {
            return NonceCheck::Replay;
        }
        if keep_until_secs <= now_secs {
            // Outside its window already: nothing to remember (the timestamp check refuses it anyway).
            return NonceCheck::Fresh;
        }
        if shard.seen.len() >= self.per_shard {
            return NonceCheck::Full;
        }
        shard.seen.insert(k);
        shard.buckets.entry(keep_until_secs).or_default().push(k);
        NonceCheck::Fresh
    }

    /// Forgets everything (control API reset), giving the memory back.
    pub fn clear(&self) {
        for shard in &self.shards {
            *lock(shard) = Shard::default();
        }
    }
}

/// A shard's lock. A panic while one was held cannot leave it inconsistent in a way that matters (at
/// worst a nonce is in the set but in no bucket, so it is kept until the next reset), and refusing every
/// later request instead would take the emulator down.
fn lock(shard: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    shard
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_replay_per_key_and_scope() {
        let c = NonceCache::new(100);
        assert_eq!(
            c.first_use("alibaba", "ak", "n1", 1_000, 0),
            NonceCheck::Fresh
        );
        assert_eq!(
            c.first_use("alibaba", "ak", "n1", 1_000, 10),
            NonceCheck::Replay
        );
        assert_eq!(
            c.first_use("alibaba", "ak2", "n1", 1_000, 10),
            NonceCheck::Fresh
        );
        assert_eq!(
            c.first_use("tencent", "ak", "n1", 1_000, 10),
            NonceCheck::Fresh
        );
    }

    #[test]
    fn remembers_a_nonce_until_its_second_whatever_the_load() {
        // Far more requests than the old count-based cache kept (it forgot the oldest at capacity).
        let c = NonceCache::new(SHARDS * 4_096);
        assert_eq!(
            c.first_use("s", "k", "first", 1_000, 100),
            NonceCheck::Fresh
        );
        for i in 0..40_000 {
            assert_eq!(
                c.first_use("s", "k", &i.to_string(), 1_000, 100),
                NonceCheck::Fresh
            );
        }
        assert_eq!(
            c.first_use("s", "k", "first", 1_000, 999),
            NonceCheck::Replay
        );
        // From its second on it is forgotten.
        assert_eq!(
            c.first_use("s", "k", "first", 2_000, 1_000),
            NonceCheck::Fresh
        );
    }

    #[test]
    fn drops_only_the_buckets_whose_second_has_come() {
        let c = NonceCache::new(1_000);
        for (nonce, until) in [("a", 10), ("b", 11), ("c", 12)] {
            assert_eq!(c.first_use("s", "k", nonce, until, 0), NonceCheck::Fresh);
        }
        // Each shard forgets on use, so every nonce is looked at through its own shard.
        assert_eq!(c.first_use("s", "k", "a", 20, 10), NonceCheck::Fresh);
        assert_eq!(c.first_use("s", "k", "b", 20, 10), NonceCheck::Replay);
        assert_eq!(c.first_use("s", "k", "c", 20, 11), NonceCheck::Replay);
        assert_eq!(c.first_use("s", "k", "b", 20, 11), NonceCheck::Fresh);
    }

    #[test]
    fn a_full_cache_refuses_new_nonces_and_keeps_the_old_ones() {
        let c = NonceCache::new(SHARDS);
        // Fill one shard: keep adding until a new nonce is refused.
        let mut stored = Vec::new();
        let mut refused = None;
        for i in 0..10_000 {
            let nonce = i.to_string();
            match c.first_use("s", "k", &nonce, 500, 0) {
                NonceCheck::Fresh => stored.push(nonce),
                NonceCheck::Full => {
                    refused = Some(nonce);
                    break;
                }
                NonceCheck::Replay => panic!("{nonce} was never used"),
            }
        }
        let refused = refused.expect("a shard fills up");
        assert!(c.len() <= c.capacity());
        // Nothing was forgotten to make room, and the refused nonce was not recorded.
        for nonce in &stored {
            assert_eq!(c.first_use("s", "k", nonce, 500, 1), NonceCheck::Replay);
        }
        assert_eq!(c.first_use("s", "k", &refused, 500, 1), NonceCheck::Full);
        // Once the window has passed, there is room again.
        assert_eq!(
            c.first_use("s", "k", &refused, 1_000, 500),
            NonceCheck::Fresh
        );
    }

    #[test]
    fn a_request_already_outside_its_window_is_not_recorded() {
        let c = NonceCache::new(100);
        assert_eq!(c.first_use("s", "k", "late", 5, 5), NonceCheck::Fresh);
        assert!(c.is_empty());
    }

    #[test]
    fn clear_forgets_everything() {
        let c = NonceCache::new(100);
        assert_eq!(c.first_use("s", "k", "n", 50, 0), NonceCheck::Fresh);
        c.clear();
        assert!(c.is_empty());
        assert_eq!(c.first_use("s", "k", "n", 50, 0), NonceCheck::Fresh);
    }
}
