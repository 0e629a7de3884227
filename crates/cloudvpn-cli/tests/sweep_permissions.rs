//! `cloudvpn sweep --apply` with keys the service refuses some deletions: refused before anything was
//! deleted is a skip with the reason; refused the gateway after its connections were deleted is a failure
//! (exit 7) that says both.

mod support;

use cloudvpn_emulator::credentials::Credentials;
use cloudvpn_emulator::seed::{AlibabaConnectionSeed, AlibabaGatewaySeed};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use support::*;

/// An emulator whose key `ak-partial` may describe and delete connections, but not delete gateways.
async fn emulator_with_a_partial_key() -> Emulator {
    let credentials = Credentials::from_json(
        r#"{"alibaba": [{"access_key_id": "ak-partial", "access_key_secret": "s-partial", "principal": "sub_user",
             "allowed_actions": ["DescribeVpnGateways", "DescribeVpnConnections", "DescribeVpnGateway",
                                 "DeleteVpnConnection", "DescribeVpnConnection"]}]}"#,
    )
    .expect("credentials");
    Emulator::start(
        EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(Transitions::all(Transition::Immediate)),
    )
    .await
    .expect("emulator")
}

#[tokio::test]
async fn a_gateway_refused_after_its_connections_were_deleted_is_a_failure_that_says_so() {
    let e = emulator_with_a_partial_key().await;
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some("vpn-ci-half".into()),
        name: Some("ci-half".into()),
        ..Default::default()
    })
    .await
    .expect("seed gateway");
    h.seed_alibaba_connection(AlibabaConnectionSeed {
        region: REGION.into(),
        id: Some("vco-ci-half".into()),
        vpn_gateway_id: "vpn-ci-half".into(),
        ..Default::default()
    })
    .await
    .expect("seed connection");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let base = e.base_url();
    let mut c = command(&[
        "sweep",
        "--cloud",
        "alibaba",
        "--region",
        REGION,
        "--name",
        "ci-*",
        "--apply",
        "--yes",
        "--report",
        path.to_str().unwrap(),
        "--endpoint",
        base.as_str(),
    ]);
    c.env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-partial")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s-partial");
    let out = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .unwrap();
    assert_eq!(code(&out), 7, "{}\n{}", stdout(&out), stderr(&out));
    let r: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let g = &r["gateways"][0];
    assert_eq!(g["id"], "vpn-ci-half", "{r}");
    assert_eq!(g["outcome"], "failed", "{r}");
    let reason = g["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("1 of its connection(s) deleted") && reason.contains("Forbbiden.SubUser"),
        "{reason}"
    );
    assert_eq!(g["resources"][0]["id"], "vco-ci-half", "{r}");
    assert_eq!(g["resources"][0]["outcome"], "deleted", "{r}");
}
