//! API 3.0 authentication: `TC3-HMAC-SHA256` over the raw body, the received `Content-Type` and `Host`,
//! or the old-style form signature; then the 5-minute window and replay protection.

use super::{error, missing};
use crate::auth;
use crate::clock;
use crate::credentials::{Caller, Key};
use crate::error::ServiceError;
use crate::http::Incoming;
use crate::nonces::NonceCheck;
use crate::pipeline::{Decoded, clip};
use crate::server::Shared;
use crate::sts::trust::Cloud;
use cloudvpn_signing::{tencent_tc3, tencent_v3_form};
use cloudvpn_types::meta::ApiMeta;
use cloudvpn_types::tencent_vpc::codes;
use std::borrow::Cow;

/// A configured key, else a temporary one the emulator issued.
fn lookup_key<'s>(shared: &'s Shared, secret_id: &str) -> Result<Caller<'s>, ServiceError> {
    let key = match shared.credentials.tencent(secret_id) {
        Some(key) => Some(Cow::Borrowed(key)),
        None => shared
            .sts
            .key(Cloud::Tencent, secret_id)
            .map(|k| Cow::Owned((*k).clone())),
    };
    match key {
        Some(key) if key.enabled => Ok(key),
        Some(_) => Err(error(codes::AUTH_FAILURE_SECRET_ID_NOT_FOUND)
            .with_message("(emulator) this SecretId is disabled")),
        None => Err(error(codes::AUTH_FAILURE_SECRET_ID_NOT_FOUND)),
    }
}

/// The signed time checked against the window of the API called (5 minutes) at `now`.
fn check_window(signed: i64, now: i64, window: u64) -> Result<(), ServiceError> {
    if auth::within_window(signed, now, window) {
        Ok(())
    } else {
        Err(error(codes::AUTH_FAILURE_SIGNATURE_EXPIRE))
    }
}

/// The signed time checked against the 5-minute window, then `nonce` checked unused for it.
fn check_fresh(
    shared: &Shared,
    key: &Key,
    signed: i64,
    nonce: &str,
    window: u64,
) -> Result<(), ServiceError> {
    // One clock reading for both checks, so a nonce cannot be forgotten between them.
    let now = clock::now_secs();
    check_window(signed, now, window)?;
    let keep_until = auth::nonce_keep_until_secs(signed, window);
    match shared.nonces.first_use(
        "tencent",
        &key.id,
        nonce,
        keep_until,
        u64::try_from(now).unwrap_or(0),
    ) {
        NonceCheck::Fresh => Ok(()),
        NonceCheck::Replay => Err(error(codes::AUTH_FAILURE_SIGNATURE_FAILURE).with_message(
            "(emulator) this signed request was already received: a replay is refused while its \
             timestamp is inside the window",
        )),
        // Refusing is safe; forgetting a nonce that can still be replayed is not.
        NonceCheck::Full => Err(error(codes::REQUEST_LIMIT_EXCEEDED).with_message(
            "(emulator) too many requests inside the timestamp window; try again later",
        )),
    }
}

/// A TC3 request to `api`: the `Authorization` header, verified over what was received, with the API's
/// service in the credential scope.
pub(super) fn tc3<'s>(
    shared: &'s Shared,
    api: &ApiMeta,
    req: &Incoming,
) -> Result<Caller<'s>, ServiceError> {
    let header = req.header("authorization").unwrap_or_default();
    let parsed = tencent_tc3::parse_authorization(header).map_err(|e| {
        error(codes::AUTH_FAILURE_INVALID_AUTHORIZATION)
            .with_message(clip(format!("(emulator) {e}")))
    })?;
    let key = lookup_key(shared, &parsed.secret_id)?;
    let headers: Vec<(&str, &str)> = req
        .headers
        .iter()
        .filter_map(|(name, value)| value.to_str().ok().map(|v| (name.as_str(), v)))
        .collect();
    match tencent_tc3::verify(
        key.secret(),
        api.service,
        req.method.as_str(),
        req.path(),
        req.query(),
        &headers,
        &req.body,
    ) {
        Ok(()) => {}
        Err(tencent_tc3::Tc3Error::SignatureMismatch { .. }) => {
            return Err(error(codes::AUTH_FAILURE_SIGNATURE_FAILURE));
        }
        Err(tencent_tc3::Tc3Error::InvalidTimestamp { .. }) => {
            return Err(error(codes::AUTH_FAILURE_SIGNATURE_EXPIRE)
                .with_message("(emulator) X-TC-Timestamp must be UNIX seconds"));
        }
        Err(other) => {
            return Err(error(codes::AUTH_FAILURE_SIGNATURE_FAILURE)
                .with_message(clip(format!("(emulator) {other}"))));
        }
    }
    let signed: i64 = req
        .header("x-tc-timestamp")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| missing("X-TC-Timestamp"))?;
    // TC3 carries no nonce: two identical calls in one second are signed identically, so a replay inside
    // the window cannot be told from a repeated call; only the window bounds it.
    check_window(signed, clock::now_secs(), api.timestamp_window_seconds)?;
    check_token(&key, req.header("x-tc-token"))?;
    Ok(key)
}

/// An old-style 3.0 request: `SecretId`, `Timestamp`, `Nonce`, `SignatureMethod`, `Signature`.
pub(super) fn form<'s>(
    shared: &'s Shared,
    api: &ApiMeta,
    req: &Incoming,
    decoded: &Decoded,
) -> Result<Caller<'s>, ServiceError> {
    let secret_id = decoded
        .find("SecretId")
        .ok_or_else(|| missing("SecretId"))?;
    let key = lookup_key(shared, secret_id)?;
    let pairs: Vec<(&str, &str)> = decoded
        .query
        .iter()
        .chain(&decoded.body)
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match tencent_v3_form::verify(key.secret(), req.method.as_str(), req.host(), &pairs) {
        Ok(()) => {}
        Err(tencent_v3_form::FormError::MissingParameter { name }) => return Err(missing(name)),
        Err(other) => {
            return Err(error(codes::AUTH_FAILURE_SIGNATURE_FAILURE)
                .with_message(clip(format!("(emulator) {other}"))));
        }
    }
    let signed: i64 = decoded
        .find("Timestamp")
        .and_then(|t| t.trim().parse().ok())
        .ok_or_else(|| missing("Timestamp"))?;
    let nonce = decoded.find("Nonce").ok_or_else(|| missing("Nonce"))?;
    check_fresh(shared, &key, signed, nonce, api.timestamp_window_seconds)?;
    check_token(&key, decoded.find("Token"))?;
    Ok(key)
}

/// A temporary key's session token and expiry (see [`crate::credentials`]).
fn check_token(key: &Key, sent: Option<&str>) -> Result<(), ServiceError> {
    use auth::TokenProblem;
    auth::check_session(key, sent, clock::now_ms()).map_err(|problem| {
        let why = match problem {
            TokenProblem::Missing => {
                "(emulator) this temporary key's requests must carry its token"
            }
            TokenProblem::Mismatch => "(emulator) the token is not this temporary key's",
            TokenProblem::Expired => "(emulator) the token has expired",
        };
        error(codes::AUTH_FAILURE_TOKEN_FAILURE).with_message(why)
    })
}
