//! `--tls`: our runtime client talks to the emulator over HTTPS when it trusts the printed CA and is refused
//! when it does not, the certificate is valid for every loopback name, a plain-HTTP request to the TLS port
//! gets a clear answer, and handshakes that stall are cut off by the header timeout, so they cannot hold a
//! connection slot.
//!
//! Every socket is on loopback, every count is bounded, and every wait has a generous upper bound that only
//! turns a hang into a failure.

use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::transport::HttpMethod;
use cloudvpn::{AlibabaClient, ApiClient, Error, RetryConfig, SignatureMethod, TencentClient};
use cloudvpn_emulator::seed::{
    AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed, TencentVpcSeed,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{ConnectionLimits, Emulator, EmulatorConfig, TlsIdentity};
use cloudvpn_types::alibaba_vpc::DescribeVpnGatewayRequest;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

const REGION: &str = "cn-hangzhou";

/// Far longer than any answer takes; reaching it means the emulator hung.
const HANG: Duration = Duration::from_secs(20);

async fn tls_emulator(config: EmulatorConfig) -> Emulator {
    let identity = TlsIdentity::generate().expect("certificate");
    Emulator::start(config.tls(identity))
        .await
        .expect("emulator")
}

fn alibaba(e: &Emulator, trust: Option<&str>) -> AlibabaClient {
    let mut b = AlibabaClient::builder()
        .endpoint(e.base_url())
        .credentials(AlibabaCredentials::new(
            "emulator-ak",
            Secret::new("emulator-secret"),
        ))
        .retry(RetryConfig::disabled());
    if let Some(pem) = trust {
        b = b.root_certificate_pem(pem);
    }
    b.build().expect("client")
}

fn tencent(e: &Emulator, trust: &str) -> TencentClient {
    TencentClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .signature_method(SignatureMethod::HmacSha256)
        .http_method(HttpMethod::Post)
        .retry(RetryConfig::disabled())
        .root_certificate_pem(trust)
        .build()
        .expect("client")
}

/// A rustls client that trusts only `pem`.
fn connector(pem: &str) -> TlsConnector {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(pem.as_bytes()) {
        roots.add(cert.expect("PEM certificate")).expect("a root");
    }
    assert_eq!(roots.len(), 1, "one CA certificate");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    TlsConnector::from(Arc::new(config))
}

/// Reads until the emulator closes the socket; what it sent before.
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(HANG, stream.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the emulator did not close the socket");
    seen
}

#[tokio::test]
async fn signed_alibaba_and_tencent_v2_calls_succeed_over_https() {
    let e = tls_emulator(
        EmulatorConfig::loopback().transitions(Transitions::all(Transition::Polls { count: 1 })),
    )
    .await;
    assert!(
        e.base_url().starts_with("https://127.0.0.1:"),
        "{}",
        e.base_url()
    );
    let trust = e.tls_certificate_pem().expect("a certificate").to_owned();
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some("vpn-tls".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some("vpc-tls".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-tls".into(),
        id: Some("vpngw-tls".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    h.seed_tencent_connection(TencentConnectionSeed {
        vpc_id: "vpc-tls".into(),
        vpn_gateway_id: "vpngw-tls".into(),
        id: Some("vpnx-tls".into()),
        ..Default::default()
    })
    .await
    .unwrap();

    let gateway = alibaba(&e, Some(&trust))
        .send(DescribeVpnGatewayRequest::new(REGION, "vpn-tls"))
        .await
        .expect("Alibaba over HTTPS");
    assert_eq!(gateway.vpn_gateway_id.as_deref(), Some("vpn-tls"));

    tencent(&e, &trust)
        .send(DeleteVpnConnRequest::new(
            "vpc-tls",
            "vpngw-tls",
            "vpnx-tls",
        ))
        .await
        .expect("Tencent v2 over HTTPS");
    let state = h.state().await.unwrap().to_string();
    assert!(
        state.contains("vpnx-tls"),
        "the deletion is under way, not done: {state}"
    );
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_certificate_is_refused() {
    let e = tls_emulator(EmulatorConfig::loopback()).await;
    let err = alibaba(&e, None)
        .send(DescribeVpnGatewayRequest::new(REGION, "vpn-x"))
        .await
        .expect_err("untrusted");
    match &err {
        Error::Transport { source, .. } => {
            assert!(source.message.contains("certificate"), "{err}")
        }
        other => panic!("expected a transport error, got {other}"),
    }
    // Trusting another emulator's CA does not help: each start makes its own.
    let other = TlsIdentity::generate().unwrap();
    let err = alibaba(&e, Some(other.trust_pem()))
        .send(DescribeVpnGatewayRequest::new(REGION, "vpn-x"))
        .await
        .expect_err("another CA");
    assert!(matches!(err, Error::Transport { .. }), "{err}");
}

#[tokio::test]
async fn the_certificate_is_valid_for_every_loopback_name_and_no_other() {
    let e = tls_emulator(EmulatorConfig::loopback()).await;
    let pem = e.tls_certificate_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    assert!(
        pem.trim_end().ends_with("-----END CERTIFICATE-----"),
        "{pem}"
    );
    let connector = connector(pem);
    // The name checked is the one the client asks for, whatever address the socket has: so ::1 is checked
    // even where the machine has no IPv6 loopback.
    for name in ["127.0.0.1", "::1", "localhost"] {
        let tcp = TcpStream::connect(e.local_addr()).await.unwrap();
        let server = ServerName::try_from(name.to_owned()).unwrap();
        let mut tls = tokio::time::timeout(HANG, connector.connect(server, tcp))
            .await
            .expect("handshake in time")
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        tls.write_all(
            b"GET /_emulator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
        let mut answer = String::new();
        tls.read_to_string(&mut answer).await.ok();
        assert!(answer.starts_with("HTTP/1.1 200"), "{name}: {answer}");
    }
    for wrong in ["example.com", "127.0.0.2"] {
        let tcp = TcpStream::connect(e.local_addr()).await.unwrap();
        let server = ServerName::try_from(wrong.to_owned()).unwrap();
        let refused = tokio::time::timeout(HANG, connector.connect(server, tcp))
            .await
            .expect("handshake in time");
        assert!(refused.is_err(), "{wrong} must not match the certificate");
    }
}

#[tokio::test]
async fn plain_http_to_the_tls_port_is_told_to_use_https() {
    let e = tls_emulator(EmulatorConfig::loopback()).await;
    let mut plain = TcpStream::connect(e.local_addr()).await.unwrap();
    plain
        .write_all(b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .await
        .unwrap();
    let answer = String::from_utf8(until_closed(&mut plain).await).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "{answer}"
    );
    assert!(
        answer.contains(&format!("use {}", e.base_url())),
        "{answer}"
    );
    // The runtime client pointed at http:// gets a failure, not a hang or a panic.
    let http_url = e.base_url().replacen("https://", "http://", 1);
    let err = AlibabaClient::builder()
        .endpoint(http_url)
        .credentials(AlibabaCredentials::new(
            "emulator-ak",
            Secret::new("emulator-secret"),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
        .send(DescribeVpnGatewayRequest::new(REGION, "vpn-x"))
        .await
        .expect_err("plain HTTP");
    assert!(err.to_string().contains("400"), "{err}");
    // And HTTPS still works.
    let trust = e.tls_certificate_pem().unwrap().to_owned();
    let err = alibaba(&e, Some(&trust))
        .send(DescribeVpnGatewayRequest::new(REGION, "vpn-x"))
        .await
        .expect_err("no such gateway");
    assert_eq!(
        err.code(),
        Some("InvalidVpnGatewayInstanceId.NotFound"),
        "{err}"
    );
}

fn head_timeout(config: EmulatorConfig, max_connections: usize) -> EmulatorConfig {
    config.connection_limits(ConnectionLimits {
        // Idle connections could stay a minute; a handshake is part of a head and gets 300 ms.
        idle_timeout: Duration::from_secs(60),
        header_read_timeout: Duration::from_millis(300),
        max_connections,
        ..ConnectionLimits::default()
    })
}

#[tokio::test]
async fn stalled_handshakes_are_closed_by_the_header_timeout() {
    let e = tls_emulator(head_timeout(EmulatorConfig::loopback(), 512)).await;
    // Connects and never says hello.
    let mut silent = TcpStream::connect(e.local_addr()).await.unwrap();
    // Starts a ClientHello record (handshake, TLS 1.0 record version, 512 bytes announced) and stops.
    let mut partial = TcpStream::connect(e.local_addr()).await.unwrap();
    partial
        .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    assert!(until_closed(&mut silent).await.is_empty());
    assert!(until_closed(&mut partial).await.is_empty());
}

#[tokio::test]
async fn a_stalled_handshake_makes_room_for_a_new_client_at_the_cap() {
    // One slot, held by a handshake that stalls: the next client is served, the stalled one closed.
    let mut config = head_timeout(EmulatorConfig::loopback(), 1);
    config.connections.header_read_timeout = Duration::from_secs(60);
    let e = tls_emulator(config).await;
    let mut stalled = TcpStream::connect(e.local_addr()).await.unwrap();
    stalled.write_all(&[0x16, 0x03, 0x01]).await.unwrap();
    // Connections are accepted in the order they arrived, so the stalled one holds the slot first.
    let trust = e.tls_certificate_pem().unwrap().to_owned();
    let err = tokio::time::timeout(
        HANG,
        alibaba(&e, Some(&trust)).send(DescribeVpnGatewayRequest::new(REGION, "vpn-x")),
    )
    .await
    .expect("a new client is answered")
    .expect_err("no such gateway");
    assert_eq!(
        err.code(),
        Some("InvalidVpnGatewayInstanceId.NotFound"),
        "{err}"
    );
    assert!(until_closed(&mut stalled).await.is_empty());
}
