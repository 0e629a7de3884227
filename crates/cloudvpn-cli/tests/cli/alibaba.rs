//! Alibaba Cloud VPC operations: deletions awaited, describes, enhanced gateways.

use super::*;
use cloudvpn_emulator::seed::AlibabaGatewaySeed;

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
