//! Alibaba RPC requests against the official SDK vectors, and answers read from JSON and XML.

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

#[test]
fn session_rejections_are_the_security_token_errors_and_also_name_the_source() {
    let info = |code: &str| ErrorInfo {
        code: code.into(),
        http_status: Some(400),
        ..ErrorInfo::default()
    };
    for code in SESSION_REJECTIONS {
        assert!(rejects_session(&info(code), None), "{code}");
        assert!(rejects_credentials(&info(code), None), "{code}");
    }
    let common = cloudvpn_types::alibaba_vpc::API.common_errors;
    for api in [
        &cloudvpn_types::alibaba_vpc::API,
        &cloudvpn_types::alibaba_sts::API,
    ] {
        for code in SESSION_REJECTIONS {
            assert!(
                api.common_errors.iter().any(|e| e.code == code),
                "{code} is not a common error of {}",
                api.title
            );
        }
    }
    // A wrong secret or an unknown key: refreshing gives nothing new (the base keys are wrong).
    for code in CREDENTIAL_REJECTIONS {
        let documented = common.iter().find(|e| e.code == code);
        assert!(!rejects_session(&info(code), documented), "{code}");
    }
    assert!(!rejects_session(&info("Throttling"), None));
}

use super::v3::{SORTED_HEADERS, SORTED_STS_HEADERS};
use super::*;
use crate::credentials::{AlibabaCredentials, Secret};
use crate::transport::HttpMethod;
use cloudvpn_signing::alibaba_v3;
use cloudvpn_types::alibaba_vpc::{
    DeleteVpnGatewayError, DeleteVpnGatewayRequest, DescribeVpnGatewaysRequest,
};
use cloudvpn_types::params::ParamName;

const PYTHON_UA: &str = "AlibabaCloud (Linux; x86_64) Python/3.11.7 Core/0.4.3 TeaDSL/2";

fn vector_request() -> Vec<(ParamName, String)> {
    DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj****")
        .client_token("02fb3da4-130e-11e9-8e44-001****")
        .to_params()
}

fn endpoint() -> Endpoint {
    Endpoint::parse_base("http://127.0.0.1:47123", "/").expect("endpoint")
}

const ATTEMPT: Attempt = Attempt {
    timestamp: Cow::Borrowed("2024-01-01T12:00:00Z"),
    nonce: Cow::Borrowed("45e25e9b-0a6f-4070-8c85-2956eda1b466"),
};

/// The V3 request of DeleteVpnGateway with `params`, as the vectors' SDK sent it.
fn v3_request(
    creds: &AlibabaCredentials,
    params: &[(ParamName, String)],
    keys: &V3Keys,
) -> HttpRequest {
    build_request(
        DeleteVpnGatewayRequest::META,
        params,
        creds,
        AlibabaSignature::V3,
        &endpoint(),
        PYTHON_UA,
        ATTEMPT,
        keys,
    )
}

#[test]
fn v3_reproduces_the_official_sdk_vector_a() {
    let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"));
    let req = v3_request(&creds, &vector_request(), &V3Keys::default());
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
    let req = v3_request(&creds, &params, &V3Keys::default());
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
fn v3_with_special_characters_reproduces_vector_g() {
    use cloudvpn_types::alibaba_vpc::DeleteVpnConnectionRequest;
    let creds = AlibabaCredentials::new("testid", Secret::new("testsecret"));
    let params = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-bp1bbi27hojx80nck****")
        .client_token("a b*c~d/é+x")
        .to_params();
    let req = build_request(
        DeleteVpnConnectionRequest::META,
        &params,
        &creds,
        AlibabaSignature::V3,
        &endpoint(),
        PYTHON_UA,
        ATTEMPT,
        &V3Keys::default(),
    );
    // The SDK signs the space as %20 but sends it as +.
    assert_eq!(
        req.url,
        "http://127.0.0.1:47123/?ClientToken=a+b%2Ac~d%2F%C3%A9%2Bx&RegionId=cn-hangzhou&VpnConnectionId=vco-bp1bbi27hojx80nck%2A%2A%2A%2A"
    );
    assert!(
        req.header("Authorization").is_some_and(|a| a.ends_with(
            "Signature=12daf653e52470459496b41107b192dc02f124fee86d6dcc2f7c1a9e25c0be32"
        )),
        "{:?}",
        req.header("Authorization")
    );
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
        ATTEMPT,
        &V3Keys::default(),
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
        ATTEMPT,
        &V3Keys::default(),
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
    let err =
        parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(403, body)).expect_err("403");
    let Error::Service(e) = err else {
        panic!("{err:?}")
    };
    assert!(matches!(e, DeleteVpnGatewayError::ForbiddenSubUser(_)));
    assert_eq!(e.info().http_status, Some(403));
    assert_eq!(e.info().request_id.as_deref(), Some("0ED8"));
    assert_eq!(e.info().recommend.as_deref(), Some("https://r"));
    let xml = "<?xml version=\"1.0\"?><Error><RequestId>1</RequestId><Code>VpnGateway.Configuring</Code><Message>m</Message></Error>";
    let err =
        parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(400, xml)).expect_err("400");
    assert!(
        err.service_error()
            .is_some_and(|e| e.is_vpn_gateway_configuring())
    );
}

