//! Property tests: encoders round-trip, and for every scheme a request
//! signed by the client side verifies on the server side after travelling
//! through the wire encoding, and stops verifying once anything changes.
//!
//! The signature functions stream the canonical text into the MAC without
//! building it; the `*_streamed_equals_materialised` properties check that
//! they sign exactly what the artifact functions return, and that those
//! artifacts match the scheme's definition written out with plain string
//! operations (the way the crate built them before streaming).

use std::collections::BTreeMap;

use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, V3Error};
use cloudvpn_signing::encoding::{form_decode, form_urlencode, percent_encode};
use cloudvpn_signing::{alibaba_v1, tencent_v2};
use proptest::prelude::*;

type Pairs = Vec<(String, String)>;

/// Any Unicode, with the characters the encoders treat specially (and a few
/// multi-byte ones) made frequent.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[&=+%/*~ ._\\-aZ09éあ😀@]{0,12}",
        "(%[0-9A-Fa-f]{2}|[&=+ a])*",
    ]
}

fn pairs(max: usize) -> impl Strategy<Value = Pairs> {
    prop::collection::vec((text(), text()), 0..max)
}

/// [`text`], or long enough that the canonical text crosses the signer's
/// internal staging buffer (256 bytes) several times, escapes straddling
/// its end included.
fn long_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => text(),
        1 => "[a-z%*é ]{100,400}",
        1 => ".{0,300}",
    ]
}

fn long_pairs(max: usize) -> impl Strategy<Value = Pairs> {
    prop::collection::vec((long_text(), long_text()), 0..max)
}

/// Header names in any case, some repeated, so that multi-value headers are
/// common.
fn header_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("host".to_owned()),
        Just("X-Acs-Date".to_owned()),
        Just("x-acs-date".to_owned()),
        "[xX]-[a-zA-Z0-9-]{1,12}",
    ]
}

/// Header values, with surrounding (also non-ASCII) whitespace that must be
/// trimmed.
fn header_value() -> impl Strategy<Value = String> {
    ("[ \t\u{a0}\u{3000}]{0,2}", long_text(), "[ \t\u{a0}]{0,2}")
        .prop_map(|(a, b, c)| format!("{a}{b}{c}"))
}

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

/// Parameters for the schemes that reserve the name `Signature`.
fn params(max: usize) -> impl Strategy<Value = Pairs> {
    pairs(max).prop_map(|p| p.into_iter().filter(|(k, _)| k != "Signature").collect())
}

fn method() -> impl Strategy<Value = String> {
    prop_oneof![Just("GET".to_owned()), Just("POST".to_owned())]
}

/// A different value: the first character replaced, or `x` if empty.
fn mutate(value: &str) -> String {
    let mut chars = value.chars();
    match chars.next() {
        None => "x".to_owned(),
        Some(first) => format!("{}{}", if first == 'a' { 'b' } else { 'a' }, chars.as_str()),
    }
}

/// What the server sees after the client put `params` on the wire.
fn over_the_wire(params: &Pairs) -> Pairs {
    form_decode(&form_urlencode(params)).expect("form_urlencode output always decodes")
}

