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

use crate::error::{ServiceError, op_error};
use crate::model::{
    AlibabaRegion, AlibabaVpnConnection, AlibabaVpnGateway, GatewayStatus, GatewayTask,
    GatewayTaskKind, World,
};
use crate::store::Effects;
use crate::timing::{Settled, Transitions};
use cloudvpn_types::Operation;
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
    DescribeVpnConnectionRequest, DescribeVpnConnectionsRequest, DescribeVpnGatewayRequest,
    DescribeVpnGatewaysRequest, Request,
};
use cloudvpn_types::meta::OperationMeta;
use serde::Serialize;
use std::collections::BTreeSet;

/// The resource group every emulated resource is in.
pub const RESOURCE_GROUP_ID: &str = "rg-emulator";
/// `EndTime` of pay-as-you-go gateways (the real service answers a far-future date).
const POSTPAY_END_TIME_MS: u64 = 4_102_415_999_000;

/// What a behaviour needs besides the world.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The caller's account.
    pub account: &'a str,
    /// Now, in ms since the epoch.
    pub now_ms: u64,
    /// This call's request id, echoed in the body.
    pub request_id: &'a str,
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
        Request::DeleteVpnGateway(r) => delete_gateway(
            world,
            fx,
            ctx,
            DeleteVpnGatewayRequest::META,
            &r.region_id,
            &r.vpn_gateway_id,
            false,
        ),
        Request::DeleteEnhancedVpnGateway(r) => delete_gateway(
            world,
            fx,
            ctx,
            DeleteEnhancedVpnGatewayRequest::META,
            &r.region_id,
            &r.vpn_gateway_id,
            true,
        ),
        Request::DeleteVpnConnection(r) => delete_connection(world, fx, ctx, &r),
        Request::DescribeVpnGateway(r) => describe_gateway(world, fx, ctx, &r),
        Request::DescribeVpnGateways(r) => describe_gateways(world, fx, ctx, &r),
        Request::DescribeVpnConnection(r) => describe_connection(world, fx, ctx, &r),
        Request::DescribeVpnConnections(r) => describe_connections(world, fx, ctx, &r),
        other => Err(not_implemented(other.meta())),
    }
}

/// The answer for an operation the specs know but the emulator does not emulate yet.
pub fn not_implemented(op: &OperationMeta) -> ServiceError {
    ServiceError::custom(
        "Emulator.NotImplemented",
        format!(
            "cloudvpn-emulator recognises {} ({}) but does not emulate it yet.",
            op.action, op.api.title
        ),
        501,
    )
}

