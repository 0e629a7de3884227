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
use crate::clock;
use crate::generated::tencent_vpc::TencentVpcBehaviour;
use crate::model::{TaskEffect, TaskStatus, TencentRegion, World, conn_status};
use crate::store::Effects;
use crate::tencent::behaviour::{settle_task, start_deletion};
use cloudvpn_types::tencent_vpc::describe_vpc_task_result::VpcTaskResultDetailInfo;
use cloudvpn_types::tencent_vpc::describe_vpn_connections::VpnConnection;
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::{Tag, VpnGateway};
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
    ctx: &'a Ctx<'a>,
}

impl<'a> Behaviour<'a> for Call<'a> {
    fn new(world: &'a mut World, fx: &'a mut Effects, ctx: &'a Ctx<'a>) -> Self {
        Call { world, fx, ctx }
    }
}

/// Why a list call's selection is refused.
enum Selection {
    Coexist,
    UnknownFilter(String),
}

/// `(offset, limit)` with the documented default of 20.
fn window(offset: Option<i64>, limit: Option<i64>) -> (usize, usize) {
    let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(limit.unwrap_or(20)).unwrap_or(20);
    (offset, limit)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Call<'_> {
    fn region(&self) -> Option<&TencentRegion> {
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
    fn settle_running(&mut self, observed: bool) {
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
        type E = DescribeVpnConnectionsError;
        if !r.vpn_connection_ids.is_empty() && !r.filters.is_empty() {
            return Err(selection_error_connections(Selection::Coexist));
        }
        let filters: Vec<(&str, &[String])> = r
            .filters
            .iter()
            .map(|f| (f.name.as_str(), f.values.as_slice()))
            .collect();
        const KNOWN: &[&str] = &[
            "vpc-id",
            "vpn-gateway-id",
            "customer-gateway-id",
            "vpn-connection-name",
            "vpn-connection-id",
        ];
        if let Some((name, _)) = filters.iter().find(|(n, _)| !KNOWN.contains(n)) {
            return Err(selection_error_connections(Selection::UnknownFilter(
                (*name).to_owned(),
            )));
        }
        self.settle_running(true);
        let (offset, limit) = window(r.offset, r.limit);
        let empty = TencentRegion::default();
        let region = self.region().unwrap_or(&empty);
        let selected: Vec<_> = region
            .vpn_connections
            .values()
            .filter(|c| {
                let by = |name: &str, value: &str| {
                    filters
                        .iter()
                        .filter(|(n, _)| *n == name)
                        .all(|(_, values)| values.iter().any(|v| v == value))
                };
                r.vpn_gateway_id
                    .as_deref()
                    .is_none_or(|g| g == c.vpn_gateway_id)
                    && r.vpc_id.as_deref().is_none_or(|v| v == c.vpc_id)
                    && (r.vpn_connection_ids.is_empty() || r.vpn_connection_ids.contains(&c.id))
                    && by("vpc-id", &c.vpc_id)
                    && by("vpn-gateway-id", &c.vpn_gateway_id)
                    && by("customer-gateway-id", &customer_gateway(c.legacy_id))
                    && by("vpn-connection-name", &c.name)
                    && by("vpn-connection-id", &c.id)
            })
            .collect();
        let total = count(selected.len());
        let set = selected
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|c| {
                VpnConnection::builder()
                    .vpn_connection_id(&c.id)
                    .vpn_connection_name(&c.name)
                    .vpc_id(&c.vpc_id)
                    .vpn_gateway_id(&c.vpn_gateway_id)
                    .customer_gateway_id(customer_gateway(c.legacy_id))
                    .vpn_proto("IKE")
                    .encrypt_proto("IPSEC")
                    .route_type("StaticRoute")
                    .created_time(created(c.created_ms))
                    .state(match c.status {
                        conn_status::DELETING => "DELETING",
                        conn_status::CREATING => "PENDING",
                        _ => "AVAILABLE",
                    })
                    .net_status("AVAILABLE")
                    .build()
            })
            .collect();
        DescribeVpnConnectionsResponse::builder()
            .total_count(total)
            .vpn_connection_set(set)
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal::<E>)
    }

    fn describe_vpn_gateways(
        &mut self,
        r: DescribeVpnGatewaysRequest,
    ) -> Result<DescribeVpnGatewaysResponse, DescribeVpnGatewaysError> {
        type E = DescribeVpnGatewaysError;
        if !r.vpn_gateway_ids.is_empty() && !r.filters.is_empty() {
            return Err(E::invalid_parameter_coexist());
        }
        if let Some(id) = r.vpn_gateway_ids.iter().find(|id| !VPN_GATEWAY.matches(id)) {
            return Err(E::invalid_vpn_gateway_id_malformed()
                .with_message(VPN_GATEWAY.complaint("VpnGatewayIds", id)));
        }
        const KNOWN: &[&str] = &[
            "vpc-id",
            "vpn-gateway-id",
            "vpn-gateway-name",
            "type",
            "state",
            "public-ip-address",
        ];
        if let Some(f) = r.filters.iter().find(|f| !KNOWN.contains(&f.name.as_str())) {
            return Err(
                E::invalid_parameter_filter_invalid_key().with_message(format!(
                    "(emulator) unknown filter {:?}; known: {}",
                    f.name,
                    KNOWN.join(", ")
                )),
            );
        }
        self.settle_running(true);
        let (offset, limit) = window(r.offset, r.limit);
        let now_ms = self.ctx.now_ms;
        let empty = TencentRegion::default();
        let region = self.region().unwrap_or(&empty);
        let state = |deleting: bool| if deleting { "DELETING" } else { "AVAILABLE" };
        let selected: Vec<_> = region
            .vpn_gateways
            .values()
            .filter(|g| {
                let by = |name: &str, value: &str| {
                    r.filters
                        .iter()
                        .filter(|f| f.name == name)
                        .all(|f| f.values.iter().any(|v| v == value))
                };
                (r.vpn_gateway_ids.is_empty() || r.vpn_gateway_ids.contains(&g.id))
                    && by("vpc-id", &g.vpc_id)
                    && by("vpn-gateway-id", &g.id)
                    && by("vpn-gateway-name", &g.name)
                    && by("type", "IPSEC")
                    && by("state", state(g.deletion_task.is_some()))
                    && by("public-ip-address", &g.address)
            })
            .collect();
        let total = count(selected.len());
        let set = selected
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|g| {
                let prepaid = g.prepaid_until_ms.is_some();
                VpnGateway::builder()
                    .vpn_gateway_id(&g.id)
                    .vpc_id(&g.vpc_id)
                    .vpn_gateway_name(&g.name)
                    .gateway_type("IPSEC")
                    .state(state(g.deletion_task.is_some()))
                    .public_ip_address(&g.address)
                    .instance_charge_type(if prepaid {
                        "PREPAID"
                    } else {
                        "POSTPAID_BY_HOUR"
                    })
                    .set_expired_time(g.prepaid_until_ms.map(created))
                    .is_address_blocked(false)
                    .restrict_state(if g.prepaid_until_ms.is_some_and(|u| u <= now_ms) {
                        "ISOLATED"
                    } else {
                        "NORMAL"
                    })
                    .network_instance_id(g.ccn_id.as_deref().unwrap_or(""))
                    .created_time(created(g.created_ms.unwrap_or(0)))
                    .tag_set(
                        g.tags
                            .iter()
                            .map(|(k, v)| Tag::builder().key(k).value(v).build())
                            .collect(),
                    )
                    .build()
            })
            .collect();
        DescribeVpnGatewaysResponse::builder()
            .total_count(total)
            .vpn_gateway_set(set)
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }
}

