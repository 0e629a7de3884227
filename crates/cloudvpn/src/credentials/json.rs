//! Reading the official CLIs' JSON files without ever quoting a value.
//!
//! The files are parsed into a [`serde_json::Value`] and walked by hand, because serde's typed errors quote
//! the offending value, which may be a secret. Messages name keys, lines and columns only.

use super::search::value_problem;
use serde_json::{Map, Value};

/// The top-level object of a JSON file, or what is wrong with the text.
pub(crate) fn parse_object(text: &str) -> Result<Map<String, Value>, String> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err("expected a JSON object at the top level".to_owned()),
        Err(error) => Err(format!(
            "invalid JSON at line {} column {}",
            error.line(),
            error.column()
        )),
    }
}

/// A credential field: present, a string, not empty, no whitespace. The message names the key, never its
/// value.
pub(crate) fn string_field(object: &Map<String, Value>, key: &str) -> Result<String, String> {
    match object.get(key) {
        None | Some(Value::Null) => Err(format!("{key} missing")),
        Some(Value::String(value)) => match value_problem(key, value) {
            Some(problem) => Err(problem),
            None => Ok(value.clone()),
        },
        Some(_) => Err(format!("{key} is not a string")),
    }
}

/// An optional setting such as a region: `Ok(None)` when absent, null or blank; trimmed otherwise.
pub(crate) fn optional_setting(
    object: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(value)) => {
            let value = value.trim();
            if value.is_empty() {
                Ok(None)
            } else if value.contains(char::is_whitespace) {
                Err(format!("{key} contains whitespace"))
            } else {
                Ok(Some(value.to_owned()))
            }
        }
        Some(_) => Err(format!("{key} is not a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_position_not_the_text() {
        assert_eq!(
            parse_object("{\n  \"k\": \"SECRET-DISTINCTIVE\",\n  ,\n}"),
            Err("invalid JSON at line 3 column 3".to_owned())
        );
        assert_eq!(
            parse_object("[1]"),
            Err("expected a JSON object at the top level".to_owned())
        );
        assert!(parse_object("{}").unwrap().is_empty());
    }

    #[test]
    fn fields_and_settings() {
        let object = parse_object(
            r#"{"id": "abc", "pad": " x", "num": 1, "region": " ap-guangzhou ", "blank": " ", "odd": "a b"}"#,
        )
        .unwrap();
        assert_eq!(string_field(&object, "id"), Ok("abc".to_owned()));
        assert_eq!(
            string_field(&object, "pad"),
            Err("pad has leading or trailing whitespace".to_owned())
        );
        assert_eq!(
            string_field(&object, "num"),
            Err("num is not a string".to_owned())
        );
        assert_eq!(
            string_field(&object, "gone"),
            Err("gone missing".to_owned())
        );
        assert_eq!(
            optional_setting(&object, "region"),
            Ok(Some("ap-guangzhou".to_owned()))
        );
        assert_eq!(optional_setting(&object, "blank"), Ok(None));
        assert_eq!(optional_setting(&object, "gone"), Ok(None));
        assert_eq!(
            optional_setting(&object, "num"),
            Err("num is not a string".to_owned())
        );
        assert_eq!(
            optional_setting(&object, "odd"),
            Err("odd contains whitespace".to_owned())
        );
    }
}
