//! `DescribeVpnConn`: the connections of a region, as the generated response shows them.

use super::behaviour::{Call, SUCCESS, resolve_gateway, resolve_vpc, settle_task};
use super::internal;
use crate::clock;
use crate::model::{TencentRegion, TencentVpnConnection};
use cloudvpn_types::tencent_vpc_v2::describe_vpn_conn::{
    DescribeVpnConnDataItem, DescribeVpnConnDataItemIkeSet, DescribeVpnConnDataItemIpsecSet,
};
use cloudvpn_types::tencent_vpc_v2::{
    DescribeVpnConnError, DescribeVpnConnRequest, DescribeVpnConnResponse,
};

fn legacy(id: u64) -> i64 {
    i64::try_from(id).unwrap_or(i64::MAX)
}

fn item(region: &TencentRegion, c: &TencentVpnConnection) -> DescribeVpnConnDataItem {
    let vpc = region.vpcs.get(&c.vpc_id);
    let gateway = region.vpn_gateways.get(&c.vpn_gateway_id);
    DescribeVpnConnDataItem::builder()
        .vpc_id(vpc.map_or("", |v| v.legacy_id.as_str()))
        .un_vpc_id(&c.vpc_id)
        .vpc_name(vpc.map_or("", |v| v.name.as_str()))
        .vpc_cidr_block(vpc.map_or("", |v| v.cidr_block.as_str()))
        .vpn_gw_id(gateway.map_or(0, |g| legacy(g.legacy_id)))
        .un_vpn_gw_id(&c.vpn_gateway_id)
        .vpn_gw_name(gateway.map_or("", |g| g.name.as_str()))
        .vpn_gw_address(gateway.map_or("", |g| g.address.as_str()))
        .vpn_conn_id(legacy(c.legacy_id))
        .un_vpn_conn_id(&c.id)
        .vpn_conn_name(&c.name)
        .user_gw_id(legacy(c.legacy_id))
        .un_user_gw_id(format!("cgw-{:08x}", c.legacy_id))
        .user_gw_name(&c.user_gateway_address)
        .user_gw_address(&c.user_gateway_address)
        .vpc_conn_status(c.status)
        .pre_shared_key(&c.pre_shared_key)
        .source_cidr(c.source_cidr.clone())
        .destination_cidr(c.destination_cidr.clone())
        .vpn_proto("ip-sec")
        .create_time(clock::format_tencent(
            i64::try_from(c.created_ms / 1000).unwrap_or(i64::MAX),
        ))
        .ike_arr(
            DescribeVpnConnDataItemIkeSet::builder()
                .propo_encry_algorithm("aes-cbc-128")
                .propo_authen_algorithm("sha")
                .exchange_mode("main")
                .local_identity("address")
                .remote_identity("address")
                .dh_group_name("group2")
                .ike_sa_lifetime_seconds("86400")
                .build(),
        )
        .ipsec_arr(
            DescribeVpnConnDataItemIpsecSet::builder()
                .encrypt_algorithm("aes-cbc-128")
                .integrity_algorith("sha1")
                .encap_mode("tunnel")
                .security_proto("ESP")
                .ipsec_sa_lifetime_seconds("3600")
                .ipsec_sa_lifetime_traffic("1843200")
                .pfs_dh_group("null")
                .build(),
        )
        .build()
}

pub(super) fn connections(
    call: &mut Call<'_>,
    r: &DescribeVpnConnRequest,
) -> Result<DescribeVpnConnResponse, DescribeVpnConnError> {
    let ctx = call.ctx;
    let world = &mut *call.world;
    let fx = &mut *call.fx;
    let empty_region = TencentRegion::default();
    let (vpc_filter, gateway_filter) = {
        let region = world
            .accounts
            .get(ctx.account)
            .and_then(|a| a.tencent.get(ctx.region))
            .unwrap_or(&empty_region);
        let vpc = match &r.vpc_id {
            Some(v) => Some(
                resolve_vpc(region, v).ok_or_else(DescribeVpnConnError::invalid_vpc_not_found)?,
            ),
            None => None,
        };
        let gateway = match &r.vpn_gw_id {
            Some(g) => Some(
                resolve_gateway(region, g)
                    .ok_or_else(DescribeVpnConnError::invalid_vpn_gw_not_found)?,
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
    let total_count = i64::try_from(selected.len()).unwrap_or(i64::MAX);
    let offset = usize::try_from(r.offset.unwrap_or(0)).unwrap_or(0);
    let limit = usize::try_from(r.limit.unwrap_or(20)).unwrap_or(20);
    let data = selected
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|c| item(region, c))
        .collect();
    let (code, message, code_desc) = SUCCESS;
    DescribeVpnConnResponse::builder()
        .code(code)
        .message(message)
        .code_desc(code_desc)
        .total_count(total_count)
        .data(data)
        .build()
        .map_err(internal)
}
