//! Lowering completion recipes: which request is polled, how its fields are filled, what each answer means.

use super::lower::{rust_field, scalar};
use super::*;
use cloudvpn_spec::{
    Acceptor, AcceptorState, Api, Completion, Field, FieldType, OperationFile, Parameter, Poll,
};

/// The completion of `op`; `None` when the polled operation does not exist (the loader rejects that).
pub(super) fn lower_completion(
    api: &Api,
    op: &OperationFile,
    c: &Completion,
) -> Option<CompletionIr> {
    let poll = lower_poll(api, op, &c.poll)?;
    let fallback = match &c.fallback {
        Some(f) => Some(lower_poll(api, op, f)?),
        None => None,
    };
    Some(CompletionIr {
        asynchronous: c.asynchronous,
        description: c.description.for_docs(),
        hint: c.hint.trim().to_owned(),
        poll_action: poll.action,
        poll_fields: poll.fields,
        acceptors: poll.acceptors,
        fallback,
    })
}

fn lower_poll(api: &Api, op: &OperationFile, recipe: &Poll) -> Option<PollIr> {
    let poll = api.operation(&recipe.operation)?;
    Some(PollIr {
        action: poll.spec.action.clone(),
        fields: poll
            .spec
            .parameters
            .iter()
            .map(|target| {
                let field = rust_field(&target.name, &target.rust_name);
                let value = match recipe.input.get(&target.name) {
                    None => PollValue::Unset {
                        list: target.ty == FieldType::List,
                    },
                    Some(src) => poll_value(src, target, op),
                };
                (field, value)
            })
            .collect(),
        acceptors: recipe.acceptors.iter().map(lower_acceptor).collect(),
    })
}

fn poll_value(src: &str, target: &Parameter, op: &OperationFile) -> PollValue {
    let into_list = target.ty == FieldType::List;
    let kind = match (&target.items, into_list) {
        (Some(items), true) => scalar(items.ty),
        _ => scalar(target.ty),
    };
    // A list is never `Option`: its one element is not wrapped.
    let optional_target = !target.required && !into_list;
    if let Some(name) = src.strip_prefix("request.") {
        let p = op.parameters.iter().find(|p| p.name == name);
        let (field, required) = p
            .map(|p| (rust_field(&p.name, &p.rust_name), p.required))
            .unwrap_or_else(|| (cloudvpn_spec::snake_case(name), true));
        PollValue::Request {
            field,
            wrap: required && optional_target,
            optional: !required,
            kind,
            into_list,
        }
    } else {
        let path = src.strip_prefix("response.").unwrap_or(src);
        let mut fields = Vec::new();
        let mut level: &[Field] = &op.response;
        for seg in path.split('.') {
            if let Some(f) = level.iter().find(|f| f.name == seg) {
                fields.push(rust_field(&f.name, &f.rust_name));
                level = &f.fields;
            }
        }
        PollValue::Response {
            fields,
            wrap: optional_target,
            kind,
            into_list,
        }
    }
}

fn lower_acceptor(a: &Acceptor) -> AcceptorIr {
    let state = match a.state {
        AcceptorState::Success => "Success",
        AcceptorState::Failure => "Failure",
        AcceptorState::Retry => "Retry",
        AcceptorState::Fallback => "Fallback",
    };
    let path = |p: &str| p.split('.').map(str::to_owned).collect::<Vec<_>>();
    let matcher = if a.success.is_some() {
        MatcherIr::Success
    } else if let Some(e) = &a.error {
        if e == "not_found" {
            MatcherIr::NotFound
        } else {
            MatcherIr::ErrorCode(e.clone())
        }
    } else if let Some(list) = &a.empty {
        MatcherIr::Empty(path(list))
    } else {
        MatcherIr::PathEquals(
            path(a.path.as_deref().unwrap_or_default()),
            a.equals.clone().unwrap_or(Scalar::Bool(true)),
        )
    };
    AcceptorIr { state, matcher }
}
