//! Property tests for Tencent API 3.0 signing: a request signed by the
//! client side (TC3 or the old-style form signature) verifies on the server
//! side as it arrives, and stops verifying once anything signed changes; the
//! streamed signature equals the one computed from the rendered artefacts,
//! and those equal the document's definition written out with plain string
//! operations; the parsers never panic.

use cloudvpn_signing::encoding::{form_decode, form_urlencode};
use cloudvpn_signing::tencent_tc3::{self, CanonicalRequest, Scoped, SigningKey, Tc3Error};
use cloudvpn_signing::tencent_v3_form;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::{Digest, Sha256};

type Pairs = Vec<(String, String)>;

/// A TC3 request as a client would send it.
#[derive(Debug, Clone)]
struct Request {
    method: &'static str,
    raw_query: String,
    content_type: String,
    host: String,
    action: String,
    timestamp: i64,
    service: String,
    token: Option<String>,
    sign_action: bool,
    body: Vec<u8>,
}

/// Header values: any text, sometimes with whitespace to trim and upper case
/// to fold.
fn header_value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[ \t]{0,2}[A-Za-z0-9/;=:. -]{0,40}[ \t]{0,2}",
        any::<String>(),
    ]
}

fn request() -> impl Strategy<Value = Request> {
    (
        prop_oneof![Just("GET"), Just("POST")],
        prop_oneof!["[A-Za-z0-9=&%._-]{0,60}", any::<String>()],
        header_value(),
        header_value(),
        "[A-Za-z]{1,30}",
        0..=4_102_444_800_i64,
        "[a-z]{1,12}",
        prop::option::of("[A-Za-z0-9+/=-]{1,40}"),
        any::<bool>(),
        prop::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(
            |(
                method,
                raw_query,
                content_type,
                host,
                action,
                timestamp,
                service,
                token,
                sign_action,
                body,
            )| Request {
                method,
                raw_query,
                content_type,
                host,
                action,
                timestamp,
                service,
                token,
                sign_action,
                body,
            },
        )
}

impl Request {
    fn canonical(&self) -> CanonicalRequest {
        let mut request = CanonicalRequest::new(self.method, "/")
            .query(&self.raw_query)
            .header("Content-Type", &self.content_type)
            .header("Host", &self.host)
            .body(&self.body);
        if self.sign_action {
            request.push_header("X-TC-Action", &self.action);
        }
        request
    }

    fn scoped(&self) -> Scoped<'_> {
        Scoped {
            timestamp: self.timestamp,
            service: &self.service,
        }
    }

    /// The headers on the wire, signed with `secret_key`.
    fn headers(&self, secret_key: &str) -> Pairs {
        let authorization =
            tencent_tc3::authorize("AKIDEXAMPLE", secret_key, self.scoped(), &self.canonical());
        let mut headers = vec![
            ("Content-Type".to_owned(), self.content_type.clone()),
            ("Host".to_owned(), self.host.clone()),
            ("X-TC-Action".to_owned(), self.action.clone()),
            ("X-TC-Timestamp".to_owned(), self.timestamp.to_string()),
            ("X-TC-Version".to_owned(), "2017-03-12".to_owned()),
            ("Authorization".to_owned(), authorization),
        ];
        if let Some(token) = &self.token {
            headers.push(("X-TC-Token".to_owned(), token.clone()));
        }
        headers
    }

    fn verify(&self, secret_key: &str, headers: &Pairs) -> Result<(), Tc3Error> {
        tencent_tc3::verify(
            secret_key,
            &self.service,
            self.method,
            "/",
            &self.raw_query,
            headers,
            &self.body,
        )
    }
}

fn hex_sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn hmac(key: &[u8], message: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(message);
    mac.finalize().into_bytes().to_vec()
}

/// The whole signature, spelled out as the document writes it.
fn reference_signature(request: &Request, secret_key: &str) -> String {
    let canonical_value = |v: &str| v.trim().to_ascii_lowercase();
    let mut headers = vec![
        ("content-type", canonical_value(&request.content_type)),
        ("host", canonical_value(&request.host)),
    ];
    if request.sign_action {
        headers.push(("x-tc-action", canonical_value(&request.action)));
    }
    let canonical_headers: String = headers.iter().map(|(k, v)| format!("{k}:{v}\n")).collect();
    let signed_headers: Vec<&str> = headers.iter().map(|(k, _)| *k).collect();
    let canonical_request = format!(
        "{}\n/\n{}\n{canonical_headers}\n{}\n{}",
        request.method,
        request.raw_query,
        signed_headers.join(";"),
        hex_sha256(&request.body)
    );
    let date = tencent_tc3::date_of(request.timestamp);
    let string_to_sign = format!(
        "TC3-HMAC-SHA256\n{}\n{date}/{}/tc3_request\n{}",
        request.timestamp,
        request.service,
        hex_sha256(canonical_request.as_bytes())
    );
    let k_date = hmac(format!("TC3{secret_key}").as_bytes(), date.as_bytes());
    let k_service = hmac(&k_date, request.service.as_bytes());
    let k_signing = hmac(&k_service, b"tc3_request");
    hex::encode(hmac(&k_signing, string_to_sign.as_bytes()))
}

