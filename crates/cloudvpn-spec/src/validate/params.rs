//! Request parameters: names, types, constraints, and the shapes of list and object parameters.
//!
//! A list parameter (`VpnGatewayIds.N`) has one `items:` element, a scalar with its own constraints or an
//! object; an object parameter (`FilterObject`) has `fields:`, each a parameter itself, so `Filters.N.Values.M`
//! is a list of objects whose member `Values` is a list of strings.

use super::*;

/// Checks the parameters of `op`; the names of the structs object parameters generate go into `structs`
/// (shared with the response, since both live in the operation's module).
pub(super) fn parameters(
    ctx: &mut Ctx<'_, '_>,
    op: &OperationFile,
    structs: &mut BTreeSet<String>,
) {
    members(ctx, &op.parameters, None, structs);
    let regions: Vec<&Parameter> = op.parameters.iter().filter(|p| p.region).collect();
    if regions.len() > 1 {
        let at = ctx.loc.find_key("region");
        ctx.error_at(at, "at most one parameter may be marked `region: true`");
    }
    for p in regions {
        if p.ty != FieldType::String || !p.required {
            let at = ctx.loc.find("name", &p.name, 0);
            ctx.error_at(
                at,
                format!("region parameter `{}` must be a required string", p.name),
            );
        }
    }
}

/// The parameters of an operation (`parent` is `None`) or the members of an object parameter.
fn members(
    ctx: &mut Ctx<'_, '_>,
    list: &[Parameter],
    parent: Option<&str>,
    structs: &mut BTreeSet<String>,
) {
    let mut names = BTreeMap::new();
    let mut rust_names = BTreeSet::new();
    let owner = |name: &str| match parent {
        None => format!("parameter `{name}`"),
        Some(parent) => format!("member `{name}` of `{parent}`"),
    };
    for p in list {
        let count = names.entry(p.name.as_str()).or_insert(0usize);
        let duplicate = *count > 0;
        if duplicate {
            let at = ctx.loc.find("name", &p.name, *count);
            ctx.error_at(at, format!("duplicate {}", owner(&p.name)));
        }
        *count += 1;
        let at = ctx.loc.find("name", &p.name, 0);
        if !is_wire_name(&p.name) {
            ctx.error_at(
                at,
                format!(
                    "{}: a wire name is letters, digits and `_` (`.` separates list indexes and members on the wire)",
                    owner(&p.name)
                ),
            );
        }
        if let Some(hint) = &p.hint {
            ctx.hint(hint, at, &owner(&p.name));
        }
        let rust = p.rust_name.clone().unwrap_or_else(|| snake_case(&p.name));
        if !is_rust_field_name(&rust) {
            ctx.error_at(
                at,
                format!(
                    "{}: `{rust}` is not a usable Rust field name; set `rust_name:`",
                    owner(&p.name)
                ),
            );
        } else if !rust_names.insert(rust.clone()) && !duplicate {
            ctx.error_at(
                at,
                format!(
                    "{} would be field `{rust}`, which another one uses; set `rust_name:`",
                    owner(&p.name)
                ),
            );
        }
        ctx.source(&p.source);
        ctx.text(&p.description, "name", &p.name);
        let marked = Marked {
            sensitive: p.sensitive,
            source: p.sensitive_source.as_deref(),
            ty: p.ty,
            element: p.items.as_ref().map(|i| i.ty),
        };
        ctx.sensitive(&owner(&p.name), &p.name, marked);
        if p.region && parent.is_some() {
            ctx.error_at(
                at,
                format!(
                    "{}: only a top-level parameter can be the region",
                    owner(&p.name)
                ),
            );
        }
        shape(ctx, p, &owner(&p.name), structs);
    }
}

