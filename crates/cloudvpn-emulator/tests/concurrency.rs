//! Many concurrent clients deleting the same resources get exactly one success per deletion, and the
//! state file agrees with memory afterwards.

mod support;

use cloudvpn_emulator::signed::{Connection, TencentCall};
use cloudvpn_emulator::{EmulatorConfig, Transition, Transitions};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;

/// What a deletion attempt found.
#[derive(Debug, PartialEq)]
enum Attempt {
    Deleted,
    Gone,
    Retry,
}

fn classify_alibaba(status: u16, body: &Value) -> Attempt {
    match (status, body["Code"].as_str()) {
        (200, _) => Attempt::Deleted,
        (_, Some(c)) if c.ends_with(".NotFound") => Attempt::Gone,
        (
            _,
            Some(
                "VpnGateway.Configuring"
                | "VpnConnection.Configuring"
                | "DependencyViolation.VpnConnection",
            ),
        ) => Attempt::Retry,
        other => panic!("unexpected answer {other:?}: {body}"),
    }
}

fn classify_tencent(body: &Value) -> Attempt {
    match (body["code"].as_i64(), body["codeDesc"].as_str()) {
        (Some(0), _) => Attempt::Deleted,
        (_, Some("InvalidVpnConn.NotFound")) => Attempt::Gone,
        (_, Some("InvalidVpnConnState")) => Attempt::Retry,
        other => panic!("unexpected answer {other:?}: {body}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_delete_each_resource_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stress.json");
    let transitions = Transitions {
        tencent_vpn_connection: Transition::Time { ms: 20 },
        ..Transitions::immediate()
    };
    let env = Env::start(
        EmulatorConfig::loopback()
            .state_file(&path)
            .transitions(transitions),
    )
    .await;

    const GATEWAYS: usize = 40;
    const TENCENT: usize = 40;
    const CLIENTS: usize = 12;
    let gateways: Vec<Value> = (0..GATEWAYS)
        .map(|i| json!({"region": REGION, "id": format!("vpn-s{i}"), "enhanced": i % 2 == 1}))
        .collect();
    env.seed("/_emulator/alibaba/vpn-gateways", Value::Array(gateways))
        .await;
    let connections: Vec<Value> = (0..GATEWAYS * 2)
        .map(|i| json!({"region": REGION, "id": format!("vco-s{i}"), "vpn_gateway_id": format!("vpn-s{}", i / 2)}))
        .collect();
    env.seed(
        "/_emulator/alibaba/vpn-connections",
        Value::Array(connections),
    )
    .await;
    env.seed("/_emulator/tencent/vpcs", json!({"id": "vpc-s"}))
        .await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-s", "id": "vpngw-s"}),
    )
    .await;
    let tencent: Vec<Value> = (0..TENCENT)
        .map(
            |i| json!({"vpc_id": "vpc-s", "vpn_gateway_id": "vpngw-s", "id": format!("vpnx-s{i}")}),
        )
        .collect();
    env.seed("/_emulator/tencent/vpn-connections", Value::Array(tencent))
        .await;

    // Every client works through every resource, connections before gateways, in its own order.
    #[derive(Clone, Debug)]
    enum Target {
        Connection(String),
        Gateway(String, bool),
        Tencent(String),
    }
    let mut targets: Vec<Target> = (0..GATEWAYS * 2)
        .map(|i| Target::Connection(format!("vco-s{i}")))
        .collect();
    targets.extend((0..TENCENT).map(|i| Target::Tencent(format!("vpnx-s{i}"))));
    targets.extend((0..GATEWAYS).map(|i| Target::Gateway(format!("vpn-s{i}"), i % 2 == 1)));

    let successes: Arc<Mutex<HashMap<String, usize>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let mut order = targets.clone();
        let mut rng = fastrand::Rng::with_seed(c as u64);
        let (conns, rest): (Vec<_>, Vec<_>) = order
            .drain(..)
            .partition(|t| !matches!(t, Target::Gateway(..)));
        let mut conns = conns;
        let mut rest = rest;
        rng.shuffle(&mut conns);
        rng.shuffle(&mut rest);
        order = conns.into_iter().chain(rest).collect();
        let addr = env.emulator.local_addr();
        let host = env.host();
        let successes = successes.clone();
        clients.push(tokio::spawn(async move {
            let mut http = Connection::open(addr).await.unwrap();
            let mut pending = order;
            while !pending.is_empty() {
                assert!(
                    Instant::now() < deadline,
                    "client {c} did not finish: {pending:?}"
                );
                let mut later = Vec::new();
                for target in pending {
                    let (id, request) = match &target {
                        Target::Connection(id) => (id.clone(), delete_connection(id).build(&host)),
                        Target::Gateway(id, true) => (id.clone(), delete_enhanced(id).build(&host)),
                        Target::Gateway(id, false) => (id.clone(), delete_gateway(id).build(&host)),
                        Target::Tencent(id) => (
                            id.clone(),
                            delete_vpn_conn("vpc-s", "vpngw-s", id).build(&host),
                        ),
                    };
                    let r = http.send(request).await.unwrap();
                    let attempt = match target {
                        Target::Tencent(_) => classify_tencent(&r.json()),
                        _ => classify_alibaba(r.status, &r.json()),
                    };
                    match attempt {
                        Attempt::Deleted => *successes.lock().unwrap().entry(id).or_default() += 1,
                        Attempt::Gone => {}
                        Attempt::Retry => later.push(target),
                    }
                }
                if !later.is_empty() {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                pending = later;
            }
        }));
    }
    for client in clients {
        client.await.unwrap();
    }

    let successes = successes.lock().unwrap().clone();
    assert_eq!(
        successes.len(),
        GATEWAYS * 3 + TENCENT,
        "every resource deleted"
    );
    for (id, n) in successes.iter() {
        assert_eq!(*n, 1, "{id} was deleted {n} times");
    }
    // Let the last Tencent tasks finish, then compare memory and file.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let listed = tencent_ok(
        &env.tencent(TencentCall::new("DescribeVpnConn").param("vpcId", "vpc-s"))
            .await,
    );
    assert_eq!(listed["totalCount"], 0);
    let memory = env.state().await;
    let region = &memory["accounts"]["default"]["alibaba"][REGION];
    assert_eq!(region["vpn_gateways"], json!({}));
    assert_eq!(region["vpn_connections"], json!({}));
    let tasks = memory["accounts"]["default"]["tencent_tasks"]
        .as_object()
        .unwrap();
    assert_eq!(tasks.len(), TENCENT, "one task per deletion");
    assert!(tasks.values().all(|t| t["status"] == "succeeded"));
    let on_disk = serde_json::to_value(cloudvpn_emulator::journal::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk, memory);
}
