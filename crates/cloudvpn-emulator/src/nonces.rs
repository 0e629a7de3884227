//! Replay protection: a nonce may be used once per access key while its request's timestamp is inside the
//! window (after that the timestamp check refuses the request anyway, so the nonce can be forgotten).
//!
//! Sharded so that concurrent requests rarely wait on one another; each shard forgets entries in the order
//! it learnt them, and never holds more than its share of [`NonceCache::capacity`].
//!
//! Entries are 64-bit keyed hashes of (scope, key, nonce) rather than the strings: no allocation per
//! request, and with a random key per emulator a false "reused" needs a 64-bit collision among the
//! nonces of one window (about 1 in 10^7 with a million of them), which real services tolerate too.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::Mutex;

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

struct Shard {
    seen: HashSet<u64, BuildHasherDefault<Prehashed>>,
    // (forget at, key), in insertion order.
    order: VecDeque<(u64, u64)>,
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
    /// A cache holding at most about `capacity` nonces.
    pub fn new(capacity: usize) -> Self {
        NonceCache {
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        seen: HashSet::default(),
                        order: VecDeque::new(),
                    })
                })
                .collect(),
            hasher: RandomState::new(),
            per_shard: capacity.div_ceil(SHARDS).max(1),
        }
    }

    /// The most nonces kept.
    pub fn capacity(&self) -> usize {
        self.per_shard * SHARDS
    }

    /// Records `nonce` for (`scope`, `key_id`); false when it was already recorded (a replay).
    /// `keep_until_ms` is when it may be forgotten; `now_ms` drives forgetting.
    pub fn first_use(
        &self,
        scope: &str,
        key_id: &str,
        nonce: &str,
        keep_until_ms: u64,
        now_ms: u64,
    ) -> bool {
        // Tuples hash each string with its length, so ("a", "bc") and ("ab", "c") differ.
        let k = self.hasher.hash_one((scope, key_id, nonce));
        // The top bits pick the shard; the set uses the low ones for its buckets.
        let index = (k >> 60) as usize % SHARDS;
        let Ok(mut shard) = self.shards[index].lock() else {
            // A panic elsewhere poisoned the lock; refusing would break every later request.
            return true;
        };
        while let Some((until, _)) = shard.order.front() {
            if *until > now_ms && shard.order.len() < self.per_shard {
                break;
            }
            if let Some((_, old)) = shard.order.pop_front() {
                shard.seen.remove(&old);
            }
        }
        if !shard.seen.insert(k) {
            return false;
        }
        shard.order.push_back((keep_until_ms, k));
        true
    }

    /// Forgets everything (control API reset).
    pub fn clear(&self) {
        for shard in &self.shards {
            if let Ok(mut s) = shard.lock() {
                s.seen.clear();
                s.order.clear();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_replay_per_key_and_scope() {
        let c = NonceCache::new(100);
        assert!(c.first_use("alibaba", "ak", "n1", 1_000, 0));
        assert!(!c.first_use("alibaba", "ak", "n1", 1_000, 10));
        assert!(c.first_use("alibaba", "ak2", "n1", 1_000, 10));
        assert!(c.first_use("tencent", "ak", "n1", 1_000, 10));
    }

    #[test]
    fn forgets_expired_and_excess_entries() {
        let c = NonceCache::new(SHARDS);
        assert!(c.first_use("s", "k", "old", 100, 0));
        // Past its keep-until time the nonce is forgotten on the next use of its shard.
        for i in 0..SHARDS * 4 {
            c.first_use("s", "k", &i.to_string(), 10_000, 200);
        }
        assert!(c.first_use("s", "k", "old", 10_000, 200));
        let total: usize = c.shards.iter().map(|s| s.lock().unwrap().seen.len()).sum();
        assert!(total <= c.capacity());
    }
}
