//! What the Alibaba operations do to the world, and which documented error each situation answers.
//!
//! | Situation | DeleteVpnGateway | DeleteEnhancedVpnGateway | DeleteVpnConnection |
//! |---|---|---|---|
//! | no such resource (or a standard gateway given to the enhanced call) | `InvalidVpnGatewayInstanceId.NotFound` | same | `InvalidVpnConnectionInstanceId.NotFound` |
//! | the connection is already being deleted | | | `VpnConnection.Configuring` |
//! | a gateway task started less than `conflict_window_ms` ago | `VpnGateway.Configuring` | `TaskConflict` | `VpnTask.CONFLICT` |
//! | gateway `init` / `provisioning` | `VpnGateway.Configuring` | `VpnGateway.Configuring` | `Appliance.Configuring` |
//! | gateway `updating` / `deleting` | `VpnGateway.Configuring` | `VpnGateway.Configuring` | `VpnGateway.Configuring` |
//! | prepaid and not yet expired | `ForbiddenRelease` | `ForbiddenRelease` | |
//! | the gateway still has connections | `DependencyViolation.VpnConnection` | `VpnDependencyViolation.VpnConnection` | |
//! | the gateway has an SSL-VPN server | `DependencyViolation.SslVpnServer` | | |
//!
//! Deleting a gateway makes it `deleting`, then gone (`alibaba_vpn_gateway` transition). Deleting a
//! connection makes its gateway `updating`, then `active` without the connection (`alibaba_vpn_connection`
//! transition). Gone resources answer the Describe operations' not-found errors, and `DescribeVpnGateways`
//! filtered by a gone id answers `TotalCount: 0`. Permission errors, `InternalError` and throttling come
//! from the credentials and fault rules, not from here.

use super::internal;
use crate::behaviour::region_names::{self, Language};
use crate::behaviour::{Behaviour, Ctx};
use crate::generated::alibaba_vpc::AlibabaVpcBehaviour;
use crate::model::{
    AlibabaRegion, AlibabaVpnGateway, GatewayStatus, GatewayTask, GatewayTaskKind, World,
};
use crate::store::Effects;
use crate::timing::Settled;
use cloudvpn_types::alibaba_vpc::describe_regions::{RegionItem, RegionList};
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayError, DeleteEnhancedVpnGatewayRequest,
    DeleteEnhancedVpnGatewayResponse, DeleteVpnConnectionError, DeleteVpnConnectionRequest,
    DeleteVpnConnectionResponse, DeleteVpnGatewayError, DeleteVpnGatewayRequest,
    DeleteVpnGatewayResponse, DescribeRegionsError, DescribeRegionsRequest,
    DescribeRegionsResponse, DescribeVpnConnectionError, DescribeVpnConnectionRequest,
    DescribeVpnConnectionResponse, DescribeVpnConnectionsError, DescribeVpnConnectionsRequest,
    DescribeVpnConnectionsResponse, DescribeVpnGatewayError, DescribeVpnGatewayRequest,
    DescribeVpnGatewayResponse, DescribeVpnGatewaysError, DescribeVpnGatewaysRequest,
    DescribeVpnGatewaysResponse,
};

/// One call's view of the world: what the generated [`AlibabaVpcBehaviour`] is implemented on.
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

/// Why a gateway cannot be deleted, before it is worded as the operation documents it.
enum GatewayRefusal {
    NotFound,
    /// A task on the gateway started less than the conflict window ago.
    Conflict,
    /// The gateway is not `active`.
    Configuring,
    /// Prepaid and not yet expired.
    Prepaid,
    HasConnections,
    HasSslVpnServer,
}

/// Why a connection cannot be deleted.
enum ConnectionRefusal {
    NotFound,
    AlreadyDeleting,
    Conflict,
    /// Its gateway is `init` / `provisioning`.
    Provisioning,
    /// Its gateway is `updating` / `deleting`.
    Configuring,
}

