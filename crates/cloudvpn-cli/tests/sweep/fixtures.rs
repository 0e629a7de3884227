//! What the sweep tests share: a fleet with every case, the mutating calls counted by the emulator, what is
//! left in it, and the report and journal read back.

use super::support::*;
use cloudvpn_emulator::Emulator;
use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::seed::{AlibabaGatewaySeed, TencentGatewaySeed, TencentVpcSeed, TimeMs};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The actions that change something.
const MUTATING: [&str; 3] = [
    "DeleteVpnConnection",
    "DeleteVpnGateway",
    "DeleteEnhancedVpnGateway",
];

/// The VPC every Tencent gateway of these tests is in.
pub const TENCENT_VPC: &str = "vpc-sweep";

pub fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn in_days(days: u64) -> TimeMs {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    TimeMs(now + days * 86_400_000)
}

/// The ids of `count` connections of gateway `id`.
fn connection_ids(prefix: &str, count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{prefix}{i}")).collect()
}

/// An Alibaba gateway in cn-hangzhou named `name` with `connections` connections `vco-<id>-<n>`.
pub async fn alibaba_gateway(
    e: &Emulator,
    id: &str,
    name: &str,
    t: &[(&str, &str)],
    connections: usize,
) {
    let seed = AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        name: Some(name.into()),
        tags: tags(t),
        ..Default::default()
    };
    alibaba_gateway_of(e, seed, connections).await;
}

/// `seed` with `connections` connections `vco-<id>-<n>`.
pub async fn alibaba_gateway_of(e: &Emulator, seed: AlibabaGatewaySeed, connections: usize) {
    let ids = connection_ids(
        &format!("vco-{}-", seed.id.as_deref().unwrap()),
        connections,
    );
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    seed_alibaba(e, seed, &ids).await;
}

/// The VPC of the Tencent gateways, in ap-guangzhou.
pub async fn tencent_vpc(e: &Emulator) {
    e.handle()
        .seed_tencent_vpc(TencentVpcSeed {
            id: Some(TENCENT_VPC.into()),
            ..Default::default()
        })
        .await
        .expect("vpc");
}

/// A Tencent gateway `vpngw-<8 characters>` tagged env=ci, with `connections` connections
/// `vpnx-<its 7 first characters><n>`.
pub async fn tencent_gateway(
    e: &Emulator,
    id: &str,
    name: &str,
    ccn: Option<&str>,
    connections: usize,
) {
    let seed = TencentGatewaySeed {
        vpc_id: TENCENT_VPC.into(),
        id: Some(id.into()),
        name: Some(name.into()),
        ccn_id: ccn.map(str::to_owned),
        tags: tags(&[("env", "ci")]),
        ..Default::default()
    };
    let ids = connection_ids(&format!("vpnx-{}", &id[6..13]), connections);
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    seed_tencent_gateway(e, seed, &ids).await;
}

/// A fleet with every case: deletable ci gateways in both clouds, one that no filter selects, a prepaid one
/// within its term, one with an excluded tag, one bound to a CCN.
pub async fn fleet(e: &Emulator) {
    alibaba_gateway(e, "vpn-ci-a", "ci-a", &[("env", "ci")], 2).await;
    alibaba_gateway(e, "vpn-ci-b", "ci-b", &[("env", "ci")], 1).await;
    alibaba_gateway(e, "vpn-prod", "prod", &[("env", "prod")], 1).await;
    let paid = AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some("vpn-ci-paid".into()),
        name: Some("ci-paid".into()),
        tags: tags(&[("env", "ci")]),
        prepaid_until: Some(in_days(30)),
        ..Default::default()
    };
    alibaba_gateway_of(e, paid, 0).await;
    alibaba_gateway(
        e,
        "vpn-ci-keep",
        "ci-keep",
        &[("env", "ci"), ("keep", "true")],
        1,
    )
    .await;
    tencent_vpc(e).await;
    tencent_gateway(e, "vpngw-ci000001", "ci-t1", None, 2).await;
    tencent_gateway(e, "vpngw-ci000002", "ci-t2", Some("ccn-1"), 0).await;
    tencent_gateway(e, "vpngw-prod0001", "prod-t", None, 1).await;
}

