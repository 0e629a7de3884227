//! The runtime's fluent clients (`crates/cloudvpn/src/generated/`): per API a client type named by the
//! spec's `names.client`, one method per operation returning a call whose setters are the operation's
//! parameters, `send()`, and `send_and_wait()` where the spec has a completion recipe.
//!
//! The generated code only names things; what a call does (serialize once, sign per attempt, retry, parse,
//! wait) is the runtime's generic core over the protocol client `crate::protocol::<protocol>::Client`.

use super::*;
use cloudvpn_spec::snake_case;
use request::is_list;

/// The runtime module of a protocol (`AlibabaRpc` → `alibaba_rpc`): where its `Client` and
/// `ClientBuilder` live.
fn protocol_module(api: &ApiIr) -> proc_macro2::Ident {
    format_ident!("{}", snake_case(api.protocol))
}

/// The provider's module of the runtime (`alibaba`, `tencent`).
fn provider_module(api: &ApiIr) -> String {
    api.provider.to_ascii_lowercase()
}

/// The fluent call type of an operation (`DeleteVpnGatewayCall`).
fn call_name(op: &OpIr) -> proc_macro2::Ident {
    format_ident!("{}Call", op.action)
}

/// The type of a parameter's value in the call (without the `Option` of a scalar or struct), the structs of
/// object parameters named in the operation's module of the types crate.
fn field_type(module: &proc_macro2::Ident, p: &ParamIr) -> TokenStream {
    match &p.ty {
        ParamTypeIr::Scalar(s) => scalar_type(*s),
        ParamTypeIr::List(element) => {
            let inner = field_type(module, element);
            quote!(Vec<#inner>)
        }
        ParamTypeIr::Struct { name, .. } => {
            let name = format_ident!("{}", name);
            quote!(types::#module::#name)
        }
    }
}

/// Whether the operation can be awaited: it has a recipe whose poll operation is in the API (the same
/// condition under which the types crate implements `Completable`).
fn completable(api: &ApiIr, op: &OpIr) -> bool {
    op.completion
        .as_ref()
        .is_some_and(|c| api.operations.iter().any(|o| o.action == c.poll_action))
}

/// `generated/mod.rs`: each API's module, and one module per provider re-exporting its clients.
pub fn client_root_module(apis: &[ApiIr]) -> TokenStream {
    let mods = apis.iter().map(|a| {
        let m = format_ident!("{}", a.module);
        quote!(pub mod #m;)
    });
    let mut providers: Vec<String> = apis.iter().map(provider_module).collect();
    providers.dedup();
    let provider_mods = providers.iter().map(|p| {
        let clients = apis.iter().filter(|a| provider_module(a) == *p).map(|a| {
            let (m, c) = (format_ident!("{}", a.module), format_ident!("{}", a.client));
            quote!(pub use super::#m::#c;)
        });
        let titles: Vec<String> = apis
            .iter()
            .filter(|a| provider_module(a) == *p)
            .map(|a| format!("[`{}`]({p}::{}) ({})", a.client, a.client, a.title))
            .collect();
        let provider = apis
            .iter()
            .find(|a| provider_module(a) == *p)
            .map_or(p.as_str(), |a| a.provider);
        let doc = format!(" The clients of {provider}'s APIs: {}.", titles.join(", "));
        let m = format_ident!("{}", p);
        quote! {
            #[doc = #doc]
            pub mod #m {
                #(#clients)*
            }
        }
    });
    quote! {
        #![doc = " The generated fluent clients: one per API, named by its spec, in the module of its provider."]
        #(#mods)*
        #(#provider_mods)*
    }
}

/// `generated/<api module>.rs`: the client of one API and the call type of each of its operations.
pub fn client_module(api: &ApiIr) -> TokenStream {
    let example = api
        .operations
        .first()
        .map(|op| format!(" (`{}` → [`{}`])", op.module, call_name(op)))
        .unwrap_or_default();
    let module_doc = inner_docs(&format!(
        "The fluent client of the {}: [`{}`], with one method per operation, and the call type each \
         method returns{example}.\n\nGenerated from `{}`.",
        api.title, api.client, api.spec_file
    ));
    let types = format_ident!("{}", api.module);
    let api_type = format_ident!("{}", api.type_name);
    let client = format_ident!("{}", api.client);
    let protocol = protocol_module(api);
    let title = &api.title;
    let client_doc = docs(&format!(
        "A client of the {title}: one method per operation, each returning a call to set parameters on \
         and send, and [`send`](Self::send) for a request built elsewhere. Only operations of this API \
         can be sent with it: sending one of another API does not compile.\n\nCheap to clone; clones \
         share connections, credentials and the retry budget."
    ));
    let builder_doc = docs(
        "A builder of the client: endpoint, credentials, region, retries and the rest (see the builder's \
         methods). `build()` fails on a bad endpoint or TLS setting.",
    );
    let methods = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.module);
        let call = call_name(op);
        let doc = docs(&format!("`{}`: {}", op.action, op.summary));
        quote! {
            #doc
            pub fn #method(&self) -> #call {
                #call::new(self.clone())
            }
        }
    });
    let calls = api.operations.iter().map(|op| call_type(api, op));
    quote! {
        #module_doc
        use crate::protocol::#protocol;
        use crate::{ApiClient, Completed, Deletion, Error, WaitError, WaitOptions, WaitProgress};
        use cloudvpn_types::#types::{self as types, #api_type};
        use cloudvpn_types::{Completable, Operation, ValidationError};

        #client_doc
        #[derive(Clone, Debug)]
        pub struct #client {
            inner: #protocol::Client,
        }

        impl From<#protocol::Client> for #client {
            fn from(inner: #protocol::Client) -> Self {
                #client { inner }
            }
        }

        impl #client {
            #builder_doc
            pub fn builder() -> #protocol::ClientBuilder<#client> {
                #protocol::ClientBuilder::new()
            }

            /// The protocol client underneath, for code generic over [`ApiClient`].
            pub fn protocol_client(&self) -> &#protocol::Client {
                &self.inner
            }

            /// Sends a request of this API built elsewhere (generic code, a request parsed at run time):
            /// validated, signed, retried where safe.
            pub async fn send<O: Operation<Api = #api_type>>(
                &self,
                request: O,
            ) -> Result<O::Output, Error<O::Error>> {
                self.inner.send(request).await
            }

            /// Like [`send`](Self::send) for a delete, where "not found" on a retry means an earlier attempt
            /// already deleted the resource ([`Deletion::AlreadyGone`]).
            pub async fn delete<O: Operation<Api = #api_type>>(
                &self,
                request: O,
            ) -> Result<Deletion<O::Output>, Error<O::Error>> {
                self.inner.delete(request).await
            }

            /// Polls until the effect of an accepted `request` is complete, per its spec's recipe.
            pub async fn wait<O: Completable<Api = #api_type>>(
                &self,
                request: &O,
                output: &O::Output,
                options: &WaitOptions,
                progress: impl FnMut(&WaitProgress) + Send,
            ) -> Result<Completed, WaitError<<O::Poll as Operation>::Error>> {
                self.inner.wait(request, output, options, progress).await
            }

            #(#methods)*
        }

        #(#calls)*
    }
}

