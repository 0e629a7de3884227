//! What the Tencent v2 operations do to the world.
//!
//! `DeleteVpnConn` checks, in order: the VPC exists (`InvalidVpc.NotFound`), the gateway exists in it
//! (`InvalidVpnGw.NotFound`), the connection exists on that gateway (`InvalidVpnConn.NotFound`), and no
//! change is already in progress on it — `vpcConnStatus` 0 creating, 2 modifying or 4 deleting
//! (`InvalidVpnConnState`). It then starts a task: the connection shows 4 (deleting) and
//! `DescribeVpcTaskResult` status 2 until the `tencent_vpn_connection` transition completes, then the
//! connection is gone and the task is 0 — or, for a connection seeded with `deletion_fails`, the
//! connection is left in 5 (deletion error) and the task is 1.

use super::internal;
use crate::behaviour::{Behaviour, Ctx};
use crate::generated::tencent_vpc_v2::TencentVpcV2Behaviour;
use crate::model::{
    Account, TaskEffect, TaskStatus, TencentRegion, TencentTask, World, conn_status,
};
use crate::store::Effects;
use crate::timing::Settled;
use cloudvpn_types::tencent_vpc_v2::delete_vpn_conn::DeleteVpnConnData;
use cloudvpn_types::tencent_vpc_v2::describe_vpc_task_result::DescribeVpcTaskResultData;
use cloudvpn_types::tencent_vpc_v2::{
    DeleteVpnConnError, DeleteVpnConnRequest, DeleteVpnConnResponse, DescribeVpcTaskResultError,
    DescribeVpcTaskResultRequest, DescribeVpcTaskResultResponse, DescribeVpnConnError,
    DescribeVpnConnRequest, DescribeVpnConnResponse,
};

/// The v2 envelope of a success: `code` 0, empty `message`, `codeDesc` `Success`.
pub(super) const SUCCESS: (i64, &str, &str) = (0, "", "Success");

/// One call's view of the world: what the generated [`TencentVpcV2Behaviour`] is implemented on.
pub(crate) struct Call<'a> {
    pub(super) world: &'a mut World,
    pub(super) fx: &'a mut Effects,
    pub(super) ctx: &'a Ctx<'a>,
}

impl<'a> Behaviour<'a> for Call<'a> {
    fn new(world: &'a mut World, fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self {
        Call { world, fx, ctx }
    }
}

impl TencentVpcV2Behaviour for Call<'_> {
    fn delete_vpn_conn(
        &mut self,
        r: DeleteVpnConnRequest,
    ) -> Result<DeleteVpnConnResponse, DeleteVpnConnError> {
        delete_vpn_conn(self, &r)
    }

    fn describe_vpc_task_result(
        &mut self,
        r: DescribeVpcTaskResultRequest,
    ) -> Result<DescribeVpcTaskResultResponse, DescribeVpcTaskResultError> {
        let ctx = self.ctx;
        let not_found = || {
            DescribeVpcTaskResultError::resource_not_found()
                .with_message(format!("(emulator) task {} does not exist", r.task_id))
        };
        let account = self
            .world
            .accounts
            .get_mut(ctx.account)
            .ok_or_else(not_found)?;
        let task_id = u64::try_from(r.task_id).map_err(|_| not_found())?;
        settle_task(account, task_id, ctx.now_ms, true, self.fx);
        let task = account.tencent_tasks.get(&task_id).ok_or_else(not_found)?;
        let (code, message, code_desc) = SUCCESS;
        DescribeVpcTaskResultResponse::builder()
            .code(code)
            .message(message)
            .code_desc(code_desc)
            .data(
                DescribeVpcTaskResultData::builder()
                    .status(task.status.code())
                    .build()
                    .map_err(internal)?,
            )
            .build()
            .map_err(internal)
    }

    fn describe_vpn_conn(
        &mut self,
        r: DescribeVpnConnRequest,
    ) -> Result<DescribeVpnConnResponse, DescribeVpnConnError> {
        super::describe::connections(self, &r)
    }
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

pub(crate) fn resolve_vpc(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpcs, wanted, |v| v.legacy_id.clone()).map(str::to_owned)
}

pub(crate) fn resolve_gateway(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpn_gateways, wanted, |g| g.legacy_id.to_string()).map(str::to_owned)
}

fn resolve_connection(region: &TencentRegion, wanted: &str) -> Option<String> {
    resolve(&region.vpn_connections, wanted, |c| c.legacy_id.to_string()).map(str::to_owned)
}

