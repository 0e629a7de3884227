//! Flat wire parameters, and the checks of documented constraints.
//!
//! Every protocol can send an operation's parameters as flat `name=value` pairs (a query or a form body):
//! a list parameter as `Name.N` (counted from [`Protocol::first_list_index`](crate::meta::Protocol)), an
//! object as `Name.Member`, nested as deep as the spec says (`Filters.0.Values.1`). A TC3 POST carries the
//! same values as a JSON body; [`Params::from_json`] flattens it, so one reader ([`Operation::from_params`](
//! crate::Operation::from_params)) serves both. Generated requests turn themselves into pairs and back; the
//! checks here read the constraints from [`ParamMeta`] so that generated code stays declarative and every
//! rule is implemented once.

use crate::error::{Problem, ValidationError};
use crate::meta::{OperationMeta, ParamKind, ParamMeta};
use std::borrow::Cow;
use std::collections::BTreeMap;

mod json;
mod shape;
mod wire;

pub use wire::{WireValue, flatten, has_members, list, member, optional, required};

/// A wire name: borrowed from the metadata for a plain parameter, built for a flattened one
/// (`Filters.0.Name`).
pub type ParamName = Cow<'static, str>;

/// Wire name/value pairs, in spec order: what [`Operation::to_params`](crate::Operation::to_params) returns.
pub type WireParams = Vec<(ParamName, String)>;

/// An operation's parameters by wire name (without the protocol's common parameters).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Params {
    values: BTreeMap<String, String>,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params::default()
    }

    /// Builds from pairs, rejecting a name given twice (the real services answer such requests with an
    /// error rather than picking one value).
    pub fn from_pairs<I, K, V>(action: &'static str, pairs: I) -> Result<Self, ValidationError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let mut values = BTreeMap::new();
        for (k, v) in pairs {
            let k = k.into();
            if values.contains_key(&k) {
                return Err(ValidationError::new(action, k, Problem::Duplicate));
            }
            values.insert(k, v.into());
        }
        Ok(Params { values })
    }

    /// Sets a value.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.values.insert(name.into(), value.into());
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// Pairs sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Names that `meta` does not declare: neither a scalar parameter nor a flattened name that fits the
    /// shape of a list or object parameter (`VpnGatewayIds.3` fits, `Filters.0.Nmae` does not).
    pub fn unknown<'a>(&'a self, meta: &'a OperationMeta) -> impl Iterator<Item = &'a str> + 'a {
        self.values
            .keys()
            .map(String::as_str)
            .filter(move |k| !shape::fits(meta.params, k))
    }

    /// The names that start with `prefix` followed by `.`, with what follows the dot.
    pub(crate) fn under<'a>(
        &'a self,
        prefix: &str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        let start = format!("{prefix}.");
        let skip = start.len();
        self.values
            .range(start.clone()..)
            .map(|(k, _)| k.as_str())
            .take_while(move |k| k.starts_with(&start))
            .map(move |k| (k, &k[skip..]))
    }
}

/// Checks a string value against its parameter's constraints (and non-emptiness when required).
pub fn check_string(
    op: &OperationMeta,
    param: &ParamMeta,
    value: &str,
) -> Result<(), ValidationError> {
    check_string_as(op, param, param.name, value)
}

/// [`check_string`] for a value inside a list or object, named by its flattened wire name.
pub fn check_string_as(
    op: &OperationMeta,
    param: &ParamMeta,
    name: &str,
    value: &str,
) -> Result<(), ValidationError> {
    let fail = |problem| Err(ValidationError::new(op.action, name, problem));
    let c = &param.constraints;
    if param.required && value.is_empty() {
        return fail(Problem::Empty);
    }
    if c.min_length.is_some() || c.max_length.is_some() {
        let len = value.chars().count();
        if let Some(max) = c.max_length.filter(|&m| len > m as usize) {
            return fail(Problem::TooLong { max, actual: len });
        }
        if let Some(min) = c.min_length.filter(|&m| len < m as usize) {
            return fail(Problem::TooShort { min, actual: len });
        }
    }
    if c.ascii {
        if let Some((position, found)) = value.chars().enumerate().find(|(_, ch)| !ch.is_ascii()) {
            return fail(Problem::NotAscii { found, position });
        }
    }
    if !c.allowed.is_empty() && !c.allowed.contains(&value) {
        return Err(ValidationError::new(
            op.action,
            name,
            Problem::NotAllowed { allowed: c.allowed },
        )
        .with_value(value));
    }
    Ok(())
}

