//! `cloudvpn teardown tencent-v2` (the legacy v2 API): every connection of a gateway, each task awaited.

use super::{PAGE_SIZE, plan_report, step, stop, wait_options};
use crate::failure::Failure;
use crate::invoke::wait_with_progress;
use crate::journal::Journal;
use crate::settings::Settings;
use cloudvpn::{ApiClient, Error, TencentClient};
use cloudvpn_types::Operation;
use cloudvpn_types::meta::Provider;
use cloudvpn_types::tencent_vpc_v2::{DeleteVpnConnRequest, DescribeVpnConnRequest};
use serde_json::{Value, json};

/// Deletes every connection of a Tencent Cloud VPN gateway, waiting for each task.
///
/// With `--dry-run` only the read-only Describe calls are sent, and the plan is printed instead.
pub async fn run(
    settings: &Settings,
    journal: &Journal,
    vpc_id: &str,
    gateway_id: &str,
) -> Result<Value, Failure> {
    if settings.region_for(Provider::Tencent)?.is_none() {
        return Err(crate::region::missing(
            Provider::Tencent,
            "teardown tencent-v2",
        ));
    }
    let client = settings.tencent_client()?;
    let options = wait_options(settings);
    let connections = list_tencent_connections(&client, vpc_id, gateway_id).await?;
    step(&format!(
        "{} VPN connection(s) on {gateway_id}",
        connections.len()
    ));
    if settings.dry_run {
        let steps: Vec<String> = connections
            .iter()
            .map(|id| {
                format!(
                    "{} {id}, then wait for its task",
                    DeleteVpnConnRequest::META.action
                )
            })
            .collect();
        plan_report(&steps, &[]);
        return Ok(json!({
            "dryRun": true, "vpcId": vpc_id, "vpnGwId": gateway_id, "plan": steps,
            "deletedConnections": [],
        }));
    }
    let mut deleted = Vec::new();
    for id in &connections {
        step(&format!("deleting connection {id}"));
        let request = DeleteVpnConnRequest::new(vpc_id, gateway_id, id);
        let send = async {
            match client.send(request.clone()).await {
                Ok(out) => Ok(out),
                Err(Error::Service(e)) => Err(stop("DeleteVpnConn", &e)),
                Err(e) => Err(Failure::from_sdk(e)),
            }
        };
        let (out, accepted) = journal
            .track(
                DeleteVpnConnRequest::META.action,
                format!("vpnConnId={id}"),
                send,
            )
            .await?;
        wait_with_progress(&client, &request, &out, &options, &accepted).await?;
        deleted.push(id.clone());
    }
    step(&format!(
        "{gateway_id} has no connections left (the legacy v2 API cannot delete a gateway; `cloudvpn teardown tencent --vpn-gateway-id {gateway_id}` uses API 3.0 and deletes it too)"
    ));
    Ok(json!({"vpcId": vpc_id, "vpnGwId": gateway_id, "deletedConnections": deleted}))
}

async fn list_tencent_connections(
    client: &TencentClient,
    vpc_id: &str,
    gateway_id: &str,
) -> Result<Vec<String>, Failure> {
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let mut request = DescribeVpnConnRequest::new();
        request.vpc_id = Some(vpc_id.to_owned());
        request.vpn_gw_id = Some(gateway_id.to_owned());
        request.offset = Some(offset);
        request.limit = Some(PAGE_SIZE);
        let out = client.send(request).await.map_err(Failure::from_sdk)?;
        let count = out.data.len();
        ids.extend(out.data.into_iter().filter_map(|c| c.un_vpn_conn_id));
        offset += count as i64;
        if count == 0 || offset >= out.total_count {
            return Ok(ids);
        }
    }
}
