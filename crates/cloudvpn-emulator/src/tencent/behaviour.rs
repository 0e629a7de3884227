//! What the Tencent v2 operations do to the world.
//!
//! `DeleteVpnConn` checks, in order: the VPC exists (`InvalidVpc.NotFound`), the gateway exists in it
//! (`InvalidVpnGw.NotFound`), the connection exists on that gateway (`InvalidVpnConn.NotFound`), and no
//! change is already in progress on it — `vpcConnStatus` 0 creating, 2 modifying or 4 deleting
//! (`InvalidVpnConnState`). It then starts a task: the connection shows 4 (deleting) and
//! `DescribeVpcTaskResult` status 2 until the `tencent_vpn_connection` transition completes, then the
//! connection is gone and the task is 0 — or, for a connection seeded with `deletion_fails`, the
//! connection is left in 5 (deletion error) and the task is 1.

use crate::clock;
use crate::error::ServiceError;
use crate::model::{
    Account, TaskEffect, TaskStatus, TencentRegion, TencentTask, TencentVpnConnection, World,
    conn_status,
};
use crate::store::Effects;
use crate::tencent::{business_error, common_error};
use crate::timing::{Settled, Transitions};
use cloudvpn_types::Operation;
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::tencent_vpc_v2::{
    DeleteVpnConnRequest, DescribeVpcTaskResultRequest, DescribeVpnConnRequest, Request,
};
use serde::Serialize;

/// What a behaviour needs besides the world.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The caller's account.
    pub account: &'a str,
    /// The region (normalised).
    pub region: &'a str,
    /// Now, in ms since the epoch.
    pub now_ms: u64,
    /// Transition models in force.
    pub transitions: Transitions,
}

/// Runs one call; the answer is the JSON body of a success.
pub fn execute(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    request: Request,
) -> Result<Vec<u8>, ServiceError> {
    match request {
        Request::DeleteVpnConn(r) => delete_vpn_conn(world, fx, ctx, &r),
        Request::DescribeVpcTaskResult(r) => describe_task(world, fx, ctx, &r),
        Request::DescribeVpnConn(r) => describe_vpn_conn(world, fx, ctx, &r),
        other => Err(not_implemented(other.meta())),
    }
}

/// The answer for an operation the specs know but the emulator does not emulate yet: code 6100
/// ("not supported in this version").
pub fn not_implemented(op: &OperationMeta) -> ServiceError {
    common_error(6100).with_message(format!(
        "cloudvpn-emulator recognises {} ({}) but does not emulate it yet.",
        op.action, op.api.title
    ))
}

#[derive(Serialize)]
struct Envelope<T> {
    code: i64,
    message: &'static str,
    #[serde(rename = "codeDesc")]
    code_desc: &'static str,
    data: T,
}

fn success<T: Serialize>(data: T) -> Vec<u8> {
    serde_json::to_vec(&Envelope {
        code: 0,
        message: "",
        code_desc: "Success",
        data,
    })
    .unwrap_or_default()
}

/// Finds a resource by its id or its old-style id (v2 accepts both).
fn resolve<'m, T>(
    map: &'m std::collections::BTreeMap<String, T>,
    wanted: &str,
    legacy: impl Fn(&T) -> String,
) -> Option<&'m str> {
    if let Some((id, _)) = map.get_key_value(wanted) {
        return Some(id);
    }
    map.iter()
        .find(|(_, v)| legacy(v) == wanted)
        .map(|(id, _)| id.as_str())
}

fn resolve_vpc(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpcs, wanted, |v| v.legacy_id.clone()).map(str::to_owned)
}

fn resolve_gateway(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpn_gateways, wanted, |g| g.legacy_id.to_string()).map(str::to_owned)
}

fn resolve_connection(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpn_connections, wanted, |c| c.legacy_id.to_string()).map(str::to_owned)
}

