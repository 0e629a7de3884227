//! Waiting for an asynchronous operation to complete, driven by its spec's completion recipe.
//!
//! `send().await` returns when the service accepted a call. For operations whose effect shows later (the
//! gateway is `updating` while a connection is deleted, a Tencent task runs), the spec names the operation
//! to poll and how to read each answer ([`cloudvpn_types::meta::CompletionMeta`]); `wait` polls it with
//! capped exponential backoff until an acceptor says success or failure, or the deadline passes.

mod polling;

pub(crate) use polling::wait;

use crate::error::Error;
use cloudvpn_types::params::{ParamName, WireParams};
use cloudvpn_types::{Completable, Operation};
use std::fmt;
use std::time::Duration;

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
    /// A poll of the recipe's fallback (polled once the first poll operation could not say, e.g.
    /// `DescribeVpnConnections` when the task of `DescribeVpcTaskResult` cannot be read) failed with an
    /// error no acceptor expects.
    FallbackPoll {
        /// The fallback's polled action.
        poll_action: &'static str,
        /// Its error code, when the service answered with one.
        code: Option<String>,
        /// The error.
        error: Box<dyn std::error::Error + Send + Sync>,
    },
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
            WaitError::FallbackPoll {
                poll_action, error, ..
            } => write!(f, "polling {poll_action} failed: {error}"),
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
