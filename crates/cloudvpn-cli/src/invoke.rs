//! Running one operation from its flags: build the parameters, parse them with the generated types, send
//! with the runtime client, wait if asked, print the result.

use crate::cli::{self, is_common};
use crate::failure::{Failure, Kind};
use crate::journal::{Accepted, Journal};
use crate::paginate;
use crate::progress::Progress;
use crate::settings::Settings;
use clap::ArgMatches;
use cloudvpn::{ApiClient, WaitOptions};
use cloudvpn_types::meta::{OperationMeta, ParamKind, ParamMeta, Protocol};
use cloudvpn_types::{Api, ApiRequest, ApiVisitor, Completable, Operation, Params, Visitor};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// Waits for completion with a progress display, and maps the outcome to the CLI's failures; a timeout or
/// failure names what was accepted (`accepted`), since it may still be under way.
pub async fn wait_with_progress<C: ApiClient, O: Completable>(
    client: &C,
    request: &O,
    output: &O::Output,
    options: &WaitOptions,
    accepted: &Accepted,
) -> Result<cloudvpn::Completed, Failure> {
    let mut progress = Progress::new(O::META.action);
    let result = client
        .wait(request, output, options, |p| progress.update(p))
        .await;
    progress.finish(result.as_ref().ok());
    result.map_err(|e| {
        let mut f = Failure::from_wait(e);
        if f.kind == Kind::Timeout {
            f.message = format!(
                "{}\n  {} was accepted and may still be running; check again later",
                f.message,
                accepted.describe()
            );
        }
        f
    })
}

/// The identifying parameters of a request, as `Name=value` (the region and token left out).
pub fn resource_of(op: &OperationMeta, params: &Params) -> String {
    let ids: Vec<String> = op
        .params
        .iter()
        .filter(|p| p.required && !is_common(op, p))
        .filter_map(|p| params.get(p.name).map(|v| format!("{}={v}", p.name)))
        .collect();
    ids.join(" ")
}

/// Runs `op` with the flags in `m`; returns what to print on stdout.
pub async fn run(
    settings: &Settings,
    journal: &Journal,
    op: &'static OperationMeta,
    m: &ArgMatches,
) -> Result<Option<Value>, Failure> {
    let params = params_from_flags(settings, op, m)?;
    if settings.wait && op.completion.is_none() {
        return Err(Failure::usage(format!(
            "{} completes immediately; there is nothing to --wait for",
            cli::kebab(op.action)
        )));
    }
    match op.pagination {
        Some(pages) if !settings.no_paginate && !settings.dry_run => {
            paginate::every_page(settings.max_items, op, pages, params, |params| {
                send_once(settings, journal, op, params)
            })
            .await
        }
        _ => send_once(settings, journal, op, params).await,
    }
}

/// The wire parameters the flags give, with the region and token from the common flags.
fn params_from_flags(
    settings: &Settings,
    op: &'static OperationMeta,
    m: &ArgMatches,
) -> Result<Params, Failure> {
    let provider = op.api.provider;
    let mut params = Params::new();
    for p in op.params.iter().filter(|p| !is_common(op, p)) {
        if let Some(raw) = m.get_raw(p.name) {
            let values: Vec<String> = raw.map(|v| v.to_string_lossy().into_owned()).collect();
            structured_flag(op, p, values, &mut params)?;
        }
    }
    if let Some(region) = op.region_param() {
        match settings.region_for(provider)? {
            Some(r) => params.insert(region.name, r),
            None => return Err(crate::region::missing(provider, &cli::kebab(op.action))),
        }
    } else if matches!(op.api.protocol, Protocol::TencentV2 | Protocol::TencentApi3)
        && settings.region_for(provider)?.is_none()
    {
        // Tencent takes the region as a common parameter rather than an operation's own.
        return Err(crate::region::missing(provider, &cli::kebab(op.action)));
    }
    if let (Some(token), Some(value)) = (op.idempotency_token, &settings.client_token) {
        params.insert(token, value.clone());
    } else if settings.client_token.is_some() {
        return Err(Failure::usage(format!(
            "{} takes no idempotency token; drop --client-token",
            cli::kebab(op.action)
        )));
    }
    Ok(params)
}

