//! Two questions about raw JSON text that serde's typed parsing cannot answer: does any object repeat a
//! key (serde keeps the last value silently), and where in the text is the value at a given path (for
//! errors found after parsing).
//!
//! Both walk the text with serde_json's own parser and stop by returning an error at the point of
//! interest, so serde_json attaches the line and column of that point to it: positions come from the
//! same parser that reads the file, and no second parser is needed.

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::cell::{Cell, RefCell};
use std::collections::HashSet;
use std::fmt;

/// Where something is in a text: 1-based line and column, as serde_json counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// The line.
    pub line: usize,
    /// The column.
    pub column: usize,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// The first key that an object of `text` repeats, with its position (just after the repeated key).
/// Text that is not JSON at all answers `None`: the typed parse reports that better.
pub fn first_duplicate_key(text: &[u8]) -> Option<(String, Position)> {
    let repeated = RefCell::new(None);
    let mut de = serde_json::Deserializer::from_slice(text);
    let error = de.deserialize_any(NoDuplicates(&repeated)).err()?;
    let key = repeated.into_inner()?;
    Some((
        key,
        Position {
            line: error.line(),
            column: error.column(),
        },
    ))
}

/// Walks any value; the first repeated key is left in the cell (the error only stops the walk).
#[derive(Clone, Copy)]
struct NoDuplicates<'a>(&'a RefCell<Option<String>>);

impl<'de> DeserializeSeed<'de> for NoDuplicates<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for NoDuplicates<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                let message = format!("duplicate key {key:?}");
                *self.0.borrow_mut() = Some(key);
                return Err(de::Error::custom(message));
            }
            seen.insert(key);
            map.next_value_seed(self)?;
        }
        Ok(())
    }
}

/// The position of the member at `path` (object keys from the top) in `text`, just after its key; `None`
/// when the text has no such member.
pub fn locate(text: &[u8], path: &[&str]) -> Option<Position> {
    let found = Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(text);
    let error = (Locate {
        path,
        found: &found,
    })
    .deserialize(&mut de)
    .err()?;
    found.get().then_some(Position {
        line: error.line(),
        column: error.column(),
    })
}

/// Walks down `path`; at its end it sets `found` and stops the walk with an error that carries the place.
struct Locate<'p> {
    path: &'p [&'p str],
    found: &'p Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Locate<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Locate<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((wanted, rest)) = self.path.split_first() else {
            return Ok(());
        };
        while let Some(key) = map.next_key::<String>()? {
            if key != *wanted {
                map.next_value::<IgnoredAny>()?;
            } else if rest.is_empty() {
                self.found.set(true);
                return Err(de::Error::custom("found the member"));
            } else {
                return map.next_value_seed(Locate {
                    path: rest,
                    found: self.found,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_repeated_key_at_any_depth() {
        let text = b"{\"a\": {\"x\": 1,\n \"y\": [{\"k\": 1, \"k\": 2}]}}";
        let (key, at) = first_duplicate_key(text).unwrap();
        assert_eq!(key, "k");
        assert_eq!(at.line, 2);
        assert_eq!(
            first_duplicate_key(b"{\"a\": {\"a\": 1}, \"b\": [1, 2]}"),
            None
        );
        assert_eq!(first_duplicate_key(b"{not json"), None);
    }

    #[test]
    fn locates_a_member_by_path() {
        let text = b"{\n  \"a\": {\n    \"b\": 1,\n    \"c\": {\"d\": 2}\n  }\n}";
        assert_eq!(
            locate(text, &["a", "c", "d"]),
            Some(Position {
                line: 4,
                column: 13
            })
        );
        assert_eq!(locate(text, &["a", "b"]).map(|p| p.line), Some(3));
        assert_eq!(locate(text, &["a", "zz"]), None);
        assert_eq!(locate(text, &["a", "b", "deeper"]), None);
    }
}
