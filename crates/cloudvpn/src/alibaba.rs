//! Alibaba Cloud RPC: building signed requests (V3 `ACS3-HMAC-SHA256` or v1 HMAC-SHA1) exactly as the
//! official SDK does, and reading JSON or XML answers.

use crate::credentials::AlibabaCredentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse};
use crate::xml;
use cloudvpn_signing::{alibaba_v1, alibaba_v3, encoding};
use cloudvpn_types::meta::{DocumentedError, OperationMeta};
use cloudvpn_types::{ErrorInfo, Operation, OperationError};
use serde_json::Value;

/// Which Alibaba signature to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlibabaSignature {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header: the current official SDK's default.
    #[default]
    V3,
    /// RPC signature v1 (HMAC-SHA1) in the `Signature` query parameter, as the legacy SDK and Terraform send.
    V1,
}

/// The inputs of one attempt that change between attempts.
pub(crate) struct Attempt<'a> {
    /// `2024-01-01T12:00:00Z`.
    pub timestamp: &'a str,
    /// The signature nonce.
    pub nonce: &'a str,
}

/// Builds the signed request of one attempt.
pub(crate) fn build_request(
    meta: &OperationMeta,
    params: &[(&'static str, String)],
    credentials: &AlibabaCredentials,
    signature: AlibabaSignature,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: &Attempt<'_>,
) -> HttpRequest {
    match signature {
        AlibabaSignature::V3 => build_v3(meta, params, credentials, endpoint, user_agent, attempt),
        AlibabaSignature::V1 => build_v1(meta, params, credentials, endpoint, user_agent, attempt),
    }
}

/// V3: business parameters in the query, everything else in signed `x-acs-*` headers (vector [A] of the
/// official-SDK captures). The SDK signs every header it sets, so this does too.
fn build_v3(
    meta: &OperationMeta,
    params: &[(&'static str, String)],
    credentials: &AlibabaCredentials,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: &Attempt<'_>,
) -> HttpRequest {
    let method = meta.default_method();
    let mut headers: Vec<(std::borrow::Cow<'static, str>, String)> = vec![
        ("host".into(), endpoint.authority.clone()),
        ("x-acs-version".into(), meta.api.version.into()),
        ("x-acs-action".into(), meta.action.into()),
        ("user-agent".into(), user_agent.into()),
        ("x-acs-date".into(), attempt.timestamp.into()),
        ("x-acs-signature-nonce".into(), attempt.nonce.into()),
        ("accept".into(), "application/json".into()),
        (
            alibaba_v3::CONTENT_SHA256_HEADER.into(),
            alibaba_v3::EMPTY_PAYLOAD_HASH.into(),
        ),
        (
            "x-acs-credentials-provider".into(),
            credentials.provider_name().into(),
        ),
    ];
    if let Some(token) = &credentials.security_token {
        headers.push((
            "x-acs-accesskey-id".into(),
            credentials.access_key_id.clone(),
        ));
        headers.push(("x-acs-security-token".into(), token.expose().to_owned()));
    }
    let mut canonical = alibaba_v3::CanonicalRequest::new(method.as_str(), &endpoint.path)
        .query_params(params)
        .hashed_payload(alibaba_v3::EMPTY_PAYLOAD_HASH);
    for (k, v) in &headers {
        canonical.push_header(k, v);
    }
    let authorization = alibaba_v3::authorize(
        &credentials.access_key_id,
        credentials.access_key_secret.expose(),
        &canonical,
    );
    headers.push((alibaba_v3::AUTHORIZATION_HEADER.into(), authorization));
    HttpRequest {
        method,
        url: endpoint.url_with_query(&canonical.canonical_query_string()),
        headers,
        body: Vec::new(),
    }
}

/// v1: every parameter, common ones included, in the query with the signature (vector [E]).
fn build_v1(
    meta: &OperationMeta,
    params: &[(&'static str, String)],
    credentials: &AlibabaCredentials,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: &Attempt<'_>,
) -> HttpRequest {
    let method = meta.default_method();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 11);
    all.extend([
        ("Action", meta.action),
        ("Format", "json"),
        ("Version", meta.api.version),
        ("Timestamp", attempt.timestamp),
        ("SignatureNonce", attempt.nonce),
    ]);
    all.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
    if let Some(token) = &credentials.security_token {
        all.push(("SecurityToken", token.expose()));
    }
    all.extend([
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", credentials.access_key_id.as_str()),
    ]);
    let signature = alibaba_v1::signature(
        credentials.access_key_secret.expose(),
        method.as_str(),
        &all,
    );
    all.push((alibaba_v1::SIGNATURE_PARAM, &signature));
    HttpRequest {
        method,
        url: endpoint.url_with_query(&encoding::form_urlencode(&all)),
        headers: vec![
            ("host".into(), endpoint.authority.clone()),
            ("x-acs-version".into(), meta.api.version.into()),
            ("x-acs-action".into(), meta.action.into()),
            ("user-agent".into(), user_agent.into()),
        ],
        body: Vec::new(),
    }
}

/// Reads a response: the operation's output on 2xx, its typed error otherwise.
pub(crate) fn parse_response<O: Operation>(
    response: &HttpResponse,
) -> Result<O::Output, Error<O::Error>> {
    let action = O::META.action;
    if (200..300).contains(&response.status) && !is_xml(response) {
        // The common case, straight into the typed output without an intermediate JSON tree.
        return serde_json::from_slice(&response.body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    let body = match body_as_json(response) {
        Ok(v) => v,
        Err(reason) => {
            return Err(Error::unparsable(
                action,
                response.status,
                reason,
                &response.body,
            ));
        }
    };
    if (200..300).contains(&response.status) {
        return serde_json::from_value(body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    match error_info(&body, response.status) {
        Some(info) => Err(Error::Service(O::Error::from_info(info))),
        None => Err(Error::unparsable(
            action,
            response.status,
            "an error status without an error code in the body",
            &response.body,
        )),
    }
}

/// XML when the server says so, or when the body plainly is XML.
fn is_xml(response: &HttpResponse) -> bool {
    response
        .header("content-type")
        .is_some_and(|c| c.contains("xml"))
        || response.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// The body as a JSON value, whichever format it came in.
fn body_as_json(response: &HttpResponse) -> Result<Value, String> {
    if is_xml(response) {
        xml::to_json(&response.body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(&response.body).map_err(|e| format!("invalid JSON: {e}"))
    }
}

/// `{RequestId, HostId, Code, Message, Recommend}` (also the lower-case spellings the Tea SDK accepts).
fn error_info(body: &Value, status: u16) -> Option<ErrorInfo> {
    let field = |upper: &str, lower: &str| {
        body.get(upper)
            .or_else(|| body.get(lower))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let code = field("Code", "code").filter(|c| !c.is_empty())?;
    Some(ErrorInfo {
        code,
        message: field("Message", "message").unwrap_or_default(),
        request_id: field("RequestId", "requestId"),
        http_status: Some(status),
        recommend: field("Recommend", "recommend"),
        host_id: field("HostId", "hostId"),
        envelope_code: None,
        credentials_source: None,
    })
}

/// The common errors that mean the service rejected the credentials themselves: a wrong secret (the
/// signature cannot match), an AccessKey ID it does not know, a disabled key. Each is a documented common
/// error of the API (a test checks), matched in any of its documented spellings.
const CREDENTIAL_REJECTIONS: [&str; 3] = [
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
];

/// Whether an error rejects the credentials (see [`CREDENTIAL_REJECTIONS`]).
pub(crate) fn rejects_credentials(
    _info: &ErrorInfo,
    documented: Option<&'static DocumentedError>,
) -> bool {
    documented.is_some_and(|d| CREDENTIAL_REJECTIONS.contains(&d.code))
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_credential_rejection_is_a_documented_common_error() {
        let common = cloudvpn_types::alibaba_vpc::API.common_errors;
        for code in CREDENTIAL_REJECTIONS {
            let documented = common.iter().find(|e| e.code == code);
            assert!(
                documented.is_some(),
                "{code} is not a common error of the spec"
            );
            assert!(rejects_credentials(&ErrorInfo::default(), documented));
        }
        let throttling = common.iter().find(|e| e.code == "Throttling");
        assert!(!rejects_credentials(&ErrorInfo::default(), throttling));
        assert!(!rejects_credentials(&ErrorInfo::default(), None));
    }

    use super::*;
    use crate::credentials::{AlibabaCredentials, Secret};
    use crate::transport::HttpMethod;
    use cloudvpn_types::alibaba_vpc::{
        DeleteVpnGatewayError, DeleteVpnGatewayRequest, DescribeVpnGatewaysRequest,
    };

    const PYTHON_UA: &str = "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2";

    fn vector_request() -> Vec<(&'static str, String)> {
        DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj****")
            .client_token("02fb3da4-130e-11e9-8e44-001****")
            .to_params()
    }

    fn endpoint() -> Endpoint {
        Endpoint::parse_base("http://127.0.0.1:47123", "/").expect("endpoint")
    }

    const ATTEMPT: Attempt<'static> = Attempt {
        timestamp: "2024-01-01T12:00:00Z",
        nonce: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
    };

    #[test]
    fn v3_reproduces_the_official_sdk_vector_a() {
        let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"));
        let meta = DeleteVpnGatewayRequest::META;
        let req = build_request(
            meta,
            &vector_request(),
            &creds,
            AlibabaSignature::V3,
            &endpoint(),
            PYTHON_UA,
            &ATTEMPT,
        );
        assert_eq!(
            req.url,
            "http://127.0.0.1:47123/?ClientToken=02fb3da4-130e-11e9-8e44-001%2A%2A%2A%2A&RegionId=cn-hangzhou&VpnGatewayId=vpn-bp1q8bgx4xnkm2ogj%2A%2A%2A%2A"
        );
        assert_eq!(req.method, HttpMethod::Post);
        assert_eq!(
            req.header("Authorization"),
            Some(
                "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=accept;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=eadc44f9b322ecf34983efd801fa831d72d7ef094e9aa35f9a850f358a9f6fbf"
            )
        );
    }

    #[test]
    fn v3_with_sts_reproduces_vector_d() {
        let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"))
            .with_token(Secret::new("sts/token+with=special*chars~"));
        let params =
            DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj****").to_params();
        let req = build_request(
            DeleteVpnGatewayRequest::META,
            &params,
            &creds,
            AlibabaSignature::V3,
            &endpoint(),
            PYTHON_UA,
            &ATTEMPT,
        );
        let auth = req.header("Authorization").expect("signed");
        assert!(
            auth.ends_with(
                "Signature=b4c40095546043e317e21939f8f3aa51f2b5cf6617d04350e3b58b65b31838ba"
            ),
            "{auth}"
        );
        assert_eq!(req.header("x-acs-credentials-provider"), Some("static_sts"));
    }

    #[test]
    fn v1_reproduces_the_official_sdk_vector_e() {
        let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"));
        let req = build_request(
            DeleteVpnGatewayRequest::META,
            &vector_request(),
            &creds,
            AlibabaSignature::V1,
            &endpoint(),
            PYTHON_UA,
            &ATTEMPT,
        );
        assert!(
            req.url
                .ends_with("&Signature=9SN13ugdBgdtOYF4ai6u8Vs7JMc%3D"),
            "{}",
            req.url
        );
        assert!(
            req.url.contains("Timestamp=2024-01-01T12%3A00%3A00Z"),
            "{}",
            req.url
        );
        assert!(req.header("Authorization").is_none());
    }

    #[test]
    fn v1_with_sts_and_special_characters_reproduces_vector_f() {
        use cloudvpn_types::alibaba_vpc::DeleteVpnConnectionRequest;
        let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"))
            .with_token(Secret::new("sts/token+with=special*chars~"));
        let params = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-bp1bbi27hojx80nck****")
            .client_token("a b*c~d/é+x")
            .to_params();
        let req = build_request(
            DeleteVpnConnectionRequest::META,
            &params,
            &creds,
            AlibabaSignature::V1,
            &endpoint(),
            PYTHON_UA,
            &ATTEMPT,
        );
        assert!(
            req.url
                .ends_with("&Signature=6%2Brtpo991bVD1gyww5DiVFn0hT0%3D"),
            "{}",
            req.url
        );
    }

    #[test]
    fn parses_json_and_xml_success_bodies() {
        let json = HttpResponse::new(200, r#"{"RequestId":"0ED8D006"}"#);
        let out = parse_response::<DeleteVpnGatewayRequest>(&json).expect("json");
        assert_eq!(out.request_id, "0ED8D006");
        // The documented XML example, wrong root element and all.
        let xml = HttpResponse::new(200, "<DeleteNatGatewayResponse>\n  <RequestId>0ED8D006</RequestId>\n</DeleteNatGatewayResponse>")
            .with_header("content-type", "text/xml;charset=utf-8");
        let out = parse_response::<DeleteVpnGatewayRequest>(&xml).expect("xml");
        assert_eq!(out.request_id, "0ED8D006");
        let list = HttpResponse::new(
            200,
            "<R><RequestId>x</RequestId><TotalCount>1</TotalCount><PageNumber>1</PageNumber><PageSize>10</PageSize><VpnGateways><VpnGateway><VpnGatewayId>vpn-1</VpnGatewayId><Status>active</Status></VpnGateway></VpnGateways></R>",
        );
        let out = parse_response::<DescribeVpnGatewaysRequest>(&list).expect("xml list");
        assert_eq!(out.total_count, 1);
    }

    #[test]
    fn error_bodies_become_typed_errors_with_status_and_request_id() {
        let body = r#"{"RequestId":"0ED8","HostId":"vpc.aliyuncs.com","Code":"Forbidden.SubUser","Message":"no","Recommend":"https://r"}"#;
        let err = parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(403, body))
            .expect_err("403");
        let Error::Service(e) = err else {
            panic!("{err:?}")
        };
        assert!(matches!(e, DeleteVpnGatewayError::ForbiddenSubUser(_)));
        assert_eq!(e.info().http_status, Some(403));
        assert_eq!(e.info().request_id.as_deref(), Some("0ED8"));
        assert_eq!(e.info().recommend.as_deref(), Some("https://r"));
        let xml = "<?xml version=\"1.0\"?><Error><RequestId>1</RequestId><Code>VpnGateway.Configuring</Code><Message>m</Message></Error>";
        let err = parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(400, xml))
            .expect_err("400");
        assert!(
            err.service_error()
                .is_some_and(|e| e.is_vpn_gateway_configuring())
        );
    }

    #[test]
    fn garbage_is_unparsable_with_the_evidence_kept() {
        for (status, body) in [
            (200, "<html>oops"),
            (502, "Bad Gateway"),
            (200, r#"{"Nope":1}"#),
            (500, r#"{"Message":"no code"}"#),
            (200, ""),
        ] {
            match parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(status, body)) {
                Err(Error::Unparsable {
                    status: s, body: b, ..
                }) => {
                    assert_eq!(s, status);
                    assert_eq!(b, body);
                }
                other => panic!("{status} {body}: {other:?}"),
            }
        }
    }
}