fn selection_error_connections(why: Selection) -> DescribeVpnConnectionsError {
    match why {
        Selection::Coexist => DescribeVpnConnectionsError::invalid_parameter_coexist(),
        Selection::UnknownFilter(name) => {
            DescribeVpnConnectionsError::invalid_parameter_filter_invalid_key()
                .with_message(format!("(emulator) unknown filter {name:?}"))
        }
    }
}

/// The customer gateway of a connection (the same id v2's `unUserGwId` shows).
fn customer_gateway(legacy_id: u64) -> String {
    format!("cgw-{legacy_id:08x}")
}

/// A time as API 3.0 writes it (`2024-01-02 03:04:05`): in Beijing time (UTC+8), the zone of the Tencent
/// Cloud console and of the times its APIs answer, which clients (Terraform, our teardown) read it in.
fn created(ms: u64) -> String {
    const BEIJING_OFFSET_SECS: i64 = 8 * 3600;
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX - BEIJING_OFFSET_SECS);
    clock::format_tencent(secs.saturating_add(BEIJING_OFFSET_SECS))
}

fn clip_task(task_id: &str) -> String {
    crate::pipeline::clip(format!("(emulator) task {task_id:?} does not exist"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn api3_times_are_written_in_beijing_time() {
        // 2015-11-06 03:20:39 UTC is 11:20:39 in Beijing.
        assert_eq!(super::created(1_446_780_039_000), "2015-11-06 11:20:39");
    }
}