/// The gateway echoes its string to sign in `SignatureDoesNotMatch`, session token included: the typed
/// error's message (what `Display` and the CLI print) keeps the token masked, the rest readable.
#[test]
fn a_signature_mismatch_keeps_the_session_token_out_of_the_message() {
    let body = r#"{"RequestId":"R","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.WV53%26Action%3DDeleteVpnGateway%26SecurityToken%3DCAISxQHCJS1gisMxv2rf%252Btok%26SignatureMethod%3DHMAC-SHA1"}"#;
    let err =
        parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(400, body)).expect_err("400");
    let shown = format!("{err} / {err:?}");
    assert!(!shown.contains("CAISxQ"), "{shown}");
    assert!(
        shown.contains("%26SecurityToken%3D***%26SignatureMethod%3DHMAC-SHA1"),
        "{shown}"
    );
    assert_eq!(err.code(), Some("SignatureDoesNotMatch"));
}

/// An answer that fails typed parsing is kept as evidence, with its secrets masked.
#[test]
fn an_unparsable_answer_keeps_its_secrets_out_of_the_error() {
    let answer = r#"{"Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"sk-secret","SecurityToken":"tok-secret"}}"#;
    let err = parse_response::<DeleteVpnGatewayRequest>(&HttpResponse::new(200, answer))
        .expect_err("no RequestId");
    let shown = format!("{err} / {err:?}");
    assert!(matches!(err, Error::Unparsable { .. }), "{shown}");
    assert!(
        !shown.contains("-secret") && shown.contains("STS.id"),
        "{shown}"
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

#[test]
fn v3_kept_key_follows_a_changed_secret() {
    // One client's kept key must never sign for another secret: sign with A, then B, then A again through
    // the same cache, and compare each with a request signed through a fresh cache.
    let keys = V3Keys::default();
    let sign = |secret: &str, keys: &V3Keys| {
        let creds = AlibabaCredentials::new("testid", Secret::new(secret));
        v3_request(&creds, &vector_request(), keys)
            .header("Authorization")
            .map(str::to_owned)
    };
    let vector_a = "Signature=eadc44f9b322ecf34983efd801fa831d72d7ef094e9aa35f9a850f358a9f6fbf";
    let first = sign("testsecret", &keys).expect("signed");
    assert!(first.ends_with(vector_a), "{first}");
    let other = sign("othersecret", &keys).expect("signed");
    assert_eq!(Some(other.clone()), sign("othersecret", &V3Keys::default()));
    assert!(!other.ends_with(vector_a), "{other}");
    assert_eq!(sign("testsecret", &keys), Some(first));
    assert_eq!(format!("{keys:?}"), "V3Keys(<redacted>)");
}

/// The tables that hand the V3 headers to the signer in signed order name every header once and sort
/// them, with and without STS credentials: a header added to `build_v3` without its place in the table
/// fails here (the request would still be signed correctly, only sorted the slow way).
#[test]
fn v3_sorted_header_tables_match_the_headers() {
    let plain = AlibabaCredentials::new("testid", Secret::new("testsecret"));
    let sts = plain.clone().with_token(Secret::new("token"));
    for (creds, table) in [(plain, &SORTED_HEADERS[..]), (sts, &SORTED_STS_HEADERS[..])] {
        let req = v3_request(&creds, &vector_request(), &V3Keys::default());
        let signed: Vec<&str> = req
            .headers
            .iter()
            .map(|(name, _)| name.as_ref())
            .filter(|name| *name != alibaba_v3::AUTHORIZATION_HEADER)
            .collect();
        let mut every: Vec<usize> = table.to_vec();
        every.sort_unstable();
        assert_eq!(every, (0..signed.len()).collect::<Vec<_>>());
        let in_table_order: Vec<&str> = table.iter().map(|&i| signed[i]).collect();
        let mut sorted = in_table_order.clone();
        sorted.sort_unstable();
        assert_eq!(in_table_order, sorted);
    }
}
