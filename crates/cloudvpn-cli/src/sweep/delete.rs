//! Deleting one gateway the way the services require: its connections one at a time (Alibaba refuses
//! concurrent changes on one gateway), each awaited through the spec's completion recipe, then the gateway,
//! awaited until gone. A busy answer (the gateway still settling) waits for it to settle and tries again.
//! Every call goes through the limiter; every accepted deletion is journalled before anything else is
//! sent; what the journal says was accepted earlier is awaited, never sent again.

use super::decide::{SkipReason, is_permission_code};
use super::inventory::Gateway;
use super::journal_file::{Event, JournalFile, Known};
use super::limiter::Limiter;
use super::report::{GatewayResult, Outcome, Resource};
use super::target::Target;
use crate::failure::Failure;
use cloudvpn::{AlibabaClient, ApiClient, Error, WaitError, WaitOptions};
use cloudvpn_types::meta::Provider;
use cloudvpn_types::{Completable, OperationError};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// What one gateway's deletion needs.
pub struct Step<'a> {
    pub target: &'a Target,
    pub limiter: &'a Limiter,
    pub journal: &'a JournalFile,
    pub options: WaitOptions,
}

/// Why a gateway's deletion stopped.
enum Stop {
    /// The key may not delete it: a skip with the reason, not a failure.
    Permission(String),
    Failed(String),
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failed(f.message)
    }
}

/// A client that knows whether its gateway is ready for the next change.
pub trait Settle: ApiClient {
    /// Waits until `gateway` accepts another change (Alibaba: `active` again after a connection's
    /// deletion); at once for clouds that have no such state.
    fn settle(
        &self,
        step: &Step<'_>,
        gateway: &str,
    ) -> impl std::future::Future<Output = Result<(), Failure>> + Send;
}

impl Settle for AlibabaClient {
    async fn settle(&self, step: &Step<'_>, gateway: &str) -> Result<(), Failure> {
        use cloudvpn_types::alibaba_vpc::DescribeVpnGatewayRequest;
        crate::teardown::alibaba::settle_by(
            gateway,
            &step.options,
            || async {
                let request = DescribeVpnGatewayRequest::new(&step.target.region, gateway);
                match step.limiter.call(step.target, self, request).await {
                    Ok(out) => Ok(Some(out.status.unwrap_or_default())),
                    // Gone already: nothing to wait for (the deletion that follows says so too).
                    Err(Error::Service(e)) if e.is_not_found() => Ok(None),
                    Err(e) => Err(Failure::from_sdk(e)),
                }
            },
            |_| {},
        )
        .await
    }
}

impl Settle for cloudvpn::TencentApi3Client {
    async fn settle(&self, _step: &Step<'_>, _gateway: &str) -> Result<(), Failure> {
        Ok(())
    }
}

fn request_id(out: &impl serde::Serialize) -> Option<String> {
    match serde_json::to_value(out) {
        Ok(Value::Object(map)) => map
            .get("RequestId")
            .and_then(Value::as_str)
            .map(str::to_owned),
        _ => None,
    }
}

fn is_throttling_code(code: &str) -> bool {
    code.starts_with("Throttling") || code.starts_with("RequestLimitExceeded")
}

