//! Semantic checks that serde cannot make: names unique, references resolvable, statuses present where the
//! API reports errors by HTTP status, completion recipes consistent with the operations they poll.

use crate::error::SpecError;
use crate::locate::Locator;
use crate::model::*;
use cloudvpn_naming::{pascal_case, snake_case};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Checks one API: its shared file and its operations.
pub(crate) fn api(
    api_path: &Path,
    api_text: &str,
    api: &ApiFile,
    operations: &[(PathBuf, String, OperationFile)],
    errors: &mut Vec<SpecError>,
) {
    let api_loc = Locator::new(api_text);
    let shared: BTreeSet<&str> = api.sources.keys().map(String::as_str).collect();
    {
        let mut ctx = Ctx {
            path: api_path,
            loc: &api_loc,
            sources: shared.clone(),
            errors,
        };
        ctx.source(&api.endpoint.source);
        ctx.source(&api.signing.source);
        if !api.signing.supported.contains(&api.signing.default) {
            let at = api_loc.find_key("default");
            ctx.error_at(at, "signing.default must be one of signing.supported");
        }
        for p in &api.common_parameters {
            ctx.source(&p.source);
            ctx.text(&p.description, "name", &p.name);
        }
        ctx.errors_list(&api.common_errors, api.error_status);
        if let Some(r) = &api.regions {
            ctx.source(&r.source);
            if r.ids.is_empty() {
                let at = api_loc.find_key("regions");
                ctx.error_at(at, "`regions.ids` needs at least one region id");
            }
        }
    }

    let actions: BTreeMap<&str, &OperationFile> = operations
        .iter()
        .map(|(_, _, o)| (o.action.as_str(), o))
        .collect();
    let mut seen_actions: BTreeMap<&str, &Path> = BTreeMap::new();
    for (path, text, op) in operations {
        let loc = Locator::new(text);
        let mut sources = shared.clone();
        for id in op.sources.keys() {
            if shared.contains(id.as_str()) {
                let at = loc.find_key(id);
                errors.push(SpecError::new(
                    path,
                    at,
                    format!("source `{id}` is already declared in api.yaml; cite it without redeclaring it"),
                ));
            }
            sources.insert(id);
        }
        let mut ctx = Ctx {
            path,
            loc: &loc,
            sources,
            errors,
        };
        if let Some(first) = seen_actions.insert(&op.action, path) {
            let at = loc.find("action", &op.action, 0);
            ctx.error_at(
                at,
                format!(
                    "duplicate action `{}`: also defined in {}",
                    op.action,
                    first.display()
                ),
            );
        }
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        if stem != op.action {
            let at = loc.find("action", &op.action, 0);
            ctx.error_at(
                at,
                format!(
                    "action `{}` must live in a file named {}.yaml",
                    op.action, op.action
                ),
            );
        }
        operation(&mut ctx, api, op, &actions);
    }
}

struct Ctx<'a, 'e> {
    path: &'a Path,
    loc: &'a Locator<'a>,
    sources: BTreeSet<&'a str>,
    errors: &'e mut Vec<SpecError>,
}

impl Ctx<'_, '_> {
    fn error_at(&mut self, at: (usize, usize), message: impl Into<String>) {
        self.errors.push(SpecError::new(self.path, at, message));
    }

    fn source(&mut self, id: &str) {
        if !self.sources.contains(id) {
            let at = self.loc.find("source", id, 0);
            let known: Vec<&str> = self.sources.iter().copied().collect();
            self.error_at(
                at,
                format!(
                    "unknown source `{id}`: declare it under `sources:` (known: {})",
                    known.join(", ")
                ),
            );
        }
    }

    fn text(&mut self, text: &Text, key: &str, name: &str) {
        if text.zh.is_none() && text.en.is_none() {
            let at = self.loc.find(key, name, 0);
            self.error_at(at, format!("`{name}`: a text needs `zh` or `en` (or both)"));
        }
    }

    /// Reports everything [`crate::hint::problems`] finds in a hint, at `at`.
    fn hint(&mut self, hint: &str, at: (usize, usize), owner: &str) {
        for problem in crate::hint::problems(hint, &self.sources) {
            self.error_at(at, format!("{owner}: {problem}"));
        }
    }

