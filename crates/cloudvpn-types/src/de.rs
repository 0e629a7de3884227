//! Lenient deserializers used by generated response types.
//!
//! The same body can arrive as JSON (numbers are numbers) or as XML turned into JSON (every scalar is
//! text, a one-element list is an object), and Tencent v2 documents `code` as an integer while some pages
//! show it as a string. These helpers accept each of those spellings and reject anything else with a
//! serde error that names what was expected.

use serde::de::{self, Deserialize, DeserializeOwned, Deserializer};
use serde_json::Value;

fn int_of<E: de::Error>(v: &Value) -> Result<i64, E> {
    match v {
        Value::Number(n) => n
            .as_i64()
            .ok_or_else(|| E::custom(format!("expected an integer, got {n}"))),
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| E::custom(format!("expected an integer, got {s:?}"))),
        other => Err(E::custom(format!("expected an integer, got {other}"))),
    }
}

fn bool_of<E: de::Error>(v: &Value) -> Result<bool, E> {
    match v {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        other => Err(E::custom(format!("expected a boolean, got {other}"))),
    }
}

/// An integer, from a number or a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    int_of(&Value::deserialize(d)?)
}

/// An optional integer (`null` and `""` mean absent).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(v) => int_of(&v).map(Some),
    }
}

/// A boolean, from `true`/`false` or their text.
pub fn boolean<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    bool_of(&Value::deserialize(d)?)
}

/// An optional boolean.
pub fn opt_boolean<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(v) => bool_of(&v).map(Some),
    }
}

/// Text, from a string or a scalar (XML has no numbers, JSON sometimes does where text is documented).
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(de::Error::custom(format!("expected text, got {other}"))),
    }
}

/// Optional text.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(other) => Err(de::Error::custom(format!("expected text, got {other}"))),
    }
}

/// A list, from an array, a single element (XML with one child), or `null`/`""` (empty).
pub fn list<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Vec<T>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let items = match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) if s.is_empty() => Vec::new(),
        Some(Value::Array(a)) => a,
        Some(one) => vec![one],
    };
    items
        .into_iter()
        .map(|i| serde_json::from_value(i).map_err(de::Error::custom))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Body {
        #[serde(deserialize_with = "super::int")]
        n: i64,
        #[serde(default, deserialize_with = "super::opt_boolean")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "super::list")]
        l: Vec<String>,
    }

    #[test]
    fn accepts_json_and_xml_spellings() {
        let json: Body = serde_json::from_str(r#"{"n": 3, "b": true, "l": ["a", "b"]}"#).unwrap();
        let xml: Body = serde_json::from_str(r#"{"n": "3", "b": "true", "l": "a"}"#).unwrap();
        assert_eq!(json.n, xml.n);
        assert_eq!(json.b, xml.b);
        assert_eq!(json.l, vec!["a", "b"]);
        assert_eq!(xml.l, vec!["a"]);
        let empty: Body = serde_json::from_str(r#"{"n": 0, "l": ""}"#).unwrap();
        assert!(empty.l.is_empty() && empty.b.is_none());
    }

    #[test]
    fn rejects_wrong_types_with_a_message() {
        let err = serde_json::from_str::<Body>(r#"{"n": "x"}"#).unwrap_err();
        assert!(
            err.to_string().contains("expected an integer, got \"x\""),
            "{err}"
        );
        let err = serde_json::from_str::<Body>(r#"{"n": 1, "b": "yes"}"#).unwrap_err();
        assert!(err.to_string().contains("expected a boolean"), "{err}");
    }
}
