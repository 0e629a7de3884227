//! API 3.0 requests against the ones `tencentcloud-sdk-python` 3.1.193 sends (captured with fixed
//! credentials, time and nonce), and the envelope's answers.

use super::*;
use crate::credentials::Secret;
use crate::protocol::python_json;
use cloudvpn_types::tencent_vpc::DeleteVpnConnectionError;

const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";

fn creds() -> TencentCredentials {
    TencentCredentials::new(SECRET_ID, Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"))
}

fn endpoint() -> Endpoint {
    Endpoint {
        scheme: "https".into(),
        authority: "vpc.tencentcloudapi.com".into(),
        path: "/".into(),
    }
}

/// `DeleteVpnConnection`'s parameters in spec order, as the SDK's model serializes them.
#[derive(serde::Serialize)]
struct DeleteVpnConnection {
    #[serde(rename = "VpnGatewayId")]
    vpn_gateway_id: &'static str,
    #[serde(rename = "VpnConnectionId")]
    vpn_connection_id: &'static str,
}

const REQUEST: DeleteVpnConnection = DeleteVpnConnection {
    vpn_gateway_id: "vpngw-kfldykuz",
    vpn_connection_id: "vpnx-ol6bcqp0",
};

fn params() -> Vec<(&'static str, String)> {
    vec![
        ("VpnGatewayId", REQUEST.vpn_gateway_id.to_owned()),
        ("VpnConnectionId", REQUEST.vpn_connection_id.to_owned()),
    ]
}

fn shape(http_method: HttpMethod, signature_method: Api3SignatureMethod) -> Shape<'static> {
    Shape {
        action: "DeleteVpnConnection",
        version: "2017-03-12",
        service: "vpc",
        http_method,
        signature_method,
        region: Some("ap-guangzhou"),
        request_client: "SDK_PYTHON_3.1.193",
        language: Some("zh-CN"),
        user_agent: "python-requests/2.34.2",
    }
}

const ATTEMPT: Attempt = Attempt {
    timestamp: 1_465_185_768,
    nonce: 11886,
};

fn build(
    credentials: &TencentCredentials,
    http_method: HttpMethod,
    signature_method: Api3SignatureMethod,
) -> HttpRequest {
    let json = python_json::to_vec(&REQUEST).expect("serializes");
    let params = params();
    build_request(
        &Payload {
            params: &params,
            json: &json,
        },
        Some(credentials),
        &endpoint(),
        &shape(http_method, signature_method),
        &ATTEMPT,
        &KeyCache::default(),
    )
}

fn signature_of(request: &HttpRequest) -> &str {
    let auth = request.header("authorization").expect("signed");
    auth.rsplit("Signature=").next().expect("a signature")
}

#[test]
fn tc3_post_is_the_official_sdk_request_byte_for_byte() {
    let req = build(
        &creds(),
        HttpMethod::Post,
        Api3SignatureMethod::Tc3HmacSha256,
    );
    assert_eq!(req.method, HttpMethod::Post);
    assert_eq!(req.url, "https://vpc.tencentcloudapi.com/");
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        r#"{"VpnGatewayId": "vpngw-kfldykuz", "VpnConnectionId": "vpnx-ol6bcqp0"}"#
    );
    assert_eq!(req.body.len(), 70);
    let sent: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter(|(k, _)| k != "User-Agent")
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    assert_eq!(
        sent,
        vec![
            ("Content-Type", "application/json"),
            ("Host", "vpc.tencentcloudapi.com"),
            ("X-TC-Action", "DeleteVpnConnection"),
            ("X-TC-RequestClient", "SDK_PYTHON_3.1.193"),
            ("X-TC-Timestamp", "1465185768"),
            ("X-TC-Version", "2017-03-12"),
            ("X-TC-Region", "ap-guangzhou"),
            ("X-TC-Language", "zh-CN"),
            (
                "Authorization",
                "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA/2016-06-06/vpc/tc3_request, SignedHeaders=content-type;host, Signature=b2d4dbaeed21ba8fcbe0ea54755398e9a259e41d1c93e50252ed21b024ebb9a1"
            ),
        ]
    );
}

