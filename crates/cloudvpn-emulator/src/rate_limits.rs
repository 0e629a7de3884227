//! Request-rate limits per account and action, as the real services enforce them: a call beyond its limit
//! is answered with the protocol's own throttling error (Alibaba `Throttling.User`, Tencent API 3.0
//! `RequestLimitExceeded`, Tencent v2 code 4400) and nothing is run.
//!
//! Set with `PUT /_emulator/rate-limits` (cleared with `DELETE`, read with `GET`), in requests per second:
//!
//! ```json
//! {"alibaba": {"*": 50, "DeleteVpnConnection": 20}, "tencent": {"*": 50}}
//! ```
//!
//! An action's own entry wins over `"*"`; an action with neither is not limited. An action that no spec of
//! that cloud has is refused (400, naming it and the known ones). Each (cloud, account,
//! action) has its own token bucket holding at most one second's worth of calls, refilled continuously, so
//! a client that keeps to the rate is never refused and a burst beyond it is.

use cloudvpn_types::meta::Provider;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

/// Requests per second by action (`"*"` for every action without its own entry).
pub type ActionLimits = BTreeMap<String, f64>;

/// The body of `PUT /_emulator/rate-limits`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Alibaba Cloud's limits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub alibaba: ActionLimits,
    /// Tencent Cloud's limits (API 3.0 and v2 alike).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tencent: ActionLimits,
}

impl RateLimitConfig {
    /// Checks what serde cannot: every rate is a positive, finite number.
    pub fn validate(&self) -> Result<(), String> {
        for (cloud, limits) in [("alibaba", &self.alibaba), ("tencent", &self.tencent)] {
            for (action, rate) in limits {
                if !rate.is_finite() || *rate <= 0.0 {
                    return Err(format!(
                        "{cloud}.{action}: a rate is a positive number of requests per second, got {rate}"
                    ));
                }
                if action.is_empty() {
                    return Err(format!(
                        "{cloud}: an action name is empty (use \"*\" for every action)"
                    ));
                }
                // A misspelt action would be accepted and never limit anything, and a test relying on it
                // would pass for the wrong reason.
                let known = known_actions(cloud);
                if action != "*" && !known.contains(&action.as_str()) {
                    return Err(format!(
                        "{cloud}.{action}: no spec of {cloud} has this action; use \"*\" or one of {}",
                        known.join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    fn rate(&self, namespace: &str, action: &str) -> Option<f64> {
        let limits = match namespace {
            "alibaba" => &self.alibaba,
            "tencent" => &self.tencent,
            _ => return None,
        };
        limits.get(action).or_else(|| limits.get("*")).copied()
    }
}

/// The actions the specs of `cloud` (`alibaba` or `tencent`, every API of it) define, sorted.
fn known_actions(cloud: &str) -> Vec<&'static str> {
    let provider = match cloud {
        "alibaba" => Provider::Alibaba,
        _ => Provider::Tencent,
    };
    let mut known: Vec<&'static str> = cloudvpn_types::all_operations()
        .filter(|op| op.api.provider == provider)
        .map(|op| op.action)
        .collect();
    known.sort_unstable();
    known.dedup();
    known
}

struct Bucket {
    tokens: f64,
    refilled: Instant,
}

#[derive(Default)]
struct State {
    config: RateLimitConfig,
    buckets: HashMap<(String, String, String), Bucket>,
}

/// The limits in force and the buckets of the calls seen.
#[derive(Default)]
pub struct RateLimits {
    state: Mutex<State>,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits")
            .field("config", &self.config())
            .finish()
    }
}

impl RateLimits {
    /// Replaces the limits (validated first); every bucket starts full again.
    pub fn set(&self, config: RateLimitConfig) -> Result<(), String> {
        config.validate()?;
        let mut state = self.lock();
        state.config = config;
        state.buckets.clear();
        Ok(())
    }

    /// Removes every limit.
    pub fn clear(&self) {
        *self.lock() = State::default();
    }

    /// The limits in force.
    pub fn config(&self) -> RateLimitConfig {
        self.lock().config.clone()
    }

    /// Takes a token for one call; `Err(rate)` when the call is beyond the limit of `rate` per second.
    pub fn admit(&self, namespace: &str, account: &str, action: &str) -> Result<(), f64> {
        self.admit_at(namespace, account, action, Instant::now())
    }

    fn admit_at(
        &self,
        namespace: &str,
        account: &str,
        action: &str,
        now: Instant,
    ) -> Result<(), f64> {
        let mut state = self.lock();
        let Some(rate) = state.config.rate(namespace, action) else {
            return Ok(());
        };
        // At least one call fits, whatever the rate, so a limit below 1/s still lets calls through.
        let capacity = rate.max(1.0);
        let key = (namespace.to_owned(), account.to_owned(), action.to_owned());
        let bucket = state.buckets.entry(key).or_insert(Bucket {
            tokens: capacity,
            refilled: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(rate)
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Plain counters; a panic while holding the lock cannot leave them inconsistent.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn limits(json: &str) -> RateLimits {
        let l = RateLimits::default();
        l.set(serde_json::from_str(json).unwrap()).unwrap();
        l
    }

    #[test]
    fn a_burst_beyond_one_seconds_worth_is_refused_and_refills_at_the_rate() {
        let l = limits(r#"{"alibaba": {"*": 50, "DeleteVpnConnection": 2}}"#);
        let t0 = Instant::now();
        let call = |at: Duration| l.admit_at("alibaba", "a", "DeleteVpnConnection", t0 + at);
        assert_eq!(call(Duration::ZERO), Ok(()));
        assert_eq!(call(Duration::ZERO), Ok(()));
        assert_eq!(call(Duration::ZERO), Err(2.0));
        // Half a second later one more token has come back, and only one.
        assert_eq!(call(Duration::from_millis(500)), Ok(()));
        assert_eq!(call(Duration::from_millis(500)), Err(2.0));
    }

    #[test]
    fn buckets_are_per_account_and_action_and_unlisted_clouds_are_free() {
        let l = limits(r#"{"alibaba": {"DeleteVpnGateway": 1}}"#);
        let now = Instant::now();
        assert!(l.admit_at("alibaba", "a", "DeleteVpnGateway", now).is_ok());
        assert!(l.admit_at("alibaba", "a", "DeleteVpnGateway", now).is_err());
        assert!(l.admit_at("alibaba", "b", "DeleteVpnGateway", now).is_ok());
        assert!(
            l.admit_at("alibaba", "a", "DescribeVpnGateway", now)
                .is_ok()
        );
        for _ in 0..100 {
            assert!(l.admit_at("tencent", "a", "DeleteVpnGateway", now).is_ok());
        }
        l.clear();
        assert!(l.admit_at("alibaba", "a", "DeleteVpnGateway", now).is_ok());
    }

    #[test]
    fn refuses_rates_that_are_not_positive_and_unknown_clouds() {
        let l = RateLimits::default();
        let bad: RateLimitConfig = serde_json::from_str(r#"{"tencent": {"*": 0}}"#).unwrap();
        assert!(l.set(bad).unwrap_err().contains("positive"));
        assert!(serde_json::from_str::<RateLimitConfig>(r#"{"aws": {"*": 1}}"#).is_err());
        assert_eq!(l.config(), RateLimitConfig::default());
    }
}
