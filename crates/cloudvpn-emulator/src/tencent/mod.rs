//! Tencent Cloud API v2 at `/v2/index.php`: GET (query) or POST (form), `HmacSHA1` / `HmacSHA256`
//! signatures over `METHOD + Host + path + ? + sorted params`, and every answer — errors included — as
//! HTTP 200 with `Content-Type: application/json` and the `{code, message, codeDesc, data}` envelope.
//!
//! Checks, in order (integer `code` in brackets): the parameters decode and are unique (4000); `Action`
//! names an operation of a v2 API of the specs (4000 when missing, 6100 when unknown; v2 carries no
//! version, so the action alone picks the API among them); `SecretId` is known (4104) and
//! enabled (4300); the signature verifies (4100); `Timestamp` is within the documented window and `Nonce`
//! is new (4500); the key may call the action (4101 sub-user, 4110 other keys); the operation's parameters
//! parse and meet their constraints (4000); fault rules; then the behaviour.
//!
//! The order is the [`crate::pipeline`]'s; this module is the protocol's front end.

pub(crate) mod api3;
pub(crate) mod behaviour;
mod describe;
pub(crate) mod region;

use crate::auth;
use crate::clock;
use crate::credentials::{Caller, Principal};
use crate::error::ServiceError;
use crate::http::{Incoming, Outcome, Reply, content};
use crate::nonces::NonceCheck;
use crate::pipeline::{self, Complaint, Decoded, Frontend, Named, Part, clip};
use crate::server::Shared;
use crate::store::SaveError;
use cloudvpn_signing::tencent_v2;
use cloudvpn_types::error::Problem;
use cloudvpn_types::meta::{ApiMeta, DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::tencent_vpc_v2;
use cloudvpn_types::tencent_vpc_v2::codes::documented as common;
use cloudvpn_types::{BuildError, ErrorInfo, OperationError, ValidationError};
use serde::Serialize;

/// Where the protocol's common errors (the integer codes) are transcribed, with their documented texts.
const API: &ApiMeta = &tencent_vpc_v2::API;

/// The request path every v2 signature covers.
pub const PATH: &str = "/v2/index.php";

/// The `codeDesc` of an integer code the specs name none for (5200-5500, or a fault rule's own integer).
const UNNAMED_CODE_DESC: &str = "InternalError";

/// A common error, named by its generated metadata (`common::AUTHENTICATION_FAILED`, so a misspelt one
/// does not compile): its integer code, its `codeDesc` and its documented text all come from the spec.
pub fn common_error(doc: &'static DocumentedError) -> ServiceError {
    let mut e = ServiceError::documented(doc);
    e.code = doc.code_desc.unwrap_or(UNNAMED_CODE_DESC).into();
    e.http_status = 200;
    e
}

/// A common error by its integer code, for the codes that arrive as text (a fault rule's `"6000"`, a
/// behaviour's error). An integer the specs do not list is still answered with it, without a text.
fn numbered_error(code: i64) -> ServiceError {
    match API
        .common_errors
        .iter()
        .find(|e| e.matches(&code.to_string()))
    {
        Some(doc) => common_error(doc),
        None => {
            let mut e = ServiceError::custom(UNNAMED_CODE_DESC, "", 200);
            e.envelope_code = Some(code);
            e
        }
    }
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
            let mut e = common_error(common::RESOURCE_OPERATION_FAILED);
            e.code = code.into();
            e
        }
    }
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ServiceError {
    common_error(common::INVALID_REQUEST_PARAMETER).with_message(message)
}

