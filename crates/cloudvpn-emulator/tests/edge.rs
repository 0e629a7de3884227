//! The network edge: where the emulator may listen (loopback unless allowed, never with the published
//! keys when remote), what keeps web pages away from the cloud APIs and the control API, and requests
//! refused before any route: no `Host` or two, `CONNECT`.

mod support;

use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::{AlibabaSignature, TencentCall};
use cloudvpn_emulator::{ControlToken, Emulator, EmulatorConfig, ExposureError, StartError};
use hyper::Method;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn requests_without_exactly_one_host_and_connect_are_refused() {
    let env = Env::immediate().await;
    let addr = env.emulator.local_addr();
    let host = env.host();
    for path in ["/_emulator/health", "/", "/v2/index.php"] {
        let (status, body) = raw_exchange(
            addr,
            &format!("GET {path} HTTP/1.1\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains("no Host"),
            "{body}"
        );
        let (status, body) = raw_exchange(
            addr,
            &format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nHost: other.example\r\nConnection: close\r\n\r\n"),
        )
        .await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(
            body["error"].as_str().unwrap().contains("2 Host headers"),
            "{body}"
        );
    }
    let (status, body) = raw_exchange(
        addr,
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 405, "{body}");
    assert!(
        body["error"].as_str().unwrap().contains("CONNECT"),
        "{body}"
    );
    // With one Host the same request is served.
    let (status, _) = raw_exchange(
        addr,
        &format!("GET /_emulator/health HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 200);
}

fn own_keys() -> Credentials {
    let mut keys = Credentials::empty();
    keys.add_alibaba(Key::new("edge-ak", "edge-secret-not-published"));
    keys
}

#[tokio::test]
async fn non_loopback_listen_addresses_need_allow_remote_and_own_keys() {
    let any: SocketAddr = "0.0.0.0:0".parse().unwrap();
    let err = Emulator::start(EmulatorConfig::new(any)).await.unwrap_err();
    assert!(
        matches!(err, StartError::Exposure(ExposureError::NotLoopback { .. })),
        "{err}"
    );
    assert!(err.to_string().contains("--allow-remote"), "{err}");
    let mut remote = EmulatorConfig::new("[::]:0".parse().unwrap());
    remote.allow_remote = true;
    let err = Emulator::start(remote).await.unwrap_err();
    assert!(
        matches!(err, StartError::Exposure(ExposureError::DefaultKeys { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains("\"include_defaults\": false"),
        "{err}"
    );

    // Allowed with keys of its own: that policy is checked without binding in listen's unit tests, so
    // nothing is ever exposed (an IPv4 client of a dual-stack listener, ::ffff:127.0.0.1, is a loopback
    // client: control_guard's and loopback's unit tests).

    // With --allow-remote (here on loopback) clients may address the emulator by its network name; the
    // control API still answers requests addressed to loopback only.
    let mut config = EmulatorConfig::loopback().credentials(own_keys());
    config.allow_remote = true;
    let env = Env::start(config).await;
    let addr = env.emulator.local_addr();
    let call = cloudvpn_emulator::signed::AlibabaCall::new("DescribeVpnGateways")
        .param("RegionId", REGION)
        .key("edge-ak", "edge-secret-not-published");
    let r = env.send(call.build("emulator.internal:8080")).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let (status, body) = raw_exchange(
        addr,
        "GET /_emulator/health HTTP/1.1\r\nHost: emulator.internal:8080\r\nConnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(status, 403, "{body}");
    let (status, body) = raw_exchange(
        addr,
        &format!("GET /_emulator/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

#[tokio::test]
async fn web_pages_cannot_drive_the_control_api() {
    let env = Env::immediate().await;
    let addr = env.emulator.local_addr();
    let host = env.host();
    env.gateway("vpn-kept", json!({})).await;
    let reset = |headers: &str| {
        format!(
            "POST /_emulator/reset HTTP/1.1\r\n{headers}Content-Length: 2\r\nConnection: close\r\n\r\n{{}}"
        )
    };
    let attacks = [
        // A cross-site form or fetch() without preflight can only send these types.
        (
            format!("Host: {host}\r\nContent-Type: text/plain\r\n"),
            415,
            "Content-Type: application/json",
        ),
        (
            format!("Host: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"),
            415,
            "application/json",
        ),
        (format!("Host: {host}\r\n"), 415, "application/json"),
        // DNS rebinding: the page's own name, resolved to 127.0.0.1.
        (
            "Host: attacker.example:8080\r\nContent-Type: application/json\r\n".to_owned(),
            403,
            "Host",
        ),
        (
            format!(
                "Host: {host}\r\nOrigin: http://attacker.example\r\nContent-Type: application/json\r\n"
            ),
            403,
            "Origin",
        ),
        (
            format!("Host: {host}\r\nOrigin: null\r\nContent-Type: application/json\r\n"),
            403,
            "Origin",
        ),
    ];
    for (headers, expected, hint) in attacks {
        let (status, body) = raw_exchange(addr, &reset(&headers)).await;
        assert_eq!(status, expected, "{headers}: {body}");
        assert!(body["error"].as_str().unwrap().contains(hint), "{body}");
    }
    // Nothing was reset.
    assert_eq!(env.alibaba(describe_gateway("vpn-kept")).await.status, 200);
    // A loopback page, and curl with the JSON type, may.
    let (status, body) = raw_exchange(
        addr,
        &reset(&format!("Host: localhost:{}\r\nOrigin: http://localhost:3000\r\nContent-Type: application/json\r\n", addr.port())),
    )
    .await;
    assert_eq!(status, 200, "{body}");
}

/// A refused control request is answered from its head: the announced body (nearly the 16 MiB the control
/// API takes) is never sent, and the answer comes anyway, not after the body-read timeout.
#[tokio::test]
async fn refused_control_requests_are_answered_before_their_body_is_read() {
    let mut config = EmulatorConfig::loopback();
    // Long enough that a server waiting for the body would answer 408, never the refusal.
    config.connections.body_read_timeout = Duration::from_secs(5);
    let env = Env::start(config).await;
    let addr = env.emulator.local_addr();
    let host = env.host();
    let announced = 16_000_000;
    for (headers, expected, hint) in [
        (
            format!("Host: {host}\r\nContent-Type: text/plain\r\n"),
            415,
            "application/json",
        ),
        (
            format!(
                "Host: {host}\r\nOrigin: http://attacker.example\r\nContent-Type: application/json\r\n"
            ),
            403,
            "Origin",
        ),
        (
            "Host: attacker.example\r\nContent-Type: application/json\r\n".to_owned(),
            403,
            "Host",
        ),
    ] {
        // Only the head is sent; the connection stays open for the body that never comes.
        let (status, body) = raw_exchange(
            addr,
            &format!(
                "POST /_emulator/tencent/vpcs HTTP/1.1\r\n{headers}Content-Length: {announced}\r\n\r\n"
            ),
        )
        .await;
        assert_eq!(status, expected, "{headers}: {body}");
        assert!(body["error"].as_str().unwrap().contains(hint), "{body}");
    }
}

/// `<img src="http://127.0.0.1:PORT/?Action=DeleteVpnGateway&...">` on any page, signed with the published
/// keys (RPC v1 takes GET and does not sign `Host`), and a DNS-rebound page reading Describe answers.
#[tokio::test]
async fn web_pages_cannot_drive_the_cloud_apis() {
    let env = Env::immediate().await;
    let host = env.host();
    env.gateway("vpn-kept", json!({})).await;
    let delete = || {
        delete_gateway("vpn-kept")
            .signature(AlibabaSignature::V1)
            .method(Method::GET)
    };
    let browser_headers: [(&str, &str); 4] = [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://attacker.example"),
        ("origin", "null"),
    ];
    for (name, value) in browser_headers {
        let mut request = delete().build(&host);
        request.headers_mut().insert(name, value.parse().unwrap());
        let r = env.send(request).await;
        assert_eq!(r.status, 403, "{name}: {value}: {}", r.text());
        let body = r.json();
        assert_eq!(body["Code"], "Forbidden.WebRequest", "{body}");
        assert!(body["RequestId"].is_string(), "{body}");
        let header = if name == "origin" {
            "Origin"
        } else {
            "Sec-Fetch-Site"
        };
        assert!(body["Message"].as_str().unwrap().contains(header), "{body}");
    }
    // DNS rebinding: the same call addressed to the page's own name.
    let rebound = env
        .send(describe_gateway("vpn-kept").build("attacker.example:8080"))
        .await;
    assert_eq!(rebound.status, 403, "{}", rebound.text());
    assert!(rebound.json()["Message"].as_str().unwrap().contains("Host"));
    // Tencent v2 answers in its envelope (HTTP 200, integer code).
    let mut tencent = TencentCall::new("DescribeVpnConn").build(&host);
    tencent
        .headers_mut()
        .insert("origin", "http://attacker.example".parse().unwrap());
    let r = env.send(tencent).await;
    assert_eq!(r.status, 200, "{}", r.text());
    let body = r.json();
    assert_eq!(body["code"], 4300, "{body}");
    assert_eq!(body["codeDesc"], "AccessDenied", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("Origin"),
        "{body}"
    );
    let rebound = env
        .send(TencentCall::new("DescribeVpnConn").build("attacker.example"))
        .await;
    assert_eq!(rebound.json()["code"], 4300, "{}", rebound.text());
    // Nothing was deleted; the same call from a program (no browser headers) is served.
    assert_eq!(env.alibaba(describe_gateway("vpn-kept")).await.status, 200);
    let r = env.alibaba(delete()).await;
    assert_eq!(r.status, 200, "{}", r.text());
}

#[tokio::test]
async fn a_control_token_is_required_when_configured() {
    let token = ControlToken::new("edge-token-1").unwrap();
    let env = Env::start(EmulatorConfig::loopback().control_token(token)).await;
    let refused = env
        .control(Method::GET, "/_emulator/state", Value::Null)
        .await;
    assert_eq!(refused.status, 401, "{}", refused.text());
    assert!(refused.json()["error"].as_str().unwrap().contains("Bearer"));
    assert!(!refused.text().contains("edge-token-1"));
    let request = |authorization: &str| {
        hyper::Request::builder()
            .uri("/_emulator/state")
            .header("host", env.host())
            .header("authorization", authorization)
            .body(http_body_util::Full::new(bytes::Bytes::new()))
            .unwrap()
    };
    assert_eq!(env.send(request("Bearer edge-token-2")).await.status, 401);
    assert_eq!(env.send(request("edge-token-1")).await.status, 401);
    assert_eq!(env.send(request("Bearer edge-token-1")).await.status, 200);
    // The signed APIs do not need it.
    let r = env
        .alibaba(
            cloudvpn_emulator::signed::AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}
