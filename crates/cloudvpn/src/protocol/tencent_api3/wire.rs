//! Tencent Cloud API 3.0 on the wire: the three ways `tencentcloud-sdk-python` signs a request (TC3 over a
//! JSON POST body — its default —, TC3 over a GET query, and the old-style `HmacSHA256` / `HmacSHA1` form),
//! built byte for byte as it builds them, and the `{"Response": {...}}` envelope, where an error arrives in
//! `Response.Error` with HTTP 200.

use crate::credentials::TencentCredentials;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse};
use cloudvpn_signing::{encoding, tencent_tc3, tencent_v3_form};
use cloudvpn_types::{ErrorInfo, OperationError};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex};

/// How an API 3.0 request is signed: `TC3-HMAC-SHA256` (the official SDKs' default), or the old-style form
/// signature with `HmacSHA256` or `HmacSHA1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum Api3SignatureMethod {
    /// `TC3-HMAC-SHA256` in the `Authorization` header.
    #[default]
    Tc3HmacSha256,
    /// The old-style form signature, `SignatureMethod=HmacSHA256`.
    HmacSha256,
    /// The old-style form signature, `SignatureMethod=HmacSHA1`.
    HmacSha1,
}

impl Api3SignatureMethod {
    /// `TC3-HMAC-SHA256`, `HmacSHA256`, `HmacSHA1`: the names tccli's `--signature-method` takes.
    pub const fn as_str(self) -> &'static str {
        match self {
            Api3SignatureMethod::Tc3HmacSha256 => tencent_tc3::ALGORITHM,
            Api3SignatureMethod::HmacSha256 => "HmacSHA256",
            Api3SignatureMethod::HmacSha1 => "HmacSHA1",
        }
    }

    /// The method named `name` (as [`as_str`](Self::as_str) spells it, case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Tc3HmacSha256, Self::HmacSha256, Self::HmacSha1]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// The settings of a request that do not change between attempts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape<'a> {
    pub action: &'static str,
    pub version: &'static str,
    /// The service of the TC3 credential scope (`vpc`).
    pub service: &'a str,
    pub http_method: HttpMethod,
    pub signature_method: Api3SignatureMethod,
    pub region: Option<&'a str>,
    /// `X-TC-RequestClient` / `RequestClient`.
    pub request_client: &'a str,
    /// `X-TC-Language` / `Language`, when set.
    pub language: Option<&'a str>,
    pub user_agent: &'a str,
}

/// What changes between attempts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt {
    /// Unix seconds.
    pub timestamp: i64,
    /// The old-style signature's `Nonce`.
    pub nonce: u64,
}

/// The request as serialized once: its flattened parameters (GET query, form body) and its JSON body
/// (TC3 POST), whichever the shape needs.
pub(crate) struct Payload<'a, K> {
    pub params: &'a [(K, String)],
    pub json: &'a [u8],
}

const JSON: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";

/// The TC3 signing key — three HMACs from the secret, the UTC date and the service — derived once per day,
/// key and service rather than on every attempt.
#[derive(Default)]
pub(crate) struct KeyCache {
    slot: Mutex<Option<Arc<DayKey>>>,
}

/// The signing key of one day.
struct DayKey {
    day: i64,
    secret_id: String,
    /// The secret it was derived from, so that other credentials never get this key.
    secret_key: crate::credentials::Secret,
    service: String,
    /// `YYYY-MM-DD`.
    date: String,
    key: tencent_tc3::SigningKey,
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCache(<redacted>)")
    }
}

impl KeyCache {
    /// The key of `timestamp`'s UTC day for these credentials and `service`.
    fn key(&self, credentials: &TencentCredentials, service: &str, timestamp: i64) -> Arc<DayKey> {
        let day = timestamp.div_euclid(86_400);
        // A poisoned lock only means another thread panicked while holding it; the slot is still whole.
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(k) = slot.as_ref() {
            if k.day == day
                && k.service == service
                && k.secret_id == credentials.secret_id
                && k.secret_key.expose() == credentials.secret_key.expose()
            {
                return k.clone();
            }
        }
        let date = tencent_tc3::date_of(timestamp);
        let key = Arc::new(DayKey {
            day,
            secret_id: credentials.secret_id.clone(),
            secret_key: credentials.secret_key.clone(),
            service: service.to_owned(),
            key: tencent_tc3::SigningKey::derive(credentials.secret_key.expose(), &date, service),
            date,
        });
        *slot = Some(key.clone());
        key
    }
}

/// The `Authorization` of an unsigned request (the SDKs' `SkipSign`).
const SKIP_SIGNATURE: &str = "SKIP";

