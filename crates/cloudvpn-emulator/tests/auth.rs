//! Authentication under attack: a V3 signature must cover what makes a request unique, and a used nonce is
//! refused for its whole timestamp window.

mod support;

use bytes::Bytes;
use cloudvpn_emulator::credentials::{
    DEFAULT_ALIBABA_ACCESS_KEY_ID, DEFAULT_ALIBABA_ACCESS_KEY_SECRET,
};
use cloudvpn_emulator::signed::{self, AlibabaSignature, TencentCall};
use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, EMPTY_PAYLOAD_HASH};
use cloudvpn_signing::encoding;
use cloudvpn_signing::timestamp::format_utc;
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
        ("x-acs-date", format_utc(now_secs())),
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

/// An emulator that remembers at most `nonces` nonces at a time.
async fn with_nonce_capacity(nonces: usize) -> Env {
    let limits = cloudvpn_emulator::Limits {
        nonce_capacity: nonces,
        ..Default::default()
    };
    Env::start(
        cloudvpn_emulator::EmulatorConfig::loopback()
            .transitions(cloudvpn_emulator::Transitions::immediate())
            .limits(limits),
    )
    .await
}

/// The old cache forgot its oldest nonce once it held its capacity, so a byte-identical replay succeeded
/// again after that many requests. Now every nonce stays until its timestamp leaves the window, and a full
/// cache refuses new requests (as throttled) instead of forgetting.
#[tokio::test]
async fn a_replay_after_more_requests_than_the_capacity_is_still_refused() {
    const CAPACITY: usize = 64;
    let env = with_nonce_capacity(CAPACITY).await;
    env.gateway("vpn-a", serde_json::json!({})).await;
    let timestamp = format_utc(now_secs());
    let first = || {
        describe_gateway("vpn-a")
            .timestamp(&timestamp)
            .nonce("the-first-nonce")
    };
    let r = env.alibaba(first()).await;
    assert_eq!((r.status, code(&r)), (200, None), "{}", r.text());

    // Many more requests than the cache holds: the first ones succeed, then the cache is full (so many
    // that every one of its shards fills up).
    let (mut accepted, mut throttled) = (1, 0);
    for _ in 0..CAPACITY * 8 {
        let r = env.alibaba(describe_gateway("vpn-a")).await;
        match code(&r).as_deref() {
            None => accepted += 1,
            Some("Throttling") => {
                assert_alibaba_error(&r, 400, "Throttling");
                throttled += 1;
            }
            other => panic!("unexpected {other:?}: {}", r.text()),
        }
    }
    assert!(
        accepted <= CAPACITY,
        "{accepted} nonces held by a cache of {CAPACITY}"
    );
    assert!(throttled >= CAPACITY * 7, "only {throttled} throttled");

    // The byte-identical replay of the first request is refused as a replay, not let through.
    assert_alibaba_error(&env.alibaba(first()).await, 400, "SignatureNonceUsed");
    // V3 requests share the cache, and a full one refuses them too.
    let r = env
        .alibaba(describe_gateway("vpn-a").signature(AlibabaSignature::V3))
        .await;
    assert_alibaba_error(&r, 400, "Throttling");

    // A reset empties the cache.
    let reset = env
        .control(Method::POST, "/_emulator/reset", serde_json::Value::Null)
        .await;
    assert_eq!(reset.status, 200, "{}", reset.text());
    env.gateway("vpn-a", serde_json::json!({})).await;
    let r = env.alibaba(describe_gateway("vpn-a")).await;
    assert_eq!((r.status, code(&r)), (200, None), "{}", r.text());
}

/// Nonces are dropped once their request's timestamp has left the window (here Tencent v2's 7,200 s,
/// with requests signed 7,196 s ago: a few seconds to fill the cache, a few more to wait), which makes
/// room in a full cache again.
#[tokio::test]
async fn nonces_are_dropped_when_their_timestamp_leaves_the_window() {
    // One nonce per shard: enough requests fill every shard.
    const CAPACITY: usize = 16;
    let env = with_nonce_capacity(CAPACITY).await;
    env.seed(
        "/_emulator/tencent/vpcs",
        serde_json::json!({"id": "vpc-t"}),
    )
    .await;
    let list = || TencentCall::new("DescribeVpnConn").param("vpcId", "vpc-t");

    let signed = now_secs() - 7_196;
    let (mut accepted, mut throttled) = (0, 0);
    for _ in 0..CAPACITY * 16 {
        let r = env.tencent(list().timestamp(&signed.to_string())).await;
        match r.json()["code"].as_i64() {
            Some(0) => accepted += 1,
            Some(4400) => {
                assert_tencent_error(&r, 4400, "RequestLimitExceeded");
                throttled += 1;
            }
            _ => panic!("unexpected answer: {}", r.text()),
        }
    }
    assert!(
        accepted <= CAPACITY,
        "{accepted} nonces held by a cache of {CAPACITY}"
    );
    assert!(throttled >= CAPACITY * 15, "only {throttled} throttled");
    assert_tencent_error(&env.tencent(list()).await, 4400, "RequestLimitExceeded");

    // Those nonces may be forgotten from the second their timestamp is out of the window.
    let forget_at = signed + 7_201;
    for _ in 0..80 {
        if now_secs() >= forget_at {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(now_secs() >= forget_at, "the clock did not advance");
    tencent_ok(&env.tencent(list()).await);
}
