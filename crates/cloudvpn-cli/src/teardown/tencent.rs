//! `cloudvpn teardown tencent` (Tencent Cloud API 3.0): every connection of a gateway, each deletion's task
//! awaited, then the gateway itself, awaited until it is gone.

use super::{human_duration, plan_report, step, stop, wait_options};
use crate::failure::Failure;
use crate::invoke::wait_with_progress;
use crate::journal::Journal;
use crate::settings::Settings;
use cloudvpn::{ApiClient, Error, WaitOptions};
use cloudvpn_types::meta::Provider;
use cloudvpn_types::tencent_vpc::describe_vpn_connections::Filter;
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::VpnGateway;
use cloudvpn_types::tencent_vpc::{
    DeleteVpnConnectionRequest, DeleteVpnGatewayRequest, DescribeVpnConnectionsRequest,
    DescribeVpnGatewaysRequest,
};
use cloudvpn_types::{Operation, OperationError};
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Connections listed per page (DescribeVpnConnections' documented maximum `Limit`).
const PAGE_SIZE: i64 = 100;

/// Tears down a Tencent Cloud VPN gateway over API 3.0.
///
/// With `--dry-run` only the read-only Describe calls are sent, and the plan is printed instead.
pub async fn run(
    settings: &Settings,
    journal: &Journal,
    gateway_id: &str,
) -> Result<Value, Failure> {
    if settings.region_for(Provider::Tencent)?.is_none() {
        return Err(crate::region::missing(
            Provider::Tencent,
            "teardown tencent",
        ));
    }
    let client = settings.tencent_api3_client()?;
    let options = wait_options(settings);

    let Some(gateway) = describe_gateway(&client, gateway_id).await? else {
        step(&format!("{gateway_id} does not exist (already deleted)"));
        return Ok(json!({
            "VpnGatewayId": gateway_id, "DeletedConnections": [], "GatewayDeleted": false,
            "AlreadyGone": true,
        }));
    };
    step(&format!(
        "{gateway_id}: {} gateway, {}, state {}",
        gateway.gateway_type.as_deref().unwrap_or("unknown type"),
        gateway
            .instance_charge_type
            .as_deref()
            .unwrap_or("unknown charge type"),
        gateway.state.as_deref().unwrap_or("unknown")
    ));
    let connections = list_connections(&client, gateway_id).await?;
    step(&format!(
        "{} VPN connection(s) to delete",
        connections.len()
    ));
    if settings.dry_run {
        return Ok(plan(gateway_id, &gateway, &connections));
    }

    let mut deleted = Vec::new();
    for id in &connections {
        step(&format!("deleting connection {id}"));
        let request = DeleteVpnConnectionRequest::new(gateway_id, id);
        let (out, accepted) = journal
            .track(
                DeleteVpnConnectionRequest::META.action,
                format!("VpnConnectionId={id}"),
                send_retrying_busy(&client, &options, request.clone()),
            )
            .await?;
        wait_with_progress(&client, &request, &out, &options, &accepted).await?;
        deleted.push(id.clone());
    }

    step(&format!("deleting gateway {gateway_id}"));
    let request = DeleteVpnGatewayRequest::new(gateway_id);
    let (out, accepted) = journal
        .track(
            DeleteVpnGatewayRequest::META.action,
            format!("VpnGatewayId={gateway_id}"),
            send_retrying_busy(&client, &options, request.clone()),
        )
        .await?;
    wait_with_progress(&client, &request, &out, &options, &accepted).await?;
    step(&format!("{gateway_id} is gone"));
    Ok(json!({"VpnGatewayId": gateway_id, "DeletedConnections": deleted, "GatewayDeleted": true}))
}

/// The gateway, or `None` when the service says it does not exist.
async fn describe_gateway<C: ApiClient>(
    client: &C,
    gateway_id: &str,
) -> Result<Option<VpnGateway>, Failure> {
    let request = DescribeVpnGatewaysRequest::new().vpn_gateway_ids([gateway_id.to_owned()]);
    match client.send(request).await {
        Ok(out) => Ok(out
            .vpn_gateway_set
            .into_iter()
            .find(|g| g.vpn_gateway_id.as_deref() == Some(gateway_id))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(Failure::from_sdk(e)),
    }
}

/// Every connection on the gateway, page by page (the documented `vpn-gateway-id` filter).
async fn list_connections<C: ApiClient>(
    client: &C,
    gateway_id: &str,
) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let request = DescribeVpnConnectionsRequest::new()
            .filters([Filter::new("vpn-gateway-id", [gateway_id.to_owned()])])
            .offset(offset)
            .limit(PAGE_SIZE);
        let out = client.send(request).await.map_err(Failure::from_sdk)?;
        let count = out.vpn_connection_set.len();
        ids.extend(
            out.vpn_connection_set
                .into_iter()
                .filter_map(|c| c.vpn_connection_id),
        );
        offset += count as i64;
        if count == 0 || out.total_count.is_none_or(|total| offset >= total) {
            return Ok(ids);
        }
    }
}

/// Sends, and while the service answers that the gateway is busy (an error the spec marks retryable:
/// another task still running, a state that has not settled) waits and tries again until the deadline;
/// other errors stop the teardown with the spec's explanation.
async fn send_retrying_busy<C: ApiClient, O: Operation>(
    client: &C,
    options: &WaitOptions,
    request: O,
) -> Result<O::Output, Failure> {
    let started = Instant::now();
    let mut delay = options.min_delay;
    loop {
        match client.send(request.clone()).await {
            Ok(out) => return Ok(out),
            Err(Error::Service(e))
                if e.is_retryable() && started.elapsed() + delay < options.deadline =>
            {
                step(&format!(
                    "{} answered {}; waiting and retrying",
                    O::META.action,
                    e.code()
                ));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(options.max_delay);
            }
            Err(Error::Service(e)) => return Err(stop(O::META.action, &e)),
            Err(other) => return Err(Failure::from_sdk(other)),
        }
    }
}

