//! The server side, generated into the emulator: per API a behaviour trait with one method per operation
//! (no default methods, so an operation without behaviour does not compile), the dispatch from the API's
//! `Request` enum to it, and the API's `Served` impl; in the root, per protocol, the APIs it serves.

use super::*;

/// `AlibabaVpcBehaviour`.
pub fn behaviour_trait_name(api: &ApiIr) -> String {
    format!("{}Behaviour", api.type_name)
}

/// The emulator's `generated/<api>.rs`.
pub fn server_module(api: &ApiIr) -> TokenStream {
    let module = format_ident!("{}", api.module);
    let ty = format_ident!("{}", api.type_name);
    let title = &api.title;
    let trait_name = format_ident!("{}", behaviour_trait_name(api));
    let module_doc = inner_docs(&format!(
        "What an emulator of the {title} does: [`{trait_name}`], one method per operation, and \
         [`serve`], which runs a parsed request on it.\n\nGenerated from `{}`.",
        api.spec_file
    ));
    let methods = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.module);
        let (req, resp, err) = (
            format_ident!("{}", op.request_name()),
            format_ident!("{}", op.response_name()),
            format_ident!("{}", op.error_name()),
        );
        let doc = docs(&format!("`{}`: {}", op.action, op.summary));
        quote! {
            #doc
            fn #method(&mut self, request: api::#req) -> Result<api::#resp, api::#err>;
        }
    });
    let arms = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.module);
        let variant = format_ident!("{}", op.action);
        quote! {
            Request::#variant(r) => behaviour
                .#method(r)
                .map(|response| crate::answer::json(&response))
                .map_err(|e| e.into_info()),
        }
    });
    let trait_doc = docs(&format!(
        "The behaviour of every operation of the {title}: the typed request in, the typed response or \
         the operation's typed error out. Rendering them on the wire is the protocol front end's job."
    ));
    quote! {
        #module_doc
        use cloudvpn_types::#module::{self as api, Request};
        use cloudvpn_types::ErrorInfo;

        #trait_doc
        pub(crate) trait #trait_name {
            #(#methods)*
        }

        /// Runs `request` on `behaviour`: the JSON body of the typed response, or the error it answered.
        /// `None` for an operation this code was not generated with (the `Request` enum is non-exhaustive).
        pub(crate) fn serve<B: #trait_name + ?Sized>(
            behaviour: &mut B,
            request: Request,
        ) -> Option<Result<Vec<u8>, ErrorInfo>> {
            Some(match request {
                #(#arms)*
                _ => return None,
            })
        }

        /// The API is served by the type `crate::behaviour::implemented` names for it: a spec folder
        /// without that entry (or whose type does not implement the trait) does not compile.
        impl super::Served for api::#ty {
            fn serve(
                world: &mut crate::model::World,
                fx: &mut crate::store::Effects,
                ctx: &crate::behaviour::Ctx<'_>,
                request: Request,
            ) -> Option<Result<Vec<u8>, ErrorInfo>> {
                let mut behaviour: crate::behaviour::implemented::#ty<'_> =
                    crate::behaviour::Behaviour::new(world, fx, ctx);
                serve(&mut behaviour, request)
            }
        }
    }
}

/// The emulator's `generated/mod.rs`.
pub fn server_root_module(apis: &[ApiIr]) -> TokenStream {
    let mods = apis.iter().map(|a| format_ident!("{}", a.module));
    let mut protocols: Vec<&'static str> = apis.iter().map(|a| a.protocol).collect();
    protocols.sort_unstable();
    protocols.dedup();
    let by_protocol = protocols.iter().map(|protocol| {
        let variant = format_ident!("{}", protocol);
        let served = apis.iter().filter(|a| a.protocol == *protocol).map(|a| {
            let module = format_ident!("{}", a.module);
            quote! { (&cloudvpn_types::#module::API, cloudvpn_types::#module::OPERATIONS), }
        });
        quote! { Protocol::#variant => &[#(#served)*], }
    });
    let visits = apis.iter().map(|a| {
        let (module, ty) = (
            format_ident!("{}", a.module),
            format_ident!("{}", a.type_name),
        );
        let name = &a.module;
        quote! { #name => Some(visitor.visit::<cloudvpn_types::#module::#ty>()), }
    });
    quote! {
        #![doc = " The generated server side: a behaviour trait per API (see each module), and per protocol the APIs its front end routes among."]
        #(pub(crate) mod #mods;)*

        use cloudvpn_types::meta::{ApiMeta, OperationMeta, Protocol};
        use cloudvpn_types::ErrorInfo;

        /// An API the emulator serves: its behaviour, made for one call, runs a parsed request.
        pub(crate) trait Served: cloudvpn_types::Api {
            /// Runs `request`: the JSON body of a success, or the error it answered; `None` for an
            /// operation the generated dispatch does not know.
            fn serve(
                world: &mut crate::model::World,
                fx: &mut crate::store::Effects,
                ctx: &crate::behaviour::Ctx<'_>,
                request: Self::Request,
            ) -> Option<Result<Vec<u8>, ErrorInfo>>;
        }

        /// Receives the served API type that a run-time [`ApiMeta`] describes, from [`visit_served`].
        pub(crate) trait ServedVisitor {
            /// What the visit returns.
            type Output;
            /// Receives the API.
            fn visit<A: Served>(self) -> Self::Output;
        }

        /// Calls `visitor` with the API type `api` describes (matched by its module, which is unique);
        /// `None` for metadata of no API of the specs.
        pub(crate) fn visit_served<V: ServedVisitor>(api: &ApiMeta, visitor: V) -> Option<V::Output> {
            match api.module {
                #(#visits)*
                _ => None,
            }
        }

        /// The APIs of `protocol`, each with its operations: what that protocol's front end routes among
        /// by version and action.
        pub(crate) fn apis_of(
            protocol: Protocol,
        ) -> &'static [(&'static ApiMeta, &'static [&'static OperationMeta])] {
            #[allow(unreachable_patterns)]
            match protocol {
                #(#by_protocol)*
                _ => &[],
            }
        }
    }
}
