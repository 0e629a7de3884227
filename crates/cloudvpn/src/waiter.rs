//! Waiting for an asynchronous operation to complete, driven by its spec's completion recipe.
//!
//! `send().await` returns when the service accepted a call. For operations whose effect shows later (the
//! gateway is `updating` while a connection is deleted, a Tencent task runs), the spec names the operation
//! to poll and how to read each answer ([`cloudvpn_types::meta::CompletionMeta`]); `wait` polls it with
//! capped exponential backoff until an acceptor says success or failure, or the deadline passes.

use crate::error::Error;
use cloudvpn_types::meta::WaitState;
use cloudvpn_types::params::{ParamName, WireParams};
use cloudvpn_types::waiter::{PollOutcome, evaluate};
use cloudvpn_types::{Completable, Operation, OperationError};
use std::fmt;
use std::future::Future;
use std::time::{Duration, Instant};

/// How to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitOptions {
    /// Delay before the second poll; it doubles up to `max_delay`.
    pub min_delay: Duration,
    /// Longest delay between polls.
    pub max_delay: Duration,
    /// Give up after this long.
    pub deadline: Duration,
}

impl Default for WaitOptions {
    /// 1 s growing to 15 s, for at most 10 minutes (the real services finish deletions in minutes).
    fn default() -> Self {
        WaitOptions {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(15),
            deadline: Duration::from_secs(600),
        }
    }
}

/// Reported after every poll.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitProgress {
    /// The polled action.
    pub poll_action: &'static str,
    /// Polls so far.
    pub polls: u32,
    /// Time since waiting began.
    pub elapsed: Duration,
    /// What the last poll showed (`data.status=2`, `Status=updating`, `InvalidVpnConnectionInstanceId.NotFound`).
    pub observed: String,
}

/// The wait ended in success.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completed {
    /// Polls made.
    pub polls: u32,
    /// Time taken.
    pub elapsed: Duration,
    /// What the last poll showed.
    pub observed: String,
}

/// What a wait is about, for messages: the operation, the resource it acts on, and the ids a user needs to
/// follow it up with the service (the accepted call's request id, the poll's own input such as a task id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitSubject {
    /// The operation waited for.
    pub action: &'static str,
    /// The request's parameters (wire name, value), idempotency token left out: the resource acted on.
    pub resource: WireParams,
    /// The request id of the accepted call, when its answer carries one.
    pub request_id: Option<String>,
    /// The polled action.
    pub poll_action: &'static str,
    /// The poll's parameters that do not repeat the request's (Tencent's `taskId`).
    pub poll_input: WireParams,
}

impl WaitSubject {
    /// The subject of waiting for `request`, accepted with `output`.
    pub fn of<O: Completable>(request: &O, output: &O::Output) -> Self {
        let resource: WireParams = request
            .to_params()
            .into_iter()
            .filter(|(name, _)| O::META.idempotency_token != Some(name.as_ref()))
            .collect();
        let poll = request.poll_request(output);
        let poll_input = poll
            .to_params()
            .into_iter()
            .filter(|(name, value)| !resource.iter().any(|(n, v)| n == name && v == value))
            .collect();
        let request_id = serde_json::to_value(output).ok().and_then(|v| {
            v.get("RequestId")
                .and_then(|id| id.as_str())
                .map(str::to_owned)
        });
        WaitSubject {
            action: O::META.action,
            resource,
            request_id,
            poll_action: <O::Poll as Operation>::META.action,
            poll_input,
        }
    }
}

fn pairs(list: &[(ParamName, String)]) -> String {
    let shown: Vec<String> = list.iter().map(|(n, v)| format!("{n}={v}")).collect();
    shown.join(", ")
}

impl fmt::Display for WaitSubject {
    /// `DeleteVpnConn of vpcId=…, vpnConnId=… (taskId=5)`, `DeleteVpnGateway of RegionId=…, VpnGatewayId=… (request id …)`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.action)?;
        if !self.resource.is_empty() {
            write!(f, " of {}", pairs(&self.resource))?;
        }
        let mut ids = Vec::new();
        if !self.poll_input.is_empty() {
            ids.push(pairs(&self.poll_input));
        }
        if let Some(id) = &self.request_id {
            ids.push(format!("request id {id}"));
        }
        if !ids.is_empty() {
            write!(f, " ({})", ids.join(", "))?;
        }
        Ok(())
    }
}

/// The wait did not end in success.
#[derive(Debug)]
#[non_exhaustive]
pub enum WaitError<E> {
    /// The operation has no completion recipe in the specs: there is nothing to wait for.
    NothingToWaitFor {
        /// The operation.
        action: &'static str,
    },
    /// An acceptor matched a failure state: the operation failed.
    Failed {
        /// What was waited for: the operation, its resource and the ids to follow it up with.
        subject: WaitSubject,
        /// The polled action.
        poll_action: &'static str,
        /// What the poll showed.
        observed: String,
    },
    /// A poll failed with an error no acceptor expects (after the client's own retries).
    Poll(Error<E>),
    /// The deadline passed first.
    TimedOut {
        /// The polled action.
        poll_action: &'static str,
        /// Polls made.
        polls: u32,
        /// Time waited.
        waited: Duration,
        /// What the last poll showed.
        observed: String,
    },
}