#[test]
fn tc3_get_signs_the_query_as_sent() {
    let req = build(
        &creds(),
        HttpMethod::Get,
        Api3SignatureMethod::Tc3HmacSha256,
    );
    assert_eq!(req.method, HttpMethod::Get);
    assert_eq!(
        req.url,
        "https://vpc.tencentcloudapi.com/?VpnGatewayId=vpngw-kfldykuz&VpnConnectionId=vpnx-ol6bcqp0"
    );
    assert!(req.body.is_empty());
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        signature_of(&req),
        "6438d2fb0ebfecb511c8ad9f7cd74712b219c628be298df22644108f3e67be60"
    );
}

#[test]
fn a_session_token_travels_unsigned_in_x_tc_token() {
    let creds = creds().with_token(Secret::new("tok-EXAMPLE-session-token"));
    let req = build(&creds, HttpMethod::Post, Api3SignatureMethod::Tc3HmacSha256);
    assert_eq!(req.header("x-tc-token"), Some("tok-EXAMPLE-session-token"));
    assert_eq!(
        signature_of(&req),
        "b2d4dbaeed21ba8fcbe0ea54755398e9a259e41d1c93e50252ed21b024ebb9a1"
    );
    // The SDK's order: the token after the region, before the language.
    let names: Vec<&str> = req.headers.iter().map(|(k, _)| k.as_ref()).collect();
    let at = |n: &str| names.iter().position(|k| *k == n).expect(n);
    assert!(at("X-TC-Region") < at("X-TC-Token") && at("X-TC-Token") < at("X-TC-Language"));
}

#[test]
fn old_style_hmac_sha256_post_is_the_official_body() {
    let req = build(&creds(), HttpMethod::Post, Api3SignatureMethod::HmacSha256);
    assert_eq!(req.url, "https://vpc.tencentcloudapi.com/");
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        "VpnGatewayId=vpngw-kfldykuz&VpnConnectionId=vpnx-ol6bcqp0&Action=DeleteVpnConnection&RequestClient=SDK_PYTHON_3.1.193&Nonce=11886&Timestamp=1465185768&Version=2017-03-12&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Language=zh-CN&Signature=U9Ff%2Bsqsf71w4UFOqUc%2BoLgEM5fRGzxdhG7aZ%2FzkNFA%3D"
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(req.header("authorization").is_none());
}

#[test]
fn old_style_hmac_sha1_get_is_the_official_query() {
    let req = build(&creds(), HttpMethod::Get, Api3SignatureMethod::HmacSha1);
    assert_eq!(
        req.url,
        "https://vpc.tencentcloudapi.com/?VpnGatewayId=vpngw-kfldykuz&VpnConnectionId=vpnx-ol6bcqp0&Action=DeleteVpnConnection&RequestClient=SDK_PYTHON_3.1.193&Nonce=11886&Timestamp=1465185768&Version=2017-03-12&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA1&Language=zh-CN&Signature=9lUUjPznTNoVJYZHCT80jtMpcIg%3D"
    );
    assert!(req.body.is_empty());
}

#[test]
fn the_days_signing_key_is_derived_again_for_another_day_key_or_service() {
    let keys = KeyCache::default();
    let a = keys.key(&creds(), "vpc", 1_465_185_768);
    assert!(Arc::ptr_eq(
        &a,
        &keys.key(&creds(), "vpc", 1_465_185_768 + 60)
    ));
    assert_eq!(a.date, "2016-06-06");
    let next_day = keys.key(&creds(), "vpc", 1_465_185_768 + 86_400);
    assert_eq!(next_day.date, "2016-06-07");
    assert_ne!(next_day.key, a.key);
    let rotated = TencentCredentials::new(SECRET_ID, Secret::new("another secret"));
    assert_ne!(keys.key(&rotated, "vpc", 1_465_185_768).key, a.key);
    let cvm = keys.key(&creds(), "cvm", 1_465_185_768);
    assert_ne!(cvm.key, a.key);
    assert_eq!(format!("{keys:?}"), "KeyCache(<redacted>)");
}

