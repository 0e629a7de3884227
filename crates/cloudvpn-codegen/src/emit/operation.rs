//! The `Operation` impl of a request: validation, both wire forms' readers and writers, the token.

use super::request::is_list;
use super::*;

pub(crate) fn operation_impl(api: &ApiIr, op: &OpIr) -> TokenStream {
    let api_type = format_ident!("{}", api.type_name);
    let name = format_ident!("{}", op.request_name());
    let output = format_ident!("{}", op.response_name());
    let error = format_ident!("{}", op.error_name());
    let first = Literal::usize_unsuffixed(api.first_list_index);
    let checks = op.params.iter().enumerate().filter_map(|(i, p)| {
        let f = format_ident!("{}", p.field);
        let i = Literal::usize_unsuffixed(i);
        let (value, deref) = if p.required {
            (quote!(&self.#f), quote!(self.#f))
        } else {
            (quote!(v), quote!(*v))
        };
        let check = match p.ty {
            ParamTypeIr::Scalar(ScalarIr::String) if p.required || !p.constraints.is_empty() => {
                quote!(params::check_string(&META, &META.params[#i], #value)?;)
            }
            ParamTypeIr::Scalar(ScalarIr::Integer)
                if p.constraints.minimum.is_some() || p.constraints.maximum.is_some() =>
            {
                quote!(params::check_integer(&META, &META.params[#i], #deref)?;)
            }
            ParamTypeIr::Scalar(_) => return None,
            // Lists and objects check their size and every value inside them.
            ParamTypeIr::List(_) => {
                return Some(quote! {
                    params::WireValue::check(&self.#f, &META, &META.params[#i], META.params[#i].name, #first)?;
                });
            }
            ParamTypeIr::Struct { .. } => quote! {
                params::WireValue::check(#value, &META, &META.params[#i], META.params[#i].name, #first)?;
            },
        };
        Some(if p.required {
            check
        } else {
            quote!(if let Some(v) = &self.#f { #check })
        })
    });
    let to_params_body = to_params_body(op, &first);
    let from_params = op.params.iter().enumerate().map(|(i, p)| {
        let f = format_ident!("{}", p.field);
        let i = Literal::usize_unsuffixed(i);
        let read = match (&p.ty, p.required) {
            (ParamTypeIr::Scalar(ScalarIr::String), true) => {
                quote!(params::required_string(&META, &META.params[#i], params)?)
            }
            (ParamTypeIr::Scalar(ScalarIr::String), false) => {
                quote!(params::optional_string(params, &META.params[#i]))
            }
            (ParamTypeIr::Scalar(ScalarIr::Integer), true) => {
                quote!(params::required_integer(&META, &META.params[#i], params)?)
            }
            (ParamTypeIr::Scalar(ScalarIr::Integer), false) => {
                quote!(params::optional_integer(&META, &META.params[#i], params)?)
            }
            (ParamTypeIr::Scalar(ScalarIr::Boolean), true) => {
                quote!(params::required_boolean(&META, &META.params[#i], params)?)
            }
            (ParamTypeIr::Scalar(ScalarIr::Boolean), false) => {
                quote!(params::optional_boolean(&META, &META.params[#i], params)?)
            }
            (_, true) => {
                quote!(params::required(&META, &META.params[#i], META.params[#i].name, params, #first)?)
            }
            (ParamTypeIr::List(_), false) => {
                quote!(params::list(&META, &META.params[#i], META.params[#i].name, params, #first)?)
            }
            (_, false) => {
                quote!(params::optional(&META, &META.params[#i], META.params[#i].name, params, #first)?)
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

            fn to_params(&self) -> params::WireParams {
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

/// Scalars as one pair each (the wire name borrowed, no allocation), lists and objects flattened.
fn to_params_body(op: &OpIr, first: &Literal) -> TokenStream {
    let capacity = Literal::usize_unsuffixed(op.params.len());
    let pair = |p: &ParamIr, source: TokenStream| {
        let wire = &p.wire;
        match p.ty {
            ParamTypeIr::Scalar(ScalarIr::String) => quote!((#wire.into(), #source.clone())),
            _ => quote!((#wire.into(), #source.to_string())),
        }
    };
    let fixed = |p: &&ParamIr| p.required && p.scalar().is_some();
    let required_pairs: Vec<TokenStream> = op
        .params
        .iter()
        .filter(fixed)
        .map(|p| {
            let f = format_ident!("{}", p.field);
            pair(p, quote!(self.#f))
        })
        .collect();
    let pushes: Vec<TokenStream> = op
        .params
        .iter()
        .filter(|p| !fixed(p))
        .map(|p| {
            let f = format_ident!("{}", p.field);
            let wire = &p.wire;
            match (p.scalar(), p.required || is_list(p)) {
                (Some(_), _) => {
                    let pair = pair(p, quote!(v));
                    quote!(if let Some(v) = &self.#f { out.push(#pair); })
                }
                (None, true) => quote!(params::flatten(&self.#f, #wire, #first, &mut out);),
                (None, false) => quote! {
                    if let Some(v) = &self.#f { params::flatten(v, #wire, #first, &mut out); }
                },
            }
        })
        .collect();
    if pushes.is_empty() {
        quote!(vec![#(#required_pairs),*])
    } else if required_pairs.is_empty() {
        quote! {
            let mut out: params::WireParams = Vec::with_capacity(#capacity);
            #(#pushes)*
            out
        }
    } else {
        quote! {
            let mut out: params::WireParams = Vec::with_capacity(#capacity);
            out.extend([#(#required_pairs),*]);
            #(#pushes)*
            out
        }
    }
}
