//! Alibaba RPC authentication: the v1 `Signature` parameter or the V3 `ACS3-HMAC-SHA256` header, then the
//! ±15-minute timestamp window and the nonce.

use super::{API, invalid, missing};
use crate::auth;
use crate::clock;
use crate::credentials::{Caller, Key};
use crate::error::{ServiceError, api_error};
use crate::http::Incoming;
use crate::nonces::NonceCheck;
use crate::pipeline::{Decoded, Pairs, clip};
use crate::server::Shared;
use crate::sts::trust::Cloud;
use cloudvpn_signing::{alibaba_v1, alibaba_v3};
use cloudvpn_types::alibaba_vpc::codes;
use cloudvpn_types::meta::ApiMeta;
use std::borrow::Cow;

/// A configured key, else a temporary one the emulator issued.
fn lookup_key<'s>(shared: &'s Shared, access_key_id: &str) -> Result<Caller<'s>, ServiceError> {
    let key = match shared.credentials.alibaba(access_key_id) {
        Some(key) => Cow::Borrowed(key),
        None => Cow::Owned(
            shared
                .sts
                .key(Cloud::Alibaba, access_key_id)
                .map(|k| (*k).clone())
                .ok_or_else(|| api_error(API, codes::INVALID_ACCESS_KEY_ID_NOT_FOUND, 404))?,
        ),
    };
    if !key.enabled {
        return Err(api_error(API, codes::INVALID_ACCESS_KEY_ID_INACTIVE, 400));
    }
    Ok(key)
}

/// A temporary key's security token and expiry, answered with the protocol's documented errors (their
/// status and message come from the spec, like every other authentication error's).
fn check_security_token(key: &Key, sent: Option<&str>) -> Result<(), ServiceError> {
    use auth::TokenProblem;
    auth::check_session(key, sent, clock::now_ms()).map_err(|problem| match problem {
        TokenProblem::Missing => api_error(API, codes::MISSING_SECURITY_TOKEN, 400),
        TokenProblem::Mismatch => api_error(
            API,
            codes::INVALID_SECURITY_TOKEN_MISMATCH_WITH_ACCESS_KEY,
            400,
        ),
        TokenProblem::Expired => api_error(API, codes::INVALID_SECURITY_TOKEN_EXPIRED, 400),
    })
}

/// The signed time of a request checked at `now_secs` against the window of the API called (one clock
/// reading per request, shared with [`check_nonce`], so a nonce cannot be forgotten between the two
/// checks).
fn check_timestamp(text: &str, now_secs: i64, window: u64) -> Result<i64, ServiceError> {
    let signed = clock::parse_utc(text)
        .ok_or_else(|| api_error(API, codes::INVALID_TIME_STAMP_FORMAT, 400))?;
    if !auth::within_window(signed, now_secs, window) {
        return Err(api_error(API, codes::INVALID_TIME_STAMP_EXPIRED, 400));
    }
    Ok(signed)
}

fn check_nonce(
    shared: &Shared,
    key: &Key,
    nonce: &str,
    signed: i64,
    now_secs: i64,
    window: u64,
) -> Result<(), ServiceError> {
    let keep_until = auth::nonce_keep_until_secs(signed, window);
    let now = u64::try_from(now_secs).unwrap_or(0);
    match shared
        .nonces
        .first_use("alibaba", &key.id, nonce, keep_until, now)
    {
        NonceCheck::Fresh => Ok(()),
        NonceCheck::Replay => Err(api_error(API, codes::SIGNATURE_NONCE_USED, 400)),
        // Refusing is safe; forgetting a nonce that can still be replayed is not.
        NonceCheck::Full => Err(api_error(API, codes::THROTTLING, 400)),
    }
}

fn signature_mismatch(string_to_sign: &str) -> ServiceError {
    api_error(API, codes::SIGNATURE_DOES_NOT_MATCH, 400).fill("<sts>", string_to_sign)
}

fn incomplete(detail: &str) -> ServiceError {
    let e = api_error(API, codes::INCOMPLETE_SIGNATURE, 400);
    // The documented message ends with "server string to sign is:…"; without a string to sign, say why.
    let prefix = e
        .message
        .split(" server string to sign")
        .next()
        .unwrap_or_default()
        .to_owned();
    e.with_message(clip(format!("{prefix} {detail}.")))
}