impl AlibabaVpcBehaviour for Call<'_> {
    fn delete_enhanced_vpn_gateway(
        &mut self,
        r: DeleteEnhancedVpnGatewayRequest,
    ) -> Result<DeleteEnhancedVpnGatewayResponse, DeleteEnhancedVpnGatewayError> {
        type E = DeleteEnhancedVpnGatewayError;
        self.delete_gateway(&r.region_id, &r.vpn_gateway_id, true)
            .map_err(|refusal| match refusal {
                GatewayRefusal::NotFound => E::invalid_vpn_gateway_instance_id_not_found(),
                GatewayRefusal::Conflict => E::task_conflict(),
                GatewayRefusal::Configuring => E::vpn_gateway_configuring(),
                GatewayRefusal::Prepaid => E::forbidden_release(),
                GatewayRefusal::HasConnections => E::vpn_dependency_violation_vpn_connection(),
                // The enhanced call does not check for SSL-VPN servers (see delete_gateway).
                GatewayRefusal::HasSslVpnServer => E::vpn_gateway_configuring(),
            })?;
        DeleteEnhancedVpnGatewayResponse::builder()
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }

    fn delete_vpn_connection(
        &mut self,
        r: DeleteVpnConnectionRequest,
    ) -> Result<DeleteVpnConnectionResponse, DeleteVpnConnectionError> {
        type E = DeleteVpnConnectionError;
        self.delete_connection(&r.region_id, &r.vpn_connection_id)
            .map_err(|refusal| match refusal {
                ConnectionRefusal::NotFound => E::invalid_vpn_connection_instance_id_not_found(),
                ConnectionRefusal::AlreadyDeleting => E::vpn_connection_configuring(),
                ConnectionRefusal::Conflict => E::vpn_task_conflict(),
                ConnectionRefusal::Provisioning => E::appliance_configuring(),
                ConnectionRefusal::Configuring => E::vpn_gateway_configuring(),
            })?;
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
        self.delete_gateway(&r.region_id, &r.vpn_gateway_id, false)
            .map_err(|refusal| match refusal {
                GatewayRefusal::NotFound => E::invalid_vpn_gateway_instance_id_not_found(),
                GatewayRefusal::Conflict | GatewayRefusal::Configuring => {
                    E::vpn_gateway_configuring()
                }
                GatewayRefusal::Prepaid => E::forbidden_release(),
                GatewayRefusal::HasConnections => E::dependency_violation_vpn_connection(),
                GatewayRefusal::HasSslVpnServer => E::dependency_violation_ssl_vpn_server(),
            })?;
        DeleteVpnGatewayResponse::builder()
            .request_id(self.ctx.request_id)
            .build()
            .map_err(internal)
    }

    /// The regions of the VPC spec (its `regions`), each with its endpoint as the spec resolves it and its
    /// name in the language asked for (`behaviour::region_names`); not regional, reads nothing of the world.
    fn describe_regions(
        &mut self,
        r: DescribeRegionsRequest,
    ) -> Result<DescribeRegionsResponse, DescribeRegionsError> {
        let api = &cloudvpn_types::alibaba_vpc::API;
        let language = Language::from_accept_language(r.accept_language.as_deref());
        let regions = api
            .regions
            .iter()
            .map(|id| {
                RegionItem::builder()
                    .region_id(*id)
                    .local_name(region_names::alibaba(id, language))
                    .region_endpoint(api.endpoint.host_for(id))
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(internal)?;
        DescribeRegionsResponse::builder()
            .request_id(self.ctx.request_id)
            .regions(RegionList::builder().region(regions).build())
            .build()
            .map_err(internal)
    }

    fn describe_vpn_connection(
        &mut self,
        r: DescribeVpnConnectionRequest,
    ) -> Result<DescribeVpnConnectionResponse, DescribeVpnConnectionError> {
        super::describe::connection(self, &r)
    }

    fn describe_vpn_connections(
        &mut self,
        r: DescribeVpnConnectionsRequest,
    ) -> Result<DescribeVpnConnectionsResponse, DescribeVpnConnectionsError> {
        super::describe::connections(self, &r)
    }

    fn describe_vpn_gateway(
        &mut self,
        r: DescribeVpnGatewayRequest,
    ) -> Result<DescribeVpnGatewayResponse, DescribeVpnGatewayError> {
        super::describe::gateway(self, &r)
    }

    fn describe_vpn_gateways(
        &mut self,
        r: DescribeVpnGatewaysRequest,
    ) -> Result<DescribeVpnGatewaysResponse, DescribeVpnGatewaysError> {
        super::describe::gateways(self, &r)
    }
}

pub(super) fn region_mut<'w>(
    world: &'w mut World,
    ctx: &Ctx<'_>,
    region: &str,
) -> Option<&'w mut AlibabaRegion> {
    world
        .accounts
        .get_mut(ctx.account)
        .and_then(|a| a.alibaba.get_mut(region))
}

/// Completes the gateway's task if it is due (`observed`: a Describe is looking, which advances a
/// poll-based transition). Returns whether the gateway still exists.
pub(super) fn settle_gateway(
    region: &mut AlibabaRegion,
    id: &str,
    now_ms: u64,
    observed: bool,
    fx: &mut Effects,
) -> bool {
    let AlibabaRegion {
        vpn_gateways,
        vpn_connections,
    } = region;
    let Some(gateway) = vpn_gateways.get_mut(id) else {
        return false;
    };
    let Some(task) = gateway.task.as_mut() else {
        return true;
    };
    match task.due.settle(now_ms, observed) {
        Settled::Pending { changed } => {
            if changed {
                fx.changed();
            }
            true
        }
        Settled::Done => {
            fx.changed();
            let kind = gateway.task.take().map(|t| t.kind);
            match kind {
                Some(GatewayTaskKind::Delete) => {
                    vpn_gateways.remove(id);
                    false
                }
                Some(GatewayTaskKind::DeleteConnection { connection_id }) => {
                    vpn_connections.remove(&connection_id);
                    gateway.connections.remove(&connection_id);
                    gateway.status = GatewayStatus::Active;
                    true
                }
                Some(GatewayTaskKind::Provision) | None => {
                    gateway.status = GatewayStatus::Active;
                    true
                }
            }
        }
    }
}