/// Completes a running task if it is due (`observed`: a Describe is looking).
pub(crate) fn settle_task(
    account: &mut Account,
    task_id: u64,
    now_ms: u64,
    observed: bool,
    fx: &mut Effects,
) {
    let Account {
        tencent,
        tencent_tasks,
        task_index,
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
            task_index.completed(task_id);
            let region = tencent.get_mut(&task.region);
            task.status = match &task.effect {
                TaskEffect::DeleteVpnConnection { vpn_connection_id } => {
                    complete_deletion(region, vpn_connection_id)
                }
                TaskEffect::DeleteVpnGateway { vpn_gateway_id } => {
                    if let Some(region) = region {
                        region.vpn_gateways.remove(vpn_gateway_id);
                    }
                    TaskStatus::Succeeded
                }
            };
        }
    }
}

pub(crate) fn complete_deletion(
    region: Option<&mut TencentRegion>,
    connection_id: &str,
) -> TaskStatus {
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

fn delete_vpn_conn(
    call: &mut Call<'_>,
    r: &DeleteVpnConnRequest,
) -> Result<DeleteVpnConnResponse, DeleteVpnConnError> {
    type E = DeleteVpnConnError;
    let ctx = call.ctx;
    let world = &mut *call.world;
    let fx = &mut *call.fx;
    let account = world
        .accounts
        .get_mut(ctx.account)
        .ok_or_else(E::invalid_vpc_not_found)?;
    let region = account
        .tencent
        .get(ctx.region)
        .ok_or_else(E::invalid_vpc_not_found)?;
    let vpc_id = resolve_vpc(region, &r.vpc_id).ok_or_else(E::invalid_vpc_not_found)?;
    let gateway_id = resolve_gateway(region, &r.vpn_gw_id)
        .filter(|g| {
            region
                .vpn_gateways
                .get(g)
                .is_some_and(|g| g.vpc_id == vpc_id)
        })
        .ok_or_else(E::invalid_vpn_gw_not_found)?;
    let connection_id = resolve_connection(region, &r.vpn_conn_id)
        .filter(|c| {
            region
                .vpn_connections
                .get(c)
                .is_some_and(|c| c.vpn_gateway_id == gateway_id)
        })
        .ok_or_else(E::invalid_vpn_conn_not_found)?;
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
        .ok_or_else(E::invalid_vpc_not_found)?;
    let connection = region
        .vpn_connections
        .get_mut(&connection_id)
        .ok_or_else(E::invalid_vpn_conn_not_found)?;
    if conn_status::busy(connection.status) {
        return Err(E::invalid_vpn_conn_state());
    }
    let task_id = start_deletion(
        world,
        ctx,
        TaskEffect::DeleteVpnConnection {
            vpn_connection_id: connection_id.clone(),
        },
        None,
    );
    fx.changed();
    let (code, message, code_desc) = SUCCESS;
    DeleteVpnConnResponse::builder()
        .code(code)
        .message(message)
        .code_desc(code_desc)
        .data(
            DeleteVpnConnData::builder()
                .task_id(i64::try_from(task_id).unwrap_or(i64::MAX))
                .vpn_gw_id(gateway_id)
                // The documented example spells it vpcConnId.
                .vpc_conn_id(connection_id)
                .state(conn_status::DELETING)
                .build()
                .map_err(internal)?,
        )
        .build()
        .map_err(internal)
}

/// Starts the task that deletes a connection or a gateway (v2 and API 3.0 alike): the resource shows
/// deleting until the `tencent_vpn_connection` transition completes the task, or is gone at once when
/// transitions are immediate. `request_id`: the API 3.0 request, whose id is the task's `TaskId`.
pub(crate) fn start_deletion(
    world: &mut World,
    ctx: &Ctx<'_>,
    effect: TaskEffect,
    request_id: Option<String>,
) -> u64 {
    let task_id = world.task_id();
    let account = world.account_mut(ctx.account);
    let schedule = ctx.transitions.tencent_vpn_connection.schedule(ctx.now_ms);
    let region = account.tencent_region_mut(ctx.region);
    let status = match (&effect, schedule) {
        (TaskEffect::DeleteVpnConnection { vpn_connection_id }, None) => {
            complete_deletion(Some(region), vpn_connection_id)
        }
        (TaskEffect::DeleteVpnGateway { vpn_gateway_id }, None) => {
            region.vpn_gateways.remove(vpn_gateway_id);
            TaskStatus::Succeeded
        }
        (TaskEffect::DeleteVpnConnection { vpn_connection_id }, Some(_)) => {
            if let Some(c) = region.vpn_connections.get_mut(vpn_connection_id) {
                c.status = conn_status::DELETING;
                c.deletion_task = Some(task_id);
            }
            TaskStatus::Running
        }
        (TaskEffect::DeleteVpnGateway { vpn_gateway_id }, Some(_)) => {
            if let Some(g) = region.vpn_gateways.get_mut(vpn_gateway_id) {
                g.deletion_task = Some(task_id);
            }
            TaskStatus::Running
        }
    };
    let task = TencentTask {
        id: task_id,
        region: ctx.region.to_owned(),
        status,
        due: schedule,
        effect,
        request_id,
    };
    account.task_index.add(&task);
    account.tencent_tasks.insert(task_id, task);
    task_id
}
