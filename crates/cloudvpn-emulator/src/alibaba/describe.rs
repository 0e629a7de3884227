//! The Alibaba Describe operations: what a gateway or connection shows, in the generated response types.
//!
//! A single-resource answer and a list item are different generated structs with the same fields, so
//! each resource's fields are set once, by a macro over either builder.

use super::behaviour::{Call, region_mut, settle_gateway};
use super::internal;
use crate::model::{AlibabaRegion, AlibabaVpnConnection, AlibabaVpnGateway};
use cloudvpn_types::alibaba_vpc::describe_vpn_connection::{
    DescribeVpnConnectionIkeConfig, DescribeVpnConnectionIpsecConfig,
};
use cloudvpn_types::alibaba_vpc::describe_vpn_connections::{
    VpnConnectionList, VpnConnectionListItem, VpnConnectionListItemIkeConfig,
    VpnConnectionListItemIpsecConfig,
};
use cloudvpn_types::alibaba_vpc::describe_vpn_gateway::{
    DescribeVpnGatewayTags, DescribeVpnGatewayTagsTagItem,
};
use cloudvpn_types::alibaba_vpc::describe_vpn_gateways::{
    VpnGatewayList, VpnGatewayListItem, VpnGatewayListItemTags, VpnGatewayListItemTagsTagItem,
};
use cloudvpn_types::alibaba_vpc::{
    DescribeVpnConnectionError, DescribeVpnConnectionRequest, DescribeVpnConnectionResponse,
    DescribeVpnConnectionsError, DescribeVpnConnectionsRequest, DescribeVpnConnectionsResponse,
    DescribeVpnGatewayError, DescribeVpnGatewayRequest, DescribeVpnGatewayResponse,
    DescribeVpnGatewaysError, DescribeVpnGatewaysRequest, DescribeVpnGatewaysResponse,
};
use std::collections::BTreeSet;

/// The resource group every emulated resource is in.
pub const RESOURCE_GROUP_ID: &str = "rg-emulator";
/// `EndTime` of pay-as-you-go gateways (the real service answers a far-future date).
const POSTPAY_END_TIME_MS: u64 = 4_102_415_999_000;

