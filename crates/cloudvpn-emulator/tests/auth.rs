//! Authentication under attack: a V3 signature must cover what makes a request unique, and a used nonce is
//! refused for its whole timestamp window.

mod support;

use bytes::Bytes;
use cloudvpn_emulator::clock;
use cloudvpn_emulator::credentials::{
    DEFAULT_ALIBABA_ACCESS_KEY_ID, DEFAULT_ALIBABA_ACCESS_KEY_SECRET,
};
use cloudvpn_emulator::signed::{self, AlibabaSignature};
use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, EMPTY_PAYLOAD_HASH};
use cloudvpn_signing::encoding;
use http_body_util::Full;
use hyper::{Method, Request};
use support::*;

/// A V3 request whose `Authorization` signs only the headers named in `signed`; every header is sent.
fn v3_signing_only(
    host: &str,
    action: &str,
    signature_of: &[&str],
    authorization: Option<&str>,
) -> (Request<Full<Bytes>>, String) {
    let query = vec![
        ("RegionId".to_owned(), REGION.to_owned()),
        ("VpnGatewayId".to_owned(), "vpn-victim".to_owned()),
    ];
    let headers = [
        ("host", host.to_owned()),
        ("x-acs-action", action.to_owned()),
        ("x-acs-version", "2016-04-28".to_owned()),
        ("x-acs-date", clock::format_utc(clock::now_secs())),
        ("x-acs-signature-nonce", signed::nonce()),
        ("x-acs-content-sha256", EMPTY_PAYLOAD_HASH.to_owned()),
    ];
    let mut canonical = CanonicalRequest::new("POST", "/").query_params(&query);
    for (name, value) in headers.iter().filter(|(n, _)| signature_of.contains(n)) {
        canonical.push_header(name, value);
    }
    let authorization = authorization.map_or_else(
        || {
            alibaba_v3::authorize(
                DEFAULT_ALIBABA_ACCESS_KEY_ID,
                DEFAULT_ALIBABA_ACCESS_KEY_SECRET,
                &canonical,
            )
        },
        str::to_owned,
    );
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(format!("/?{}", encoding::form_urlencode(&query)));
    for (name, value) in &headers {
        builder = builder.header(*name, value.as_str());
    }
    let request = builder
        .header("authorization", authorization.as_str())
        .body(Full::new(Bytes::new()))
        .expect("a valid request");
    (request, authorization)
}

#[tokio::test]
async fn a_signature_over_host_alone_cannot_be_replayed_as_a_delete() {
    let env = Env::immediate().await;
    env.gateway("vpn-victim", serde_json::json!({})).await;
    let host = env.host();

    // The victim's request, signed with SignedHeaders=host only.
    let (describe, authorization) = v3_signing_only(&host, "DescribeVpnGateway", &["host"], None);
    assert!(
        authorization.contains("SignedHeaders=host,"),
        "{authorization}"
    );
    let r = env.send(describe).await;
    assert_alibaba_error(&r, 400, "IncompleteSignature");
    assert!(
        r.json()["Message"]
            .as_str()
            .unwrap_or_default()
            .contains("x-acs-action"),
        "{}",
        r.text()
    );

    // The attacker replays its Authorization with a fresh date and nonce and another action.
    let (delete, _) = v3_signing_only(&host, "DeleteVpnGateway", &["host"], Some(&authorization));
    assert_alibaba_error(&env.send(delete).await, 400, "IncompleteSignature");

    // The gateway survived.
    let r = env
        .alibaba(describe_gateway("vpn-victim").signature(AlibabaSignature::V3))
        .await;
    assert_eq!((r.status, code(&r)), (200, None), "{}", r.text());
    assert_eq!(r.json()["Status"], "active", "{}", r.text());
}

#[tokio::test]
async fn each_required_header_left_unsigned_is_refused() {
    let env = Env::immediate().await;
    env.gateway("vpn-victim", serde_json::json!({})).await;
    let host = env.host();
    let all = [
        "host",
        "x-acs-action",
        "x-acs-version",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
    ];
    for left_out in all {
        let signed: Vec<&str> = all.iter().copied().filter(|n| *n != left_out).collect();
        let (request, _) = v3_signing_only(&host, "DescribeVpnGateway", &signed, None);
        let r = env.send(request).await;
        assert_alibaba_error(&r, 400, "IncompleteSignature");
        assert!(
            r.json()["Message"]
                .as_str()
                .unwrap_or_default()
                .contains(left_out),
            "{}",
            r.text()
        );
    }
    // All six signed: accepted.
    let (request, _) = v3_signing_only(&host, "DescribeVpnGateway", &all, None);
    let r = env.send(request).await;
    assert_eq!((r.status, code(&r)), (200, None), "{}", r.text());
}
