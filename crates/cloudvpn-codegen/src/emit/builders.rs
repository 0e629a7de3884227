//! Response builders and error constructors, behind the types crate's `test-util` feature: what a mock
//! of the SDK or a server (the emulator) needs to make answers, which the `#[non_exhaustive]` response
//! structs and error enums otherwise forbid outside the crate.

use super::debug::{DebugField, Holding, has_secret, redacting_debug};
use super::response::field_type;
use super::*;

/// The builder of every response struct of an operation, and the constructors of its error enum.
pub(crate) fn builders(op: &OpIr) -> TokenStream {
    let structs = op.structs.iter().map(struct_builder);
    let errors = error_constructors(op);
    quote! {
        #(#structs)*
        #errors
    }
}

fn builder_name(s: &StructIr) -> proc_macro2::Ident {
    format_ident!("{}Builder", s.name)
}

/// The type a builder's setter takes for a field (`impl Into<String>` for strings, so that `&str` works).
fn setter_arg(ty: &TypeIr) -> TokenStream {
    match ty {
        TypeIr::Scalar(ScalarIr::String) => quote!(impl Into<String>),
        other => field_type(other),
    }
}

/// Setters move the builder (a struct of one `Option` per field, often a kilobyte) by value; they are
/// `#[inline(always)]` so that a chain of them compiles to stores into one builder rather than a copy of
/// it per call (measured: about 300 ns per 25-field answer otherwise).
fn struct_builder(s: &StructIr) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let builder = builder_name(s);
    let struct_doc = format!(" Builds a [`{}`] (`test-util`).", s.name);
    let builder_doc = format!(
        " A [`{0}`] under construction: set fields, then `build()`. Made by [`{0}::builder`].",
        s.name
    );
    let slots = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.field);
        let ty = field_type(&f.ty);
        match f.ty {
            TypeIr::List(_) => quote!(#field: #ty,),
            _ => quote!(#field: Option<#ty>,),
        }
    });
    let setters = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.field);
        let arg = setter_arg(&f.ty);
        let doc = format!(" Sets `{}`.", f.wire);
        let value = match f.ty {
            TypeIr::Scalar(ScalarIr::String) => quote!(value.into()),
            _ => quote!(value),
        };
        match f.ty {
            TypeIr::List(_) => quote! {
                #[doc = #doc]
                #[inline(always)]
                pub fn #field(mut self, value: #arg) -> Self {
                    self.#field = value;
                    self
                }
            },
            _ => quote! {
                #[doc = #doc]
                #[inline(always)]
                pub fn #field(mut self, value: #arg) -> Self {
                    self.#field = Some(#value);
                    self
                }
            },
        }
    });
    let optional_setters = s
        .fields
        .iter()
        .filter(|f| !f.required && !matches!(f.ty, TypeIr::List(_)))
        .map(|f| {
            let field = format_ident!("{}", f.field);
            let set = format_ident!("set_{}", f.field);
            let ty = field_type(&f.ty);
            let doc = format!(" Sets or clears `{}`.", f.wire);
            quote! {
                #[doc = #doc]
                #[inline]
                pub fn #set(mut self, value: Option<#ty>) -> Self {
                    self.#field = value;
                    self
                }
            }
        });
    let required: Vec<&FieldIr> = s
        .fields
        .iter()
        .filter(|f| f.required && !matches!(f.ty, TypeIr::List(_)))
        .collect();
    let shape = &s.name;
    let assign = s.fields.iter().map(|f| {
        let field = format_ident!("{}", f.field);
        let wire = &f.wire;
        if f.required && !matches!(f.ty, TypeIr::List(_)) {
            quote! {
                #field: self.#field.ok_or(crate::error::BuildError { shape: #shape, field: #wire })?,
            }
        } else {
            quote!(#field: self.#field,)
        }
    });
    let build = if required.is_empty() {
        let build_doc = format!(" The [`{}`] (it has no required field).", s.name);
        let assign_infallible = s.fields.iter().map(|f| {
            let field = format_ident!("{}", f.field);
            quote!(#field: self.#field,)
        });
        quote! {
            #[doc = #build_doc]
            #[inline]
            pub fn build(self) -> #name {
                #name { #(#assign_infallible)* }
            }
        }
    } else {
        let names: Vec<String> = required.iter().map(|f| format!("`{}`", f.wire)).collect();
        let build_doc = format!(
            " The [`{}`], or which required field ({}) was not set.",
            s.name,
            names.join(", ")
        );
        quote! {
            #[doc = #build_doc]
            #[inline]
            pub fn build(self) -> Result<#name, crate::error::BuildError> {
                Ok(#name { #(#assign)* })
            }
        }
    };
    let debug_fields: Vec<DebugField<'_>> = s
        .fields
        .iter()
        .map(|f| DebugField {
            field: &f.field,
            holding: match f.ty {
                TypeIr::List(_) => Holding::List,
                _ => Holding::Optional,
            },
            sensitive: f.sensitive,
        })
        .collect();
    // A builder holds the same secrets as the struct it builds, so it redacts them the same way.
    let (debug_derive, debug_impl) = if has_secret(&debug_fields) {
        let debug = redacting_debug(&builder.to_string(), &debug_fields);
        (quote!(), quote!(#[cfg(feature = "test-util")] #debug))
    } else {
        (quote!(Debug,), quote!())
    };
    quote! {
        #[cfg(feature = "test-util")]
        impl #name {
            #[doc = #struct_doc]
            #[inline]
            pub fn builder() -> #builder {
                #builder::default()
            }
        }

        #[doc = #builder_doc]
        #[cfg(feature = "test-util")]
        #[derive(#debug_derive Clone, Default, PartialEq, Eq)]
        pub struct #builder {
            #(#slots)*
        }

        #[cfg(feature = "test-util")]
        impl #builder {
            #(#setters)*
            #(#optional_setters)*
            #build
        }

        #debug_impl
    }
}

