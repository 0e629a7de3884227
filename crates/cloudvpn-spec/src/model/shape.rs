//! Types and shapes: request parameters (scalars, lists and objects) and response fields.

use super::*;
use serde::{Deserialize, Serialize};

/// The type of a parameter or response field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text.
    String,
    /// A 64-bit signed integer.
    Integer,
    /// `true` / `false`.
    Boolean,
    /// A nested object with `fields`.
    Object,
    /// A list with `items`.
    List,
}

impl FieldType {
    /// Whether this is a scalar type.
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            FieldType::String | FieldType::Integer | FieldType::Boolean
        )
    }
}

/// Documented constraints on a parameter's value.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Minimum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Maximum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Only ASCII characters.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ascii: bool,
    /// The allowed values.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    /// Smallest allowed integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    /// Largest allowed integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<i64>,
    /// Fewest elements of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u32>,
    /// Most elements of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Wire name.
    pub name: String,
    /// Type: a scalar, a `list` (with `items`) or an `object` (with `fields`).
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the caller must give it.
    pub required: bool,
    /// Whether it is the region parameter.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub region: bool,
    /// The document's example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Scalar>,
    /// The document's description, with the maintainers' remarks on it.
    pub description: Text,
    /// The `--help` line, in English, when the description is not fit to show a user as it is (it carries
    /// remarks on sources, or is too long). Without it the help shows the description's first paragraph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where it is documented.
    pub source: String,
    /// Value constraints (of a list: `min_items` / `max_items`; its elements' go under `items`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// Override of the Rust field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// A secret (a token, a pre-shared key): the generated `Debug` prints a redaction marker instead of it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// Where the value is documented as a secret (required with `sensitive: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_source: Option<String>,
    /// The element of a list parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<ParamItems>>,
    /// The members of an object parameter, each a parameter itself (so members can be lists or objects).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Parameter>,
    /// Name of the generated struct of an object parameter (default: action + parameter name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
}

/// The element of a list parameter: a scalar with its own constraints, or an object with `fields`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ParamItems {
    /// Element type: a scalar or `object` (a list of lists is not supported).
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Constraints on each scalar element.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// Members of object elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Parameter>,
    /// Name of the generated struct of object elements (default: action + parameter name + `Item`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    /// Remarks on the elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}

/// A response field, possibly nested.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the document guarantees the field is present.
    pub required: bool,
    /// The document's example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Scalar>,
    /// The document's description.
    pub description: Text,
    /// Where it is documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Fields of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Element type of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Items>>,
    /// Name of the generated struct of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    /// Override of the Rust field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// A secret (a key, a token, a pre-shared key): the generated `Debug` prints a redaction marker instead.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sensitive: bool,
    /// Where the value is documented as a secret (required with `sensitive: true`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive_source: Option<String>,
}

/// The element type of a list.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Items {
    /// Element type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Fields of object elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Name of the generated struct of object elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    /// Remarks on the elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
}
