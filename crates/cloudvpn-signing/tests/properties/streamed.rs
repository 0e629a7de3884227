//! The signature functions stream the canonical text into the MAC without building it: they sign
//! exactly what the artifact functions return, and those artifacts match the scheme's definition
//! written out with plain string operations.

use super::*;
use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest};
use cloudvpn_signing::encoding::percent_encode;
use cloudvpn_signing::{alibaba_v1, tencent_v2};
use std::collections::BTreeMap;

/// RPC v1 `StringToSign`, spelled out as the spec and the original
/// implementation build it: sort, encode, join, encode again.
fn v1_reference_string_to_sign(method: &str, params: &Pairs) -> String {
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, _)| k != "Signature")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    let query: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={}", percent_encode(k), percent_encode(v)))
        .collect();
    format!("{method}&%2F&{}", percent_encode(&query.join("&")))
}

/// ACS3 canonical request, spelled out with a `BTreeMap` header store, as
/// the original implementation kept it.
fn v3_reference_canonical_request(
    method: &str,
    path: &str,
    query: &Pairs,
    headers: &Pairs,
    hashed_payload: &str,
) -> String {
    let mut sorted: Vec<(&str, &str)> = query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    let query: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{k}={}", percent_encode(v)))
        .collect();
    let mut map: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for (name, value) in headers {
        map.entry(name.to_ascii_lowercase())
            .or_default()
            .push(value.trim());
    }
    let mut canonical_headers = String::new();
    for (name, values) in &mut map {
        values.sort_unstable();
        canonical_headers.push_str(&format!("{name}:{}\n", values.join(",")));
    }
    let signed: Vec<&str> = map.keys().map(String::as_str).collect();
    format!(
        "{method}\n{path}\n{}\n{canonical_headers}\n{}\n{hashed_payload}",
        query.join("&"),
        signed.join(";")
    )
}

/// Tencent v2 source string, spelled out.
fn v2_reference_source(method: &str, host: &str, path: &str, params: &Pairs) -> String {
    let method = method.to_ascii_uppercase();
    let mut sorted: Vec<(&str, &str)> = params
        .iter()
        .filter(|(k, v)| k != "Signature" && !(method == "POST" && v.starts_with('@')))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    sorted.sort_unstable();
    let query: Vec<String> = sorted
        .iter()
        .map(|(k, v)| format!("{}={v}", k.replace('_', ".")))
        .collect();
    format!("{method}{host}{path}?{}", query.join("&"))
}

