//! The request struct of an operation and its `Operation` impl.

use super::*;

pub(crate) fn request(op: &OpIr) -> TokenStream {
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

pub(crate) fn operation_impl(api: &ApiIr, op: &OpIr) -> TokenStream {
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
