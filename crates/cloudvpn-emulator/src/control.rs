//! The control API under `/_emulator/`, answered to loopback clients only, and never to a web page (see
//! the control guard: loopback `Host`, no foreign `Origin`, JSON bodies, the optional control token).
//! Every route calls the same [`Handle`] method a program embedding the emulator would call.
//!
//! | Route | Does |
//! |---|---|
//! | `POST /_emulator/reset` | forgets every resource, task, client token, nonce and fault; restores the startup transitions |
//! | `GET /_emulator/state` | the whole state as JSON (after saving it, so it equals what a restart loads: the state file with its journal, [`crate::journal::read`]) |
//! | `POST /_emulator/alibaba/vpn-gateways` | seeds gateway(s): [`crate::seed::AlibabaGatewaySeed`], or a list of them |
//! | `POST /_emulator/alibaba/vpn-connections` | [`crate::seed::AlibabaConnectionSeed`] |
//! | `POST /_emulator/tencent/vpcs` | [`crate::seed::TencentVpcSeed`] |
//! | `POST /_emulator/tencent/vpn-gateways` | [`crate::seed::TencentGatewaySeed`] |
//! | `POST /_emulator/tencent/vpn-connections` | [`crate::seed::TencentConnectionSeed`] |
//! | `GET` / `POST` / `DELETE /_emulator/faults` | lists, adds ([`crate::faults::FaultRule`] or `{"rules": [...]}`), clears the fault rules |
//! | `GET` / `PUT` / `DELETE /_emulator/rate-limits` | reads, replaces ([`crate::rate_limits::RateLimitConfig`]), clears the request-rate limits per account and action |
//! | `GET` / `PUT /_emulator/transitions` | reads / replaces the [`crate::timing::Transitions`] |
//! | `POST /_emulator/oidc-token` | `{"token": "…"}`: an unsigned OIDC token ([`crate::sts::oidc::OidcTokenRequest`]) the default OIDC providers accept |
//! | `GET /_emulator/health` | `{"ok": true}` |
//!
//! Seeds answer 201 with what was created (a list for a list: seeds before a refused one are kept); a list
//! of more than [`crate::Limits::max_seed_items`] (default 10,000) is refused whole with 413. Errors answer
//! `{"error": "..."}` with 400, 401, 403, 404, 405, 409, 413 or 415.

use crate::faults::FaultRule;
use crate::handle::Handle;
use crate::http::{Incoming, Outcome, Reply, content};
use crate::rate_limits::RateLimitConfig;
use crate::seed::{self, SeedError};
use crate::server::Shared;
use crate::sts::oidc::OidcTokenRequest;
use crate::timing::Transitions;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::sync::Arc;

fn reply(status: u16, value: &Value) -> Outcome {
    Outcome::Reply(Reply::new(
        status,
        content::CONTROL_JSON,
        serde_json::to_vec(value).unwrap_or_default(),
    ))
}

fn error(status: u16, message: impl Into<String>) -> Outcome {
    reply(status, &json!({ "error": message.into() }))
}

fn parse<T: DeserializeOwned>(req: &Incoming) -> Result<T, Outcome> {
    serde_json::from_slice(&req.body)
        .map_err(|e| error(400, format!("the body is not what this route takes: {e}")))
}

/// One seed or a list of at most `max_items` seeds (413 for a longer list, before the items are read).
fn parse_many<T: DeserializeOwned>(
    req: &Incoming,
    max_items: usize,
) -> Result<(Vec<T>, bool), Outcome> {
    // Counted without building anything, so an oversized list costs neither time nor memory.
    if let Some(count) = seed::listed_items(&req.body) {
        seed::check_count(count, max_items).map_err(|e| error(e.status, e.message))?;
    }
    let value: Value = parse(req)?;
    let many = value.is_array();
    let items = if many {
        serde_json::from_value(value)
    } else {
        serde_json::from_value(value).map(|one| vec![one])
    };
    items
        .map(|items| (items, many))
        .map_err(|e| error(400, format!("the body is not what this route takes: {e}")))
}

fn created<T: Serialize>(result: Result<Vec<T>, SeedError>, many: bool) -> Outcome {
    match result {
        Ok(mut items) => {
            let value = if many {
                serde_json::to_value(&items)
            } else {
                match items.pop() {
                    Some(one) => serde_json::to_value(one),
                    None => Ok(Value::Null),
                }
            };
            reply(201, &value.unwrap_or(Value::Null))
        }
        Err(e) => error(e.status, e.message),
    }
}

