//! Alibaba Cloud RPC at `/`: parameters from the query and a form body together, V3 `ACS3-HMAC-SHA256`
//! headers or a v1 `Signature` parameter, JSON or XML answers, and the real error codes for each check.
//!
//! Checks, in order (each failure answers the code in brackets):
//! 1. the parameters decode, are few enough and unique (`InvalidParameter`);
//! 2. `Action` / `x-acs-action` and `Version` / `x-acs-version` name an operation of an API of the
//!    protocol: the version picks the API among them, the action its operation (`MissingParameter`,
//!    `InvalidVersion`, `InvalidAction.NotFound`);
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
//!
//! The order is the [`crate::pipeline`]'s; this module is the protocol's front end, for every API of it.
//! The protocol's common errors (signature, timestamp, throttling, …) are worded as the VPC spec
//! transcribes the provider's common-error table ([`API`]).

mod auth;
pub(crate) mod behaviour;
mod describe;
pub(crate) mod render;

use crate::credentials::{Caller, Principal};
use crate::error::{ServiceError, api_error};
use crate::http::{Incoming, Reply};
use crate::ids::RequestId;
use crate::pipeline::{self, Complaint, Decoded, Frontend, Named, Part, clip};
use crate::server::Shared;
use crate::store::SaveError;
use cloudvpn_types::alibaba_vpc;
use cloudvpn_types::alibaba_vpc::codes;
use cloudvpn_types::error::Problem;
use cloudvpn_types::meta::{ApiMeta, OperationMeta, Protocol};
use cloudvpn_types::{BuildError, ErrorInfo, OperationError, ValidationError};
use render::Format;

/// Where the protocol's common errors are transcribed, with their documented messages and statuses: the
/// errors every API of the protocol shares (the provider's common-error table), not this API's own.
const API: &ApiMeta = &alibaba_vpc::API;

/// The Alibaba RPC front end.
pub(crate) struct AlibabaRpc;

/// One Alibaba exchange: its request id and the answer format the caller asked for.
pub(crate) struct Exchange {
    request_id: RequestId,
    format: Format,
}

fn invalid(message: impl Into<std::borrow::Cow<'static, str>>) -> ServiceError {
    api_error(API, codes::INVALID_PARAMETER, 400).with_message(message)
}

fn missing(name: &str) -> ServiceError {
    api_error(API, codes::MISSING_PARAMETER, 400).fill("\"X\"", &format!("\"{name}\""))
}

/// A response the behaviour could not build (a bug, not the caller's fault): `InternalError`.
fn internal<E: OperationError>(e: BuildError) -> E {
    let error = api_error(API, codes::INTERNAL_ERROR, 500);
    E::from_info(ErrorInfo {
        code: error.code.into_owned(),
        message: format!("(emulator) {e}"),
        http_status: Some(error.http_status),
        ..ErrorInfo::default()
    })
}

fn host_id(req: &Incoming) -> &str {
    match req.host() {
        "" => "vpc.aliyuncs.com",
        host => host,
    }
}

fn is_v3(req: &Incoming) -> bool {
    req.header("authorization")
        .is_some_and(|a| a.trim_start().starts_with("ACS3-"))
}

impl Frontend for AlibabaRpc {
    const PROTOCOL: Protocol = Protocol::AlibabaRpc;
    type Exchange = Exchange;
    const NAMESPACE: &'static str = "alibaba";
    const THROTTLING_CODE: &'static str = codes::THROTTLING_USER;

    fn begin(&self, _req: &Incoming) -> Exchange {
        Exchange {
            request_id: RequestId::new(),
            format: Format::Json,
        }
    }