/// The filters that select the fleet's ci gateways in both clouds.
pub const FILTERS: [&str; 10] = [
    "--region",
    REGION,
    "--region",
    TENCENT_REGION,
    "--name",
    "ci-*",
    "--exclude-tag",
    "keep=true",
    "--tag",
    "env=ci",
];

/// What [`FILTERS`] select of the [`fleet`], as the plan's report gives it.
pub fn expected_selection() -> BTreeMap<String, (String, String)> {
    [
        ("vpn-ci-a", "would_delete", ""),
        ("vpn-ci-b", "would_delete", ""),
        ("vpn-ci-paid", "skipped", "prepaid_within_term"),
        ("vpn-ci-keep", "skipped", "excluded_tag"),
        ("vpngw-ci000001", "would_delete", ""),
        ("vpngw-ci000002", "skipped", "ccn_attached"),
    ]
    .iter()
    .map(|(id, o, r)| ((*id).to_owned(), ((*o).to_owned(), (*r).to_owned())))
    .collect()
}

/// A fault rule on `action` of `provider`, hitting every call.
pub fn rule(provider: &str, action: &str) -> FaultRule {
    FaultRule {
        provider: Some(provider.to_owned()),
        action: Some(action.to_owned()),
        error: None,
        status: None,
        message: None,
        drop_connection: false,
        latency_ms: 0,
        probability: 1.0,
        count: None,
        seed: 0,
    }
}

/// Slows every mutating call down by a millisecond so that its rule counts the calls: a plan must leave
/// every count at zero.
pub fn watch_mutations(e: &Emulator) {
    let rules = ["alibaba", "tencent"]
        .iter()
        .flat_map(|p| {
            MUTATING.iter().map(move |a| FaultRule {
                latency_ms: 1,
                ..rule(p, a)
            })
        })
        .collect();
    e.handle().add_faults(rules).expect("rules");
}

/// The calls the fault rules have seen (with [`watch_mutations`] only: the mutating calls).
pub fn mutations(e: &Emulator) -> u64 {
    e.handle().faults().iter().map(|r| r.hits).sum()
}

/// Gateway and connection ids left in the emulator, every cloud, account and region.
pub async fn left(e: &Emulator) -> (BTreeSet<String>, BTreeSet<String>) {
    let state = e.handle().state().await.expect("state");
    let mut gateways = BTreeSet::new();
    let mut connections = BTreeSet::new();
    let keys = |v: &Value| -> Vec<String> {
        v.as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    };
    for account in state["accounts"]
        .as_object()
        .into_iter()
        .flat_map(|a| a.values())
    {
        for cloud in ["alibaba", "tencent"] {
            for region in account[cloud]
                .as_object()
                .into_iter()
                .flat_map(|r| r.values())
            {
                gateways.extend(keys(&region["vpn_gateways"]));
                connections.extend(keys(&region["vpn_connections"]));
            }
        }
    }
    (gateways, connections)
}

pub fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

/// `sweep --apply --yes` of the `ci-*` gateways of Alibaba's cn-hangzhou, then `more`.
pub fn apply_ci<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep", "--cloud", "alibaba", "--region", REGION, "--name", "ci-*", "--apply", "--yes",
    ];
    args.extend(more);
    args
}

/// `(field, id)` of every gateway in a report (`field` is `account`, `region`, ...).
pub fn places(r: &Value, field: &str) -> BTreeSet<(String, String)> {
    r["gateways"]
        .as_array()
        .expect("gateways")
        .iter()
        .map(|g| {
            (
                g[field].as_str().unwrap().to_owned(),
                g["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The pairs, owned, to compare with [`places`].
pub fn pairs(of: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    of.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// The `--report` file, read back.
pub fn report(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("report is JSON")
}

/// `(id, outcome, skip reason)` of every gateway in a report.
pub fn outcomes(r: &Value) -> BTreeMap<String, (String, String)> {
    r["gateways"]
        .as_array()
        .expect("gateways")
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                (
                    g["outcome"].as_str().unwrap().to_owned(),
                    g["skip"]["reason"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect()
}

/// The ids of the journal's `accepted` records, in order.
pub fn accepted_lines(journal: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["event"] == "accepted")
        .map(|v| v["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}
