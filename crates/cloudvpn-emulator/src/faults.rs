//! Fault injection: rules that make matching calls fail, slow down or lose their connection, decided by a
//! seeded generator so that a run can be repeated exactly.
//!
//! A rule (the body of `POST /_emulator/faults`, or one element of `{"rules": [...]}`):
//!
//! ```json
//! {"provider": "alibaba", "action": "DeleteVpnGateway", "error": "Throttling.User",
//!  "probability": 0.5, "count": 3, "latency_ms": 200, "seed": 7}
//! ```
//!
//! * `provider` (`alibaba` / `tencent`) and `action` narrow what matches; absent (or `"*"`) matches all.
//! * `error`: answer this code instead of running the call. Status and message come from the operation's
//!   documented error (for Tencent v2 a numeric code such as `"6000"` is the envelope `code`); `status` and
//!   `message` override them, and are needed for codes the specs do not document.
//! * `drop_connection: true`: close the connection without an answer.
//! * `latency_ms`: wait this long first (alone, a rule only slows calls down).
//! * `probability` (default 1): chance that a matching call is hit, drawn from a generator seeded with
//!   `seed` (default 0); the same sequence of matching calls gets the same decisions every run.
//! * `count`: hit at most this many calls, then stop matching.
//!
//! Rules are tried in the order they were added; the first that hits decides. Faults apply to
//! authenticated, well-formed calls, just before the emulator would run them.

use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;

/// One fault rule, as posted to the control API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRule {
    /// `alibaba` or `tencent`; absent matches both.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The action; absent or `*` matches all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// The error code to answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// HTTP status override (Alibaba), or the envelope `code` (Tencent v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Message override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Close the connection without answering.
    #[serde(default)]
    pub drop_connection: bool,
    /// Delay before answering, in milliseconds.
    #[serde(default)]
    pub latency_ms: u64,
    /// Chance of hitting a matching call.
    #[serde(default = "one")]
    pub probability: f64,
    /// Hit at most this many calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Seed of this rule's generator.
    #[serde(default)]
    pub seed: u64,
}

fn one() -> f64 {
    1.0
}

impl FaultRule {
    /// Checks what serde cannot.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.probability) {
            return Err(format!(
                "probability must be between 0 and 1, got {}",
                self.probability
            ));
        }
        if let Some(p) = &self.provider {
            if p != "alibaba" && p != "tencent" && p != "*" {
                return Err(format!(
                    "provider must be \"alibaba\" or \"tencent\", got {p:?}"
                ));
            }
        }
        if self.error.is_none() && !self.drop_connection && self.latency_ms == 0 {
            return Err(
                "a rule needs at least one of error, drop_connection, latency_ms".to_owned(),
            );
        }
        if self.latency_ms > 600_000 {
            return Err("latency_ms is at most 600000 (10 minutes)".to_owned());
        }
        Ok(())
    }

    fn matches(&self, provider: &str, action: &str) -> bool {
        let wild = |v: &Option<String>, actual: &str| match v.as_deref() {
            None | Some("*") => true,
            Some(x) => x == actual,
        };
        wild(&self.provider, provider) && wild(&self.action, action)
    }
}

/// What a hit rule does to the call.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fault {
    /// Wait first.
    pub latency: Duration,
    /// Then close the connection.
    pub drop_connection: bool,
    /// Or answer this error: (code, status override, message override).
    pub error: Option<(String, Option<u16>, Option<String>)>,
}

struct ActiveRule {
    rule: FaultRule,
    rng: fastrand::Rng,
    hits: u64,
}

/// The rules in force.
#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<ActiveRule>>,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults")
            .field("rules", &self.list())
            .finish()
    }
}

/// A rule and how many calls it has hit, as `GET /_emulator/faults` shows them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleStatus {
    /// The rule.
    #[serde(flatten)]
    pub rule: FaultRule,
    /// Calls hit so far.
    pub hits: u64,
}

impl Faults {
    /// Adds rules (validated first: all or none are added).
    pub fn add(&self, rules: Vec<FaultRule>) -> Result<usize, String> {
        for (i, r) in rules.iter().enumerate() {
            r.validate().map_err(|e| format!("rule {i}: {e}"))?;
        }
        let mut active = self.lock();
        for rule in rules {
            active.push(ActiveRule {
                rng: fastrand::Rng::with_seed(rule.seed),
                rule,
                hits: 0,
            });
        }
        Ok(active.len())
    }

    /// Removes every rule.
    pub fn clear(&self) {
        self.lock().clear();
    }

    /// The rules and their hit counts.
    pub fn list(&self) -> Vec<RuleStatus> {
        self.lock()
            .iter()
            .map(|a| RuleStatus {
                rule: a.rule.clone(),
                hits: a.hits,
            })
            .collect()
    }

    /// The fault for this call, if a rule hits it.
    pub fn decide(&self, provider: &str, action: &str) -> Option<Fault> {
        let mut active = self.lock();
        if active.is_empty() {
            return None;
        }
        for a in active.iter_mut() {
            if !a.rule.matches(provider, action) {
                continue;
            }
            if a.rule.count.is_some_and(|c| a.hits >= c) {
                continue;
            }
            // Draw for every matching call, hit or not, so decisions depend only on the call sequence.
            let draw = a.rng.f64();
            if draw >= a.rule.probability {
                continue;
            }
            a.hits += 1;
            return Some(Fault {
                latency: Duration::from_millis(a.rule.latency_ms),
                drop_connection: a.rule.drop_connection,
                error: a
                    .rule
                    .error
                    .clone()
                    .map(|code| (code, a.rule.status, a.rule.message.clone())),
            });
        }
        None
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<ActiveRule>> {
        // The rules are plain data; a panic while holding the lock cannot leave them inconsistent.
        self.rules.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: &str) -> FaultRule {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn seeded_decisions_repeat_exactly() {
        let run = || {
            let f = Faults::default();
            f.add(vec![rule(
                r#"{"action": "DeleteVpnGateway", "error": "Throttling", "probability": 0.5, "seed": 42}"#,
            )])
            .unwrap();
            (0..64)
                .map(|_| f.decide("alibaba", "DeleteVpnGateway").is_some())
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().any(|h| *h) && first.iter().any(|h| !*h));
    }

    #[test]
    fn count_provider_and_action_narrow_the_rule() {
        let f = Faults::default();
        f.add(vec![rule(
            r#"{"provider": "tencent", "action": "DeleteVpnConn", "error": "6000", "count": 2}"#,
        )])
        .unwrap();
        assert!(f.decide("alibaba", "DeleteVpnConn").is_none());
        assert!(f.decide("tencent", "DescribeVpnConn").is_none());
        assert!(f.decide("tencent", "DeleteVpnConn").is_some());
        assert!(f.decide("tencent", "DeleteVpnConn").is_some());
        assert!(f.decide("tencent", "DeleteVpnConn").is_none());
        assert_eq!(f.list()[0].hits, 2);
        f.clear();
        assert!(f.list().is_empty());
    }

    #[test]
    fn refuses_rules_that_do_nothing_or_are_out_of_range() {
        let f = Faults::default();
        assert!(f.add(vec![rule(r#"{"action": "X"}"#)]).is_err());
        assert!(
            f.add(vec![rule(r#"{"error": "X", "probability": 2}"#)])
                .is_err()
        );
        assert!(f.list().is_empty());
    }
}
