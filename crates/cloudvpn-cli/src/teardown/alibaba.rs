//! `cloudvpn teardown alibaba`: connections first (waiting for the gateway to settle between them),
//! then the standard or enhanced gateway.

use super::{PAGE_SIZE, human_duration, plan_report, step, stop, wait_options};
use crate::failure::{Failure, Kind};
use crate::invoke::wait_with_progress;
use crate::journal::Journal;
use crate::settings::Settings;
use cloudvpn::{AlibabaClient, ApiClient, Error, WaitOptions};
use cloudvpn_types::alibaba_vpc::DescribeVpnGatewayResponse;
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
    DescribeVpnConnectionsRequest, DescribeVpnGatewayRequest,
};
use cloudvpn_types::meta::Provider;
use cloudvpn_types::{Operation, OperationError};
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Tears down an Alibaba Cloud VPN gateway.
///
/// With `--dry-run` only the read-only Describe calls are sent, and the plan is printed instead.
pub async fn run(
    settings: &Settings,
    journal: &Journal,
    gateway_id: &str,
) -> Result<Value, Failure> {
    let client = settings.alibaba_client()?;
    let Some(region) = settings.region_for(Provider::Alibaba)? else {
        return Err(crate::region::missing(
            Provider::Alibaba,
            "teardown alibaba",
        ));
    };
    let options = wait_options(settings);

    let gateway = match client
        .send(DescribeVpnGatewayRequest::new(&region, gateway_id))
        .await
    {
        Ok(g) => g,
        Err(e) if e.is_not_found() => {
            step(&format!("{gateway_id} does not exist (already deleted)"));
            return Ok(
                json!({"VpnGatewayId": gateway_id, "DeletedConnections": [], "GatewayDeleted": false, "AlreadyGone": true}),
            );
        }
        Err(e) => return Err(Failure::from_sdk(e)),
    };
    let enhanced = gateway
        .gateway_type
        .as_deref()
        .is_some_and(|t| t.starts_with("Enhanced"));
    step(&format!(
        "{gateway_id}: {} gateway, {}, status {}",
        if enhanced { "enhanced" } else { "standard" },
        gateway
            .charge_type
            .as_deref()
            .unwrap_or("unknown charge type"),
        gateway.status.as_deref().unwrap_or("unknown")
    ));

    let connections = list_alibaba_connections(&client, &region, gateway_id).await?;
    step(&format!(
        "{} IPsec connection(s) to delete",
        connections.len()
    ));
    if settings.dry_run {
        return Ok(alibaba_plan(gateway_id, enhanced, &gateway, &connections));
    }
    let mut deleted = Vec::new();
    for id in &connections {
        settle(&client, &region, gateway_id, &options).await?;
        let request = DeleteVpnConnectionRequest::new(&region, id);
        let (out, accepted) = journal
            .track(
                DeleteVpnConnectionRequest::META.action,
                format!("VpnConnectionId={id}"),
                send_retrying_configuring(&client, &region, gateway_id, &options, request.clone()),
            )
            .await?;
        step(&format!("deleting connection {id}"));
        wait_with_progress(&client, &request, &out, &options, &accepted).await?;
        deleted.push(id.clone());
    }

    settle(&client, &region, gateway_id, &options).await?;
    step(&format!("deleting gateway {gateway_id}"));
    let resource = format!("VpnGatewayId={gateway_id}");
    if enhanced {
        let request = DeleteEnhancedVpnGatewayRequest::new(&region, gateway_id);
        let (out, accepted) = journal
            .track(
                DeleteEnhancedVpnGatewayRequest::META.action,
                resource,
                send_retrying_configuring(&client, &region, gateway_id, &options, request.clone()),
            )
            .await?;
        wait_with_progress(&client, &request, &out, &options, &accepted).await?;
    } else {
        let request = DeleteVpnGatewayRequest::new(&region, gateway_id);
        let (out, accepted) = journal
            .track(
                DeleteVpnGatewayRequest::META.action,
                resource,
                send_retrying_configuring(&client, &region, gateway_id, &options, request.clone()),
            )
            .await?;
        wait_with_progress(&client, &request, &out, &options, &accepted).await?;
    }
    step(&format!("{gateway_id} is gone"));
    Ok(json!({"VpnGatewayId": gateway_id, "DeletedConnections": deleted, "GatewayDeleted": true}))
}

/// What a teardown would do, in order, and what would stop it; printed by `--dry-run`.
fn alibaba_plan(
    gateway_id: &str,
    enhanced: bool,
    gateway: &DescribeVpnGatewayResponse,
    connections: &[String],
) -> Value {
    let delete_gateway = if enhanced {
        DeleteEnhancedVpnGatewayRequest::META.action
    } else {
        DeleteVpnGatewayRequest::META.action
    };
    let mut steps: Vec<String> = connections
        .iter()
        .map(|id| {
            format!(
                "{} {id}, then wait until it is gone",
                DeleteVpnConnectionRequest::META.action
            )
        })
        .collect();
    steps.push(format!(
        "{delete_gateway} {gateway_id}, then wait until it is gone"
    ));

    let mut blockers = Vec::new();
    let prepaid = gateway
        .charge_type
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("prepay"));
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    match gateway.end_time {
        Some(end) if prepaid && end > now_ms => blockers.push(format!(
            "the gateway is prepaid and its term runs for another {}: {delete_gateway} would answer ForbiddenRelease; it can be released when the term ends",
            human_duration(Duration::from_millis((end - now_ms) as u64))
        )),
        _ => {}
    }
    if gateway.ssl_vpn.as_deref() == Some("enable") {
        blockers.push(format!(
            "SSL-VPN is enabled: if an SSL-VPN server is configured, {delete_gateway} would answer DependencyViolation.SslVpnServer; delete the server first"
        ));
    }
    plan_report(&steps, &blockers);
    json!({
        "DryRun": true,
        "VpnGatewayId": gateway_id,
        "Plan": steps,
        "WouldStop": blockers,
        "DeletedConnections": [],
        "GatewayDeleted": false,
    })
}