/// Serves one control request that passed [`crate::control_guard::check`] (the HTTP layer runs it on the
/// head, before the body is read; `body_ok`: the body was within the size limit).
pub(crate) async fn handle(shared: &Arc<Shared>, req: Incoming, body_ok: bool) -> Outcome {
    if !body_ok {
        return error(
            400,
            format!(
                "the body is larger than {} bytes",
                crate::http::CONTROL_MAX_BODY_BYTES
            ),
        );
    }
    let handle = Handle::from_shared(shared.clone());
    let route = req.path().trim_end_matches('/');
    let method = req.method.as_str();
    match (method, route) {
        ("GET", "/_emulator/health") => reply(200, &json!({"ok": true})),
        ("POST", "/_emulator/reset") => match handle.reset().await {
            Ok(()) => reply(200, &json!({"reset": true})),
            Err(e) => error(500, e.to_string()),
        },
        ("GET", "/_emulator/state") => match handle.state().await {
            Ok(state) => reply(200, &state),
            Err(e) => error(500, e.to_string()),
        },
        ("POST", "/_emulator/alibaba/vpn-gateways") => {
            match parse_many(&req, shared.limits.max_seed_items) {
                Ok((seeds, many)) => created(handle.seed_alibaba_gateways(seeds).await, many),
                Err(o) => o,
            }
        }
        ("POST", "/_emulator/alibaba/vpn-connections") => {
            match parse_many(&req, shared.limits.max_seed_items) {
                Ok((seeds, many)) => created(handle.seed_alibaba_connections(seeds).await, many),
                Err(o) => o,
            }
        }
        ("POST", "/_emulator/tencent/vpcs") => match parse_many(&req, shared.limits.max_seed_items)
        {
            Ok((seeds, many)) => created(handle.seed_tencent_vpcs(seeds).await, many),
            Err(o) => o,
        },
        ("POST", "/_emulator/tencent/vpn-gateways") => {
            match parse_many(&req, shared.limits.max_seed_items) {
                Ok((seeds, many)) => created(handle.seed_tencent_gateways(seeds).await, many),
                Err(o) => o,
            }
        }
        ("POST", "/_emulator/tencent/vpn-connections") => {
            match parse_many(&req, shared.limits.max_seed_items) {
                Ok((seeds, many)) => created(handle.seed_tencent_connections(seeds).await, many),
                Err(o) => o,
            }
        }
        ("GET", "/_emulator/faults") => reply(200, &json!({ "rules": handle.faults() })),
        ("POST", "/_emulator/faults") => {
            let value: Value = match parse(&req) {
                Ok(v) => v,
                Err(o) => return o,
            };
            let rules = match value.get("rules") {
                Some(list) => serde_json::from_value::<Vec<FaultRule>>(list.clone()),
                None => serde_json::from_value::<FaultRule>(value).map(|r| vec![r]),
            };
            match rules {
                Err(e) => error(400, format!("not a fault rule: {e}")),
                Ok(rules) => match handle.add_faults(rules) {
                    Ok(total) => reply(201, &json!({ "rules": total })),
                    Err(e) => error(400, e),
                },
            }
        }
        ("DELETE", "/_emulator/faults") => {
            handle.clear_faults();
            reply(200, &json!({ "rules": 0 }))
        }
        ("GET", "/_emulator/rate-limits") => reply(
            200,
            &serde_json::to_value(handle.rate_limits()).unwrap_or(Value::Null),
        ),
        ("PUT", "/_emulator/rate-limits") => match parse::<RateLimitConfig>(&req) {
            Ok(limits) => match handle.set_rate_limits(limits) {
                Ok(()) => reply(
                    200,
                    &serde_json::to_value(handle.rate_limits()).unwrap_or(Value::Null),
                ),
                Err(e) => error(400, e),
            },
            Err(o) => o,
        },
        ("DELETE", "/_emulator/rate-limits") => {
            handle.clear_rate_limits();
            reply(200, &json!({}))
        }
        ("POST", "/_emulator/oidc-token") => match parse::<OidcTokenRequest>(&req) {
            Ok(r) => reply(200, &json!({ "token": r.token(crate::clock::now_secs()) })),
            Err(o) => o,
        },
        ("GET", "/_emulator/transitions") => reply(
            200,
            &serde_json::to_value(handle.transitions()).unwrap_or(Value::Null),
        ),
        ("PUT" | "POST", "/_emulator/transitions") => match parse::<Transitions>(&req) {
            Ok(t) => {
                handle.set_transitions(t);
                reply(200, &serde_json::to_value(t).unwrap_or(Value::Null))
            }
            Err(o) => o,
        },
        (
            _,
            "/_emulator/health"
            | "/_emulator/reset"
            | "/_emulator/state"
            | "/_emulator/alibaba/vpn-gateways"
            | "/_emulator/alibaba/vpn-connections"
            | "/_emulator/tencent/vpcs"
            | "/_emulator/tencent/vpn-gateways"
            | "/_emulator/tencent/vpn-connections"
            | "/_emulator/faults"
            | "/_emulator/rate-limits"
            | "/_emulator/oidc-token"
            | "/_emulator/transitions",
        ) => error(405, format!("{method} is not allowed on {route}")),
        _ => error(404, format!("no control route {route}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use hyper::header::HeaderMap;

    fn request(method: &str, path: &str) -> Incoming {
        let mut headers = HeaderMap::new();
        headers.insert("host", "127.0.0.1:8080".parse().unwrap());
        headers.insert("content-type", "application/json".parse().unwrap());
        Incoming {
            method: method.parse().unwrap(),
            uri: path.parse().unwrap(),
            headers,
            body: Bytes::new(),
        }
    }

    fn status(o: Outcome) -> u16 {
        match o {
            Outcome::Reply(r) => r.status,
            Outcome::Drop => 0,
        }
    }

    #[tokio::test]
    async fn answers_health_and_refuses_an_oversized_body() {
        let shared = Shared::for_tests();
        // Who may call was decided on the request head (see control_guard's tests).
        let r = request("GET", "/_emulator/health");
        assert_eq!(status(handle(&shared, r, true).await), 200);
        let big = request("POST", "/_emulator/tencent/vpcs");
        assert_eq!(status(handle(&shared, big, false).await), 400);
    }
}
