//! The V3 (`ACS3-HMAC-SHA256`) request of the Alibaba RPC protocol: business parameters in the query,
//! everything else in signed `x-acs-*` headers, and the HMAC kept keyed per secret.

use super::Attempt;
use crate::credentials::{AlibabaCredentials, Secret};
use crate::endpoint::Endpoint;
use crate::transport::HttpRequest;
use cloudvpn_signing::alibaba_v3;
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::params::ParamName;
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

/// The V3 HMAC keyed with the last secret signed with, so that a call hashes the secret's two key blocks
/// only when the secret changes (perf: two of the ~16 SHA-256 blocks of a V3 call).
#[derive(Default)]
pub(crate) struct V3Keys {
    slot: Mutex<Option<Arc<KeptKey>>>,
}

/// A keyed HMAC and the secret it was keyed with, so that other credentials never get it.
struct KeptKey {
    secret: Secret,
    key: alibaba_v3::SigningKey,
}

impl fmt::Debug for V3Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("V3Keys(<redacted>)")
    }
}

impl V3Keys {
    /// The keyed HMAC of `secret`, kept from an earlier call if it was the same secret.
    fn key(&self, secret: &Secret) -> Arc<KeptKey> {
        // A poisoned lock only means another thread panicked while holding it; the slot is still whole.
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(kept) = slot.as_ref() {
            if kept.secret.expose() == secret.expose() {
                return kept.clone();
            }
        }
        let kept = Arc::new(KeptKey {
            secret: secret.clone(),
            key: alibaba_v3::SigningKey::new(secret.expose()),
        });
        *slot = Some(kept.clone());
        kept
    }
}

/// The positions of `build_v3`'s headers (kept in the order it sends them) in signed order: `accept`,
/// `host`, `user-agent`, `x-acs-action`, `x-acs-content-sha256`, `x-acs-credentials-provider`,
/// `x-acs-date`, `x-acs-signature-nonce`, `x-acs-version` (a test checks them against the headers).
pub(super) const SORTED_HEADERS: [usize; 9] = [6, 0, 3, 2, 7, 8, 4, 5, 1];
/// The same with STS credentials: `x-acs-accesskey-id` (9) and `x-acs-security-token` (10) among them.
pub(super) const SORTED_STS_HEADERS: [usize; 11] = [6, 0, 3, 9, 2, 7, 8, 4, 10, 5, 1];

/// V3: business parameters in the query, everything else in signed `x-acs-*` headers (vector [A] of the
/// official-SDK captures). The SDK signs every header it sets, so this does too.
pub(super) fn build_v3(
    meta: &OperationMeta,
    params: &[(ParamName, String)],
    credentials: &AlibabaCredentials,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: Attempt,
    keys: &V3Keys,
) -> HttpRequest {
    let method = meta.default_method();
    // Room for the optional STS headers and the authorization, so the vector is allocated once.
    // Static values (the version, the action, the constant ones) are borrowed, not copied.
    let mut headers: Vec<(Cow<'static, str>, Cow<'static, str>)> = Vec::with_capacity(12);
    headers.extend([
        ("host".into(), endpoint.authority.clone().into()),
        ("x-acs-version".into(), meta.api.version.into()),
        ("x-acs-action".into(), meta.action.into()),
        ("user-agent".into(), user_agent.to_owned().into()),
        ("x-acs-date".into(), attempt.timestamp),
        ("x-acs-signature-nonce".into(), attempt.nonce),
        ("accept".into(), "application/json".into()),
        (
            alibaba_v3::CONTENT_SHA256_HEADER.into(),
            alibaba_v3::EMPTY_PAYLOAD_HASH.into(),
        ),
        (
            "x-acs-credentials-provider".into(),
            credentials.provider_name().into(),
        ),
    ]);
    if let Some(token) = &credentials.security_token {
        headers.push((
            "x-acs-accesskey-id".into(),
            credentials.access_key_id.clone().into(),
        ));
        headers.push((
            "x-acs-security-token".into(),
            token.expose().to_owned().into(),
        ));
    }
    let mut canonical = alibaba_v3::CanonicalRequest::new(method.as_str(), &endpoint.path)
        .query_params(params)
        .hashed_payload(alibaba_v3::EMPTY_PAYLOAD_HASH);
    // Handed over in their signed (sorted) order, so the sort inside is one pass of comparisons. Any
    // order gives the same bytes: the table only saves sorting work, and a list it does not describe
    // goes in as it is.
    let order: Option<&[usize]> = match headers.len() {
        9 => Some(&SORTED_HEADERS),
        11 => Some(&SORTED_STS_HEADERS),
        _ => None,
    };
    match order {
        Some(order) => canonical.extend_headers(
            order
                .iter()
                .filter_map(|&i| headers.get(i))
                .map(|(k, v)| (k, v)),
        ),
        None => canonical.extend_headers(headers.iter().map(|(k, v)| (k, v))),
    }
    // The query is encoded once: the URL's query is the canonical query that was hashed (with a space
    // written as the SDK writes it, see `url_query`).
    let signed = alibaba_v3::sign_with_key(
        &credentials.access_key_id,
        &keys.key(&credentials.access_key_secret).key,
        &canonical,
    );
    headers.push((
        alibaba_v3::AUTHORIZATION_HEADER.into(),
        signed.authorization.into(),
    ));
    HttpRequest {
        method,
        url: endpoint.url_with_query(&url_query(signed.canonical_query)),
        headers,
        body: Vec::new(),
    }
}

/// The query as the URL carries it: the canonical query, except that a space is `+` where the canonical
/// form has `%20`. The Tea SDK signs `%20` but sends its query through Python's `urlencode` (vector [G]:
/// `ClientToken=a+b%2Ac~d...` on the wire, `a%20b%2Ac~d...` in the canonical request); Alibaba's gateway and
/// the emulator decode both alike. Every `%` of the canonical query starts a `%HH` triplet (a literal `%`
/// is `%25`), so `%20` can only be an encoded space. Only a query that has one is copied.
fn url_query(canonical_query: String) -> String {
    if canonical_query.contains("%20") {
        canonical_query.replace("%20", "+")
    } else {
        canonical_query
    }
}
