//! The control API, fault injection and the state file.

mod support;

use cloudvpn_emulator::journal;
use cloudvpn_emulator::signed::{self, AlibabaCall, TencentCall};
use cloudvpn_emulator::{Emulator, EmulatorConfig, StartError, Transitions};
use hyper::Method;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::*;

#[tokio::test]
async fn control_api_seeds_lists_and_resets() {
    let env = Env::immediate().await;
    let ok = env
        .control(Method::GET, "/_emulator/health", Value::Null)
        .await;
    assert_eq!((ok.status, ok.json()), (200, json!({"ok": true})));

    // Seeds echo what they made; lists make lists; ids are generated when absent.
    let made = env
        .seed(
            "/_emulator/alibaba/vpn-gateways",
            json!([{"region": REGION, "id": "vpn-c1"}, {"region": REGION, "enhanced": true}]),
        )
        .await;
    assert_eq!(made.as_array().unwrap().len(), 2);
    assert!(made[1]["id"].as_str().unwrap().starts_with("vpn-"));
    assert_eq!(made[1]["enhanced"], true);

    let refused = [
        (
            "/_emulator/alibaba/vpn-gateways",
            json!({"region": REGION, "id": "vpn-c1"}),
            409,
        ),
        (
            "/_emulator/alibaba/vpn-gateways",
            json!({"region": REGION, "colour": "red"}),
            400,
        ),
        (
            "/_emulator/alibaba/vpn-gateways",
            json!({"region": REGION, "status": "deleting"}),
            400,
        ),
        (
            "/_emulator/alibaba/vpn-gateways",
            json!({"region": REGION, "prepaid_until": "soon"}),
            400,
        ),
        (
            "/_emulator/alibaba/vpn-connections",
            json!({"region": REGION, "vpn_gateway_id": "vpn-no"}),
            404,
        ),
        (
            "/_emulator/tencent/vpn-gateways",
            json!({"vpc_id": "vpc-no"}),
            404,
        ),
        (
            "/_emulator/tencent/vpn-connections",
            json!({"vpc_id": "vpc-no", "vpn_gateway_id": "g"}),
            404,
        ),
    ];
    for (path, body, status) in refused {
        let r = env.control(Method::POST, path, body.clone()).await;
        assert_eq!(r.status, status, "{path} {body}: {}", r.text());
        assert!(r.json()["error"].is_string());
    }
    let r = env
        .control(Method::GET, "/_emulator/alibaba/vpn-gateways", Value::Null)
        .await;
    assert_eq!(r.status, 405);
    let r = env
        .control(Method::GET, "/_emulator/nothing", Value::Null)
        .await;
    assert_eq!(r.status, 404);

    env.tencent_chain("vpc-c", "vpngw-c", "vpnx-c", json!({"region": "gz"}))
        .await;
    let state = env.state().await;
    let account = &state["accounts"]["default"];
    assert!(account["alibaba"][REGION]["vpn_gateways"]["vpn-c1"].is_object());
    assert!(account["tencent"]["ap-guangzhou"]["vpn_connections"]["vpnx-c"].is_object());

    let r = env
        .control(
            Method::PUT,
            "/_emulator/transitions",
            json!({"alibaba_vpn_gateway": {"mode": "polls", "count": 3}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let t = env
        .control(Method::GET, "/_emulator/transitions", Value::Null)
        .await
        .json();
    assert_eq!(
        t["alibaba_vpn_gateway"],
        json!({"mode": "polls", "count": 3})
    );
    // A PUT replaces the whole set: kinds it leaves out get their defaults.
    assert_eq!(
        t["alibaba_vpn_connection"],
        json!({"mode": "time", "ms": 3000})
    );

    let r = env
        .control(Method::POST, "/_emulator/reset", Value::Null)
        .await;
    assert_eq!(r.status, 200);
    let state = env.state().await;
    assert_eq!(state["accounts"], json!({}));
    // Reset restores the startup transitions.
    let t = env
        .control(Method::GET, "/_emulator/transitions", Value::Null)
        .await
        .json();
    assert_eq!(t["alibaba_vpn_gateway"], json!({"mode": "immediate"}));
}

async fn fault(env: &Env, rule: Value) {
    let r = env.control(Method::POST, "/_emulator/faults", rule).await;
    assert_eq!(r.status, 201, "{}", r.text());
}

fn describe_all() -> AlibabaCall {
    AlibabaCall::new("DescribeVpnGateways").param("RegionId", REGION)
}

#[tokio::test]
async fn seeded_faults_repeat_exactly() {
    let env = Env::immediate().await;
    let mut runs = Vec::new();
    for _ in 0..2 {
        fault(&env, json!({"action": "DescribeVpnGateways", "error": "Throttling.User", "probability": 0.5, "seed": 7})).await;
        let mut pattern = Vec::new();
        for _ in 0..24 {
            pattern.push(env.alibaba(describe_all()).await.status);
        }
        runs.push(pattern);
        assert_eq!(
            env.control(Method::DELETE, "/_emulator/faults", Value::Null)
                .await
                .status,
            200
        );
    }
    assert_eq!(runs[0], runs[1]);
    assert!(
        runs[0].contains(&400) && runs[0].contains(&200),
        "{:?}",
        runs[0]
    );
}

#[tokio::test]
async fn faults_answer_documented_errors_delay_and_drop() {
    let env = Env::immediate().await;
    fault(&env, json!({"rules": [
        {"provider": "alibaba", "action": "DescribeVpnGateways", "error": "ServiceUnavailable", "count": 2},
        {"provider": "tencent", "action": "DescribeVpnConn", "error": "6000", "count": 1},
        {"provider": "tencent", "action": "DescribeVpcTaskResult", "error": "Custom.Thing", "status": 4400, "message": "slow down", "count": 1}
    ]}))
    .await;
    for _ in 0..2 {
        assert_alibaba_error(
            &env.alibaba(describe_all()).await,
            503,
            "ServiceUnavailable",
        );
    }
    assert_eq!(env.alibaba(describe_all()).await.status, 200);
    let r = env.tencent(TencentCall::new("DescribeVpnConn")).await;
    assert_tencent_error(&r, 6000, "InternalError");
    let r = env.tencent(task_result(1)).await;
    assert_tencent_error(&r, 4400, "Custom.Thing");
    assert_eq!(r.json()["message"], "slow down");
    let listed = env
        .control(Method::GET, "/_emulator/faults", Value::Null)
        .await
        .json();
    assert_eq!(listed["rules"][0]["hits"], 2);

    fault(
        &env,
        json!({"action": "DescribeVpnGateway", "latency_ms": 250, "count": 1}),
    )
    .await;
    let started = Instant::now();
    let r = env.alibaba(describe_gateway("vpn-none")).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert_alibaba_error(&r, 404, "InvalidVpnGatewayInstanceId.NotFound");

    fault(&env, json!({"provider": "alibaba", "action": "DeleteVpnGateway", "drop_connection": true, "count": 1})).await;
    let dropped = signed::send(
        env.emulator.local_addr(),
        delete_gateway("vpn-x").build(&env.host()),
    )
    .await;
    assert!(
        matches!(dropped, Err(signed::ClientError::Http(_))),
        "{dropped:?}"
    );
    let r = env.alibaba(delete_gateway("vpn-x")).await;
    assert_alibaba_error(&r, 404, "InvalidVpnGatewayInstanceId.NotFound");

    let bad = env
        .control(
            Method::POST,
            "/_emulator/faults",
            json!({"error": "X", "probability": 3}),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(
        env.control(Method::DELETE, "/_emulator/faults", Value::Null)
            .await
            .status,
        200
    );
    assert_eq!(
        env.control(Method::GET, "/_emulator/faults", Value::Null)
            .await
            .json()["rules"],
        json!([])
    );
}

#[tokio::test]
async fn state_survives_a_restart_and_agrees_with_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = || {
        EmulatorConfig::loopback()
            .state_file(&path)
            .transitions(Transitions::immediate())
    };
    let env = Env::start(config()).await;
    env.gateway("vpn-keep", json!({"prepaid_until": "2099-01-01T00:00:00Z"}))
        .await;
    env.gateway("vpn-gone", json!({})).await;
    env.connection("vco-keep", "vpn-keep").await;
    env.tencent_chain("vpc-s", "vpngw-s", "vpnx-s", json!({}))
        .await;
    let token = alibaba_ok(
        &env.alibaba(delete_gateway("vpn-gone").param("ClientToken", "t-1"))
            .await,
    );
    let task = tencent_ok(
        &env.tencent(delete_vpn_conn("vpc-s", "vpngw-s", "vpnx-s"))
            .await,
    )["data"]["taskId"]
        .clone();

    let memory = env.state().await;
    // What a restart reads (the state file and its journal) agrees with memory.
    let on_disk = serde_json::to_value(journal::read(&path).unwrap()).unwrap();
    assert_eq!(on_disk, memory);

    // No clean shutdown: what was acknowledged is on disk already.
    drop(env);
    let env = Env::start(config()).await;
    assert_eq!(env.state().await, memory);
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-keep")).await)["ChargeType"],
        "Prepay"
    );
    assert_alibaba_error(
        &env.alibaba(describe_gateway("vpn-gone")).await,
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
    // Client tokens and tasks survive too.
    let again = alibaba_ok(
        &env.alibaba(delete_gateway("vpn-gone").param("ClientToken", "t-1"))
            .await,
    );
    assert_eq!(again["RequestId"], token["RequestId"]);
    assert_eq!(
        tencent_ok(&env.tencent(task_result(task.as_i64().unwrap())).await)["data"]["status"],
        0
    );
    env.emulator.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_corrupt_state_file_is_an_error_and_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        b"{\"format\": \"cloudvpn-emulator-state/1\", \"state\": [1, 2",
    )
    .unwrap();
    let err = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::StateFile(_)));
    let message = err.to_string();
    assert!(
        message.contains("broken.json") && message.contains("line 1"),
        "{message}"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"{\"format\": \"cloudvpn-emulator-state/1\", \"state\": [1, 2"
    );

    // The binary says the same and exits non-zero.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("broken.json") && stderr.contains("cannot be used"),
        "{stderr}"
    );
    let bad_flag = std::process::Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(bad_flag.status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn the_binary_serves_and_stops_cleanly_on_sigterm() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("bin-state.json");
    let credentials = dir.path().join("keys.json");
    std::fs::write(
        &credentials,
        r#"{"alibaba": [{"access_key_id": "file-ak", "access_key_secret": "file-secret"}]}"#,
    )
    .unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .arg("--credentials")
        .arg(&credentials)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("the banner names the URL");
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let seed = hyper::Request::builder()
            .method(Method::POST)
            .uri("/_emulator/alibaba/vpn-gateways")
            .header("host", addr.to_string())
            .header("content-type", "application/json")
            .body(http_body_util::Full::new(bytes::Bytes::from(
                json!({"region": REGION, "id": "vpn-bin"}).to_string(),
            )))
            .unwrap();
        assert_eq!(signed::send(addr, seed).await.unwrap().status, 201);
        // A key from the credentials file works.
        let call = describe_gateway("vpn-bin").key("file-ak", "file-secret");
        let r = signed::send(addr, call.build(&addr.to_string()))
            .await
            .unwrap();
        assert_eq!(r.status, 200, "{}", r.text());
    });

    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the emulator did not stop");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(
        saved["state"]["accounts"]["default"]["alibaba"][REGION]["vpn_gateways"]["vpn-bin"]
            .is_object()
    );
}
