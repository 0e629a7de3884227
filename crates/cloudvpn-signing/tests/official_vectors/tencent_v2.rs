//! Tencent v2, and the v3 API's old-style signature (the same source-string algorithm with path `/`),
//! with every `generateUrl()` URL the v2 SDK printed.

use super::*;
use crate::support::{parse_tencent, with_token_masked};
use cloudvpn_signing::tencent_v2::{self, V2Error};

fn tencent_cases() -> Vec<Case> {
    parse_tencent(TENCENT_FILE)
}

/// Cases signed with the v2 source-string algorithm.
fn tencent_v2_cases() -> Vec<Case> {
    tencent_cases()
        .into_iter()
        .filter(|c| c.title.starts_with("v2 ") || c.title.contains("[old-style signature]"))
        .collect()
}

/// Decoded parameters: the query for GET, the form body for POST.
fn tencent_params(case: &Case) -> Pairs {
    let wire = case.wire();
    match wire.method.as_str() {
        "GET" => decode(case, &wire.query),
        "POST" => decode(case, &wire.body),
        other => panic!("{}: unexpected method {other}", case.title),
    }
}

fn tencent_host(case: &Case) -> &str {
    case.wire()
        .header("host")
        .unwrap_or_else(|| panic!("{}: no Host", case.title))
}

fn tencent_verify(case: &Case, secret_key: &str, params: &Pairs) -> Result<(), V2Error> {
    let wire = case.wire();
    tencent_v2::verify(
        secret_key,
        &wire.method,
        tencent_host(case),
        &wire.path,
        params,
    )
}

#[test]
fn tencent_file_has_the_expected_cases() {
    let cases = tencent_cases();
    let titles: Vec<&str> = cases.iter().map(|c| c.title.as_str()).collect();
    let v2 = titles.iter().filter(|t| t.starts_with("v2 ")).count();
    let old_style = titles
        .iter()
        .filter(|t| t.contains("[old-style signature]"))
        .count();
    // TC3-HMAC-SHA256 (API 3.0 default) cases are checked in tc3_vectors.rs.
    let tc3 = titles
        .iter()
        .filter(|t| t.contains("TC3-HMAC-SHA256"))
        .count();
    assert_eq!((v2, old_style, tc3), (3, 2, 5), "{titles:#?}");
    // The last block prints doc known-answer results (see documented_examples.rs).
    assert_eq!(cases.len(), v2 + old_style + tc3 + 1, "{titles:#?}");
    for case in tencent_v2_cases() {
        assert!(case.source_string.is_some(), "{}", case.title);
        assert!(case.signature.is_some(), "{}", case.title);
    }
}

#[test]
fn tencent_source_string_matches_the_sdk() {
    for case in tencent_v2_cases() {
        let wire = case.wire();
        let params = tencent_params(&case);
        assert_eq!(
            Some(tencent_v2::source_string(
                &wire.method,
                tencent_host(&case),
                &wire.path,
                &params
            )),
            case.source_string,
            "{}",
            case.title
        );
    }
}

#[test]
fn tencent_signature_matches_the_sdk() {
    for case in tencent_v2_cases() {
        let wire = case.wire();
        let params = tencent_params(&case);
        assert_eq!(
            param(&params, "SecretId"),
            TENCENT_SECRET_ID,
            "{}",
            case.title
        );
        let method =
            tencent_v2::SignatureMethod::from_param(Some(param(&params, "SignatureMethod")));
        let printed_source = case.source_string.as_deref().unwrap_or_default();
        assert_eq!(
            Some(tencent_v2::sign(method, TENCENT_SECRET_KEY, printed_source)),
            case.signature,
            "{}",
            case.title
        );
        assert_eq!(
            tencent_v2::signature(
                TENCENT_SECRET_KEY,
                &wire.method,
                tencent_host(&case),
                &wire.path,
                &params
            ),
            param(&params, "Signature"),
            "{}",
            case.title
        );
    }
}

#[test]
fn tencent_verify_accepts_the_captured_requests() {
    for case in tencent_v2_cases() {
        let params = tencent_params(&case);
        assert_eq!(
            tencent_verify(&case, TENCENT_SECRET_KEY, &params),
            Ok(()),
            "{}",
            case.title
        );
    }
}

#[test]
fn tencent_verify_rejects_any_change() {
    for case in tencent_v2_cases() {
        let title = &case.title;
        let params = tencent_params(&case);
        match tencent_verify(&case, &mutate(TENCENT_SECRET_KEY), &params) {
            Err(V2Error::SignatureMismatch { source_string, .. }) => {
                // What the verifier signed, with the session token masked (it ends up in error messages).
                assert_eq!(
                    Some(source_string),
                    case.source_string.as_deref().map(with_token_masked),
                    "{title}"
                );
            }
            other => panic!("{title}: {other:?}"),
        }
        for (i, (name, _)) in params.iter().enumerate() {
            let changed = with_mutated_value(&params, i);
            assert!(
                matches!(
                    tencent_verify(&case, TENCENT_SECRET_KEY, &changed),
                    Err(V2Error::SignatureMismatch { .. })
                ),
                "{title}: {name}"
            );
        }
        // The Host is signed too.
        let wire = case.wire();
        assert!(
            tencent_v2::verify(
                TENCENT_SECRET_KEY,
                &wire.method,
                "127.0.0.1:1",
                &wire.path,
                &params
            )
            .is_err(),
            "{title}"
        );
    }
}

#[test]
fn tencent_generated_urls_verify() {
    let urls: Vec<String> = tencent_cases()
        .into_iter()
        .flat_map(|c| c.generated_urls)
        .collect();
    // Three v2 cases plus the setRegion quirk line.
    assert_eq!(urls.len(), 4, "{urls:#?}");
    let mut verified = 0;
    for url in &urls {
        let rest = url
            .strip_prefix("https://")
            .unwrap_or_else(|| panic!("{url}"));
        let (host, target) = rest.split_once('/').unwrap_or_else(|| panic!("{url}"));
        let Some((path, query)) = target.split_once('?') else {
            continue; // The POST case: parameters travel in the body.
        };
        let params = form_decode(query).unwrap_or_else(|e| panic!("{url}: {e}"));
        let path = format!("/{path}");
        assert_eq!(
            tencent_v2::verify(TENCENT_SECRET_KEY, "GET", host, &path, &params),
            Ok(()),
            "{url}"
        );
        verified += 1;
    }
    assert_eq!(verified, 3);
}