fn signature_of(authorization: &str) -> &str {
    authorization
        .rsplit("Signature=")
        .next()
        .unwrap_or_default()
}

proptest! {
    #[test]
    fn tc3_signed_requests_verify(request in request(), secret in ".{0,40}") {
        let headers = request.headers(&secret);
        prop_assert_eq!(request.verify(&secret, &headers), Ok(()));
    }

    #[test]
    fn tc3_any_signed_change_is_refused(request in request(), secret in ".{0,40}", pick in 0..6_u8) {
        let headers = request.headers(&secret);
        let mut changed = request.clone();
        let mut changed_headers = headers.clone();
        let mut other_secret = secret.clone();
        let set = |headers: &mut Pairs, name: &str, value: String| {
            for (k, v) in headers.iter_mut() {
                if k == name {
                    *v = value.clone();
                }
            }
        };
        match pick {
            0 => other_secret.push('x'),
            1 => changed.body.push(b'x'),
            2 => changed.raw_query.push('x'),
            3 => set(&mut changed_headers, "Host", format!("{}x", request.host)),
            4 => set(&mut changed_headers, "Content-Type", format!("{}x", request.content_type)),
            _ => changed.method = if request.method == "GET" { "POST" } else { "GET" },
        }
        let result = changed.verify(&other_secret, &changed_headers);
        prop_assert!(
            matches!(result, Err(Tc3Error::SignatureMismatch { .. })),
            "{:?}",
            result
        );
        if let Err(e) = result {
            if secret.len() >= 8 {
                let shown = format!("{e} {e:?}");
                prop_assert!(!shown.contains(&secret));
            }
        }
    }

    #[test]
    fn tc3_signed_action_is_covered(request in request(), secret in ".{0,40}") {
        let request = Request { sign_action: true, ..request };
        let mut headers = request.headers(&secret);
        for (k, v) in headers.iter_mut() {
            if k == "X-TC-Action" {
                v.push('x');
            }
        }
        let mismatch = matches!(
            request.verify(&secret, &headers),
            Err(Tc3Error::SignatureMismatch { .. })
        );
        prop_assert!(mismatch);
    }

    #[test]
    fn tc3_streamed_equals_materialised(request in request(), secret in ".{0,40}") {
        let canonical = request.canonical();
        prop_assert_eq!(canonical.hash(), hex_sha256(canonical.to_string().as_bytes()));
        let date = tencent_tc3::date_of(request.timestamp);
        let to_sign = tencent_tc3::string_to_sign(
            &request.timestamp.to_string(),
            &date,
            &request.service,
            &canonical.hash(),
        );
        let key = SigningKey::derive(&secret, &date, &request.service);
        let materialised = tencent_tc3::signature(&key, &to_sign);
        let authorization =
            tencent_tc3::authorize("AKIDEXAMPLE", &secret, request.scoped(), &canonical);
        prop_assert_eq!(signature_of(&authorization), materialised.as_str());
        prop_assert_eq!(materialised, reference_signature(&request, &secret));
        prop_assert_eq!(
            authorization,
            tencent_tc3::authorization_header(
                "AKIDEXAMPLE",
                &date,
                &request.service,
                &canonical.signed_headers(),
                signature_of(&tencent_tc3::authorize("AKIDEXAMPLE", &secret, request.scoped(), &canonical)),
            )
        );
    }

    #[test]
    fn tc3_parsers_never_panic(value in any::<String>(), timestamp in any::<String>()) {
        let _ = tencent_tc3::parse_authorization(&value);
        let headers = [
            ("Authorization", value.as_str()),
            ("X-TC-Timestamp", timestamp.as_str()),
            ("X-TC-Action", "A"),
            ("Host", "h"),
            ("Content-Type", "c"),
        ];
        prop_assert!(tencent_tc3::verify("k", "vpc", "POST", "/", "", &headers, b"").is_err());
    }

    #[test]
    fn form_signed_requests_verify_after_the_wire(
        params in prop::collection::vec(("[A-Za-z_.]{1,12}", any::<String>()), 0..8),
        method in prop_oneof![Just("GET"), Just("POST")],
        sha256 in any::<bool>(),
        host in "[a-z0-9.:]{1,30}",
        secret in ".{0,40}",
    ) {
        let mut params: Pairs = params
            .into_iter()
            .filter(|(k, _)| !matches!(k.as_str(), "Signature" | "SecretId" | "Nonce" | "Timestamp" | "SignatureMethod"))
            .collect();
        params.push(("SecretId".into(), "AKIDEXAMPLE".into()));
        params.push(("Nonce".into(), "11886".into()));
        params.push(("Timestamp".into(), "1465185768".into()));
        let method_name = if sha256 { "HmacSHA256" } else { "HmacSHA1" };
        params.push(("SignatureMethod".into(), method_name.into()));
        let signature = tencent_v3_form::signature(&secret, method, &host, &params);
        params.push(("Signature".into(), signature));
        let received = form_decode(&form_urlencode(&params)).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(tencent_v3_form::verify(&secret, method, &host, &received), Ok(()));
        let mut changed = received.clone();
        changed[0].1.push('x');
        prop_assert!(tencent_v3_form::verify(&secret, method, &host, &changed).is_err());
    }
}
