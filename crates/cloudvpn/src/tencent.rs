//! Tencent Cloud API v2 (`/v2/index.php`): signed GET or POST requests as `qcloudapi-sdk-python` sends them,
//! and the `{code, message, codeDesc, data}` envelope, where an error arrives with HTTP 200.

use crate::credentials::TencentCredentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse};
use cloudvpn_signing::{encoding, tencent_v2};
use cloudvpn_types::meta::{DocumentedError, OperationMeta};
use cloudvpn_types::{ErrorInfo, Operation, OperationError};
use serde_json::Value;

pub use cloudvpn_signing::tencent_v2::SignatureMethod;

/// The inputs of one attempt that change between attempts.
pub(crate) struct Attempt {
    /// Unix seconds.
    pub timestamp: i64,
    /// The `Nonce` parameter.
    pub nonce: u64,
}

/// Settings of a Tencent v2 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape<'a> {
    pub http_method: HttpMethod,
    pub signature_method: SignatureMethod,
    pub region: Option<&'a str>,
    pub request_client: &'a str,
}

/// Builds the signed request of one attempt. Parameters go on the wire in the SDK's order (the action's
/// own, then the common ones); the signature sorts them itself.
pub(crate) fn build_request(
    meta: &OperationMeta,
    params: &[(&'static str, String)],
    credentials: &TencentCredentials,
    endpoint: &Endpoint,
    shape: &Shape<'_>,
    attempt: &Attempt,
) -> HttpRequest {
    let timestamp = attempt.timestamp.to_string();
    let nonce = attempt.nonce.to_string();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 9);
    all.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
    all.push(("Action", meta.action));
    all.push(("RequestClient", shape.request_client));
    if let Some(region) = shape.region {
        all.push(("Region", region));
    }
    if let Some(token) = &credentials.token {
        all.push(("Token", token.expose()));
    }
    all.extend([
        ("SecretId", credentials.secret_id.as_str()),
        ("Nonce", nonce.as_str()),
        ("Timestamp", timestamp.as_str()),
        (
            tencent_v2::SIGNATURE_METHOD_PARAM,
            shape.signature_method.as_str(),
        ),
    ]);
    // Streams the source string into the MAC; the hash comes from the SignatureMethod pushed above.
    let signature = tencent_v2::signature(
        credentials.secret_key.expose(),
        shape.http_method.as_str(),
        &endpoint.authority,
        &endpoint.path,
        &all,
    );
    all.push((tencent_v2::SIGNATURE_PARAM, &signature));
    let encoded = encoding::form_urlencode(&all);
    let host = ("Host".into(), endpoint.authority.clone());
    match shape.http_method {
        HttpMethod::Get => HttpRequest {
            method: HttpMethod::Get,
            url: endpoint.url_with_query(&encoded),
            headers: vec![host],
            body: Vec::new(),
        },
        HttpMethod::Post => HttpRequest {
            method: HttpMethod::Post,
            url: endpoint.url_with_query(""),
            headers: vec![
                host,
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: encoded.into_bytes(),
        },
    }
}

/// Reads the envelope: `code` 0 is success (the whole body is the output), anything else an error whose
/// code is `codeDesc` (or the integer code when there is none). `code` may be an integer or a string.
pub(crate) fn parse_response<O: Operation>(
    response: &HttpResponse,
) -> Result<O::Output, Error<O::Error>> {
    let action = O::META.action;
    if response.status != 200 {
        return Err(Error::unparsable(
            action,
            response.status,
            "the v2 API answers every call with HTTP 200",
            &response.body,
        ));
    }
    // Fast path: a body that opens with `"code":0` is almost always a success; parse it straight into the
    // typed output. Anything else (or a failed parse) takes the general path below.
    let body = response.body.as_slice();
    if body.starts_with(b"{\"code\":0,") || body.starts_with(b"{\"code\": 0,") {
        if let Ok(out) = serde_json::from_slice(body) {
            return Ok(out);
        }
    }
    // Read only the envelope's head first; a success is then parsed straight into the typed output.
    let head: Head<'_> = serde_json::from_slice(&response.body).map_err(|e| {
        Error::unparsable(
            action,
            response.status,
            format!("invalid JSON: {e}"),
            &response.body,
        )
    })?;
    let code = match &head.code {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let Some(code) = code else {
        return Err(Error::unparsable(
            action,
            response.status,
            "the envelope has no integer `code`",
            &response.body,
        ));
    };
    if code == 0 {
        return serde_json::from_slice(&response.body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    let code_desc = head.code_desc.filter(|d| !d.is_empty() && d != "Success");
    let mut message = head.message.map(|m| m.into_owned()).unwrap_or_default();
    // Business errors are documented by `codeDesc`, the common ones (4100 authentication failed, 6000
    // internal error, …) only by the integer `code`: classify by whichever the specs know, and keep the
    // other in the message so nothing the server said is lost.
    let numeric = code.to_string();
    let documented = |c: &str| O::META.documented_error(c).is_some();
    let error_code = match code_desc {
        Some(desc) if !documented(&desc) && documented(&numeric) => {
            message = format!("{message} (codeDesc {desc})");
            numeric
        }
        Some(desc) => desc.into_owned(),
        None => numeric,
    };
    Err(Error::Service(O::Error::from_info(ErrorInfo {
        code: error_code,
        message,
        request_id: head.request_id.map(|r| r.into_owned()),
        http_status: None,
        recommend: None,
        host_id: None,
        envelope_code: Some(code),
        credentials_source: None,
    })))
}

/// The envelope codes that mean the service rejected the credentials themselves: 4100 (authentication
/// failed: a wrong SecretKey makes the signature fail), 4104 (the SecretId does not exist), 4105 (a bad
/// token). Matched on the integer code because the `codeDesc` beside it varies (`AuthFailure`,
/// `AuthFailure.SecretIdNotFound`, …); each is a documented common error of the API (a test checks).
const CREDENTIAL_REJECTIONS: [i64; 3] = [4100, 4104, 4105];

/// Whether an error rejects the credentials (see [`CREDENTIAL_REJECTIONS`]).
pub(crate) fn rejects_credentials(
    info: &ErrorInfo,
    _documented: Option<&'static DocumentedError>,
) -> bool {
    info.envelope_code
        .is_some_and(|code| CREDENTIAL_REJECTIONS.contains(&code))
}

/// The parts of a v2 envelope that say whether it is an error.
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default, rename = "codeDesc", borrow)]
    code_desc: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    message: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, rename = "requestId", alias = "RequestId", borrow)]
    request_id: Option<std::borrow::Cow<'a, str>>,
}
#[cfg(test)]
mod tests {
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

    use super::*;
    use crate::credentials::Secret;
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

    fn params() -> Vec<(&'static str, String)> {
        DeleteVpnConnRequest::new("vpc-03vihbk9", "vpngw-kfldykuz", "vpnx-ol6bcqp0").to_params()
    }

    #[test]
    fn get_sha1_reproduces_the_official_sdk_request_byte_for_byte() {
        let req = build_request(
            DeleteVpnConnRequest::META,
            &params(),
            &creds(),
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
            &creds(),
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
            &creds,
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
}
