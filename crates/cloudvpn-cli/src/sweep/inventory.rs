//! What a sweep sees: every VPN gateway of one cloud, account and region with its connections, in one
//! shape for both clouds, listed with read-only calls only (a whole region's gateways and connections page
//! by page, rather than one call per gateway).

use super::limiter::Limiter;
use super::target::Target;
use crate::failure::Failure;
use cloudvpn_types::alibaba_vpc::{DescribeVpnConnectionsRequest, DescribeVpnGatewaysRequest};
use cloudvpn_types::tencent_vpc::{
    DescribeVpnConnectionsRequest as TencentConnections,
    DescribeVpnGatewaysRequest as TencentGateways,
};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Alibaba's documented largest page (`PageSize` at most 50).
const ALIBABA_PAGE: i64 = 50;
/// Tencent API 3.0's documented largest page (`Limit` at most 100).
const TENCENT_PAGE: i64 = 100;

/// One VPN gateway as the Describe answers show it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Gateway {
    pub id: String,
    pub name: String,
    pub vpc_id: String,
    pub tags: BTreeMap<String, String>,
    /// Creation time (ms since the epoch), when the answer gives one.
    pub created_ms: Option<u64>,
    /// The end of a prepaid term (ms since the epoch); `None` for pay-as-you-go.
    pub prepaid_until_ms: Option<u64>,
    /// Alibaba: SSL-VPN enabled; Tencent: an SSL gateway type.
    pub ssl_vpn: bool,
    /// Tencent: the CCN instance it is bound to.
    pub ccn_id: Option<String>,
    /// Alibaba: an enhanced gateway (deleted with DeleteEnhancedVpnGateway).
    pub enhanced: bool,
    /// The state the service shows (`active`, `deleting`, `AVAILABLE`, `DELETING`).
    pub state: String,
    /// Ids of its connections.
    pub connections: Vec<String>,
}

fn ms(secs: i64) -> Option<u64> {
    u64::try_from(secs).ok().map(|s| s.saturating_mul(1000))
}

/// Every gateway of the target's Alibaba region (of `vpc_id` only, when given), with its connections.
pub async fn alibaba(
    target: &Target,
    limiter: &Limiter,
    vpc_id: Option<&str>,
) -> Result<Vec<Gateway>, Failure> {
    let client = target.settings.alibaba_client()?;
    let region = &target.region;
    let mut gateways = Vec::new();
    let mut page = 1;
    loop {
        let mut request = DescribeVpnGatewaysRequest::new(region).page_size(ALIBABA_PAGE);
        request.page_number = Some(page);
        if let Some(vpc) = vpc_id {
            request = request.vpc_id(vpc);
        }
        let out = limiter.send(target, &client, request).await?;
        let items = out.vpn_gateways.map(|l| l.vpn_gateway).unwrap_or_default();
        let count = items.len();
        for g in items {
            let Some(id) = g.vpn_gateway_id else { continue };
            let prepaid = g
                .charge_type
                .as_deref()
                .is_some_and(|c| c.eq_ignore_ascii_case("prepay"));
            gateways.push(Gateway {
                id,
                name: g.name.unwrap_or_default(),
                vpc_id: g.vpc_id.unwrap_or_default(),
                tags: g
                    .tags
                    .map(|t| t.tag)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
                    .collect(),
                created_ms: g.create_time.and_then(|t| u64::try_from(t).ok()),
                prepaid_until_ms: g
                    .end_time
                    .filter(|_| prepaid)
                    .and_then(|t| u64::try_from(t).ok()),
                ssl_vpn: g.ssl_vpn.as_deref() == Some("enable"),
                ccn_id: None,
                enhanced: g
                    .gateway_type
                    .as_deref()
                    .is_some_and(|t| t.starts_with("Enhanced")),
                state: g.status.unwrap_or_default(),
                connections: Vec::new(),
            });
        }
        if count == 0 || gateways.len() as i64 >= out.total_count {
            break;
        }
        page += 1;
    }
    if gateways.is_empty() {
        return Ok(gateways);
    }
    // One listing of the region's connections, grouped by gateway.
    let mut by_gateway: HashMap<String, Vec<String>> = HashMap::new();
    let mut seen = 0_i64;
    let mut page = 1;
    loop {
        let mut request = DescribeVpnConnectionsRequest::new(region).page_size(ALIBABA_PAGE);
        request.page_number = Some(page);
        let out = limiter.send(target, &client, request).await?;
        let items = out
            .vpn_connections
            .map(|l| l.vpn_connection)
            .unwrap_or_default();
        let count = items.len();
        seen += count as i64;
        for c in items {
            if let (Some(id), Some(gw)) = (c.vpn_connection_id, c.vpn_gateway_id) {
                by_gateway.entry(gw).or_default().push(id);
            }
        }
        if count == 0 || seen >= out.total_count {
            break;
        }
        page += 1;
    }
    for g in &mut gateways {
        g.connections = by_gateway.remove(&g.id).unwrap_or_default();
    }
    Ok(gateways)
}

