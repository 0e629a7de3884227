//! Alibaba Cloud RPC at `/`: parameters from the query and a form body together, V3 `ACS3-HMAC-SHA256`
//! headers or a v1 `Signature` parameter, JSON or XML answers, and the real error codes for each check.
//!
//! Checks, in order (each failure answers the code in brackets):
//! 1. the parameters decode, are few enough and unique (`InvalidParameter`);
//! 2. `Action` / `x-acs-action` and `Version` / `x-acs-version` name an operation of the specs
//!    (`MissingParameter`, `InvalidVersion`, `InvalidAction.NotFound`);
//! 3. the key exists and is enabled (`InvalidAccessKeyId.NotFound`, `InvalidAccessKeyId.Inactive`), the
//!    signature verifies (`SignatureDoesNotMatch` with the server's string to sign, `IncompleteSignature`;
//!    a V3 `SignedHeaders` must cover `host`, `x-acs-action`, `x-acs-version`, `x-acs-date`,
//!    `x-acs-signature-nonce`, `x-acs-content-sha256` and a sent `x-acs-security-token`, or a signature
//!    for one call could be replayed as another),
//!    the timestamp is within ±15 minutes (`InvalidTimeStamp.Expired` / `.Format`), the nonce is new
//!    (`SignatureNonceUsed`), the key may call the action (`Forbbiden.SubUser` / `Forbidden` / …);
//! 4. the operation's parameters parse and meet their documented constraints (`MissingParameter`,
//!    `InvalidParameter`);
//! 5. fault rules; a repeated `ClientToken` (replay, or `IdempotentParameterMismatch`); then the behaviour.

pub mod behaviour;
pub mod render;

use crate::auth::{self, Inspect, Inspected};
use crate::clock;
use crate::credentials::{Key, Principal};
use crate::error::{ServiceError, api_error};
use crate::http::{Incoming, Outcome};
use crate::idempotency::{self, Lookup, Record};
use crate::ids;
use crate::model::World;
use crate::nonces::NonceCheck;
use crate::server::Shared;
use crate::store::Effects;
use cloudvpn_signing::{alibaba_v1, alibaba_v3, encoding};
use cloudvpn_types::alibaba_vpc::{self, Request};
use cloudvpn_types::error::Problem;
use cloudvpn_types::meta::{ApiMeta, HttpMethod, OperationMeta};
use cloudvpn_types::{Params, ValidationError};
use render::Format;

const API: &ApiMeta = &alibaba_vpc::API;

type Pairs = Vec<(String, String)>;

enum Answer {
    Json {
        action: &'static str,
        body: Vec<u8>,
        /// The original request id of a replayed `ClientToken` answer.
        replayed_id: Option<String>,
    },
    Drop,
}

/// Serves one Alibaba request.
pub(crate) async fn handle(shared: &Shared, req: Incoming) -> Outcome {
    let request_id = ids::RequestId::new();
    let mut format = Format::Json;
    match process(shared, &req, request_id.as_str(), &mut format).await {
        Ok(Answer::Json {
            action,
            body,
            replayed_id,
        }) => {
            let id = replayed_id.as_deref().unwrap_or(request_id.as_str());
            Outcome::Reply(render::success(action, body, format, id))
        }
        Ok(Answer::Drop) => Outcome::Drop,
        Err(e) => Outcome::Reply(render::error(
            &e,
            request_id.as_str(),
            host_id(&req),
            format,
        )),
    }
}

/// The answer to a request whose body exceeded the limit (it was not read, so it is answered in JSON).
pub(crate) fn body_too_large(shared: &Shared, req: &Incoming) -> Outcome {
    let e = invalid(format!(
        "The request body is larger than {} bytes.",
        shared.limits.max_body_bytes
    ));
    Outcome::Reply(render::error(
        &e,
        &ids::request_id(),
        host_id(req),
        Format::Json,
    ))
}

