//! A JSON body (TC3 POST) as flattened parameters, so one reader serves query, form and JSON requests.

use super::Params;
use crate::error::{Problem, ValidationError};
use serde_json::Value;

impl Params {
    /// Flattens a JSON object body: `{"VpnGatewayIds": ["a"], "Filters": [{"Name": "n", "Values": ["v"]}]}`
    /// becomes `VpnGatewayIds.<first>=a`, `Filters.<first>.Name=n`, `Filters.<first>.Values.<first>=v`.
    /// Numbers and booleans become their text (the typed reader parses them back); `null` is absent.
    pub fn from_json(
        action: &'static str,
        body: &Value,
        first: usize,
    ) -> Result<Self, ValidationError> {
        let Value::Object(members) = body else {
            return Err(ValidationError::new(
                action,
                "(body)",
                Problem::ExpectedObject,
            ));
        };
        let mut params = Params::new();
        for (name, value) in members {
            params.insert_json(name, value, first);
        }
        Ok(params)
    }

    /// Adds `value` flattened under `name` (a command line's `--Filters '[{...}]'`, one member of a body).
    pub fn insert_json(&mut self, name: &str, value: &Value, first: usize) {
        match value {
            Value::Null => {}
            Value::Bool(b) => self.insert(name, b.to_string()),
            Value::Number(n) => self.insert(name, n.to_string()),
            Value::String(s) => self.insert(name, s.as_str()),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    self.insert_json(&format!("{name}.{}", first + i), item, first);
                }
            }
            Value::Object(members) => {
                for (member, item) in members {
                    self.insert_json(&format!("{name}.{member}"), item, first);
                }
            }
        }
    }
}
