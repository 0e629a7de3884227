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
    let poll_module = format_ident!("{}", poll.module);
    let poll_name = format_ident!("{}", poll.request_name());
    let mut uses_output = false;
    let fields = c.poll_fields.iter().map(|(field, value)| {
        let f = format_ident!("{}", field);
        let expr = match value {
            PollValue::Unset => quote!(None),
            PollValue::Request {
                field,
                wrap,
                optional,
                kind,
            } => {
                let src = format_ident!("{}", field);
                let base = match (kind, optional) {
                    (ScalarIr::String, _) => quote!(self.#src.clone()),
                    (_, _) => quote!(self.#src),
                };
                if *wrap { quote!(Some(#base)) } else { base }
            }
            PollValue::Response { fields, wrap, kind } => {
                uses_output = true;
                let path = fields.iter().map(|f| format_ident!("{}", f));
                let base = match kind {
                    ScalarIr::String => quote!(output.#(#path).*.clone()),
                    _ => quote!(output.#(#path).*),
                };
                if *wrap { quote!(Some(#base)) } else { base }
            }
        };
        quote!(#f: #expr,)
    });
    let fields: Vec<_> = fields.collect();
    let output_arg = if uses_output {
        quote!(output)
    } else {
        quote!(_output)
    };
    let doc = docs(&format!(
        "Completion of `{}` is observed by polling `{}`.\n\n{}",
        op.action, c.poll_action, c.description
    ));
    quote! {
        #doc
        impl crate::operation::Completable for #name {
            type Poll = super::#poll_module::#poll_name;

            fn poll_request(&self, #output_arg: &#output) -> Self::Poll {
                super::#poll_module::#poll_name { #(#fields)* }
            }
        }
    }
}
