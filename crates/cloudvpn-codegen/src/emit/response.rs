//! Response structs.

use super::debug::{DebugField, Holding, has_secret, redacting_debug};
use super::*;

pub(crate) fn field_type(ty: &TypeIr) -> TokenStream {
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

pub(crate) fn response_struct(s: &StructIr) -> TokenStream {
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
                #[serde(rename = #wire, default, deserialize_with = "crate::de::list", skip_serializing_if = "crate::ser::skip_empty_list")]
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
    let debug_fields: Vec<DebugField<'_>> = s
        .fields
        .iter()
        .map(|f| DebugField {
            field: &f.field,
            holding: match (&f.ty, f.required) {
                (TypeIr::List(_), _) => Holding::List,
                (_, true) => Holding::Plain,
                (_, false) => Holding::Optional,
            },
            sensitive: f.sensitive,
        })
        .collect();
    // A struct holding a secret writes its `Debug` out, redacting the secret.
    let (debug_derive, debug_impl) = if has_secret(&debug_fields) {
        (quote!(), redacting_debug(&s.name, &debug_fields))
    } else {
        (quote!(Debug,), quote!())
    };
    quote! {
        #doc
        #[derive(#debug_derive Clone, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}