/// The type-specific keys of one parameter: `items` for lists, `fields` and `rust_type` for objects,
/// constraints that fit the type.
fn shape(ctx: &mut Ctx<'_, '_>, p: &Parameter, owner: &str, structs: &mut BTreeSet<String>) {
    let at = ctx.loc.find("name", &p.name, 0);
    let constraints = p.constraints.clone().unwrap_or_default();
    if p.ty != FieldType::List && p.items.is_some() {
        ctx.error_at(
            at,
            format!(
                "{owner}: `items` belongs to lists; this is {}",
                type_word(p.ty)
            ),
        );
    }
    if p.ty != FieldType::Object && (!p.fields.is_empty() || p.rust_type.is_some()) {
        ctx.error_at(
            at,
            format!(
                "{owner}: `fields` and `rust_type` belong to objects (a list of objects puts them under `items:`)"
            ),
        );
    }
    match p.ty {
        FieldType::List => {
            list_constraints(ctx, at, owner, &constraints);
            let Some(items) = &p.items else {
                ctx.error_at(at, format!("{owner} is a list: give its element under `items:` (`type` and, for objects, `fields` and `rust_type`)"));
                return;
            };
            match items.ty {
                FieldType::List => ctx.error_at(
                    at,
                    format!("{owner}: a list of lists is not supported; make the element an object with a list member"),
                ),
                FieldType::Object => {
                    if items.constraints.is_some() {
                        ctx.error_at(at, format!("{owner}: object elements take no `constraints`; put them on their fields"));
                    }
                    object(ctx, at, owner, &p.name, &items.fields, &items.rust_type, structs);
                }
                scalar => {
                    if !items.fields.is_empty() || items.rust_type.is_some() {
                        ctx.error_at(at, format!("{owner}: `fields` and `rust_type` belong to object elements"));
                    }
                    let c = items.constraints.clone().unwrap_or_default();
                    scalar_constraints(ctx, at, &format!("the elements of {owner}"), scalar, &c);
                }
            }
        }
        FieldType::Object => {
            if p.constraints.is_some() {
                ctx.error_at(
                    at,
                    format!("{owner}: an object takes no `constraints`; put them on its fields"),
                );
            }
            object(ctx, at, owner, &p.name, &p.fields, &p.rust_type, structs);
        }
        scalar => scalar_constraints(ctx, at, owner, scalar, &constraints),
    }
}

/// An object parameter or element: it names its struct and has members.
fn object(
    ctx: &mut Ctx<'_, '_>,
    at: (usize, usize),
    owner: &str,
    name: &str,
    fields: &[Parameter],
    rust_type: &Option<String>,
    structs: &mut BTreeSet<String>,
) {
    match rust_type {
        None => ctx.error_at(
            at,
            format!("{owner} is an object: name its struct with `rust_type:` (the document's type name, e.g. `FilterObject`)"),
        ),
        Some(t) if !is_rust_type_name(t) => ctx.error_at(
            ctx.loc.find("rust_type", t, 0),
            format!("{owner}: rust_type `{t}` is not a Rust type name: expected PascalCase, e.g. `FilterObject`"),
        ),
        Some(t) if !structs.insert(t.clone()) => ctx.error_at(
            ctx.loc.find("rust_type", t, 0),
            format!("{owner}: rust_type `{t}` is already a struct of this operation; name each struct once"),
        ),
        Some(_) => {}
    }
    if fields.is_empty() {
        ctx.error_at(
            at,
            format!("{owner} is an object: list its members under `fields:`"),
        );
    }
    members(ctx, fields, Some(name), structs);
}

fn list_constraints(ctx: &mut Ctx<'_, '_>, at: (usize, usize), owner: &str, c: &Constraints) {
    let items_only = Constraints {
        min_items: c.min_items,
        max_items: c.max_items,
        ..Constraints::default()
    };
    if *c != items_only {
        ctx.error_at(
            at,
            format!("{owner}: a list takes only `min_items` / `max_items`; constraints on each element go under `items: {{constraints: ..}}`"),
        );
    }
    if let (Some(lo), Some(hi)) = (c.min_items, c.max_items) {
        if lo > hi {
            ctx.error_at(at, format!("{owner}: min_items {lo} > max_items {hi}"));
        }
    }
}

fn scalar_constraints(
    ctx: &mut Ctx<'_, '_>,
    at: (usize, usize),
    owner: &str,
    ty: FieldType,
    c: &Constraints,
) {
    let textual = c.min_length.is_some() || c.max_length.is_some() || c.ascii;
    let numeric = c.minimum.is_some() || c.maximum.is_some();
    let ok = match ty {
        FieldType::String => !numeric,
        FieldType::Integer => !textual,
        _ => !textual && !numeric && c.allowed.is_empty(),
    };
    if !ok {
        ctx.error_at(
            at,
            format!(
                "{owner}: length/ascii constraints apply to strings, minimum/maximum to integers"
            ),
        );
    }
    if c.min_items.is_some() || c.max_items.is_some() {
        ctx.error_at(at, format!("{owner}: min_items/max_items apply to lists"));
    }
    if let (Some(lo), Some(hi)) = (c.min_length, c.max_length) {
        if lo > hi {
            ctx.error_at(at, format!("{owner}: min_length {lo} > max_length {hi}"));
        }
    }
    if let (Some(lo), Some(hi)) = (c.minimum, c.maximum) {
        if lo > hi {
            ctx.error_at(at, format!("{owner}: minimum {lo} > maximum {hi}"));
        }
    }
}

fn type_word(ty: FieldType) -> &'static str {
    match ty {
        FieldType::String => "a string",
        FieldType::Integer => "an integer",
        FieldType::Boolean => "a boolean",
        FieldType::Object => "an object",
        FieldType::List => "a list",
    }
}

/// Letters, digits and `_`, starting with a letter: a name that cannot be confused with the `.N` index and
/// `.Member` separators of flattened list and object parameters.
fn is_wire_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}