/// A response the behaviour could not build (a bug, not the caller's fault): code 6000.
fn internal<E: OperationError>(e: BuildError) -> E {
    let error = common_error(common::INTERNAL_SERVER_ERROR);
    E::from_info(ErrorInfo {
        code: "6000".to_owned(),
        message: format!("(emulator) {e}"),
        envelope_code: error.envelope_code,
        ..ErrorInfo::default()
    })
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

/// An error in the v2 envelope (HTTP 200, like every v2 answer).
pub(crate) fn error_reply(e: &ServiceError) -> Reply {
    let body = ErrorEnvelope {
        code: e.envelope_code.unwrap_or(6000),
        message: &e.message,
        code_desc: &e.code,
    };
    reply(serde_json::to_vec(&body).unwrap_or_default())
}

/// The Tencent v2 front end.
pub(crate) struct TencentV2;

impl Frontend for TencentV2 {
    const PROTOCOL: Protocol = Protocol::TencentV2;
    type Exchange = ();
    const NAMESPACE: &'static str = "tencent";
    const THROTTLING_CODE: &'static str = cloudvpn_types::tencent_vpc_v2::codes::QUOTA_EXCEEDED;

    fn begin(&self, _req: &Incoming) {}

    /// The query's and the form body's parameters as one list, as the signature covers them.
    fn decode(&self, shared: &Shared, req: &Incoming) -> Result<Decoded, ServiceError> {
        let mut decoded = pipeline::decode_form(self, shared, req)?;
        let body = std::mem::take(&mut decoded.body);
        decoded.query.extend(body);
        Ok(decoded)
    }

    fn complaint(&self, complaint: Complaint<'_>) -> ServiceError {
        let part = |p| match p {
            Part::Query => "query string",
            Part::Body => "form body",
        };
        match complaint {
            Complaint::QueryTooLong(max) => invalid(format!(
                "(emulator) the query string is longer than {max} bytes"
            )),
            Complaint::NotUrlEncoded(p, e) => invalid(format!(
                "(emulator) the {} is not valid URL encoding: {e}",
                part(p)
            )),
            Complaint::BodyNotUtf8 => invalid("(emulator) the form body is not valid UTF-8"),
            Complaint::TooManyParams(max) => invalid(format!(
                "(emulator) the request has more than {max} parameters"
            )),
            Complaint::Repeated(name) => invalid(clip(format!(
                "(emulator) the parameter {name:?} is given more than once"
            ))),
            Complaint::BodyTooLarge(max) => invalid(format!(
                "(emulator) the request body is larger than {max} bytes"
            )),
            Complaint::UnknownAction(_, action) => common_error(common::VERSION_NOT_SUPPORTED)
                .with_message(clip(format!(
                    "(emulator) {action:?} is not an action of this module"
                ))),
            Complaint::UnsupportedMethod(other) => invalid(clip(format!(
                "(emulator) method {other} is not supported; use GET or POST"
            ))),
            Complaint::MethodNotAccepted(op, method) => invalid(format!(
                "(emulator) {} does not accept {}",
                op.action,
                method.as_str()
            )),
        }
    }

    /// v2 carries no version: the action alone names the operation (one endpoint per module).
    fn action<'r>(
        &self,
        _req: &'r Incoming,
        decoded: &'r Decoded,
    ) -> Result<Named<'r>, ServiceError> {
        let action = decoded
            .find("Action")
            .ok_or_else(|| invalid("(emulator) missing parameter Action"))?;
        Ok(Named {
            action,
            version: None,
        })
    }

    /// Not reached: a request without a version is routed by its action alone.
    fn unknown_version(&self, version: &str, _served: &[&'static ApiMeta]) -> ServiceError {
        common_error(common::VERSION_NOT_SUPPORTED).with_message(clip(format!(
            "(emulator) version {version:?} is not served"
        )))
    }

    fn authenticate<'s>(
        &self,
        shared: &'s Shared,
        api: &'static ApiMeta,
        req: &Incoming,
        decoded: &Decoded,
    ) -> Result<Caller<'s>, ServiceError> {
        authenticate(shared, api, req, decoded)
    }

    fn forbidden(&self, _op: &'static OperationMeta, principal: Principal) -> ServiceError {
        common_error(match principal {
            Principal::SubUser => common::UNAUTHORIZED_API,
            Principal::Account => common::CAM_AUTH_FAILED,
        })
    }

    fn region(&self, shared: &Shared, _req: &Incoming, decoded: &Decoded) -> String {
        let param = decoded.find("Region").filter(|r| !r.is_empty());
        region::normalize_region(param.unwrap_or(&shared.tencent_default_region)).to_owned()
    }

    fn validation_error(&self, e: ValidationError) -> ServiceError {
        match e.problem {
            Problem::Missing => invalid(format!("(emulator) missing parameter {}", e.param)),
            _ => invalid(clip(e.to_string())),
        }
    }

    fn fault_error(
        &self,
        op: &'static OperationMeta,
        code: String,
        status: Option<u16>,
        message: Option<String>,
    ) -> ServiceError {
        fault_error(op, &code, status, message)
    }

    /// A common error (its code is the integer) or a business error of the operation.
    fn behaviour_error(&self, op: &'static OperationMeta, info: ErrorInfo) -> ServiceError {
        let e = match info.code.parse::<i64>() {
            Ok(n) => numbered_error(n),
            Err(_) => match op.documented_error(&info.code) {
                Some(doc) => business_error(op, doc.code),
                None => {
                    let mut e = common_error(common::RESOURCE_OPERATION_FAILED);
                    e.code = info.code.into();
                    e
                }
            },
        };
        e.with_message(info.message)
    }

    fn not_saved(&self, e: SaveError) -> ServiceError {
        common_error(common::INTERNAL_SERVER_ERROR)
            .with_message(format!("(emulator) nothing was changed; {e}"))
    }

    fn success(
        &self,
        _exchange: &(),
        _op: &'static OperationMeta,
        body: Vec<u8>,
        _replayed_id: Option<&str>,
    ) -> Reply {
        reply(body)
    }

    fn error(&self, _exchange: &(), _req: &Incoming, e: &ServiceError) -> Reply {
        error_reply(e)
    }
}

