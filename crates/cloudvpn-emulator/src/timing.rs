//! How long asynchronous changes take: the three models of moto and LocalStack users know.
//!
//! A [`Transition`] is configured per resource kind ([`Transitions`]); when a change starts it becomes a
//! [`Due`] stored on the resource, and the change completes the first time the resource is looked at once
//! the [`Due`] is reached. Completing lazily keeps every request O(1) and needs no background timer; the
//! result is the same as a timer's, because nothing can observe the resource in between.

use serde::{Deserialize, Serialize};

/// How a change of one resource kind completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum Transition {
    /// At once: the resource never shows its intermediate status.
    Immediate,
    /// After this many milliseconds of wall-clock time (the default model, like the real clouds).
    Time {
        /// Duration in milliseconds.
        ms: u64,
    },
    /// After `count` Describe calls have seen the intermediate status (moto's "manual" progression); the
    /// next one sees the final state. Mutating calls do not count.
    Polls {
        /// How many observations show the intermediate status.
        count: u32,
    },
}

impl Transition {
    /// When a change started at `now_ms` completes; `None` means it completes immediately.
    pub fn schedule(self, now_ms: u64) -> Option<Due> {
        match self {
            Transition::Immediate | Transition::Time { ms: 0 } => None,
            Transition::Time { ms } => Some(Due::At {
                ms: now_ms.saturating_add(ms),
            }),
            Transition::Polls { count } => Some(Due::AfterPolls { remaining: count }),
        }
    }
}

/// The transition model of each resource kind, plus the task-conflict window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Transitions {
    /// Alibaba VPN gateways: how long a gateway stays `init`/`provisioning` (seeded that way) or `deleting`.
    pub alibaba_vpn_gateway: Transition,
    /// Alibaba IPsec connections: how long the gateway stays `updating` while one of its connections is
    /// deleted (the connection is gone when the gateway is `active` again).
    pub alibaba_vpn_connection: Transition,
    /// Tencent VPN connections: how long a `DeleteVpnConn` task runs (`DescribeVpcTaskResult` status 2).
    pub tencent_vpn_connection: Transition,
    /// For this many milliseconds after an Alibaba gateway task starts, a conflicting change answers the
    /// operation's documented task-conflict error (`TaskConflict`, `VpnTask.CONFLICT`) instead of
    /// `VpnGateway.Configuring`: the task is still being scheduled. 0 (the default) disables it.
    pub conflict_window_ms: u64,
}

impl Default for Transitions {
    fn default() -> Self {
        Transitions {
            alibaba_vpn_gateway: Transition::Time { ms: 2_000 },
            alibaba_vpn_connection: Transition::Time { ms: 3_000 },
            tencent_vpn_connection: Transition::Time { ms: 3_000 },
            conflict_window_ms: 0,
        }
    }
}

impl Transitions {
    /// Every change completes at once: for load tests and for tests that only care about end states.
    pub fn immediate() -> Self {
        Transitions {
            alibaba_vpn_gateway: Transition::Immediate,
            alibaba_vpn_connection: Transition::Immediate,
            tencent_vpn_connection: Transition::Immediate,
            conflict_window_ms: 0,
        }
    }

    /// The same model for every resource kind.
    pub fn all(transition: Transition) -> Self {
        Transitions {
            alibaba_vpn_gateway: transition,
            alibaba_vpn_connection: transition,
            tencent_vpn_connection: transition,
            conflict_window_ms: 0,
        }
    }
}

/// When a pending change completes, stored on the resource (and in the state file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Due {
    /// At this wall-clock time (ms since the epoch).
    At {
        /// Milliseconds since the epoch.
        ms: u64,
    },
    /// After this many more observations.
    AfterPolls {
        /// Observations left that still show the intermediate status.
        remaining: u32,
    },
}

/// What [`Due::settle`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// Still pending; `changed` says whether the poll counter moved (so the state changed).
    Pending {
        /// The counter was decremented.
        changed: bool,
    },
    /// The change completes now.
    Done,
}

impl Due {
    /// Advances the pending change: `observed` is true when a Describe call is looking at the resource.
    pub fn settle(&mut self, now_ms: u64, observed: bool) -> Settled {
        match self {
            Due::At { ms } if now_ms >= *ms => Settled::Done,
            Due::At { .. } => Settled::Pending { changed: false },
            Due::AfterPolls { .. } if !observed => Settled::Pending { changed: false },
            Due::AfterPolls { remaining: 0 } => Settled::Done,
            Due::AfterPolls { remaining } => {
                *remaining -= 1;
                Settled::Pending { changed: true }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_based_completes_at_the_deadline() {
        let mut due = Transition::Time { ms: 100 }.schedule(1_000).unwrap();
        assert_eq!(due.settle(1_099, true), Settled::Pending { changed: false });
        assert_eq!(due.settle(1_100, false), Settled::Done);
    }

    #[test]
    fn poll_based_counts_observations_only() {
        let mut due = Transition::Polls { count: 2 }.schedule(0).unwrap();
        assert_eq!(
            due.settle(u64::MAX, false),
            Settled::Pending { changed: false }
        );
        assert_eq!(due.settle(0, true), Settled::Pending { changed: true });
        assert_eq!(due.settle(0, true), Settled::Pending { changed: true });
        assert_eq!(due.settle(0, true), Settled::Done);
    }

    #[test]
    fn immediate_has_no_due() {
        assert_eq!(Transition::Immediate.schedule(5), None);
        assert_eq!(Transition::Time { ms: 0 }.schedule(5), None);
        assert!(Transition::Polls { count: 0 }.schedule(5).is_some());
    }

    #[test]
    fn parses_the_documented_json() {
        let t: Transitions = serde_json::from_str(
            r#"{"alibaba_vpn_connection": {"mode": "polls", "count": 3},
                "tencent_vpn_connection": {"mode": "immediate"}}"#,
        )
        .unwrap();
        assert_eq!(t.alibaba_vpn_connection, Transition::Polls { count: 3 });
        assert_eq!(t.tencent_vpn_connection, Transition::Immediate);
        assert_eq!(t.alibaba_vpn_gateway, Transition::Time { ms: 2_000 });
    }
}
