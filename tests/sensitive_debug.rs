//! Secrets in generated types (spec `sensitive: true`) never show in `Debug`: the STS credentials both
//! clouds answer, the OIDC / web-identity tokens the STS exchanges take, the IPsec pre-shared keys and
//! BGP keys the VPC APIs answer. Serialization (what the CLI prints for `--output`) keeps them.

use cloudvpn_types::sensitive::REDACTED;
use cloudvpn_types::{alibaba_sts, alibaba_vpc, tencent_sts, tencent_vpc_v2};

/// `{:?}` and `{:#?}` of `value` show the marker and none of `secrets`, and still show `visible`.
fn assert_redacted(value: &impl std::fmt::Debug, secrets: &[&str], visible: &[&str]) {
    for printed in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(printed.contains(REDACTED), "no marker in {printed}");
        for secret in secrets {
            assert!(!printed.contains(secret), "{secret:?} shows in {printed}");
        }
        for shown in visible {
            assert!(
                printed.contains(shown),
                "{shown:?} is missing from {printed}"
            );
        }
    }
}

#[test]
fn alibaba_sts_credentials_redact_the_secret_and_the_token() {
    let body = r#"{"RequestId":"6894B13B","Credentials":{"SecurityToken":"tok-CAIS-secret","AccessKeyId":"STS.NUgYrLnoC37","AccessKeySecret":"sk-wyLTSmsyPGP1-secret","Expiration":"2026-12-01T17:00:00Z"},"AssumedRoleUser":{"Arn":"acs:ram::1234567890123456:role/r/s","AssumedRoleId":"344584339364951186:s"}}"#;
    let answer: alibaba_sts::AssumeRoleResponse = serde_json::from_str(body).expect("answer");
    let secrets = ["tok-CAIS-secret", "sk-wyLTSmsyPGP1-secret"];
    assert_redacted(
        &answer,
        &secrets,
        &["STS.NUgYrLnoC37", "2026-12-01T17:00:00Z", "6894B13B"],
    );
    // What the caller asked for is still theirs: the JSON the CLI prints keeps both.
    let json = serde_json::to_string(&answer).expect("serialize");
    assert!(secrets.iter().all(|s| json.contains(s)), "{json}");
}

#[test]
fn alibaba_oidc_token_in_a_request_is_redacted() {
    let request = alibaba_sts::AssumeRoleWithOidcRequest::new(
        "acs:ram::1234567890123456:oidc-provider/emulator",
        "acs:ram::1234567890123456:role/ci",
        "eyJhbGciOiJub25lIn0.oidc-secret.",
    );
    assert_redacted(
        &request,
        &["oidc-secret"],
        &["acs:ram::1234567890123456:role/ci"],
    );
}

#[test]
fn tencent_sts_credentials_and_the_web_identity_token_are_redacted() {
    let body = r#"{"ExpiredTime":1796140800,"Expiration":"2026-12-01T17:00:00Z","Credentials":{"Token":"tc-token-secret","TmpSecretId":"AKIDtmp","TmpSecretKey":"tmp-key-secret"},"RequestId":"r-1"}"#;
    let answer: tencent_sts::AssumeRoleWithWebIdentityResponse =
        serde_json::from_str(body).expect("answer");
    assert_redacted(
        &answer,
        &["tc-token-secret", "tmp-key-secret"],
        &["AKIDtmp", "r-1"],
    );

    let request = tencent_sts::AssumeRoleWithWebIdentityRequest::new(
        "emulator",
        "eyJhbGciOiJub25lIn0.web-identity-secret.",
        "qcs::cam::uin/100000000001:roleName/ci",
        "session",
    );
    assert_redacted(
        &request,
        &["web-identity-secret"],
        &["roleName/ci", "session"],
    );
}

#[test]
fn alibaba_pre_shared_and_bgp_keys_are_redacted_and_their_absence_still_shows() {
    let ike: alibaba_vpc::describe_vpn_connection::DescribeVpnConnectionIkeConfig =
        serde_json::from_str(
            r#"{"Psk":"psk-pgw6dy-secret","IkeVersion":"ikev2","LocalId":"116.28.0.1"}"#,
        )
        .expect("IkeConfig");
    assert_redacted(&ike, &["psk-pgw6dy-secret"], &["ikev2", "116.28.0.1"]);
    assert!(
        format!("{ike:?}").contains(&format!("psk: Some({REDACTED:?})")),
        "{ike:?}"
    );

    let bgp: alibaba_vpc::describe_vpn_connection::DescribeVpnConnectionVpnBgpConfig =
        serde_json::from_str(r#"{"AuthKey":"bgp-auth-secret","EnableBgp":"true"}"#).expect("BGP");
    assert_redacted(&bgp, &["bgp-auth-secret"], &["enable_bgp", "true"]);

    // No key sent: `None` is shown, as a derived `Debug` would (whether a key came is not a secret).
    let keyless: alibaba_vpc::describe_vpn_connection::DescribeVpnConnectionIkeConfig =
        serde_json::from_str(r#"{"IkeVersion":"ikev1"}"#).expect("IkeConfig");
    let printed = format!("{keyless:?}");
    assert!(
        printed.contains("psk: None") && !printed.contains(REDACTED),
        "{printed}"
    );
}

#[test]
fn tencent_v2_pre_shared_keys_are_redacted_in_every_listed_connection() {
    let item = |id: &str, key: &str| serde_json::json!({"unVpnConnId": id, "preSharedKey": key});
    let items: Vec<tencent_vpc_v2::describe_vpn_conn::DescribeVpnConnDataItem> =
        serde_json::from_value(serde_json::json!([
            item("vpnx-1", "d!@#12d-first"),
            item("vpnx-2", "d!@#12d-second")
        ]))
        .expect("items");
    assert_redacted(
        &items,
        &["d!@#12d-first", "d!@#12d-second"],
        &["vpnx-1", "vpnx-2"],
    );
}
