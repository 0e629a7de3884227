//! Alibaba ACS3-HMAC-SHA256: cases A, B, C, D, G.

use super::*;
use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, V3Error};

/// Headers the HTTP library adds after signing; the SDK does not sign them.
const TRANSPORT_HEADERS: [&str; 3] = ["authorization", "accept-encoding", "content-length"];

/// Rebuilds the canonical request as the client did: every header the SDK
/// set itself, the decoded query, and the hash of the body.
fn acs3_client_side(case: &Case) -> CanonicalRequest {
    let wire = case.wire();
    let mut request = CanonicalRequest::new(&wire.method, &wire.path)
        .query_params(&decode(case, &wire.query))
        .body(wire.body.as_bytes());
    for (name, value) in &wire.headers {
        if !TRANSPORT_HEADERS
            .iter()
            .any(|t| name.eq_ignore_ascii_case(t))
        {
            request.push_header(name, value);
        }
    }
    request
}

fn acs3_authorization(case: &Case) -> alibaba_v3::ParsedAuthorization {
    let header = case.wire().header("authorization").unwrap_or_default();
    alibaba_v3::parse_authorization(header).unwrap_or_else(|e| panic!("{}: {e}", case.title))
}

fn acs3_verify(
    case: &Case,
    secret: &str,
    query: &Pairs,
    headers: &Pairs,
    body: &str,
) -> Result<(), V3Error> {
    let wire = case.wire();
    alibaba_v3::verify(
        secret,
        &wire.method,
        &wire.path,
        query,
        headers,
        body.as_bytes(),
    )
}

#[test]
fn acs3_canonical_request_matches_the_sdk() {
    for case in alibaba_cases(&ACS3_CASES) {
        let request = acs3_client_side(&case);
        assert_eq!(
            request.signed_headers(),
            acs3_authorization(&case).signed_headers.join(";"),
            "{}",
            case.title
        );
        assert_eq!(
            Some(request.to_string()),
            case.canonical_request,
            "{}",
            case.title
        );
    }
}

#[test]
fn acs3_string_to_sign_matches_the_sdk() {
    for case in alibaba_cases(&ACS3_CASES) {
        let printed_request = case.canonical_request.as_deref().unwrap_or_default();
        assert_eq!(
            Some(alibaba_v3::string_to_sign(printed_request)),
            case.string_to_sign,
            "{}",
            case.title
        );
        assert_eq!(
            Some(acs3_client_side(&case).string_to_sign()),
            case.string_to_sign,
            "{}",
            case.title
        );
    }
}

#[test]
fn acs3_signature_and_authorization_header_match_the_sdk() {
    for case in alibaba_cases(&ACS3_CASES) {
        let string_to_sign = case.string_to_sign.as_deref().unwrap_or_default();
        assert_eq!(
            alibaba_v3::signature(ALIBABA_SECRET, string_to_sign),
            acs3_authorization(&case).signature,
            "{}",
            case.title
        );
        assert_eq!(
            Some(alibaba_v3::authorize(
                ALIBABA_ACCESS_KEY_ID,
                ALIBABA_SECRET,
                &acs3_client_side(&case)
            ))
            .as_deref(),
            case.wire().header("authorization"),
            "{}",
            case.title
        );
    }
}

/// The one-pass signer a client uses gives the captured `Authorization` byte for byte, and the query it
/// returns is the canonical query it hashed.
#[test]
fn acs3_sign_with_key_matches_the_sdk_header_and_query() {
    let key = alibaba_v3::SigningKey::new(ALIBABA_SECRET);
    for case in alibaba_cases(&ACS3_CASES) {
        let request = acs3_client_side(&case);
        let signed = alibaba_v3::sign_with_key(ALIBABA_ACCESS_KEY_ID, &key, &request);
        assert_eq!(
            Some(signed.authorization.as_str()),
            case.wire().header("authorization"),
            "{}",
            case.title
        );
        assert_eq!(
            signed.canonical_query,
            request.canonical_query_string(),
            "{}",
            case.title
        );
    }
}

