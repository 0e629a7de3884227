//! Semantic checks that serde cannot make: names unique, references resolvable, statuses present where the
//! API reports errors by HTTP status, completion recipes consistent with the operations they poll.

use crate::error::SpecError;
use crate::locate::Locator;
use crate::model::*;
use cloudvpn_naming::{pascal_case, snake_case};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod completion;
mod params;
mod shapes;

use completion::{completion, pagination};
use params::parameters;
use shapes::fields;
pub use shapes::resolve_path;

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

/// What [`Ctx::sensitive`] checks of a parameter or a response field.
struct Marked<'a> {
    sensitive: bool,
    source: Option<&'a str>,
    ty: FieldType,
    /// The element type of a list.
    element: Option<FieldType>,
}

/// Checks a protocol's errors file for an API that reports errors as `status` says: its sources, every
/// error (codes once, statuses, hints) and its description.
pub(crate) fn protocol_errors(
    path: &Path,
    text: &str,
    file: &ProtocolErrorsFile,
    status: ErrorStatus,
    errors: &mut Vec<SpecError>,
) {
    let loc = Locator::new(text);
    let mut ctx = Ctx {
        path,
        loc: &loc,
        sources: file.sources.keys().map(String::as_str).collect(),
        errors,
    };
    if let Some(d) = &file.description {
        ctx.text(d, "title", &file.title);
    }
    ctx.errors_list(&file.errors, status);
    ctx.discrepancies(&file.discrepancies);
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

    /// `sensitive: true` needs `sensitive_source:` naming a known source, and marks a value that can be
    /// printed as one redaction marker: a scalar or a list of scalars (an object's secrets are its members).
    fn sensitive(&mut self, owner: &str, name: &str, marked: Marked<'_>) {
        let at = self.loc.find("name", name, 0);
        match (marked.sensitive, marked.source) {
            (true, None) => self.error_at(
                at,
                format!(
                    "{owner}: `sensitive: true` needs `sensitive_source:`, the source that documents the value as a secret"
                ),
            ),
            (true, Some(source)) if !self.sources.contains(source) => {
                let at = self.loc.find("sensitive_source", source, 0);
                let known: Vec<&str> = self.sources.iter().copied().collect();
                self.error_at(
                    at,
                    format!(
                        "{owner}: unknown source `{source}` in `sensitive_source`: declare it under `sources:` (known: {})",
                        known.join(", ")
                    ),
                );
            }
            (false, Some(_)) => {
                let at = self.loc.find_key("sensitive_source");
                self.error_at(
                    at,
                    format!("{owner}: `sensitive_source` is only for `sensitive: true`; remove it or mark the value sensitive"),
                );
            }
            _ => {}
        }
        let scalar = |t: Option<FieldType>| t.is_some_and(FieldType::is_scalar);
        let redactable =
            marked.ty.is_scalar() || (marked.ty == FieldType::List && scalar(marked.element));
        if marked.sensitive && !redactable {
            self.error_at(
                at,
                format!(
                    "{owner}: `sensitive` marks a scalar or a list of scalars; mark the secret members of the object instead"
                ),
            );
        }
    }

    fn discrepancies(&mut self, list: &[Discrepancy]) {
        for d in list {
            for s in &d.sources {
                if !self.sources.contains(s.as_str()) {
                    let at = self.loc.find("topic", &d.topic, 0);
                    self.error_at(
                        at,
                        format!("discrepancy `{}` cites unknown source `{s}`", d.topic),
                    );
                }
            }
        }
    }

    /// Reports everything [`crate::hint::problems`] finds in a hint, at `at`.
    fn hint(&mut self, hint: &str, at: (usize, usize), owner: &str) {
        for problem in crate::hint::problems(hint, &self.sources) {
            self.error_at(at, format!("{owner}: {problem}"));
        }
    }

    /// A `codeDesc` names an error of the v2 envelope: it goes with the integer `code` it is answered with,
    /// and is a code (`AuthFailure.SecretIdNotFound`), not prose.
    fn code_desc(&mut self, e: &ErrorSpec, desc: &str) {
        let is_code = !desc.is_empty()
            && desc.split('.').all(|part| {
                part.starts_with(|c: char| c.is_ascii_uppercase())
                    && part.chars().all(|c| c.is_ascii_alphanumeric())
            });
        let problem = if e.envelope_code.is_none() {
            Some("has `code_desc` but no `envelope_code`: a codeDesc comes with the integer code of the v2 envelope; add `envelope_code:`".to_owned())
        } else if !is_code {
            Some(format!(
                "`code_desc: {desc:?}` is not a codeDesc: write dot-separated PascalCase words, e.g. `AuthFailure.SecretIdNotFound`"
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            let at = self.loc.find("code", &e.code, 0);
            self.error_at(at, format!("error `{}` {problem}", e.code));
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
            if let Some(desc) = &e.code_desc {
                self.code_desc(e, desc);
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
    match (op.auth, &op.auth_source) {
        (OperationAuth::Anonymous, Some(source)) if !ctx.sources.contains(source.as_str()) => {
            let at = ctx.loc.find("auth_source", source, 0);
            let known: Vec<&str> = ctx.sources.iter().copied().collect();
            ctx.error_at(
                at,
                format!(
                    "unknown source `{source}` in `auth_source`: declare it under `sources:` (known: {})",
                    known.join(", ")
                ),
            );
        }
        (OperationAuth::Anonymous, Some(_)) => {}
        (OperationAuth::Anonymous, None) => {
            let at = ctx.loc.find_key("auth");
            ctx.error_at(
                at,
                "`auth: anonymous` needs `auth_source:`, the source that documents the unsigned call",
            );
        }
        (OperationAuth::Signed, Some(_)) => {
            let at = ctx.loc.find_key("auth_source");
            ctx.error_at(
                at,
                "`auth_source` is only for `auth: anonymous`; remove it (signed is the default)",
            );
        }
        (OperationAuth::Signed, None) => {}
    }
    if op.methods.is_empty() {
        let at = ctx.loc.find_key("methods");
        ctx.error_at(at, "`methods` needs at least one of GET, POST");
    }
    for n in &op.notes {
        ctx.source(&n.source);
    }
    if let Some(limit) = &op.rate_limit {
        ctx.source(&limit.source);
        if limit.per_second == 0 {
            let at = ctx.loc.find_key("per_second");
            ctx.error_at(
                at,
                "rate_limit.per_second must be at least 1 request per second",
            );
        }
    }
    for e in &op.examples {
        ctx.source(&e.source);
    }
    ctx.discrepancies(&op.discrepancies);
    let mut structs = BTreeSet::new();
    parameters(ctx, op, &mut structs);
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
