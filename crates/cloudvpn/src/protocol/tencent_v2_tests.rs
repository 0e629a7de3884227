//! Tencent v2 requests against the official SDK's, and the envelope's answers.

#[test]
fn every_credential_rejection_is_a_documented_common_error() {
    let common = cloudvpn_types::tencent_vpc_v2::API.common_errors;
    for code in CREDENTIAL_REJECTIONS {
        assert!(
            common.iter().any(|e| e.envelope_code == Some(code)),
            "{code} is not a common error of the spec"
        );
        let info = ErrorInfo {
            code: "AuthFailure".into(),
            envelope_code: Some(code),
            ..ErrorInfo::default()
        };
        assert!(rejects_credentials(&info, None));
    }
    let denied = ErrorInfo {
        envelope_code: Some(4300),
        ..ErrorInfo::default()
    };
    assert!(!rejects_credentials(&denied, None));
}

#[test]
fn only_the_token_failure_rejects_the_session() {
    let info = |code: i64| ErrorInfo {
        code: "AuthFailure".into(),
        envelope_code: Some(code),
        ..ErrorInfo::default()
    };
    for code in SESSION_REJECTIONS {
        assert!(CREDENTIAL_REJECTIONS.contains(&code), "{code}");
        assert!(rejects_session(&info(code), None), "{code}");
    }
    assert!(rejects_session(&info(4105), None));
    for code in [4100, 4104, 4300, 4400] {
        assert!(!rejects_session(&info(code), None), "{code}");
    }
}

use super::*;
use crate::credentials::Secret;
use cloudvpn_types::params::ParamName;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;

fn creds() -> TencentCredentials {
    TencentCredentials::new(
        "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
        Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
    )
}

fn endpoint() -> Endpoint {
    Endpoint {
        scheme: "https".into(),
        authority: "vpc.api.qcloud.com".into(),
        path: "/v2/index.php".into(),
    }
}

fn shape(http_method: HttpMethod, signature_method: SignatureMethod) -> Shape<'static> {
    Shape {
        http_method,
        signature_method,
        region: Some("gz"),
        request_client: "SDK_PYTHON_2.0.15",
    }
}

const ATTEMPT: Attempt = Attempt {
    timestamp: 1_465_185_768,
    nonce: 11886,
};

fn params() -> Vec<(ParamName, String)> {
    DeleteVpnConnRequest::new("vpc-03vihbk9", "vpngw-kfldykuz", "vpnx-ol6bcqp0").to_params()
}

#[test]
fn get_sha1_reproduces_the_official_sdk_request_byte_for_byte() {
    let req = build_request(
        DeleteVpnConnRequest::META,
        &params(),
        Some(&creds()),
        &endpoint(),
        &shape(HttpMethod::Get, SignatureMethod::HmacSha1),
        &ATTEMPT,
    );
    assert_eq!(
        req.url,
        "https://vpc.api.qcloud.com/v2/index.php?vpcId=vpc-03vihbk9&vpnGwId=vpngw-kfldykuz&vpnConnId=vpnx-ol6bcqp0&Action=DeleteVpnConn&RequestClient=SDK_PYTHON_2.0.15&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Nonce=11886&Timestamp=1465185768&SignatureMethod=HmacSHA1&Signature=gFsJr9DEe7aetfdqDOnbua7ri4M%3D"
    );
    assert_eq!(req.header("host"), Some("vpc.api.qcloud.com"));
}

#[test]
fn get_sha256_reproduces_the_official_signature() {
    let req = build_request(
        DeleteVpnConnRequest::META,
        &params(),
        Some(&creds()),
        &endpoint(),
        &shape(HttpMethod::Get, SignatureMethod::HmacSha256),
        &ATTEMPT,
    );
    assert!(
        req.url
            .ends_with("&Signature=0SiQ66LzI%2BJ2Yu1vPb9q3rL4MMGeCb23mvZoOBPkANo%3D"),
        "{}",
        req.url
    );
}

#[test]
fn post_with_token_reproduces_the_official_body() {
    let creds = creds().with_token(Secret::new("tok-EXAMPLE-session-token"));
    let req = build_request(
        DeleteVpnConnRequest::META,
        &params(),
        Some(&creds),
        &endpoint(),
        &shape(HttpMethod::Post, SignatureMethod::HmacSha256),
        &ATTEMPT,
    );
    assert_eq!(
        String::from_utf8_lossy(&req.body),
        "vpcId=vpc-03vihbk9&vpnGwId=vpngw-kfldykuz&vpnConnId=vpnx-ol6bcqp0&Action=DeleteVpnConn&RequestClient=SDK_PYTHON_2.0.15&Region=gz&Token=tok-EXAMPLE-session-token&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Nonce=11886&Timestamp=1465185768&SignatureMethod=HmacSHA256&Signature=nEkC5Gn3he6YiZP9dso9EIniSTl8jaizqJ53KvLGTVs%3D"
    );
    assert_eq!(req.body.len(), 323);
    assert_eq!(
        req.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
}

#[test]
fn envelopes() {
    let ok = HttpResponse::new(
        200,
        r#"{"code": 0, "message": "", "codeDesc": "Success", "data": {"taskId": 12615}}"#,
    );
    assert_eq!(
        parse_response::<DeleteVpnConnRequest>(&ok)
            .expect("ok")
            .data
            .task_id,
        12615
    );

    let err = HttpResponse::new(
        200,
        r#"{"code": 5000, "message": "gone", "codeDesc": "InvalidVpnConn.NotFound"}"#,
    );
    let e = parse_response::<DeleteVpnConnRequest>(&err).expect_err("error in a 200");
    assert!(e.is_not_found(), "{e}");
    assert_eq!(
        e.service_error().map(|s| s.info().envelope_code),
        Some(Some(5000))
    );

    // A common error documented only by its integer code keeps its codeDesc in the message.
    let err = HttpResponse::new(
        200,
        r#"{"code": 4100, "message": "signature failed", "codeDesc": "AuthFailure"}"#,
    );
    let e = parse_response::<DeleteVpnConnRequest>(&err).expect_err("auth");
    assert_eq!(e.code(), Some("4100"));
    assert_eq!(
        e.service_error().map(|s| s.message()),
        Some("signature failed (codeDesc AuthFailure)")
    );

    // The documented error example: `code` as a string, no codeDesc.
    let err = HttpResponse::new(
        200,
        r#"{"code":"5100","message":"(100004)projectId不正确"}"#,
    );
    let e = parse_response::<DeleteVpnConnRequest>(&err).expect_err("string code");
    assert_eq!(e.code(), Some("5100"));
    assert_eq!(
        e.service_error().map(|s| s.message()),
        Some("(100004)projectId不正确")
    );

    for (status, body) in [
        (502, "bad gateway"),
        (200, "{}"),
        (200, "[]"),
        (200, r#"{"code": 0, "data": {}}"#),
    ] {
        let e = parse_response::<DeleteVpnConnRequest>(&HttpResponse::new(status, body))
            .expect_err(body);
        assert!(matches!(e, Error::Unparsable { .. }), "{body}: {e:?}");
    }
}
