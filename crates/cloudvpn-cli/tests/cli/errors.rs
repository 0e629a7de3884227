//! Exit codes: documented service errors (3), usage and validation (2), transport (4), timeouts (5).

use super::*;
use cloudvpn_emulator::faults::FaultRule;

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
