//! Hostile and heavy input: oversized, malformed, duplicated and random requests get the real error codes
//! and never take the emulator down; many concurrent clients deleting the same resources get exactly one
//! success per deletion, and the state file agrees with memory afterwards.

mod support;

use bytes::Bytes;
use cloudvpn_emulator::signed::{AlibabaSignature, Connection, TencentCall};
use cloudvpn_emulator::{EmulatorConfig, Transition, Transitions};
use http_body_util::Full;
use hyper::{Method, Request};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn raw(
    method: Method,
    uri: &str,
    host: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", host);
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    b.body(Full::new(Bytes::from(body))).unwrap()
}

#[tokio::test]
async fn malformed_requests_get_the_real_error_codes() {
    let env = Env::immediate().await;
    let host = env.host();
    let form = Some("application/x-www-form-urlencoded");

    let cases: Vec<(&str, Request<Full<Bytes>>, &str)> = vec![
        (
            "bad escape",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=%zz",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "not UTF-8",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=%FF%FE",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "body not UTF-8",
            raw(
                Method::POST,
                "/?Action=DescribeVpnGateways",
                &host,
                form,
                vec![0xff, 0xfe, b'=', 0x80],
            ),
            "InvalidParameter",
        ),
        (
            "duplicate",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=a&RegionId=b",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "query and body repeat a name",
            raw(
                Method::POST,
                "/?RegionId=a",
                &host,
                form,
                b"RegionId=b".to_vec(),
            ),
            "InvalidParameter",
        ),
        (
            "too large",
            raw(Method::POST, "/", &host, form, vec![b'a'; 100 * 1024]),
            "InvalidParameter",
        ),
        (
            "query too long",
            raw(
                Method::GET,
                &format!("/?Action={}", "x".repeat(40 * 1024)),
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "too many parameters",
            raw(
                Method::GET,
                &format!(
                    "/?{}",
                    (0..300)
                        .map(|i| format!("p{i}=1"))
                        .collect::<Vec<_>>()
                        .join("&")
                ),
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "no action",
            raw(Method::GET, "/?Version=2016-04-28", &host, None, vec![]),
            "MissingParameter",
        ),
        (
            "no version",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
        (
            "no key",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&Version=2016-04-28",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
        (
            "no signature",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&Version=2016-04-28&AccessKeyId=emulator-ak",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
    ];
    for (name, request, expected) in cases {
        let r = env.send(request).await;
        assert_eq!(r.json()["Code"], expected, "{name}: {}", r.text());
        assert!(r.status == 400 || r.status == 404, "{name}: {}", r.status);
    }

    // A malformed V3 Authorization header.
    let mut request = describe_gateway("vpn-x")
        .signature(AlibabaSignature::V3)
        .build(&host);
    request.headers_mut().insert(
        "authorization",
        "ACS3-HMAC-SHA256 Credential=emulator-ak,junk"
            .parse()
            .unwrap(),
    );
    assert_alibaba_error(&env.send(request).await, 400, "IncompleteSignature");
    // A body changed after signing (x-acs-content-sha256 no longer matches).
    let call = describe_gateway("vpn-x")
        .signature(AlibabaSignature::V3)
        .placement(cloudvpn_emulator::signed::Placement::Body);
    let request = call.build(&host);
    let (parts, _) = request.into_parts();
    let tampered = Request::from_parts(
        parts,
        Full::new(Bytes::from_static(
            b"RegionId=cn-beijing&VpnGatewayId=vpn-x",
        )),
    );
    assert_alibaba_error(&env.send(tampered).await, 400, "IncompleteSignature");

    // A huge but well-formed value is just a resource that does not exist, with a bounded message.
    let r = env.alibaba(describe_gateway(&"v".repeat(20_000))).await;
    assert_alibaba_error(&r, 404, "InvalidVpnGatewayInstanceId.NotFound");
    let r = env
        .alibaba(delete_gateway("vpn-x").param("ClientToken", &"t".repeat(20_000)))
        .await;
    assert_alibaba_error(&r, 400, "InvalidParameter");
    assert!(r.json()["Message"].as_str().unwrap().len() < 1_000);

    // Tencent: the same problems answer 4000 with HTTP 200.
    for (name, request) in [
        (
            "bad escape",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn&x=%z",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "duplicate",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn&Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "too large",
            raw(
                Method::POST,
                "/v2/index.php",
                &host,
                form,
                vec![b'a'; 100 * 1024],
            ),
        ),
        (
            "no action",
            raw(
                Method::GET,
                "/v2/index.php?SecretId=emulator-sid",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "no secret id",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "bad method",
            raw(
                Method::DELETE,
                "/v2/index.php?Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
    ] {
        let r = env.send(request).await;
        assert_eq!(r.content_type(), Some("application/json"), "{name}");
        assert_tencent_error(&r, 4000, "InvalidParameter");
    }
    let r = env
        .tencent(TencentCall::new("DescribeVpnConn").nonce("not-a-number"))
        .await;
    assert_tencent_error(&r, 4000, "InvalidParameter");

    let r = env
        .send(raw(Method::GET, "/elsewhere", &host, None, vec![]))
        .await;
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("/elsewhere"));
}

#[tokio::test]
async fn random_and_broken_traffic_never_takes_it_down() {
    let env = Env::immediate().await;
    let host = env.host();
    let mut rng = fastrand::Rng::with_seed(20240501);
    let alphabet: Vec<u8> = b"%&=+?;/ aA0zZ~*\x00\xff".to_vec();
    for i in 0..300 {
        let len = rng.usize(0..200);
        let junk: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        let encoded: String = junk
            .iter()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"%&=+".contains(b) {
                    char::from(*b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let path = if i % 2 == 0 { "/" } else { "/v2/index.php" };
        let method = if i % 3 == 0 {
            Method::POST
        } else {
            Method::GET
        };
        let request = raw(
            method,
            &format!("{path}?{encoded}"),
            &host,
            Some("application/x-www-form-urlencoded"),
            junk,
        );
        let r = env.send(request).await;
        assert!(
            r.status == 200 || (400..500).contains(&r.status),
            "{} for {encoded:?}",
            r.status
        );
        assert!(r.json().is_object(), "not JSON: {}", r.text());
    }
    // Not HTTP at all.
    let mut stream = tokio::net::TcpStream::connect(env.emulator.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"\x16\x03\x01 hello? \r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    // Still serving.
    env.gateway("vpn-alive", json!({})).await;
    assert_eq!(env.alibaba(describe_gateway("vpn-alive")).await.status, 200);
}

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
