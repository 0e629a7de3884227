//! The module of an API and the crate's root module: metadata, operation list, registry.

use super::*;

/// The module of one API: metadata, operation modules, re-exports and the `Request` enum.
pub fn api_module(api: &ApiIr) -> TokenStream {
    let title = &api.title;
    let (client, command) = (&api.client, &api.command);
    let provider = format_ident!("{}", api.provider);
    let protocol = format_ident!("{}", api.protocol);
    let (service, version, module) = (&api.service, &api.version, &api.module);
    let (scheme, path, default_host) = (&api.scheme, &api.path, &api.default_host);
    let central_host = opt_str(&api.central_host);
    let central_regions = &api.central_regions;
    let default_signing = format_ident!("{}", api.default_signing);
    let signing = api.signing.iter().map(|s| format_ident!("{}", s));
    let window = Literal::u64_unsuffixed(api.timestamp_window_seconds);
    let error_status = format_ident!("{}", api.error_status);
    // An API with no errors of its own shares its protocol's table; one with its own lists both.
    let common_errors = match &api.protocol_errors {
        Some(p) if p.errors.len() == api.common_errors.len() => {
            let m = format_ident!("{}", p.module);
            quote!(crate::protocols::#m::ERRORS)
        }
        _ => {
            let list = api.common_errors.iter().map(documented_error);
            quote!(&[#(#list),*])
        }
    };
    let codes = common_error_codes(api);
    let regions = &api.regions;

    let mods = api
        .operations
        .iter()
        .map(|op| format_ident!("{}", op.module));
    let reexports = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        let (req, resp, err) = (
            format_ident!("{}", op.request_name()),
            format_ident!("{}", op.response_name()),
            format_ident!("{}", op.error_name()),
        );
        quote!(pub use #m::{#req, #resp, #err};)
    });
    let metas = api.operations.iter().map(|op| {
        let m = format_ident!("{}", op.module);
        quote!(&#m::META)
    });
    let variants: Vec<_> = api
        .operations
        .iter()
        .map(|op| {
            (
                format_ident!("{}", op.action),
                format_ident!("{}", op.request_name()),
                &op.action,
            )
        })
        .collect();
    let enum_variants = variants.iter().map(|(v, req, action)| {
        let doc = format!(" `{action}`.");
        quote!(#[doc = #doc] #v(#req),)
    });
    let parse_arms = variants.iter().map(
        |(v, req, action)| quote!(#action => Some(#req::from_params(params).map(Request::#v)),),
    );
    let meta_arms = variants
        .iter()
        .map(|(v, req, _)| quote!(Request::#v(_) => #req::META,));
    let dispatch_arms = api.operations.iter().map(|op| {
        let v = format_ident!("{}", op.action);
        if op.completion.is_some() {
            quote!(Request::#v(r) => visitor.visit_completable(r),)
        } else {
            quote!(Request::#v(r) => visitor.visit(r),)
        }
    });
    let api_doc = inner_docs(&format!("{title}.\n\nGenerated from `{}`.", api.spec_file));
    let api_type = format_ident!("{}", api.type_name);
    let api_type_doc = format!(
        " The {title}: its metadata, operations and `Request` enum, for code generic over the API."
    );

    quote! {
        #api_doc
        use crate::meta::*;
        use crate::operation::{Api, ApiRequest, Operation, Visitor};
        use crate::{Params, ValidationError};

        #(pub mod #mods;)*
        #(#reexports)*

        /// What every operation of this API shares.
        pub const API: ApiMeta = ApiMeta {
            provider: Provider::#provider,
            service: #service,
            version: #version,
            protocol: Protocol::#protocol,
            title: #title,
            client: #client,
            command: #command,
            module: #module,
            endpoint: EndpointMeta {
                scheme: #scheme,
                path: #path,
                default_host: #default_host,
                central_host: #central_host,
                central_regions: &[#(#central_regions),*],
            },
            default_signing: SigningScheme::#default_signing,
            signing: &[#(SigningScheme::#signing),*],
            timestamp_window_seconds: #window,
            error_status: ErrorStatus::#error_status,
            common_errors: #common_errors,
            regions: &[#(#regions),*],
        };

        /// Every operation of this API, sorted by action.
        pub const OPERATIONS: &[&OperationMeta] = &[#(#metas),*];

        #codes

        /// A request of any operation of this API, for code that picks the operation at run time (a server
        /// parsing `Action`, a command line).
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Request {
            #(#enum_variants)*
        }

        impl Request {
            /// Parses the parameters of `action`; `None` when the API has no such operation.
            pub fn from_params(action: &str, params: &Params) -> Option<Result<Self, ValidationError>> {
                match action {
                    #(#parse_arms)*
                    _ => None,
                }
            }

            /// The operation's metadata.
            pub fn meta(&self) -> &'static OperationMeta {
                match self {
                    #(#meta_arms)*
                }
            }

            /// Calls `visitor` with the concrete request (`visit_completable` for operations whose completion
            /// can be awaited).
            pub fn dispatch<V: Visitor>(self, visitor: V) -> V::Output {
                match self {
                    #(#dispatch_arms)*
                }
            }
        }

        impl ApiRequest for Request {
            type Api = #api_type;

            fn meta(&self) -> &'static OperationMeta {
                Request::meta(self)
            }

            fn dispatch<V: Visitor>(self, visitor: V) -> V::Output {
                Request::dispatch(self, visitor)
            }
        }

        #[doc = #api_type_doc]
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
        pub struct #api_type;

        impl Api for #api_type {
            const META: &'static ApiMeta = &API;
            const OPERATIONS: &'static [&'static OperationMeta] = OPERATIONS;
            type Request = Request;

            fn from_params(action: &str, params: &Params) -> Option<Result<Request, ValidationError>> {
                Request::from_params(action, params)
            }
        }
    }
}

/// The crate's `generated/mod.rs`: the API modules, the list of all of them and the way from an API's
/// metadata to its type.
pub fn root_module(apis: &[ApiIr]) -> TokenStream {
    let mods: Vec<_> = apis.iter().map(|a| format_ident!("{}", a.module)).collect();
    let visit_arms = apis.iter().map(|a| {
        let (m, module, ty) = (
            format_ident!("{}", a.module),
            &a.module,
            format_ident!("{}", a.type_name),
        );
        quote!(#module => Some(visitor.visit::<#m::#ty>()),)
    });
    let protocols = apis.iter().any(|a| a.protocol_errors.is_some()).then(|| {
        quote!(
            pub mod protocols;
        )
    });
    quote! {
        #![doc = " The generated API modules."]
        #protocols
        #(pub mod #mods;)*

        /// Every API the specs describe: what [`all_apis`] returns.
        pub const APIS: &[&crate::meta::ApiMeta] = &[#(&#mods::API),*];

        /// Every API the specs describe, in module order.
        pub fn all_apis() -> &'static [&'static crate::meta::ApiMeta] {
            APIS
        }

        /// Every operation of every API.
        pub fn all_operations() -> impl Iterator<Item = &'static crate::meta::OperationMeta> {
            [#(#mods::OPERATIONS),*].into_iter().flatten().copied()
        }

        /// Calls `visitor` with the type of the API `api` describes (matched by its module, which is unique);
        /// `None` for metadata that no generated API has.
        pub fn visit_api<V: crate::operation::ApiVisitor>(
            api: &crate::meta::ApiMeta,
            visitor: V,
        ) -> Option<V::Output> {
            match api.module {
                #(#visit_arms)*
                _ => None,
            }
        }
    }
}

/// `pub mod codes`: a constant per documented code of the API, so code that names one (a server answering
/// `AuthFailure.SignatureFailure`) cannot misspell it — a typo is a compile error, not an undocumented code.
/// The common errors come first (named by their variant, as their Rust names are decided); then every
/// spelling of every operation's own errors that is not a common code, named by the spelling and listing
/// the operations that document it.
fn common_error_codes(api: &ApiIr) -> TokenStream {
    let mut names = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut consts = Vec::new();
    // The protocol's codes are its module's; they are re-exported here, so `<api>::codes::X` still names them.
    let shared = api.protocol_errors.as_ref().map_or(0, |p| p.errors.len());
    for e in &api.common_errors[..shared] {
        names.insert(cloudvpn_spec::snake_case(&e.variant).to_uppercase());
        seen.insert(e.code.clone());
    }
    let reexport = api.protocol_errors.as_ref().map(|p| {
        let m = format_ident!("{}", p.module);
        quote!(pub use crate::protocols::#m::codes::*;)
    });
    let mut documented = Vec::new();
    for (index, e) in api.common_errors.iter().enumerate().skip(shared) {
        let name = cloudvpn_spec::snake_case(&e.variant).to_uppercase();
        names.insert(name.clone());
        seen.insert(e.code.clone());
        consts.push((name.clone(), e.code.clone(), e.hint.clone()));
        let ident = format_ident!("{}", name);
        let index_lit = Literal::usize_unsuffixed(index);
        let doc = docs(&format!("`{}`: {}", e.code, e.hint));
        documented.push(quote! {
            #doc
            pub const #ident: &DocumentedError = &super::super::API.common_errors[#index_lit];
        });
    }
    // The API's own common errors as their metadata, for a server that answers one by name and needs
    // more than the code (Tencent v2: the integer code and the `codeDesc` that go with it).
    let documented = (!documented.is_empty()).then(|| {
        quote! {
            /// The API's own common errors, each as its entry of `API.common_errors`: naming one answers
            /// exactly what the specs document, and a misspelt name does not compile.
            pub mod documented {
                use crate::meta::DocumentedError;
                #(#documented)*
            }
        }
    });
    for op in &api.operations {
        for e in &op.own_errors {
            for spelling in std::iter::once(&e.code).chain(&e.also_spelled) {
                let name = cloudvpn_spec::snake_case(spelling).to_uppercase();
                let usable = name.starts_with(|c: char| c.is_ascii_uppercase());
                if !usable || seen.contains(spelling) || !names.insert(name.clone()) {
                    continue;
                }
                seen.insert(spelling.clone());
                let actions: Vec<&str> = api
                    .operations
                    .iter()
                    .filter(|o| {
                        o.own_errors
                            .iter()
                            .any(|oe| oe.code == *spelling || oe.also_spelled.contains(spelling))
                    })
                    .map(|o| o.action.as_str())
                    .collect();
                consts.push((
                    name,
                    spelling.clone(),
                    format!("Documented by {}. {}", actions.join(", "), e.hint),
                ));
            }
        }
    }
    let consts = consts.iter().map(|(name, code, text)| {
        let name = format_ident!("{}", name);
        let doc = docs(&format!("`{code}`: {text}"));
        quote! {
            #doc
            pub const #name: &str = #code;
        }
    });
    quote! {
        /// The codes of the errors this API documents: the common errors every operation may answer, then
        /// each operation's own (every spelling).
        pub mod codes {
            #reexport
            #(#consts)*
            #documented
        }
    }
}

/// The constants of a list of errors' codes, each named by its variant and documented with its hint.
pub(crate) fn code_constants(errors: &[ErrorIr]) -> Vec<TokenStream> {
    errors
        .iter()
        .map(|e| {
            let name = format_ident!("{}", cloudvpn_spec::snake_case(&e.variant).to_uppercase());
            let code = &e.code;
            let doc = docs(&format!("`{code}`: {}", e.hint));
            quote! {
                #doc
                pub const #name: &str = #code;
            }
        })
        .collect()
}

/// `generated/protocols/<module>.rs`: the errors every API of one protocol may answer, once.
pub fn protocol_module(p: &ProtocolErrorsIr) -> TokenStream {
    let doc = inner_docs(&format!(
        "{}: the errors every API of the protocol may answer, and their codes.\n\nGenerated from `{}`; each \
         API's `API.common_errors` and `codes` include them.",
        p.title, p.spec_file
    ));
    let errors = p.errors.iter().map(documented_error);
    let consts = code_constants(&p.errors);
    quote! {
        #doc
        use crate::meta::DocumentedError;

        /// The protocol's errors, in the order of their file.
        pub const ERRORS: &[DocumentedError] = &[#(#errors),*];

        /// The codes of the protocol's errors.
        pub mod codes {
            #(#consts)*
        }
    }
}

/// `generated/protocols/mod.rs`: one module per protocol errors file the APIs include.
pub fn protocols_root_module(modules: &[String]) -> TokenStream {
    let mods = modules.iter().map(|m| format_ident!("{}", m));
    quote! {
        #![doc = " The errors each protocol's APIs share, generated once per protocol."]
        #(pub mod #mods;)*
    }
}
