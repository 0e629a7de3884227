//! The static metadata of an operation: parameters, constraints, documented errors.

use super::*;

/// `DocumentedError { .. }` for the metadata tables.
pub fn documented_error(e: &ErrorIr) -> TokenStream {
    let code = &e.code;
    let also = &e.also_spelled;
    let statuses = e.statuses.iter().map(|s| Literal::u16_unsuffixed(*s));
    let message = &e.message;
    let description = &e.description;
    let hint = &e.hint;
    let (retryable, throttling, not_found) = (e.retryable, e.throttling, e.not_found);
    let envelope = opt_num(e.envelope_code, Literal::i64_unsuffixed);
    let code_desc = opt_str(&e.code_desc);
    quote! {
        DocumentedError {
            code: #code,
            also_spelled: &[#(#also),*],
            statuses: &[#(#statuses),*],
            message: #message,
            description: #description,
            hint: #hint,
            retryable: #retryable,
            throttling: #throttling,
            not_found: #not_found,
            envelope_code: #envelope,
            code_desc: #code_desc,
        }
    }
}

pub(crate) fn operation_meta(op: &OpIr) -> TokenStream {
    let action = &op.action;
    let summary = &op.summary;
    let methods = op.methods.iter().map(|m| format_ident!("{}", m));
    let token = opt_str(&op.idempotency_token.as_ref().map(|(w, _)| w.clone()));
    let read_only = op.read_only;
    let rate_limit = opt_num(op.rate_limit, Literal::u32_unsuffixed);
    let auth = if op.anonymous {
        quote!(OperationAuth::Anonymous)
    } else {
        quote!(OperationAuth::Signed)
    };
    let params = op.params.iter().map(param_meta);
    let errors = op.own_errors.iter().map(documented_error);
    let completion = match &op.completion {
        None => quote!(None),
        Some(c) => {
            let asynchronous = c.asynchronous;
            let description = &c.description;
            let hint = &c.hint;
            let poll = &c.poll_action;
            let acceptors = c.acceptors.iter().map(acceptor);
            let fallback = match &c.fallback {
                None => quote!(None),
                Some(f) => {
                    let action = &f.action;
                    let acceptors = f.acceptors.iter().map(acceptor);
                    quote!(Some(PollMeta { action: #action, acceptors: &[#(#acceptors),*] }))
                }
            };
            quote! {
                Some(CompletionMeta {
                    asynchronous: #asynchronous,
                    description: #description,
                    hint: #hint,
                    poll_action: #poll,
                    acceptors: &[#(#acceptors),*],
                    fallback: #fallback,
                })
            }
        }
    };
    let pagination = match &op.pagination {
        None => quote!(None),
        Some(p) => {
            let style = format_ident!("{}", p.style);
            let (page, size, items, total) = (&p.page, &p.size, &p.items, &p.total);
            quote! {
                Some(PaginationMeta {
                    style: PaginationStyle::#style,
                    page: #page,
                    size: #size,
                    items: &[#(#items),*],
                    total: #total,
                })
            }
        }
    };
    quote! {
        /// Everything static about this operation.
        pub const META: OperationMeta = OperationMeta {
            api: &super::API,
            action: #action,
            summary: #summary,
            methods: &[#(HttpMethod::#methods),*],
            idempotency_token: #token,
            read_only: #read_only,
            rate_limit_per_second: #rate_limit,
            auth: #auth,
            params: &[#(#params),*],
            errors: &[#(#errors),*],
            completion: #completion,
            pagination: #pagination,
        };
    }
}

/// `ParamMeta { .. }` of a parameter, a list's element or an object's member (recursively).
fn param_meta(p: &ParamIr) -> TokenStream {
    let (name, field) = (&p.wire, &p.field);
    let kind = match &p.ty {
        ParamTypeIr::Scalar(s) => param_kind(*s),
        ParamTypeIr::List(_) => quote!(ParamKind::List),
        ParamTypeIr::Struct { .. } => quote!(ParamKind::Object),
    };
    let (required, region) = (p.required, p.region);
    let example = opt_str(&p.example);
    let description = &p.doc;
    let help = &p.help;
    let constraints = constraints(&p.constraints);
    let items = match &p.ty {
        ParamTypeIr::List(element) => {
            let element = param_meta(element);
            quote!(Some(&#element))
        }
        _ => quote!(None),
    };
    let fields = match &p.ty {
        ParamTypeIr::Struct { members, .. } => {
            let members = members.iter().map(param_meta);
            quote!(&[#(#members),*])
        }
        _ => quote!(&[]),
    };
    quote! {
        ParamMeta {
            name: #name,
            field: #field,
            kind: #kind,
            required: #required,
            region: #region,
            example: #example,
            description: #description,
            help: #help,
            constraints: #constraints,
            items: #items,
            fields: #fields,
        }
    }
}

fn acceptor(a: &AcceptorIr) -> TokenStream {
    let state = format_ident!("{}", a.state);
    let matcher = match &a.matcher {
        MatcherIr::Success => quote!(Matcher::Success),
        MatcherIr::NotFound => quote!(Matcher::NotFound),
        MatcherIr::ErrorCode(code) => quote!(Matcher::ErrorCode(#code)),
        MatcherIr::PathEquals(path, value) => {
            let value = match value {
                Scalar::Int(i) => {
                    let i = Literal::i64_unsuffixed(*i);
                    quote!(Literal::Int(#i))
                }
                Scalar::Bool(b) => quote!(Literal::Bool(#b)),
                Scalar::Str(s) => quote!(Literal::Str(#s)),
            };
            quote!(Matcher::PathEquals { path: &[#(#path),*], value: #value })
        }
        MatcherIr::Empty(path) => quote!(Matcher::Empty { path: &[#(#path),*] }),
    };
    quote!(Acceptor { state: WaitState::#state, matcher: #matcher })
}

/// `Constraints::NONE`, or the set fields over it.
pub(crate) fn constraints(c: &ConstraintsIr) -> TokenStream {
    if c.is_empty() {
        return quote!(Constraints::NONE);
    }
    let mut set = Vec::new();
    if let Some(v) = c.min_length {
        let v = Literal::u32_unsuffixed(v);
        set.push(quote!(min_length: Some(#v)));
    }
    if let Some(v) = c.max_length {
        let v = Literal::u32_unsuffixed(v);
        set.push(quote!(max_length: Some(#v)));
    }
    if c.ascii {
        set.push(quote!(ascii: true));
    }
    if !c.allowed.is_empty() {
        let allowed = &c.allowed;
        set.push(quote!(allowed: &[#(#allowed),*]));
    }
    if let Some(v) = c.minimum {
        let v = Literal::i64_unsuffixed(v);
        set.push(quote!(minimum: Some(#v)));
    }
    if let Some(v) = c.maximum {
        let v = Literal::i64_unsuffixed(v);
        set.push(quote!(maximum: Some(#v)));
    }
    if let Some(v) = c.min_items {
        let v = Literal::u32_unsuffixed(v);
        set.push(quote!(min_items: Some(#v)));
    }
    if let Some(v) = c.max_items {
        let v = Literal::u32_unsuffixed(v);
        set.push(quote!(max_items: Some(#v)));
    }
    quote!(Constraints { #(#set,)* ..Constraints::NONE })
}
