//! Keys whose value must be written as text. YAML reads a plain `4100` as a number, and serde_yaml hands a
//! number to a `String` field as its digits; for a code such as `code_desc` that would let a number (a
//! misplaced integer code) pass as a name, so these keys take only what YAML reads as a string.

use serde::Deserializer;
use serde::de::{Error, Visitor};
use std::fmt;

/// A present key's value, which must be a YAML string (`AuthFailure`, `"4100"`), not a number, boolean,
/// null, list or map.
pub(crate) fn some_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(OnlyString).map(Some)
}

struct OnlyString;

impl Visitor<'_> for OnlyString {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string (a code such as AuthFailure)")
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
}
