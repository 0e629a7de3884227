//! What the API 3.0 operations do, over the same world as v2 (a resource seeded through
//! `/_emulator/tencent/…` or deleted through either API shows in both).
//!
//! | Situation | DeleteVpnConnection | DeleteVpnGateway |
//! |---|---|---|
//! | an id not of the `vpngw-` / `vpnx-` + 8 form (checked first; also `VpnGatewayIds` of DescribeVpnGateways: `InvalidVpnGatewayId.Malformed`) | `InvalidParameterValue.Malformed` | `InvalidVpnGatewayId.Malformed` |
//! | no such resource in the region (or not on that gateway) | `ResourceNotFound` | `InvalidVpnGatewayId.NotFound` |
//! | the connection is already being deleted (or being created / modified) | `UnsupportedOperation.DeleteVpnConnInvalidState` | |
//! | another task runs on the gateway (a deletion of it or of another of its connections) | `UnsupportedOperation.MutexOperationTaskRunning` | `UnsupportedOperation` |
//! | prepaid and within its term, bound to CCN, or tunnels left | | `UnsupportedOperation` |
//!
//! A deletion starts a task whose `TaskId` is the deletion's `RequestId`: `DescribeVpcTaskResult` shows
//! `RUNNING` until the `tencent_vpn_connection` transition completes it, then `SUCCESS` (or `FAILED` for a
//! connection seeded with `deletion_fails`); meanwhile the resource shows `DELETING`.
//! `DescribeVpnGateways` / `DescribeVpnConnections` take ids or `Filters` (not both:
//! `InvalidParameter.Coexist`; an unknown filter name: `InvalidParameter.FilterInvalidKey`), `Offset` and
//! `Limit` (default 20); ids that name nothing are left out of the set.

use super::id_format::{VPN_CONNECTION, VPN_GATEWAY};
use super::internal;
use crate::behaviour::{Behaviour, Ctx};
use crate::generated::tencent_vpc::TencentVpcBehaviour;
use crate::model::{TaskEffect, TaskStatus, TencentRegion, World, conn_status};
use crate::store::Effects;
use crate::tencent::behaviour::{settle_task, start_deletion};
use cloudvpn_types::tencent_vpc::describe_vpc_task_result::VpcTaskResultDetailInfo;
use cloudvpn_types::tencent_vpc::{
    DeleteVpnConnectionError, DeleteVpnConnectionRequest, DeleteVpnConnectionResponse,
    DeleteVpnGatewayError, DeleteVpnGatewayRequest, DeleteVpnGatewayResponse,
    DescribeVpcTaskResultError, DescribeVpcTaskResultRequest, DescribeVpcTaskResultResponse,
    DescribeVpnConnectionsError, DescribeVpnConnectionsRequest, DescribeVpnConnectionsResponse,
    DescribeVpnGatewaysError, DescribeVpnGatewaysRequest, DescribeVpnGatewaysResponse,
};

/// One call's view of the world: what the generated [`TencentVpcBehaviour`] is implemented on.
pub(crate) struct Call<'a> {
    world: &'a mut World,
    fx: &'a mut Effects,
    pub(super) ctx: &'a Ctx<'a>,
}

impl<'a> Behaviour<'a> for Call<'a> {
    fn new(world: &'a mut World, fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self {
        Call { world, fx, ctx }
    }
}

