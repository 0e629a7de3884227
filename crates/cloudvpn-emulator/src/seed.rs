//! Putting resources into the world from outside (the control API and [`crate::Handle`]): the specs have no
//! Create operations, so this is how tests and demos set up what they delete.

use crate::clock;
use crate::credentials::DEFAULT_ACCOUNT;
use crate::ids;
use crate::model::{
    AlibabaVpnConnection, AlibabaVpnGateway, GatewayStatus, GatewayTask, GatewayTaskKind,
    TencentVpc, TencentVpnConnection, TencentVpnGateway, World, conn_status,
};
use crate::store::Effects;
use crate::tencent::region::{normalize_region, short_region};
use crate::timing::Transitions;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

/// A point in time given either as `YYYY-MM-DDTHH:MM:SSZ` or as milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeMs(pub u64);

impl<'de> Deserialize<'de> for TimeMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Ms(u64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Ms(ms) => Ok(TimeMs(ms)),
            Either::Text(t) => clock::parse_utc(&t)
                .and_then(|s| u64::try_from(s).ok())
                .map(|s| TimeMs(s * 1000))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "expected YYYY-MM-DDTHH:MM:SSZ or milliseconds since the epoch, got {t:?}"
                    ))
                }),
        }
    }
}

/// `POST /_emulator/alibaba/vpn-gateways`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaGatewaySeed {
    /// Region id (`cn-hangzhou`).
    pub region: String,
    /// Gateway id; generated (`vpn-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// An enhanced gateway (`DeleteEnhancedVpnGateway`).
    #[serde(default)]
    pub enhanced: bool,
    /// Prepaid until then; `null` for pay-as-you-go.
    #[serde(default)]
    pub prepaid_until: Option<TimeMs>,
    /// `init`, `provisioning` (then `active` per the gateway transition) or `active` (default).
    #[serde(default)]
    pub status: Option<GatewayStatus>,
    /// Has an SSL-VPN server (blocks `DeleteVpnGateway` with `DependencyViolation.SslVpnServer`).
    #[serde(default)]
    pub ssl_vpn_server: bool,
    /// VPC id; generated when absent.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /_emulator/alibaba/vpn-connections`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaConnectionSeed {
    /// Region id.
    pub region: String,
    /// Connection id; generated (`vco-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The gateway, which must exist in the same account and region.
    pub vpn_gateway_id: String,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Customer gateway id; generated when absent.
    #[serde(default)]
    pub customer_gateway_id: Option<String>,
}

/// `POST /_emulator/tencent/vpcs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVpcSeed {
    /// VPC id; generated (`vpc-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// CIDR block (default `10.0.0.0/16`).
    #[serde(default)]
    pub cidr_block: Option<String>,
}

/// `POST /_emulator/tencent/vpn-gateways`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentGatewaySeed {
    /// The VPC, which must exist.
    pub vpc_id: String,
    /// Gateway id; generated (`vpngw-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
}

/// `POST /_emulator/tencent/vpn-connections`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentConnectionSeed {
    /// The VPC, which must exist.
    pub vpc_id: String,
    /// The gateway, which must exist in that VPC.
    pub vpn_gateway_id: String,
    /// Connection id; generated (`vpnx-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// `vpcConnStatus` (default 6, running); 0 (creating) and 2 (modifying) make `DeleteVpnConn` answer
    /// `InvalidVpnConnState`.
    #[serde(default)]
    pub status: Option<i64>,
    /// Its deletion task fails (status 1) and leaves it in state 5.
    #[serde(default)]
    pub deletion_fails: bool,
}

/// Why a seed was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// The HTTP status the control API answers (400, 404 or 409).
    pub status: u16,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SeedError {}

fn refuse(status: u16, message: impl Into<String>) -> SeedError {
    SeedError {
        status,
        message: message.into(),
    }
}

fn account(a: &Option<String>) -> &str {
    a.as_deref().unwrap_or(DEFAULT_ACCOUNT)
}

fn check_id(id: &str) -> Result<(), SeedError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(refuse(
            400,
            format!("id {id:?} must be 1 to 128 printable ASCII characters"),
        ));
    }
    Ok(())
}

fn random_ip() -> String {
    format!(
        "47.{}.{}.{}",
        fastrand::u8(1..255),
        fastrand::u8(1..255),
        fastrand::u8(1..255)
    )
}

