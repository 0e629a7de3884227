//! `Debug` of the structs that hold a secret: written out field by field, like a derived one, but with the
//! redaction marker in place of every sensitive value (smithy's `@sensitive`, as aws-sdk-rust prints it).
//! Structs without a secret keep `#[derive(Debug)]`.

use super::*;

/// How a field holds its value, which decides what its redacted form shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Holding {
    /// The value itself: printed as the marker.
    Plain,
    /// `Option<_>`: `None` stays visible, `Some(marker)` otherwise (whether a secret came is not a secret).
    Optional,
    /// `Vec<_>`: one marker per element (how many there are is not a secret).
    List,
}

/// One field as `Debug` prints it.
pub(crate) struct DebugField<'a> {
    /// The Rust field name.
    pub(crate) field: &'a str,
    /// How it holds its value.
    pub(crate) holding: Holding,
    /// Whether its value is a secret.
    pub(crate) sensitive: bool,
}

/// Whether a struct with these fields gets the written-out `Debug` of [`redacting_debug`].
pub(crate) fn has_secret(fields: &[DebugField<'_>]) -> bool {
    fields.iter().any(|f| f.sensitive)
}

/// `impl fmt::Debug for <name>` printing every field as `#[derive(Debug)]` would, secrets redacted.
pub(crate) fn redacting_debug(name: &str, fields: &[DebugField<'_>]) -> TokenStream {
    let ident = format_ident!("{}", name);
    let entries = fields.iter().map(|f| {
        let label = f.field;
        let field = format_ident!("{}", f.field);
        let value = match (f.sensitive, f.holding) {
            (false, _) => quote!(&self.#field),
            (true, Holding::Plain) => quote!(&crate::sensitive::REDACTED),
            (true, Holding::Optional) => {
                quote!(&self.#field.as_ref().map(|_| crate::sensitive::REDACTED))
            }
            (true, Holding::List) => quote! {
                &self.#field.iter().map(|_| crate::sensitive::REDACTED).collect::<Vec<_>>()
            },
        };
        quote!(.field(#label, #value))
    });
    quote! {
        impl ::std::fmt::Debug for #ident {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct(#name)
                    #(#entries)*
                    .finish()
            }
        }
    }
}