fn millis(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// Sets a gateway's fields on a `DescribeVpnGatewayResponse` or `VpnGatewayListItem` builder, with the
/// `Tags` wrapper and tag item structs of that response (the service leaves `Tags` out when there are none).
macro_rules! gateway_fields {
    ($builder:expr, $gateway:expr, $tags:ty, $tag:ty) => {{
        let g: &AlibabaVpnGateway = $gateway;
        let tags = (!g.tags.is_empty()).then(|| {
            <$tags>::builder()
                .tag(
                    g.tags
                        .iter()
                        .map(|(k, v)| <$tag>::builder().key(k).value(v).build())
                        .collect(),
                )
                .build()
        });
        $builder
            .set_tags(tags)
            .vpn_gateway_id(&g.id)
            .vpc_id(&g.vpc_id)
            .vswitch_id(format!(
                "vsw-{}",
                g.id.strip_prefix("vpn-").unwrap_or(&g.id)
            ))
            .internet_ip(&g.internet_ip)
            .create_time(millis(g.created_ms))
            .end_time(millis(g.prepaid_until_ms.unwrap_or(POSTPAY_END_TIME_MS)))
            .spec(&g.spec)
            .name(&g.name)
            .description("")
            .status(g.status.as_str())
            .business_status("Normal")
            .charge_type(if g.prepaid_until_ms.is_some() {
                "Prepay"
            } else {
                "POSTPAY"
            })
            .ipsec_vpn("enable")
            .ssl_vpn(if g.ssl_vpn_server {
                "enable"
            } else {
                "disable"
            })
            .ssl_max_connections(if g.ssl_vpn_server { 5 } else { 0 })
            .tag("")
            .enable_bgp(false)
            .auto_propagate(false)
            .gateway_type(if g.enhanced {
                "Enhanced.SiteToSite"
            } else {
                "Traditional"
            })
            .network_type("public")
            .vpn_type("Normal")
            .resource_group_id(RESOURCE_GROUP_ID)
    }};
}

/// Sets a connection's fields on a `DescribeVpnConnectionResponse` or `VpnConnectionListItem` builder,
/// with the IKE and IPsec configuration structs of that response.
macro_rules! connection_fields {
    ($builder:expr, $connection:expr, $ike:ty, $ipsec:ty) => {{
        let c: &AlibabaVpnConnection = $connection;
        $builder
            .vpn_connection_id(&c.id)
            .vpn_gateway_id(&c.vpn_gateway_id)
            .customer_gateway_id(&c.customer_gateway_id)
            .name(&c.name)
            .local_subnet(&c.local_subnet)
            .remote_subnet(&c.remote_subnet)
            .create_time(millis(c.created_ms))
            .status("ipsec_sa_established")
            // The binding state; `deleting` while its gateway removes it (value not documented).
            .state(if c.deleting { "deleting" } else { "active" })
            .effect_immediately(false)
            .enable_dpd(true)
            .enable_nat_traversal(true)
            .network_type("public")
            .resource_group_id(RESOURCE_GROUP_ID)
            .ike_config(
                <$ike>::builder()
                    .ike_auth_alg("sha1")
                    .ike_enc_alg("aes")
                    .ike_lifetime(86_400)
                    .ike_mode("main")
                    .ike_pfs("group2")
                    .ike_version("ikev1")
                    .build(),
            )
            .ipsec_config(
                <$ipsec>::builder()
                    .ipsec_auth_alg("sha1")
                    .ipsec_enc_alg("aes")
                    .ipsec_lifetime(86_400)
                    .ipsec_pfs("group2")
                    .build(),
            )
    }};
}

/// `(offset, page number, page size)` of a page request, with the documented defaults.
fn page(number: Option<i64>, size: Option<i64>, default_size: i64) -> (usize, i64, i64) {
    let number = number.unwrap_or(1).max(1);
    let size = size.unwrap_or(default_size).max(1);
    let offset = usize::try_from((number - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    (offset, number, size)
}

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

pub(super) fn gateway(
    call: &mut Call<'_>,
    r: &DescribeVpnGatewayRequest,
) -> Result<DescribeVpnGatewayResponse, DescribeVpnGatewayError> {
    let not_found = DescribeVpnGatewayError::invalid_vpn_gateway_instance_id_not_found;
    let ctx = call.ctx;
    let region = region_mut(call.world, ctx, &r.region_id).ok_or_else(not_found)?;
    if !settle_gateway(region, &r.vpn_gateway_id, ctx.now_ms, true, call.fx) {
        return Err(not_found());
    }
    let g = region
        .vpn_gateways
        .get(&r.vpn_gateway_id)
        .ok_or_else(not_found)?;
    gateway_fields!(
        DescribeVpnGatewayResponse::builder().request_id(ctx.request_id),
        g,
        DescribeVpnGatewayTags,
        DescribeVpnGatewayTagsTagItem
    )
    .build()
    .map_err(internal)
}

pub(super) fn gateways(
    call: &mut Call<'_>,
    r: &DescribeVpnGatewaysRequest,
) -> Result<DescribeVpnGatewaysResponse, DescribeVpnGatewaysError> {
    let ctx = call.ctx;
    let (offset, page_number, page_size) = page(r.page_number, r.page_size, 10);
    let empty = AlibabaRegion::default();
    let region: &AlibabaRegion = match region_mut(call.world, ctx, &r.region_id) {
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
                settle_gateway(region, &id, ctx.now_ms, true, call.fx);
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
    let total_count = count(selected.len());
    let items = selected
        .into_iter()
        .skip(offset)
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|g| {
            gateway_fields!(
                VpnGatewayListItem::builder(),
                g,
                VpnGatewayListItemTags,
                VpnGatewayListItemTagsTagItem
            )
            .build()
        })
        .collect();
    DescribeVpnGatewaysResponse::builder()
        .request_id(ctx.request_id)
        .total_count(total_count)
        .page_number(page_number)
        .page_size(page_size)
        .vpn_gateways(VpnGatewayList::builder().vpn_gateway(items).build())
        .build()
        .map_err(internal)
}

pub(super) fn connection(
    call: &mut Call<'_>,
    r: &DescribeVpnConnectionRequest,
) -> Result<DescribeVpnConnectionResponse, DescribeVpnConnectionError> {
    let not_found = DescribeVpnConnectionError::invalid_vpn_connection_instance_id_not_found;
    let ctx = call.ctx;
    let region = region_mut(call.world, ctx, &r.region_id).ok_or_else(not_found)?;
    let gateway_id = region
        .vpn_connections
        .get(&r.vpn_connection_id)
        .map(|c| c.vpn_gateway_id.clone())
        .ok_or_else(not_found)?;
    settle_gateway(region, &gateway_id, ctx.now_ms, true, call.fx);
    let c = region
        .vpn_connections
        .get(&r.vpn_connection_id)
        .ok_or_else(not_found)?;
    connection_fields!(
        DescribeVpnConnectionResponse::builder().request_id(ctx.request_id),
        c,
        DescribeVpnConnectionIkeConfig,
        DescribeVpnConnectionIpsecConfig
    )
    .build()
    .map_err(internal)
}

pub(super) fn connections(
    call: &mut Call<'_>,
    r: &DescribeVpnConnectionsRequest,
) -> Result<DescribeVpnConnectionsResponse, DescribeVpnConnectionsError> {
    let ctx = call.ctx;
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
    let region: &AlibabaRegion = match region_mut(call.world, ctx, &r.region_id) {
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
                settle_gateway(region, &gateway_id, ctx.now_ms, true, call.fx);
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
    let total_count = count(selected.len());
    let items = selected
        .into_iter()
        .skip(offset)
        .take(usize::try_from(page_size).unwrap_or(usize::MAX))
        .map(|c| {
            connection_fields!(
                VpnConnectionListItem::builder(),
                c,
                VpnConnectionListItemIkeConfig,
                VpnConnectionListItemIpsecConfig
            )
            .build()
        })
        .collect();
    DescribeVpnConnectionsResponse::builder()
        .request_id(ctx.request_id)
        .total_count(total_count)
        .page_number(page_number)
        .page_size(page_size)
        .vpn_connections(VpnConnectionList::builder().vpn_connection(items).build())
        .build()
        .map_err(internal)
}
