//! The same flows as the official-SDK interop scripts, from our own runtime client: success with every
//! signature variant, documented delete errors arriving typed, a wrong secret rejected, and the waiters
//! following the emulator's asynchronous changes.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::transport::HttpMethod;
use cloudvpn::{
    AlibabaClient, AlibabaSignature, Error, RetryConfig, SignatureMethod, TencentClient,
    WaitOptions,
};
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed, TimeMs,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayError, DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionError,
    DeleteVpnConnectionRequest, DeleteVpnGatewayError, DeleteVpnGatewayRequest,
    DescribeVpnGatewayRequest,
};
use cloudvpn_types::tencent_vpc_v2::{DeleteVpnConnError, DeleteVpnConnRequest};
use std::time::Duration;

const REGION: &str = "cn-hangzhou";

async fn emulator() -> Emulator {
    let mut credentials = Credentials::defaults();
    credentials.add_alibaba(
        Key::new("ram-user", "ram-secret")
            .sub_user()
            .allow(Vec::<String>::new()),
    );
    Emulator::start(
        EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(Transitions::all(Transition::Polls { count: 2 })),
    )
    .await
    .expect("emulator")
}

fn alibaba(e: &Emulator, signature: AlibabaSignature, key: (&str, &str)) -> AlibabaClient {
    AlibabaClient::builder()
        .endpoint(e.base_url())
        .credentials(AlibabaCredentials::new(key.0, Secret::new(key.1)))
        .signature(signature)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn tencent(e: &Emulator, method: SignatureMethod, http: HttpMethod, secret: &str) -> TencentClient {
    TencentClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("emulator-sid", Secret::new(secret)))
        .signature_method(method)
        .http_method(http)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

async fn gateway(
    e: &Emulator,
    id: &str,
    connections: &[&str],
    enhanced: bool,
    prepaid_until: Option<TimeMs>,
) {
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        enhanced,
        prepaid_until,
        ..Default::default()
    })
    .await
    .expect("gateway");
    for c in connections {
        h.seed_alibaba_connection(AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some((*c).into()),
            vpn_gateway_id: id.into(),
            ..Default::default()
        })
        .await
        .expect("connection");
    }
}

fn fast() -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        deadline: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn alibaba_flows_with_v3_and_v1_signatures() {
    let e = emulator().await;
    for (n, signature) in [(1, AlibabaSignature::V3), (2, AlibabaSignature::V1)] {
        let (gw, conn) = (format!("vpn-rt{n}"), format!("vco-rt{n}"));
        gateway(&e, &gw, &[&conn], false, None).await;
        let owner = alibaba(&e, signature, ("emulator-ak", "emulator-secret"));

        // A gateway with a connection cannot go.
        let err = owner
            .send(DeleteVpnGatewayRequest::new(REGION, &gw))
            .await
            .expect_err("dependency");
        assert!(
            matches!(
                err.service_error(),
                Some(DeleteVpnGatewayError::DependencyViolationVpnConnection(_))
            ),
            "{err}"
        );

        // A RAM sub-user without permission gets the documented spelling.
        let ram = alibaba(&e, signature, ("ram-user", "ram-secret"));
        let err = ram
            .send(DeleteVpnConnectionRequest::new(REGION, &conn))
            .await
            .expect_err("sub-user");
        assert!(
            matches!(
                err.service_error(),
                Some(DeleteVpnConnectionError::ForbiddenSubUser(_))
            ),
            "{err}"
        );

        // The connection goes asynchronously; the gateway is busy meanwhile.
        let request = DeleteVpnConnectionRequest::new(REGION, &conn);
        let out = owner.send(request.clone()).await.expect("accepted");
        let err = owner
            .send(DeleteVpnGatewayRequest::new(REGION, &gw))
            .await
            .expect_err("still configuring");
        assert!(
            err.service_error()
                .is_some_and(|s| s.is_vpn_gateway_configuring()
                    || s.is_dependency_violation_vpn_connection()),
            "{err}"
        );
        owner
            .wait(&request, &out, &fast(), |_| {})
            .await
            .expect("connection gone");

        let request = DeleteVpnGatewayRequest::new(REGION, &gw);
        let out = owner.send(request.clone()).await.expect("gateway accepted");
        owner
            .wait(&request, &out, &fast(), |_| {})
            .await
            .expect("gateway gone");
        let err = owner
            .send(DescribeVpnGatewayRequest::new(REGION, &gw))
            .await
            .expect_err("gone");
        assert!(err.is_not_found(), "{err}");
    }
}

