//! IR → tokens. Every decision was made in `ir`; this only prints it.

use crate::ir::*;
use cloudvpn_spec::Scalar;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

/// `#[doc = "..."]` lines for a text (one attribute per line, so prettyplease prints `///` lines).
fn docs(text: &str) -> TokenStream {
    let lines: Vec<TokenStream> = text
        .trim()
        .lines()
        .map(|l| {
            let l = if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", l.trim_end())
            };
            quote!(#[doc = #l])
        })
        .collect();
    quote!(#(#lines)*)
}

fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

fn opt_num<T: Copy>(v: Option<T>, lit: fn(T) -> Literal) -> TokenStream {
    match v {
        Some(n) => {
            let n = lit(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

fn scalar_type(s: ScalarIr) -> TokenStream {
    match s {
        ScalarIr::String => quote!(String),
        ScalarIr::Integer => quote!(i64),
        ScalarIr::Boolean => quote!(bool),
    }
}

fn param_kind(s: ScalarIr) -> TokenStream {
    match s {
        ScalarIr::String => quote!(ParamKind::String),
        ScalarIr::Integer => quote!(ParamKind::Integer),
        ScalarIr::Boolean => quote!(ParamKind::Boolean),
    }
}

/// `#![doc = "..."]` lines: the documentation of the module a generated file is.
fn inner_docs(text: &str) -> TokenStream {
    let lines: Vec<TokenStream> = text
        .trim()
        .lines()
        .map(|l| {
            let l = if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {}", l.trim_end())
            };
            quote!(#![doc = #l])
        })
        .collect();
    quote!(#(#lines)*)
}

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
        }
    }
}

/// The module of one API: metadata, operation modules, re-exports and the `Request` enum.
pub fn api_module(api: &ApiIr) -> TokenStream {
    let title = &api.title;
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
    let common_errors = api.common_errors.iter().map(documented_error);
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
            common_errors: &[#(#common_errors),*],
            regions: &[#(#regions),*],
        };

        /// Every operation of this API, sorted by action.
        pub const OPERATIONS: &[&OperationMeta] = &[#(#metas),*];

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

/// The module of one operation.
pub fn operation_module(api: &ApiIr, op: &OpIr) -> TokenStream {
    let module_doc = inner_docs(&format!(
        "`{}`: {}\n\nGenerated from `{}`.",
        op.action, op.summary, op.spec_file
    ));
    let meta = operation_meta(op);
    let request = request(op);
    let operation_impl = operation_impl(api, op);
    let structs = op.structs.iter().map(response_struct);
    let error = error_enum(op);
    let completion = completion_impl(api, op);
    quote! {
        #module_doc
        use crate::error::{ErrorInfo, OperationError, ValidationError};
        use crate::meta::*;
        use crate::operation::Operation;
        use crate::params::{self, Params};

        #meta
        #request
        #operation_impl
        #(#structs)*
        #error
        #completion
    }
}

fn operation_meta(op: &OpIr) -> TokenStream {
    let action = &op.action;
    let summary = &op.summary;
    let methods = op.methods.iter().map(|m| format_ident!("{}", m));
    let token = opt_str(&op.idempotency_token.as_ref().map(|(w, _)| w.clone()));
    let read_only = op.read_only;
    let params = op.params.iter().map(|p| {
        let (name, field) = (&p.wire, &p.field);
        let kind = param_kind(p.kind);
        let (required, region) = (p.required, p.region);
        let example = opt_str(&p.example);
        let description = &p.doc;
        let help = &p.help;
        let constraints = constraints(&p.constraints);
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
            }
        }
    });
    let errors = op.own_errors.iter().map(documented_error);
    let completion = match &op.completion {
        None => quote!(None),
        Some(c) => {
            let asynchronous = c.asynchronous;
            let description = &c.description;
            let hint = &c.hint;
            let poll = &c.poll_action;
            let acceptors = c.acceptors.iter().map(|a| {
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
                };
                quote!(Acceptor { state: WaitState::#state, matcher: #matcher })
            });
            quote! {
                Some(CompletionMeta {
                    asynchronous: #asynchronous,
                    description: #description,
                    hint: #hint,
                    poll_action: #poll,
                    acceptors: &[#(#acceptors),*],
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
            params: &[#(#params),*],
            errors: &[#(#errors),*],
            completion: #completion,
            pagination: #pagination,
        };
    }
}

/// `Constraints::NONE`, or the set fields over it.
fn constraints(c: &ConstraintsIr) -> TokenStream {
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
    quote!(Constraints { #(#set,)* ..Constraints::NONE })
}

fn request(op: &OpIr) -> TokenStream {
    let name = format_ident!("{}", op.request_name());
    let doc = docs(&op.doc);
    let fields = op.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let ty = scalar_type(p.kind);
        let mut text = format!("`{}`: {}", p.wire, p.doc);
        if let Some(e) = &p.example {
            text.push_str(&format!("\n\nExample: `{e}`."));
        }
        let doc = docs(&text);
        if p.required {
            quote!(#doc pub #f: #ty,)
        } else {
            quote!(#doc pub #f: Option<#ty>,)
        }
    });
    let required: Vec<_> = op.params.iter().filter(|p| p.required).collect();
    let new_args = required.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        match p.kind {
            ScalarIr::String => quote!(#f: impl Into<String>),
            other => {
                let ty = scalar_type(other);
                quote!(#f: #ty)
            }
        }
    });
    let new_fields = op.params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        match (p.required, p.kind) {
            (true, ScalarIr::String) => quote!(#f: #f.into(),),
            (true, _) => quote!(#f,),
            (false, _) => quote!(#f: None,),
        }
    });
    let setters = op.params.iter().filter(|p| !p.required).map(|p| {
        let f = format_ident!("{}", p.field);
        let doc = docs(&format!("Sets `{}`.", p.wire));
        match p.kind {
            ScalarIr::String => quote! {
                #doc
                pub fn #f(mut self, #f: impl Into<String>) -> Self {
                    self.#f = Some(#f.into());
                    self
                }
            },
            other => {
                let ty = scalar_type(other);
                quote! {
                    #doc
                    pub fn #f(mut self, #f: #ty) -> Self {
                        self.#f = Some(#f);
                        self
                    }
                }
            }
        }
    });
    let new_doc = if required.is_empty() {
        "A request with no parameters set.".to_owned()
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.wire)).collect();
        format!(" A request with the required {}.", names.join(", "))
    };
    // A request without required parameters is also `Default` (clippy's `new_without_default`).
    let derives = if required.is_empty() {
        quote!(#[derive(Debug, Clone, PartialEq, Eq, Default)])
    } else {
        quote!(#[derive(Debug, Clone, PartialEq, Eq)])
    };
    quote! {
        #doc
        #derives
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            #[doc = #new_doc]
            pub fn new(#(#new_args),*) -> Self {
                Self { #(#new_fields)* }
            }
            #(#setters)*
        }
    }
}

fn operation_impl(api: &ApiIr, op: &OpIr) -> TokenStream {
    let api_type = format_ident!("{}", api.type_name);
    let name = format_ident!("{}", op.request_name());
    let output = format_ident!("{}", op.response_name());
    let error = format_ident!("{}", op.error_name());
    let checks = op.params.iter().enumerate().filter_map(|(i, p)| {
        let f = format_ident!("{}", p.field);
        let i = Literal::usize_unsuffixed(i);
        let (value, deref) = if p.required {
            (quote!(&self.#f), quote!(self.#f))
        } else {
            (quote!(v), quote!(*v))
        };
        let check = match p.kind {
            ScalarIr::String if p.required || !p.constraints.is_empty() => {
                quote!(params::check_string(&META, &META.params[#i], #value)?;)
            }
            ScalarIr::Integer
                if p.constraints.minimum.is_some() || p.constraints.maximum.is_some() =>
            {
                quote!(params::check_integer(&META, &META.params[#i], #deref)?;)
            }
            _ => return None,
        };
        Some(if p.required {
            check
        } else {
            quote!(if let Some(v) = &self.#f { #check })
        })
    });
    let capacity = Literal::usize_unsuffixed(op.params.len());
    let pair = |p: &ParamIr, source: TokenStream| {
        let wire = &p.wire;
        match p.kind {
            ScalarIr::String => quote!((#wire, #source.clone())),
            _ => quote!((#wire, #source.to_string())),
        }
    };
    let required_pairs: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| p.required)
        .map(|p| {
            let f = format_ident!("{}", p.field);
            pair(p, quote!(self.#f))
        })
        .collect();
    let optional_pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            let f = format_ident!("{}", p.field);
            let pair = pair(p, quote!(v));
            quote!(if let Some(v) = &self.#f { out.push(#pair); })
        })
        .collect();
    let to_params_body = if optional_pushes.is_empty() {
        quote!(vec![#(#required_pairs),*])
    } else if required_pairs.is_empty() {
        quote! {
            let mut out = Vec::with_capacity(#capacity);
            #(#optional_pushes)*
            out
        }
    } else {
        quote! {
            let mut out = Vec::with_capacity(#capacity);
            out.extend([#(#required_pairs),*]);
            #(#optional_pushes)*
            out
        }
    };
    let from_params = op.params.iter().enumerate().map(|(i, p)| {
        let f = format_ident!("{}", p.field);
        let i = Literal::usize_unsuffixed(i);
        let read = match (p.kind, p.required) {
            (ScalarIr::String, true) => {
                quote!(params::required_string(&META, &META.params[#i], params)?)
            }
            (ScalarIr::String, false) => quote!(params::optional_string(params, &META.params[#i])),
            (ScalarIr::Integer, true) => {
                quote!(params::required_integer(&META, &META.params[#i], params)?)
            }
            (ScalarIr::Integer, false) => {
                quote!(params::optional_integer(&META, &META.params[#i], params)?)
            }
            (ScalarIr::Boolean, true) => {
                quote!(params::required_boolean(&META, &META.params[#i], params)?)
            }
            (ScalarIr::Boolean, false) => {
                quote!(params::optional_boolean(&META, &META.params[#i], params)?)
            }
        };
        quote!(#f: #read,)
    });
    let (get_token, set_token) = match &op.idempotency_token {
        Some((_, field)) => {
            let f = format_ident!("{}", field);
            (quote!(self.#f.as_deref()), quote!(self.#f = Some(token);))
        }
        None => (quote!(None), quote!()),
    };
    let token_arg = if op.idempotency_token.is_some() {
        quote!(token)
    } else {
        quote!(_token)
    };
    let params_arg = if op.params.is_empty() {
        quote!(_params)
    } else {
        quote!(params)
    };
    quote! {
        impl Operation for #name {
            type Api = super::#api_type;
            type Output = #output;
            type Error = #error;
            const META: &'static OperationMeta = &META;

            fn validate(&self) -> Result<(), ValidationError> {
                #(#checks)*
                Ok(())
            }

            fn to_params(&self) -> Vec<(&'static str, String)> {
                #to_params_body
            }

            fn from_params(#params_arg: &Params) -> Result<Self, ValidationError> {
                Ok(Self { #(#from_params)* })
            }

            fn idempotency_token(&self) -> Option<&str> {
                #get_token
            }

            fn set_idempotency_token(&mut self, #token_arg: String) {
                #set_token
            }
        }
    }
}

fn field_type(ty: &TypeIr) -> TokenStream {
    match ty {
        TypeIr::Scalar(s) => scalar_type(*s),
        TypeIr::Struct(name) => {
            let n = format_ident!("{}", name);
            quote!(#n)
        }
        TypeIr::List(inner) => {
            let inner = field_type(inner);
            quote!(Vec<#inner>)
        }
    }
}

fn response_struct(s: &StructIr) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let doc = docs(&s.doc);
    let fields = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.field);
        let wire = &f.wire;
        let doc = docs(&format!("`{}`: {}", f.wire, f.doc));
        let ty = field_type(&f.ty);
        match (&f.ty, f.required) {
            (TypeIr::List(_), _) => quote! {
                #doc
                #[serde(rename = #wire, default, deserialize_with = "crate::de::list", skip_serializing_if = "Vec::is_empty")]
                pub #field: #ty,
            },
            (TypeIr::Scalar(s), true) => {
                let de = match s {
                    ScalarIr::String => "crate::de::string",
                    ScalarIr::Integer => "crate::de::int",
                    ScalarIr::Boolean => "crate::de::boolean",
                };
                quote! {
                    #doc
                    #[serde(rename = #wire, deserialize_with = #de)]
                    pub #field: #ty,
                }
            }
            (TypeIr::Scalar(s), false) => {
                let de = match s {
                    ScalarIr::String => "crate::de::opt_string",
                    ScalarIr::Integer => "crate::de::opt_int",
                    ScalarIr::Boolean => "crate::de::opt_boolean",
                };
                quote! {
                    #doc
                    #[serde(rename = #wire, default, deserialize_with = #de, skip_serializing_if = "Option::is_none")]
                    pub #field: Option<#ty>,
                }
            }
            (TypeIr::Struct(_), true) => quote! {
                #doc
                #[serde(rename = #wire)]
                pub #field: #ty,
            },
            (TypeIr::Struct(_), false) => quote! {
                #doc
                #[serde(rename = #wire, default, skip_serializing_if = "Option::is_none")]
                pub #field: Option<#ty>,
            },
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }
    }
}

fn error_enum(op: &OpIr) -> TokenStream {
    let name = format_ident!("{}", op.error_name());
    let action = &op.action;
    let display = format!("{action} failed: {{}}");
    let doc = docs(&format!(
        "The errors `{action}` is documented to answer, plus `Unhandled` for any other code.\n\n\
         Every variant keeps the [`ErrorInfo`] the service sent."
    ));
    let variant_defs = op.variants.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let mut text = format!("`{}`", e.code);
        if !e.also_spelled.is_empty() {
            let others: Vec<String> = e.also_spelled.iter().map(|s| format!("`{s}`")).collect();
            text.push_str(&format!(" (also spelled {})", others.join(", ")));
        }
        if !e.statuses.is_empty() {
            let s: Vec<String> = e.statuses.iter().map(u16::to_string).collect();
            text.push_str(&format!(", HTTP {}", s.join(" or ")));
        }
        if !e.message.is_empty() {
            text.push_str(&format!(": {}", e.message));
        }
        if !e.hint.is_empty() {
            text.push_str(&format!("\n\n{}", e.hint));
        }
        if !e.description.is_empty() {
            text.push_str(&format!("\n\n{}", e.description));
        }
        let doc = docs(&text);
        quote!(#doc #v(ErrorInfo),)
    });
    let from_arms = op.variants.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let codes = std::iter::once(&e.code).chain(&e.also_spelled);
        quote!(#(#codes)|* => Self::#v(info),)
    });
    let all_variants: Vec<_> = op
        .variants
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    let predicates = op.variants.iter().map(|e| {
        let v = format_ident!("{}", e.variant);
        let p = format_ident!("{}", e.predicate());
        let doc = format!(" Whether this is `{}`.", e.code);
        quote! {
            #[doc = #doc]
            pub fn #p(&self) -> bool {
                matches!(self, Self::#v(_))
            }
        }
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variant_defs)*
            /// A code the documents of this operation do not list.
            Unhandled(ErrorInfo),
        }

        impl #name {
            #(#predicates)*

            /// The code as received.
            pub fn code(&self) -> &str {
                OperationError::code(self)
            }

            /// The message as received.
            pub fn message(&self) -> &str {
                OperationError::message(self)
            }

            /// The request id, if the service gave one.
            pub fn request_id(&self) -> Option<&str> {
                OperationError::request_id(self)
            }

            /// Everything the service sent: code, message, request id, HTTP status, ….
            pub fn info(&self) -> &ErrorInfo {
                OperationError::info(self)
            }

            /// Whether retrying the same call may succeed.
            pub fn is_retryable(&self) -> bool {
                OperationError::is_retryable(self)
            }

            /// Whether the error means the resource does not exist.
            pub fn is_not_found(&self) -> bool {
                OperationError::is_not_found(self)
            }

            /// Whether the error signals rate limiting.
            pub fn is_throttling(&self) -> bool {
                OperationError::is_throttling(self)
            }
        }

        impl OperationError for #name {
            fn from_info(info: ErrorInfo) -> Self {
                match info.code.as_str() {
                    #(#from_arms)*
                    _ => Self::Unhandled(info),
                }
            }

            fn info(&self) -> &ErrorInfo {
                match self {
                    #(Self::#all_variants(info))|* | Self::Unhandled(info) => info,
                }
            }

            fn documented(&self) -> Option<&'static DocumentedError> {
                META.documented_error(self.code())
            }
        }

        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, #display, self.info())
            }
        }

        impl std::error::Error for #name {}
    }
}

fn completion_impl(api: &ApiIr, op: &OpIr) -> TokenStream {
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
    quote! {
        #![doc = " The generated API modules."]
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
