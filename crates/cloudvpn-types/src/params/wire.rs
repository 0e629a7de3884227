//! Values of list and object parameters: flattening them to `Name.N` / `Name.Member` pairs, reading them
//! back, and checking their constraints. Scalars and lists are implemented here; each generated struct of
//! an object parameter (`FilterObject`) implements [`WireValue`] over its members.

use super::{ParamName, Params, WireParams, check_integer_as, check_string_as};
use crate::error::{Problem, ValidationError};
use crate::meta::{OperationMeta, ParamMeta};
use std::borrow::Cow;
use std::collections::BTreeSet;

/// A value that a request parameter, a list element or an object member holds.
///
/// `meta` always describes the value itself: the parameter, the list's element ([`ParamMeta::items`]) or
/// the member ([`ParamMeta::fields`]); `name` is its flattened wire name; `first` the protocol's first list
/// index.
pub trait WireValue: Sized {
    /// Appends the value's flattened pairs under `name` (nothing for an empty list).
    fn flatten(&self, name: ParamName, first: usize, out: &mut WireParams);
    /// Reads the value under `name`; `None` when nothing is there.
    fn read(
        op: &OperationMeta,
        meta: &'static ParamMeta,
        name: &str,
        params: &Params,
        first: usize,
    ) -> Result<Option<Self>, ValidationError>;
    /// Checks the documented constraints of the value (and of everything inside it).
    fn check(
        &self,
        op: &OperationMeta,
        meta: &ParamMeta,
        name: &str,
        first: usize,
    ) -> Result<(), ValidationError>;
}

/// Appends the flattened pairs of a top-level parameter.
pub fn flatten<T: WireValue>(value: &T, name: &'static str, first: usize, out: &mut WireParams) {
    value.flatten(Cow::Borrowed(name), first, out);
}

/// `Name.Member`.
pub fn member(name: &str, member: &str) -> ParamName {
    Cow::Owned(format!("{name}.{member}"))
}

/// Reads a value that must be there.
pub fn required<T: WireValue>(
    op: &OperationMeta,
    meta: &'static ParamMeta,
    name: &str,
    params: &Params,
    first: usize,
) -> Result<T, ValidationError> {
    T::read(op, meta, name, params, first)?
        .ok_or_else(|| ValidationError::new(op.action, name, Problem::Missing))
}

/// Reads a value that may be absent.
pub fn optional<T: WireValue>(
    op: &OperationMeta,
    meta: &'static ParamMeta,
    name: &str,
    params: &Params,
    first: usize,
) -> Result<Option<T>, ValidationError> {
    T::read(op, meta, name, params, first)
}

/// Reads an optional list: absent is empty.
pub fn list<T: WireValue>(
    op: &OperationMeta,
    meta: &'static ParamMeta,
    name: &str,
    params: &Params,
    first: usize,
) -> Result<Vec<T>, ValidationError> {
    Ok(Vec::<T>::read(op, meta, name, params, first)?.unwrap_or_default())
}

/// A scalar is one pair; a list or object under its name is a type error.
fn scalar_text<'p>(
    op: &OperationMeta,
    name: &str,
    params: &'p Params,
) -> Result<Option<&'p str>, ValidationError> {
    match params.get(name) {
        Some(v) => Ok(Some(v)),
        None if params.under(name).next().is_some() => Err(ValidationError::new(
            op.action,
            name,
            Problem::ExpectedScalar,
        )),
        None => Ok(None),
    }
}

impl WireValue for String {
    fn flatten(&self, name: ParamName, _first: usize, out: &mut WireParams) {
        out.push((name, self.clone()));
    }

    fn read(
        op: &OperationMeta,
        _meta: &'static ParamMeta,
        name: &str,
        params: &Params,
        _first: usize,
    ) -> Result<Option<Self>, ValidationError> {
        Ok(scalar_text(op, name, params)?.map(str::to_owned))
    }

    fn check(
        &self,
        op: &OperationMeta,
        meta: &ParamMeta,
        name: &str,
        _first: usize,
    ) -> Result<(), ValidationError> {
        check_string_as(op, meta, name, self)
    }
}

impl WireValue for i64 {
    fn flatten(&self, name: ParamName, _first: usize, out: &mut WireParams) {
        out.push((name, self.to_string()));
    }

