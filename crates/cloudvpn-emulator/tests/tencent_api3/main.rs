//! Tencent Cloud API 3.0 end to end, through the runtime's `cloudvpn::tencent::VpcClient`: every
//! signature (TC3 POST and GET, the old-style HmacSHA256 and HmacSHA1 forms) at `/` beside Alibaba RPC,
//! the authentication failures, one world with v2 (seeded through the control routes), asynchronous
//! deletions with their task, the refusals the specs document, and the list calls' selection.
//!
//! Here: signatures, authentication and the envelope; [`deletions`]: one world with v2 and deletions as
//! tasks; [`lists`]: what the list calls select and how malformed ids are refused.

mod deletions;
mod lists;
#[path = "../support/mod.rs"]
mod support;

use cloudvpn::credentials::{Secret, TencentCredentials};
use cloudvpn::test_util::FixedClock;
use cloudvpn::transport::HttpMethod;
use cloudvpn::{Api3SignatureMethod, RetryConfig, TencentApi3ClientBuilder, tencent};
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::TencentCall;
use cloudvpn_emulator::{EmulatorConfig, Transition, Transitions};
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::FilterObject;
use serde_json::json;
use std::sync::Arc;
use support::*;

const GZ: &str = "ap-guangzhou";

fn client(env: &Env, signature: Api3SignatureMethod, http: HttpMethod) -> tencent::VpcClient {
    builder(env, "emulator-skey")
        .signature_method(signature)
        .http_method(http)
        .build()
        .expect("client")
}

fn builder(env: &Env, secret: &str) -> TencentApi3ClientBuilder<tencent::VpcClient> {
    tencent::VpcClient::builder()
        .endpoint(format!("http://{}", env.host()))
        .region(GZ)
        .credentials(TencentCredentials::new("emulator-sid", Secret::new(secret)))
        .retry(RetryConfig::deterministic(1))
}

/// A VPC, a gateway and `connections` connections on it, seeded through the control routes in Guangzhou.
async fn chain(env: &Env, gateway: &str, connections: &[&str], extra: serde_json::Value) {
    env.seed(
        "/_emulator/tencent/vpcs",
        json!({"id": "vpc-1", "region": GZ}),
    )
    .await;
    let mut g = json!({"vpc_id": "vpc-1", "id": gateway, "region": GZ});
    if let (Some(g), Some(extra)) = (g.as_object_mut(), extra.as_object()) {
        g.extend(extra.clone());
    }
    env.seed("/_emulator/tencent/vpn-gateways", g).await;
    for c in connections {
        env.seed(
            "/_emulator/tencent/vpn-connections",
            json!({"vpc_id": "vpc-1", "vpn_gateway_id": gateway, "id": c, "region": GZ}),
        )
        .await;
    }
}

#[tokio::test]
async fn every_signature_is_served_at_the_root_beside_alibaba() {
    let env = Env::immediate().await;
    chain(&env, "vpngw-sig00000", &[], json!({})).await;
    for (signature, http) in [
        (Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post),
        (Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Get),
        (Api3SignatureMethod::HmacSha256, HttpMethod::Post),
        (Api3SignatureMethod::HmacSha1, HttpMethod::Get),
    ] {
        let out = client(&env, signature, http)
            .describe_vpn_gateways()
            .vpn_gateway_ids(["vpngw-sig00000"])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?} {http:?}: {e}"));
        assert_eq!(out.total_count, Some(1), "{signature:?} {http:?}");
        assert_eq!(out.vpn_gateway_set[0].state.as_deref(), Some("AVAILABLE"));
        assert!(!out.request_id.is_empty());
    }
    // Alibaba RPC still answers at `/`.
    assert_alibaba_error(
        &env.alibaba(describe_gateway("vpn-none")).await,
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
}

#[tokio::test]
async fn authentication_failures_have_the_real_codes() {
    let env = Env::immediate().await;
    let wrong = builder(&env, "not-the-secret").build().unwrap();
    let err = wrong.describe_vpn_gateways().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");

    let unknown = tencent::VpcClient::builder()
        .endpoint(format!("http://{}", env.host()))
        .region(GZ)
        .credentials(TencentCredentials::new("nobody", Secret::new("x")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .unwrap();
    let err = unknown.describe_vpn_gateways().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SecretIdNotFound"), "{err}");

    // Signed six minutes ago: outside the 5-minute window.
    let stale_at = u64::try_from(now_secs() - 360).unwrap();
    for signature in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
    ] {
        let stale = builder(&env, "emulator-skey")
            .signature_method(signature)
            .clock(Arc::new(FixedClock::at_unix(stale_at)))
            .build()
            .unwrap();
        let err = stale.describe_vpn_gateways().send().await.unwrap_err();
        assert_eq!(err.code(), Some("AuthFailure.SignatureExpire"), "{err}");
    }
}

#[tokio::test]
async fn a_temporary_key_needs_its_session_token() {
    let mut keys = Credentials::defaults();
    keys.add_tencent(Key::new("tmp-sid", "tmp-skey").session_token("tok-right"));
    let env = Env::start(
        EmulatorConfig::loopback()
            .credentials(keys)
            .transitions(Transitions::immediate()),
    )
    .await;
    for signature in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
    ] {
        let with = |token: Option<&str>| {
            let credentials = TencentCredentials::new("tmp-sid", Secret::new("tmp-skey"));
            let credentials = match token {
                Some(t) => credentials.with_token(t),
                None => credentials,
            };
            tencent::VpcClient::builder()
                .endpoint(format!("http://{}", env.host()))
                .region(GZ)
                .credentials(credentials)
                .signature_method(signature)
                .retry(RetryConfig::deterministic(1))
                .build()
                .unwrap()
        };
        for wrong in [None, Some("tok-wrong")] {
            let err = with(wrong)
                .describe_vpn_gateways()
                .send()
                .await
                .unwrap_err();
            assert_eq!(
                err.code(),
                Some("AuthFailure.TokenFailure"),
                "{signature:?} {wrong:?}: {err}"
            );
        }
        with(Some("tok-right"))
            .describe_vpn_gateways()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
    }
}

#[tokio::test]
async fn a_web_page_is_refused_in_the_api3_envelope() {
    let env = Env::immediate().await;
    let addr = env.emulator.local_addr();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nOrigin: http://attacker.example\r\nX-TC-Action: DescribeVpnGateways\r\n\
         Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        env.host()
    );
    let (status, body) = raw_exchange(addr, &request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["Response"]["Error"]["Code"], "UnauthorizedOperation",
        "{body}"
    );
    assert!(body["Response"]["RequestId"].is_string(), "{body}");
}
