//! The `Completable` impl of an operation with a completion recipe.

use super::*;

pub(crate) fn completion_impl(api: &ApiIr, op: &OpIr) -> TokenStream {
    let Some(c) = &op.completion else {
        return quote!();
    };
    let Some(poll) = api.operations.iter().find(|o| o.action == c.poll_action) else {
        return quote!();
    };
    let name = format_ident!("{}", op.request_name());
    let output = format_ident!("{}", op.response_name());
    let poll_type = request_path(poll);
    let poll_body = build(&poll_type, &c.poll_fields);
    let (fallback_type, fallback_body) = match &c.fallback {
        Some(f) => match api.operations.iter().find(|o| o.action == f.action) {
            Some(target) => {
                let ty = request_path(target);
                let body = build(&ty, &f.fields);
                (ty, quote!(Some(#body)))
            }
            None => return quote!(),
        },
        // No fallback recipe: the type is the poll's and the request is never built.
        None => (poll_type.clone(), quote!(None)),
    };
    let output_arg = |uses: bool| {
        if uses {
            quote!(output)
        } else {
            quote!(_output)
        }
    };
    let poll_arg = output_arg(mentions_output(&c.poll_fields));
    let fallback_arg = output_arg(
        c.fallback
            .as_ref()
            .is_some_and(|f| mentions_output(&f.fields)),
    );
    let mut text = format!(
        "Completion of `{}` is observed by polling `{}`",
        op.action, c.poll_action
    );
    if let Some(f) = &c.fallback {
        text.push_str(&format!(", falling back to `{}`", f.action));
    }
    let doc = docs(&format!("{text}.\n\n{}", c.description));
    quote! {
        #doc
        impl crate::operation::Completable for #name {
            type Poll = #poll_type;
            type Fallback = #fallback_type;

            fn poll_request(&self, #poll_arg: &#output) -> Self::Poll {
                #poll_body
            }

            fn fallback_request(&self, #fallback_arg: &#output) -> Option<Self::Fallback> {
                #fallback_body
            }
        }
    }
}

fn request_path(op: &OpIr) -> TokenStream {
    let module = format_ident!("{}", op.module);
    let name = format_ident!("{}", op.request_name());
    quote!(super::#module::#name)
}

fn mentions_output(fields: &[(String, PollValue)]) -> bool {
    fields
        .iter()
        .any(|(_, v)| matches!(v, PollValue::Response { .. }))
}

/// The poll request literal.
fn build(ty: &TokenStream, fields: &[(String, PollValue)]) -> TokenStream {
    let fields = fields.iter().map(|(field, value)| {
        let f = format_ident!("{}", field);
        let expr = match value {
            PollValue::Unset { list: true } => quote!(Vec::new()),
            PollValue::Unset { list: false } => quote!(None),
            PollValue::Request {
                field,
                wrap,
                optional,
                kind,
                into_list,
            } => {
                let src = format_ident!("{}", field);
                let base = match kind {
                    ScalarIr::String => quote!(self.#src.clone()),
                    _ => quote!(self.#src),
                };
                match (*into_list, *optional) {
                    (true, true) => quote!(#base.into_iter().collect()),
                    (true, false) => quote!(vec![#base]),
                    (false, _) if *wrap => quote!(Some(#base)),
                    (false, _) => base,
                }
            }
            PollValue::Response {
                fields,
                wrap,
                kind,
                into_list,
            } => {
                let path = fields.iter().map(|f| format_ident!("{}", f));
                let base = match kind {
                    ScalarIr::String => quote!(output.#(#path).*.clone()),
                    _ => quote!(output.#(#path).*),
                };
                if *into_list {
                    quote!(vec![#base])
                } else if *wrap {
                    quote!(Some(#base))
                } else {
                    base
                }
            }
        };
        quote!(#f: #expr,)
    });
    quote!(#ty { #(#fields)* })
}
