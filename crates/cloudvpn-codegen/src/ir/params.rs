//! Lowering request parameters, with the structs their object parameters generate.

use super::lower::{first_paragraph, rust_field, scalar};
use super::*;
use cloudvpn_spec::{Constraints, FieldType, ParamItems, Parameter};

/// Lowers one parameter (or object member); the structs of objects inside it are appended to `structs`,
/// members before the struct that holds them.
pub(super) fn lower_param(
    p: &Parameter,
    action: &str,
    structs: &mut Vec<RequestStructIr>,
) -> ParamIr {
    let ty = match p.ty {
        FieldType::List => ParamTypeIr::List(Box::new(lower_element(
            p,
            p.items.as_deref(),
            action,
            structs,
        ))),
        FieldType::Object => object(
            p.rust_type.as_deref(),
            &p.fields,
            &p.description.for_docs(),
            action,
            &p.name,
            structs,
        ),
        other => ParamTypeIr::Scalar(scalar(other)),
    };
    ParamIr {
        wire: p.name.clone(),
        field: rust_field(&p.name, &p.rust_name),
        ty,
        required: p.required,
        region: p.region,
        example: p.example.as_ref().map(ToString::to_string),
        doc: p.description.for_docs(),
        help: match &p.hint {
            Some(hint) => hint.trim().to_owned(),
            None => first_paragraph(p.description.preferred()).to_owned(),
        },
        constraints: constraints(p.constraints.as_ref()),
        sensitive: p.sensitive,
    }
}

/// The element of a list, described as a required parameter named like the list.
fn lower_element(
    list: &Parameter,
    items: Option<&ParamItems>,
    action: &str,
    structs: &mut Vec<RequestStructIr>,
) -> ParamIr {
    let (ty, constraints, doc) = match items {
        Some(i) if i.ty == FieldType::Object => {
            let doc = i
                .description
                .as_ref()
                .map(|d| d.for_docs())
                .unwrap_or_else(|| format!("One element of `{}`.", list.name));
            let ty = object(
                i.rust_type.as_deref(),
                &i.fields,
                &doc,
                action,
                &list.name,
                structs,
            );
            (ty, ConstraintsIr::default(), doc)
        }
        Some(i) => (
            ParamTypeIr::Scalar(scalar(i.ty)),
            constraints(i.constraints.as_ref()),
            format!("One element of `{}`.", list.name),
        ),
        None => (
            ParamTypeIr::Scalar(ScalarIr::String),
            ConstraintsIr::default(),
            String::new(),
        ),
    };
    ParamIr {
        wire: list.name.clone(),
        field: rust_field(&list.name, &list.rust_name),
        ty,
        required: true,
        region: false,
        example: None,
        help: doc.clone(),
        doc,
        constraints,
        // The list itself carries the mark; its `Debug` redacts every element.
        sensitive: list.sensitive,
    }
}

fn object(
    rust_type: Option<&str>,
    fields: &[Parameter],
    doc: &str,
    action: &str,
    wire: &str,
    structs: &mut Vec<RequestStructIr>,
) -> ParamTypeIr {
    // The loader requires `rust_type` on objects; the fallback keeps lowering total.
    let name = rust_type
        .map(str::to_owned)
        .unwrap_or_else(|| format!("{action}{}", cloudvpn_spec::pascal_case(wire)));
    let members: Vec<ParamIr> = fields
        .iter()
        .map(|f| lower_param(f, action, structs))
        .collect();
    if !structs.iter().any(|s| s.name == name) {
        structs.push(RequestStructIr {
            name: name.clone(),
            doc: doc.to_owned(),
            members: members.clone(),
        });
    }
    ParamTypeIr::Struct { name, members }
}

fn constraints(c: Option<&Constraints>) -> ConstraintsIr {
    let c = c.cloned().unwrap_or_default();
    ConstraintsIr {
        min_length: c.min_length,
        max_length: c.max_length,
        ascii: c.ascii,
        allowed: c.allowed,
        minimum: c.minimum,
        maximum: c.maximum,
        min_items: c.min_items,
        max_items: c.max_items,
    }
}