/// Builds the signed request of one attempt.
///
/// Without credentials (an operation whose spec says `auth: anonymous`, such as STS
/// `AssumeRoleWithWebIdentity`) the request is the TC3 one with `Authorization: SKIP` and no token, as the
/// official SDKs send a request whose `SkipSign` is set, whatever signature the client is set to.
pub(crate) fn build_request<K: AsRef<str>>(
    payload: &Payload<'_, K>,
    credentials: Option<&TencentCredentials>,
    endpoint: &Endpoint,
    shape: &Shape<'_>,
    attempt: &Attempt,
    keys: &KeyCache,
) -> HttpRequest {
    let Some(credentials) = credentials else {
        return build_tc3(payload, None, endpoint, shape, attempt, keys);
    };
    match shape.signature_method {
        Api3SignatureMethod::Tc3HmacSha256 => {
            build_tc3(payload, Some(credentials), endpoint, shape, attempt, keys)
        }
        Api3SignatureMethod::HmacSha256 | Api3SignatureMethod::HmacSha1 => {
            build_form(payload.params, credentials, endpoint, shape, attempt)
        }
    }
}

/// TC3: the action's parameters in the JSON body (POST) or the query (GET), everything else in `X-TC-*`
/// headers; only `content-type` and `host` are signed, as the SDKs sign them.
fn build_tc3<K: AsRef<str>>(
    payload: &Payload<'_, K>,
    credentials: Option<&TencentCredentials>,
    endpoint: &Endpoint,
    shape: &Shape<'_>,
    attempt: &Attempt,
    keys: &KeyCache,
) -> HttpRequest {
    let method = shape.http_method;
    let (content_type, query, body) = match method {
        HttpMethod::Post => (JSON, String::new(), payload.json.to_vec()),
        HttpMethod::Get => (FORM, encoding::form_urlencode(payload.params), Vec::new()),
    };
    let mut canonical = tencent_tc3::CanonicalRequest::new(method.as_str(), &endpoint.path)
        .header("content-type", content_type)
        .header("host", &endpoint.authority);
    canonical = match method {
        HttpMethod::Post => canonical.body(&body),
        HttpMethod::Get => canonical.query(&query),
    };
    let authorization = match credentials {
        Some(credentials) => {
            let day = keys.key(credentials, shape.service, attempt.timestamp);
            tencent_tc3::authorize_with_key(
                &credentials.secret_id,
                &day.key,
                &day.date,
                tencent_tc3::Scoped {
                    timestamp: attempt.timestamp,
                    service: shape.service,
                },
                &canonical,
            )
        }
        None => SKIP_SIGNATURE.to_owned(),
    };
    // Static values (the content type, the action, the version) are borrowed, not copied.
    let mut headers: Vec<(Cow<'static, str>, Cow<'static, str>)> = Vec::with_capacity(11);
    headers.extend([
        ("User-Agent".into(), shape.user_agent.to_owned().into()),
        ("Content-Type".into(), content_type.into()),
        ("Host".into(), endpoint.authority.clone().into()),
        ("X-TC-Action".into(), shape.action.into()),
        (
            "X-TC-RequestClient".into(),
            shape.request_client.to_owned().into(),
        ),
        (
            "X-TC-Timestamp".into(),
            attempt.timestamp.to_string().into(),
        ),
        ("X-TC-Version".into(), shape.version.into()),
    ]);
    if let Some(region) = shape.region {
        headers.push(("X-TC-Region".into(), region.to_owned().into()));
    }
    if let Some(token) = credentials.and_then(|c| c.token.as_ref()) {
        headers.push(("X-TC-Token".into(), token.expose().to_owned().into()));
    }
    if let Some(language) = shape.language {
        headers.push(("X-TC-Language".into(), language.to_owned().into()));
    }
    headers.push(("Authorization".into(), authorization.into()));
    HttpRequest {
        method,
        url: endpoint.url_with_query(&query),
        headers,
        body,
    }
}

/// The old-style form: the action's parameters, then the common ones in the SDK's order, then
/// `Signature`; in the form body (POST) or the query (GET), `Content-Type` the form type either way.
fn build_form<K: AsRef<str>>(
    params: &[(K, String)],
    credentials: &TencentCredentials,
    endpoint: &Endpoint,
    shape: &Shape<'_>,
    attempt: &Attempt,
) -> HttpRequest {
    let timestamp = attempt.timestamp.to_string();
    let nonce = attempt.nonce.to_string();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 12);
    all.extend(params.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    all.extend([
        ("Action", shape.action),
        ("RequestClient", shape.request_client),
        ("Nonce", nonce.as_str()),
        ("Timestamp", timestamp.as_str()),
        ("Version", shape.version),
    ]);
    if let Some(region) = shape.region {
        all.push(("Region", region));
    }
    if let Some(token) = &credentials.token {
        all.push(("Token", token.expose()));
    }
    all.extend([
        ("SecretId", credentials.secret_id.as_str()),
        ("SignatureMethod", shape.signature_method.as_str()),
    ]);
    if let Some(language) = shape.language {
        all.push(("Language", language));
    }
    let signature = tencent_v3_form::signature(
        credentials.secret_key.expose(),
        shape.http_method.as_str(),
        &endpoint.authority,
        &all,
    );
    all.push(("Signature", &signature));
    let encoded = encoding::form_urlencode(&all);
    let headers = vec![
        ("User-Agent".into(), shape.user_agent.to_owned().into()),
        ("Content-Type".into(), FORM.into()),
        ("Host".into(), endpoint.authority.clone().into()),
    ];
    match shape.http_method {
        HttpMethod::Get => HttpRequest {
            method: HttpMethod::Get,
            url: endpoint.url_with_query(&encoded),
            headers,
            body: Vec::new(),
        },
        HttpMethod::Post => HttpRequest {
            method: HttpMethod::Post,
            url: endpoint.url_with_query(""),
            headers,
            body: encoded.into_bytes(),
        },
    }
}

