//! Tencent Cloud API 3.0 (`cloudvpn tencent`): the signed request of each signature method, list and
//! object flags as tccli spells them and as our kebab flags, and refusals before anything is sent.

use super::*;

/// `cloudvpn tencent …` with `--dry-run`, to a port nothing listens on (a dry run opens no connection).
async fn dry_run(args: &[&str]) -> std::process::Output {
    let mut all = vec!["tencent"];
    all.extend_from_slice(args);
    all.extend(["--dry-run", "--endpoint", "http://127.0.0.1:9"]);
    cloudvpn(&all).await
}

#[tokio::test(flavor = "multi_thread")]
async fn tc3_is_the_default_and_the_body_is_the_request_as_json() {
    let o = dry_run(&[
        "delete-vpn-connection",
        "--region",
        TENCENT_REGION,
        "--vpn-gateway-id",
        "vpngw-1",
        "--vpn-connection-id",
        "vpnx-1",
    ])
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let request = stdout(&o);
    for line in [
        "POST http://127.0.0.1:9/",
        "Content-Type: application/json",
        "X-TC-Action: DeleteVpnConnection",
        "X-TC-Version: 2017-03-12",
        &format!("X-TC-Region: {TENCENT_REGION}"),
        "Authorization: TC3-HMAC-SHA256 Credential=emulator-sid/",
        r#"{"VpnGatewayId": "vpngw-1", "VpnConnectionId": "vpnx-1"}"#,
    ] {
        assert!(request.contains(line), "no {line:?} in\n{request}");
    }
    assert!(!request.contains("emulator-skey"), "{request}");
}

#[tokio::test(flavor = "multi_thread")]
async fn list_and_object_flags_take_tccli_and_kebab_spellings() {
    for flag in ["--VpnGatewayIds", "--vpn-gateway-ids"] {
        let o = dry_run(&[
            "describe-vpn-gateways",
            "--region",
            TENCENT_REGION,
            flag,
            "vpngw-1",
            "vpngw-2",
        ])
        .await;
        assert_eq!(code(&o), 0, "{flag}: {}", stderr(&o));
        assert!(
            stdout(&o).contains(r#"{"VpnGatewayIds": ["vpngw-1", "vpngw-2"]}"#),
            "{flag}: {}",
            stdout(&o)
        );
    }
    let filters = r#"[{"Name": "vpn-gateway-id", "Values": ["vpngw-1"]}]"#;
    for flag in ["--Filters", "--filters"] {
        let o = dry_run(&[
            "describe-vpn-connections",
            "--region",
            TENCENT_REGION,
            flag,
            filters,
        ])
        .await;
        assert_eq!(code(&o), 0, "{flag}: {}", stderr(&o));
        assert!(
            stdout(&o)
                .contains(r#"{"Filters": [{"Name": "vpn-gateway-id", "Values": ["vpngw-1"]}]}"#),
            "{flag}: {}",
            stdout(&o)
        );
    }
    // The old-style form signature flattens the same lists, as the official SDKs do.
    let o = dry_run(&[
        "describe-vpn-connections",
        "--region",
        TENCENT_REGION,
        "--Filters",
        filters,
        "--signature-method",
        "HmacSHA1",
    ])
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let request = stdout(&o);
    assert!(
        request.contains("Content-Type: application/x-www-form-urlencoded"),
        "{request}"
    );
    assert!(
        request.contains("Filters.0.Name=vpn-gateway-id&Filters.0.Values.0=vpngw-1"),
        "{request}"
    );
    assert!(request.contains("SignatureMethod=HmacSHA1"), "{request}");
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_values_are_refused_before_anything_is_sent() {
    // Not JSON: the flag is named, with an example of what it takes.
    let o = dry_run(&[
        "describe-vpn-connections",
        "--region",
        TENCENT_REGION,
        "--Filters",
        "vpn-gateway-id=vpngw-1",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--filters"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));

    // More gateways than the documented maximum (100).
    let many: Vec<String> = (0..101).map(|i| format!("vpngw-{i}")).collect();
    let mut args = vec![
        "describe-vpn-gateways",
        "--region",
        TENCENT_REGION,
        "--VpnGatewayIds",
    ];
    args.extend(many.iter().map(String::as_str));
    let o = dry_run(&args).await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("VpnGatewayIds"), "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));

    // No region from anywhere.
    let mut without_region = support::command(&[
        "tencent",
        "describe-vpn-gateways",
        "--dry-run",
        "--endpoint",
        "http://127.0.0.1:9",
    ]);
    without_region.env_remove("TENCENTCLOUD_REGION");
    let o = tokio::task::spawn_blocking(move || without_region.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(stderr(&o).contains("--region"), "{}", stderr(&o));
}

/// `--wait` on an API 3.0 deletion follows the spec's recipe: the task (DescribeVpcTaskResult, TaskId =
/// the deletion's RequestId) until SUCCESS; afterwards the connection is gone from a 3.0 describe.
#[tokio::test(flavor = "multi_thread")]
async fn delete_vpn_connection_waits_for_its_task() {
    let e = emulator().await;
    support::seed_tencent(&e, "vpc-w3", "vpngw-w3000000", &["vpnx-w3000000"]).await;
    let o = call(
        &e,
        &[
            "tencent",
            "delete-vpn-connection",
            "--region",
            TENCENT_REGION,
            "--vpn-gateway-id",
            "vpngw-w3000000",
            "--vpn-connection-id",
            "vpnx-w3000000",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout_json(&o)["RequestId"].is_string(), "{}", stdout(&o));
    assert!(
        stderr(&o).contains(r#"DescribeVpcTaskResult shows Status="SUCCESS""#),
        "{}",
        stderr(&o)
    );
    let o = call(
        &e,
        &[
            "tencent",
            "describe-vpn-connections",
            "--region",
            TENCENT_REGION,
            "--vpn-connection-ids",
            "vpnx-w3000000",
        ],
    )
    .await;
    let gone = match code(&o) {
        0 => stdout_json(&o)["VpnConnectionSet"]
            .as_array()
            .is_none_or(|set| set.is_empty()),
        3 => stderr(&o).contains("NotFound"),
        _ => false,
    };
    assert!(gone, "{}\n{}", stdout(&o), stderr(&o));
}
