//! Alibaba RPC v1 (HMAC-SHA1): cases E, F, H, I.

use super::*;
use cloudvpn_signing::alibaba_v1::{self, V1Error};

/// Query and form-body parameters merged, as the server must sign them.
fn rpc_v1_params(case: &Case) -> Pairs {
    let wire = case.wire();
    let mut params = decode(case, &wire.query);
    params.extend(decode(case, &wire.body));
    params
}

#[test]
fn rpc_v1_string_to_sign_matches_the_sdk() {
    for case in alibaba_cases(&RPC_V1_CASES) {
        let params = rpc_v1_params(&case);
        assert_eq!(
            Some(alibaba_v1::string_to_sign(&case.wire().method, &params)),
            case.string_to_sign,
            "{}",
            case.title
        );
    }
}

#[test]
fn rpc_v1_signature_matches_the_sdk() {
    for case in alibaba_cases(&RPC_V1_CASES) {
        let params = rpc_v1_params(&case);
        let printed_sts = case.string_to_sign.as_deref().unwrap_or_default();
        assert_eq!(
            Some(alibaba_v1::sign(ALIBABA_SECRET, printed_sts)),
            case.signature,
            "{}",
            case.title
        );
        assert_eq!(
            alibaba_v1::signature(ALIBABA_SECRET, &case.wire().method, &params),
            param(&params, "Signature"),
            "{}",
            case.title
        );
    }
}

#[test]
fn rpc_v1_verify_accepts_the_captured_requests() {
    for case in alibaba_cases(&RPC_V1_CASES) {
        let params = rpc_v1_params(&case);
        assert_eq!(
            alibaba_v1::verify(ALIBABA_SECRET, &case.wire().method, &params),
            Ok(()),
            "{}",
            case.title
        );
    }
}

#[test]
fn rpc_v1_verify_rejects_any_change() {
    for case in alibaba_cases(&RPC_V1_CASES) {
        let method = &case.wire().method;
        let title = &case.title;
        let params = rpc_v1_params(&case);

        assert_eq!(
            alibaba_v1::verify(&mutate(ALIBABA_SECRET), method, &params),
            Err(V1Error::SignatureMismatch {
                string_to_sign: case.string_to_sign.clone().unwrap_or_default()
            }),
            "{title}"
        );
        for (i, (name, _)) in params.iter().enumerate() {
            let changed = with_mutated_value(&params, i);
            assert!(
                matches!(
                    alibaba_v1::verify(ALIBABA_SECRET, method, &changed),
                    Err(V1Error::SignatureMismatch { .. })
                ),
                "{title}: {name}"
            );
        }
        let unsigned: Pairs = params
            .iter()
            .filter(|(k, _)| k != "Signature")
            .cloned()
            .collect();
        assert_eq!(
            alibaba_v1::verify(ALIBABA_SECRET, method, &unsigned),
            Err(V1Error::MissingSignature),
            "{title}"
        );
    }
}

#[test]
fn rpc_v1_wire_forms_of_a_space_decode_to_the_same_value() {
    // [F] is the Tea SDK (`+` for a space), [I] the legacy SDK (`%20`).
    let cases = alibaba_cases(&["F", "I"]);
    assert!(cases[0].wire().query.contains("ClientToken=a+b%2Ac"));
    assert!(cases[1].wire().query.contains("ClientToken=a%20b%2Ac"));
    for case in &cases {
        assert_eq!(
            param(&rpc_v1_params(case), "ClientToken"),
            "a b*c~d/é+x",
            "{}",
            case.title
        );
    }
}