    fn request_id<'e>(&self, exchange: &'e Exchange) -> &'e str {
        exchange.request_id.as_str()
    }

    fn decoded(&self, exchange: &mut Exchange, decoded: &Decoded) {
        exchange.format = Format::from_param(decoded.find("Format"));
    }

    fn complaint(&self, complaint: Complaint<'_>) -> ServiceError {
        let part = |p| match p {
            Part::Query => "query string",
            Part::Body => "form body",
        };
        match complaint {
            Complaint::QueryTooLong(max) => {
                invalid(format!("The query string is longer than {max} bytes."))
            }
            Complaint::NotUrlEncoded(p, e) => {
                invalid(format!("The {} is not valid URL encoding: {e}.", part(p)))
            }
            Complaint::BodyNotUtf8 => invalid("The form body is not valid UTF-8."),
            Complaint::TooManyParams(max) => {
                invalid(format!("The request has more than {max} parameters."))
            }
            Complaint::Repeated(name) => invalid(clip(format!(
                "The parameter {name:?} is given more than once."
            ))),
            Complaint::BodyTooLarge(max) => {
                invalid(format!("The request body is larger than {max} bytes."))
            }
            Complaint::UnknownAction(..)
            | Complaint::UnsupportedMethod(_)
            | Complaint::MethodNotAccepted(..) => {
                api_error(API, codes::INVALID_ACTION_NOT_FOUND, 400)
            }
        }
    }

    fn action<'r>(
        &self,
        req: &'r Incoming,
        decoded: &'r Decoded,
    ) -> Result<Named<'r>, ServiceError> {
        let v3 = is_v3(req);
        let pick = |header: &str, param: &str| {
            if v3 {
                req.header(header).or_else(|| decoded.find(param))
            } else {
                decoded.find(param)
            }
        };
        let action = pick("x-acs-action", "Action").ok_or_else(|| missing("Action"))?;
        let version = pick("x-acs-version", "Version").ok_or_else(|| missing("Version"))?;
        Ok(Named {
            action,
            version: Some(version),
        })
    }

    /// As the service answers a version it does not have (`InvalidVersion`, its documented message).
    fn unknown_version(&self, _version: &str, _served: &[&'static ApiMeta]) -> ServiceError {
        api_error(API, codes::INVALID_VERSION, 400)
    }

    fn authenticate<'s>(
        &self,
        shared: &'s Shared,
        api: &'static ApiMeta,
        req: &Incoming,
        decoded: &Decoded,
    ) -> Result<Caller<'s>, ServiceError> {
        if is_v3(req) {
            auth::v3(shared, api, req, &decoded.query)
        } else {
            auth::v1(shared, api, req, decoded)
        }
    }

    fn forbidden(&self, op: &'static OperationMeta, principal: Principal) -> ServiceError {
        let candidates: &[&str] = match principal {
            Principal::SubUser => &[
                codes::FORBBIDEN_SUB_USER,
                codes::FORBIDDEN,
                codes::NO_PERMISSION,
            ],
            Principal::Account => &[codes::FORBIDDEN, codes::NO_PERMISSION],
        };
        let e = ServiceError::first_documented(op, candidates)
            .unwrap_or_else(|| ServiceError::custom(codes::NO_PERMISSION, "", 403));
        if e.message.is_empty() {
            e.with_message(
                "You are not authorized to do this action. You should be authorized by RAM.",
            )
        } else {
            e
        }
    }

    fn validation_error(&self, e: ValidationError) -> ServiceError {
        match e.problem {
            Problem::Missing | Problem::Empty => missing(&e.param),
            _ => invalid(clip(e.to_string())),
        }
    }

    /// Documented status and message unless the rule overrides them.
    fn fault_error(
        &self,
        op: &'static OperationMeta,
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

    fn behaviour_error(&self, _op: &'static OperationMeta, info: ErrorInfo) -> ServiceError {
        ServiceError::custom(info.code, info.message, info.http_status.unwrap_or(400))
    }

    fn not_saved(&self, e: SaveError) -> ServiceError {
        api_error(API, codes::INTERNAL_ERROR, 500)
            .with_message(format!("Nothing was changed; {e}."))
    }

    fn success(
        &self,
        exchange: &Exchange,
        op: &'static OperationMeta,
        body: Vec<u8>,
        replayed_id: Option<&str>,
    ) -> Reply {
        let id = replayed_id.unwrap_or(exchange.request_id.as_str());
        render::success(op.action, body, exchange.format, id)
    }

    fn error(&self, exchange: &Exchange, req: &Incoming, e: &ServiceError) -> Reply {
        render::error(
            e,
            exchange.request_id.as_str(),
            host_id(req),
            exchange.format,
        )
    }
}

/// Serves one Alibaba request.
pub(crate) async fn handle(shared: &Shared, req: Incoming) -> crate::http::Outcome {
    pipeline::handle(shared, &AlibabaRpc, req).await
}

/// The answer to a request whose body exceeded the limit (it was not read, so it is answered in JSON).
pub(crate) fn body_too_large(shared: &Shared, req: &Incoming) -> crate::http::Outcome {
    pipeline::body_too_large(shared, &AlibabaRpc, req)
}
