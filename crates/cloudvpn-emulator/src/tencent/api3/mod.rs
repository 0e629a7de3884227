//! Tencent Cloud API 3.0 (VPC `2017-03-12`) at `/`: `TC3-HMAC-SHA256` (POST with a JSON body, or GET)
//! and the old-style 3.0 form signature (`HmacSHA1` / `HmacSHA256` with `SecretId`, `Nonce`,
//! `Timestamp`, `Signature`), every answer HTTP 200 with `Content-Type: application/json` and
//! `{"Response": {..., "RequestId"}}`, errors in `Response.Error`.
//!
//! Checks, in order (code in brackets): the parameters decode and are unique (`InvalidParameter`);
//! `X-TC-Version` / `Version` names an API of the protocol (`MissingParameter`, `NoSuchVersion`) and
//! `X-TC-Action` / `Action` an operation of it (`MissingParameter`, `InvalidAction`); the key is known and enabled (`AuthFailure.SecretIdNotFound`), the signature
//! verifies over the raw body, the received `Content-Type` and `Host` (`AuthFailure.SignatureFailure`),
//! the timestamp is within 5 minutes (`AuthFailure.SignatureExpire`) and, for the form signature, its
//! `Nonce` is new (`AuthFailure.SignatureFailure`; TC3 has no nonce, so its replays are bounded by the
//! window only); the key may call the action
//! (`UnauthorizedOperation`); then the pipeline's parameter checks, faults and the behaviour
//! ([`behaviour`]). The region is `X-TC-Region` / `Region`, normalised as for v2, so both APIs see one
//! world.
//!
//! The front end serves every API 3.0 API of the specs (the version picks it; the TC3 credential scope
//! names its service); the protocol's common errors are worded as the VPC spec transcribes the common
//! error table ([`COMMON`]).

mod auth;
pub(crate) mod behaviour;
mod id_format;
mod lists;

use crate::credentials::{Caller, Principal};
use crate::error::{ServiceError, api_error};
use crate::http::{Incoming, Outcome, Reply, content};
use crate::ids::RequestId;
use crate::pipeline::{self, Complaint, Decoded, Frontend, Named, clip};
use crate::server::Shared;
use crate::store::SaveError;
use crate::tencent::region;
use cloudvpn_types::error::Problem;
use cloudvpn_types::meta::{ApiMeta, OperationMeta, Protocol};
use cloudvpn_types::tencent_vpc;
use cloudvpn_types::tencent_vpc::codes;
use cloudvpn_types::{BuildError, ErrorInfo, OperationError, Params, ValidationError};
use serde::Serialize;

/// Where the protocol's common errors are transcribed, with their documented messages: the errors every
/// API 3.0 API shares (the common error-code table), not this API's own.
const COMMON: &ApiMeta = &tencent_vpc::API;

/// Whether a request at `/` is API 3.0: an `X-TC-Action` header, a `TC3-HMAC-SHA256` authorization, or
/// the old-style form's `SecretId` and `Nonce` parameters (in the query or a form body).
pub(crate) fn claims(req: &Incoming) -> bool {
    if claims_head(&req.headers) {
        return true;
    }
    let has = |text: &str, name: &str| {
        text.split('&')
            .any(|pair| pair.split('=').next() == Some(name))
    };
    let body = if req.has_form_body() {
        std::str::from_utf8(&req.body).unwrap_or("")
    } else {
        ""
    };
    let query = req.query();
    (has(query, "SecretId") || has(body, "SecretId")) && (has(query, "Nonce") || has(body, "Nonce"))
}

/// Whether the headers alone show an API 3.0 request (`X-TC-Action`, a TC3 authorization).
pub(crate) fn claims_head(headers: &hyper::HeaderMap) -> bool {
    headers.contains_key("x-tc-action")
        || headers
            .get("authorization")
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.trim_start().starts_with("TC3-"))
}

fn is_tc3(req: &Incoming) -> bool {
    req.header("authorization")
        .is_some_and(|a| a.trim_start().starts_with("TC3-"))
}

/// `Authorization: SKIP`: the TC3 form of an unsigned call (the Go SDK's `SkipSign`, used for
/// AssumeRoleWithWebIdentity), whose parameters are a JSON body like a signed TC3 POST's.
fn is_tc3_unsigned(req: &Incoming) -> bool {
    req.header("authorization")
        .is_some_and(|a| a.trim() == "SKIP")
}

