//! The one request pipeline every cloud API goes through, over a small per-protocol [`Frontend`]:
//!
//! limits and decoding → the API and operation (routed among the protocol's APIs by version and action)
//! → authentication → permission → parameters and their
//! documented constraints → fault rules → `ClientToken` → the behaviour (under the world's lock) → the
//! disk → the answer.
//!
//! A front end decodes, authenticates and renders in its protocol's words; everything else is here, once.
//! A front end serves every API of its protocol: the generated server side lists them
//! ([`generated::apis_of`]) and runs the routed API's behaviour ([`generated::Served`]), so a new API of a
//! protocol is served with no hand edit here or in the front end.

mod frontend;

pub(crate) use frontend::{Complaint, Decoded, Frontend, Named, Pairs, Part, clip, decode_form};

use crate::auth::{Inspect, Inspected};
use crate::behaviour::Ctx;
use crate::clock;
use crate::error::ServiceError;
use crate::generated::{self, Served, ServedVisitor};
use crate::http::{Incoming, Outcome};
use crate::idempotency::{self, Lookup, Record};
use crate::model::World;
use crate::server::Shared;
use crate::store::Effects;
use cloudvpn_types::meta::{ApiMeta, HttpMethod, OperationAuth, OperationMeta};
use cloudvpn_types::{ApiRequest, ErrorInfo, Params, ValidationError};

/// The API and operation a request names, among the APIs of `F`'s protocol: the APIs of its version (all
/// of them when the protocol carries none), then the one with its action; the spec loader refuses two
/// APIs that this could not tell apart.
fn route<F: Frontend>(
    front: &F,
    named: Named<'_>,
) -> Result<(&'static ApiMeta, &'static OperationMeta), ServiceError> {
    let served = generated::apis_of(F::PROTOCOL);
    let of_version = || {
        served
            .iter()
            .filter(move |(api, _)| named.version.is_none_or(|v| v == api.version))
    };
    let Some((first, _)) = of_version().next() else {
        let apis: Vec<&'static ApiMeta> = served.iter().map(|(api, _)| *api).collect();
        return Err(front.unknown_version(named.version.unwrap_or_default(), &apis));
    };
    of_version()
        .find_map(|(api, ops)| {
            ops.iter()
                .find(|o| o.action == named.action)
                .map(|op| (*api, *op))
        })
        .ok_or_else(|| front.complaint(Complaint::UnknownAction(first, named.action)))
}

/// Refuses a method the operation does not accept.
fn check_method<F: Frontend>(
    front: &F,
    op: &'static OperationMeta,
    req: &Incoming,
) -> Result<(), ServiceError> {
    let method = match req.method.as_str() {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        other => return Err(front.complaint(Complaint::UnsupportedMethod(other))),
    };
    if !op.methods.contains(&method) {
        return Err(front.complaint(Complaint::MethodNotAccepted(op, method)));
    }
    Ok(())
}

/// A parsed request of the routed API, checked against its documented constraints, as the job that runs
/// it under the world's lock (so that what follows the routing is not generic over the API).
type Job = Box<dyn FnOnce(&mut World, &mut Effects, &Ctx<'_>) -> Ran + Send>;

/// Parses `params` as a request of the API it visits and prepares its [`Job`].
struct Prepare<'p> {
    op: &'static OperationMeta,
    params: &'p Params,
}

impl ServedVisitor for Prepare<'_> {
    type Output = Option<Result<Job, ValidationError>>;

    fn visit<A: Served>(self) -> Self::Output {
        let op = self.op;
        let request = match A::from_params(op.action, self.params)? {
            Ok(request) => request,
            Err(e) => return Some(Err(e)),
        };
        let inspected = request.clone().dispatch(Inspect);
        if let Err(e) = inspected.validation {
            return Some(Err(e));
        }
        let job: Job =
            Box::new(move |world, fx, ctx| run::<A>(world, fx, ctx, op, request, inspected));
        Some(Ok(job))
    }
}

enum Answer {
    Body {
        op: &'static OperationMeta,
        body: Vec<u8>,
        /// The original request id of a replayed `ClientToken` answer.
        replayed_id: Option<String>,
    },
    Drop,
}

/// Serves one request of `front`'s protocol.
pub(crate) async fn handle<F: Frontend>(shared: &Shared, front: &F, req: Incoming) -> Outcome {
    let mut exchange = front.begin(&req);
    match process(shared, front, &req, &mut exchange).await {
        Ok(Answer::Body {
            op,
            body,
            replayed_id,
        }) => Outcome::Reply(front.success(&exchange, op, body, replayed_id.as_deref())),
        Ok(Answer::Drop) => Outcome::Drop,
        Err(e) => Outcome::Reply(front.error(&exchange, &req, &e)),
    }
}