    fn errors_list(&mut self, list: &[ErrorSpec], status: ErrorStatus) {
        let mut codes: BTreeMap<&str, &str> = BTreeMap::new();
        let mut variants = BTreeSet::new();
        for e in list {
            self.source(&e.source);
            let mut duplicate = false;
            for spelling in std::iter::once(&e.code).chain(&e.also_spelled) {
                if let Some(first) = codes.insert(spelling, &e.code) {
                    duplicate = true;
                    let nth = usize::from(first == e.code);
                    let at = self.loc.find("code", spelling, nth);
                    self.error_at(
                        at,
                        format!(
                            "duplicate error code `{spelling}` (already listed as `{first}`): list an error once, \
                             with every status it is documented under in `status: [..]`"
                        ),
                    );
                }
            }
            let variant = e.variant.clone().unwrap_or_else(|| pascal_case(&e.code));
            if !is_rust_type_name(&variant) {
                let at = self.loc.find("code", &e.code, 0);
                self.error_at(
                    at,
                    format!(
                        "error `{}`: `{variant}` is not a valid Rust variant name",
                        e.code
                    ),
                );
            } else if !variants.insert(variant.clone()) && !duplicate {
                let at = self.loc.find("code", &e.code, 0);
                self.error_at(
                    at,
                    format!(
                        "error `{}` would be variant `{variant}`, which another error already uses; set `variant:`",
                        e.code
                    ),
                );
            }
            match (status, &e.status) {
                (ErrorStatus::Http, None) => {
                    let at = self.loc.find("code", &e.code, 0);
                    self.error_at(
                        at,
                        format!(
                            "error `{}` has no `status`: this API reports errors by HTTP status, so write e.g. `status: [400]`",
                            e.code
                        ),
                    );
                }
                (ErrorStatus::Http, Some(s))
                    if s.is_empty() || s.iter().any(|c| !(400..600).contains(c)) =>
                {
                    let at = self.loc.find("code", &e.code, 0);
                    self.error_at(
                        at,
                        format!(
                            "error `{}`: statuses must be 4xx or 5xx and at least one",
                            e.code
                        ),
                    );
                }
                (ErrorStatus::Envelope, Some(_)) => {
                    let at = self.loc.find("code", &e.code, 0);
                    self.error_at(
                        at,
                        format!(
                            "error `{}` has a `status`, but this API reports errors in an HTTP 200 envelope; remove it",
                            e.code
                        ),
                    );
                }
                _ => {}
            }
            if let Some(d) = &e.description {
                self.text(d, "code", &e.code);
            }
            let at = self.loc.find("code", &e.code, 0);
            self.hint(&e.hint, at, &format!("error `{}`", e.code));
        }
    }
}

fn operation(
    ctx: &mut Ctx<'_, '_>,
    api: &ApiFile,
    op: &OperationFile,
    actions: &BTreeMap<&str, &OperationFile>,
) {
    ctx.source(&op.source);
    ctx.text(&op.summary, "action", &op.action);
    if !is_rust_type_name(&op.action) {
        let at = ctx.loc.find("action", &op.action, 0);
        ctx.error_at(at, format!("action `{}` must be PascalCase", op.action));
    }
    if op.methods.is_empty() {
        let at = ctx.loc.find_key("methods");
        ctx.error_at(at, "`methods` needs at least one of GET, POST");
    }
    for n in &op.notes {
        ctx.source(&n.source);
    }
    for e in &op.examples {
        ctx.source(&e.source);
    }
    for d in &op.discrepancies {
        for s in &d.sources {
            if !ctx.sources.contains(s.as_str()) {
                let at = ctx.loc.find("topic", &d.topic, 0);
                ctx.error_at(
                    at,
                    format!("discrepancy `{}` cites unknown source `{s}`", d.topic),
                );
            }
        }
    }
    parameters(ctx, op);
    let mut structs = BTreeSet::new();
    fields(ctx, &op.response, "response", &mut structs);
    ctx.errors_list(&op.errors, api.error_status);

    if let Some(token) = &op.idempotency_token {
        match op.parameters.iter().find(|p| &p.name == token) {
            Some(p) if p.ty == FieldType::String && !p.required => {}
            _ => {
                let at = ctx.loc.find("idempotency_token", token, 0);
                ctx.error_at(
                    at,
                    format!("idempotency_token `{token}` must name an optional string parameter of this operation"),
                );
            }
        }
    }
    if let Some(c) = &op.completion {
        completion(ctx, op, c, actions);
    }
    if let Some(p) = &op.pagination {
        pagination(ctx, op, p);
    }
}

