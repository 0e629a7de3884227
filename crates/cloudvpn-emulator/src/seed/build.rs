//! Seeds turned into resources in two steps, so that a large seed request holds the world's lock only
//! briefly: [`Prepared`] values are built outside the lock (validation, generated ids and addresses,
//! timestamps, schedules), then [`insert_all`] checks them against the world and puts them in, in one
//! short step under the lock. What only the world can say (an id already taken, a missing parent, the next
//! Tencent numeric id) is decided in that step.

use super::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, SeedError, TencentConnectionSeed,
    TencentGatewaySeed, TencentVpcSeed, account, check_id, check_tags, refuse,
};
use crate::clock;
use crate::ids;
use crate::model::{
    AlibabaVpnConnection, AlibabaVpnGateway, GatewayStatus, GatewayTask, GatewayTaskKind,
    TencentVpc, TencentVpnConnection, TencentVpnGateway, World, conn_status,
};
use crate::store::Effects;
use crate::tencent::region::{normalize_region, short_region};
use crate::timing::Transitions;
use serde::Serialize;

/// A resource built from its seed, not yet in the world.
pub trait Prepared: Sized {
    /// The resource as the control API answers it.
    type Made: Clone + Serialize;
    /// What only the world could decide, to complete the answer with (see [`Prepared::complete`]).
    type Assigned;

    /// The resource as it will be answered, before [`Prepared::insert`] (cloned outside the lock).
    fn made(&self) -> &Self::Made;

    /// Puts the resource into `world`, or says why it cannot go in.
    fn insert(self, world: &mut World) -> Result<Self::Assigned, SeedError>;

    /// Completes an answer copy with what [`Prepared::insert`] assigned.
    fn complete(made: &mut Self::Made, assigned: Self::Assigned);
}

/// Inserts `prepared` in order, stopping at the first that cannot go in: the ones before it stay (the
/// control API's documented behaviour for lists). Returns what each inserted one was assigned, and the
/// refusal with its position, if any.
pub fn insert_all<P: Prepared>(
    world: &mut World,
    fx: &mut Effects,
    prepared: Vec<P>,
) -> (Vec<P::Assigned>, Option<(usize, SeedError)>) {
    // Even a refused seed may have created an empty region or used an id: save either way.
    fx.changed();
    let mut assigned = Vec::with_capacity(prepared.len());
    for (i, p) in prepared.into_iter().enumerate() {
        match p.insert(world) {
            Ok(a) => assigned.push(a),
            Err(e) => return (assigned, Some((i, e))),
        }
    }
    (assigned, None)
}

fn random_ip() -> String {
    format!(
        "47.{}.{}.{}",
        fastrand::u8(1..255),
        fastrand::u8(1..255),
        fastrand::u8(1..255)
    )
}

/// An Alibaba VPN gateway ready to be inserted.
#[derive(Debug)]
pub struct AlibabaGatewayDraft {
    account: String,
    region: String,
    gateway: AlibabaVpnGateway,
}

/// Builds an Alibaba VPN gateway from its seed.
pub fn alibaba_gateway(
    transitions: &Transitions,
    seed: AlibabaGatewaySeed,
) -> Result<AlibabaGatewayDraft, SeedError> {
    if seed.region.is_empty() {
        return Err(refuse(400, "region is required"));
    }
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpn-", 21));
    check_id(&id)?;
    check_tags(&seed.tags)?;
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
    let gateway = AlibabaVpnGateway {
        id,
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
        created_ms: seed.created_at.map_or(now, |t| t.0),
        tags: seed.tags,
        internet_ip: random_ip(),
        spec: "10M".to_owned(),
        connections: Default::default(),
        task,
    };
    Ok(AlibabaGatewayDraft {
        account: account(&seed.account).to_owned(),
        region: seed.region,
        gateway,
    })
}

impl Prepared for AlibabaGatewayDraft {
    type Made = AlibabaVpnGateway;
    type Assigned = ();

    fn made(&self) -> &AlibabaVpnGateway {
        &self.gateway
    }

    fn insert(self, world: &mut World) -> Result<(), SeedError> {
        let region = world
            .account_mut(&self.account)
            .alibaba_region_mut(&self.region);
        if region.vpn_gateways.contains_key(&self.gateway.id) {
            return Err(refuse(
                409,
                format!("VPN gateway {} already exists", self.gateway.id),
            ));
        }
        region
            .vpn_gateways
            .insert(self.gateway.id.clone(), self.gateway);
        Ok(())
    }

    fn complete(_: &mut AlibabaVpnGateway, (): ()) {}
}

/// An Alibaba IPsec connection ready to be inserted.
#[derive(Debug)]
pub struct AlibabaConnectionDraft {
    account: String,
    region: String,
    connection: AlibabaVpnConnection,
}