/// Completes a running task if it is due (`observed`: a Describe is looking).
fn settle_task(account: &mut Account, task_id: u64, now_ms: u64, observed: bool, fx: &mut Effects) {
    let Account {
        tencent,
        tencent_tasks,
        ..
    } = account;
    let Some(task) = tencent_tasks.get_mut(&task_id) else {
        return;
    };
    let Some(due) = task.due.as_mut() else {
        return;
    };
    match due.settle(now_ms, observed) {
        Settled::Pending { changed } => {
            if changed {
                fx.changed();
            }
        }
        Settled::Done => {
            fx.changed();
            task.due = None;
            let TaskEffect::DeleteVpnConnection { vpn_connection_id } = &task.effect;
            let region = tencent.get_mut(&task.region);
            task.status = complete_deletion(region, vpn_connection_id);
        }
    }
}

fn complete_deletion(region: Option<&mut TencentRegion>, connection_id: &str) -> TaskStatus {
    let Some(region) = region else {
        return TaskStatus::Succeeded;
    };
    match region.vpn_connections.get_mut(connection_id) {
        Some(c) if c.deletion_fails => {
            c.status = conn_status::DELETION_FAILED;
            c.deletion_task = None;
            TaskStatus::Failed
        }
        _ => {
            region.vpn_connections.remove(connection_id);
            TaskStatus::Succeeded
        }
    }
}

#[derive(Serialize)]
struct DeleteData<'a> {
    #[serde(rename = "taskId")]
    task_id: u64,
    #[serde(rename = "vpnGwId")]
    vpn_gw_id: &'a str,
    // The documented example spells it vpcConnId.
    #[serde(rename = "vpcConnId")]
    vpc_conn_id: &'a str,
    state: i64,
}

fn delete_vpn_conn(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DeleteVpnConnRequest,
) -> Result<Vec<u8>, ServiceError> {
    let op = DeleteVpnConnRequest::META;
    let vpc_missing = || business_error(op, "InvalidVpc.NotFound");
    let account = world
        .accounts
        .get_mut(ctx.account)
        .ok_or_else(vpc_missing)?;
    let region = account.tencent.get(ctx.region).ok_or_else(vpc_missing)?;
    let vpc_id = resolve_vpc(region, &r.vpc_id).ok_or_else(vpc_missing)?;
    let gateway_id = resolve_gateway(region, &r.vpn_gw_id)
        .filter(|g| {
            region
                .vpn_gateways
                .get(g)
                .is_some_and(|g| g.vpc_id == vpc_id)
        })
        .ok_or_else(|| business_error(op, "InvalidVpnGw.NotFound"))?;
    let conn_missing = || business_error(op, "InvalidVpnConn.NotFound");
    let connection_id = resolve_connection(region, &r.vpn_conn_id)
        .filter(|c| {
            region
                .vpn_connections
                .get(c)
                .is_some_and(|c| c.vpn_gateway_id == gateway_id)
        })
        .ok_or_else(conn_missing)?;
    if let Some(task_id) = region
        .vpn_connections
        .get(&connection_id)
        .and_then(|c| c.deletion_task)
    {
        settle_task(account, task_id, ctx.now_ms, false, fx);
    }
    let region = account
        .tencent
        .get_mut(ctx.region)
        .ok_or_else(vpc_missing)?;
    let connection = region
        .vpn_connections
        .get_mut(&connection_id)
        .ok_or_else(conn_missing)?;
    if conn_status::busy(connection.status) {
        return Err(business_error(op, "InvalidVpnConnState"));
    }
    let task_id = world.task_id();
    let account = world.account_mut(ctx.account);
    let schedule = ctx.transitions.tencent_vpn_connection.schedule(ctx.now_ms);
    let region = account.tencent_region_mut(ctx.region);
    let status = match schedule {
        None => complete_deletion(Some(region), &connection_id),
        Some(_) => {
            if let Some(c) = region.vpn_connections.get_mut(&connection_id) {
                c.status = conn_status::DELETING;
                c.deletion_task = Some(task_id);
            }
            TaskStatus::Running
        }
    };
    account.tencent_tasks.insert(
        task_id,
        TencentTask {
            id: task_id,
            region: ctx.region.to_owned(),
            status,
            due: schedule,
            effect: TaskEffect::DeleteVpnConnection {
                vpn_connection_id: connection_id.clone(),
            },
        },
    );
    fx.changed();
    Ok(success(DeleteData {
        task_id,
        vpn_gw_id: &gateway_id,
        vpc_conn_id: &connection_id,
        state: conn_status::DELETING,
    }))
}

