//! Tencent Cloud API 3.0 operations before the runtime has a client for them: `--dry-run` shows the request
//! that would be sent (unsigned: signing needs the client), anything else is refused. Nothing is sent either
//! way.

use crate::failure::Failure;
use crate::settings::Settings;
use cloudvpn_types::{Operation, Visitor};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

type Invocation<'a> = Pin<Box<dyn Future<Output = Result<Option<Value>, Failure>> + 'a>>;

/// Visits the parsed request of an API 3.0 operation.
pub(crate) struct Preview<'a> {
    pub(crate) settings: &'a Settings,
    pub(crate) region: Option<String>,
}

impl<'a> Visitor for Preview<'a> {
    type Output = Invocation<'a>;

    fn visit<O: Operation>(self, request: O) -> Self::Output {
        Box::pin(async move {
            request
                .validate()
                .map_err(|e| Failure::usage(format!("{e} (nothing was sent)")))?;
            if !self.settings.dry_run {
                return Err(Failure::usage(format!(
                    "{}: this build has no client for Tencent Cloud API 3.0 yet; nothing was sent \
                     (--dry-run shows the request)",
                    crate::cli::kebab(O::META.action)
                )));
            }
            let body = serde_json::to_string(&request).map_err(|e| {
                Failure::usage(format!(
                    "{}: cannot encode the request: {e}",
                    O::META.action
                ))
            })?;
            let api = O::META.api;
            let url = match &self.settings.endpoint {
                Some(endpoint) => endpoint.clone(),
                None => format!(
                    "{}://{}{}",
                    api.endpoint.scheme,
                    api.endpoint
                        .host_for(self.region.as_deref().unwrap_or_default()),
                    api.endpoint.path
                ),
            };
            let mut text = format!(
                "POST {url}\nContent-Type: application/json\nX-TC-Action: {}\nX-TC-Version: {}\n",
                O::META.action,
                api.version
            );
            if let Some(region) = &self.region {
                text.push_str(&format!("X-TC-Region: {region}\n"));
            }
            text.push_str(&format!(
                "\n{body}\n(unsigned: this build has no Tencent Cloud API 3.0 client yet; nothing was sent)\n"
            ));
            crate::output::emit(text.as_bytes())?;
            Ok(None)
        })
    }
}