fn in_conflict_window(gateway: &AlibabaVpnGateway, now_ms: u64) -> bool {
    gateway
        .task
        .as_ref()
        .is_some_and(|t| now_ms < t.conflict_until_ms)
}

fn start_task(
    gateway: &mut AlibabaVpnGateway,
    kind: GatewayTaskKind,
    ctx: &Ctx<'_>,
    due: crate::timing::Due,
) {
    gateway.task = Some(GatewayTask {
        kind,
        started_ms: ctx.now_ms,
        conflict_until_ms: ctx
            .now_ms
            .saturating_add(ctx.transitions.conflict_window_ms),
        due,
    });
}

impl Call<'_> {
    fn delete_gateway(
        &mut self,
        region_id: &str,
        gateway_id: &str,
        enhanced_call: bool,
    ) -> Result<(), GatewayRefusal> {
        let ctx = self.ctx;
        let region = region_mut(self.world, ctx, region_id).ok_or(GatewayRefusal::NotFound)?;
        if !settle_gateway(region, gateway_id, ctx.now_ms, false, self.fx) {
            return Err(GatewayRefusal::NotFound);
        }
        let Some(gateway) = region.vpn_gateways.get_mut(gateway_id) else {
            return Err(GatewayRefusal::NotFound);
        };
        // DeleteEnhancedVpnGateway deletes enhanced gateways only; DeleteVpnGateway deletes either kind.
        if enhanced_call && !gateway.enhanced {
            return Err(GatewayRefusal::NotFound);
        }
        if in_conflict_window(gateway, ctx.now_ms) {
            return Err(GatewayRefusal::Conflict);
        }
        if gateway.status != GatewayStatus::Active {
            return Err(GatewayRefusal::Configuring);
        }
        if gateway
            .prepaid_until_ms
            .is_some_and(|until| ctx.now_ms < until)
        {
            return Err(GatewayRefusal::Prepaid);
        }
        if !gateway.connections.is_empty() {
            return Err(GatewayRefusal::HasConnections);
        }
        if gateway.ssl_vpn_server && !enhanced_call {
            return Err(GatewayRefusal::HasSslVpnServer);
        }
        match ctx.transitions.alibaba_vpn_gateway.schedule(ctx.now_ms) {
            None => {
                region.vpn_gateways.remove(gateway_id);
            }
            Some(due) => {
                gateway.status = GatewayStatus::Deleting;
                start_task(gateway, GatewayTaskKind::Delete, ctx, due);
            }
        }
        self.fx.changed();
        Ok(())
    }

    fn delete_connection(
        &mut self,
        region_id: &str,
        connection_id: &str,
    ) -> Result<(), ConnectionRefusal> {
        let ctx = self.ctx;
        let region = region_mut(self.world, ctx, region_id).ok_or(ConnectionRefusal::NotFound)?;
        let gateway_id = region
            .vpn_connections
            .get(connection_id)
            .map(|c| c.vpn_gateway_id.clone())
            .ok_or(ConnectionRefusal::NotFound)?;
        settle_gateway(region, &gateway_id, ctx.now_ms, false, self.fx);
        let AlibabaRegion {
            vpn_gateways,
            vpn_connections,
        } = region;
        let connection = vpn_connections
            .get_mut(connection_id)
            .ok_or(ConnectionRefusal::NotFound)?;
        if connection.deleting {
            return Err(ConnectionRefusal::AlreadyDeleting);
        }
        let Some(gateway) = vpn_gateways.get_mut(&gateway_id) else {
            // A connection always has its gateway; answer as if it were gone rather than panic if not.
            return Err(ConnectionRefusal::NotFound);
        };
        if in_conflict_window(gateway, ctx.now_ms) {
            return Err(ConnectionRefusal::Conflict);
        }
        match gateway.status {
            GatewayStatus::Active => {}
            GatewayStatus::Init | GatewayStatus::Provisioning => {
                return Err(ConnectionRefusal::Provisioning);
            }
            GatewayStatus::Updating | GatewayStatus::Deleting => {
                return Err(ConnectionRefusal::Configuring);
            }
        }
        match ctx.transitions.alibaba_vpn_connection.schedule(ctx.now_ms) {
            None => {
                vpn_connections.remove(connection_id);
                gateway.connections.remove(connection_id);
            }
            Some(due) => {
                connection.deleting = true;
                gateway.status = GatewayStatus::Updating;
                let kind = GatewayTaskKind::DeleteConnection {
                    connection_id: connection_id.to_owned(),
                };
                start_task(gateway, kind, ctx, due);
            }
        }
        self.fx.changed();
        Ok(())
    }
}
