//! Cost of one full signature (and one verification) per scheme, over the
//! requests the SDK actually sends: Alibaba DeleteVpnGateway (RPC v1 and
//! ACS3) and Tencent v2 DeleteVpnConn (HmacSHA1 and HmacSHA256).

use std::hint::black_box;

use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest};
use cloudvpn_signing::encoding::{form_decode, form_urlencode};
use cloudvpn_signing::{alibaba_v1, tencent_v2};
use criterion::{Criterion, criterion_group, criterion_main};

const ALIBABA_SECRET: &str = "testsecret";
const TENCENT_SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

/// Alibaba DeleteVpnGateway as the legacy SDK signs it (RPC v1).
const DELETE_VPN_GATEWAY_V1: [(&str, &str); 13] = [
    ("VpnGatewayId", "vpn-bp1q8bgx4xnkm2ogj****"),
    ("ClientToken", "02fb3da4-130e-11e9-8e44-001****"),
    ("Version", "2016-04-28"),
    ("Action", "DeleteVpnGateway"),
    ("Format", "JSON"),
    ("RegionId", "cn-hangzhou"),
    ("Timestamp", "2024-01-01T12:00:00Z"),
    ("SignatureMethod", "HMAC-SHA1"),
    ("SignatureType", ""),
    ("SignatureVersion", "1.0"),
    ("SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"),
    ("AccessKeyId", "testid"),
    ("SecurityToken", "sts/token+with=special*chars~"),
];

/// Alibaba DeleteVpnGateway as the Tea SDK signs it by default (ACS3).
const DELETE_VPN_GATEWAY_V3_QUERY: [(&str, &str); 3] = [
    ("ClientToken", "02fb3da4-130e-11e9-8e44-001****"),
    ("RegionId", "cn-hangzhou"),
    ("VpnGatewayId", "vpn-bp1q8bgx4xnkm2ogj****"),
];
const DELETE_VPN_GATEWAY_V3_HEADERS: [(&str, &str); 9] = [
    ("host", "vpc.cn-hangzhou.aliyuncs.com"),
    ("x-acs-version", "2016-04-28"),
    ("x-acs-action", "DeleteVpnGateway"),
    (
        "user-agent",
        "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2",
    ),
    ("x-acs-date", "2024-01-01T12:00:00Z"),
    (
        "x-acs-signature-nonce",
        "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    ),
    ("accept", "application/json"),
    ("x-acs-content-sha256", alibaba_v3::EMPTY_PAYLOAD_HASH),
    ("x-acs-credentials-provider", "static_ak"),
];

/// Tencent v2 DeleteVpnConn as qcloudapi-sdk-python sends it.
fn delete_vpn_conn(signature_method: &'static str) -> [(&'static str, &'static str); 11] {
    [
        ("vpcId", "vpc-03vihbk9"),
        ("vpnGwId", "vpngw-kfldykuz"),
        ("vpnConnId", "vpnx-ol6bcqp0"),
        ("Action", "DeleteVpnConn"),
        ("RequestClient", "SDK_PYTHON_2.0.15"),
        ("Region", "gz"),
        ("Token", "tok-EXAMPLE-session-token"),
        ("SecretId", "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA"),
        ("Nonce", "11886"),
        ("Timestamp", "1465185768"),
        ("SignatureMethod", signature_method),
    ]
}

fn v3_request() -> CanonicalRequest {
    let mut request = CanonicalRequest::new("POST", "/")
        .query_params(&DELETE_VPN_GATEWAY_V3_QUERY)
        .body(b"");
    for (name, value) in DELETE_VPN_GATEWAY_V3_HEADERS {
        request.push_header(name, value);
    }
    request
}

fn alibaba_rpc_v1(c: &mut Criterion) {
    let params = DELETE_VPN_GATEWAY_V1;
    c.bench_function("alibaba_v1/sign DeleteVpnGateway", |b| {
        b.iter(|| alibaba_v1::signature(black_box(ALIBABA_SECRET), "POST", black_box(&params)))
    });

    let mut signed: Vec<(&str, String)> = params.iter().map(|&(k, v)| (k, v.to_owned())).collect();
    signed.push((
        "Signature",
        alibaba_v1::signature(ALIBABA_SECRET, "POST", &params),
    ));
    let wire = form_urlencode(&signed);
    c.bench_function("alibaba_v1/decode+verify DeleteVpnGateway", |b| {
        b.iter(|| {
            let received = form_decode(black_box(&wire)).unwrap_or_default();
            alibaba_v1::verify(black_box(ALIBABA_SECRET), "POST", &received)
        })
    });
}

fn alibaba_acs3(c: &mut Criterion) {
    c.bench_function("alibaba_v3/sign DeleteVpnGateway", |b| {
        b.iter(|| alibaba_v3::authorize("testid", black_box(ALIBABA_SECRET), &v3_request()))
    });

    let mut headers: Vec<(&str, String)> = DELETE_VPN_GATEWAY_V3_HEADERS
        .iter()
        .map(|&(k, v)| (k, v.to_owned()))
        .collect();
    headers.push((
        "Authorization",
        alibaba_v3::authorize("testid", ALIBABA_SECRET, &v3_request()),
    ));
    let query = form_urlencode(&DELETE_VPN_GATEWAY_V3_QUERY);
    c.bench_function("alibaba_v3/decode+verify DeleteVpnGateway", |b| {
        b.iter(|| {
            let received = form_decode(black_box(&query)).unwrap_or_default();
            alibaba_v3::verify(
                black_box(ALIBABA_SECRET),
                "POST",
                "/",
                &received,
                &headers,
                b"",
            )
        })
    });
}

fn tencent(c: &mut Criterion) {
    for method in ["HmacSHA1", "HmacSHA256"] {
        let params = delete_vpn_conn(method);
        c.bench_function(&format!("tencent_v2/sign DeleteVpnConn {method}"), |b| {
            b.iter(|| {
                tencent_v2::signature(
                    black_box(TENCENT_SECRET_KEY),
                    "POST",
                    "vpc.api.qcloud.com",
                    "/v2/index.php",
                    black_box(&params),
                )
            })
        });
        let mut signed: Vec<(&str, String)> =
            params.iter().map(|&(k, v)| (k, v.to_owned())).collect();
        signed.push((
            "Signature",
            tencent_v2::signature(
                TENCENT_SECRET_KEY,
                "POST",
                "vpc.api.qcloud.com",
                "/v2/index.php",
                &params,
            ),
        ));
        let body = form_urlencode(&signed);
        c.bench_function(
            &format!("tencent_v2/decode+verify DeleteVpnConn {method}"),
            |b| {
                b.iter(|| {
                    let received = form_decode(black_box(&body)).unwrap_or_default();
                    tencent_v2::verify(
                        black_box(TENCENT_SECRET_KEY),
                        "POST",
                        "vpc.api.qcloud.com",
                        "/v2/index.php",
                        &received,
                    )
                })
            },
        );
    }
}

criterion_group!(benches, alibaba_rpc_v1, alibaba_acs3, tencent);
criterion_main!(benches);