fn error(code: &'static str) -> ServiceError {
    api_error(COMMON, code, 200)
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ServiceError {
    error(codes::INVALID_PARAMETER).with_message(message)
}

fn missing(name: &str) -> ServiceError {
    error(codes::MISSING_PARAMETER).with_message(clip(format!(
        "(emulator) the request has no {name}; send it"
    )))
}

/// A response the behaviour could not build (a bug, not the caller's fault): `InternalError`.
fn internal<E: OperationError>(e: BuildError) -> E {
    E::from_info(ErrorInfo {
        code: codes::INTERNAL_ERROR.to_owned(),
        message: format!("(emulator) {e}"),
        ..ErrorInfo::default()
    })
}

/// The API 3.0 front end.
pub(crate) struct TencentApi3;

/// One exchange: its request id (also the `TaskId` of an asynchronous deletion).
pub(crate) struct Exchange {
    request_id: RequestId,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    #[serde(rename = "Code")]
    code: &'a str,
    #[serde(rename = "Message")]
    message: &'a str,
}

#[derive(Serialize)]
struct ErrorResponse<'a> {
    #[serde(rename = "Error")]
    error: ErrorBody<'a>,
    #[serde(rename = "RequestId")]
    request_id: &'a str,
}

#[derive(Serialize)]
struct Envelope<T> {
    #[serde(rename = "Response")]
    response: T,
}

fn reply(body: Vec<u8>) -> Reply {
    Reply::new(200, content::TENCENT_JSON, body)
}

/// An error in the 3.0 envelope (HTTP 200, like every 3.0 answer).
pub(crate) fn error_reply(e: &ServiceError, request_id: &str) -> Reply {
    let body = Envelope {
        response: ErrorResponse {
            error: ErrorBody {
                code: &e.code,
                message: &e.message,
            },
            request_id,
        },
    };
    reply(serde_json::to_vec(&body).unwrap_or_default())
}

fn is_json(req: &Incoming) -> bool {
    req.header("content-type").is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
    })
}

impl Frontend for TencentApi3 {
    const PROTOCOL: Protocol = Protocol::TencentApi3;
    type Exchange = Exchange;
    const NAMESPACE: &'static str = "tencent";
    const THROTTLING_CODE: &'static str = codes::REQUEST_LIMIT_EXCEEDED;

    fn begin(&self, _req: &Incoming) -> Exchange {
        Exchange {
            request_id: RequestId::new(),
        }
    }

