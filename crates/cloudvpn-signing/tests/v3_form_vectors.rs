//! The two old-style API 3.0 requests captured from `tencentcloud-sdk-python`
//! (`signMethod` HmacSHA256 with POST, HmacSHA1 with GET), rebuilt from the
//! wire with `tencent_v3_form`: the source string and signature the SDK
//! printed, `verify` accepting the request as a server decodes it, and
//! rejecting it once the secret, the Host, any parameter value or a required
//! parameter changes.

mod support;

use cloudvpn_signing::encoding::form_decode;
use cloudvpn_signing::tencent_v2::SignatureMethod;
use cloudvpn_signing::tencent_v3_form::{self, FormError};
use support::{Case, mutate, parse_tencent, with_token_masked};

const TENCENT_FILE: &str = include_str!("vectors/tencent-official-sdk.txt");

/// The secret key the capture script used (tencent.md §3).
const SECRET_KEY: &str = "Gu5t9xGARNpq86cd98joQYCN3Cozk1qA";

type Pairs = Vec<(String, String)>;

fn old_style_cases() -> Vec<Case> {
    let cases: Vec<Case> = parse_tencent(TENCENT_FILE)
        .into_iter()
        .filter(|c| c.title.contains("[old-style signature]"))
        .collect();
    assert_eq!(cases.len(), 2, "the file has two old-style cases");
    cases
}

/// The decoded query (GET) or form body (POST).
fn params(case: &Case) -> Pairs {
    let wire = case.wire();
    let encoded = if wire.method == "GET" {
        &wire.query
    } else {
        &wire.body
    };
    form_decode(encoded).unwrap_or_else(|e| panic!("{}: {e}", case.title))
}

fn host(case: &Case) -> &str {
    case.wire()
        .header("Host")
        .unwrap_or_else(|| panic!("{}: no Host", case.title))
}

fn verify(case: &Case, secret_key: &str, params: &Pairs) -> Result<(), FormError> {
    tencent_v3_form::verify(secret_key, &case.wire().method, host(case), params)
}

#[test]
fn source_string_and_signature_match_the_sdk() {
    for case in old_style_cases() {
        let wire = case.wire();
        assert_eq!(wire.path, tencent_v3_form::PATH);
        let params = params(&case);
        assert_eq!(
            Some(tencent_v3_form::source_string(
                &wire.method,
                host(&case),
                &params
            )),
            case.source_string,
            "{}",
            case.title
        );
        assert_eq!(
            Some(tencent_v3_form::signature(
                SECRET_KEY,
                &wire.method,
                host(&case),
                &params
            )),
            case.signature,
            "{}",
            case.title
        );
    }
}

#[test]
fn both_hashes_are_covered() {
    let methods: Vec<&str> = old_style_cases()
        .iter()
        .map(|c| {
            let params = params(c);
            let value = params
                .iter()
                .find(|(k, _)| k == "SignatureMethod")
                .map(|(_, v)| v.clone());
            SignatureMethod::from_param(value.as_deref()).as_str()
        })
        .collect();
    assert_eq!(methods, ["HmacSHA256", "HmacSHA1"]);
}

#[test]
fn verify_accepts_the_captured_requests() {
    for case in old_style_cases() {
        assert_eq!(
            verify(&case, SECRET_KEY, &params(&case)),
            Ok(()),
            "{}",
            case.title
        );
    }
}

#[test]
fn verify_rejects_any_change() {
    for case in old_style_cases() {
        let title = &case.title;
        let params = params(&case);
        match verify(&case, &mutate(SECRET_KEY), &params) {
            Err(FormError::SignatureMismatch { source_string, .. }) => {
                // What the verifier signed, with the session token masked (it ends up in error messages).
                assert_eq!(
                    Some(source_string),
                    case.source_string.as_deref().map(with_token_masked),
                    "{title}"
                );
            }
            other => panic!("{title}: {other:?}"),
        }
        for i in 0..params.len() {
            let mut changed = params.clone();
            changed[i].1 = mutate(&changed[i].1);
            assert!(
                matches!(
                    verify(&case, SECRET_KEY, &changed),
                    Err(FormError::SignatureMismatch { .. })
                ),
                "{title}: {}",
                params[i].0
            );
        }
        assert!(
            tencent_v3_form::verify(SECRET_KEY, &case.wire().method, "127.0.0.1:1", &params)
                .is_err(),
            "{title}"
        );
    }
}

#[test]
fn verify_names_a_missing_or_repeated_common_parameter() {
    let case = &old_style_cases()[0];
    let params = params(case);
    for name in ["Signature", "SecretId", "Nonce", "Timestamp"] {
        let without: Pairs = params.iter().filter(|(k, _)| k != name).cloned().collect();
        assert_eq!(
            verify(case, SECRET_KEY, &without),
            Err(FormError::MissingParameter { name }),
            "{name}"
        );
        let mut twice = params.clone();
        twice.push((name.to_owned(), "1".to_owned()));
        assert_eq!(
            verify(case, SECRET_KEY, &twice),
            Err(FormError::DuplicateParameter { name }),
            "{name}"
        );
    }
    let message = FormError::MissingParameter { name: "Nonce" }.to_string();
    assert!(message.contains("no Nonce parameter"), "{message}");
}