proptest! {
    #[test]
    fn alibaba_v1_streamed_equals_materialised(
        params in long_pairs(10),
        secret in long_text(),
        method in prop_oneof![method(), text()],
    ) {
        let string_to_sign = alibaba_v1::string_to_sign(&method, &params);
        prop_assert_eq!(&string_to_sign, &v1_reference_string_to_sign(&method, &params));
        let materialised = alibaba_v1::sign(&secret, &string_to_sign);
        prop_assert_eq!(alibaba_v1::signature(&secret, &method, &params), materialised.clone());

        // The verifier streams too: it accepts exactly that signature.
        let mut signed = params.clone();
        signed.retain(|(k, _)| k != "Signature");
        signed.push(("Signature".to_owned(), materialised));
        prop_assert_eq!(alibaba_v1::verify(&secret, &method, &signed), Ok(()));
    }

    #[test]
    fn alibaba_v3_streamed_equals_materialised(
        query in long_pairs(6),
        headers in prop::collection::vec((header_name(), header_value()), 0..8),
        body in prop::option::of(prop::collection::vec(any::<u8>(), 0..64)),
        secret in long_text(),
        access_key_id in "[A-Za-z0-9]{1,24}",
        method in method(),
        path in prop_oneof![Just("/".to_owned()), "/[a-z/]{0,12}"],
    ) {
        let mut request = CanonicalRequest::new(&method, &path);
        // Both ways of adding query parameters, in any order.
        let (first, second) = query.split_at(query.len() / 2);
        request = request.query_params(second);
        for (name, value) in first {
            request.push_query(name, value);
        }
        for (name, value) in &headers {
            request.push_header(name, value);
        }
        let hashed_payload = match &body {
            Some(body) => {
                request = request.body(body);
                alibaba_v3::payload_hash(body)
            }
            None => alibaba_v3::EMPTY_PAYLOAD_HASH.to_owned(),
        };

        let canonical = request.to_string();
        prop_assert_eq!(
            &canonical,
            &v3_reference_canonical_request(&method, &path, &query, &headers, &hashed_payload)
        );
        let string_to_sign = alibaba_v3::string_to_sign(&canonical);
        prop_assert_eq!(request.string_to_sign(), string_to_sign.clone());
        let signature = alibaba_v3::signature(&secret, &string_to_sign);
        let header =
            alibaba_v3::authorization_header(&access_key_id, &request.signed_headers(), &signature);
        prop_assert_eq!(alibaba_v3::authorize(&access_key_id, &secret, &request), header.clone());
        // The client's one-pass form: the same header, and the query it hashed is the canonical one.
        let signed = alibaba_v3::sign_with_key(
            &access_key_id,
            &alibaba_v3::SigningKey::new(&secret),
            &request,
        );
        prop_assert_eq!(signed.authorization, header);
        prop_assert_eq!(signed.canonical_query, request.canonical_query_string());
        let prefix = format!("{method}\n{path}\n{}\n", request.canonical_query_string());
        prop_assert!(canonical.starts_with(&prefix));
    }

    #[test]
    fn canonical_request_equality_ignores_insertion_order(
        query in pairs(5),
        headers in prop::collection::vec((header_name(), header_value()), 0..6),
    ) {
        let mut forward = CanonicalRequest::new("GET", "/");
        let mut backward = CanonicalRequest::new("GET", "/");
        for (name, value) in &query {
            forward.push_query(name, value);
        }
        for (name, value) in query.iter().rev() {
            backward.push_query(name, value);
        }
        for (name, value) in &headers {
            forward.push_header(name, value);
        }
        for (name, value) in headers.iter().rev() {
            backward.push_header(name, value);
        }
        prop_assert_eq!(&forward, &backward);
        prop_assert_eq!(format!("{forward:?}"), format!("{backward:?}"));
        prop_assert_eq!(forward.to_string(), backward.to_string());
    }

    #[test]
    fn tencent_v2_streamed_equals_materialised(
        params in long_pairs(10),
        signature_method in prop::option::of(prop_oneof![
            Just("HmacSHA256".to_owned()),
            Just("HmacSHA1".to_owned()),
            text(),
        ]),
        secret_key in long_text(),
        method in prop_oneof![method(), Just("post".to_owned()), text()],
        host in "[a-z0-9.]{1,20}(:[0-9]{1,5})?",
        path in prop_oneof![Just("/v2/index.php".to_owned()), Just("/".to_owned())],
    ) {
        let mut params = params;
        if let Some(value) = &signature_method {
            params.push(("SignatureMethod".to_owned(), value.clone()));
        }
        let source = tencent_v2::source_string(&method, &host, &path, &params);
        prop_assert_eq!(&source, &v2_reference_source(&method, &host, &path, &params));
        let first_method = params
            .iter()
            .find(|(k, _)| k == "SignatureMethod")
            .map(|(_, v)| v.as_str());
        let algorithm = tencent_v2::SignatureMethod::from_param(first_method);
        let materialised = tencent_v2::sign(algorithm, &secret_key, &source);
        prop_assert_eq!(
            tencent_v2::signature(&secret_key, &method, &host, &path, &params),
            materialised.clone()
        );

        let mut signed = params.clone();
        signed.retain(|(k, _)| k != "Signature");
        signed.push(("Signature".to_owned(), materialised));
        prop_assert_eq!(tencent_v2::verify(&secret_key, &method, &host, &path, &signed), Ok(()));
    }
}
