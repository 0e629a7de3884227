//! End to end: the built `cloudvpn` binary against the emulator on 127.0.0.1 — every subcommand, success and
//! documented errors, `--wait`, `--dry-run`, teardown, exit codes, the demo, completions and `--help`.

use cloudvpn_emulator::Emulator;
use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::seed::{AlibabaGatewaySeed, TimeMs};
use serde_json::json;
use std::process::Command;

mod support;

use support::*;

/// The VPC `vpc-t1` with gateway `vpngw-t1` and `connections`.
async fn seed_tencent(e: &Emulator, connections: &[&str]) {
    support::seed_tencent(e, "vpc-t1", "vpngw-t1", connections).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_deletes_succeed_and_wait_for_completion() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-a1", &["vco-a1"]).await;

    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-connection",
            "--region",
            REGION,
            "--vpn-connection-id",
            "vco-a1",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout_json(&o)["RequestId"].is_string());
    assert!(
        stderr(&o).contains("InvalidVpnConnectionInstanceId.NotFound"),
        "progress ends with the connection gone: {}",
        stderr(&o)
    );

    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-connection",
            "--region",
            REGION,
            "--vpn-connection-id",
            "vco-a1",
        ],
    )
    .await;
    assert_eq!(code(&o), 3, "the connection is gone: {}", stderr(&o));
    assert!(
        stderr(&o).contains("InvalidVpnConnectionInstanceId.NotFound"),
        "{}",
        stderr(&o)
    );

    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-a1",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-a1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["TotalCount"], json!(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn documented_service_errors_exit_3_with_code_request_id_and_advice() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-b1", &["vco-b1"]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-b1",
        ],
    )
    .await;
    assert_eq!(code(&o), 3);
    let err = stderr(&o);
    assert!(err.contains("DependencyViolation.VpnConnection"), "{err}");
    assert!(err.contains("request id: "), "{err}");
    assert!(err.contains("HTTP status: 400"), "{err}");
    assert!(err.contains("what it means: "), "{err}");
    assert!(o.stdout.is_empty(), "stdout carries results only");

    let o = call(
        &e,
        &[
            "alibaba",
            "delete-enhanced-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-nope",
        ],
    )
    .await;
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("InvalidVpnGatewayInstanceId.NotFound"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn describe_operations_print_the_specs_field_names() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-c1", &["vco-c1", "vco-c2"]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-c1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = stdout_json(&o);
    assert_eq!(v["VpnGatewayId"], json!("vpn-c1"));
    assert_eq!(v["Status"], json!("active"));

    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-connections",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-c1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["TotalCount"], json!(2));

    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--output",
            "text",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("TotalCount: 1"), "{text}");
    assert!(
        text.contains("VpnGateways.VpnGateway[0].VpnGatewayId: vpn-c1"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn tencent_delete_waits_for_the_task_and_describes_work() {
    let e = emulator().await;
    seed_tencent(&e, &["vpnx-t1"]).await;
    let o = call(&e, &["tencent", "describe-vpn-conn", "--vpc-id", "vpc-t1"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["totalCount"], json!(1));

    let o = call(
        &e,
        &[
            "tencent",
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-wrong",
            "--vpn-gw-id",
            "vpngw-t1",
            "--vpn-conn-id",
            "vpnx-t1",
        ],
    )
    .await;
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("InvalidVpc.NotFound"), "{}", stderr(&o));

    let o = call(
        &e,
        &[
            "tencent",
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-t1",
            "--vpn-gw-id",
            "vpngw-t1",
            "--vpn-conn-id",
            "vpnx-t1",
            "--wait",
            "--signature-method",
            "HmacSHA256",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let task = stdout_json(&o)["data"]["taskId"].as_i64().expect("taskId");
    assert!(stderr(&o).contains("data.status=0"), "{}", stderr(&o));

    let task = task.to_string();
    let o = call(
        &e,
        &["tencent", "describe-vpc-task-result", "--task-id", &task],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["data"]["status"], json!(0));
}

#[tokio::test(flavor = "multi_thread")]
async fn enhanced_gateways_and_connection_details() {
    let e = emulator().await;
    e.handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-enh".into()),
            enhanced: true,
            ..Default::default()
        })
        .await
        .expect("seed enhanced");
    seed_gateway(&e, "vpn-d1", &["vco-d1"]).await;

    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-connection",
            "--region",
            REGION,
            "--vpn-connection-id",
            "vco-d1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["VpnGatewayId"], json!("vpn-d1"));

    let o = call(
        &e,
        &[
            "alibaba",
            "delete-enhanced-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-enh",
            "--wait",
            "--client-token",
            "demo-token-1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("TotalCount=0"), "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_the_wire_without_secrets() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-dbg", &[]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-dbg",
            "--debug",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--> attempt 1") && err.contains("<-- attempt 1: HTTP 200"),
        "{err}"
    );
    assert!(err.contains("x-acs-action: DescribeVpnGateway"), "{err}");
    assert!(!err.contains("emulator-secret"), "{err}");
    assert_eq!(
        stdout_json(&o)["VpnGatewayId"],
        json!("vpn-dbg"),
        "stdout still carries only the result"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn v1_signatures_work_too() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-v1", &[]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-v1",
            "--signature",
            "v1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn usage_and_validation_errors_exit_2_before_anything_is_sent() {
    let o = cloudvpn(&["alibaba", "delete-vpn-gateway", "--region", REGION]).await;
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("--vpn-gateway-id"), "{}", stderr(&o));

    let long = "x".repeat(65);
    // Port 9 on loopback: if anything were sent it would fail with exit 4, not 2.
    let o = cloudvpn(&[
        "alibaba",
        "delete-vpn-gateway",
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-1",
        "--client-token",
        &long,
        "--endpoint",
        "http://127.0.0.1:9",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("ClientToken (--client-token) is 65 characters long; it must be at most 64"),
        "{err}"
    );
    assert!(err.contains("nothing was sent"), "{err}");

    let o = cloudvpn(&["alibaba", "delete-vpn-gateway", "--vpn-gateway-id", "vpn-1"]).await;
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("add --region"), "{}", stderr(&o));

    let o = cloudvpn(&[
        "alibaba",
        "describe-vpn-gateway",
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-1",
        "--wait",
    ])
    .await;
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("nothing to --wait for"),
        "{}",
        stderr(&o)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn transport_failures_exit_4_and_timeouts_exit_5() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let endpoint = format!("http://127.0.0.1:{port}");
    let o = cloudvpn(&[
        "alibaba",
        "describe-vpn-gateways",
        "--region",
        REGION,
        "--endpoint",
        &endpoint,
    ])
    .await;
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(stderr(&o).contains("cannot connect"), "{}", stderr(&o));

    let e = emulator().await;
    let slow: FaultRule =
        serde_json::from_value(json!({"action": "DescribeVpnGateways", "latency_ms": 5000}))
            .expect("rule");
    e.handle().add_faults(vec![slow]).expect("fault");
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--timeout",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&o), 5, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_signed_request_with_secrets_redacted() {
    let o = Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
        .args([
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-1",
            "--client-token",
            "tok-1",
            "--dry-run",
        ])
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-dry")
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "secret-that-must-not-show",
        )
        .env(
            "ALIBABA_CLOUD_SECURITY_TOKEN",
            "sts-token-that-must-not-show",
        )
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!shown.contains("must-not-show"), "{shown}");
    // Time, nonce and signature change on every run: pin everything else.
    let stable: Vec<String> = shown
        .lines()
        .map(|l| {
            for volatile in ["x-acs-date: ", "x-acs-signature-nonce: ", "user-agent: "] {
                if l.starts_with(volatile) {
                    return format!("{volatile}<varies>");
                }
            }
            match l.split_once(",Signature=") {
                Some((head, _)) => format!("{head},Signature=<varies>"),
                None => l.to_owned(),
            }
        })
        .collect();
    insta::assert_snapshot!("dry_run_delete_vpn_gateway", stable.join("\n"));
}

#[tokio::test(flavor = "multi_thread")]
async fn teardown_deletes_connections_then_the_gateway() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-td", &["vco-td1", "vco-td2"]).await;
    let o = call(
        &e,
        &[
            "teardown",
            "alibaba",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-td",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = stdout_json(&o);
    assert_eq!(v["DeletedConnections"], json!(["vco-td1", "vco-td2"]));
    assert_eq!(v["GatewayDeleted"], json!(true));
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-td",
        ],
    )
    .await;
    assert_eq!(code(&o), 3, "gone: {}", stderr(&o));

    // A prepaid gateway within its term stops the teardown with a clear reason.
    e.handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-prepaid".into()),
            prepaid_until: Some(TimeMs(4_102_444_800_000)),
            ..Default::default()
        })
        .await
        .expect("seed");
    let o = call(
        &e,
        &[
            "teardown",
            "alibaba",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-prepaid",
        ],
    )
    .await;
    assert_eq!(code(&o), 3);
    assert!(
        stderr(&o).contains("prepaid and still within its subscription term"),
        "{}",
        stderr(&o)
    );

    seed_tencent(&e, &["vpnx-td1", "vpnx-td2"]).await;
    let o = call(
        &e,
        &[
            "teardown",
            "tencent",
            "--vpc-id",
            "vpc-t1",
            "--vpn-gw-id",
            "vpngw-t1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let mut deleted: Vec<String> =
        serde_json::from_value(stdout_json(&o)["deletedConnections"].clone()).expect("list");
    deleted.sort();
    assert_eq!(deleted, ["vpnx-td1", "vpnx-td2"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_walks_through_all_four_deletions() {
    let o = cloudvpn(&["demo", "--fast"]).await;
    assert_eq!(
        code(&o),
        0,
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        stderr(&o)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    for expected in [
        "| DeleteVpnConnection ",
        "| DeleteVpnGateway ",
        "| DeleteEnhancedVpnGateway ",
        "| DeleteVpnConn (Tencent v2) ",
        "Forbbiden.SubUser",
        "DependencyViolation.VpnConnection",
        "ForbiddenRelease",
        "InvalidVpc.NotFound",
        "All four documented deletions completed",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_and_help() {
    for shell in ["bash", "zsh", "fish"] {
        let o = cloudvpn(&["completions", shell]).await;
        assert_eq!(code(&o), 0);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains("delete-vpn-gateway"),
            "{shell}"
        );
    }
    for (name, args) in [
        ("help_root", vec!["--help"]),
        ("help_alibaba", vec!["alibaba", "--help"]),
        ("help_tencent", vec!["tencent", "--help"]),
        (
            "help_delete_vpn_gateway",
            vec!["alibaba", "delete-vpn-gateway", "--help"],
        ),
        (
            "help_delete_vpn_connection",
            vec!["alibaba", "delete-vpn-connection", "--help"],
        ),
        (
            "help_delete_vpn_conn",
            vec!["tencent", "delete-vpn-conn", "--help"],
        ),
        ("help_teardown", vec!["teardown", "--help"]),
    ] {
        let o = cloudvpn(&args).await;
        assert_eq!(code(&o), 0, "{name}");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&o.stdout));
    }
}