/// Adds one flag's values: a scalar as it is, a list as its elements (`--VpnGatewayIds a b`) or one JSON
/// array, an object or a list of objects as JSON (`--Filters '[{"Name": "vpc-id", "Values": ["vpc-1"]}]'`).
fn structured_flag(
    op: &OperationMeta,
    p: &ParamMeta,
    values: Vec<String>,
    params: &mut Params,
) -> Result<(), Failure> {
    let first = op.api.protocol.first_list_index();
    let scalar_elements = p.items.is_some_and(|e| e.kind.is_scalar());
    match p.kind {
        kind if kind.is_scalar() => {
            if let Some(v) = values.into_iter().next() {
                params.insert(p.name, v);
            }
        }
        ParamKind::List
            if scalar_elements && !values.first().is_some_and(|v| v.starts_with('[')) =>
        {
            for (i, v) in values.into_iter().enumerate() {
                params.insert(format!("{}.{}", p.name, first + i), v);
            }
        }
        _ => {
            let text = values.join(" ");
            let json: Value = serde_json::from_str(&text).map_err(|e| {
                Failure::usage(format!(
                    "--{}: not valid JSON ({e}); write e.g. '[{{\"Name\": \"vpc-id\", \"Values\": [\"vpc-1\"]}}]'",
                    cli::flag_name(p)
                ))
            })?;
            params.insert_json(p.name, &json, first);
        }
    }
    Ok(())
}

/// One request built from `params`, sent (or printed, with `--dry-run`), awaited with `--wait`.
pub async fn send_once(
    settings: &Settings,
    journal: &Journal,
    op: &'static OperationMeta,
    params: Params,
) -> Result<Option<Value>, Failure> {
    let resource = resource_of(op, &params);
    let send = SendOnce {
        settings,
        journal,
        op,
        params,
        resource,
    };
    // The registry leads from the operation's metadata to its API's types; no list of APIs here.
    cloudvpn_types::visit_api(op.api, send)
        .ok_or_else(|| unknown_operation(op))?
        .await
}

fn unknown_operation(op: &OperationMeta) -> Failure {
    Failure::usage(format!("unknown operation {}", op.action))
}

/// Parses the request with its API's types, then sends it with the client of the API's protocol.
struct SendOnce<'a> {
    settings: &'a Settings,
    journal: &'a Journal,
    op: &'static OperationMeta,
    params: Params,
    resource: String,
}

impl<'a> ApiVisitor for SendOnce<'a> {
    type Output = Invocation<'a>;

    fn visit<A: Api>(self) -> Self::Output {
        Box::pin(async move {
            let SendOnce {
                settings,
                journal,
                op,
                params,
                resource,
            } = self;
            let request = A::from_params(op.action, &params)
                .ok_or_else(|| unknown_operation(op))?
                .map_err(|e| Failure::usage(with_flag_names(op, e.to_string())))?;
            // One client per protocol: they differ in what they are configured with (signature version,
            // signature method, where the region goes).
            match A::META.protocol {
                Protocol::AlibabaRpc => {
                    let client = settings.alibaba_client()?;
                    request
                        .dispatch(Invoke::new(settings, journal, resource, &client))
                        .await
                }
                Protocol::TencentV2 => {
                    let client = settings.tencent_client()?;
                    request
                        .dispatch(Invoke::new(settings, journal, resource, &client))
                        .await
                }
                Protocol::TencentApi3 => {
                    let client = settings.tencent_api3_client()?;
                    request
                        .dispatch(Invoke::new(settings, journal, resource, &client))
                        .await
                }
            }
        })
    }
}