/// Adds an Alibaba VPN gateway.
pub fn alibaba_gateway(
    world: &mut World,
    fx: &mut Effects,
    transitions: &Transitions,
    seed: AlibabaGatewaySeed,
) -> Result<AlibabaVpnGateway, SeedError> {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    if seed.region.is_empty() {
        return Err(refuse(400, "region is required"));
    }
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpn-", 21));
    check_id(&id)?;
    let now = clock::now_ms();
    let status = seed.status.unwrap_or(GatewayStatus::Active);
    let task = match status {
        GatewayStatus::Active => None,
        GatewayStatus::Init | GatewayStatus::Provisioning => transitions
            .alibaba_vpn_gateway
            .schedule(now)
            .map(|due| GatewayTask {
                kind: GatewayTaskKind::Provision,
                started_ms: now,
                conflict_until_ms: now.saturating_add(transitions.conflict_window_ms),
                due,
            }),
        GatewayStatus::Updating | GatewayStatus::Deleting => {
            return Err(refuse(
                400,
                "status must be init, provisioning or active; updating and deleting come from \
                 DeleteVpnConnection and DeleteVpnGateway",
            ));
        }
    };
    let region = world
        .account_mut(account(&seed.account))
        .alibaba_region_mut(&seed.region);
    if region.vpn_gateways.contains_key(&id) {
        return Err(refuse(409, format!("VPN gateway {id} already exists")));
    }
    let gateway = AlibabaVpnGateway {
        id: id.clone(),
        vpc_id: seed.vpc_id.unwrap_or_else(|| ids::resource_id("vpc-", 21)),
        name: seed.name.unwrap_or_default(),
        enhanced: seed.enhanced,
        prepaid_until_ms: seed.prepaid_until.map(|t| t.0),
        ssl_vpn_server: seed.ssl_vpn_server,
        // A status whose transition is immediate is already over.
        status: if task.is_some() {
            status
        } else {
            GatewayStatus::Active
        },
        created_ms: now,
        internet_ip: random_ip(),
        spec: "10M".to_owned(),
        connections: Default::default(),
        task,
    };
    region.vpn_gateways.insert(id, gateway.clone());
    fx.changed();
    Ok(gateway)
}

/// Adds an Alibaba IPsec connection to an existing gateway.
pub fn alibaba_connection(
    world: &mut World,
    fx: &mut Effects,
    seed: AlibabaConnectionSeed,
) -> Result<AlibabaVpnConnection, SeedError> {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    if seed.region.is_empty() {
        return Err(refuse(400, "region is required"));
    }
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vco-", 21));
    check_id(&id)?;
    let region = world
        .account_mut(account(&seed.account))
        .alibaba_region_mut(&seed.region);
    if region.vpn_connections.contains_key(&id) {
        return Err(refuse(409, format!("VPN connection {id} already exists")));
    }
    let Some(gateway) = region.vpn_gateways.get_mut(&seed.vpn_gateway_id) else {
        return Err(refuse(
            404,
            format!(
                "VPN gateway {} does not exist in region {} of account {}",
                seed.vpn_gateway_id,
                seed.region,
                account(&seed.account)
            ),
        ));
    };
    if gateway.status == GatewayStatus::Deleting {
        return Err(refuse(
            409,
            format!("VPN gateway {} is being deleted", gateway.id),
        ));
    }
    gateway.connections.insert(id.clone());
    let connection = AlibabaVpnConnection {
        id: id.clone(),
        vpn_gateway_id: seed.vpn_gateway_id,
        customer_gateway_id: seed
            .customer_gateway_id
            .unwrap_or_else(|| ids::resource_id("cgw-", 21)),
        name: seed.name.unwrap_or_default(),
        local_subnet: "192.168.0.0/16".to_owned(),
        remote_subnet: "10.0.0.0/8".to_owned(),
        created_ms: clock::now_ms(),
        deleting: false,
    };
    region.vpn_connections.insert(id, connection.clone());
    fx.changed();
    Ok(connection)
}

fn tencent_region(region: &Option<String>, default_region: &str) -> String {
    normalize_region(region.as_deref().unwrap_or(default_region)).to_owned()
}