#[derive(Serialize)]
struct TaskData {
    status: i64,
}

fn describe_task(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpcTaskResultRequest,
) -> Result<Vec<u8>, ServiceError> {
    let not_found =
        || common_error(5000).with_message(format!("(emulator) task {} does not exist", r.task_id));
    let account = world.accounts.get_mut(ctx.account).ok_or_else(not_found)?;
    let task_id = u64::try_from(r.task_id).map_err(|_| not_found())?;
    settle_task(account, task_id, ctx.now_ms, true, fx);
    let task = account.tencent_tasks.get(&task_id).ok_or_else(not_found)?;
    Ok(success(TaskData {
        status: task.status.code(),
    }))
}

#[derive(Serialize)]
struct ConnList<'a> {
    code: i64,
    message: &'static str,
    #[serde(rename = "codeDesc")]
    code_desc: &'static str,
    #[serde(rename = "totalCount")]
    total_count: usize,
    data: Vec<ConnView<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConnView<'a> {
    vpc_id: &'a str,
    un_vpc_id: &'a str,
    vpc_name: &'a str,
    vpc_cidr_block: &'a str,
    vpn_gw_id: u64,
    un_vpn_gw_id: &'a str,
    vpn_gw_name: &'a str,
    vpn_gw_address: &'a str,
    vpn_conn_id: u64,
    un_vpn_conn_id: &'a str,
    vpn_conn_name: &'a str,
    user_gw_id: u64,
    un_user_gw_id: String,
    user_gw_name: &'a str,
    user_gw_address: &'a str,
    vpc_conn_status: i64,
    pre_shared_key: &'a str,
    source_cidr: &'a [String],
    destination_cidr: &'a [String],
    vpn_proto: &'static str,
    create_time: String,
    #[serde(rename = "IKEArr")]
    ike_arr: IkeArr,
    #[serde(rename = "IPSECArr")]
    ipsec_arr: IpsecArr,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IkeArr {
    propo_authen_algorithm: &'static str,
    propo_encry_algorithm: &'static str,
    exchange_mode: &'static str,
    local_identity: &'static str,
    remote_identity: &'static str,
    dh_group_name: &'static str,
    ike_sa_lifetime_seconds: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IpsecArr {
    encrypt_algorithm: &'static str,
    integrity_algorith: &'static str,
    encap_mode: &'static str,
    security_proto: &'static str,
    pfs_dh_group: &'static str,
    ipsec_sa_lifetime_seconds: &'static str,
    ipsec_sa_lifetime_traffic: &'static str,
}

fn view<'a>(region: &'a TencentRegion, c: &'a TencentVpnConnection) -> ConnView<'a> {
    let vpc = region.vpcs.get(&c.vpc_id);
    let gateway = region.vpn_gateways.get(&c.vpn_gateway_id);
    ConnView {
        vpc_id: vpc.map_or("", |v| v.legacy_id.as_str()),
        un_vpc_id: &c.vpc_id,
        vpc_name: vpc.map_or("", |v| v.name.as_str()),
        vpc_cidr_block: vpc.map_or("", |v| v.cidr_block.as_str()),
        vpn_gw_id: gateway.map_or(0, |g| g.legacy_id),
        un_vpn_gw_id: &c.vpn_gateway_id,
        vpn_gw_name: gateway.map_or("", |g| g.name.as_str()),
        vpn_gw_address: gateway.map_or("", |g| g.address.as_str()),
        vpn_conn_id: c.legacy_id,
        un_vpn_conn_id: &c.id,
        vpn_conn_name: &c.name,
        user_gw_id: c.legacy_id,
        un_user_gw_id: format!("cgw-{:08x}", c.legacy_id),
        user_gw_name: &c.user_gateway_address,
        user_gw_address: &c.user_gateway_address,
        vpc_conn_status: c.status,
        pre_shared_key: &c.pre_shared_key,
        source_cidr: &c.source_cidr,
        destination_cidr: &c.destination_cidr,
        vpn_proto: "ip-sec",
        create_time: clock::format_tencent((c.created_ms / 1000) as i64),
        ike_arr: IkeArr {
            propo_authen_algorithm: "sha",
            propo_encry_algorithm: "aes-cbc-128",
            exchange_mode: "main",
            local_identity: "address",
            remote_identity: "address",
            dh_group_name: "group2",
            ike_sa_lifetime_seconds: "86400",
        },
        ipsec_arr: IpsecArr {
            encrypt_algorithm: "aes-cbc-128",
            integrity_algorith: "sha1",
            encap_mode: "tunnel",
            security_proto: "ESP",
            pfs_dh_group: "null",
            ipsec_sa_lifetime_seconds: "3600",
            ipsec_sa_lifetime_traffic: "1843200",
        },
    }
}

fn describe_vpn_conn(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpnConnRequest,
) -> Result<Vec<u8>, ServiceError> {
    let op = DescribeVpnConnRequest::META;
    let empty_region = TencentRegion::default();
    let (vpc_filter, gateway_filter) = {
        let region = world
            .accounts
            .get(ctx.account)
            .and_then(|a| a.tencent.get(ctx.region))
            .unwrap_or(&empty_region);
        let vpc = match &r.vpc_id {
            Some(v) => Some(
                resolve_vpc(region, v).ok_or_else(|| business_error(op, "InvalidVpc.NotFound"))?,
            ),
            None => None,
        };
        let gateway = match &r.vpn_gw_id {
            Some(g) => Some(
                resolve_gateway(region, g)
                    .ok_or_else(|| business_error(op, "InvalidVpnGw.NotFound"))?,
            ),
            None => None,
        };
        (vpc, gateway)
    };
    let matches = |c: &TencentVpnConnection| {
        vpc_filter.as_deref().is_none_or(|v| v == c.vpc_id)
            && gateway_filter
                .as_deref()
                .is_none_or(|g| g == c.vpn_gateway_id)
            && r.vpn_conn_id
                .as_deref()
                .is_none_or(|id| id == c.id || id == c.legacy_id.to_string())
            && r.vpn_conn_name.as_deref().is_none_or(|n| n == c.name)
    };
    // Observe the running deletion tasks of the connections the answer will show.
    if let Some(account) = world.accounts.get_mut(ctx.account) {
        let tasks: Vec<u64> = account
            .tencent
            .get(ctx.region)
            .map(|region| {
                region
                    .vpn_connections
                    .values()
                    .filter(|c| matches(c))
                    .filter_map(|c| c.deletion_task)
                    .collect()
            })
            .unwrap_or_default();
        for task in tasks {
            settle_task(account, task, ctx.now_ms, true, fx);
        }
    }
    let region = world
        .accounts
        .get(ctx.account)
        .and_then(|a| a.tencent.get(ctx.region))
        .unwrap_or(&empty_region);
    let mut selected: Vec<&TencentVpnConnection> = region
        .vpn_connections
        .values()
        .filter(|c| matches(c))
        .collect();
    let by_name = r.order_field.as_deref() == Some("vpnConnName");
    let descending = r.order_direction.as_deref() != Some("asc");
    selected.sort_by(|a, b| {
        let order = if by_name {
            a.name.cmp(&b.name)
        } else {
            a.created_ms.cmp(&b.created_ms)
        }
        .then_with(|| a.id.cmp(&b.id));
        if descending { order.reverse() } else { order }
    });
    let total_count = selected.len();
    let offset = usize::try_from(r.offset.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(r.limit.unwrap_or(20)).unwrap_or(20);
    let data = selected
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|c| view(region, c))
        .collect();
    Ok(serde_json::to_vec(&ConnList {
        code: 0,
        message: "",
        code_desc: "Success",
        total_count,
        data,
    })
    .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_without_behaviour_is_named_in_the_answer() {
        let e = not_implemented(DescribeVpnConnRequest::META);
        assert_eq!(
            (e.code.as_ref(), e.envelope_code),
            ("UnsupportedOperation", Some(6100))
        );
        assert!(e.message.contains("DescribeVpnConn"), "{}", e.message);
    }
}