/// Tencent API 3.0's offset paging: page after page from offset 0, until a page is empty or the answers'
/// `TotalCount` is reached (an answer without one is the last). `page` asks for one page at an offset and gives its items and total.
async fn tencent_pages<T, F, Fut>(mut page: F) -> Result<Vec<T>, Failure>
where
    F: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<i64>), Failure>>,
{
    let mut items = Vec::new();
    let mut offset = 0;
    loop {
        let (batch, total) = page(offset).await?;
        let count = batch.len();
        offset += count as i64;
        items.extend(batch);
        if count == 0 || total.is_none_or(|total| offset >= total) {
            return Ok(items);
        }
    }
}

/// Every gateway of the target's Tencent region (API 3.0), with its connections.
pub async fn tencent(
    target: &Target,
    limiter: &Limiter,
    vpc_id: Option<&str>,
) -> Result<Vec<Gateway>, Failure> {
    use cloudvpn_types::tencent_vpc::describe_vpn_connections::Filter;
    use cloudvpn_types::tencent_vpc::describe_vpn_gateways::FilterObject;
    let client = target.settings.tencent_api3_client()?;
    let client = &client;
    let listed = tencent_pages(|offset| {
        let mut request = TencentGateways::new().offset(offset).limit(TENCENT_PAGE);
        if let Some(vpc) = vpc_id {
            request = request.filters([FilterObject::new("vpc-id", [vpc.to_owned()])]);
        }
        async move {
            let out = limiter.send(target, client, request).await?;
            Ok((out.vpn_gateway_set, out.total_count))
        }
    })
    .await?;
    let mut gateways = Vec::new();
    for g in listed {
        let Some(id) = g.vpn_gateway_id else { continue };
        let prepaid = g.instance_charge_type.as_deref() == Some("PREPAID");
        let kind = g.gateway_type.as_deref().unwrap_or_default();
        gateways.push(Gateway {
            id,
            name: g.vpn_gateway_name.unwrap_or_default(),
            vpc_id: g.vpc_id.unwrap_or_default(),
            tags: g
                .tag_set
                .into_iter()
                .filter_map(|t| Some((t.key?, t.value.unwrap_or_default())))
                .collect(),
            created_ms: g
                .created_time
                .as_deref()
                .and_then(crate::teardown::tencent::beijing_time_secs)
                .and_then(ms),
            prepaid_until_ms: g
                .expired_time
                .as_deref()
                .filter(|_| prepaid)
                .and_then(crate::teardown::tencent::beijing_time_secs)
                .and_then(ms),
            ssl_vpn: kind == "SSL" || kind == "SSL_CCN",
            ccn_id: g
                .network_instance_id
                .filter(|id| !id.is_empty())
                .or_else(|| (kind == "CCN").then(|| "a CCN instance".to_owned())),
            enhanced: false,
            state: g.state.unwrap_or_default(),
            connections: Vec::new(),
        });
    }
    if gateways.is_empty() {
        return Ok(gateways);
    }
    let connections = tencent_pages(|offset| {
        let mut request = TencentConnections::new().offset(offset).limit(TENCENT_PAGE);
        if let Some(vpc) = vpc_id {
            request = request.filters([Filter::new("vpc-id", [vpc.to_owned()])]);
        }
        async move {
            let out = limiter.send(target, client, request).await?;
            Ok((out.vpn_connection_set, out.total_count))
        }
    })
    .await?;
    let mut by_gateway: HashMap<String, Vec<String>> = HashMap::new();
    for c in connections {
        if let (Some(id), Some(gw)) = (c.vpn_connection_id, c.vpn_gateway_id) {
            by_gateway.entry(gw).or_default().push(id);
        }
    }
    for g in &mut gateways {
        g.connections = by_gateway.remove(&g.id).unwrap_or_default();
    }
    Ok(gateways)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages of at most 100 out of `len` items, with or without the total.
    async fn pages(len: i64, with_total: bool) -> (Vec<i64>, Vec<i64>) {
        let mut asked = Vec::new();
        let items = tencent_pages(|offset| {
            asked.push(offset);
            let batch: Vec<i64> = (offset..(offset + 100).min(len)).collect();
            async move { Ok((batch, with_total.then_some(len))) }
        })
        .await
        .unwrap();
        (items, asked)
    }

    #[tokio::test]
    async fn tencent_paging_reads_every_page_until_the_total_or_an_empty_page() {
        let (items, asked) = pages(250, true).await;
        assert_eq!(items, (0..250).collect::<Vec<_>>());
        assert_eq!(asked, [0, 100, 200]);
        // An answer without a total is taken as the last page, as before the loop was shared.
        let (items, asked) = pages(250, false).await;
        assert_eq!(items.len(), 100);
        assert_eq!(asked, [0]);
        let (items, asked) = pages(0, true).await;
        assert!(items.is_empty());
        assert_eq!(asked, [0]);
    }
}
