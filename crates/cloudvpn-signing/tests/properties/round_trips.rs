//! For every scheme, a request signed by the client side verifies on the server side after travelling
//! through the wire encoding, and stops verifying once anything changes.

use super::*;
use cloudvpn_signing::alibaba_v3::{self, CanonicalRequest, V3Error};
use cloudvpn_signing::{alibaba_v1, tencent_v2};

proptest! {
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
}
