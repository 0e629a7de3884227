//! Reading a poll result with a completion recipe's acceptors.
//!
//! Pure and synchronous: the runtime does the polling, this decides what each answer means, so the rules
//! are tested without a network.

use crate::error::ErrorInfo;
use crate::meta::{Acceptor, Literal, Matcher, WaitState};
use serde_json::Value;

/// One poll's outcome as the acceptors see it.
#[derive(Debug, Clone, Copy)]
pub enum PollOutcome<'a> {
    /// A successful body, as JSON with wire names.
    Success(&'a Value),
    /// A service error, and whether the specs call it "not found".
    Error {
        /// What the service sent.
        info: &'a ErrorInfo,
        /// Whether the specs mark the code as not-found.
        not_found: bool,
    },
}

/// The state of the first acceptor that matches, or `None` when none does (poll again).
pub fn evaluate(acceptors: &[Acceptor], outcome: PollOutcome<'_>) -> Option<WaitState> {
    acceptors
        .iter()
        .find(|a| matches(&a.matcher, outcome))
        .map(|a| a.state)
}

fn matches(matcher: &Matcher, outcome: PollOutcome<'_>) -> bool {
    match (matcher, outcome) {
        (Matcher::Success, PollOutcome::Success(_)) => true,
        (Matcher::NotFound, PollOutcome::Error { not_found, .. }) => not_found,
        (Matcher::ErrorCode(code), PollOutcome::Error { info, .. }) => info.code == *code,
        (Matcher::PathEquals { path, value }, PollOutcome::Success(body)) => {
            lookup(body, path).is_some_and(|v| literal_eq(v, *value))
        }
        (Matcher::Empty { path }, PollOutcome::Success(body)) => match lookup(body, path) {
            None | Some(Value::Null) => true,
            Some(Value::Array(items)) => items.is_empty(),
            Some(_) => false,
        },
        _ => false,
    }
}

fn lookup<'a>(body: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(body, |v, seg| v.get(*seg))
}

/// Compares leniently: `0` equals `"0"`, since XML bodies carry every scalar as text.
fn literal_eq(v: &Value, lit: Literal) -> bool {
    match (v, lit) {
        (Value::Number(n), Literal::Int(i)) => n.as_i64() == Some(i),
        (Value::String(s), Literal::Int(i)) => s.trim().parse::<i64>().ok() == Some(i),
        (Value::String(s), Literal::Str(t)) => s == t,
        (Value::Bool(b), Literal::Bool(c)) => *b == c,
        (Value::String(s), Literal::Bool(c)) => {
            s.eq_ignore_ascii_case(if c { "true" } else { "false" })
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TASK: &[Acceptor] = &[
        Acceptor {
            state: WaitState::Success,
            matcher: Matcher::PathEquals {
                path: &["data", "status"],
                value: Literal::Int(0),
            },
        },
        Acceptor {
            state: WaitState::Failure,
            matcher: Matcher::PathEquals {
                path: &["data", "status"],
                value: Literal::Int(1),
            },
        },
    ];
    const GONE: &[Acceptor] = &[
        Acceptor {
            state: WaitState::Success,
            matcher: Matcher::NotFound,
        },
        Acceptor {
            state: WaitState::Retry,
            matcher: Matcher::Success,
        },
    ];

    #[test]
    fn path_acceptors_read_numbers_and_text() {
        let done = json!({"code": 0, "data": {"status": 0}});
        let failed = json!({"code": 0, "data": {"status": "1"}});
        let running = json!({"code": 0, "data": {"status": 2}});
        assert_eq!(
            evaluate(TASK, PollOutcome::Success(&done)),
            Some(WaitState::Success)
        );
        assert_eq!(
            evaluate(TASK, PollOutcome::Success(&failed)),
            Some(WaitState::Failure)
        );
        assert_eq!(evaluate(TASK, PollOutcome::Success(&running)), None);
    }

    #[test]
    fn not_found_ends_a_deletion_wait() {
        let info = ErrorInfo {
            code: "InvalidVpnGatewayInstanceId.NotFound".into(),
            ..Default::default()
        };
        let gone = PollOutcome::Error {
            info: &info,
            not_found: true,
        };
        let other = PollOutcome::Error {
            info: &info,
            not_found: false,
        };
        let body = json!({"Status": "deleting"});
        assert_eq!(evaluate(GONE, gone), Some(WaitState::Success));
        assert_eq!(evaluate(GONE, other), None);
        assert_eq!(
            evaluate(GONE, PollOutcome::Success(&body)),
            Some(WaitState::Retry)
        );
    }

    #[test]
    fn an_empty_or_absent_list_means_gone_and_a_listed_resource_does_not() {
        const UNTIL_EMPTY: &[Acceptor] = &[
            Acceptor {
                state: WaitState::Success,
                matcher: Matcher::Empty {
                    path: &["VpnGatewaySet"],
                },
            },
            Acceptor {
                state: WaitState::Retry,
                matcher: Matcher::Success,
            },
        ];
        let empty = json!({"TotalCount": 0, "VpnGatewaySet": []});
        let absent = json!({"TotalCount": 0});
        let listed = json!({"TotalCount": 1, "VpnGatewaySet": [{"State": "DELETING"}]});
        let not_a_list = json!({"VpnGatewaySet": "x"});
        for gone in [&empty, &absent] {
            assert_eq!(
                evaluate(UNTIL_EMPTY, PollOutcome::Success(gone)),
                Some(WaitState::Success),
                "{gone}"
            );
        }
        for there in [&listed, &not_a_list] {
            assert_eq!(
                evaluate(UNTIL_EMPTY, PollOutcome::Success(there)),
                Some(WaitState::Retry),
                "{there}"
            );
        }
    }
}
