//! Every TC3-HMAC-SHA256 request captured from `tencentcloud-sdk-python`
//! (vpc 3.1.193: POST with the SDK defaults, GET, POST with a session token,
//! and the two error-response cases, whose requests are the default POST),
//! rebuilt from the wire.
//!
//! For each case, separately: the canonical request the SDK printed, its
//! payload hash, its hash, the string to sign, the signature and the whole
//! `Authorization` header; then `verify` accepts the captured request as a
//! server receives it, and rejects it once the secret, the body, the query,
//! a signed header, the timestamp or the scope changes.

mod support;

use cloudvpn_signing::tencent_tc3::{
    self, AuthorizationError, CanonicalRequest, Scoped, SigningKey, Tc3Error,
};
use support::{Case, WireRequest, mutate, parse_tencent};

const TENCENT_FILE: &str = include_str!("vectors/tencent-official-sdk.txt");

/// Credentials the capture script used (tencent.md §3).
const SECRET_ID: &str = "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA";
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

/// The SDK's TC3 service for the VPC client.
const SERVICE: &str = "vpc";

fn tc3_cases() -> Vec<Case> {
    let cases: Vec<Case> = parse_tencent(TENCENT_FILE)
        .into_iter()
        .filter(|c| c.title.contains("TC3-HMAC-SHA256"))
        .collect();
    assert_eq!(cases.len(), 5, "the file has five TC3 cases");
    cases
}

fn header<'a>(case: &Case, wire: &'a WireRequest, name: &str) -> &'a str {
    wire.header(name)
        .unwrap_or_else(|| panic!("{}: no {name}", case.title))
}

fn timestamp(case: &Case) -> i64 {
    header(case, case.wire(), "X-TC-Timestamp")
        .parse()
        .unwrap_or_else(|e| panic!("{}: {e}", case.title))
}

/// What the client signs: `Content-Type` and `Host` as sent, the wire query
/// (GET) and the raw body.
fn client_side(case: &Case) -> CanonicalRequest {
    let wire = case.wire();
    CanonicalRequest::new(&wire.method, &wire.path)
        .query(&wire.query)
        .header("Content-Type", header(case, wire, "Content-Type"))
        .header("Host", header(case, wire, "Host"))
        .body(wire.body.as_bytes())
}

fn printed_string_to_sign(case: &Case) -> &str {
    case.string_to_sign
        .as_deref()
        .unwrap_or_else(|| panic!("{}: no StringToSign", case.title))
}

fn server_verify(
    secret_key: &str,
    wire: &WireRequest,
    headers: &[(String, String)],
) -> Result<(), Tc3Error> {
    tencent_tc3::verify(
        secret_key,
        SERVICE,
        &wire.method,
        &wire.path,
        &wire.query,
        headers,
        wire.body.as_bytes(),
    )
}

#[test]
fn canonical_request_and_payload_hash_match_the_sdk() {
    for case in tc3_cases() {
        let request = client_side(&case);
        let printed = case
            .canonical_request
            .as_deref()
            .unwrap_or_else(|| panic!("{}: no CanonicalRequest", case.title));
        assert_eq!(request.to_string(), printed, "{}", case.title);
        assert_eq!(
            Some(request.hashed_payload().as_str()),
            printed.lines().last(),
            "{}",
            case.title
        );
        assert_eq!(request.signed_headers(), "content-type;host");
    }
}

#[test]
fn string_to_sign_matches_the_sdk() {
    for case in tc3_cases() {
        let request = client_side(&case);
        let printed = printed_string_to_sign(&case);
        assert_eq!(
            Some(request.hash().as_str()),
            printed.lines().last(),
            "{}",
            case.title
        );
        let date = tencent_tc3::date_of(timestamp(&case));
        assert_eq!(date, "2016-06-06");
        assert_eq!(
            tencent_tc3::credential_scope(&date, SERVICE),
            "2016-06-06/vpc/tc3_request"
        );
        let timestamp_header = header(&case, case.wire(), "X-TC-Timestamp");
        assert_eq!(
            tencent_tc3::string_to_sign(timestamp_header, &date, SERVICE, &request.hash()),
            printed,
            "{}",
            case.title
        );
    }
}

#[test]
fn signature_and_authorization_header_match_the_sdk() {
    for case in tc3_cases() {
        let wire = case.wire();
        let captured = header(&case, wire, "Authorization");
        let request = client_side(&case);
        let date = tencent_tc3::date_of(timestamp(&case));
        let key = SigningKey::derive(SECRET_KEY, &date, SERVICE);
        let signature = tencent_tc3::signature(&key, printed_string_to_sign(&case));
        assert!(
            captured.ends_with(&format!("Signature={signature}")),
            "{}",
            case.title
        );
        assert_eq!(
            tencent_tc3::authorization_header(
                SECRET_ID,
                &date,
                SERVICE,
                &request.signed_headers(),
                &signature
            ),
            captured,
            "{}",
            case.title
        );
        let scoped = Scoped {
            timestamp: timestamp(&case),
            service: SERVICE,
        };
        assert_eq!(
            tencent_tc3::authorize(SECRET_ID, SECRET_KEY, scoped, &request),
            captured,
            "{}",
            case.title
        );
    }
}