impl Call<'_> {
    pub(super) fn region(&self) -> Option<&TencentRegion> {
        self.world
            .accounts
            .get(self.ctx.account)
            .and_then(|a| a.tencent.get(self.ctx.region))
    }

    /// Completes the due tasks of the region's resources (`observed`: a Describe is looking).
    fn settle(&mut self, tasks: Vec<u64>, observed: bool) {
        if let Some(account) = self.world.accounts.get_mut(self.ctx.account) {
            for task in tasks {
                settle_task(account, task, self.ctx.now_ms, observed, self.fx);
            }
        }
    }

    /// The running deletions of the region's gateways and connections (the tasks their `deletion_task`
    /// names), found through the account's index of running tasks rather than by walking the region, so
    /// a call costs the same whatever the world's size.
    fn running_tasks(&mut self) -> Vec<(u64, TaskEffect)> {
        let Some(account) = self.world.accounts.get_mut(self.ctx.account) else {
            return Vec::new();
        };
        account.task_index.ensure(&account.tencent_tasks);
        let Some(region) = account.tencent.get(self.ctx.region) else {
            return Vec::new();
        };
        account
            .task_index
            .running()
            .filter_map(|id| account.tencent_tasks.get(&id))
            .filter(|task| task.region == self.ctx.region)
            .filter(|task| {
                let names_it = |deletion_task: Option<u64>| deletion_task == Some(task.id);
                match &task.effect {
                    TaskEffect::DeleteVpnGateway { vpn_gateway_id } => region
                        .vpn_gateways
                        .get(vpn_gateway_id)
                        .is_some_and(|g| names_it(g.deletion_task)),
                    TaskEffect::DeleteVpnConnection { vpn_connection_id } => region
                        .vpn_connections
                        .get(vpn_connection_id)
                        .is_some_and(|c| names_it(c.deletion_task)),
                }
            })
            .map(|task| (task.id, task.effect.clone()))
            .collect()
    }

    /// Whether a task other than the connection's own runs on `gateway_id`: its own deletion, or that
    /// of one of its connections (only running deletions can be, so only those are looked at).
    fn gateway_busy(&mut self, gateway_id: &str, except_connection: Option<&str>) -> bool {
        let gateway_deleting = self
            .region()
            .and_then(|r| r.vpn_gateways.get(gateway_id))
            .is_some_and(|g| g.deletion_task.is_some());
        if gateway_deleting {
            return true;
        }
        let running = self.running_tasks();
        let Some(region) = self.region() else {
            return false;
        };
        running.iter().any(|(_, effect)| match effect {
            TaskEffect::DeleteVpnConnection { vpn_connection_id } => {
                Some(vpn_connection_id.as_str()) != except_connection
                    && region
                        .vpn_connections
                        .get(vpn_connection_id)
                        .is_some_and(|c| c.vpn_gateway_id == gateway_id)
            }
            TaskEffect::DeleteVpnGateway { .. } => false,
        })
    }

    /// Completes the due tasks of the region's resources (`observed`: a Describe is looking).
    pub(super) fn settle_running(&mut self, observed: bool) {
        let tasks = self.running_tasks().into_iter().map(|(id, _)| id).collect();
        self.settle(tasks, observed);
    }
}