/// Methods every error enum already has: a constructor must not take their names.
const ERROR_METHODS: &[&str] = &[
    "code",
    "message",
    "request_id",
    "info",
    "info_mut",
    "into_info",
    "with_message",
    "is_retryable",
    "is_not_found",
    "is_throttling",
];

/// `forbidden_release` for the `ForbiddenRelease` variant (`_error` appended where that is a method name).
pub(crate) fn constructor_name(e: &ErrorIr) -> String {
    let name = cloudvpn_spec::snake_case(&e.variant);
    if ERROR_METHODS.contains(&name.as_str()) {
        format!("{name}_error")
    } else {
        name
    }
}

/// The message a documented error is answered with: its documented message, or, when the document gives
/// none, the last paragraph of its description (the Tencent documents' own wording).
fn documented_message(e: &ErrorIr) -> String {
    if e.message.is_empty() {
        e.description
            .rsplit("\n\n")
            .next()
            .unwrap_or_default()
            .to_owned()
    } else {
        e.message.clone()
    }
}

fn error_constructors(op: &OpIr) -> TokenStream {
    let name = format_ident!("{}", op.error_name());
    let constructors = op.variants.iter().map(|e| {
        let variant = format_ident!("{}", e.variant);
        let ctor = format_ident!("{}", constructor_name(e));
        let code = &e.code;
        let message = documented_message(e);
        let status = opt_num(e.statuses.first().copied(), Literal::u16_unsuffixed);
        let envelope = opt_num(e.envelope_code, Literal::i64_unsuffixed);
        let doc = format!(
            " `{code}` as documented: its code, message and (first) HTTP status, no request id (`test-util`)."
        );
        quote! {
            #[doc = #doc]
            pub fn #ctor() -> Self {
                Self::#variant(ErrorInfo {
                    code: #code.to_owned(),
                    message: #message.to_owned(),
                    http_status: #status,
                    envelope_code: #envelope,
                    ..ErrorInfo::default()
                })
            }
        }
    });
    let all_variants: Vec<_> = op
        .variants
        .iter()
        .map(|e| format_ident!("{}", e.variant))
        .collect();
    quote! {
        #[cfg(feature = "test-util")]
        impl #name {
            #(#constructors)*

            /// What the error carries, to change it (a message quoting the request, a request id).
            pub fn info_mut(&mut self) -> &mut ErrorInfo {
                match self {
                    #(Self::#all_variants(info))|* | Self::Unhandled(info) => info,
                }
            }

            /// What the error carries, taken out of it.
            pub fn into_info(self) -> ErrorInfo {
                match self {
                    #(Self::#all_variants(info))|* | Self::Unhandled(info) => info,
                }
            }

            /// The same error with another message.
            pub fn with_message(mut self, message: impl Into<String>) -> Self {
                self.info_mut().message = message.into();
                self
            }
        }
    }
}
