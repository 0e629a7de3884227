//! Tencent Cloud API v2 at `/v2/index.php`: GET (query) or POST (form), `HmacSHA1` / `HmacSHA256`
//! signatures over `METHOD + Host + path + ? + sorted params`, and every answer — errors included — as
//! HTTP 200 with `Content-Type: application/json` and the `{code, message, codeDesc, data}` envelope.
//!
//! Checks, in order (integer `code` in brackets): the parameters decode and are unique (4000); `Action`
//! names an operation of the specs (4000 when missing, 6100 when unknown); `SecretId` is known (4104) and
//! enabled (4300); the signature verifies (4100); `Timestamp` is within the documented window and `Nonce`
//! is new (4500); the key may call the action (4101 sub-user, 4110 other keys); the operation's parameters
//! parse and meet their constraints (4000); fault rules; then the behaviour.

pub mod behaviour;
pub mod region;

use crate::auth::{self, Inspect};
use crate::clock;
use crate::credentials::{Key, Principal};
use crate::error::ServiceError;
use crate::http::{Incoming, Outcome, Reply, content};
use crate::nonces::NonceCheck;
use crate::server::Shared;
use cloudvpn_signing::{encoding, tencent_v2};
use cloudvpn_types::error::Problem;
use cloudvpn_types::meta::{ApiMeta, HttpMethod, OperationMeta};
use cloudvpn_types::tencent_vpc_v2::{self, Request};
use cloudvpn_types::{Params, ValidationError};
use serde::Serialize;

const API: &ApiMeta = &tencent_vpc_v2::API;

/// The request path every v2 signature covers.
pub const PATH: &str = "/v2/index.php";

/// `codeDesc` of the common integer codes. The v2 documents show `{"code": 4100, "codeDesc":
/// "AuthFailure"}` in an example; for the other codes no example was found, so these follow the names
/// the same errors have in API 3.0 (unverified).
fn common_code_desc(code: i64) -> &'static str {
    match code {
        4000 => "InvalidParameter",
        4100 => "AuthFailure",
        4101..=4103 | 4110 => "UnauthorizedOperation",
        4104 => "AuthFailure.SecretIdNotFound",
        4105 => "AuthFailure.TokenFailure",
        4106 => "AuthFailure.MFAFailure",
        4200 => "RequestExpired",
        4300 => "AccessDenied",
        4400 => "RequestLimitExceeded",
        4500 => "ReplayAttack",
        4600 => "UnsupportedProtocol",
        5000 => "ResourceNotFound",
        5100 => "FailedOperation",
        6000 => "InternalError",
        6100 => "UnsupportedOperation",
        6200 => "ResourceUnavailable",
        _ => "InternalError",
    }
}

/// A common error by its integer code, message from the documents.
pub fn common_error(code: i64) -> ServiceError {
    let text = code.to_string();
    let mut e = ServiceError::of_api(API, &text)
        .unwrap_or_else(|| ServiceError::custom(String::new(), "", 200));
    e.code = common_code_desc(code).into();
    e.envelope_code = Some(code);
    e.http_status = 200;
    e
}

/// A business error of `op` (`InvalidVpnConn.NotFound`): `codeDesc` is the documented code. The documents
/// give no integer code for these, so not-found errors carry 5000 ("resource does not exist") and the
/// others 5100 ("resource operation failed").
pub fn business_error(op: &OperationMeta, code: &'static str) -> ServiceError {
    match op.documented_error(code) {
        Some(doc) => {
            let mut e = ServiceError::documented(doc);
            e.envelope_code =
                Some(
                    doc.envelope_code
                        .unwrap_or(if doc.not_found { 5000 } else { 5100 }),
                );
            e.http_status = 200;
            e
        }
        None => {
            let mut e = common_error(5100);
            e.code = code.into();
            e
        }
    }
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ServiceError {
    common_error(4000).with_message(message)
}

#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    code: i64,
    message: &'a str,
    #[serde(rename = "codeDesc")]
    code_desc: &'a str,
}

fn reply(body: Vec<u8>) -> Reply {
    Reply::new(200, content::TENCENT_JSON, body)
}

fn error_reply(e: &ServiceError) -> Reply {
    let body = ErrorEnvelope {
        code: e.envelope_code.unwrap_or(6000),
        message: &e.message,
        code_desc: &e.code,
    };
    reply(serde_json::to_vec(&body).unwrap_or_default())
}