/// The paging parameters are integer parameters of the operation, the items a list and the total an
/// integer of its response.
fn pagination(ctx: &mut Ctx<'_, '_>, op: &OperationFile, p: &Pagination) {
    ctx.source(&p.source);
    for (key, name) in [("page", &p.page), ("size", &p.size)] {
        let found = op.parameters.iter().find(|q| &q.name == name);
        if !found.is_some_and(|q| q.ty == FieldType::Integer && !q.required) {
            let at = ctx.loc.find(key, name, 0);
            ctx.error_at(
                at,
                format!(
                    "pagination {key} `{name}` must name an optional integer parameter of {}",
                    op.action
                ),
            );
        }
    }
    if !matches!(
        resolve_path(&op.response, &p.items),
        Some((FieldType::List, _))
    ) {
        let at = ctx.loc.find("items", &p.items, 0);
        ctx.error_at(
            at,
            format!(
                "pagination items `{}` must be the path of a list in {}'s response",
                p.items, op.action
            ),
        );
    }
    if !matches!(
        resolve_path(&op.response, &p.total),
        Some((FieldType::Integer, _))
    ) {
        let at = ctx.loc.find("total", &p.total, 0);
        ctx.error_at(
            at,
            format!(
                "pagination total `{}` must be an integer field of {}'s response",
                p.total, op.action
            ),
        );
    }
}

fn parameters(ctx: &mut Ctx<'_, '_>, op: &OperationFile) {
    let mut names = BTreeMap::new();
    let mut rust_names = BTreeSet::new();
    let mut regions = 0;
    for p in &op.parameters {
        let count = names.entry(p.name.as_str()).or_insert(0usize);
        let duplicate = *count > 0;
        if duplicate {
            let at = ctx.loc.find("name", &p.name, *count);
            ctx.error_at(at, format!("duplicate parameter `{}`", p.name));
        }
        *count += 1;
        if let Some(hint) = &p.hint {
            let at = ctx.loc.find("name", &p.name, 0);
            ctx.hint(hint, at, &format!("parameter `{}`", p.name));
        }
        let rust = p.rust_name.clone().unwrap_or_else(|| snake_case(&p.name));
        if !is_rust_field_name(&rust) {
            let at = ctx.loc.find("name", &p.name, 0);
            ctx.error_at(
                at,
                format!(
                    "parameter `{}`: `{rust}` is not a usable Rust field name; set `rust_name:`",
                    p.name
                ),
            );
        } else if !rust_names.insert(rust.clone()) && !duplicate {
            let at = ctx.loc.find("name", &p.name, 0);
            ctx.error_at(at, format!("parameter `{}` would be field `{rust}`, which another parameter uses; set `rust_name:`", p.name));
        }
        ctx.source(&p.source);
        ctx.text(&p.description, "name", &p.name);
        if !p.ty.is_scalar() {
            let at = ctx.loc.find("name", &p.name, 0);
            ctx.error_at(
                at,
                format!(
                    "parameter `{}`: type must be string, integer or boolean",
                    p.name
                ),
            );
        }
        if p.region {
            regions += 1;
            if p.ty != FieldType::String || !p.required {
                let at = ctx.loc.find("name", &p.name, 0);
                ctx.error_at(
                    at,
                    format!("region parameter `{}` must be a required string", p.name),
                );
            }
        }
        if let Some(c) = &p.constraints {
            let textual = c.min_length.is_some() || c.max_length.is_some() || c.ascii;
            let numeric = c.minimum.is_some() || c.maximum.is_some();
            let ok = match p.ty {
                FieldType::String => !numeric,
                FieldType::Integer => !textual,
                _ => !textual && !numeric && c.allowed.is_empty(),
            };
            if !ok {
                let at = ctx.loc.find("name", &p.name, 0);
                ctx.error_at(
                    at,
                    format!(
                        "parameter `{}`: length/ascii constraints apply to strings, minimum/maximum to integers",
                        p.name
                    ),
                );
            }
            if let (Some(lo), Some(hi)) = (c.min_length, c.max_length) {
                if lo > hi {
                    let at = ctx.loc.find("name", &p.name, 0);
                    ctx.error_at(
                        at,
                        format!("parameter `{}`: min_length {lo} > max_length {hi}", p.name),
                    );
                }
            }
            if let (Some(lo), Some(hi)) = (c.minimum, c.maximum) {
                if lo > hi {
                    let at = ctx.loc.find("name", &p.name, 0);
                    ctx.error_at(
                        at,
                        format!("parameter `{}`: minimum {lo} > maximum {hi}", p.name),
                    );
                }
            }
        }
    }
    if regions > 1 {
        let at = ctx.loc.find_key("region");
        ctx.error_at(at, "at most one parameter may be marked `region: true`");
    }
}

