//! `teardown`, `demo`, `completions` and `--help`.

use super::*;
use cloudvpn_emulator::seed::{AlibabaGatewaySeed, TimeMs};

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
            "tencent-v2",
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

/// API 3.0 deletes what v2 cannot: the connections (each task awaited) and then the gateway itself, seen
/// gone through a 3.0 describe afterwards. Seeded once, visible to both APIs.
#[tokio::test(flavor = "multi_thread")]
async fn teardown_tencent_deletes_the_connections_then_the_gateway_over_api3() {
    let e = emulator().await;
    support::seed_tencent(
        &e,
        "vpc-t3",
        "vpngw-t3000000",
        &["vpnx-t3100000", "vpnx-t3200000"],
    )
    .await;
    let o = call(
        &e,
        &["teardown", "tencent", "--vpn-gateway-id", "vpngw-t3000000"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = stdout_json(&o);
    let mut deleted: Vec<String> =
        serde_json::from_value(v["DeletedConnections"].clone()).expect("list");
    deleted.sort();
    assert_eq!(deleted, ["vpnx-t3100000", "vpnx-t3200000"], "{v}");
    assert_eq!(v["GatewayDeleted"], json!(true), "{v}");
    assert!(
        stderr(&o).contains("vpngw-t3000000 is gone"),
        "{}",
        stderr(&o)
    );

    let o = call(
        &e,
        &[
            "tencent",
            "describe-vpn-gateways",
            "--vpn-gateway-ids",
            "vpngw-t3000000",
        ],
    )
    .await;
    let gone = match code(&o) {
        0 => stdout_json(&o)["VpnGatewaySet"]
            .as_array()
            .is_none_or(|set| set.is_empty()),
        3 => stderr(&o).contains("NotFound"),
        _ => false,
    };
    assert!(gone, "{}\n{}", stdout(&o), stderr(&o));

    // Again: nothing left to do, said as such.
    let o = call(
        &e,
        &["teardown", "tencent", "--vpn-gateway-id", "vpngw-t3000000"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["AlreadyGone"], json!(true));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_demo_walks_through_the_deletions_of_every_api() {
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
        "| DeleteVpnGateway (Tencent 3.0) ",
        "5/5  cloudvpn tencent delete-vpn-gateway",
        "DescribeVpcTaskResult shows",
        "All six documented deletions completed",
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
        ("help_tencent", vec![tencent_v2(), "--help"]),
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
            vec![tencent_v2(), "delete-vpn-conn", "--help"],
        ),
        ("help_teardown", vec!["teardown", "--help"]),
    ] {
        let o = cloudvpn(&args).await;
        assert_eq!(code(&o), 0, "{name}");
        insta::assert_snapshot!(name, String::from_utf8_lossy(&o.stdout));
    }
}

/// A prepaid term that ends in 5 hours still stops a Tencent teardown, and its dry run says so: the
/// emulator writes `ExpiredTime` in Beijing time as the service does, and the plan reads it so (an 8-hour
/// disagreement between the two hid every term ending within 8 hours).
#[tokio::test(flavor = "multi_thread")]
async fn teardown_tencent_dry_run_sees_a_prepaid_term_ending_within_hours() {
    let e = emulator().await;
    let h = e.handle();
    h.seed_tencent_vpc(cloudvpn_emulator::seed::TencentVpcSeed {
        id: Some("vpc-term".into()),
        ..Default::default()
    })
    .await
    .expect("vpc");
    h.seed_tencent_gateway(cloudvpn_emulator::seed::TencentGatewaySeed {
        vpc_id: "vpc-term".into(),
        id: Some("vpngw-term0000".into()),
        prepaid_until: Some(TimeMs(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64)
                + 5 * 3_600_000,
        )),
        ..Default::default()
    })
    .await
    .expect("prepaid gateway");
    let o = call(
        &e,
        &[
            "teardown",
            "tencent",
            "--dry-run",
            "--vpn-gateway-id",
            "vpngw-term0000",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let stops = stdout_json(&o)["WouldStop"].to_string();
    assert!(stops.contains("prepaid"), "{}\n{}", stdout(&o), stderr(&o));
}

/// A script written for the v2 API (`cloudvpn tencent delete-vpn-conn`, from before `tencent` became API
/// 3.0) is refused as a usage error, and told where the operation went.
#[tokio::test(flavor = "multi_thread")]
async fn a_v2_operation_under_the_api3_group_points_at_its_group() {
    let v2 = support::tencent_v2();
    for name in ["delete-vpn-conn", "DeleteVpnConn"] {
        let o = cloudvpn(&["tencent", name, "--vpnConnId", "vpnx-1"]).await;
        assert_eq!(code(&o), 2, "{}", stderr(&o));
        let hint = format!("run `cloudvpn {v2} {name} …`");
        assert!(stderr(&o).contains(&hint), "{}", stderr(&o));
    }
    // A name no API has gets clap's error alone.
    let o = cloudvpn(&["tencent", "delete-everything"]).await;
    assert_eq!(code(&o), 2);
    assert!(!stderr(&o).contains("hint:"), "{}", stderr(&o));
}