/// Checks an integer value against its parameter's bounds.
pub fn check_integer(
    op: &OperationMeta,
    param: &ParamMeta,
    value: i64,
) -> Result<(), ValidationError> {
    check_integer_as(op, param, param.name, value)
}

/// [`check_integer`] for a value inside a list or object, named by its flattened wire name.
pub fn check_integer_as(
    op: &OperationMeta,
    param: &ParamMeta,
    name: &str,
    value: i64,
) -> Result<(), ValidationError> {
    let c = &param.constraints;
    if let Some(min) = c.minimum.filter(|&m| value < m) {
        return Err(ValidationError::new(
            op.action,
            name,
            Problem::BelowMinimum { min, actual: value },
        ));
    }
    if let Some(max) = c.maximum.filter(|&m| value > m) {
        return Err(ValidationError::new(
            op.action,
            name,
            Problem::AboveMaximum { max, actual: value },
        ));
    }
    Ok(())
}

/// Reads a required parameter as text.
pub fn required_string(
    op: &OperationMeta,
    param: &ParamMeta,
    params: &Params,
) -> Result<String, ValidationError> {
    params
        .get(param.name)
        .map(str::to_owned)
        .ok_or_else(|| ValidationError::new(op.action, param.name, Problem::Missing))
}

/// Reads an optional parameter as text.
pub fn optional_string(params: &Params, param: &ParamMeta) -> Option<String> {
    params.get(param.name).map(str::to_owned)
}

/// Reads a required integer parameter.
pub fn required_integer(
    op: &OperationMeta,
    param: &ParamMeta,
    params: &Params,
) -> Result<i64, ValidationError> {
    let text = required_string(op, param, params)?;
    parse_integer(op, param, &text)
}

/// Reads an optional integer parameter.
pub fn optional_integer(
    op: &OperationMeta,
    param: &ParamMeta,
    params: &Params,
) -> Result<Option<i64>, ValidationError> {
    params
        .get(param.name)
        .map(|t| parse_integer(op, param, t))
        .transpose()
}

/// Reads a required boolean parameter.
pub fn required_boolean(
    op: &OperationMeta,
    param: &ParamMeta,
    params: &Params,
) -> Result<bool, ValidationError> {
    let text = required_string(op, param, params)?;
    parse_boolean(op, param, &text)
}

/// Reads an optional boolean parameter.
pub fn optional_boolean(
    op: &OperationMeta,
    param: &ParamMeta,
    params: &Params,
) -> Result<Option<bool>, ValidationError> {
    params
        .get(param.name)
        .map(|t| parse_boolean(op, param, t))
        .transpose()
}

fn parse_integer(
    op: &OperationMeta,
    param: &ParamMeta,
    text: &str,
) -> Result<i64, ValidationError> {
    debug_assert_eq!(param.kind, ParamKind::Integer);
    parse_integer_as(op, param.name, text)
}

pub(crate) fn parse_integer_as(
    op: &OperationMeta,
    name: &str,
    text: &str,
) -> Result<i64, ValidationError> {
    text.trim()
        .parse()
        .map_err(|_| ValidationError::new(op.action, name, Problem::NotAnInteger).with_value(text))
}

fn parse_boolean(
    op: &OperationMeta,
    param: &ParamMeta,
    text: &str,
) -> Result<bool, ValidationError> {
    parse_boolean_as(op, param.name, text)
}

pub(crate) fn parse_boolean_as(
    op: &OperationMeta,
    name: &str,
    text: &str,
) -> Result<bool, ValidationError> {
    match text {
        "true" | "True" | "TRUE" => Ok(true),
        "false" | "False" | "FALSE" => Ok(false),
        _ => Err(ValidationError::new(op.action, name, Problem::NotABoolean).with_value(text)),
    }
}