#[test]
fn the_token_is_sent_but_not_signed() {
    let cases = tc3_cases();
    let by_title = |needle: &str| {
        cases
            .iter()
            .find(|c| c.title.contains(needle))
            .unwrap_or_else(|| panic!("no case {needle}"))
    };
    let plain = by_title("[default profile]").wire();
    let token = by_title("[with session token]").wire();
    assert_eq!(
        token.header("X-TC-Token"),
        Some("tok-EXAMPLE-session-token")
    );
    assert_eq!(plain.header("X-TC-Token"), None);
    assert_eq!(token.header("Authorization"), plain.header("Authorization"));
}

#[test]
fn verify_accepts_the_captured_requests() {
    for case in tc3_cases() {
        let wire = case.wire();
        assert_eq!(
            server_verify(SECRET_KEY, wire, &wire.headers),
            Ok(()),
            "{}",
            case.title
        );
        let parsed = tencent_tc3::parse_authorization(header(&case, wire, "Authorization"))
            .unwrap_or_else(|e| panic!("{}: {e}", case.title));
        assert_eq!(parsed.secret_id, SECRET_ID);
        assert_eq!(
            (parsed.date.as_str(), parsed.service.as_str()),
            ("2016-06-06", SERVICE)
        );
        assert_eq!(parsed.signed_headers, ["content-type", "host"]);
    }
}

/// The captured headers with `name`'s value replaced.
fn with_header(wire: &WireRequest, name: &str, value: &str) -> Vec<(String, String)> {
    wire.headers
        .iter()
        .map(|(k, v)| {
            let v = if k.eq_ignore_ascii_case(name) {
                value
            } else {
                v
            };
            (k.clone(), v.to_owned())
        })
        .collect()
}

fn is_mismatch(result: &Result<(), Tc3Error>) -> bool {
    matches!(result, Err(Tc3Error::SignatureMismatch { .. }))
}

#[test]
fn verify_rejects_any_change() {
    for case in tc3_cases() {
        let title = &case.title;
        let wire = case.wire();
        let result = server_verify(&mutate(SECRET_KEY), wire, &wire.headers);
        match &result {
            Err(Tc3Error::SignatureMismatch {
                canonical_request,
                string_to_sign,
            }) => {
                assert_eq!(Some(canonical_request), case.canonical_request.as_ref());
                assert_eq!(string_to_sign, printed_string_to_sign(&case));
                let message = result.as_ref().unwrap_err().to_string();
                assert!(!message.contains(SECRET_KEY), "{title}: {message}");
            }
            other => panic!("{title}: {other:?}"),
        }

        let mut body = wire.clone();
        body.body.push(' ');
        assert!(
            is_mismatch(&server_verify(SECRET_KEY, &body, &wire.headers)),
            "{title}"
        );
        let mut query = wire.clone();
        query.query.push_str("&Limit=1");
        assert!(
            is_mismatch(&server_verify(SECRET_KEY, &query, &wire.headers)),
            "{title}"
        );
        let mut method = wire.clone();
        method.method = if wire.method == "GET" { "POST" } else { "GET" }.to_owned();
        assert!(
            is_mismatch(&server_verify(SECRET_KEY, &method, &wire.headers)),
            "{title}"
        );

        for (name, value) in [
            ("Host", "127.0.0.1:8080"),
            ("Content-Type", "application/json; charset=utf-8"),
            // Same UTC day, one second later: only the signature notices.
            ("X-TC-Timestamp", "1465185769"),
        ] {
            let headers = with_header(wire, name, value);
            assert!(
                is_mismatch(&server_verify(SECRET_KEY, wire, &headers)),
                "{title}: {name}"
            );
        }

        // The next day: the credential scope's date no longer fits.
        let headers = with_header(wire, "X-TC-Timestamp", "1465257600");
        assert_eq!(
            server_verify(SECRET_KEY, wire, &headers),
            Err(Tc3Error::DateMismatch {
                credential_date: "2016-06-06".into(),
                timestamp_date: "2016-06-07".into()
            }),
            "{title}"
        );
        let authorization = header(&case, wire, "Authorization");
        let headers = with_header(
            wire,
            "Authorization",
            &authorization.replace("/vpc/", "/cvm/"),
        );
        assert_eq!(
            server_verify(SECRET_KEY, wire, &headers),
            Err(Tc3Error::WrongService {
                expected: "vpc".into(),
                received: "cvm".into()
            }),
            "{title}"
        );
    }
}

#[test]
fn verify_refuses_requests_that_do_not_sign_content_type_and_host() {
    let case = &tc3_cases()[0];
    let wire = case.wire();
    let authorization = header(case, wire, "Authorization");
    for (list, unsigned) in [("host", "content-type"), ("content-type", "host")] {
        let changed = authorization.replace("content-type;host", list);
        let headers = with_header(wire, "Authorization", &changed);
        assert_eq!(
            server_verify(SECRET_KEY, wire, &headers),
            Err(Tc3Error::UnsignedRequiredHeader { name: unsigned }),
            "{list}"
        );
    }
}

