//! Whether a flattened wire name fits the declared parameters: the check behind [`Params::unknown`](
//! super::Params::unknown).

use crate::meta::{ParamKind, ParamMeta};

/// Whether `name` (`Limit`, `VpnGatewayIds.0`, `Filters.1.Values.0`) names a value of one of `params`.
pub(crate) fn fits(params: &[ParamMeta], name: &str) -> bool {
    let (head, rest) = split(name);
    params
        .iter()
        .find(|p| p.name == head)
        .is_some_and(|p| fits_value(p, rest))
}

/// Whether what follows a parameter's own name (`None`: nothing) fits its shape.
fn fits_value(p: &ParamMeta, rest: Option<&str>) -> bool {
    match (p.kind, rest) {
        (kind, None) => kind.is_scalar(),
        (ParamKind::List, Some(rest)) => {
            let (index, rest) = split(rest);
            let is_index = !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit());
            is_index && p.items.is_some_and(|element| fits_value(element, rest))
        }
        (ParamKind::Object, Some(rest)) => fits(p.fields, rest),
        (_, Some(_)) => false,
    }
}

fn split(name: &str) -> (&str, Option<&str>) {
    match name.split_once('.') {
        Some((head, rest)) => (head, Some(rest)),
        None => (name, None),
    }
}