impl<E: fmt::Display> fmt::Display for WaitError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WaitError::NothingToWaitFor { action } => {
                write!(f, "{action} has no documented way to observe completion")
            }
            WaitError::Failed {
                subject,
                poll_action,
                observed,
            } => {
                write!(
                    f,
                    "{subject} was accepted but failed: {poll_action} shows {observed}"
                )
            }
            WaitError::Poll(e) => write!(f, "polling failed: {e}"),
            WaitError::TimedOut {
                poll_action,
                polls,
                waited,
                observed,
            } => write!(
                f,
                "not complete after {:.1} s ({polls} polls of {poll_action}); last seen: {observed}",
                waited.as_secs_f64()
            ),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for WaitError<E> {}

/// Polls with `send` until `request`'s completion recipe says done.
pub(crate) async fn wait<O, F, Fut>(
    request: &O,
    output: &O::Output,
    options: &WaitOptions,
    send: F,
    mut progress: impl FnMut(&WaitProgress),
) -> Result<Completed, WaitError<<O::Poll as Operation>::Error>>
where
    O: Completable,
    F: Fn(O::Poll) -> Fut,
    Fut: Future<
        Output = Result<<O::Poll as Operation>::Output, Error<<O::Poll as Operation>::Error>>,
    >,
{
    let Some(completion) = O::META.completion else {
        return Err(WaitError::NothingToWaitFor {
            action: O::META.action,
        });
    };
    let poll_action = completion.poll_action;
    let started = Instant::now();
    let mut delay = options.min_delay;
    let mut polls = 0;
    loop {
        polls += 1;
        let result = send(request.poll_request(output)).await;
        let (state, observed) = match &result {
            Ok(body) => {
                let json = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
                let state = evaluate(completion.acceptors, PollOutcome::Success(&json));
                (state, describe(&json, completion.acceptors))
            }
            Err(Error::Service(e)) => {
                let outcome = PollOutcome::Error {
                    info: e.info(),
                    not_found: e.is_not_found(),
                };
                (evaluate(completion.acceptors, outcome), e.code().to_owned())
            }
            Err(_) => (None, String::new()),
        };
        let elapsed = started.elapsed();
        match (state, result) {
            (Some(WaitState::Success), _) => {
                progress(&WaitProgress {
                    poll_action,
                    polls,
                    elapsed,
                    observed: observed.clone(),
                });
                return Ok(Completed {
                    polls,
                    elapsed,
                    observed,
                });
            }
            (Some(WaitState::Failure), _) => {
                return Err(WaitError::Failed {
                    subject: WaitSubject::of(request, output),
                    poll_action,
                    observed,
                });
            }
            (_, Err(e)) if !matches!(state, Some(WaitState::Retry)) => {
                // An error no acceptor names is not progress: report it rather than poll blindly.
                return Err(WaitError::Poll(e));
            }
            _ => progress(&WaitProgress {
                poll_action,
                polls,
                elapsed,
                observed: observed.clone(),
            }),
        }
        // The last poll is made at the deadline itself rather than skipped because the next delay would
        // cross it: an operation that completes just before the deadline is then seen as complete.
        let Some(left) = options
            .deadline
            .checked_sub(started.elapsed())
            .filter(|l| !l.is_zero())
        else {
            return Err(WaitError::TimedOut {
                poll_action,
                polls,
                waited: started.elapsed(),
                observed,
            });
        };
        tokio::time::sleep(delay.min(left)).await;
        delay = (delay * 2).min(options.max_delay);
    }
}

/// A short description of a poll body: the values the acceptors look at, else the body's `Status`.
fn describe(body: &serde_json::Value, acceptors: &[cloudvpn_types::meta::Acceptor]) -> String {
    use cloudvpn_types::meta::Matcher;
    let mut parts = Vec::new();
    for a in acceptors {
        if let Matcher::PathEquals { path, .. } = a.matcher {
            let v = path.iter().try_fold(body, |v, seg| v.get(*seg));
            let shown = format!(
                "{}={}",
                path.join("."),
                v.map(|v| v.to_string()).unwrap_or_else(|| "absent".into())
            );
            if !parts.contains(&shown) {
                parts.push(shown);
            }
        }
    }
    if parts.is_empty() {
        if let Some(status) = body.get("Status").and_then(|s| s.as_str()) {
            parts.push(format!("Status={status}"));
        } else if let Some(count) = body.get("TotalCount") {
            parts.push(format!("TotalCount={count}"));
        } else {
            parts.push("present".into());
        }
    }
    parts.join(", ")
}