/// Serves one Tencent v2 request.
pub(crate) async fn handle(shared: &Shared, req: Incoming) -> Outcome {
    match process(shared, &req).await {
        Ok(Some(body)) => Outcome::Reply(reply(body)),
        Ok(None) => Outcome::Drop,
        Err(e) => Outcome::Reply(error_reply(&e)),
    }
}

/// The answer to a request whose body exceeded the limit.
pub(crate) fn body_too_large(shared: &Shared) -> Outcome {
    Outcome::Reply(error_reply(&invalid(format!(
        "(emulator) the request body is larger than {} bytes",
        shared.limits.max_body_bytes
    ))))
}

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
        Problem::Missing => invalid(format!("(emulator) missing parameter {}", e.param)),
        _ => invalid(clip(e.to_string())),
    }
}

fn find<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The JSON body of a success, or `None` when a fault drops the connection.
async fn process(shared: &Shared, req: &Incoming) -> Result<Option<Vec<u8>>, ServiceError> {
    let limits = &shared.limits;
    let query = req.query();
    if query.len() > limits.max_query_bytes {
        return Err(invalid(format!(
            "(emulator) the query string is longer than {} bytes",
            limits.max_query_bytes
        )));
    }
    let mut pairs = encoding::form_decode(query).map_err(|e| {
        invalid(format!(
            "(emulator) the query string is not valid URL encoding: {e}"
        ))
    })?;
    if req.has_form_body() {
        let text = std::str::from_utf8(&req.body)
            .map_err(|_| invalid("(emulator) the form body is not valid UTF-8"))?;
        pairs.extend(encoding::form_decode(text).map_err(|e| {
            invalid(format!(
                "(emulator) the form body is not valid URL encoding: {e}"
            ))
        })?);
    }
    if pairs.len() > limits.max_params {
        return Err(invalid(format!(
            "(emulator) the request has more than {} parameters",
            limits.max_params
        )));
    }
    {
        let mut names: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(invalid(clip(format!(
                "(emulator) the parameter {:?} is given more than once",
                w[0]
            ))));
        }
    }

    let action =
        find(&pairs, "Action").ok_or_else(|| invalid("(emulator) missing parameter Action"))?;
    let op = operation(action, req)?;
    let key = authenticate(shared, req, &pairs)?;
    if !key.allows(op.action) {
        return Err(common_error(match key.principal {
            Principal::SubUser => 4101,
            Principal::Account => 4110,
        }));
    }
    let region_param = find(&pairs, "Region").filter(|r| !r.is_empty());
    let region =
        region::normalize_region(region_param.unwrap_or(&shared.tencent_default_region)).to_owned();

    let params = Params::from_pairs(op.action, pairs).map_err(validation_error)?;
    let request = match Request::from_params(op.action, &params) {
        Some(parsed) => parsed.map_err(validation_error)?,
        None => return Err(common_error(6100)),
    };
    if let Err(e) = request.clone().dispatch(Inspect).validation {
        return Err(validation_error(e));
    }

    if let Some(fault) = shared.faults.decide("tencent", op.action) {
        if !fault.latency.is_zero() {
            tokio::time::sleep(fault.latency).await;
        }
        if fault.drop_connection {
            return Ok(None);
        }
        if let Some((code, status, message)) = fault.error {
            return Err(fault_error(op, &code, status, message));
        }
    }

    let ctx = behaviour::Ctx {
        account: &key.account,
        region: &region,
        now_ms: clock::now_ms(),
        transitions: shared.transitions(),
    };
    let (result, version) = shared
        .store
        .update(|world, fx| behaviour::execute(world, fx, &ctx, request));
    // Every answer waits, errors included, when the call made or saw a change not yet on disk: a
    // "not found" may rest on a deletion that is then undone, and no answer may show what may be undone.
    if let Some(version) = version {
        shared.store.saved(version).await.map_err(|e| {
            common_error(6000).with_message(format!("(emulator) nothing was changed; {e}"))
        })?;
    }
    Ok(Some(result?))
}