fn host_id(req: &Incoming) -> &str {
    match req.host() {
        "" => "vpc.aliyuncs.com",
        host => host,
    }
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ServiceError {
    api_error(API, "InvalidParameter", 400).with_message(message)
}

fn missing(name: &str) -> ServiceError {
    api_error(API, "MissingParameter", 400).fill("\"X\"", &format!("\"{name}\""))
}

/// Messages quote parameters; keep a hostile 30 KB value from being echoed whole.
fn clip(text: String) -> String {
    const MAX: usize = 512;
    if text.len() <= MAX {
        return text;
    }
    let mut end = MAX;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

fn validation_error(e: ValidationError) -> ServiceError {
    match e.problem {
        Problem::Missing | Problem::Empty => missing(&e.param),
        _ => invalid(clip(e.to_string())),
    }
}

fn find<'a>(query: &'a Pairs, body: &'a Pairs, name: &str) -> Option<&'a str> {
    query
        .iter()
        .chain(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn duplicate_name<'a>(query: &'a Pairs, body: &'a Pairs) -> Option<&'a str> {
    let mut names: Vec<&str> = query.iter().chain(body).map(|(k, _)| k.as_str()).collect();
    names.sort_unstable();
    names.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
}

fn decode(text: &str, what: &str) -> Result<Pairs, ServiceError> {
    encoding::form_decode(text)
        .map_err(|e| invalid(format!("The {what} is not valid URL encoding: {e}.")))
}

async fn process(
    shared: &Shared,
    req: &Incoming,
    request_id: &str,
    format: &mut Format,
) -> Result<Answer, ServiceError> {
    let limits = &shared.limits;
    let query = req.query();
    if query.len() > limits.max_query_bytes {
        return Err(invalid(format!(
            "The query string is longer than {} bytes.",
            limits.max_query_bytes
        )));
    }
    let query_pairs = decode(query, "query string")?;
    let body_pairs = if req.has_form_body() {
        let text = std::str::from_utf8(&req.body)
            .map_err(|_| invalid("The form body is not valid UTF-8."))?;
        decode(text, "form body")?
    } else {
        Vec::new()
    };
    // Known before anything can fail, so that every later error is rendered as the caller asked.
    *format = Format::from_param(find(&query_pairs, &body_pairs, "Format"));
    if query_pairs.len() + body_pairs.len() > limits.max_params {
        return Err(invalid(format!(
            "The request has more than {} parameters.",
            limits.max_params
        )));
    }
    if let Some(name) = duplicate_name(&query_pairs, &body_pairs) {
        return Err(invalid(clip(format!(
            "The parameter {name:?} is given more than once."
        ))));
    }

    let v3 = req
        .header("authorization")
        .is_some_and(|a| a.trim_start().starts_with("ACS3-"));
    let pick = |header: &str, param: &str| {
        if v3 {
            req.header(header)
                .or_else(|| find(&query_pairs, &body_pairs, param))
        } else {
            find(&query_pairs, &body_pairs, param)
        }
    };
    let action = pick("x-acs-action", "Action").ok_or_else(|| missing("Action"))?;
    let version = pick("x-acs-version", "Version").ok_or_else(|| missing("Version"))?;
    if version != API.version {
        return Err(api_error(API, "InvalidVersion", 400));
    }
    let op = operation(action, req)?;

    let key = if v3 {
        authenticate_v3(shared, req, &query_pairs)?
    } else {
        authenticate_v1(shared, req, &query_pairs, &body_pairs)?
    };
    if !key.allows(op.action) {
        return Err(forbidden(op, key.principal));
    }

    let params = Params::from_pairs(op.action, query_pairs.into_iter().chain(body_pairs))
        .map_err(validation_error)?;
    let request = match Request::from_params(op.action, &params) {
        Some(parsed) => parsed.map_err(validation_error)?,
        None => return Err(api_error(API, "InvalidAction.NotFound", 400)),
    };
    let inspected = request.clone().dispatch(Inspect);
    if let Err(e) = inspected.validation {
        return Err(validation_error(e));
    }

    if let Some(fault) = shared.faults.decide("alibaba", op.action) {
        if !fault.latency.is_zero() {
            tokio::time::sleep(fault.latency).await;
        }
        if fault.drop_connection {
            return Ok(Answer::Drop);
        }
        if let Some((code, status, message)) = fault.error {
            return Err(fault_error(op, code, status, message));
        }
    }

    let ctx = behaviour::Ctx {
        account: &key.account,
        now_ms: clock::now_ms(),
        request_id,
        transitions: shared.transitions(),
    };
    let (result, version) = shared
        .store
        .update(|world, fx| run(world, fx, &ctx, op, request, inspected));
    // Every answer waits, errors included, when the call made or saw a change not yet on disk: a
    // NotFound may rest on a deletion that is then undone, and no answer may show what may be undone.
    if let Some(version) = version {
        shared.store.saved(version).await.map_err(|e| {
            api_error(API, "InternalError", 500).with_message(format!("Nothing was changed; {e}."))
        })?;
    }
    let (body, replayed_id) = result?;
    Ok(Answer::Json {
        action: op.action,
        body,
        replayed_id,
    })
}

/// The behaviour, wrapped in the `ClientToken` check and record, atomically under the world's lock (so
/// two concurrent calls with one token cannot both run).
fn run(
    world: &mut World,
    fx: &mut Effects,
    ctx: &behaviour::Ctx<'_>,
    op: &'static OperationMeta,
    request: Request,
    inspected: Inspected,
) -> Result<(Vec<u8>, Option<String>), ServiceError> {
    let token = inspected.token;
    if let Some(token) = &token {
        match world
            .client_tokens
            .lookup(ctx.account, op.action, token, &inspected.fingerprint)
        {
            Lookup::New => {}
            Lookup::Replay(response) => {
                let original_id = response
                    .get("RequestId")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                return Ok((
                    serde_json::to_vec(response).unwrap_or_default(),
                    original_id,
                ));
            }
            Lookup::Mismatch => {
                return Err(ServiceError::custom(
                    idempotency::MISMATCH_CODE,
                    idempotency::MISMATCH_MESSAGE,
                    400,
                ));
            }
        }
    }
    let body = behaviour::execute(world, fx, ctx, request)?;
    if let Some(token) = token {
        if let Ok(response) = serde_json::from_slice(&body) {
            world.client_tokens.record(Record {
                account: ctx.account.to_owned(),
                action: op.action.to_owned(),
                token,
                fingerprint: inspected.fingerprint,
                response,
            });
            fx.changed();
        }
    }
    Ok((body, None))
}

fn operation(action: &str, req: &Incoming) -> Result<&'static OperationMeta, ServiceError> {
    let not_found = || api_error(API, "InvalidAction.NotFound", 400);
    let op = alibaba_vpc::OPERATIONS
        .iter()
        .copied()
        .find(|o| o.action == action)
        .ok_or_else(not_found)?;
    let method = match req.method.as_str() {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        _ => return Err(not_found()),
    };
    if !op.methods.contains(&method) {
        return Err(not_found());
    }
    Ok(op)
}

fn lookup_key<'s>(shared: &'s Shared, access_key_id: &str) -> Result<&'s Key, ServiceError> {
    let key = shared
        .credentials
        .alibaba(access_key_id)
        .ok_or_else(|| api_error(API, "InvalidAccessKeyId.NotFound", 404))?;
    if !key.enabled {
        return Err(api_error(API, "InvalidAccessKeyId.Inactive", 400));
    }
    Ok(key)
}

/// The signed time of a request checked at `now_secs` (one clock reading per request, shared with
/// [`check_nonce`], so a nonce cannot be forgotten between the two checks).
fn check_timestamp(text: &str, now_secs: i64) -> Result<i64, ServiceError> {
    let signed =
        clock::parse_utc(text).ok_or_else(|| api_error(API, "InvalidTimeStamp.Format", 400))?;
    if !auth::within_window(signed, now_secs, API.timestamp_window_seconds) {
        return Err(api_error(API, "InvalidTimeStamp.Expired", 400));
    }
    Ok(signed)
}

fn check_nonce(
    shared: &Shared,
    key: &Key,
    nonce: &str,
    signed: i64,
    now_secs: i64,
) -> Result<(), ServiceError> {
    let keep_until = auth::nonce_keep_until_secs(signed, API.timestamp_window_seconds);
    let now = u64::try_from(now_secs).unwrap_or(0);
    match shared
        .nonces
        .first_use("alibaba", &key.id, nonce, keep_until, now)
    {
        NonceCheck::Fresh => Ok(()),
        NonceCheck::Replay => Err(api_error(API, "SignatureNonceUsed", 400)),
        // Refusing is safe; forgetting a nonce that can still be replayed is not.
        NonceCheck::Full => Err(api_error(API, "Throttling", 400)),
    }
}

fn signature_mismatch(string_to_sign: &str) -> ServiceError {
    api_error(API, "SignatureDoesNotMatch", 400).fill("<sts>", string_to_sign)
}

fn incomplete(detail: &str) -> ServiceError {
    let e = api_error(API, "IncompleteSignature", 400);
    // The documented message ends with "server string to sign is:…"; without a string to sign, say why.
    let prefix = e
        .message
        .split(" server string to sign")
        .next()
        .unwrap_or_default()
        .to_owned();
    e.with_message(clip(format!("{prefix} {detail}.")))
}

fn authenticate_v1<'s>(
    shared: &'s Shared,
    req: &Incoming,
    query: &Pairs,
    body: &Pairs,
) -> Result<&'s Key, ServiceError> {
    let access_key_id = find(query, body, "AccessKeyId").ok_or_else(|| missing("AccessKeyId"))?;
    let key = lookup_key(shared, access_key_id)?;
    if let Some(method) = find(query, body, "SignatureMethod") {
        if method != "HMAC-SHA1" {
            return Err(invalid(clip(format!(
                "SignatureMethod {method:?} is not supported; use HMAC-SHA1."
            ))));
        }
    }
    let all: Vec<(&str, &str)> = query
        .iter()
        .chain(body)
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
    let timestamp = find(query, body, "Timestamp").ok_or_else(|| missing("Timestamp"))?;
    let now = clock::now_secs();
    let signed = check_timestamp(timestamp, now)?;
    let nonce = find(query, body, "SignatureNonce").ok_or_else(|| missing("SignatureNonce"))?;
    check_nonce(shared, key, nonce, signed, now)?;
    Ok(key)
}