/// Serves one Tencent v2 request.
pub(crate) async fn handle(shared: &Shared, req: Incoming) -> Outcome {
    pipeline::handle(shared, &TencentV2, req).await
}

/// The answer to a request whose body exceeded the limit.
pub(crate) fn body_too_large(shared: &Shared, req: &Incoming) -> Outcome {
    pipeline::body_too_large(shared, &TencentV2, req)
}

fn authenticate<'s>(
    shared: &'s Shared,
    api: &ApiMeta,
    req: &Incoming,
    decoded: &Decoded,
) -> Result<Caller<'s>, ServiceError> {
    // One list: `decode` put the form body's parameters after the query's.
    let pairs = decoded.query.as_slice();
    let secret_id = decoded
        .find("SecretId")
        .ok_or_else(|| invalid("(emulator) missing parameter SecretId"))?;
    // A configured key, else a temporary one the emulator issued.
    let key = match shared.credentials.tencent(secret_id) {
        Some(key) => std::borrow::Cow::Borrowed(key),
        None => std::borrow::Cow::Owned(
            shared
                .sts
                .key(crate::sts::trust::Cloud::Tencent, secret_id)
                .map(|k| (*k).clone())
                .ok_or_else(|| common_error(common::SECRET_ID_NOT_FOUND))?,
        ),
    };
    if !key.enabled {
        return Err(common_error(common::ACCESS_DENIED));
    }
    match tencent_v2::verify(key.secret(), req.method.as_str(), req.host(), PATH, pairs) {
        Ok(()) => {}
        Err(tencent_v2::V2Error::MissingSignature) => {
            return Err(invalid("(emulator) missing parameter Signature"));
        }
        Err(_) => return Err(common_error(common::AUTHENTICATION_FAILED)),
    }
    let timestamp = decoded
        .find("Timestamp")
        .ok_or_else(|| invalid("(emulator) missing parameter Timestamp"))?;
    let signed: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| invalid("(emulator) Timestamp must be an integer (UNIX seconds)"))?;
    let window = api.timestamp_window_seconds;
    // One clock reading for both checks, so a nonce cannot be forgotten between them.
    let now = clock::now_secs();
    if !auth::within_window(signed, now, window) {
        return Err(common_error(common::REPLAY_ATTACK));
    }
    let nonce = decoded
        .find("Nonce")
        .ok_or_else(|| invalid("(emulator) missing parameter Nonce"))?;
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
        NonceCheck::Replay => return Err(common_error(common::REPLAY_ATTACK)),
        // Refusing is safe; forgetting a nonce that can still be replayed is not.
        NonceCheck::Full => {
            return Err(common_error(common::QUOTA_EXCEEDED).with_message(
                "(emulator) too many requests inside the timestamp window: every nonce is kept until its \
                 Timestamp leaves the window, and the replay cache is full; try again later",
            ));
        }
    }
    // A temporary key's `Token` (signed like every parameter) and expiry: 4105, the token error.
    if let Err(problem) = auth::check_session(&key, decoded.find("Token"), clock::now_ms()) {
        let why = match problem {
            auth::TokenProblem::Missing => {
                "(emulator) this temporary key's requests must carry its Token"
            }
            auth::TokenProblem::Mismatch => "(emulator) the Token is not this temporary key's",
            auth::TokenProblem::Expired => "(emulator) the Token has expired",
        };
        return Err(common_error(common::TOKEN_ERROR).with_message(why));
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
        numbered_error(n)
    } else if let Some(doc) = op.documented_error(code) {
        business_error(op, doc.code)
    } else {
        let mut e = common_error(common::RESOURCE_OPERATION_FAILED);
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
        let e = common_error(common::AUTHENTICATION_FAILED);
        assert_eq!(
            (e.code.as_ref(), e.envelope_code),
            ("AuthFailure", Some(4100))
        );
        assert!(e.message.contains("身份认证失败"), "{}", e.message);
    }

    /// The envelope of every common code the emulator answers, pinned: the spec's `code_desc` and the
    /// generated constants must keep answering what the hand-written table did.
    #[test]
    fn every_common_code_the_emulator_answers_keeps_its_code_desc() {
        let answered = [
            (common::INVALID_REQUEST_PARAMETER, 4000, "InvalidParameter"),
            (common::AUTHENTICATION_FAILED, 4100, "AuthFailure"),
            (common::UNAUTHORIZED_API, 4101, "UnauthorizedOperation"),
            (
                common::SECRET_ID_NOT_FOUND,
                4104,
                "AuthFailure.SecretIdNotFound",
            ),
            (common::TOKEN_ERROR, 4105, "AuthFailure.TokenFailure"),
            (common::CAM_AUTH_FAILED, 4110, "UnauthorizedOperation"),
            (common::ACCESS_DENIED, 4300, "AccessDenied"),
            (common::QUOTA_EXCEEDED, 4400, "RequestLimitExceeded"),
            (common::REPLAY_ATTACK, 4500, "ReplayAttack"),
            (common::RESOURCE_OPERATION_FAILED, 5100, "FailedOperation"),
            (common::INTERNAL_SERVER_ERROR, 6000, "InternalError"),
            (common::VERSION_NOT_SUPPORTED, 6100, "UnsupportedOperation"),
        ];
        for (doc, code, code_desc) in answered {
            let e = common_error(doc);
            assert_eq!(
                (e.code.as_ref(), e.envelope_code, e.http_status),
                (code_desc, Some(code), 200),
                "{}",
                doc.code
            );
            assert_eq!(numbered_error(code), e, "a fault rule's {code:?}");
        }
    }

    /// Codes given as text keep the old answers where the specs name no `codeDesc`.
    #[test]
    fn an_integer_code_without_a_code_desc_answers_internal_error() {
        let e = numbered_error(5200);
        assert_eq!(
            (e.code.as_ref(), e.envelope_code),
            ("InternalError", Some(5200))
        );
        assert!(!e.message.is_empty(), "5200 keeps its documented text");
        let e = numbered_error(7000);
        assert_eq!(
            (e.code.as_ref(), e.message.as_ref(), e.envelope_code),
            ("InternalError", "", Some(7000))
        );
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
