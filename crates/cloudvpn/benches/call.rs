//! One whole call without I/O, per protocol: validate, fill the token, serialize, sign, "send" to an
//! in-memory transport, parse the response into the typed output. The request-struct path
//! (`client.send(request)`) and the generated fluent client (`client.delete_vpn_gateway()…send()`).
//!
//! `cargo bench -p cloudvpn --bench call`

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::ConstantTransport;
use cloudvpn::transport::HttpResponse;
use cloudvpn::{AlibabaClient, AlibabaSignature, RetryConfig, TencentClient};
use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::sync::Arc;

fn alibaba(signature: AlibabaSignature) -> AlibabaClient {
    let ok = HttpResponse::new(
        200,
        r#"{"RequestId":"0ED8D006-F706-4D23-88ED-E11ED28DCAC0"}"#,
    )
    .with_header("content-type", "application/json;charset=utf-8");
    AlibabaClient::builder()
        .endpoint("http://127.0.0.1:8080")
        .credentials(AlibabaCredentials::new(
            "LTAI5tExampleAccessKey",
            Secret::new("ExampleSecret0123456789abcdef01"),
        ))
        .transport(Arc::new(ConstantTransport::new(ok)))
        .signature(signature)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn tencent() -> TencentClient {
    let ok = HttpResponse::new(
        200,
        r#"{"code":0,"message":"","codeDesc":"Success","data":{"taskId":12615}}"#,
    );
    TencentClient::builder()
        .endpoint("http://127.0.0.1:8080")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
            Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
        ))
        .transport(Arc::new(ConstantTransport::new(ok)))
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn tencent_api3() -> cloudvpn::tencent::VpcClient {
    let ok = HttpResponse::new(
        200,
        r#"{"Response": {"RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"}}"#,
    )
    .with_header("content-type", "application/json");
    cloudvpn::tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:8080")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
            Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
        ))
        .transport(Arc::new(ConstantTransport::new(ok)))
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn calls(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let request = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj0fiu");

    let v3 = alibaba(AlibabaSignature::V3);
    c.bench_function("alibaba DeleteVpnGateway, V3 ACS3-HMAC-SHA256", |b| {
        b.iter(|| {
            rt.block_on(v3.send(black_box(request.clone())))
                .expect("ok")
        })
    });
    let fluent: cloudvpn::alibaba::VpcClient = alibaba(AlibabaSignature::V3).into();
    c.bench_function(
        "alibaba DeleteVpnGateway, V3 ACS3-HMAC-SHA256, fluent client",
        |b| {
            b.iter(|| {
                rt.block_on(
                    fluent
                        .delete_vpn_gateway()
                        .region_id(black_box("cn-hangzhou"))
                        .vpn_gateway_id(black_box("vpn-bp1q8bgx4xnkm2ogj0fiu"))
                        .send(),
                )
                .expect("ok")
            })
        },
    );
    let v1 = alibaba(AlibabaSignature::V1);
    c.bench_function("alibaba DeleteVpnGateway, RPC v1 HMAC-SHA1", |b| {
        b.iter(|| {
            rt.block_on(v1.send(black_box(request.clone())))
                .expect("ok")
        })
    });
    let tc = tencent();
    let request = DeleteVpnConnRequest::new("vpc-03vihbk9", "vpngw-kfldykuz", "vpnx-ol6bcqp0");
    c.bench_function("tencent DeleteVpnConn, v2 HmacSHA1", |b| {
        b.iter(|| {
            rt.block_on(tc.send(black_box(request.clone())))
                .expect("ok")
        })
    });
}

fn api3_calls(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");
    let client = tencent_api3();
    let request = cloudvpn_types::tencent_vpc::DeleteVpnConnectionRequest::new(
        "vpngw-kfldykuz",
        "vpnx-ol6bcqp0",
    );
    c.bench_function(
        "tencent DeleteVpnConnection, API 3.0 TC3-HMAC-SHA256 POST",
        |b| {
            b.iter(|| {
                rt.block_on(client.send(black_box(request.clone())))
                    .expect("ok")
            })
        },
    );
    c.bench_function(
        "tencent DeleteVpnConnection, API 3.0 TC3-HMAC-SHA256 POST, fluent client",
        |b| {
            b.iter(|| {
                rt.block_on(
                    client
                        .delete_vpn_connection()
                        .vpn_gateway_id(black_box("vpngw-kfldykuz"))
                        .vpn_connection_id(black_box("vpnx-ol6bcqp0"))
                        .send(),
                )
                .expect("ok")
            })
        },
    );
}

criterion_group!(benches, calls, api3_calls);
criterion_main!(benches);