fn region_mut<'w>(
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
fn settle_gateway(
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

#[derive(Serialize)]
struct RequestIdOnly<'a> {
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

fn request_id_only(ctx: &Ctx<'_>) -> Vec<u8> {
    to_json(&RequestIdOnly {
        request_id: ctx.request_id,
    })
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // Sized for a Describe answer of one resource, so that it is written without regrowing (and under
    // glibc's 1008-byte small-allocation limit, above which each allocation is much slower).
    let mut out = Vec::with_capacity(1000);
    // Plain structs of strings and numbers: serialisation cannot fail.
    let _ = serde_json::to_writer(&mut out, value);
    out
}

fn delete_gateway(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    op: &OperationMeta,
    region_id: &str,
    gateway_id: &str,
    enhanced_call: bool,
) -> Result<Vec<u8>, ServiceError> {
    let not_found = || op_error(op, "InvalidVpnGatewayInstanceId.NotFound", 404);
    let region = region_mut(world, ctx, region_id).ok_or_else(not_found)?;
    if !settle_gateway(region, gateway_id, ctx.now_ms, false, fx) {
        return Err(not_found());
    }
    let Some(gateway) = region.vpn_gateways.get_mut(gateway_id) else {
        return Err(not_found());
    };
    // DeleteEnhancedVpnGateway deletes enhanced gateways only; DeleteVpnGateway deletes either kind.
    if enhanced_call && !gateway.enhanced {
        return Err(not_found());
    }
    if in_conflict_window(gateway, ctx.now_ms) {
        return Err(first_of(op, &["TaskConflict", "VpnGateway.Configuring"]));
    }
    if gateway.status != GatewayStatus::Active {
        return Err(op_error(op, "VpnGateway.Configuring", 400));
    }
    if gateway
        .prepaid_until_ms
        .is_some_and(|until| ctx.now_ms < until)
    {
        return Err(op_error(op, "ForbiddenRelease", 403));
    }
    if !gateway.connections.is_empty() {
        return Err(first_of(
            op,
            &[
                "DependencyViolation.VpnConnection",
                "VpnDependencyViolation.VpnConnection",
            ],
        ));
    }
    if gateway.ssl_vpn_server && !enhanced_call {
        return Err(op_error(op, "DependencyViolation.SslVpnServer", 400));
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
    fx.changed();
    Ok(request_id_only(ctx))
}

fn first_of(op: &OperationMeta, codes: &[&'static str]) -> ServiceError {
    ServiceError::first_documented(op, codes)
        .unwrap_or_else(|| op_error(op, codes.first().copied().unwrap_or("InternalError"), 400))
}

fn delete_connection(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DeleteVpnConnectionRequest,
) -> Result<Vec<u8>, ServiceError> {
    let op = DeleteVpnConnectionRequest::META;
    let not_found = || op_error(op, "InvalidVpnConnectionInstanceId.NotFound", 404);
    let region = region_mut(world, ctx, &r.region_id).ok_or_else(not_found)?;
    let gateway_id = region
        .vpn_connections
        .get(&r.vpn_connection_id)
        .map(|c| c.vpn_gateway_id.clone())
        .ok_or_else(not_found)?;
    settle_gateway(region, &gateway_id, ctx.now_ms, false, fx);
    let AlibabaRegion {
        vpn_gateways,
        vpn_connections,
    } = region;
    let connection = vpn_connections
        .get_mut(&r.vpn_connection_id)
        .ok_or_else(not_found)?;
    if connection.deleting {
        return Err(op_error(op, "VpnConnection.Configuring", 400));
    }
    let Some(gateway) = vpn_gateways.get_mut(&gateway_id) else {
        // A connection always has its gateway; answer as if it were gone rather than panic if not.
        return Err(not_found());
    };
    if in_conflict_window(gateway, ctx.now_ms) {
        return Err(first_of(
            op,
            &["VpnTask.CONFLICT", "VpnGateway.Configuring"],
        ));
    }
    match gateway.status {
        GatewayStatus::Active => {}
        GatewayStatus::Init | GatewayStatus::Provisioning => {
            return Err(op_error(op, "Appliance.Configuring", 400));
        }
        GatewayStatus::Updating | GatewayStatus::Deleting => {
            return Err(op_error(op, "VpnGateway.Configuring", 400));
        }
    }
    match ctx.transitions.alibaba_vpn_connection.schedule(ctx.now_ms) {
        None => {
            vpn_connections.remove(&r.vpn_connection_id);
            gateway.connections.remove(&r.vpn_connection_id);
        }
        Some(due) => {
            connection.deleting = true;
            gateway.status = GatewayStatus::Updating;
            let kind = GatewayTaskKind::DeleteConnection {
                connection_id: r.vpn_connection_id.clone(),
            };
            start_task(gateway, kind, ctx, due);
        }
    }
    fx.changed();
    Ok(request_id_only(ctx))
}

/// `prefix` + `rest`, serialised without building the string first.
struct Joined<'a>(&'static str, &'a str);

impl Serialize for Joined<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&format_args!("{}{}", self.0, self.1))
    }
}

/// A gateway as the Describe operations show it (with `RequestId` when it is the whole answer).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GatewayView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    vpn_gateway_id: &'a str,
    vpc_id: &'a str,
    #[serde(rename = "VSwitchId")]
    v_switch_id: Joined<'a>,
    internet_ip: &'a str,
    create_time: u64,
    end_time: u64,
    spec: &'a str,
    name: &'a str,
    description: &'a str,
    status: &'static str,
    business_status: &'static str,
    charge_type: &'static str,
    ipsec_vpn: &'static str,
    ssl_vpn: &'static str,
    ssl_max_connections: u32,
    tag: &'static str,
    enable_bgp: bool,
    auto_propagate: bool,
    gateway_type: &'static str,
    network_type: &'static str,
    vpn_type: &'static str,
    resource_group_id: &'static str,
}

impl<'a> GatewayView<'a> {
    fn of(g: &'a AlibabaVpnGateway, request_id: Option<&'a str>) -> Self {
        GatewayView {
            request_id,
            vpn_gateway_id: &g.id,
            vpc_id: &g.vpc_id,
            v_switch_id: Joined("vsw-", g.id.strip_prefix("vpn-").unwrap_or(&g.id)),
            internet_ip: &g.internet_ip,
            create_time: g.created_ms,
            end_time: g.prepaid_until_ms.unwrap_or(POSTPAY_END_TIME_MS),
            spec: &g.spec,
            name: &g.name,
            description: "",
            status: g.status.as_str(),
            business_status: "Normal",
            charge_type: if g.prepaid_until_ms.is_some() {
                "Prepay"
            } else {
                "POSTPAY"
            },
            ipsec_vpn: "enable",
            ssl_vpn: if g.ssl_vpn_server {
                "enable"
            } else {
                "disable"
            },
            ssl_max_connections: if g.ssl_vpn_server { 5 } else { 0 },
            tag: "",
            enable_bgp: false,
            auto_propagate: false,
            gateway_type: if g.enhanced {
                "Enhanced.SiteToSite"
            } else {
                "Traditional"
            },
            network_type: "public",
            vpn_type: "Normal",
            resource_group_id: RESOURCE_GROUP_ID,
        }
    }
}