/// The answer to a request whose body exceeded the limit (it was not read).
pub(crate) fn body_too_large<F: Frontend>(shared: &Shared, front: &F, req: &Incoming) -> Outcome {
    let exchange = front.begin(req);
    let e = front.complaint(Complaint::BodyTooLarge(shared.limits.max_body_bytes));
    Outcome::Reply(front.error(&exchange, req, &e))
}

async fn process<F: Frontend>(
    shared: &Shared,
    front: &F,
    req: &Incoming,
    exchange: &mut F::Exchange,
) -> Result<Answer, ServiceError> {
    let decoded = front.decode(shared, req)?;
    // Known before anything else can fail, so that every later error is rendered as the caller asked.
    front.decoded(exchange, &decoded);
    if decoded.len() > shared.limits.max_params {
        return Err(front.complaint(Complaint::TooManyParams(shared.limits.max_params)));
    }
    if let Some(name) = decoded.repeated_name() {
        return Err(front.complaint(Complaint::Repeated(name)));
    }

    let (api, op) = route(front, front.action(req, &decoded)?)?;
    check_method(front, op, req)?;
    // An unsigned operation (`auth: anonymous`, e.g. AssumeRoleWithOIDC) carries its own proof, which
    // its behaviour checks; everything else is signed by a key that may call it.
    let key = match op.auth {
        OperationAuth::Anonymous => None,
        OperationAuth::Signed => {
            let key = front.authenticate(shared, api, req, &decoded)?;
            if !key.allows(op.action) {
                return Err(front.forbidden(op, key.principal));
            }
            Some(key)
        }
    };
    // Unsigned calls are limited under the empty account, as one caller.
    let key = key.as_deref();
    let account = key.map_or("", |k| k.account.as_str());
    if let Err(rate) = shared.rate_limits.admit(F::NAMESPACE, account, op.action) {
        let message = format!("(emulator) more than {rate} {} calls per second", op.action);
        return Err(front.fault_error(op, F::THROTTLING_CODE.to_owned(), None, Some(message)));
    }
    let region = front.region(shared, req, &decoded);

    let params = Params::from_pairs(op.action, decoded.into_pairs())
        .map_err(|e| front.validation_error(e))?;
    let job = match generated::visit_served(
        api,
        Prepare {
            op,
            params: &params,
        },
    )
    .flatten()
    {
        Some(prepared) => prepared.map_err(|e| front.validation_error(e))?,
        None => return Err(front.complaint(Complaint::UnknownAction(api, op.action))),
    };

    if let Some(fault) = shared.faults.decide(F::NAMESPACE, op.action) {
        if !fault.latency.is_zero() {
            tokio::time::sleep(fault.latency).await;
        }
        if fault.drop_connection {
            return Ok(Answer::Drop);
        }
        if let Some((code, status, message)) = fault.error {
            return Err(front.fault_error(op, code, status, message));
        }
    }

    let ctx = Ctx {
        account: key.map_or("", |k| k.account.as_str()),
        caller: key,
        sts: &shared.sts,
        region: &region,
        now_ms: clock::now_ms(),
        request_id: front.request_id(exchange),
        transitions: shared.transitions(),
    };
    let (result, version) = shared.store.update(|world, fx| job(world, fx, &ctx));
    // Every answer waits, errors included, when the call made or saw a change not yet on disk: a
    // not-found may rest on a deletion that is then undone, and no answer may show what may be undone.
    if let Some(version) = version {
        shared
            .store
            .saved(version)
            .await
            .map_err(|e| front.not_saved(e))?;
    }
    let (body, replayed_id) = match result {
        Ran::Done(done) => done,
        Ran::Refused(info) => return Err(front.behaviour_error(op, info)),
        Ran::Mismatch => {
            return Err(ServiceError::custom(
                idempotency::MISMATCH_CODE,
                idempotency::MISMATCH_MESSAGE,
                400,
            ));
        }
        Ran::NoBehaviour => return Err(front.complaint(Complaint::UnknownAction(api, op.action))),
    };
    Ok(Answer::Body {
        op,
        body,
        replayed_id,
    })
}

/// What happened under the world's lock.
enum Ran {
    Done((Vec<u8>, Option<String>)),
    Refused(ErrorInfo),
    Mismatch,
    NoBehaviour,
}

/// The behaviour, wrapped in the `ClientToken` check and record, atomically under the world's lock (so
/// two concurrent calls with one token cannot both run).
fn run<A: Served>(
    world: &mut World,
    fx: &mut Effects,
    ctx: &Ctx<'_>,
    op: &'static OperationMeta,
    request: A::Request,
    inspected: Inspected,
) -> Ran {
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
                return Ran::Done((
                    serde_json::to_vec(response).unwrap_or_default(),
                    original_id,
                ));
            }
            Lookup::Mismatch => return Ran::Mismatch,
        }
    }
    let body = match A::serve(world, fx, ctx, request) {
        None => return Ran::NoBehaviour,
        Some(Err(info)) => return Ran::Refused(info),
        Some(Ok(body)) => body,
    };
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
    Ran::Done((body, None))
}