/// What the teardown would do, in order, and what would stop it; printed by `--dry-run`.
fn plan(gateway_id: &str, gateway: &VpnGateway, connections: &[String]) -> Value {
    let mut steps: Vec<String> = connections
        .iter()
        .map(|id| {
            format!(
                "{} {id}, then wait for its task",
                DeleteVpnConnectionRequest::META.action
            )
        })
        .collect();
    let delete = DeleteVpnGatewayRequest::META.action;
    steps.push(format!("{delete} {gateway_id}, then wait until it is gone"));

    let mut blockers = Vec::new();
    let prepaid = gateway.instance_charge_type.as_deref() == Some("PREPAID");
    if let Some(left) = gateway
        .expired_time
        .as_deref()
        .and_then(remaining_term)
        .filter(|_| prepaid)
    {
        blockers.push(format!(
            "the gateway is prepaid and its term runs for another {}: {delete} would be refused \
             (UnsupportedOperation) until the term ends",
            human_duration(left)
        ));
    }
    let bound_to = gateway
        .network_instance_id
        .as_deref()
        .filter(|id| !id.is_empty());
    if bound_to.is_some() || gateway.gateway_type.as_deref() == Some("CCN") {
        blockers.push(format!(
            "the gateway is bound to a Cloud Connect Network{}: {delete} would be refused \
             (UnsupportedOperation) until it is unbound",
            bound_to.map(|id| format!(" ({id})")).unwrap_or_default()
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

/// How long until `expired` (`YYYY-MM-DD hh:mm:ss` in Beijing time, UTC+8, as the service writes it), if it
/// is ahead; `None` for `0000-00-00 00:00:00` (no term) or anything unreadable.
fn remaining_term(expired: &str) -> Option<Duration> {
    let end = beijing_time_secs(expired)?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_secs() as i64;
    (end > now).then(|| Duration::from_secs((end - now) as u64))
}

/// Seconds since the epoch of an API 3.0 time (`YYYY-MM-DD hh:mm:ss` in Beijing time, UTC+8); `None` for
/// `0000-00-00 00:00:00` or anything unreadable. Also what `sweep` reads creation times and terms with.
pub(crate) fn beijing_time_secs(text: &str) -> Option<i64> {
    const BEIJING_OFFSET_SECS: i64 = 8 * 3600;
    let (date, time) = text.trim().split_once(' ')?;
    Some(cloudvpn_signing::timestamp::parse_utc(&format!("{date}T{time}Z"))? - BEIJING_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gateway(fields: Value) -> VpnGateway {
        serde_json::from_value(fields).expect("a VpnGateway")
    }

    fn stops(gateway: &VpnGateway) -> Vec<String> {
        let plan = plan("vpngw-1", gateway, &["vpnx-1".to_owned()]);
        assert_eq!(
            plan["Plan"],
            json!([
                "DeleteVpnConnection vpnx-1, then wait for its task",
                "DeleteVpnGateway vpngw-1, then wait until it is gone"
            ])
        );
        serde_json::from_value(plan["WouldStop"].clone()).expect("a list")
    }

    #[test]
    fn a_prepaid_gateway_within_its_term_and_a_ccn_binding_are_named_in_the_plan() {
        let none = gateway(json!({
            "VpnGatewayId": "vpngw-1", "InstanceChargeType": "POSTPAID_BY_HOUR",
            "ExpiredTime": "0000-00-00 00:00:00", "NetworkInstanceId": "",
        }));
        assert!(stops(&none).is_empty());

        let prepaid = gateway(json!({
            "VpnGatewayId": "vpngw-1", "InstanceChargeType": "PREPAID",
            "ExpiredTime": "2099-01-01 00:00:00",
        }));
        let stopped = stops(&prepaid);
        assert_eq!(stopped.len(), 1, "{stopped:?}");
        assert!(
            stopped[0].contains("prepaid") && stopped[0].contains("days"),
            "{stopped:?}"
        );

        // A term that has ended no longer stops it.
        let ended = gateway(json!({
            "VpnGatewayId": "vpngw-1", "InstanceChargeType": "PREPAID",
            "ExpiredTime": "2001-01-01 00:00:00",
        }));
        assert!(stops(&ended).is_empty());

        let bound = gateway(json!({"VpnGatewayId": "vpngw-1", "NetworkInstanceId": "ccn-1"}));
        let stopped = stops(&bound);
        assert_eq!(stopped.len(), 1, "{stopped:?}");
        assert!(
            stopped[0].contains("Cloud Connect Network (ccn-1)"),
            "{stopped:?}"
        );
    }

    #[test]
    fn the_end_of_a_term_is_read_in_beijing_time() {
        assert_eq!(remaining_term("0000-00-00 00:00:00"), None);
        assert_eq!(remaining_term("not a time"), None);
        // 08:00 in Beijing is midnight UTC: the same instant whichever way it is written.
        let beijing = remaining_term("2099-01-01 08:00:00").expect("ahead");
        let utc = cloudvpn_signing::timestamp::parse_utc("2099-01-01T00:00:00Z").expect("valid")
            - SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .expect("after 1970")
                .as_secs() as i64;
        assert!(
            beijing.as_secs().abs_diff(utc as u64) <= 1,
            "{beijing:?} vs {utc}"
        );
    }
}
