//! A map that remembers which keys were changed, so that the store can journal exactly the entries a
//! call changed without comparing the whole world.
//!
//! It reads like a `BTreeMap` (it dereferences to one) but can only be changed through the methods
//! below, each of which notes the key: there is no way to change an entry unnoticed. The notes are
//! taken by [`crate::changes`] after each change to the world.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;

/// A `BTreeMap` whose changes are noted by key.
pub struct Tracked<K, V> {
    map: BTreeMap<K, V>,
    touched: Vec<K>,
}

impl<K: Ord + Clone, V> Tracked<K, V> {
    /// An empty map.
    pub fn new() -> Self {
        Tracked {
            map: BTreeMap::new(),
            touched: Vec::new(),
        }
    }

    /// The entry, to change it (noted, whether or not it is then changed).
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ToOwned<Owned = K> + ?Sized,
    {
        let value = self.map.get_mut(key)?;
        self.touched.push(key.to_owned());
        Some(value)
    }

    /// Inserts or replaces an entry; returns the old value.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.touched.push(key.clone());
        self.map.insert(key, value)
    }

    /// Removes an entry; returns it.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ToOwned<Owned = K> + ?Sized,
    {
        let value = self.map.remove(key)?;
        self.touched.push(key.to_owned());
        Some(value)
    }

    /// The keys changed since the last call, each once, in order; forgets them.
    pub fn take_touched(&mut self) -> Vec<K> {
        let mut keys = std::mem::take(&mut self.touched);
        keys.sort();
        keys.dedup();
        keys
    }

    /// Whether any key was changed since the last [`Tracked::take_touched`].
    pub fn is_touched(&self) -> bool {
        !self.touched.is_empty()
    }

    /// The map itself, for replaying changes that are already journalled (nothing is noted).
    pub(crate) fn untracked_mut(&mut self) -> &mut BTreeMap<K, V> {
        &mut self.map
    }
}

impl<K: Ord + Clone, V> Default for Tracked<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> Deref for Tracked<K, V> {
    type Target = BTreeMap<K, V>;
    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<K: Ord + Clone, V> From<BTreeMap<K, V>> for Tracked<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        Tracked {
            map,
            touched: Vec::new(),
        }
    }
}

impl<K: Ord + Clone, V> FromIterator<(K, V)> for Tracked<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        BTreeMap::from_iter(iter).into()
    }
}

impl<'a, K, V> IntoIterator for &'a Tracked<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

// A copy starts with nothing noted: the notes belong to the change in progress, not to the data.
impl<K: Clone, V: Clone> Clone for Tracked<K, V> {
    fn clone(&self) -> Self {
        Tracked {
            map: self.map.clone(),
            touched: Vec::new(),
        }
    }
}

impl<K: PartialEq, V: PartialEq> PartialEq for Tracked<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.map == other.map
    }
}

impl<K: Eq, V: Eq> Eq for Tracked<K, V> {}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Tracked<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.map.fmt(f)
    }
}

impl<K: Serialize, V: Serialize> Serialize for Tracked<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.map.serialize(s)
    }
}

impl<'de, K: Deserialize<'de> + Ord + Clone, V: Deserialize<'de>> Deserialize<'de>
    for Tracked<K, V>
{
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(d).map(Tracked::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_every_changed_key_once() {
        let mut m: Tracked<String, u32> = Tracked::new();
        m.insert("b".into(), 1);
        m.insert("a".into(), 2);
        *m.get_mut("b").unwrap() += 1;
        assert_eq!(m.get_mut("missing"), None);
        assert_eq!(m.remove("missing"), None);
        assert_eq!(m.take_touched(), ["a", "b"]);
        assert!(!m.is_touched());
        assert_eq!(m.remove("a"), Some(2));
        assert_eq!(m.take_touched(), ["a"]);
        assert_eq!(m.get("b"), Some(&2));
        assert!(!m.clone().is_touched() && m.clone() == m);
    }
}
