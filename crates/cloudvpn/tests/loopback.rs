//! The real transport (reqwest) against tiny servers on 127.0.0.1: a normal answer, a refused connection,
//! and a connection closed without an answer.

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
