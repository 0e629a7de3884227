//! How one gateway is deleted: a gateway still settling is let settle and the deletion tried again; keys
//! the service refuses a deletion make a skip with the reason when nothing was deleted yet, and a failure
//! (exit 7) that says both when the gateway is refused after its connections were deleted.

use super::*;
use cloudvpn_emulator::seed::AlibabaGatewaySeed;

/// A sweep of the `ci-*` gateways of cn-hangzhou with `key`'s credentials, its report at `report`.
async fn apply_as(
    e: &cloudvpn_emulator::Emulator,
    (id, secret): (&str, &str),
    report: &std::path::Path,
) -> std::process::Output {
    let mut c = command_for(e, &apply_ci(&["--report", report.to_str().unwrap()]));
    c.env("ALIBABA_CLOUD_ACCESS_KEY_ID", id)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret);
    output(c).await
}

#[tokio::test]
async fn a_gateway_still_provisioning_is_let_settle_and_the_deletion_retried() {
    // The gateway shows `provisioning` for two Describe calls: the first deletion answers the documented
    // busy error, the sweep waits for the gateway to be `active` and tries again.
    let e = emulator().await;
    let busy = AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some("vpn-ci-busy".into()),
        name: Some("ci-busy".into()),
        status: Some(cloudvpn_emulator::model::GatewayStatus::Provisioning),
        ..Default::default()
    };
    seed_alibaba(&e, busy, &["vco-busy"]).await;
    let out = call(&e, &apply_ci(&[])).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(left(&e).await.0.is_empty(), "{}", stdout(&out));
}

#[tokio::test]
async fn a_key_without_permission_to_delete_is_a_skip_with_the_reason() {
    let e = emulator_with_keys(
        r#"{"alibaba": [{"access_key_id": "ak-read", "access_key_secret": "s-read", "principal": "sub_user",
             "allowed_actions": ["DescribeVpnGateways", "DescribeVpnConnections", "DescribeVpnGateway"]}]}"#,
    )
    .await;
    alibaba_gateway(&e, "vpn-ci-ro", "ci-ro", &[], 1).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.json");
    let out = apply_as(&e, ("ak-read", "s-read"), &path).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    assert_eq!(
        outcomes(&r).get("vpn-ci-ro"),
        Some(&("skipped".to_owned(), "permission_lacking".to_owned())),
        "{r}"
    );
    assert!(
        stderr(&out).contains("these credentials may not delete it (Forbbiden.SubUser)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(left(&e).await.0, set(&["vpn-ci-ro"]));
}

#[tokio::test]
async fn a_gateway_refused_after_its_connections_were_deleted_is_a_failure_that_says_so() {
    // The key may describe and delete connections, but not delete gateways.
    let e = emulator_with_keys(
        r#"{"alibaba": [{"access_key_id": "ak-partial", "access_key_secret": "s-partial", "principal": "sub_user",
             "allowed_actions": ["DescribeVpnGateways", "DescribeVpnConnections", "DescribeVpnGateway",
                                 "DeleteVpnConnection", "DescribeVpnConnection"]}]}"#,
    )
    .await;
    let half = AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some("vpn-ci-half".into()),
        name: Some("ci-half".into()),
        ..Default::default()
    };
    seed_alibaba(&e, half, &["vco-ci-half"]).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.json");
    let out = apply_as(&e, ("ak-partial", "s-partial"), &path).await;
    assert_eq!(code(&out), 7, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
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