/// Bounds a send by what is left of `--timeout`.
async fn within_timeout<T>(
    settings: &Settings,
    future: impl Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    match (settings.timeout, settings.time_left()) {
        (Some(t), Some(left)) => tokio::time::timeout(left, future)
            .await
            .unwrap_or_else(|_| {
                Err(Failure {
                    kind: Kind::Timeout,
                    message: format!("gave up after --timeout {} s", t.as_secs()),
                })
            }),
        _ => future.await,
    }
}

/// Mentions the flag beside the wire name in a validation message.
fn with_flag_names(op: &OperationMeta, message: String) -> String {
    let mut out = message;
    for p in op.params {
        let flag = if p.region {
            "--region".to_owned()
        } else if op.idempotency_token == Some(p.name) {
            "--client-token".to_owned()
        } else {
            format!("--{}", cli::flag_name(p))
        };
        let needle = format!(": {} ", p.name);
        if out.contains(&needle) {
            out = out.replacen(&needle, &format!(": {} ({flag}) ", p.name), 1);
            break;
        }
    }
    out
}

/// The documented constraints, checked here too so that the message can name the flag.
fn check<O: Operation>(request: &O) -> Result<(), Failure> {
    request.validate().map_err(|e| {
        Failure::usage(format!(
            "{} (nothing was sent)",
            with_flag_names(O::META, e.to_string())
        ))
    })
}

type Invocation<'a> = Pin<Box<dyn Future<Output = Result<Option<Value>, Failure>> + 'a>>;

/// Sends whichever request the generated dispatch hands it.
struct Invoke<'a, C> {
    settings: &'a Settings,
    journal: &'a Journal,
    resource: String,
    client: &'a C,
}

impl<'a, C: ApiClient> Invoke<'a, C> {
    fn new(settings: &'a Settings, journal: &'a Journal, resource: String, client: &'a C) -> Self {
        Invoke {
            settings,
            journal,
            resource,
            client,
        }
    }

    /// `--dry-run`: the request, nothing sent and no connection opened. Signed (secrets masked) with keys in
    /// hand; unsigned, saying so, when its credentials would come from STS or a metadata service.
    async fn dry_run<O: Operation>(&self, request: O) -> Result<Option<Value>, Failure> {
        let dry = self.client.dry_run(request).map_err(Failure::from_sdk)?;
        crate::output::emit(dry.request.redacted().as_bytes())?;
        if let Some(from) = &dry.unsigned_because {
            eprintln!(
                "note: this request is unsigned because its credentials would come from {from}, \
                 which a dry run does not call"
            );
        }
        Ok(None)
    }

    async fn send<O: Operation>(&self, request: O) -> Result<(O::Output, Value), Failure> {
        let send = within_timeout(self.settings, async {
            self.client.send(request).await.map_err(Failure::from_sdk)
        });
        let out = if O::META.read_only {
            send.await?
        } else {
            self.journal
                .track(O::META.action, self.resource.clone(), send)
                .await?
                .0
        };
        let value = serde_json::to_value(&out).unwrap_or(Value::Null);
        Ok((out, value))
    }
}

impl<'a, C: ApiClient> Visitor for Invoke<'a, C> {
    type Output = Invocation<'a>;

    fn visit<O: Operation>(self, request: O) -> Self::Output {
        Box::pin(async move {
            check(&request)?;
            if self.settings.dry_run {
                return self.dry_run(request).await;
            }
            let (_, value) = self.send(request).await?;
            Ok(Some(value))
        })
    }

    fn visit_completable<O: Completable>(self, request: O) -> Self::Output {
        Box::pin(async move {
            check(&request)?;
            if self.settings.dry_run {
                return self.dry_run(request).await;
            }
            // The poll request is built from the request's identifiers, so the original is kept for it.
            let (out, value) = self.send(request.clone()).await?;
            if self.settings.wait {
                let accepted = Accepted::new(O::META.action, self.resource.clone(), &value);
                wait_with_progress(
                    self.client,
                    &request,
                    &out,
                    &self.settings.wait_options(),
                    &accepted,
                )
                .await?;
            }
            Ok(Some(value))
        })
    }
}