fn describe_gateway(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpnGatewayRequest,
) -> Result<Vec<u8>, ServiceError> {
    let op = DescribeVpnGatewayRequest::META;
    let not_found = || op_error(op, "InvalidVpnGatewayInstanceId.NotFound", 404);
    let region = region_mut(world, ctx, &r.region_id).ok_or_else(not_found)?;
    if !settle_gateway(region, &r.vpn_gateway_id, ctx.now_ms, true, fx) {
        return Err(not_found());
    }
    let gateway = region
        .vpn_gateways
        .get(&r.vpn_gateway_id)
        .ok_or_else(not_found)?;
    Ok(to_json(&GatewayView::of(gateway, Some(ctx.request_id))))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GatewayList<'a> {
    request_id: &'a str,
    total_count: usize,
    page_number: i64,
    page_size: i64,
    vpn_gateways: GatewayItems<'a>,
}

#[derive(Serialize)]
struct GatewayItems<'a> {
    #[serde(rename = "VpnGateway")]
    items: Vec<GatewayView<'a>>,
}

/// `(offset, page number, page size)` of a page request, with the documented defaults.
fn page(number: Option<i64>, size: Option<i64>, default_size: i64) -> (usize, i64, i64) {
    let number = number.unwrap_or(1).max(1);
    let size = size.unwrap_or(default_size).max(1);
    let offset = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    (offset, number, size)
}

fn describe_gateways(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpnGatewaysRequest,
) -> Result<Vec<u8>, ServiceError> {
    let (offset, page_number, page_size) = page(r.page_number, r.page_size, 10);
    let empty = AlibabaRegion::default();
    let region: &AlibabaRegion = match region_mut(world, ctx, &r.region_id) {
        None => &empty,
        Some(region) => {
            // Settle what the answer will show first, so it never lists a gateway that is already gone.
            let ids: Vec<String> = match &r.vpn_gateway_id {
                Some(id) => vec![id.clone()],
                None => region
                    .vpn_gateways
                    .values()
                    .filter(|g| g.task.is_some())
                    .map(|g| g.id.clone())
                    .collect(),
            };
            for id in ids {
                settle_gateway(region, &id, ctx.now_ms, true, fx);
            }
            region
        }
    };
    let matches = |g: &&AlibabaVpnGateway| {
        r.vpc_id.as_deref().is_none_or(|v| v == g.vpc_id)
            && r.status.as_deref().is_none_or(|s| s == g.status.as_str())
            && r.business_status.as_deref().is_none_or(|s| s == "Normal")
            && r.resource_group_id
                .as_deref()
                .is_none_or(|rg| rg == RESOURCE_GROUP_ID)
    };
    let selected: Vec<&AlibabaVpnGateway> = match &r.vpn_gateway_id {
        Some(id) => region
            .vpn_gateways
            .get(id)
            .into_iter()
            .filter(matches)
            .collect(),
        None => region.vpn_gateways.values().filter(matches).collect(),
    };
    let total_count = selected.len();
    let items = selected
        .into_iter()
        .skip(offset)
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|g| GatewayView::of(g, None))
        .collect();
    Ok(to_json(&GatewayList {
        request_id: ctx.request_id,
        total_count,
        page_number,
        page_size,
        vpn_gateways: GatewayItems { items },
    }))
}