/// Adds a Tencent VPC.
pub fn tencent_vpc(
    world: &mut World,
    fx: &mut Effects,
    default_region: &str,
    seed: TencentVpcSeed,
) -> Result<TencentVpc, SeedError> {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpc-", 8));
    check_id(&id)?;
    let region_name = tencent_region(&seed.region, default_region);
    let legacy = world.legacy_id();
    let region = world
        .account_mut(account(&seed.account))
        .tencent_region_mut(&region_name);
    if region.vpcs.contains_key(&id) {
        return Err(refuse(409, format!("VPC {id} already exists")));
    }
    let vpc = TencentVpc {
        id: id.clone(),
        legacy_id: format!("{}_vpc_{legacy}", short_region(&region_name)),
        name: seed.name.unwrap_or_default(),
        cidr_block: seed.cidr_block.unwrap_or_else(|| "10.0.0.0/16".to_owned()),
    };
    region.vpcs.insert(id, vpc.clone());
    fx.changed();
    Ok(vpc)
}

/// Adds a Tencent VPN gateway to an existing VPC.
pub fn tencent_gateway(
    world: &mut World,
    fx: &mut Effects,
    default_region: &str,
    seed: TencentGatewaySeed,
) -> Result<TencentVpnGateway, SeedError> {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpngw-", 8));
    check_id(&id)?;
    let region_name = tencent_region(&seed.region, default_region);
    let legacy_id = world.legacy_id();
    let region = world
        .account_mut(account(&seed.account))
        .tencent_region_mut(&region_name);
    if region.vpn_gateways.contains_key(&id) {
        return Err(refuse(409, format!("VPN gateway {id} already exists")));
    }
    if !region.vpcs.contains_key(&seed.vpc_id) {
        return Err(refuse(
            404,
            format!("VPC {} does not exist in region {region_name}", seed.vpc_id),
        ));
    }
    let gateway = TencentVpnGateway {
        id: id.clone(),
        legacy_id,
        vpc_id: seed.vpc_id,
        name: seed.name.unwrap_or_default(),
        address: random_ip(),
    };
    region.vpn_gateways.insert(id, gateway.clone());
    fx.changed();
    Ok(gateway)
}

/// Adds a Tencent VPN connection to an existing gateway.
pub fn tencent_connection(
    world: &mut World,
    fx: &mut Effects,
    default_region: &str,
    seed: TencentConnectionSeed,
) -> Result<TencentVpnConnection, SeedError> {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpnx-", 8));
    check_id(&id)?;
    let status = seed.status.unwrap_or(conn_status::RUNNING);
    if !(0..=6).contains(&status) {
        return Err(refuse(400, format!("status must be 0 to 6, got {status}")));
    }
    let region_name = tencent_region(&seed.region, default_region);
    let legacy_id = world.legacy_id();
    let region = world
        .account_mut(account(&seed.account))
        .tencent_region_mut(&region_name);
    if region.vpn_connections.contains_key(&id) {
        return Err(refuse(409, format!("VPN connection {id} already exists")));
    }
    if !region.vpcs.contains_key(&seed.vpc_id) {
        return Err(refuse(
            404,
            format!("VPC {} does not exist in region {region_name}", seed.vpc_id),
        ));
    }
    match region.vpn_gateways.get(&seed.vpn_gateway_id) {
        Some(g) if g.vpc_id == seed.vpc_id => {}
        _ => {
            return Err(refuse(
                404,
                format!(
                    "VPN gateway {} does not exist in VPC {}",
                    seed.vpn_gateway_id, seed.vpc_id
                ),
            ));
        }
    }
    let connection = TencentVpnConnection {
        id: id.clone(),
        legacy_id,
        vpc_id: seed.vpc_id,
        vpn_gateway_id: seed.vpn_gateway_id,
        name: seed.name.unwrap_or_else(|| format!("{legacy_id}_vpnconn")),
        status,
        pre_shared_key: "emulator".to_owned(),
        user_gateway_address: random_ip(),
        source_cidr: vec!["10.0.0.0/16".to_owned()],
        destination_cidr: vec!["192.168.0.0/16".to_owned()],
        created_ms: clock::now_ms(),
        deletion_task: None,
        deletion_fails: seed.deletion_fails,
    };
    region.vpn_connections.insert(id, connection.clone());
    fx.changed();
    Ok(connection)
}
