//! Response fields: names, types and the structs they generate.

use super::*;

pub(super) fn fields(
    ctx: &mut Ctx<'_, '_>,
    list: &[Field],
    parent: &str,
    structs: &mut BTreeSet<String>,
) {
    let mut names = BTreeMap::new();
    for f in list {
        let count = names.entry(f.name.as_str()).or_insert(0usize);
        if *count > 0 {
            let at = ctx.loc.find("name", &f.name, *count);
            ctx.error_at(at, format!("duplicate field `{}` in {parent}", f.name));
        }
        *count += 1;
        if let Some(s) = &f.source {
            ctx.source(s);
        }
        ctx.text(&f.description, "name", &f.name);
        let marked = Marked {
            sensitive: f.sensitive,
            source: f.sensitive_source.as_deref(),
            ty: f.ty,
            element: f.items.as_ref().map(|i| i.ty),
        };
        ctx.sensitive(&format!("field `{}`", f.name), &f.name, marked);
        let rust = f.rust_name.clone().unwrap_or_else(|| snake_case(&f.name));
        if !is_rust_field_name(&rust) {
            let at = ctx.loc.find("name", &f.name, 0);
            ctx.error_at(
                at,
                format!(
                    "field `{}`: `{rust}` is not a usable Rust field name; set `rust_name:`",
                    f.name
                ),
            );
        }
        shape(
            ctx,
            &f.name,
            f.ty,
            &f.fields,
            f.items.as_deref(),
            &f.rust_type,
            structs,
        );
    }
}

fn shape(
    ctx: &mut Ctx<'_, '_>,
    name: &str,
    ty: FieldType,
    fields_: &[Field],
    items: Option<&Items>,
    rust_type: &Option<String>,
    structs: &mut BTreeSet<String>,
) {
    match ty {
        FieldType::Object => {
            if fields_.is_empty() {
                let at = ctx.loc.find("name", name, 0);
                ctx.error_at(at, format!("`{name}` is an object: list its `fields:`"));
            }
            if let Some(t) = rust_type {
                if !is_rust_type_name(t) || !structs.insert(t.clone()) {
                    let at = ctx.loc.find("rust_type", t, 0);
                    ctx.error_at(at, format!("`{name}`: rust_type `{t}` must be a PascalCase name used once per operation"));
                }
            }
            fields(ctx, fields_, name, structs);
        }
        FieldType::List => {
            if !fields_.is_empty() {
                let at = ctx.loc.find("name", name, 0);
                ctx.error_at(
                    at,
                    format!("`{name}` is a list: put element fields under `items:`"),
                );
            }
            match items {
                None => {
                    let at = ctx.loc.find("name", name, 0);
                    ctx.error_at(
                        at,
                        format!("`{name}` is a list: give its element type under `items:`"),
                    );
                }
                Some(i) => {
                    if i.ty == FieldType::List {
                        let at = ctx.loc.find("name", name, 0);
                        ctx.error_at(at, format!("`{name}`: lists of lists are not supported"));
                    }
                    shape(ctx, name, i.ty, &i.fields, None, &i.rust_type, structs);
                }
            }
        }
        _ => {
            if !fields_.is_empty() || items.is_some() || rust_type.is_some() {
                let at = ctx.loc.find("name", name, 0);
                ctx.error_at(at, format!("`{name}` is a scalar: `fields`, `items` and `rust_type` belong to objects and lists"));
            }
        }
    }
}

/// The type at a dotted path of wire names, and whether every field on the path is required.
pub fn resolve_path(fields: &[Field], path: &str) -> Option<(FieldType, bool)> {
    let mut current = fields;
    let mut required = true;
    let mut segments = path.split('.').peekable();
    while let Some(seg) = segments.next() {
        let f = current.iter().find(|f| f.name == seg)?;
        required &= f.required;
        if segments.peek().is_none() {
            return Some((f.ty, required));
        }
        if f.ty != FieldType::Object {
            return None;
        }
        current = &f.fields;
    }
    None
}