/// A connection as the Describe operations show it (with `RequestId` when it is the whole answer).
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConnectionView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    vpn_connection_id: &'a str,
    vpn_gateway_id: &'a str,
    customer_gateway_id: &'a str,
    name: &'a str,
    local_subnet: &'a str,
    remote_subnet: &'a str,
    create_time: u64,
    status: &'static str,
    state: &'static str,
    effect_immediately: bool,
    enable_dpd: bool,
    enable_nat_traversal: bool,
    network_type: &'static str,
    resource_group_id: &'static str,
    ike_config: IkeConfig,
    ipsec_config: IpsecConfig,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IkeConfig {
    ike_auth_alg: &'static str,
    ike_enc_alg: &'static str,
    ike_lifetime: u32,
    ike_mode: &'static str,
    ike_pfs: &'static str,
    ike_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IpsecConfig {
    ipsec_auth_alg: &'static str,
    ipsec_enc_alg: &'static str,
    ipsec_lifetime: u32,
    ipsec_pfs: &'static str,
}

impl<'a> ConnectionView<'a> {
    fn of(c: &'a AlibabaVpnConnection, request_id: Option<&'a str>) -> Self {
        ConnectionView {
            request_id,
            vpn_connection_id: &c.id,
            vpn_gateway_id: &c.vpn_gateway_id,
            customer_gateway_id: &c.customer_gateway_id,
            name: &c.name,
            local_subnet: &c.local_subnet,
            remote_subnet: &c.remote_subnet,
            create_time: c.created_ms,
            status: "ipsec_sa_established",
            // The binding state; `deleting` while its gateway removes it (value not documented).
            state: if c.deleting { "deleting" } else { "active" },
            effect_immediately: false,
            enable_dpd: true,
            enable_nat_traversal: true,
            network_type: "public",
            resource_group_id: RESOURCE_GROUP_ID,
            ike_config: IkeConfig {
                ike_auth_alg: "sha1",
                ike_enc_alg: "aes",
                ike_lifetime: 86_400,
                ike_mode: "main",
                ike_pfs: "group2",
                ike_version: "ikev1",
            },
            ipsec_config: IpsecConfig {
                ipsec_auth_alg: "sha1",
                ipsec_enc_alg: "aes",
                ipsec_lifetime: 86_400,
                ipsec_pfs: "group2",
            },
        }
    }
}

fn describe_connection(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpnConnectionRequest,
) -> Result<Vec<u8>, ServiceError> {
    let op = DescribeVpnConnectionRequest::META;
    let not_found = || op_error(op, "InvalidVpnConnectionInstanceId.NotFound", 404);
    let region = region_mut(world, ctx, &r.region_id).ok_or_else(not_found)?;
    let gateway_id = region
        .vpn_connections
        .get(&r.vpn_connection_id)
        .map(|c| c.vpn_gateway_id.clone())
        .ok_or_else(not_found)?;
    settle_gateway(region, &gateway_id, ctx.now_ms, true, fx);
    let connection = region
        .vpn_connections
        .get(&r.vpn_connection_id)
        .ok_or_else(not_found)?;
    Ok(to_json(&ConnectionView::of(
        connection,
        Some(ctx.request_id),
    )))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ConnectionList<'a> {
    request_id: &'a str,
    total_count: usize,
    page_number: i64,
    page_size: i64,
    vpn_connections: ConnectionItems<'a>,
}

#[derive(Serialize)]
struct ConnectionItems<'a> {
    #[serde(rename = "VpnConnection")]
    items: Vec<ConnectionView<'a>>,
}

fn describe_connections(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    r: &DescribeVpnConnectionsRequest,
) -> Result<Vec<u8>, ServiceError> {
    let (offset, page_number, page_size) = page(r.page_number, r.page_size, 10);
    let empty = AlibabaRegion::default();
    let matches = |c: &&AlibabaVpnConnection| {
        r.vpn_gateway_id
            .as_deref()
            .is_none_or(|g| g == c.vpn_gateway_id)
            && r.vpn_connection_id.as_deref().is_none_or(|id| id == c.id)
            && r.customer_gateway_id
                .as_deref()
                .is_none_or(|cg| cg == c.customer_gateway_id)
            && r.resource_group_id
                .as_deref()
                .is_none_or(|rg| rg == RESOURCE_GROUP_ID)
    };
    let region: &AlibabaRegion = match region_mut(world, ctx, &r.region_id) {
        None => &empty,
        Some(region) => {
            // Each gateway with a connection being deleted is observed once per call.
            let busy: BTreeSet<String> = region
                .vpn_connections
                .values()
                .filter(|c| c.deleting)
                .filter(matches)
                .map(|c| c.vpn_gateway_id.clone())
                .collect();
            for gateway_id in busy {
                settle_gateway(region, &gateway_id, ctx.now_ms, true, fx);
            }
            region
        }
    };
    let selected: Vec<&AlibabaVpnConnection> = match &r.vpn_connection_id {
        Some(id) => region
            .vpn_connections
            .get(id)
            .into_iter()
            .filter(matches)
            .collect(),
        None => region.vpn_connections.values().filter(matches).collect(),
    };
    let total_count = selected.len();
    let items = selected
        .into_iter()
        .skip(offset)
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|c| ConnectionView::of(c, None))
        .collect();
    Ok(to_json(&ConnectionList {
        request_id: ctx.request_id,
        total_count,
        page_number,
        page_size,
        vpn_connections: ConnectionItems { items },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_without_behaviour_is_named_in_the_answer() {
        let e = not_implemented(DescribeVpnGatewaysRequest::META);
        assert_eq!(
            (e.code.as_ref(), e.http_status),
            ("Emulator.NotImplemented", 501)
        );
        assert!(e.message.contains("DescribeVpnGateways"), "{}", e.message);
    }
}
