//! The error enum of an operation.

use super::*;

pub(crate) fn error_enum(op: &OpIr) -> TokenStream {
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