proptest! {
    #[test]
    fn form_encoding_round_trips(pairs in pairs(8)) {
        prop_assert_eq!(form_decode(&form_urlencode(&pairs)), Ok(pairs));
    }

    #[test]
    fn percent_encode_emits_only_unreserved_and_escapes(input in text()) {
        let encoded = percent_encode(&input);
        let bytes = encoded.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = &bytes[i + 1..i + 3];
                prop_assert!(
                    hex.iter().all(|h| h.is_ascii_digit() || (b'A'..=b'F').contains(h)),
                    "bad escape in {}", encoded
                );
                i += 3;
            } else {
                prop_assert!(b.is_ascii_alphanumeric() || b"-_.~".contains(&b), "{:?} in {}", b as char, encoded);
                i += 1;
            }
        }
        // And it is lossless.
        let decoded = form_decode(&format!("k={encoded}"));
        prop_assert_eq!(decoded, Ok(vec![("k".to_owned(), input)]));
    }

    #[test]
    fn form_decode_never_panics(input in prop_oneof![any::<String>(), "[%+&=0-9a-fA-Fgé]{0,16}"]) {
        let _ = form_decode(&input);
    }

    #[test]
    fn alibaba_v1_sign_verify_round_trip(
        params in params(8),
        secret in text(),
        method in method(),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut signed = params.clone();
        signed.push(("Signature".to_owned(), alibaba_v1::signature(&secret, &method, &params)));
        let received = over_the_wire(&signed);
        prop_assert_eq!(alibaba_v1::verify(&secret, &method, &received), Ok(()));

        // Order on the wire does not matter.
        let reversed: Pairs = received.iter().rev().cloned().collect();
        prop_assert_eq!(alibaba_v1::verify(&secret, &method, &reversed), Ok(()));

        let wrong_secret = format!("{secret}x");
        prop_assert!(alibaba_v1::verify(&wrong_secret, &method, &received).is_err());
        if !params.is_empty() {
            let mut changed = received.clone();
            let i = pick.index(params.len());
            changed[i].1 = mutate(&changed[i].1);
            let rejected = matches!(
                alibaba_v1::verify(&secret, &method, &changed),
                Err(alibaba_v1::V1Error::SignatureMismatch { .. })
            );
        prop_assert!(rejected);
        }
    }

    #[test]
    fn alibaba_v3_sign_verify_round_trip(
        query in pairs(6),
        extra_headers in prop::collection::vec(("x-[a-z0-9-]{1,12}", text()), 0..5),
        body in prop::collection::vec(any::<u8>(), 0..64),
        secret in text(),
        access_key_id in "[A-Za-z0-9]{1,24}",
        nonce in "[0-9a-f]{32}",
        method in method(),
        pick in any::<prop::sample::Index>(),
    ) {
        // Client side: sign (every header verify requires, plus some others).
        let hash = alibaba_v3::payload_hash(&body);
        let mut headers: Pairs = vec![
            ("Host".to_owned(), "127.0.0.1:8080".to_owned()),
            ("x-acs-content-sha256".to_owned(), hash.clone()),
            ("x-acs-action".to_owned(), "DescribeVpnGateway".to_owned()),
            ("x-acs-version".to_owned(), "2016-04-28".to_owned()),
            ("x-acs-date".to_owned(), "2026-01-01T00:00:00Z".to_owned()),
            ("x-acs-signature-nonce".to_owned(), nonce),
        ];
        headers.extend(extra_headers);
        let mut request = CanonicalRequest::new(&method, "/").query_params(&query).hashed_payload(&hash);
        for (name, value) in &headers {
            request.push_header(name, value);
        }
        let authorization = alibaba_v3::authorize(&access_key_id, &secret, &request);
        let parsed = alibaba_v3::parse_authorization(&authorization);
        prop_assert_eq!(parsed.map(|p| p.access_key_id), Ok(access_key_id));
        headers.push(("Authorization".to_owned(), authorization));

        // Server side: verify what arrived.
        let received_query = over_the_wire(&query);
        prop_assert_eq!(
            alibaba_v3::verify(&secret, &method, "/", &received_query, &headers, &body),
            Ok(())
        );

        let wrong_secret = format!("{secret}x");
        let rejected = matches!(
            alibaba_v3::verify(&wrong_secret, &method, "/", &received_query, &headers, &body),
            Err(V3Error::SignatureMismatch { .. })
        );
        prop_assert!(rejected);
        if !received_query.is_empty() {
            let mut changed = received_query.clone();
            let i = pick.index(changed.len());
            changed[i].1 = mutate(&changed[i].1);
            let rejected = matches!(
                alibaba_v3::verify(&secret, &method, "/", &changed, &headers, &body),
                Err(V3Error::SignatureMismatch { .. })
            );
        prop_assert!(rejected);
        }
        // Any signed header other than the content hash (index 1) and the
        // Authorization itself (last).
        let signed_other: Vec<usize> = (0..headers.len() - 1).filter(|&i| i != 1).collect();
        let i = signed_other[pick.index(signed_other.len())];
        let mut changed = headers.clone();
        changed[i].1 = mutate(&changed[i].1);
        let rejected = matches!(
            alibaba_v3::verify(&secret, &method, "/", &received_query, &changed, &body),
            Err(V3Error::SignatureMismatch { .. })
        );
        prop_assert!(rejected);
        let mut other_body = body.clone();
        other_body.push(0);
        let rejected = matches!(
            alibaba_v3::verify(&secret, &method, "/", &received_query, &headers, &other_body),
            Err(V3Error::ContentHashMismatch { .. })
        );
        prop_assert!(rejected);
    }

    #[test]
    fn tencent_v2_sign_verify_round_trip(
        params in params(8),
        signature_method in prop::option::of(prop_oneof![
            Just("HmacSHA256".to_owned()),
            Just("HmacSHA1".to_owned()),
            text(),
        ]),
        secret_key in text(),
        method in method(),
        host in "[a-z0-9.]{1,20}(:[0-9]{1,5})?",
        pick in any::<prop::sample::Index>(),
    ) {
        let mut params: Pairs = params.into_iter().filter(|(k, _)| k != "SignatureMethod").collect();
        if let Some(value) = signature_method {
            params.push(("SignatureMethod".to_owned(), value));
        }
        let mut signed = params.clone();
        let signature = tencent_v2::signature(&secret_key, &method, &host, "/v2/index.php", &params);
        signed.push(("Signature".to_owned(), signature));
        let received = over_the_wire(&signed);
        prop_assert_eq!(
            tencent_v2::verify(&secret_key, &method, &host, "/v2/index.php", &received),
            Ok(())
        );

        let wrong_key = format!("{secret_key}x");
        prop_assert!(tencent_v2::verify(&wrong_key, &method, &host, "/v2/index.php", &received).is_err());
        prop_assert!(tencent_v2::verify(&secret_key, &method, &host, "/", &received).is_err());
        if !params.is_empty() {
            let mut changed = received.clone();
            let i = pick.index(params.len());
            changed[i].1 = mutate(&changed[i].1);
            let rejected = matches!(
                tencent_v2::verify(&secret_key, &method, &host, "/v2/index.php", &changed),
                Err(tencent_v2::V2Error::SignatureMismatch { .. })
            );
        prop_assert!(rejected);
        }
    }

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
        prop_assert_eq!(
            alibaba_v3::authorize(&access_key_id, &secret, &request),
            alibaba_v3::authorization_header(&access_key_id, &request.signed_headers(), &signature)
        );
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

    #[test]
    fn form_decode_matches_the_split_based_reference(
        input in prop_oneof![
            any::<String>(),
            "[%+&=0-9a-fA-Fgé]{0,24}",
            "((%[0-9A-Fa-f]{2}|[&=+ aé]|%C3|%A9|%FF|%)){0,16}",
        ]
    ) {
        prop_assert_eq!(form_decode(&input), reference::form_decode(&input));
    }
}

