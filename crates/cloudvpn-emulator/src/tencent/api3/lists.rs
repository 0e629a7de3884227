//! The list calls of API 3.0, `DescribeVpnConnections` and `DescribeVpnGateways`: ids or `Filters` (not
//! both: `InvalidParameter.Coexist`; an unknown filter name: `InvalidParameter.FilterInvalidKey`), `Offset`
//! and `Limit` (default 20), ids that name nothing left out of the set; and how a resource is written in
//! their answers.

use super::behaviour::Call;
use super::id_format::VPN_GATEWAY;
use super::internal;
use crate::clock;
use crate::model::{TencentRegion, conn_status};
use cloudvpn_types::tencent_vpc::describe_vpn_connections::VpnConnection;
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::{Tag, VpnGateway};
use cloudvpn_types::tencent_vpc::{
    DescribeVpnConnectionsError, DescribeVpnConnectionsRequest, DescribeVpnConnectionsResponse,
    DescribeVpnGatewaysError, DescribeVpnGatewaysRequest, DescribeVpnGatewaysResponse,
};

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
    pub(super) fn list_vpn_connections(
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

    pub(super) fn list_vpn_gateways(
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

#[cfg(test)]
mod tests {
    #[test]
    fn api3_times_are_written_in_beijing_time() {
        // 2015-11-06 03:20:39 UTC is 11:20:39 in Beijing.
        assert_eq!(super::created(1_446_780_039_000), "2015-11-06 11:20:39");
    }
}
