//! Completion recipes and pagination: they name parameters and response fields, which must exist with the
//! right types.

use super::*;

/// The paging parameters are integer parameters of the operation, the items a list and the total an
/// integer of its response.
pub(super) fn pagination(ctx: &mut Ctx<'_, '_>, op: &OperationFile, p: &Pagination) {
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

pub(super) fn completion(
    ctx: &mut Ctx<'_, '_>,
    op: &OperationFile,
    c: &Completion,
    actions: &BTreeMap<&str, &OperationFile>,
) {
    ctx.source(&c.source);
    let at = ctx.loc.find_key("completion");
    ctx.hint(&c.hint, at, "completion");
    let falls_back = |poll: &Poll| {
        poll.acceptors
            .iter()
            .any(|a| a.state == AcceptorState::Fallback)
    };
    match (&c.fallback, falls_back(&c.poll)) {
        (Some(_), false) => {
            let at = ctx.loc.find_key("fallback");
            ctx.error_at(at, "completion has a `fallback` recipe but no acceptor of `poll` leads to it: add one with `state: fallback`");
        }
        (None, true) => {
            let at = ctx.loc.find_key("acceptors");
            ctx.error_at(
                at,
                "an acceptor says `state: fallback` but the completion has no `fallback:` recipe",
            );
        }
        _ => {}
    }
    recipe(ctx, op, &c.poll, "poll", actions);
    if let Some(fallback) = &c.fallback {
        if falls_back(fallback) {
            let at = ctx.loc.find_key("fallback");
            ctx.error_at(
                at,
                "the `fallback` recipe cannot fall back again: use success, failure or retry",
            );
        }
        recipe(ctx, op, fallback, "fallback", actions);
    }
}

/// One polling recipe (`poll` or `fallback`): the polled operation exists, its input is complete and typed
/// right, its acceptors match things that operation can answer.
fn recipe(
    ctx: &mut Ctx<'_, '_>,
    op: &OperationFile,
    recipe: &Poll,
    key: &str,
    actions: &BTreeMap<&str, &OperationFile>,
) {
    let Some(poll) = actions.get(recipe.operation.as_str()) else {
        let at = ctx.loc.find("operation", &recipe.operation, 0);
        let known: Vec<&str> = actions.keys().copied().collect();
        ctx.error_at(
            at,
            format!(
                "completion {key} polls `{}`, which is not an operation of this API (known: {})",
                recipe.operation,
                known.join(", ")
            ),
        );
        return;
    };
    for p in poll.parameters.iter().filter(|p| p.required) {
        if !recipe.input.contains_key(&p.name) {
            let at = ctx.loc.find("operation", &recipe.operation, 0);
            ctx.error_at(
                at,
                format!(
                    "completion {key} input is missing `{}`, which {} requires",
                    p.name, poll.action
                ),
            );
        }
    }
    for (name, value) in &recipe.input {
        input(ctx, op, poll, name, value);
    }
    if recipe.acceptors.is_empty() {
        let at = ctx.loc.find_key("acceptors");
        ctx.error_at(at, format!("completion {key} needs at least one acceptor"));
    }
    for a in &recipe.acceptors {
        acceptor(ctx, poll, a);
    }
}

/// One input of a poll: `request.<Param>` or `response.<path>`, of the poll parameter's type (a scalar also
/// fills a list of that scalar, as a one-element list).
fn input(ctx: &mut Ctx<'_, '_>, op: &OperationFile, poll: &OperationFile, key: &str, value: &str) {
    let at = ctx.loc.find(key, value, 0);
    let Some(target) = poll.parameters.iter().find(|p| p.name == key) else {
        ctx.error_at(at, format!("`{key}` is not a parameter of {}", poll.action));
        return;
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
    let element = target.items.as_ref().map(|i| i.ty);
    match source_ty {
        None => ctx.error_at(
            at,
            format!(
                "`{value}` does not name a parameter or response field of {}",
                op.action
            ),
        ),
        Some(Err(m)) => ctx.error_at(at, m),
        Some(Ok(ty)) if !ty.is_scalar() => ctx.error_at(
            at,
            format!("`{value}` is {ty:?}: a poll input is a scalar (a list parameter gets it as one element)"),
        ),
        Some(Ok(ty)) if ty == target.ty => {}
        Some(Ok(ty)) if target.ty == FieldType::List && element == Some(ty) => {}
        Some(Ok(ty)) => ctx.error_at(
            at,
            format!(
                "`{value}` is {ty:?} but {}.{key} is {:?}",
                poll.action, target.ty
            ),
        ),
    }
}

fn acceptor(ctx: &mut Ctx<'_, '_>, poll: &OperationFile, a: &Acceptor) {
    let at = ctx.loc.find_key("acceptors");
    let kinds = usize::from(a.success.is_some())
        + usize::from(a.error.is_some())
        + usize::from(a.path.is_some())
        + usize::from(a.empty.is_some());
    if kinds != 1 || a.path.is_some() != a.equals.is_some() || a.success == Some(false) {
        ctx.error_at(
            at,
            "an acceptor matches exactly one of `success: true`, `error: <code|not_found>`, `path:` with `equals:`, `empty: <path of a list>`",
        );
        return;
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
    if let Some(path) = &a.empty {
        if !matches!(
            resolve_path(&poll.response, path),
            Some((FieldType::List, _))
        ) {
            ctx.error_at(
                at,
                format!(
                    "acceptor `empty: {path}` must name a list in the response of {}",
                    poll.action
                ),
            );
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