    fn request_id<'e>(&self, exchange: &'e Exchange) -> &'e str {
        exchange.request_id.as_str()
    }

    /// A TC3 POST carries its parameters as a JSON object, flattened as the query would carry them
    /// (`Filters.0.Name`); anything else is a query and a form body.
    fn decode(&self, shared: &Shared, req: &Incoming) -> Result<Decoded, ServiceError> {
        if !((is_tc3(req) || is_tc3_unsigned(req)) && is_json(req) && !req.body.is_empty()) {
            return pipeline::decode_form(self, shared, req);
        }
        let mut decoded = pipeline::decode_form(self, shared, &without_body(req))?;
        let value: serde_json::Value = serde_json::from_slice(&req.body)
            .map_err(|e| invalid(clip(format!("(emulator) the body is not valid JSON: {e}"))))?;
        let params = Params::from_json("request", &value, Self::PROTOCOL.first_list_index())
            .map_err(|_| invalid("(emulator) the JSON body must be an object"))?;
        decoded.body = params
            .iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(decoded)
    }

    fn complaint(&self, complaint: Complaint<'_>) -> ServiceError {
        match complaint {
            Complaint::QueryTooLong(max) => invalid(format!(
                "(emulator) the query string is longer than {max} bytes"
            )),
            Complaint::NotUrlEncoded(_, e) => {
                invalid(clip(format!("(emulator) not valid URL encoding: {e}")))
            }
            Complaint::BodyNotUtf8 => invalid("(emulator) the form body is not valid UTF-8"),
            Complaint::TooManyParams(max) => invalid(format!(
                "(emulator) the request has more than {max} parameters"
            )),
            Complaint::Repeated(name) => invalid(clip(format!(
                "(emulator) the parameter {name:?} is given more than once"
            ))),
            Complaint::BodyTooLarge(max) => error(codes::REQUEST_SIZE_LIMIT_EXCEEDED).with_message(
                format!("(emulator) the request body is larger than {max} bytes"),
            ),
            Complaint::UnknownAction(api, action) => {
                error(codes::INVALID_ACTION).with_message(clip(format!(
                    "(emulator) {action:?} is not an action of {} {}",
                    api.service.to_uppercase(),
                    api.version
                )))
            }
            Complaint::UnsupportedMethod(other) => {
                error(codes::INVALID_REQUEST).with_message(clip(format!(
                    "(emulator) method {other} is not supported; use GET or POST"
                )))
            }
            Complaint::MethodNotAccepted(op, method) => {
                error(codes::INVALID_REQUEST).with_message(format!(
                    "(emulator) {} does not accept {}",
                    op.action,
                    method.as_str()
                ))
            }
        }
    }

    fn action<'r>(
        &self,
        req: &'r Incoming,
        decoded: &'r Decoded,
    ) -> Result<Named<'r>, ServiceError> {
        let pick = |header: &str, param: &str| req.header(header).or_else(|| decoded.find(param));
        let action = pick("x-tc-action", "Action").ok_or_else(|| missing("X-TC-Action"))?;
        let version = pick("x-tc-version", "Version").ok_or_else(|| missing("X-TC-Version"))?;
        Ok(Named {
            action,
            version: Some(version),
        })
    }

    /// `NoSuchVersion`, as the service answers a version it does not have ("The specified api
    /// version=`…` does not exist in service=`…`"); the emulator serves every API on one endpoint, so it
    /// names the versions it serves instead of one service.
    fn unknown_version(&self, version: &str, served: &[&'static ApiMeta]) -> ServiceError {
        let served: Vec<String> = served
            .iter()
            .map(|api| format!("{} {}", api.service.to_uppercase(), api.version))
            .collect();
        error(codes::NO_SUCH_VERSION).with_message(clip(format!(
            "(emulator) version {version:?} is not served; served: {}",
            served.join(", ")
        )))
    }

    fn authenticate<'s>(
        &self,
        shared: &'s Shared,
        api: &'static ApiMeta,
        req: &Incoming,
        decoded: &Decoded,
    ) -> Result<Caller<'s>, ServiceError> {
        if is_tc3(req) {
            auth::tc3(shared, api, req)
        } else {
            auth::form(shared, api, req, decoded)
        }
    }

    fn forbidden(&self, op: &'static OperationMeta, _principal: Principal) -> ServiceError {
        error(codes::UNAUTHORIZED_OPERATION)
            .with_message(format!("(emulator) this key may not call {}", op.action))
    }

    /// `X-TC-Region`, else `Region`, else the emulator's default, normalised as for v2 (one world).
    fn region(&self, shared: &Shared, req: &Incoming, decoded: &Decoded) -> String {
        let given = req
            .header("x-tc-region")
            .or_else(|| decoded.find("Region"))
            .filter(|r| !r.is_empty());
        region::normalize_region(given.unwrap_or(&shared.tencent_default_region)).to_owned()
    }

    fn validation_error(&self, e: ValidationError) -> ServiceError {
        match e.problem {
            Problem::Missing => missing(&e.param),
            _ => error(codes::INVALID_PARAMETER_VALUE).with_message(clip(e.to_string())),
        }
    }

    fn fault_error(
        &self,
        op: &'static OperationMeta,
        code: String,
        _status: Option<u16>,
        message: Option<String>,
    ) -> ServiceError {
        let mut e = ServiceError::of_operation(op, &code).unwrap_or_else(|| {
            ServiceError::custom(code, "Injected by a cloudvpn-emulator fault rule.", 200)
        });
        if let Some(message) = message {
            e.message = message.into();
        }
        e
    }

    fn behaviour_error(&self, _op: &'static OperationMeta, info: ErrorInfo) -> ServiceError {
        ServiceError::custom(info.code, info.message, 200)
    }

    fn not_saved(&self, e: SaveError) -> ServiceError {
        error(codes::INTERNAL_ERROR).with_message(format!("(emulator) nothing was changed; {e}"))
    }

    fn success(
        &self,
        _exchange: &Exchange,
        _op: &'static OperationMeta,
        body: Vec<u8>,
        _replayed_id: Option<&str>,
    ) -> Reply {
        let mut out = Vec::with_capacity(body.len() + 13);
        out.extend_from_slice(b"{\"Response\":");
        out.extend_from_slice(&body);
        out.push(b'}');
        reply(out)
    }

    fn error(&self, exchange: &Exchange, _req: &Incoming, e: &ServiceError) -> Reply {
        error_reply(e, exchange.request_id.as_str())
    }
}

/// The request without its body (a TC3 JSON body is not a form).
fn without_body(req: &Incoming) -> Incoming {
    Incoming {
        method: req.method.clone(),
        uri: req.uri.clone(),
        headers: hyper::HeaderMap::new(),
        body: bytes::Bytes::new(),
    }
}

/// Serves one API 3.0 request.
pub(crate) async fn handle(shared: &Shared, req: Incoming) -> Outcome {
    pipeline::handle(shared, &TencentApi3, req).await
}

/// The answer to a request whose body exceeded the limit.
pub(crate) fn body_too_large(shared: &Shared, req: &Incoming) -> Outcome {
    pipeline::body_too_large(shared, &TencentApi3, req)
}