fn fields(ctx: &mut Ctx<'_, '_>, list: &[Field], parent: &str, structs: &mut BTreeSet<String>) {
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

fn completion(
    ctx: &mut Ctx<'_, '_>,
    op: &OperationFile,
    c: &Completion,
    actions: &BTreeMap<&str, &OperationFile>,
) {
    ctx.source(&c.source);
    let at = ctx.loc.find_key("completion");
    ctx.hint(&c.hint, at, "completion");
    let Some(poll) = actions.get(c.poll.operation.as_str()) else {
        let at = ctx.loc.find("operation", &c.poll.operation, 0);
        let known: Vec<&str> = actions.keys().copied().collect();
        ctx.error_at(
            at,
            format!(
                "completion polls `{}`, which is not an operation of this API (known: {})",
                c.poll.operation,
                known.join(", ")
            ),
        );
        return;
    };
    for p in poll.parameters.iter().filter(|p| p.required) {
        if !c.poll.input.contains_key(&p.name) {
            let at = ctx.loc.find("operation", &c.poll.operation, 0);
            ctx.error_at(
                at,
                format!(
                    "completion input is missing `{}`, which {} requires",
                    p.name, poll.action
                ),
            );
        }
    }
    for (key, value) in &c.poll.input {
        let at = ctx.loc.find(key, value, 0);
        let Some(target) = poll.parameters.iter().find(|p| &p.name == key) else {
            ctx.error_at(at, format!("`{key}` is not a parameter of {}", poll.action));
            continue;
        };
        let source_ty = if let Some(param) = value.strip_prefix("request.") {
            op.parameters.iter().find(|p| p.name == param).map(|p| {
                if !p.required && target.required {
                    Err(format!(
                        "`{value}` is optional but {}.{key} is required",
                        poll.action
                    ))
                } else {
                    Ok(p.ty)
                }
            })
        } else if let Some(path) = value.strip_prefix("response.") {
            match resolve_path(&op.response, path) {
                Some((ty, true)) => Some(Ok(ty)),
                Some((_, false)) => Some(Err(format!(
                    "`{value}` is not guaranteed present (a field on the path is optional)"
                ))),
                None => None,
            }
        } else {
            Some(Err(format!(
                "`{value}` must start with `request.` or `response.`"
            )))
        };
        match source_ty {
            None => ctx.error_at(
                at,
                format!(
                    "`{value}` does not name a parameter or response field of {}",
                    op.action
                ),
            ),
            Some(Err(m)) => ctx.error_at(at, m),
            Some(Ok(ty)) if ty != target.ty => ctx.error_at(
                at,
                format!(
                    "`{value}` is {ty:?} but {}.{key} is {:?}",
                    poll.action, target.ty
                ),
            ),
            Some(Ok(_)) => {}
        }
    }
    if c.poll.acceptors.is_empty() {
        let at = ctx.loc.find_key("acceptors");
        ctx.error_at(at, "completion needs at least one acceptor");
    }
    for a in &c.poll.acceptors {
        let at = ctx.loc.find_key("acceptors");
        let kinds = usize::from(a.success.is_some())
            + usize::from(a.error.is_some())
            + usize::from(a.path.is_some());
        if kinds != 1 || a.path.is_some() != a.equals.is_some() || a.success == Some(false) {
            ctx.error_at(
                at,
                "an acceptor matches exactly one of `success: true`, `error: <code|not_found>`, `path:` with `equals:`",
            );
            continue;
        }
        if let Some(path) = &a.path {
            match resolve_path(&poll.response, path) {
                Some((ty, _)) if !ty.is_scalar() => ctx.error_at(
                    at,
                    format!("acceptor path `{path}` must end at a scalar field"),
                ),
                None => ctx.error_at(
                    at,
                    format!(
                        "acceptor path `{path}` is not a response field of {}",
                        poll.action
                    ),
                ),
                _ => {}
            }
        }
        if let Some(code) = &a.error {
            let known = code == "not_found"
                || poll
                    .errors
                    .iter()
                    .any(|e| &e.code == code || e.also_spelled.contains(code));
            if !known {
                ctx.error_at(
                    at,
                    format!(
                        "acceptor error `{code}` is neither `not_found` nor an error of {}",
                        poll.action
                    ),
                );
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

fn is_rust_type_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric())
}

const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "yield",
];

fn is_rust_field_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !KEYWORDS.contains(&s)
}
