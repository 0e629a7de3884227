//! What the services have accepted during this command, so that an interrupt (Ctrl-C) or a timeout can tell
//! the user which changes are under way and how to find them: an accepted deletion may still be completing
//! after `cloudvpn` has stopped waiting for it.

use crate::failure::{Failure, Kind};
use serde::Serialize;
use serde_json::Value;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// One accepted call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The action (`DeleteVpnConnection`).
    pub action: &'static str,
    /// The resource, as `Name=value` of its identifying parameters (`VpnConnectionId=vco-1`).
    pub resource: String,
    /// The request id and, for Tencent, the task id, from the answer.
    pub ids: Vec<String>,
}

impl Accepted {
    /// From the call's identifying parameters and the service's answer (ids are found by name in it).
    pub fn new(action: &'static str, resource: String, answer: &Value) -> Self {
        let mut ids = Vec::new();
        collect_ids(answer, &mut ids);
        Accepted {
            action,
            resource,
            ids,
        }
    }

    pub fn describe(&self) -> String {
        if self.ids.is_empty() {
            format!("{} {}", self.action, self.resource)
        } else {
            format!(
                "{} {} ({})",
                self.action,
                self.resource,
                self.ids.join(", ")
            )
        }
    }
}

/// Request and task ids in an answer, under the names both clouds use.
fn collect_ids(value: &Value, out: &mut Vec<String>) {
    let Value::Object(map) = value else { return };
    for (k, v) in map {
        let label = match k.as_str() {
            "RequestId" | "requestId" => Some("request id"),
            "TaskId" | "taskId" => Some("task id"),
            _ => None,
        };
        match (label, v) {
            (Some(label), Value::String(s)) => out.push(format!("{label} {s}")),
            (Some(label), Value::Number(n)) => out.push(format!("{label} {n}")),
            (None, Value::Object(_)) => collect_ids(v, out),
            _ => {}
        }
    }
}

/// The accepted calls of this command, shared by everything that sends, and the mutating calls sent but
/// not answered yet (an interrupt or a timeout then cannot say whether the service took them).
#[derive(Debug, Clone, Default)]
pub struct Journal {
    accepted: Arc<Mutex<Vec<Accepted>>>,
    in_flight: Arc<Mutex<Vec<(u64, String)>>>,
    next: Arc<Mutex<u64>>,
}

impl Journal {
    /// Records an accepted call.
    pub fn record(&self, accepted: Accepted) {
        if let Ok(mut list) = self.accepted.lock() {
            list.push(accepted);
        }
    }

    /// The calls accepted so far.
    pub fn accepted(&self) -> Vec<Accepted> {
        self.accepted.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Sends a mutating call with `send`, keeping it listed as "sent, no answer yet" while it is on its way:
    /// accepted, it is recorded with its ids; refused by the service, it is forgotten; otherwise (no answer,
    /// a timeout, an interrupt) it stays listed as possibly accepted.
    pub async fn track<T: Serialize>(
        &self,
        action: &'static str,
        resource: String,
        send: impl Future<Output = Result<T, Failure>>,
    ) -> Result<(T, Accepted), Failure> {
        let what = format!("{action} {resource}");
        let id = self.next.lock().map_or(0, |mut n| {
            *n += 1;
            *n
        });
        if let Ok(mut list) = self.in_flight.lock() {
            list.push((id, what.clone()));
        }
        let result = send.await;
        let settled = |journal: &Journal| {
            if let Ok(mut list) = journal.in_flight.lock() {
                list.retain(|(i, _)| *i != id);
            }
        };
        match result {
            Ok(out) => {
                let value = serde_json::to_value(&out).unwrap_or(Value::Null);
                let accepted = Accepted::new(action, resource, &value);
                settled(self);
                self.record(accepted.clone());
                Ok((out, accepted))
            }
            Err(f) if f.kind == Kind::Service || f.kind == Kind::Usage => {
                settled(self);
                Err(f)
            }
            Err(mut f) => {
                f.message = format!(
                    "{}\n  {what} was sent and may have been accepted: check before sending it again",
                    f.message
                );
                Err(f)
            }
        }
    }

    /// What to tell the user when the command stops early.
    pub fn summary(&self) -> String {
        let accepted = self.accepted();
        let in_flight: Vec<String> = self
            .in_flight
            .lock()
            .map(|l| l.iter().map(|(_, w)| w.clone()).collect())
            .unwrap_or_default();
        if accepted.is_empty() && in_flight.is_empty() {
            return "nothing had been accepted by the service; nothing was changed".to_owned();
        }
        let mut out = String::new();
        if !accepted.is_empty() {
            out.push_str("the service had already accepted:");
            for a in &accepted {
                out.push_str("\n  • ");
                out.push_str(&a.describe());
            }
        }
        if !in_flight.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str("sent, with no answer yet (the service may have accepted it):");
            for w in &in_flight {
                out.push_str("\n  • ");
                out.push_str(w);
            }
        }
        out.push_str(
            "\n  it may still be completing these; run the same command again (or describe the \
             resources) to see where they stand",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn summaries_name_resources_and_ids() {
        let j = Journal::default();
        assert!(j.summary().contains("nothing was changed"));
        j.record(Accepted::new(
            "DeleteVpnConn",
            "vpnConnId=vpnx-1".into(),
            &json!({"code": 0, "data": {"taskId": 42}, "requestId": "r-9"}),
        ));
        let s = j.summary();
        assert!(s.contains("DeleteVpnConn vpnConnId=vpnx-1"), "{s}");
        assert!(s.contains("task id 42"), "{s}");
        assert!(s.contains("request id r-9"), "{s}");
        assert!(s.contains("may still be completing"), "{s}");
    }

    fn block_on<F: Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(f)
    }

    #[test]
    fn a_call_without_an_answer_is_reported_as_possibly_accepted() {
        let j = Journal::default();
        // A refused call is forgotten; an accepted one is recorded.
        let refused: Result<((), Accepted), Failure> =
            block_on(
                j.track("DeleteVpnGateway", "VpnGatewayId=vpn-1".into(), async {
                    Err(Failure {
                        kind: Kind::Service,
                        message: "Forbidden".into(),
                    })
                }),
            );
        assert!(refused.is_err());
        assert!(
            j.summary().contains("nothing was changed"),
            "{}",
            j.summary()
        );
        let timed_out: Result<((), Accepted), Failure> =
            block_on(
                j.track("DeleteVpnGateway", "VpnGatewayId=vpn-2".into(), async {
                    Err(Failure {
                        kind: Kind::Timeout,
                        message: "gave up".into(),
                    })
                }),
            );
        let message = timed_out.expect_err("timeout").message;
        assert!(
            message.contains("VpnGatewayId=vpn-2 was sent and may have been accepted"),
            "{message}"
        );
        let s = j.summary();
        assert!(s.contains("sent, with no answer yet"), "{s}");
        assert!(s.contains("DeleteVpnGateway VpnGatewayId=vpn-2"), "{s}");
        assert!(!s.contains("vpn-1"), "{s}");
        // A call interrupted on its way (its future dropped) stays listed.
        let j = Journal::default();
        let pending = j.track(
            "DeleteVpnConnection",
            "VpnConnectionId=vco-1".into(),
            async { std::future::pending::<Result<(), Failure>>().await },
        );
        block_on(async {
            tokio::select! {
                _ = pending => unreachable!("never answers"),
                _ = tokio::task::yield_now() => {}
            }
        });
        assert!(
            j.summary()
                .contains("DeleteVpnConnection VpnConnectionId=vco-1"),
            "{}",
            j.summary()
        );
    }
}
