//! The real transport (reqwest) against tiny servers on 127.0.0.1: a normal answer, a refused connection,
//! a connection closed without an answer, and an API 3.0 call whose received bytes verify as signed.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret};
use cloudvpn::{AlibabaClient, Error, RetryConfig};
use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(port: u16, retry: RetryConfig) -> AlibabaClient {
    AlibabaClient::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .credentials(AlibabaCredentials::new("ak", Secret::new("sk")))
        .retry(retry)
        .connect_timeout(Duration::from_secs(2))
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .expect("client")
}

/// Reads one HTTP request head (enough for these tests: no bodies are sent).
async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

#[tokio::test]
async fn a_signed_call_over_real_http() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let head = read_head(&mut stream).await;
        let body = r#"{"RequestId":"LOOPBACK-1"}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).await.expect("write");
        head
    });
    let out = client(port, RetryConfig::disabled())
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("ok");
    assert_eq!(out.request_id, "LOOPBACK-1");
    let head = server.await.expect("server");
    assert!(head.starts_with("POST /?ClientToken="), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains(&format!("host: 127.0.0.1:{port}")),
        "{head}"
    );
    assert!(head.contains("ACS3-HMAC-SHA256 Credential=ak,"), "{head}");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error_after_retries() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let retry = RetryConfig {
        max_attempts: 2,
        ..RetryConfig::deterministic(1)
    };
    let err = client(port, retry)
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("refused");
    match &err {
        Error::Transport {
            attempts, source, ..
        } => {
            assert_eq!(*attempts, 2);
            assert_eq!(
                source.kind,
                cloudvpn::transport::TransportErrorKind::Connect,
                "{source}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_for_a_call_with_a_token() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move {
        // First connection: read the request, then hang up.
        let (mut first, _) = listener.accept().await.expect("accept");
        let _ = read_head(&mut first).await;
        drop(first);
        let (mut second, _) = listener.accept().await.expect("accept again");
        let head = read_head(&mut second).await;
        let body = r#"{"RequestId":"SECOND"}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        second.write_all(response.as_bytes()).await.expect("write");
        head
    });
    let out = client(port, RetryConfig::deterministic(2))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("second attempt answers");
    assert_eq!(out.request_id, "SECOND");
    let _ = server.await.expect("server");
}

/// Reads one HTTP request with its body (by `Content-Length`): the head's lines and the body.
async fn read_request(stream: &mut tokio::net::TcpStream) -> (Vec<String>, Vec<u8>) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 1024];
    let end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return (Vec::new(), Vec::new()),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    };
    let head: Vec<String> = String::from_utf8_lossy(&buf[..end])
        .split("\r\n")
        .map(str::to_owned)
        .collect();
    let length: usize = head
        .iter()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    let mut body = buf[end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    (head, body)
}

#[tokio::test]
async fn an_api3_call_over_real_http_verifies_as_received() {
    use cloudvpn::credentials::TencentCredentials;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let (head, body) = read_request(&mut stream).await;
        let answer = r#"{"Response": {"RequestId": "LOOPBACK-3"}}"#;
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        );
        stream.write_all(response.as_bytes()).await.expect("write");
        (head, body)
    });
    let client = cloudvpn::tencent::VpcClient::builder()
        .endpoint(format!("http://127.0.0.1:{port}"))
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .retry(RetryConfig::disabled())
        .connect_timeout(Duration::from_secs(2))
        .attempt_timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    let out = client
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send()
        .await
        .expect("ok");
    assert_eq!(out.request_id, "LOOPBACK-3");
    let (head, body) = server.await.expect("server");
    assert_eq!(head[0], "POST / HTTP/1.1");
    let headers: Vec<(String, String)> = head[1..]
        .iter()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_owned(), v.trim().to_owned()))
        .collect();
    let value = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    // What the server receives — the Content-Type exactly, the Host with its port, the raw body — is what
    // was signed.
    assert_eq!(value("content-type"), Some("application/json"));
    assert_eq!(value("host"), Some(format!("127.0.0.1:{port}").as_str()));
    assert_eq!(
        String::from_utf8_lossy(&body),
        r#"{"VpnGatewayId": "vpngw-1", "VpnConnectionId": "vpnx-1"}"#
    );
    cloudvpn_signing::tencent_tc3::verify("skey", "vpc", "POST", "/", "", &headers, &body)
        .expect("the received request verifies");
    assert!(
        cloudvpn_signing::tencent_tc3::verify("wrong", "vpc", "POST", "/", "", &headers, &body)
            .is_err()
    );
}
