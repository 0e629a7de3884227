//! The server side, generated into the emulator: per API a behaviour trait with one method per operation
//! (no default methods, so an operation without behaviour does not compile) and the dispatch from the
//! API's `Request` enum to it.

use super::*;

/// `AlibabaVpcBehaviour`.
pub fn behaviour_trait_name(api: &ApiIr) -> String {
    format!("{}Behaviour", api.type_name)
}

/// The emulator's `generated/<api>.rs`.
pub fn server_module(api: &ApiIr) -> TokenStream {
    let module = format_ident!("{}", api.module);
    let title = &api.title;
    let trait_name = format_ident!("{}", behaviour_trait_name(api));
    let module_doc = inner_docs(&format!(
        "What an emulator of the {title} does: [`{trait_name}`], one method per operation, and \
         [`serve`], which runs a parsed request on it.\n\nGenerated from `{}`.",
        api.spec_file
    ));
    let methods = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.module);
        let (req, resp, err) = (
            format_ident!("{}", op.request_name()),
            format_ident!("{}", op.response_name()),
            format_ident!("{}", op.error_name()),
        );
        let doc = docs(&format!("`{}`: {}", op.action, op.summary));
        quote! {
            #doc
            fn #method(&mut self, request: api::#req) -> Result<api::#resp, api::#err>;
        }
    });
    let arms = api.operations.iter().map(|op| {
        let method = format_ident!("{}", op.module);
        let variant = format_ident!("{}", op.action);
        quote! {
            Request::#variant(r) => behaviour
                .#method(r)
                .map(|response| crate::answer::json(&response))
                .map_err(|e| e.into_info()),
        }
    });
    let trait_doc = docs(&format!(
        "The behaviour of every operation of the {title}: the typed request in, the typed response or \
         the operation's typed error out. Rendering them on the wire is the protocol front end's job."
    ));
    quote! {
        #module_doc
        use cloudvpn_types::#module::{self as api, Request};
        use cloudvpn_types::ErrorInfo;

        #trait_doc
        pub(crate) trait #trait_name {
            #(#methods)*
        }

        /// Runs `request` on `behaviour`: the JSON body of the typed response, or the error it answered.
        /// `None` for an operation this code was not generated with (the `Request` enum is non-exhaustive).
        pub(crate) fn serve<B: #trait_name + ?Sized>(
            behaviour: &mut B,
            request: Request,
        ) -> Option<Result<Vec<u8>, ErrorInfo>> {
            Some(match request {
                #(#arms)*
                _ => return None,
            })
        }
    }
}

/// The emulator's `generated/mod.rs`.
pub fn server_root_module(apis: &[ApiIr]) -> TokenStream {
    let mods = apis.iter().map(|a| format_ident!("{}", a.module));
    // One check per API that the hand-written behaviour exists: `crate::behaviour::implemented::<Type>`
    // names the type implementing the API's trait. A spec folder without it is a compile error (a missing
    // name or a missing impl), not a warning, and the error names what to write.
    let checks = apis.iter().map(|a| {
        let (module, ty) = (
            format_ident!("{}", a.module),
            format_ident!("{}", a.type_name),
        );
        let trait_name = format_ident!("{}", behaviour_trait_name(a));
        quote! {
            fn #module<B: #module::#trait_name>() {}
            let _ = #module::<crate::behaviour::implemented::#ty<'static>>;
        }
    });
    quote! {
        #![doc = " The generated server side: a behaviour trait per API (see each module)."]
        #(pub(crate) mod #mods;)*

        /// Every API of the specs has its behaviour: this does not compile until
        /// `crate::behaviour::implemented` names, for each API, the type implementing its behaviour trait.
        const _: () = {
            #(#checks)*
        };
    }
}