impl TencentVpcBehaviour for Call<'_> {
    fn delete_vpn_connection(
        &mut self,
        r: DeleteVpnConnectionRequest,
    ) -> Result<DeleteVpnConnectionResponse, DeleteVpnConnectionError> {
        type E = DeleteVpnConnectionError;
        for (param, format, id) in [
            ("VpnGatewayId", &VPN_GATEWAY, &r.vpn_gateway_id),
            ("VpnConnectionId", &VPN_CONNECTION, &r.vpn_connection_id),
        ] {
            if !format.matches(id) {
                return Err(E::invalid_parameter_value_malformed()
                    .with_message(format.complaint(param, id)));
            }
        }
        self.settle_running(false);
        let connection = self
            .region()
            .and_then(|region| region.vpn_connections.get(&r.vpn_connection_id))
            .filter(|c| c.vpn_gateway_id == r.vpn_gateway_id)
            .ok_or_else(E::resource_not_found)?;
        if conn_status::busy(connection.status) {
            return Err(E::unsupported_operation_delete_vpn_conn_invalid_state());
        }
        if self.gateway_busy(&r.vpn_gateway_id, Some(&r.vpn_connection_id)) {
            return Err(E::unsupported_operation_mutex_operation_task_running());
        }
        let effect = TaskEffect::DeleteVpnConnection {
            vpn_connection_id: r.vpn_connection_id.clone(),
        };
        start_deletion(
            self.world,
            self.ctx,
            effect,
            Some(self.ctx.request_id.to_owned()),
        );
        self.fx.changed();
        DeleteVpnConnectionResponse::builder()
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }

    fn delete_vpn_gateway(
        &mut self,
        r: DeleteVpnGatewayRequest,
    ) -> Result<DeleteVpnGatewayResponse, DeleteVpnGatewayError> {
        type E = DeleteVpnGatewayError;
        if !VPN_GATEWAY.matches(&r.vpn_gateway_id) {
            return Err(E::invalid_vpn_gateway_id_malformed()
                .with_message(VPN_GATEWAY.complaint("VpnGatewayId", &r.vpn_gateway_id)));
        }
        self.settle_running(false);
        let now_ms = self.ctx.now_ms;
        let region = self.region();
        let gateway = region
            .and_then(|region| region.vpn_gateways.get(&r.vpn_gateway_id))
            .ok_or_else(E::invalid_vpn_gateway_id_not_found)?;
        let refused =
            |why: &str| E::unsupported_operation().with_message(format!("(emulator) {why}"));
        if gateway.prepaid_until_ms.is_some_and(|until| now_ms < until) {
            return Err(refused("the gateway is prepaid and within its term"));
        }
        if gateway.ccn_id.is_some() {
            return Err(refused("the gateway is bound to CCN; unbind it first"));
        }
        let tunnels = region.is_some_and(|region| {
            region
                .vpn_connections
                .values()
                .any(|c| c.vpn_gateway_id == r.vpn_gateway_id)
        });
        if tunnels {
            return Err(refused(
                "the gateway still has VPN connections; delete them first",
            ));
        }
        if self.gateway_busy(&r.vpn_gateway_id, None) {
            return Err(refused(
                "a task is running on the gateway (it is not AVAILABLE)",
            ));
        }
        let effect = TaskEffect::DeleteVpnGateway {
            vpn_gateway_id: r.vpn_gateway_id.clone(),
        };
        start_deletion(
            self.world,
            self.ctx,
            effect,
            Some(self.ctx.request_id.to_owned()),
        );
        self.fx.changed();
        DeleteVpnGatewayResponse::builder()
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }

    fn describe_vpc_task_result(
        &mut self,
        r: DescribeVpcTaskResultRequest,
    ) -> Result<DescribeVpcTaskResultResponse, DescribeVpcTaskResultError> {
        let not_found =
            || DescribeVpcTaskResultError::resource_not_found().with_message(clip_task(&r.task_id));
        let account = self
            .world
            .accounts
            .get_mut(self.ctx.account)
            .ok_or_else(not_found)?;
        account.task_index.ensure(&account.tencent_tasks);
        let id = account
            .task_index
            .by_request(&r.task_id)
            .ok_or_else(not_found)?;
        settle_task(account, id, self.ctx.now_ms, true, self.fx);
        let task = account.tencent_tasks.get(&id).ok_or_else(not_found)?;
        let status = match task.status {
            TaskStatus::Running => "RUNNING",
            TaskStatus::Succeeded => "SUCCESS",
            TaskStatus::Failed => "FAILED",
        };
        let resource = match &task.effect {
            TaskEffect::DeleteVpnConnection { vpn_connection_id } => vpn_connection_id,
            TaskEffect::DeleteVpnGateway { vpn_gateway_id } => vpn_gateway_id,
        };
        DescribeVpcTaskResultResponse::builder()
            .status(status)
            .result(vec![
                VpcTaskResultDetailInfo::builder()
                    .resource_id(resource)
                    .status(status)
                    .build(),
            ])
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }

    fn describe_vpn_connections(
        &mut self,
        r: DescribeVpnConnectionsRequest,
    ) -> Result<DescribeVpnConnectionsResponse, DescribeVpnConnectionsError> {
        self.list_vpn_connections(r)
    }

    fn describe_vpn_gateways(
        &mut self,
        r: DescribeVpnGatewaysRequest,
    ) -> Result<DescribeVpnGatewaysResponse, DescribeVpnGatewaysError> {
        self.list_vpn_gateways(r)
    }
}

fn clip_task(task_id: &str) -> String {
    crate::pipeline::clip(format!("(emulator) task {task_id:?} does not exist"))
}
