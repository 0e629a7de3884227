//! IR → tokens. Every decision was made in `ir`; this only prints it.

use crate::ir::*;
use cloudvpn_spec::Scalar;
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

mod api;
mod builders;
mod client;
mod completion;
mod debug;
mod errors;
mod meta;
mod operation;
mod request;
mod response;
mod server;
mod wire;

pub use api::{api_module, protocol_module, protocols_root_module, root_module};
use builders::builders;
pub use client::{client_module, client_root_module};
use completion::completion_impl;
use errors::error_enum;
pub use meta::documented_error;
use meta::operation_meta;
use operation::operation_impl;
use request::request;
use response::response_struct;
pub use server::{server_module, server_root_module};
use wire::wire_value_impls;

/// `#[doc = "..."]` lines for a text (one attribute per line, so prettyplease prints `///` lines).
pub(crate) fn docs(text: &str) -> TokenStream {
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

pub(crate) fn opt_str(v: &Option<String>) -> TokenStream {
    match v {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

pub(crate) fn opt_num<T: Copy>(v: Option<T>, lit: fn(T) -> Literal) -> TokenStream {
    match v {
        Some(n) => {
            let n = lit(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    }
}

pub(crate) fn scalar_type(s: ScalarIr) -> TokenStream {
    match s {
        ScalarIr::String => quote!(String),
        ScalarIr::Integer => quote!(i64),
        ScalarIr::Boolean => quote!(bool),
    }
}

pub(crate) fn param_kind(s: ScalarIr) -> TokenStream {
    match s {
        ScalarIr::String => quote!(ParamKind::String),
        ScalarIr::Integer => quote!(ParamKind::Integer),
        ScalarIr::Boolean => quote!(ParamKind::Boolean),
    }
}

/// `#![doc = "..."]` lines: the documentation of the module a generated file is.
pub(crate) fn inner_docs(text: &str) -> TokenStream {
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

/// The module of one operation.
pub fn operation_module(api: &ApiIr, op: &OpIr) -> TokenStream {
    let module_doc = inner_docs(&format!(
        "`{}`: {}\n\nGenerated from `{}`.",
        op.action, op.summary, op.spec_file
    ));
    let meta = operation_meta(op);
    let request = request(op);
    let operation_impl = operation_impl(api, op);
    let wire_values = wire_value_impls(op);
    let structs = op.structs.iter().map(response_struct);
    let error = error_enum(op);
    let completion = completion_impl(api, op);
    let builders = builders(op);
    quote! {
        #module_doc
        use crate::error::{ErrorInfo, OperationError, ValidationError};
        use crate::meta::*;
        use crate::operation::Operation;
        use crate::params::{self, Params};

        #meta
        #request
        #operation_impl
        #wire_values
        #(#structs)*
        #error
        #completion
        #builders
    }
}