#[tokio::test]
async fn enhanced_gateways_prepaid_terms_and_not_found() {
    let e = emulator().await;
    let owner = alibaba(&e, AlibabaSignature::V3, ("emulator-ak", "emulator-secret"));
    gateway(
        &e,
        "vpn-enh-pre",
        &[],
        true,
        Some(TimeMs(4_102_444_800_000)),
    )
    .await;
    let err = owner
        .send(DeleteEnhancedVpnGatewayRequest::new(REGION, "vpn-enh-pre"))
        .await
        .expect_err("prepaid");
    assert!(
        matches!(
            err.service_error(),
            Some(DeleteEnhancedVpnGatewayError::ForbiddenRelease(_))
        ),
        "{err}"
    );
    assert_eq!(
        err.service_error().and_then(|s| s.info().http_status),
        Some(403)
    );

    gateway(&e, "vpn-enh", &[], true, None).await;
    let request = DeleteEnhancedVpnGatewayRequest::new(REGION, "vpn-enh");
    let out = owner.send(request.clone()).await.expect("accepted");
    let done = owner
        .wait(&request, &out, &fast(), |_| {})
        .await
        .expect("TotalCount 0");
    assert_eq!(done.observed, "TotalCount=0");

    let err = owner
        .send(DeleteEnhancedVpnGatewayRequest::new(REGION, "vpn-enh"))
        .await
        .expect_err("gone");
    assert!(err.is_not_found(), "{err}");
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_with_the_servers_string_to_sign() {
    let e = emulator().await;
    gateway(&e, "vpn-sig", &[], false, None).await;
    for signature in [AlibabaSignature::V3, AlibabaSignature::V1] {
        let wrong = alibaba(&e, signature, ("emulator-ak", "not-the-secret"));
        let err = wrong
            .send(DescribeVpnGatewayRequest::new(REGION, "vpn-sig"))
            .await
            .expect_err("bad signature");
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"), "{err}");
        let message = err
            .service_error()
            .map(|s| s.message().to_owned())
            .unwrap_or_default();
        assert!(message.contains("server string to sign is:"), "{message}");
    }
    let wrong = tencent(
        &e,
        SignatureMethod::HmacSha1,
        HttpMethod::Get,
        "not-the-key",
    );
    let err = wrong
        .send(DeleteVpnConnRequest::new("vpc-x", "vpngw-x", "vpnx-x"))
        .await
        .expect_err("bad signature");
    assert!(matches!(err, Error::Service(_)), "{err}");
    assert_eq!(
        err.service_error().and_then(|s| s.info().envelope_code),
        Some(4100),
        "{err}"
    );
}

#[tokio::test]
async fn tencent_flows_with_every_signature_method_and_http_method() {
    let e = emulator().await;
    let h = e.handle();
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some("vpc-rt".into()),
        ..Default::default()
    })
    .await
    .expect("vpc");
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-rt".into(),
        id: Some("vpngw-rt".into()),
        ..Default::default()
    })
    .await
    .expect("gateway");
    let variants = [
        (SignatureMethod::HmacSha1, HttpMethod::Get),
        (SignatureMethod::HmacSha256, HttpMethod::Get),
        (SignatureMethod::HmacSha1, HttpMethod::Post),
        (SignatureMethod::HmacSha256, HttpMethod::Post),
    ];
    for (i, (method, http)) in variants.into_iter().enumerate() {
        let conn = format!("vpnx-rt{i}");
        h.seed_tencent_connection(TencentConnectionSeed {
            vpc_id: "vpc-rt".into(),
            vpn_gateway_id: "vpngw-rt".into(),
            id: Some(conn.clone()),
            ..Default::default()
        })
        .await
        .expect("connection");
        let client = tencent(&e, method, http, "emulator-skey");

        for (vpc, gw, expected) in [
            ("vpc-nope", "vpngw-rt", "InvalidVpc.NotFound"),
            ("vpc-rt", "vpngw-nope", "InvalidVpnGw.NotFound"),
        ] {
            let err = client
                .send(DeleteVpnConnRequest::new(vpc, gw, &conn))
                .await
                .expect_err(expected);
            assert_eq!(err.code(), Some(expected), "{method:?} {http:?}: {err}");
            assert!(err.is_not_found());
        }
        let request = DeleteVpnConnRequest::new("vpc-rt", "vpngw-rt", &conn);
        let out = client.send(request.clone()).await.expect("accepted");
        let done = client
            .wait(&request, &out, &fast(), |_| {})
            .await
            .expect("task done");
        assert_eq!(done.observed, "data.status=0");
        let err = client.send(request).await.expect_err("gone now");
        assert!(
            matches!(
                err.service_error(),
                Some(DeleteVpnConnError::InvalidVpnConnNotFound(_))
            ),
            "{err}"
        );
    }
}