/// Builds an Alibaba IPsec connection from its seed.
pub fn alibaba_connection(
    seed: AlibabaConnectionSeed,
) -> Result<AlibabaConnectionDraft, SeedError> {
    if seed.region.is_empty() {
        return Err(refuse(400, "region is required"));
    }
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vco-", 21));
    check_id(&id)?;
    let connection = AlibabaVpnConnection {
        id,
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
    Ok(AlibabaConnectionDraft {
        account: account(&seed.account).to_owned(),
        region: seed.region,
        connection,
    })
}

impl Prepared for AlibabaConnectionDraft {
    type Made = AlibabaVpnConnection;
    type Assigned = ();

    fn made(&self) -> &AlibabaVpnConnection {
        &self.connection
    }

    fn insert(self, world: &mut World) -> Result<(), SeedError> {
        let connection = self.connection;
        let region = world
            .account_mut(&self.account)
            .alibaba_region_mut(&self.region);
        if region.vpn_connections.contains_key(&connection.id) {
            return Err(refuse(
                409,
                format!("VPN connection {} already exists", connection.id),
            ));
        }
        let Some(gateway) = region.vpn_gateways.get_mut(&connection.vpn_gateway_id) else {
            return Err(refuse(
                404,
                format!(
                    "VPN gateway {} does not exist in region {} of account {}",
                    connection.vpn_gateway_id, self.region, self.account
                ),
            ));
        };
        if gateway.status == GatewayStatus::Deleting {
            return Err(refuse(
                409,
                format!("VPN gateway {} is being deleted", gateway.id),
            ));
        }
        gateway.connections.insert(connection.id.clone());
        region
            .vpn_connections
            .insert(connection.id.clone(), connection);
        Ok(())
    }

    fn complete(_: &mut AlibabaVpnConnection, (): ()) {}
}

fn tencent_region(region: &Option<String>, default_region: &str) -> String {
    normalize_region(region.as_deref().unwrap_or(default_region)).to_owned()
}

/// A Tencent VPC ready to be inserted (its numeric id is handed out on insertion).
#[derive(Debug)]
pub struct TencentVpcDraft {
    account: String,
    region: String,
    vpc: TencentVpc,
}

/// Builds a Tencent VPC from its seed.
pub fn tencent_vpc(
    default_region: &str,
    seed: TencentVpcSeed,
) -> Result<TencentVpcDraft, SeedError> {
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpc-", 8));
    check_id(&id)?;
    let vpc = TencentVpc {
        id,
        legacy_id: String::new(),
        name: seed.name.unwrap_or_default(),
        cidr_block: seed.cidr_block.unwrap_or_else(|| "10.0.0.0/16".to_owned()),
    };
    Ok(TencentVpcDraft {
        account: account(&seed.account).to_owned(),
        region: tencent_region(&seed.region, default_region),
        vpc,
    })
}

impl Prepared for TencentVpcDraft {
    type Made = TencentVpc;
    /// The `legacy_id` text.
    type Assigned = String;

    fn made(&self) -> &TencentVpc {
        &self.vpc
    }

    fn insert(self, world: &mut World) -> Result<String, SeedError> {
        let mut vpc = self.vpc;
        let legacy = world.legacy_id();
        let region = world
            .account_mut(&self.account)
            .tencent_region_mut(&self.region);
        if region.vpcs.contains_key(&vpc.id) {
            return Err(refuse(409, format!("VPC {} already exists", vpc.id)));
        }
        vpc.legacy_id = format!("{}_vpc_{legacy}", short_region(&self.region));
        let assigned = vpc.legacy_id.clone();
        region.vpcs.insert(vpc.id.clone(), vpc);
        Ok(assigned)
    }

    fn complete(made: &mut TencentVpc, legacy_id: String) {
        made.legacy_id = legacy_id;
    }
}

/// A Tencent VPN gateway ready to be inserted.
#[derive(Debug)]
pub struct TencentGatewayDraft {
    account: String,
    region: String,
    gateway: TencentVpnGateway,
}

/// Builds a Tencent VPN gateway from its seed.
pub fn tencent_gateway(
    default_region: &str,
    seed: TencentGatewaySeed,
) -> Result<TencentGatewayDraft, SeedError> {
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpngw-", 8));
    check_id(&id)?;
    check_tags(&seed.tags)?;
    let gateway = TencentVpnGateway {
        id,
        legacy_id: 0,
        vpc_id: seed.vpc_id,
        name: seed.name.unwrap_or_default(),
        address: random_ip(),
        prepaid_until_ms: seed.prepaid_until.map(|t| t.0),
        ccn_id: seed.ccn_id,
        deletion_task: None,
        created_ms: Some(seed.created_at.map_or_else(clock::now_ms, |t| t.0)),
        tags: seed.tags,
    };
    Ok(TencentGatewayDraft {
        account: account(&seed.account).to_owned(),
        region: tencent_region(&seed.region, default_region),
        gateway,
    })
}

impl Prepared for TencentGatewayDraft {
    type Made = TencentVpnGateway;
    /// The numeric id.
    type Assigned = u64;

    fn made(&self) -> &TencentVpnGateway {
        &self.gateway
    }

    fn insert(self, world: &mut World) -> Result<u64, SeedError> {
        let mut gateway = self.gateway;
        gateway.legacy_id = world.legacy_id();
        let region = world
            .account_mut(&self.account)
            .tencent_region_mut(&self.region);
        if region.vpn_gateways.contains_key(&gateway.id) {
            return Err(refuse(
                409,
                format!("VPN gateway {} already exists", gateway.id),
            ));
        }
        if !region.vpcs.contains_key(&gateway.vpc_id) {
            return Err(refuse(
                404,
                format!(
                    "VPC {} does not exist in region {}",
                    gateway.vpc_id, self.region
                ),
            ));
        }
        let legacy_id = gateway.legacy_id;
        region.vpn_gateways.insert(gateway.id.clone(), gateway);
        Ok(legacy_id)
    }

    fn complete(made: &mut TencentVpnGateway, legacy_id: u64) {
        made.legacy_id = legacy_id;
    }
}

/// A Tencent VPN connection ready to be inserted.
#[derive(Debug)]
pub struct TencentConnectionDraft {
    account: String,
    region: String,
    /// Its name when the seed gave one; otherwise it is named after its numeric id on insertion.
    name: Option<String>,
    connection: TencentVpnConnection,
}

/// Builds a Tencent VPN connection from its seed.
pub fn tencent_connection(
    default_region: &str,
    seed: TencentConnectionSeed,
) -> Result<TencentConnectionDraft, SeedError> {
    let id = seed.id.unwrap_or_else(|| ids::resource_id("vpnx-", 8));
    check_id(&id)?;
    let status = seed.status.unwrap_or(conn_status::RUNNING);
    if !(0..=6).contains(&status) {
        return Err(refuse(400, format!("status must be 0 to 6, got {status}")));
    }
    let connection = TencentVpnConnection {
        id,
        legacy_id: 0,
        vpc_id: seed.vpc_id,
        vpn_gateway_id: seed.vpn_gateway_id,
        name: seed.name.clone().unwrap_or_default(),
        status,
        pre_shared_key: "emulator".to_owned(),
        user_gateway_address: random_ip(),
        source_cidr: vec!["10.0.0.0/16".to_owned()],
        destination_cidr: vec!["192.168.0.0/16".to_owned()],
        created_ms: clock::now_ms(),
        deletion_task: None,
        deletion_fails: seed.deletion_fails,
    };
    Ok(TencentConnectionDraft {
        account: account(&seed.account).to_owned(),
        region: tencent_region(&seed.region, default_region),
        name: seed.name,
        connection,
    })
}

impl Prepared for TencentConnectionDraft {
    type Made = TencentVpnConnection;
    /// The numeric id and the name.
    type Assigned = (u64, String);

    fn made(&self) -> &TencentVpnConnection {
        &self.connection
    }

    fn insert(self, world: &mut World) -> Result<(u64, String), SeedError> {
        let mut connection = self.connection;
        connection.legacy_id = world.legacy_id();
        let region = world
            .account_mut(&self.account)
            .tencent_region_mut(&self.region);
        if region.vpn_connections.contains_key(&connection.id) {
            return Err(refuse(
                409,
                format!("VPN connection {} already exists", connection.id),
            ));
        }
        if !region.vpcs.contains_key(&connection.vpc_id) {
            return Err(refuse(
                404,
                format!(
                    "VPC {} does not exist in region {}",
                    connection.vpc_id, self.region
                ),
            ));
        }
        match region.vpn_gateways.get(&connection.vpn_gateway_id) {
            Some(g) if g.vpc_id == connection.vpc_id => {}
            _ => {
                return Err(refuse(
                    404,
                    format!(
                        "VPN gateway {} does not exist in VPC {}",
                        connection.vpn_gateway_id, connection.vpc_id
                    ),
                ));
            }
        }
        connection.name = self
            .name
            .unwrap_or_else(|| format!("{}_vpnconn", connection.legacy_id));
        let assigned = (connection.legacy_id, connection.name.clone());
        region
            .vpn_connections
            .insert(connection.id.clone(), connection);
        Ok(assigned)
    }

    fn complete(made: &mut TencentVpnConnection, (legacy_id, name): (u64, String)) {
        made.legacy_id = legacy_id;
        made.name = name;
    }
}
