//! The request struct of an operation and the structs of its object parameters: fields, `new`, setters.
//! Both serialize to the JSON body of a TC3 POST (`serde::Serialize`, wire names).

use super::debug::{DebugField, Holding, has_secret, redacting_debug};
use super::*;

/// The Rust type of a parameter's value (without the `Option` of an optional scalar or struct).
pub(crate) fn value_type(p: &ParamIr) -> TokenStream {
    match &p.ty {
        ParamTypeIr::Scalar(s) => scalar_type(*s),
        ParamTypeIr::List(element) => {
            let inner = value_type(element);
            quote!(Vec<#inner>)
        }
        ParamTypeIr::Struct { name, .. } => {
            let n = format_ident!("{}", name);
            quote!(#n)
        }
    }
}

/// A list is never `Option`: empty means absent.
pub(crate) fn is_list(p: &ParamIr) -> bool {
    matches!(p.ty, ParamTypeIr::List(_))
}

pub(crate) fn request(op: &OpIr) -> TokenStream {
    let structs = op.request_structs.iter().map(|s| {
        let doc = if s.doc.trim().is_empty() {
            format!("A value of `{}`.", s.name)
        } else {
            s.doc.clone()
        };
        plain_struct(&s.name, &doc, &s.members, "member")
    });
    let main = plain_struct(&op.request_name(), &op.doc, &op.params, "parameter");
    quote! {
        #main
        #(#structs)*
    }
}

/// A struct of parameters (`kind`: "parameter" or "member") with `new` for the required ones and a setter
/// per optional one.
fn plain_struct(name: &str, doc: &str, params: &[ParamIr], kind: &str) -> TokenStream {
    let name = format_ident!("{}", name);
    let doc = docs(doc);
    let fields = params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let ty = value_type(p);
        let wire = &p.wire;
        let mut text = format!("`{}`: {}", p.wire, p.doc);
        if let Some(e) = &p.example {
            text.push_str(&format!("\n\nExample: `{e}`."));
        }
        if is_list(p) && !p.required {
            text.push_str("\n\nEmpty: not sent.");
        }
        let doc = docs(&text);
        match (p.required, is_list(p)) {
            (true, _) => quote!(#doc #[serde(rename = #wire)] pub #f: #ty,),
            (false, true) => {
                quote!(#doc #[serde(rename = #wire, skip_serializing_if = "Vec::is_empty")] pub #f: #ty,)
            }
            (false, false) => {
                quote!(#doc #[serde(rename = #wire, skip_serializing_if = "Option::is_none")] pub #f: Option<#ty>,)
            }
        }
    });
    let required: Vec<_> = params.iter().filter(|p| p.required).collect();
    let new_args = required.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        let ty = argument_type(p);
        quote!(#f: #ty)
    });
    let new_fields = params.iter().map(|p| {
        let f = format_ident!("{}", p.field);
        match (p.required, &p.ty) {
            (true, ParamTypeIr::Scalar(ScalarIr::String)) => quote!(#f: #f.into(),),
            (true, ParamTypeIr::List(_)) => {
                let collect = collect_list(p, &f);
                quote!(#f: #collect,)
            }
            (true, _) => quote!(#f,),
            (false, ParamTypeIr::List(_)) => quote!(#f: Vec::new(),),
            (false, _) => quote!(#f: None,),
        }
    });
    let setters = params.iter().filter(|p| !p.required).map(|p| {
        let f = format_ident!("{}", p.field);
        let doc = docs(&format!("Sets `{}`.", p.wire));
        let ty = argument_type(p);
        let value = match &p.ty {
            ParamTypeIr::Scalar(ScalarIr::String) => quote!(Some(#f.into())),
            ParamTypeIr::List(_) => collect_list(p, &f),
            _ => quote!(Some(#f)),
        };
        quote! {
            #doc
            pub fn #f(mut self, #f: #ty) -> Self {
                self.#f = #value;
                self
            }
        }
    });
    let what = if kind == "parameter" {
        "request"
    } else {
        "value"
    };
    let new_doc = if required.is_empty() {
        format!("A {what} with no {kind}s set.")
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.wire)).collect();
        format!(" A {what} with the required {}.", names.join(", "))
    };
    let debug_fields: Vec<DebugField<'_>> = params
        .iter()
        .map(|p| DebugField {
            field: &p.field,
            holding: match (is_list(p), p.required) {
                (true, _) => Holding::List,
                (false, true) => Holding::Plain,
                (false, false) => Holding::Optional,
            },
            sensitive: p.sensitive,
        })
        .collect();
    // A struct holding a secret writes its `Debug` out, redacting the secret.
    let (debug_derive, debug_impl) = if has_secret(&debug_fields) {
        (quote!(), redacting_debug(&name.to_string(), &debug_fields))
    } else {
        (quote!(Debug,), quote!())
    };
    // A struct without required fields is also `Default` (clippy's `new_without_default`).
    let derives = if required.is_empty() {
        quote!(#[derive(#debug_derive Clone, PartialEq, Eq, Default, serde::Serialize)])
    } else {
        quote!(#[derive(#debug_derive Clone, PartialEq, Eq, serde::Serialize)])
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

        #debug_impl
    }
}

/// The `Vec` built from a list argument (strings converted, other elements taken as they are).
fn collect_list(p: &ParamIr, f: &proc_macro2::Ident) -> TokenStream {
    match &p.ty {
        ParamTypeIr::List(element)
            if matches!(element.ty, ParamTypeIr::Scalar(ScalarIr::String)) =>
        {
            quote!(#f.into_iter().map(Into::into).collect())
        }
        _ => quote!(#f.into_iter().collect()),
    }
}

/// What `new` and the setters take: text as `impl Into<String>`, lists as any iterable.
fn argument_type(p: &ParamIr) -> TokenStream {
    match &p.ty {
        ParamTypeIr::Scalar(ScalarIr::String) => quote!(impl Into<String>),
        ParamTypeIr::List(element) => match element.ty {
            ParamTypeIr::Scalar(ScalarIr::String) => {
                quote!(impl IntoIterator<Item = impl Into<String>>)
            }
            _ => {
                let ty = value_type(element);
                quote!(impl IntoIterator<Item = #ty>)
            }
        },
        _ => value_type(p),
    }
}