/// The form decoder as first written (split on `&`, then on `=`, then decode
/// each component), kept as the reference for the single-pass scanner.
mod reference {
    use cloudvpn_signing::encoding::DecodeError;

    fn hex_value(b: u8) -> Option<u8> {
        match b {
            b'0'..=b'9' => Some(b - b'0'),
            b'a'..=b'f' => Some(b - b'a' + 10),
            b'A'..=b'F' => Some(b - b'A' + 10),
            _ => None,
        }
    }

    fn decode_component(component: &str, base: usize) -> Result<String, DecodeError> {
        let bytes = component.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                b'%' => {
                    let hi = bytes.get(i + 1).copied().and_then(hex_value);
                    let lo = bytes.get(i + 2).copied().and_then(hex_value);
                    match (hi, lo) {
                        (Some(hi), Some(lo)) => out.push((hi << 4) | lo),
                        _ => return Err(DecodeError::InvalidPercentEscape { offset: base + i }),
                    }
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).map_err(|e| {
            // Map the decoded offset back to the input offset.
            let decoded_offset = e.utf8_error().valid_up_to();
            let (mut input, mut output) = (0, 0);
            while output < decoded_offset && input < bytes.len() {
                input += if bytes[input] == b'%' { 3 } else { 1 };
                output += 1;
            }
            DecodeError::InvalidUtf8 {
                offset: base + input,
            }
        })
    }

    pub fn form_decode(input: &str) -> Result<Vec<(String, String)>, DecodeError> {
        let mut pairs = Vec::new();
        let mut offset = 0;
        for segment in input.split('&') {
            let start = offset;
            offset += segment.len() + 1;
            if segment.is_empty() {
                continue;
            }
            let (name, value, value_start) = match segment.split_once('=') {
                Some((name, value)) => (name, value, start + name.len() + 1),
                None => (segment, "", start + segment.len()),
            };
            pairs.push((
                decode_component(name, start)?,
                decode_component(value, value_start)?,
            ));
        }
        Ok(pairs)
    }
}