#[test]
fn acs3_verify_accepts_the_captured_requests() {
    for case in alibaba_cases(&ACS3_CASES) {
        let wire = case.wire();
        let query = decode(&case, &wire.query);
        assert_eq!(
            acs3_verify(&case, ALIBABA_SECRET, &query, &wire.headers, &wire.body),
            Ok(()),
            "{}",
            case.title
        );
        // Headers outside SignedHeaders may change in transit.
        let mut headers = wire.headers.clone();
        headers.push(("X-Forwarded-For".into(), "10.0.0.1".into()));
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case("accept-encoding") {
                *value = "gzip".into();
            }
        }
        assert_eq!(
            acs3_verify(&case, ALIBABA_SECRET, &query, &headers, &wire.body),
            Ok(()),
            "{}",
            case.title
        );
    }
}

#[test]
fn acs3_verify_rejects_any_change() {
    for case in alibaba_cases(&ACS3_CASES) {
        let wire = case.wire();
        let title = &case.title;
        let query = decode(&case, &wire.query);
        let signed = acs3_authorization(&case).signed_headers;

        // The secret: the server's artifacts are still the SDK's.
        match acs3_verify(
            &case,
            &mutate(ALIBABA_SECRET),
            &query,
            &wire.headers,
            &wire.body,
        ) {
            Err(V3Error::SignatureMismatch {
                canonical_request,
                string_to_sign,
            }) => {
                // The report shows a session token's value as `***`; everything else is the SDK's.
                let masked = case.canonical_request.as_deref().map(|c| {
                    c.split('\n')
                        .map(|line| match line.split_once(':') {
                            Some(("x-acs-security-token", _)) => {
                                "x-acs-security-token:***".to_owned()
                            }
                            _ => line.to_owned(),
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                });
                assert_eq!(Some(canonical_request), masked, "{title}");
                assert_eq!(Some(string_to_sign), case.string_to_sign, "{title}");
            }
            other => panic!("{title}: {other:?}"),
        }

        // Each query parameter value.
        for i in 0..query.len() {
            let changed = with_mutated_value(&query, i);
            assert!(
                matches!(
                    acs3_verify(&case, ALIBABA_SECRET, &changed, &wire.headers, &wire.body),
                    Err(V3Error::SignatureMismatch { .. })
                ),
                "{title}: query {:?}",
                query[i].0
            );
        }

        // Each signed header value.
        for (i, (name, _)) in wire.headers.iter().enumerate() {
            let lower = name.to_ascii_lowercase();
            if !signed.contains(&lower) {
                continue;
            }
            let changed = with_mutated_value(&wire.headers, i);
            let result = acs3_verify(&case, ALIBABA_SECRET, &query, &changed, &wire.body);
            if lower == alibaba_v3::CONTENT_SHA256_HEADER {
                assert!(
                    matches!(result, Err(V3Error::ContentHashMismatch { .. })),
                    "{title}"
                );
            } else {
                assert!(
                    matches!(result, Err(V3Error::SignatureMismatch { .. })),
                    "{title}: {name}"
                );
            }
        }

        // The body.
        assert!(
            matches!(
                acs3_verify(&case, ALIBABA_SECRET, &query, &wire.headers, "x"),
                Err(V3Error::ContentHashMismatch { .. })
            ),
            "{title}"
        );

        // The signature itself (one hex digit).
        let mut headers = wire.headers.clone();
        for (name, value) in &mut headers {
            if name.eq_ignore_ascii_case("authorization") {
                let last = if value.ends_with('0') { "1" } else { "0" };
                value.pop();
                value.push_str(last);
            }
        }
        assert!(
            matches!(
                acs3_verify(&case, ALIBABA_SECRET, &query, &headers, &wire.body),
                Err(V3Error::SignatureMismatch { .. })
            ),
            "{title}"
        );
    }
}
