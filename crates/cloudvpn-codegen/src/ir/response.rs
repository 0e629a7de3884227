//! Lowering response bodies to structs.

use super::lower::{rust_field, scalar};
use super::*;
use cloudvpn_spec::{Field, FieldType, Text, pascal_case};

pub(super) fn lower_struct(
    name: &str,
    doc: &str,
    fields: &[Field],
    prefix: &str,
    out: &mut Vec<StructIr>,
) {
    let index = out.len();
    out.push(StructIr {
        name: name.to_owned(),
        doc: doc.to_owned(),
        fields: Vec::new(),
    });
    let mut lowered = Vec::new();
    for f in fields {
        let ty = lower_type(
            f.ty,
            &f.name,
            &f.fields,
            f.items.as_deref(),
            &f.rust_type,
            &f.description,
            prefix,
            out,
        );
        lowered.push(FieldIr {
            wire: f.name.clone(),
            field: rust_field(&f.name, &f.rust_name),
            doc: f.description.for_docs(),
            required: f.required,
            ty,
            sensitive: f.sensitive,
        });
    }
    out[index].fields = lowered;
}

#[allow(clippy::too_many_arguments)]
fn lower_type(
    ty: FieldType,
    name: &str,
    fields: &[Field],
    items: Option<&cloudvpn_spec::Items>,
    rust_type: &Option<String>,
    description: &Text,
    prefix: &str,
    out: &mut Vec<StructIr>,
) -> TypeIr {
    match ty {
        FieldType::Object => {
            let struct_name = rust_type
                .clone()
                .unwrap_or_else(|| format!("{prefix}{}", pascal_case(name)));
            lower_struct(
                &struct_name,
                &description.for_docs(),
                fields,
                &struct_name,
                out,
            );
            TypeIr::Struct(struct_name)
        }
        FieldType::List => {
            let element = match items {
                Some(i) if i.ty == FieldType::Object => {
                    let struct_name = i
                        .rust_type
                        .clone()
                        .unwrap_or_else(|| format!("{prefix}{}Item", pascal_case(name)));
                    let doc = i
                        .description
                        .as_ref()
                        .map(Text::for_docs)
                        .unwrap_or_else(|| format!("One element of `{name}`."));
                    lower_struct(&struct_name, &doc, &i.fields, &struct_name, out);
                    TypeIr::Struct(struct_name)
                }
                Some(i) => TypeIr::Scalar(scalar(i.ty)),
                None => TypeIr::Scalar(ScalarIr::String),
            };
            TypeIr::List(Box::new(element))
        }
        other => TypeIr::Scalar(scalar(other)),
    }
}

/// One struct per shape: where a document shows the same object under two names (Tencent's `IKESet` and
/// `IKEArr`), the later struct is dropped and its uses point at the first. Shapes are equal when their
/// fields have the same wire names, Rust names, presence and types; doc comments may differ (the first
/// struct's are kept).
pub(super) fn merge_same_shapes(mut structs: Vec<StructIr>) -> Vec<StructIr> {
    // Merging two structs can make their parents equal, so repeat until nothing changes.
    while let Some((keep, drop)) = same_shape_pair(&structs) {
        let (kept, dropped) = (structs[keep].name.clone(), structs.remove(drop).name);
        for s in &mut structs {
            for f in &mut s.fields {
                rename(&mut f.ty, &dropped, &kept);
            }
        }
    }
    structs
}

fn same_shape_pair(structs: &[StructIr]) -> Option<(usize, usize)> {
    // The root response struct (index 0) is never merged into another.
    // A secret member is part of the shape: a redacting struct never stands in for one that prints it.
    let shape = |s: &StructIr| -> Vec<(String, String, bool, bool, TypeIr)> {
        s.fields
            .iter()
            .map(|f| {
                let (wire, field) = (f.wire.clone(), f.field.clone());
                (wire, field, f.required, f.sensitive, f.ty.clone())
            })
            .collect()
    };
    (1..structs.len()).find_map(|j| {
        (1..j)
            .find(|&i| shape(&structs[i]) == shape(&structs[j]))
            .map(|i| (i, j))
    })
}

fn rename(ty: &mut TypeIr, from: &str, to: &str) {
    match ty {
        TypeIr::Struct(name) if name == from => *name = to.to_owned(),
        TypeIr::List(inner) => rename(inner, from, to),
        _ => {}
    }
}