/// Waits through the spec's recipe; a throttled poll waits a moment and polls again.
async fn await_done<C: ApiClient, O: Completable>(
    step: &Step<'_>,
    client: &C,
    request: &O,
    out: &O::Output,
) -> Result<(), Failure> {
    loop {
        match client.wait(request, out, &step.options, |_| {}).await {
            Ok(_) => return Ok(()),
            Err(WaitError::Poll(Error::Service(e))) if e.is_throttling() => {}
            Err(WaitError::FallbackPoll { code: Some(c), .. }) if is_throttling_code(&c) => {}
            Err(e) => return Err(Failure::from_wait(e)),
        }
        step.limiter.note_throttled();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Deletes one resource with `request` and awaits it; what the journal knows decides first.
async fn delete_one<C: Settle, O: Completable>(
    step: &Step<'_>,
    client: &C,
    kind: &'static str,
    id: &str,
    gateway: &str,
    request: O,
) -> Result<Resource, Stop> {
    let started = Instant::now();
    let action = O::META.action;
    let mut resource = Resource::new(kind, id);
    match step.journal.known(step.target, id) {
        Some(Known::Done) => {
            resource.outcome = Outcome::AlreadyGone;
            resource.reason = Some("deleted in an earlier run (journal)".to_owned());
            return Ok(resource);
        }
        Some(Known::InFlight { request_id }) => {
            // Accepted in an earlier run: await it with the answer that run had, never send it again.
            let out: O::Output = serde_json::from_value(
                json!({"RequestId": request_id.clone().unwrap_or_default()}),
            )
            .map_err(|e| {
                Stop::Failed(format!(
                    "{action} {id}: the journal's answer cannot be read back: {e}"
                ))
            })?;
            await_done(step, client, &request, &out).await?;
            step.journal
                .append(Event::Done, step.target, kind, id, action, None)?;
            resource.outcome = Outcome::Deleted;
            resource.reason = Some("accepted in an earlier run (journal); awaited".to_owned());
            resource.request_ids.extend(request_id.clone());
            resource.duration_ms = started.elapsed().as_millis() as u64;
            return Ok(resource);
        }
        None => {}
    }
    let mut delay = step.options.min_delay;
    loop {
        match step
            .limiter
            .call(step.target, client, request.clone())
            .await
        {
            Ok(out) => {
                let rid = request_id(&out);
                step.journal.append(
                    Event::Accepted,
                    step.target,
                    kind,
                    id,
                    action,
                    rid.as_deref(),
                )?;
                resource.request_ids.extend(rid);
                await_done(step, client, &request, &out).await?;
                step.journal
                    .append(Event::Done, step.target, kind, id, action, None)?;
                resource.outcome = Outcome::Deleted;
                resource.duration_ms = started.elapsed().as_millis() as u64;
                return Ok(resource);
            }
            Err(Error::Service(e)) if e.is_not_found() => {
                resource.outcome = Outcome::AlreadyGone;
                resource
                    .request_ids
                    .extend(e.request_id().map(str::to_owned));
                resource.duration_ms = started.elapsed().as_millis() as u64;
                return Ok(resource);
            }
            Err(Error::Service(e)) if is_permission_code(e.code()) => {
                return Err(Stop::Permission(e.code().to_owned()));
            }
            // Busy (the gateway still settling from the last change, another task running): the spec
            // marks these retryable. As teardown does, wait for the gateway to settle and try again; the
            // settling is asked only then, so a sweep spends no call on a gateway that is ready.
            Err(Error::Service(e))
                if e.is_retryable() && started.elapsed() + delay < step.options.deadline =>
            {
                client.settle(step, gateway).await?;
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(step.options.max_delay);
            }
            Err(e) => {
                return Err(Stop::Failed(format!(
                    "{action} {id}: {}",
                    Failure::from_sdk(e).message
                )));
            }
        }
    }
}

/// Deletes `g` and its connections in the target; the result says what happened to each.
pub async fn gateway(step: &Step<'_>, g: &Gateway) -> GatewayResult {
    let started = Instant::now();
    let mut result = GatewayResult::new(step.target, g);
    let outcome = match step.target.cloud {
        Provider::Alibaba => alibaba(step, g, &mut result.resources).await,
        Provider::Tencent => tencent(step, g, &mut result.resources).await,
    };
    result.duration_ms = started.elapsed().as_millis() as u64;
    match outcome {
        Ok(()) => result.outcome = Outcome::Deleted,
        // Refused before anything was deleted: the key may not touch it, a skip with the reason.
        Err(Stop::Permission(code)) if result.resources.iter().all(|r| !removed(r)) => {
            result.outcome = Outcome::Skipped;
            result.skip = Some(SkipReason::PermissionLacking { code });
        }
        // Refused after its connections were deleted: the gateway is left half torn down, which is a
        // failure the exit code must tell, not a skip.
        Err(Stop::Permission(code)) => {
            let gone = result.resources.iter().filter(|r| removed(r)).count();
            result.outcome = Outcome::Failed;
            result.reason = Some(format!(
                "{gone} of its connection(s) deleted, then these credentials were refused the gateway's \
                 deletion ({code}); the gateway is left without them"
            ));
        }
        Err(Stop::Failed(message)) => {
            result.outcome = Outcome::Failed;
            result.reason = Some(message);
        }
    }
    result
}

/// Whether this sweep (or an earlier run of it) removed the resource.
fn removed(r: &Resource) -> bool {
    matches!(r.outcome, Outcome::Deleted | Outcome::AlreadyGone)
}

async fn alibaba(step: &Step<'_>, g: &Gateway, done: &mut Vec<Resource>) -> Result<(), Stop> {
    use cloudvpn_types::alibaba_vpc::{
        DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
    };
    let client = step.target.settings.alibaba_client()?;
    let region = &step.target.region;
    for c in &g.connections {
        let request = DeleteVpnConnectionRequest::new(region, c);
        done.push(delete_one(step, &client, "connection", c, &g.id, request).await?);
    }
    let gateway = if g.enhanced {
        let request = DeleteEnhancedVpnGatewayRequest::new(region, &g.id);
        delete_one(step, &client, "gateway", &g.id, &g.id, request).await?
    } else {
        let request = DeleteVpnGatewayRequest::new(region, &g.id);
        delete_one(step, &client, "gateway", &g.id, &g.id, request).await?
    };
    done.push(gateway);
    Ok(())
}

async fn tencent(step: &Step<'_>, g: &Gateway, done: &mut Vec<Resource>) -> Result<(), Stop> {
    use cloudvpn_types::tencent_vpc::{DeleteVpnConnectionRequest, DeleteVpnGatewayRequest};
    let client = step.target.settings.tencent_api3_client()?;
    for c in &g.connections {
        let request = DeleteVpnConnectionRequest::new(&g.id, c);
        done.push(delete_one(step, &client, "connection", c, &g.id, request).await?);
    }
    let request = DeleteVpnGatewayRequest::new(&g.id);
    done.push(delete_one(step, &client, "gateway", &g.id, &g.id, request).await?);
    Ok(())
}
