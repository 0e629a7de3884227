//! What the services have accepted during this command, so that an interrupt (Ctrl-C) or a timeout can tell
//! the user which changes are under way and how to find them: an accepted deletion may still be completing
//! after `cloudvpn` has stopped waiting for it.

use serde_json::Value;
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

/// The accepted calls of this command, shared by everything that sends.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    accepted: Arc<Mutex<Vec<Accepted>>>,
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

    /// What to tell the user when the command stops early.
    pub fn summary(&self) -> String {
        let accepted = self.accepted();
        if accepted.is_empty() {
            return "nothing had been accepted by the service; nothing was changed".to_owned();
        }
        let mut out = String::from("the service had already accepted:");
        for a in &accepted {
            out.push_str("\n  • ");
            out.push_str(&a.describe());
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
}
