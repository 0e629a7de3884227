//! What a loaded world must satisfy besides its types: each entry is filed under its own id, and every
//! link between resources points at something that exists. The behaviours keep these true; a file that
//! breaks one was edited by hand or damaged, and would make the emulator answer nonsense (a gateway
//! listed twice, a connection nobody can delete), so it is refused.

use crate::model::{Account, AlibabaRegion, TencentRegion, World};
use crate::tracked::Tracked;
use std::fmt;

/// The first broken rule found: where (object keys from the top of the state file) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inconsistency {
    /// The member at fault, e.g. `["state", "accounts", "default", "alibaba", "cn-hangzhou",
    /// "vpn_connections", "vco-1"]`.
    pub path: Vec<String>,
    /// What is wrong, and what would be right.
    pub problem: String,
}

impl fmt::Display for Inconsistency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at {})", self.problem, self.path.join("."))
    }
}

/// Checks `world`; the first inconsistency found, if any.
pub fn check(world: &World) -> Result<(), Inconsistency> {
    for (account_id, account) in &world.accounts {
        let at = |tail: &[&str]| {
            ["state", "accounts", account_id.as_str()]
                .iter()
                .chain(tail)
                .map(|s| (*s).to_owned())
                .collect::<Vec<_>>()
        };
        for (region_id, region) in &account.alibaba {
            alibaba_region(region_id, region)
                .map_err(|(tail, problem)| broken(at(&["alibaba", region_id]), tail, problem))?;
        }
        for (region_id, region) in &account.tencent {
            tencent_region(region_id, region)
                .map_err(|(tail, problem)| broken(at(&["tencent", region_id]), tail, problem))?;
        }
        tencent_tasks(account).map_err(|(tail, problem)| broken(at(&[]), tail, problem))?;
    }
    Ok(())
}

/// A problem inside one region: the path below it and the message.
type Found = (Vec<String>, String);

fn broken(mut path: Vec<String>, tail: Vec<String>, problem: String) -> Inconsistency {
    path.extend(tail);
    Inconsistency { path, problem }
}

fn entry(map: &str, key: &str) -> Vec<String> {
    vec![map.to_owned(), key.to_owned()]
}

/// Each `(key, id)` of the map called `name` has its id as key.
fn keyed_by_id<'a>(
    name: &str,
    mut entries: impl Iterator<Item = (&'a str, &'a str)>,
) -> Result<(), Found> {
    match entries.find(|(key, id)| key != id) {
        None => Ok(()),
        Some((key, id)) => Err((
            entry(name, key),
            format!("the entry filed under {key:?} has id {id:?}; an entry's key must be its id"),
        )),
    }
}

fn ids<'a, V>(
    map: &'a Tracked<String, V>,
    id: impl Fn(&'a V) -> &'a str,
) -> impl Iterator<Item = (&'a str, &'a str)> {
    map.iter().map(move |(k, v)| (k.as_str(), id(v)))
}

fn alibaba_region(region_id: &str, region: &AlibabaRegion) -> Result<(), Found> {
    keyed_by_id("vpn_gateways", ids(&region.vpn_gateways, |g| &g.id))?;
    keyed_by_id("vpn_connections", ids(&region.vpn_connections, |c| &c.id))?;
    for (id, connection) in &region.vpn_connections {
        let gateway_id = &connection.vpn_gateway_id;
        match region.vpn_gateways.get(gateway_id) {
            None => {
                return Err((
                    entry("vpn_connections", id),
                    format!(
                        "connection {id} belongs to VPN gateway {gateway_id}, which is not in region \
                         {region_id}; a connection's gateway must exist in its region"
                    ),
                ));
            }
            Some(gateway) if !gateway.connections.contains(id) => {
                return Err((
                    entry("vpn_connections", id),
                    format!(
                        "connection {id} belongs to VPN gateway {gateway_id}, whose `connections` do \
                         not list it; they must"
                    ),
                ));
            }
            Some(_) => {}
        }
    }
    for (id, gateway) in &region.vpn_gateways {
        for listed in &gateway.connections {
            let owner = region
                .vpn_connections
                .get(listed)
                .map(|c| c.vpn_gateway_id.as_str());
            if owner != Some(id.as_str()) {
                return Err((
                    entry("vpn_gateways", id),
                    format!(
                        "VPN gateway {id} lists connection {listed}, which {}; a gateway lists exactly \
                         its own connections",
                        match owner {
                            None => format!("is not in region {region_id}"),
                            Some(other) => format!("belongs to VPN gateway {other}"),
                        }
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn tencent_region(region_id: &str, region: &TencentRegion) -> Result<(), Found> {
    keyed_by_id("vpcs", ids(&region.vpcs, |v| &v.id))?;
    keyed_by_id("vpn_gateways", ids(&region.vpn_gateways, |g| &g.id))?;
    keyed_by_id("vpn_connections", ids(&region.vpn_connections, |c| &c.id))?;
    for (id, gateway) in &region.vpn_gateways {
        if !region.vpcs.contains_key(&gateway.vpc_id) {
            return Err((
                entry("vpn_gateways", id),
                format!(
                    "VPN gateway {id} is in VPC {}, which is not in region {region_id}; a gateway's \
                     VPC must exist in its region",
                    gateway.vpc_id
                ),
            ));
        }
    }
    for (id, connection) in &region.vpn_connections {
        let (vpc_id, gateway_id) = (&connection.vpc_id, &connection.vpn_gateway_id);
        let problem = if !region.vpcs.contains_key(vpc_id) {
            format!("is in VPC {vpc_id}, which is not in region {region_id}")
        } else {
            match region.vpn_gateways.get(gateway_id) {
                None => format!(
                    "belongs to VPN gateway {gateway_id}, which is not in region {region_id}"
                ),
                Some(g) if g.vpc_id != *vpc_id => format!(
                    "is in VPC {vpc_id} but its VPN gateway {gateway_id} is in VPC {}",
                    g.vpc_id
                ),
                Some(_) => continue,
            }
        };
        return Err((
            entry("vpn_connections", id),
            format!(
                "VPN connection {id} {problem}; a connection's VPC and gateway must exist, and the \
                 gateway must be in the connection's VPC"
            ),
        ));
    }
    Ok(())
}

fn tencent_tasks(account: &Account) -> Result<(), Found> {
    for (key, task) in &account.tencent_tasks {
        if *key != task.id {
            return Err((
                entry("tencent_tasks", &key.to_string()),
                format!(
                    "the task filed under {key} has id {}; an entry's key must be its id",
                    task.id
                ),
            ));
        }
    }
    Ok(())
}