    fn read(
        op: &OperationMeta,
        _meta: &'static ParamMeta,
        name: &str,
        params: &Params,
        _first: usize,
    ) -> Result<Option<Self>, ValidationError> {
        scalar_text(op, name, params)?
            .map(|t| super::parse_integer_as(op, name, t))
            .transpose()
    }

    fn check(
        &self,
        op: &OperationMeta,
        meta: &ParamMeta,
        name: &str,
        _first: usize,
    ) -> Result<(), ValidationError> {
        check_integer_as(op, meta, name, *self)
    }
}

impl WireValue for bool {
    fn flatten(&self, name: ParamName, _first: usize, out: &mut WireParams) {
        out.push((name, self.to_string()));
    }

    fn read(
        op: &OperationMeta,
        _meta: &'static ParamMeta,
        name: &str,
        params: &Params,
        _first: usize,
    ) -> Result<Option<Self>, ValidationError> {
        scalar_text(op, name, params)?
            .map(|t| super::parse_boolean_as(op, name, t))
            .transpose()
    }

    fn check(
        &self,
        _op: &OperationMeta,
        _meta: &ParamMeta,
        _name: &str,
        _first: usize,
    ) -> Result<(), ValidationError> {
        Ok(())
    }
}

impl<T: WireValue> WireValue for Vec<T> {
    fn flatten(&self, name: ParamName, first: usize, out: &mut WireParams) {
        for (i, element) in self.iter().enumerate() {
            element.flatten(Cow::Owned(format!("{name}.{}", first + i)), first, out);
        }
    }

    fn read(
        op: &OperationMeta,
        meta: &'static ParamMeta,
        name: &str,
        params: &Params,
        first: usize,
    ) -> Result<Option<Self>, ValidationError> {
        if params.get(name).is_some() {
            return Err(ValidationError::new(
                op.action,
                name,
                Problem::ExpectedList { first },
            ));
        }
        let mut indexes = BTreeSet::new();
        for (full, rest) in params.under(name) {
            let index = rest.split('.').next().unwrap_or(rest);
            match index.parse::<usize>() {
                Ok(i) if index.bytes().all(|b| b.is_ascii_digit()) => {
                    indexes.insert(i);
                }
                _ => return Err(ValidationError::new(op.action, full, Problem::Unknown)),
            }
        }
        if indexes.is_empty() {
            return Ok(None);
        }
        let element = meta.items.unwrap_or(meta);
        let mut out = Vec::with_capacity(indexes.len());
        for (n, index) in indexes.iter().enumerate() {
            let expected = first + n;
            if *index != expected {
                return Err(ValidationError::new(
                    op.action,
                    name,
                    Problem::MissingIndex {
                        missing: expected,
                        first,
                    },
                ));
            }
            out.push(required(
                op,
                element,
                &format!("{name}.{index}"),
                params,
                first,
            )?);
        }
        Ok(Some(out))
    }

    fn check(
        &self,
        op: &OperationMeta,
        meta: &ParamMeta,
        name: &str,
        first: usize,
    ) -> Result<(), ValidationError> {
        let c = &meta.constraints;
        let fail = |problem| Err(ValidationError::new(op.action, name, problem));
        if self.is_empty() {
            return if meta.required {
                fail(Problem::Empty)
            } else {
                Ok(())
            };
        }
        if let Some(max) = c.max_items.filter(|&m| self.len() > m as usize) {
            return fail(Problem::TooManyItems {
                max,
                actual: self.len(),
            });
        }
        if let Some(min) = c.min_items.filter(|&m| self.len() < m as usize) {
            return fail(Problem::TooFewItems {
                min,
                actual: self.len(),
            });
        }
        let element = meta.items.unwrap_or(meta);
        for (i, value) in self.iter().enumerate() {
            value.check(op, element, &format!("{name}.{}", first + i), first)?;
        }
        Ok(())
    }
}

/// Whether an object has any member under `name`; a lone value there is a type error. For generated
/// structs' [`WireValue::read`].
pub fn has_members(
    op: &OperationMeta,
    name: &str,
    params: &Params,
) -> Result<bool, ValidationError> {
    if params.get(name).is_some() {
        return Err(ValidationError::new(
            op.action,
            name,
            Problem::ExpectedObject,
        ));
    }
    Ok(params.under(name).next().is_some())
}