/// `{"Response": ...}`.
#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

/// The parts of a `Response` that say whether it is an error.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "Error", default)]
    error: Option<ErrorBody<'a>>,
    #[serde(rename = "RequestId", default, borrow)]
    request_id: Option<Cow<'a, str>>,
}

/// `Response.Error`.
#[derive(Deserialize)]
struct ErrorBody<'a> {
    #[serde(rename = "Code", default, borrow)]
    code: Option<Cow<'a, str>>,
    #[serde(rename = "Message", default, borrow)]
    message: Option<Cow<'a, str>>,
}

/// Reads the envelope of `action`'s answer: the `Response` object is the output, unless it holds an
/// `Error`, whose `Code` is the typed error. Every answer, error or not, has HTTP 200: any other status is
/// not the protocol (the official SDK raises `ServerNetworkError` for it).
pub(crate) fn parse_response<T: DeserializeOwned, E: OperationError>(
    action: &'static str,
    response: &HttpResponse,
) -> Result<T, Error<E>> {
    let body = response.body.as_slice();
    if response.status != 200 {
        return Err(Error::unparsable(
            action,
            response.status,
            "API 3.0 answers every call with HTTP 200",
            body,
        ));
    }
    let mismatch = |e: serde_json::Error| {
        Error::unparsable(
            action,
            response.status,
            format!("the body does not match {action}'s documented response: {e}"),
            body,
        )
    };
    // A success is parsed straight into the typed output; only a body that names an `Error` (or fails to
    // parse) is read for one.
    if !names_error(body) {
        if let Ok(envelope) = serde_json::from_slice::<Envelope<T>>(body) {
            return Ok(envelope.response);
        }
    }
    let head: Envelope<Head<'_>> = serde_json::from_slice(body).map_err(|e| {
        Error::unparsable(
            action,
            response.status,
            format!("not an API 3.0 envelope ({{\"Response\": {{...}}}}): {e}"),
            body,
        )
    })?;
    let Some(error) = head.response.error else {
        return serde_json::from_slice::<Envelope<T>>(body)
            .map(|e| e.response)
            .map_err(mismatch);
    };
    let Some(code) = error.code.filter(|c| !c.is_empty()) else {
        return Err(Error::unparsable(
            action,
            response.status,
            "Response.Error has no Code",
            body,
        ));
    };
    Err(Error::Service(E::from_info(ErrorInfo {
        code: code.into_owned(),
        message: error.message.map(Cow::into_owned).unwrap_or_default(),
        request_id: head.response.request_id.map(Cow::into_owned),
        http_status: None,
        recommend: None,
        host_id: None,
        envelope_code: None,
        credentials_source: None,
    })))
}

/// Whether `"Error"` occurs in the body (a quick test before the typed parse, which would ignore it).
fn names_error(body: &[u8]) -> bool {
    let mut at = 0;
    while let Some(i) = body[at..].iter().position(|&b| b == b'E') {
        let i = at + i;
        if i > 0 && body[i - 1] == b'"' && body[i + 1..].starts_with(b"rror\"") {
            return true;
        }
        at = i + 1;
    }
    false
}

/// The common errors that mean the service rejected the credentials themselves: a wrong SecretKey (the
/// signature cannot match), a SecretId it does not know or that is malformed, a bad session token.
pub(crate) const CREDENTIAL_REJECTIONS: [&str; 4] = [
    "AuthFailure.SignatureFailure",
    "AuthFailure.SecretIdNotFound",
    "AuthFailure.InvalidSecretId",
    "AuthFailure.TokenFailure",
];

/// Whether an error rejects the credentials (see [`CREDENTIAL_REJECTIONS`]).
pub(crate) fn rejects_credentials(info: &ErrorInfo) -> bool {
    CREDENTIAL_REJECTIONS.contains(&info.code.as_str())
}

/// The common errors that reject the session of temporary credentials (an expired or invalid token), where
/// refreshed credentials may succeed: a subset of [`CREDENTIAL_REJECTIONS`].
pub(crate) const SESSION_REJECTIONS: [&str; 1] =
    [cloudvpn_types::tencent_vpc::codes::AUTH_FAILURE_TOKEN_FAILURE];

/// Whether an error rejects the session of temporary credentials (see [`SESSION_REJECTIONS`]).
pub(crate) fn rejects_session(info: &ErrorInfo) -> bool {
    SESSION_REJECTIONS.contains(&info.code.as_str())
}

#[cfg(test)]
#[path = "wire_tests.rs"]
mod tests;
