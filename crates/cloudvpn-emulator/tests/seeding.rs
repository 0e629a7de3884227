//! Bulk seeding: a cap on items per request, lists that keep what came before a refused item, and a reset
//! that leaves nothing behind.

mod support;

use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use cloudvpn_emulator::{EmulatorConfig, Limits};
use hyper::Method;
use serde_json::{Value, json};
use support::*;

const GATEWAYS: &str = "/_emulator/alibaba/vpn-gateways";

fn gateways(ids: impl IntoIterator<Item = String>) -> Value {
    Value::Array(
        ids.into_iter()
            .map(|id| json!({"region": REGION, "id": id}))
            .collect(),
    )
}

fn numbered(n: usize) -> Value {
    gateways((0..n).map(|i| format!("vpn-bulk-{i}")))
}

fn gateway_count(state: &Value) -> usize {
    state["accounts"]
        .as_object()
        .into_iter()
        .flat_map(|accounts| accounts.values())
        .filter_map(|account| account["alibaba"].as_object())
        .flat_map(|regions| regions.values())
        .filter_map(|region| region["vpn_gateways"].as_object())
        .map(|g| g.len())
        .sum()
}

#[tokio::test]
async fn a_seed_request_holds_at_most_ten_thousand_items() {
    let env = Env::immediate().await;
    let r = env.control(Method::POST, GATEWAYS, numbered(10_001)).await;
    assert_eq!(r.status, 413, "{}", r.text());
    let message = r.json()["error"].as_str().unwrap_or_default().to_owned();
    assert!(
        message.contains("at most 10000 items") && message.contains("holds 10001"),
        "{message}"
    );
    // Refused whole: nothing was seeded.
    assert_eq!(gateway_count(&env.state().await), 0);

    let r = env.control(Method::POST, GATEWAYS, numbered(10_000)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json().as_array().map(Vec::len), Some(10_000));
    assert_eq!(gateway_count(&env.state().await), 10_000);
}

#[tokio::test]
async fn the_cap_is_configurable_and_applies_to_the_handle_too() {
    let limits = Limits {
        max_seed_items: 3,
        ..Limits::default()
    };
    let env = Env::start(EmulatorConfig::loopback().limits(limits)).await;
    let r = env.control(Method::POST, GATEWAYS, numbered(4)).await;
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("at most 3 items"), "{}", r.text());
    let r = env.control(Method::POST, GATEWAYS, numbered(3)).await;
    assert_eq!(r.status, 201, "{}", r.text());

    let seeds: Vec<AlibabaGatewaySeed> = (0..4)
        .map(|i| AlibabaGatewaySeed {
            region: REGION.to_owned(),
            id: Some(format!("vpn-handle-{i}")),
            ..Default::default()
        })
        .collect();
    let refused = env
        .emulator
        .handle()
        .seed_alibaba_gateways(seeds)
        .await
        .unwrap_err();
    assert_eq!(refused.status, 413, "{refused}");
    assert_eq!(gateway_count(&env.state().await), 3);
}

#[tokio::test]
async fn a_list_keeps_the_items_before_a_refused_one() {
    let env = Env::immediate().await;
    // A conflict found while inserting (the same id twice).
    let r = env
        .control(
            Method::POST,
            GATEWAYS,
            gateways(["vpn-a", "vpn-b", "vpn-a", "vpn-c"].map(String::from)),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text());
    assert!(
        r.text()
            .contains("seed 2: VPN gateway vpn-a already exists"),
        "{}",
        r.text()
    );
    // A seed that cannot be built (an empty id).
    let r = env
        .control(
            Method::POST,
            GATEWAYS,
            gateways(["vpn-d", ""].map(String::from)),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.text().contains("seed 1: id"), "{}", r.text());
    let state = env.state().await;
    let seeded = &state["accounts"]["default"]["alibaba"][REGION]["vpn_gateways"];
    let mut ids: Vec<&String> = seeded
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    ids.sort();
    assert_eq!(ids, ["vpn-a", "vpn-b", "vpn-d"]);
}

#[tokio::test]
async fn answers_carry_what_was_assigned_on_insertion() {
    let env = Env::immediate().await;
    env.tencent_chain("vpc-t", "vpngw-t", "vpnx-t", json!({}))
        .await;
    let listed = env
        .seed(
            "/_emulator/tencent/vpn-connections",
            json!([
                {"vpc_id": "vpc-t", "vpn_gateway_id": "vpngw-t", "id": "vpnx-1"},
                {"vpc_id": "vpc-t", "vpn_gateway_id": "vpngw-t", "id": "vpnx-2", "name": "mine"}
            ]),
        )
        .await;
    let state = env.state().await;
    let region = state["accounts"]["default"]["tencent"]
        .as_object()
        .and_then(|regions| regions.values().next())
        .cloned()
        .unwrap_or(Value::Null);
    for answered in listed.as_array().into_iter().flatten() {
        let id = answered["id"].as_str().unwrap_or_default();
        assert_eq!(answered, &region["vpn_connections"][id], "{id}");
    }
    let first = &listed[0];
    assert_eq!(
        first["name"].as_str(),
        Some(format!("{}_vpnconn", first["legacy_id"]).as_str())
    );
    assert_eq!(listed[1]["name"], "mine");
    let vpc = &region["vpcs"]["vpc-t"];
    assert!(
        vpc["legacy_id"]
            .as_str()
            .is_some_and(|l| l.contains("_vpc_")),
        "{vpc}"
    );
}

#[tokio::test]
async fn reset_leaves_an_empty_world_and_frees_every_id() {
    let env = Env::immediate().await;
    env.control(Method::POST, GATEWAYS, numbered(500)).await;
    env.connection("vco-1", "vpn-bulk-0").await;
    env.tencent_chain("vpc-t", "vpngw-t", "vpnx-t", json!({}))
        .await;
    let fresh = {
        let probe = Env::immediate().await;
        probe.state().await
    };

    let r = env
        .control(Method::POST, "/_emulator/reset", Value::Null)
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    // Exactly the state of an emulator that never had anything in it.
    assert_eq!(env.state().await, fresh);

    // Every id is free again.
    let r = env.control(Method::POST, GATEWAYS, numbered(500)).await;
    assert_eq!(r.status, 201, "{}", r.text());
    env.connection("vco-1", "vpn-bulk-0").await;
    env.tencent_chain("vpc-t", "vpngw-t", "vpnx-t", json!({}))
        .await;
    assert_eq!(gateway_count(&env.state().await), 500);
}