/// A v1 request: `AccessKeyId`, `SignatureMethod=HMAC-SHA1`, `Signature`, `Timestamp`, `SignatureNonce`.
pub(super) fn v1<'s>(
    shared: &'s Shared,
    api: &ApiMeta,
    req: &Incoming,
    decoded: &Decoded,
) -> Result<Caller<'s>, ServiceError> {
    let access_key_id = decoded
        .find("AccessKeyId")
        .ok_or_else(|| missing("AccessKeyId"))?;
    let key = lookup_key(shared, access_key_id)?;
    if let Some(method) = decoded.find("SignatureMethod") {
        if method != "HMAC-SHA1" {
            return Err(invalid(clip(format!(
                "SignatureMethod {method:?} is not supported; use HMAC-SHA1."
            ))));
        }
    }
    let all: Vec<(&str, &str)> = decoded
        .query
        .iter()
        .chain(&decoded.body)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match alibaba_v1::verify(key.secret(), req.method.as_str(), &all) {
        Ok(()) => {}
        Err(alibaba_v1::V1Error::MissingSignature) => return Err(missing("Signature")),
        Err(alibaba_v1::V1Error::SignatureMismatch { string_to_sign }) => {
            return Err(signature_mismatch(&string_to_sign));
        }
        Err(other) => return Err(incomplete(&other.to_string())),
    }
    let timestamp = decoded
        .find("Timestamp")
        .ok_or_else(|| missing("Timestamp"))?;
    let now = clock::now_secs();
    let window = api.timestamp_window_seconds;
    let signed = check_timestamp(timestamp, now, window)?;
    let nonce = decoded
        .find("SignatureNonce")
        .ok_or_else(|| missing("SignatureNonce"))?;
    check_nonce(shared, &key, nonce, signed, now, window)?;
    check_security_token(&key, decoded.find("SecurityToken"))?;
    Ok(key)
}

/// A V3 request: the `Authorization: ACS3-HMAC-SHA256 …` header over the query, headers and body.
pub(super) fn v3<'s>(
    shared: &'s Shared,
    api: &ApiMeta,
    req: &Incoming,
    query: &Pairs,
) -> Result<Caller<'s>, ServiceError> {
    let header = req.header("authorization").unwrap_or_default();
    let parsed = alibaba_v3::parse_authorization(header).map_err(|e| incomplete(&e.to_string()))?;
    let key = lookup_key(shared, &parsed.access_key_id)?;
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect();
    match alibaba_v3::verify(
        key.secret(),
        req.method.as_str(),
        req.path(),
        query,
        &headers,
        &req.body,
    ) {
        Ok(()) => {}
        Err(alibaba_v3::V3Error::SignatureMismatch { string_to_sign, .. }) => {
            return Err(signature_mismatch(&string_to_sign));
        }
        Err(other) => return Err(incomplete(&other.to_string())),
    }
    let date = req
        .header("x-acs-date")
        .ok_or_else(|| missing("x-acs-date"))?;
    let now = clock::now_secs();
    let window = api.timestamp_window_seconds;
    let signed = check_timestamp(date, now, window)?;
    let nonce = req
        .header("x-acs-signature-nonce")
        .ok_or_else(|| missing("x-acs-signature-nonce"))?;
    check_nonce(shared, &key, nonce, signed, now, window)?;
    check_security_token(&key, req.header("x-acs-security-token"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary key with token `tok`, expired an hour ago when `expired`, else valid for an hour.
    fn temporary(expired: bool) -> Key {
        let mut key = Key::new("STS.test", "secret").session_token("tok");
        let hour = 3_600_000;
        let now = clock::now_ms();
        key.expires_ms = Some(if expired { now - hour } else { now + hour });
        key
    }

    /// The answers are the documented errors of the spec, with the code, message and status the emulator
    /// answered before they were documented (byte for byte the same error bodies).
    #[test]
    fn token_problems_answer_the_gateways_codes_messages_and_status() {
        let cases = [
            (
                temporary(false),
                None,
                (
                    "MissingSecurityToken",
                    "SecurityToken is mandatory for this action.",
                ),
            ),
            (
                temporary(false),
                Some("not-this-one"),
                (
                    "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.",
                ),
            ),
            (
                temporary(true),
                Some("tok"),
                (
                    "InvalidSecurityToken.Expired",
                    "Specified SecurityToken is expired.",
                ),
            ),
        ];
        for (key, sent, (code, message)) in cases {
            let e = check_security_token(&key, sent).expect_err(code);
            assert_eq!((&*e.code, &*e.message, e.http_status), (code, message, 400));
            assert_eq!(e.envelope_code, None);
        }
        assert_eq!(check_security_token(&temporary(false), Some("tok")), Ok(()));
    }
}