fn operation(action: &str, req: &Incoming) -> Result<&'static OperationMeta, ServiceError> {
    let op = tencent_vpc_v2::OPERATIONS
        .iter()
        .copied()
        .find(|o| o.action == action)
        .ok_or_else(|| {
            common_error(6100).with_message(clip(format!(
                "(emulator) {action:?} is not an action of this module"
            )))
        })?;
    let method = match req.method.as_str() {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        other => {
            return Err(invalid(clip(format!(
                "(emulator) method {other} is not supported; use GET or POST"
            ))));
        }
    };
    if !op.methods.contains(&method) {
        return Err(invalid(format!(
            "(emulator) {} does not accept {}",
            op.action,
            method.as_str()
        )));
    }
    Ok(op)
}

fn authenticate<'s>(
    shared: &'s Shared,
    req: &Incoming,
    pairs: &[(String, String)],
) -> Result<&'s Key, ServiceError> {
    let secret_id =
        find(pairs, "SecretId").ok_or_else(|| invalid("(emulator) missing parameter SecretId"))?;
    let key = shared
        .credentials
        .tencent(secret_id)
        .ok_or_else(|| common_error(4104))?;
    if !key.enabled {
        return Err(common_error(4300));
    }
    match tencent_v2::verify(key.secret(), req.method.as_str(), req.host(), PATH, pairs) {
        Ok(()) => {}
        Err(tencent_v2::V2Error::MissingSignature) => {
            return Err(invalid("(emulator) missing parameter Signature"));
        }
        Err(_) => return Err(common_error(4100)),
    }
    let timestamp = find(pairs, "Timestamp")
        .ok_or_else(|| invalid("(emulator) missing parameter Timestamp"))?;
    let signed: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| invalid("(emulator) Timestamp must be an integer (UNIX seconds)"))?;
    let window = API.timestamp_window_seconds;
    // One clock reading for both checks, so a nonce cannot be forgotten between them.
    let now = clock::now_secs();
    if !auth::within_window(signed, now, window) {
        return Err(common_error(4500));
    }
    let nonce =
        find(pairs, "Nonce").ok_or_else(|| invalid("(emulator) missing parameter Nonce"))?;
    if nonce.parse::<u64>().is_err() {
        return Err(invalid("(emulator) Nonce must be a positive integer"));
    }
    let keep_until = auth::nonce_keep_until_secs(signed, window);
    let now = u64::try_from(now).unwrap_or(0);
    match shared
        .nonces
        .first_use("tencent", &key.id, nonce, keep_until, now)
    {
        NonceCheck::Fresh => {}
        NonceCheck::Replay => return Err(common_error(4500)),
        // Refusing is safe; forgetting a nonce that can still be replayed is not.
        NonceCheck::Full => {
            return Err(common_error(4400).with_message(
                "(emulator) too many requests inside the timestamp window: every nonce is kept until its \
                 Timestamp leaves the window, and the replay cache is full; try again later",
            ));
        }
    }
    Ok(key)
}

/// The error a fault rule asks for: a business code of the operation, a common integer code (`"6000"`),
/// or any other `codeDesc`; `status` overrides the integer code.
fn fault_error(
    op: &OperationMeta,
    code: &str,
    status: Option<u16>,
    message: Option<String>,
) -> ServiceError {
    let mut e = if let Ok(n) = code.parse::<i64>() {
        common_error(n)
    } else if let Some(doc) = op.documented_error(code) {
        business_error(op, doc.code)
    } else {
        let mut e = common_error(5100);
        e.code = code.to_owned().into();
        e
    };
    if let Some(status) = status {
        e.envelope_code = Some(i64::from(status));
    }
    if let Some(message) = message {
        e.message = message.into();
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::Operation;

    #[test]
    fn common_errors_carry_their_integer_code_and_document_text() {
        let e = common_error(4100);
        assert_eq!(
            (e.code.as_ref(), e.envelope_code),
            ("AuthFailure", Some(4100))
        );
        assert!(e.message.contains("身份认证失败"), "{}", e.message);
    }

    #[test]
    fn business_errors_keep_their_code_desc() {
        let op = tencent_vpc_v2::DeleteVpnConnRequest::META;
        let e = business_error(op, "InvalidVpnConn.NotFound");
        assert_eq!(
            (e.code.as_ref(), e.envelope_code),
            ("InvalidVpnConn.NotFound", Some(5000))
        );
        let e = business_error(op, "InvalidVpnConnState");
        assert_eq!(e.envelope_code, Some(5100));
    }
}