#[test]
fn only_a_body_naming_error_is_read_for_one() {
    assert!(names_error(br#"{"Response": {"Error": {}}}"#));
    assert!(!names_error(br#"{"Response": {"RequestId": "xError"}}"#));
    assert!(!names_error(br#"{"Response": {"Errors": 1}}"#));
    assert!(!names_error(b"E"));
    assert!(!names_error(b"\"E"));
}

#[test]
fn signature_methods_read_tccli_names() {
    for m in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
        Api3SignatureMethod::HmacSha1,
    ] {
        assert_eq!(Api3SignatureMethod::from_name(m.as_str()), Some(m));
    }
    assert_eq!(
        Api3SignatureMethod::from_name("hmacsha1"),
        Some(Api3SignatureMethod::HmacSha1)
    );
    assert_eq!(Api3SignatureMethod::from_name("HmacSHA512"), None);
}

#[derive(Debug, serde::Deserialize)]
struct Accepted {
    #[serde(rename = "RequestId")]
    request_id: String,
}

/// Boxed: the error enum is large, and only the test reads it.
fn parse(status: u16, body: &str) -> Result<Accepted, Box<Error<DeleteVpnConnectionError>>> {
    parse_response::<Accepted, DeleteVpnConnectionError>(
        "DeleteVpnConnection",
        &HttpResponse::new(status, body),
    )
    .map_err(Box::new)
}

#[test]
fn a_success_is_the_response_object() {
    let out = parse(
        200,
        r#"{"Response": {"RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"}}"#,
    )
    .expect("accepted");
    assert_eq!(out.request_id, "6ef60bec-0242-43af-bb20-270359fb54a7");
}

#[test]
fn an_error_arrives_in_response_error_with_http_200() {
    let err = parse(
        200,
        r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "The resource does not exist."}, "RequestId": "r-1"}}"#,
    )
    .expect_err("an error");
    let service = err.service_error().expect("a service error");
    assert!(service.is_resource_not_found());
    assert_eq!(service.code(), "ResourceNotFound");
    assert_eq!(service.message(), "The resource does not exist.");
    assert_eq!(service.request_id(), Some("r-1"));
    assert_eq!(service.info().http_status, None);
}

#[test]
fn what_is_not_the_envelope_is_unparsable_with_the_evidence_kept() {
    for (status, body) in [
        (502, "Bad Gateway"),
        (500, r#"{"Response": {"RequestId": "r"}}"#),
        (200, "<html>"),
        (200, r#"{"RequestId": "r"}"#),
        (
            200,
            r#"{"Response": {"Error": {"Message": "no code"}, "RequestId": "r"}}"#,
        ),
        (200, r#"{"Response": {"Nope": 1}}"#),
    ] {
        match parse(status, body).map_err(|e| *e) {
            Err(Error::Unparsable {
                status: s, body: b, ..
            }) => {
                assert_eq!((s, b.as_str()), (status, body));
            }
            other => panic!("{status} {body}: {other:?}"),
        }
    }
}

#[test]
fn without_credentials_the_tc3_request_says_skip_whatever_the_signature_setting() {
    let json = python_json::to_vec(&REQUEST).expect("serializes");
    let params = params();
    for method in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha1,
    ] {
        let req = build_request(
            &Payload {
                params: &params,
                json: &json,
            },
            None,
            &endpoint(),
            &shape(HttpMethod::Post, method),
            &ATTEMPT,
            &KeyCache::default(),
        );
        assert_eq!(req.header("Authorization"), Some("SKIP"));
        assert_eq!(req.header("X-TC-Token"), None);
        assert_eq!(req.header("Content-Type"), Some("application/json"));
        assert!(req.header("X-TC-Action").is_some());
        assert!(req.header("X-TC-Timestamp").is_some());
        assert_eq!(req.body, json);
    }
}

#[test]
fn only_the_token_failure_rejects_the_session() {
    let info = |code: &str| ErrorInfo {
        code: code.into(),
        ..ErrorInfo::default()
    };
    assert_eq!(SESSION_REJECTIONS, ["AuthFailure.TokenFailure"]);
    for code in CREDENTIAL_REJECTIONS {
        let expected = code == "AuthFailure.TokenFailure";
        assert_eq!(rejects_session(&info(code)), expected, "{code}");
        assert!(rejects_credentials(&info(code)), "{code}");
    }
    assert!(!rejects_session(&info("RequestLimitExceeded")));
}