/// The call type of one operation: its parameters as setters, `send`, and `send_and_wait` if awaitable.
fn call_type(api: &ApiIr, op: &OpIr) -> TokenStream {
    let client = format_ident!("{}", api.client);
    let protocol = protocol_module(api);
    let call = call_name(op);
    let request = format_ident!("{}", op.request_name());
    let response = format_ident!("{}", op.response_name());
    let error = format_ident!("{}", op.error_name());
    let module = format_ident!("{}", op.module);
    let fields: Vec<_> = op
        .params
        .iter()
        .map(|p| (format_ident!("{}", p.field), field_type(&module, p), p))
        .collect();
    // A list is a `Vec` (empty: not set), everything else an `Option`, as in the request struct.
    let field_decls = fields.iter().map(|(f, ty, p)| {
        if is_list(p) {
            quote!(#f: #ty,)
        } else {
            quote!(#f: Option<#ty>,)
        }
    });
    let field_inits = fields.iter().map(|(f, _, p)| {
        if is_list(p) {
            quote!(#f: Vec::new(),)
        } else {
            quote!(#f: None,)
        }
    });
    let setters = fields.iter().map(|(f, ty, p)| {
        let presence = if p.required { "required" } else { "optional" };
        let mut text = format!("Sets `{}` ({presence}): {}", p.wire, p.doc);
        if let Some(e) = &p.example {
            text.push_str(&format!("\n\nExample: `{e}`."));
        }
        let doc = docs(&text);
        let (argument, value) = match &p.ty {
            ParamTypeIr::Scalar(ScalarIr::String) => {
                (quote!(impl Into<String>), quote!(Some(#f.into())))
            }
            ParamTypeIr::List(element) => match element.ty {
                ParamTypeIr::Scalar(ScalarIr::String) => (
                    quote!(impl IntoIterator<Item = impl Into<String>>),
                    quote!(#f.into_iter().map(Into::into).collect()),
                ),
                _ => {
                    let element = field_type(&module, element);
                    (
                        quote!(impl IntoIterator<Item = #element>),
                        quote!(#f.into_iter().collect()),
                    )
                }
            },
            _ => (quote!(#ty), quote!(Some(#f))),
        };
        quote! {
            #doc
            pub fn #f(mut self, #f: #argument) -> Self {
                self.#f = #value;
                self
            }
        }
    });
    let required_args = fields
        .iter()
        .filter(|(_, _, p)| p.required)
        .map(|(f, _, p)| {
            let wire = &p.wire;
            if is_list(p) {
                quote!(std::mem::take(&mut self.#f))
            } else {
                quote!(crate::fluent::required(self.#f.take(), types::#request::META, #wire)?)
            }
        });
    let optional_sets = fields
        .iter()
        .filter(|(_, _, p)| !p.required)
        .map(|(f, _, p)| {
            if is_list(p) {
                quote!(request.#f = std::mem::take(&mut self.#f);)
            } else {
                quote!(request.#f = self.#f.take();)
            }
        });
    let call_doc = docs(&format!(
        "A call of `{}`: {}\n\nSet its parameters, then [`send`](Self::send) it{}. A required parameter \
         left unset is reported by `send` as a validation error, before anything is sent.",
        op.action,
        op.summary,
        if completable(api, op) {
            " or [`send_and_wait`](Self::send_and_wait) for its completion"
        } else {
            ""
        }
    ));
    let send_and_wait = if completable(api, op) {
        let how = op
            .completion
            .as_ref()
            .map(|c| c.hint.clone())
            .unwrap_or_default();
        let doc = docs(&format!(
            "Sends the call and, once accepted, polls until its effect is complete: {how}\n\nAwait the \
             result; before that, `.wait_options(..)` and `.on_progress(..)` set how to wait and what to \
             report after each poll."
        ));
        quote! {
            #doc
            pub fn send_and_wait(mut self) -> crate::SendAndWait<#protocol::Client, types::#request> {
                let request = self.take_request();
                crate::SendAndWait::new(self.client.inner, request)
            }
        }
    } else {
        quote!()
    };
    let optional_sets: Vec<_> = optional_sets.collect();
    let take_body = if optional_sets.is_empty() {
        quote!(Ok(types::#request::new(#(#required_args),*)))
    } else {
        quote! {
            let mut request = types::#request::new(#(#required_args),*);
            #(#optional_sets)*
            Ok(request)
        }
    };
    quote! {
        #call_doc
        #[derive(Debug, Clone)]
        #[must_use = "a call does nothing until it is sent"]
        pub struct #call {
            client: #client,
            #(#field_decls)*
        }

        impl #call {
            fn new(client: #client) -> Self {
                #call { client, #(#field_inits)* }
            }

            #(#setters)*

            /// Moves the parameters set so far into the request.
            fn take_request(&mut self) -> Result<types::#request, ValidationError> {
                #take_body
            }

            /// The request these settings make, for code that sends it another way; a required parameter
            /// left unset is an error.
            pub fn into_request(mut self) -> Result<types::#request, ValidationError> {
                self.take_request()
            }

            /// Sends the call: validated (nothing is sent if it is invalid), signed, retried where safe;
            /// the typed response or the operation's typed error.
            pub async fn send(mut self) -> Result<types::#response, Error<types::#error>> {
                let request = self.take_request().map_err(Error::Validation)?;
                self.client.inner.send(request).await
            }

            #send_and_wait
        }
    }
}