/// Every connection on the gateway, page by page.
async fn list_alibaba_connections(
    client: &AlibabaClient,
    region: &str,
    gateway_id: &str,
) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    let mut page = 1;
    loop {
        let mut request = DescribeVpnConnectionsRequest::new(region)
            .vpn_gateway_id(gateway_id)
            .page_size(PAGE_SIZE);
        request.page_number = Some(page);
        let out = client.send(request).await.map_err(Failure::from_sdk)?;
        let items = out
            .vpn_connections
            .map(|c| c.vpn_connection)
            .unwrap_or_default();
        let count = items.len();
        ids.extend(items.into_iter().filter_map(|c| c.vpn_connection_id));
        if count == 0 || ids.len() as i64 >= out.total_count {
            return Ok(ids);
        }
        page += 1;
    }
}

/// Waits until the gateway is `active` again (it is `updating` while a connection is being deleted).
async fn settle(
    client: &AlibabaClient,
    region: &str,
    gateway_id: &str,
    options: &WaitOptions,
) -> Result<(), Failure> {
    settle_by(
        gateway_id,
        options,
        || async {
            let out = client
                .send(DescribeVpnGatewayRequest::new(region, gateway_id))
                .await
                .map_err(Failure::from_sdk)?;
            Ok(Some(out.status.unwrap_or_default()))
        },
        |status| {
            step(&format!(
                "{gateway_id} is {status}; waiting for it to settle"
            ))
        },
    )
    .await
}

/// The settling loop of [`settle`], shared with `sweep` (which reads the status through its rate limiter):
/// `status` reads the gateway's status once (`None`: the gateway is gone, nothing to wait for), `waiting`
/// hears each status that is not `active` yet; the delay doubles up to `max_delay`, within the deadline.
pub(crate) async fn settle_by<F, Fut>(
    gateway_id: &str,
    options: &WaitOptions,
    mut status: F,
    mut waiting: impl FnMut(&str),
) -> Result<(), Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, Failure>>,
{
    let started = Instant::now();
    let mut delay = options.min_delay;
    loop {
        let Some(status) = status().await? else {
            return Ok(());
        };
        if status == "active" {
            return Ok(());
        }
        if started.elapsed() + delay > options.deadline {
            return Err(Failure {
                kind: Kind::Timeout,
                message: format!(
                    "{gateway_id} is still `{status}` after {:.0} s",
                    started.elapsed().as_secs_f64()
                ),
            });
        }
        waiting(&status);
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(options.max_delay);
    }
}

/// Sends, and when the gateway is busy (`VpnGateway.Configuring`, `TaskConflict`) waits for it to settle
/// and tries again; other errors stop the teardown with the spec's explanation.
async fn send_retrying_configuring<O: Operation>(
    client: &AlibabaClient,
    region: &str,
    gateway_id: &str,
    options: &WaitOptions,
    request: O,
) -> Result<O::Output, Failure> {
    let started = Instant::now();
    loop {
        match client.send(request.clone()).await {
            Ok(out) => return Ok(out),
            Err(Error::Service(e)) if e.is_retryable() && started.elapsed() < options.deadline => {
                step(&format!(
                    "{} answered {}; waiting and retrying",
                    O::META.action,
                    e.code()
                ));
                settle(client, region, gateway_id, options).await?;
            }
            Err(Error::Service(e)) => return Err(stop(O::META.action, &e)),
            Err(other) => return Err(Failure::from_sdk(other)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both documented blockers read as one sentence each (they once carried a run of spaces left by a
    /// line break inside the string literal) and name the code the deletion would answer.
    #[test]
    fn the_plan_names_each_blocker_in_one_clean_sentence() {
        let gateway: DescribeVpnGatewayResponse = serde_json::from_value(json!({
            "RequestId": "r-1",
            "VpnGatewayId": "vpn-1",
            "ChargeType": "PrePay",
            "EndTime": 4_102_444_800_000_i64,
            "SslVpn": "enable",
        }))
        .expect("a DescribeVpnGateway answer");
        let plan = alibaba_plan("vpn-1", false, &gateway, &[]);
        let stops: Vec<&str> = plan["WouldStop"]
            .as_array()
            .expect("WouldStop is a list")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(stops.len(), 2, "{plan}");
        assert!(
            stops[0].contains("DeleteVpnGateway would answer ForbiddenRelease;"),
            "{stops:?}"
        );
        assert!(
            stops[1].contains("DeleteVpnGateway would answer DependencyViolation.SslVpnServer;"),
            "{stops:?}"
        );
        for stop in stops {
            assert!(!stop.contains("  "), "{stop:?}");
        }
    }
}