#[test]
fn verify_names_what_is_missing_or_malformed() {
    let case = &tc3_cases()[0];
    let wire = case.wire();
    let without = |name: &str| -> Vec<(String, String)> {
        wire.headers
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case(name))
            .cloned()
            .collect()
    };
    for name in ["authorization", "x-tc-timestamp", "x-tc-action"] {
        assert_eq!(
            server_verify(SECRET_KEY, wire, &without(name)),
            Err(Tc3Error::MissingHeader { name }),
            "{name}"
        );
    }
    let mut twice = wire.headers.clone();
    twice.push(("host".into(), "other.example".into()));
    assert_eq!(
        server_verify(SECRET_KEY, wire, &twice),
        Err(Tc3Error::DuplicateHeader {
            name: "host".into()
        })
    );
    let headers = with_header(wire, "X-TC-Timestamp", "1465185768.0");
    assert_eq!(
        server_verify(SECRET_KEY, wire, &headers),
        Err(Tc3Error::InvalidTimestamp {
            value: "1465185768.0".into()
        })
    );
    let authorization = header(case, wire, "Authorization");
    for (changed, expected) in [
        (
            authorization.replace("TC3-HMAC-SHA256", "HMAC-SHA256"),
            AuthorizationError::UnsupportedAlgorithm {
                algorithm: "HMAC-SHA256".into(),
            },
        ),
        (
            authorization.replace("tc3_request", "sdk_request"),
            AuthorizationError::WrongTerminator {
                terminator: "sdk_request".into(),
            },
        ),
        (
            authorization.replace("/2016-06-06", ""),
            AuthorizationError::MalformedCredential {
                credential: format!("{SECRET_ID}/vpc/tc3_request"),
            },
        ),
        (
            authorization.replace("content-type;host", "host;content-type"),
            AuthorizationError::MalformedSignedHeaders {
                signed_headers: "host;content-type".into(),
            },
        ),
        (
            authorization.replace("Signature=b2", "Signature=B2"),
            AuthorizationError::InvalidSignature,
        ),
        (
            authorization.replace(", Signature=", ", Sig="),
            AuthorizationError::UnknownParameter { name: "Sig".into() },
        ),
    ] {
        let headers = with_header(wire, "Authorization", &changed);
        assert_eq!(
            server_verify(SECRET_KEY, wire, &headers),
            Err(Tc3Error::MalformedAuthorization(expected)),
            "{changed}"
        );
    }
}

#[test]
fn verify_signs_extra_headers_when_the_client_lists_them() {
    // The document allows more signed headers than the SDKs use, such as
    // x-tc-action; the verifier then canonicalises those as well.
    let case = &tc3_cases()[0];
    let wire = case.wire();
    let request = client_side(case).header("X-TC-Action", header(case, wire, "X-TC-Action"));
    let scoped = Scoped {
        timestamp: timestamp(case),
        service: SERVICE,
    };
    let authorization = tencent_tc3::authorize(SECRET_ID, SECRET_KEY, scoped, &request);
    assert!(authorization.contains("SignedHeaders=content-type;host;x-tc-action, "));
    let headers = with_header(wire, "Authorization", &authorization);
    assert_eq!(server_verify(SECRET_KEY, wire, &headers), Ok(()));
    let changed: Vec<(String, String)> = with_header(wire, "Authorization", &authorization)
        .into_iter()
        .map(|(k, v)| {
            let v = if k == "X-TC-Action" {
                "DeleteVpnGateway".into()
            } else {
                v
            };
            (k, v)
        })
        .collect();
    assert!(is_mismatch(&server_verify(SECRET_KEY, wire, &changed)));
}

#[test]
fn verify_honours_an_unsigned_payload() {
    // `ClientProfile(unsignedPayload=True)`: the SDK sends
    // X-TC-Content-SHA256: UNSIGNED-PAYLOAD and signs that literal instead
    // of the body hash.
    let case = &tc3_cases()[0];
    let wire = case.wire();
    let scoped = Scoped {
        timestamp: timestamp(case),
        service: SERVICE,
    };
    let request = client_side(case).unsigned_payload();
    assert!(
        request
            .to_string()
            .ends_with("\ncontent-type;host\nUNSIGNED-PAYLOAD")
    );
    let authorization = tencent_tc3::authorize(SECRET_ID, SECRET_KEY, scoped, &request);
    let mut headers = with_header(wire, "Authorization", &authorization);
    assert!(is_mismatch(&server_verify(SECRET_KEY, wire, &headers)));
    headers.push(("X-TC-Content-SHA256".into(), "UNSIGNED-PAYLOAD".into()));
    assert_eq!(server_verify(SECRET_KEY, wire, &headers), Ok(()));
    let mut other_body = wire.clone();
    other_body.body = "{}".into();
    assert_eq!(server_verify(SECRET_KEY, &other_body, &headers), Ok(()));
}
