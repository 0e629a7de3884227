//! Cost of one full signature (and one verification) per scheme, over the
//! requests the SDK actually sends: Alibaba DeleteVpnGateway (RPC v1 and
//! ACS3), Tencent v2 DeleteVpnConn (HmacSHA1 and HmacSHA256) and Tencent
//! API 3.0 DeleteVpnConnection (TC3-HMAC-SHA256, POST with the SDK's JSON
//! body, and the old-style HmacSHA256 form signature).

use std::hint::black_box;

use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest};
use cloudvpn_signing::encoding::{form_decode, form_urlencode};
use cloudvpn_signing::tencent_tc3::{self, SigningKey};
use cloudvpn_signing::{alibaba_v1, tencent_v2, tencent_v3_form};
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

/// Tencent DeleteVpnConnection as tencentcloud-sdk-python 3.1.193 sends it
/// by default (the captured request of the test vectors).
const TC3_BODY: &[u8] =
    br#"{"VpnGatewayId": "vpngw-kfldykuz", "VpnConnectionId": "vpnx-ol6bcqp0"}"#;
const TC3_TIMESTAMP: i64 = 1_465_185_768;
const TENCENT_SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";

fn tc3_request(body: &[u8]) -> tencent_tc3::CanonicalRequest {
    tencent_tc3::CanonicalRequest::new("POST", "/")
        .header("Content-Type", "application/json")
        .header("Host", "vpc.tencentcloudapi.com")
        .body(body)
}

/// Tencent DeleteVpnConnection, old-style HmacSHA256 POST, as the SDK sends it.
const DELETE_VPN_CONNECTION_FORM: [(&str, &str); 12] = [
    ("VpnGatewayId", "vpngw-kfldykuz"),
    ("VpnConnectionId", "vpnx-ol6bcqp0"),
    ("Action", "DeleteVpnConnection"),
    ("RequestClient", "SDK_PYTHON_3.1.193"),
    ("Nonce", "11886"),
    ("Timestamp", "1465185768"),
    ("Version", "2017-03-12"),
    ("Region", "ap-guangzhou"),
    ("SecretId", TENCENT_SECRET_ID),
    ("SignatureMethod", "HmacSHA256"),
    ("Language", "zh-CN"),
    ("Signature", "U9Ff+sqsf71w4UFOqUc+oLgEM5fRGzxdhG7aZ/zkNFA="),
];

fn tencent_api3(c: &mut Criterion) {
    let scoped = tencent_tc3::Scoped {
        timestamp: TC3_TIMESTAMP,
        service: "vpc",
    };
    // Build the canonical request from the body and sign it: what a client
    // does per call once it has the JSON body.
    c.bench_function("tencent_tc3/sign DeleteVpnConnection POST", |b| {
        b.iter(|| {
            let request = tc3_request(black_box(TC3_BODY));
            tencent_tc3::authorize(
                TENCENT_SECRET_ID,
                black_box(TENCENT_SECRET_KEY),
                scoped,
                &request,
            )
        })
    });
    let date = tencent_tc3::date_of(TC3_TIMESTAMP);
    let key = SigningKey::derive(TENCENT_SECRET_KEY, &date, "vpc");
    c.bench_function(
        "tencent_tc3/sign DeleteVpnConnection POST, signing key kept",
        |b| {
            b.iter(|| {
                let request = tc3_request(black_box(TC3_BODY));
                tencent_tc3::authorize_with_key(TENCENT_SECRET_ID, &key, &date, scoped, &request)
            })
        },
    );
    let headers = [
        ("Content-Type", "application/json".to_owned()),
        ("Host", "vpc.tencentcloudapi.com".to_owned()),
        ("X-TC-Action", "DeleteVpnConnection".to_owned()),
        ("X-TC-Timestamp", TC3_TIMESTAMP.to_string()),
        ("X-TC-Version", "2017-03-12".to_owned()),
        ("X-TC-Region", "ap-guangzhou".to_owned()),
        (
            "Authorization",
            tencent_tc3::authorize(
                TENCENT_SECRET_ID,
                TENCENT_SECRET_KEY,
                scoped,
                &tc3_request(TC3_BODY),
            ),
        ),
    ];
    // Measure the path that accepts, not an early rejection.
    assert_eq!(
        tencent_tc3::verify(
            TENCENT_SECRET_KEY,
            "vpc",
            "POST",
            "/",
            "",
            &headers,
            TC3_BODY
        ),
        Ok(())
    );
    c.bench_function("tencent_tc3/verify DeleteVpnConnection POST", |b| {
        b.iter(|| {
            tencent_tc3::verify(
                black_box(TENCENT_SECRET_KEY),
                "vpc",
                "POST",
                "/",
                "",
                black_box(&headers),
                black_box(TC3_BODY),
            )
        })
    });
    let body = form_urlencode(&DELETE_VPN_CONNECTION_FORM);
    assert_eq!(
        tencent_v3_form::verify(
            TENCENT_SECRET_KEY,
            "POST",
            "vpc.tencentcloudapi.com",
            &DELETE_VPN_CONNECTION_FORM
        ),
        Ok(())
    );
    c.bench_function(
        "tencent_v3_form/decode+verify DeleteVpnConnection HmacSHA256",
        |b| {
            b.iter(|| {
                let received = form_decode(black_box(&body)).unwrap_or_default();
                tencent_v3_form::verify(
                    black_box(TENCENT_SECRET_KEY),
                    "POST",
                    "vpc.tencentcloudapi.com",
                    &received,
                )
            })
        },
    );
}

criterion_group!(benches, alibaba_rpc_v1, alibaba_acs3, tencent, tencent_api3);
criterion_main!(benches);