fn authenticate_v3<'s>(
    shared: &'s Shared,
    req: &Incoming,
    query: &Pairs,
) -> Result<&'s Key, ServiceError> {
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
    let signed = check_timestamp(date, now)?;
    let nonce = req
        .header("x-acs-signature-nonce")
        .ok_or_else(|| missing("x-acs-signature-nonce"))?;
    check_nonce(shared, key, nonce, signed, now)?;
    Ok(key)
}

/// The operation's documented refusal for a key without permission.
fn forbidden(op: &OperationMeta, principal: Principal) -> ServiceError {
    let codes: &[&str] = match principal {
        Principal::SubUser => &["Forbbiden.SubUser", "Forbidden", "NoPermission"],
        Principal::Account => &["Forbidden", "NoPermission"],
    };
    let e = ServiceError::first_documented(op, codes)
        .unwrap_or_else(|| ServiceError::custom("NoPermission", "", 403));
    if e.message.is_empty() {
        e.with_message("You are not authorized to do this action. You should be authorized by RAM.")
    } else {
        e
    }
}

/// The error a fault rule asks for: documented status and message unless the rule overrides them.
fn fault_error(
    op: &OperationMeta,
    code: String,
    status: Option<u16>,
    message: Option<String>,
) -> ServiceError {
    let mut e = ServiceError::of_operation(op, &code).unwrap_or_else(|| {
        ServiceError::custom(code, "Injected by a cloudvpn-emulator fault rule.", 400)
    });
    if let Some(status) = status {
        e.http_status = status;
    }
    if let Some(message) = message {
        e.message = message.into();
    }
    if e.message.is_empty() {
        e.message = "Injected by a cloudvpn-emulator fault rule.".into();
    }
    e
}
