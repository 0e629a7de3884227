//! `WireValue` for the structs of object parameters: how `FilterObject` flattens to `Filters.0.Name`, reads
//! back and checks its members. `meta` is the object's own `ParamMeta`; its `fields` are the members in spec
//! order.

use super::request::is_list;
use super::*;

pub(crate) fn wire_value_impls(op: &OpIr) -> TokenStream {
    let impls = op.request_structs.iter().map(wire_value_impl);
    quote!(#(#impls)*)
}

fn wire_value_impl(s: &RequestStructIr) -> TokenStream {
    let name = format_ident!("{}", s.name);
    let flatten = s.members.iter().map(|m| {
        let f = format_ident!("{}", m.field);
        let wire = &m.wire;
        if m.required || is_list(m) {
            quote!(params::WireValue::flatten(&self.#f, params::member(&name, #wire), first, out);)
        } else {
            quote!(if let Some(v) = &self.#f { params::WireValue::flatten(v, params::member(&name, #wire), first, out); })
        }
    });
    let read = s.members.iter().enumerate().map(|(i, m)| {
        let f = format_ident!("{}", m.field);
        let wire = &m.wire;
        let i = Literal::usize_unsuffixed(i);
        let how = match (m.required, is_list(m)) {
            (true, _) => quote!(params::required),
            (false, true) => quote!(params::list),
            (false, false) => quote!(params::optional),
        };
        quote!(#f: #how(op, &meta.fields[#i], &params::member(name, #wire), params, first)?,)
    });
    let check = s.members.iter().enumerate().map(|(i, m)| {
        let f = format_ident!("{}", m.field);
        let wire = &m.wire;
        let i = Literal::usize_unsuffixed(i);
        if m.required || is_list(m) {
            quote!(params::WireValue::check(&self.#f, op, &meta.fields[#i], &params::member(name, #wire), first)?;)
        } else {
            quote!(if let Some(v) = &self.#f { params::WireValue::check(v, op, &meta.fields[#i], &params::member(name, #wire), first)?; })
        }
    });
    quote! {
        impl params::WireValue for #name {
            fn flatten(&self, name: params::ParamName, first: usize, out: &mut params::WireParams) {
                #(#flatten)*
            }

            fn read(
                op: &OperationMeta,
                meta: &'static ParamMeta,
                name: &str,
                params: &Params,
                first: usize,
            ) -> Result<Option<Self>, ValidationError> {
                if !params::has_members(op, name, params)? {
                    return Ok(None);
                }
                Ok(Some(Self { #(#read)* }))
            }

            fn check(
                &self,
                op: &OperationMeta,
                meta: &ParamMeta,
                name: &str,
                first: usize,
            ) -> Result<(), ValidationError> {
                #(#check)*
                Ok(())
            }
        }
    }
}
