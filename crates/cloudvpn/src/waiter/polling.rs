//! The poll loop: the recipe's poll operation until an acceptor decides, then — if an acceptor says
//! `fallback` — the recipe's fallback operation with its own acceptors (e.g. `DescribeVpcTaskResult`, then
//! `DescribeVpnConnections` until the connection is gone), one deadline and one backoff for both.

use super::{Completed, WaitError, WaitOptions, WaitProgress, WaitSubject};
use crate::ApiClient;
use crate::error::Error;
use cloudvpn_types::meta::{Acceptor, Matcher, WaitState};
use cloudvpn_types::waiter::{PollOutcome, evaluate};
use cloudvpn_types::{Completable, Operation, OperationError};
use std::time::{Duration, Instant};

/// The error type of `O`'s first poll operation.
type PollError<O> = <<O as Completable>::Poll as Operation>::Error;

/// What one poll showed.
struct Seen<E> {
    state: Option<WaitState>,
    observed: String,
    /// The poll's error, if it failed.
    error: Option<Error<E>>,
}

/// Reads one poll's answer with `acceptors`.
fn see<P: Operation>(
    result: Result<P::Output, Error<P::Error>>,
    acceptors: &[Acceptor],
) -> Seen<P::Error> {
    match result {
        Ok(body) => {
            let json = serde_json::to_value(&body).unwrap_or(serde_json::Value::Null);
            Seen {
                state: evaluate(acceptors, PollOutcome::Success(&json)),
                observed: describe(&json, acceptors),
                error: None,
            }
        }
        Err(Error::Service(e)) => {
            let outcome = PollOutcome::Error {
                info: e.info(),
                not_found: e.is_not_found(),
            };
            Seen {
                state: evaluate(acceptors, outcome),
                observed: e.code().to_owned(),
                error: Some(Error::Service(e)),
            }
        }
        Err(e) => Seen {
            state: None,
            observed: String::new(),
            error: Some(e),
        },
    }
}

/// The pace of polling: polls made, time since the start, the next delay.
struct Pace {
    started: Instant,
    delay: Duration,
    polls: u32,
}

impl Pace {
    fn progress(&self, poll_action: &'static str, observed: &str) -> WaitProgress {
        WaitProgress {
            poll_action,
            polls: self.polls,
            elapsed: self.started.elapsed(),
            observed: observed.to_owned(),
        }
    }

    /// Sleeps before the next poll; `false` once the deadline has passed. The last poll is made at the
    /// deadline itself rather than skipped because the next delay would cross it: an operation that
    /// completes just before the deadline is then seen as complete.
    async fn pause(&mut self, options: &WaitOptions) -> bool {
        let Some(left) = options
            .deadline
            .checked_sub(self.started.elapsed())
            .filter(|l| !l.is_zero())
        else {
            return false;
        };
        tokio::time::sleep(self.delay.min(left)).await;
        self.delay = (self.delay * 2).min(options.max_delay);
        true
    }
}

/// Polls with `client` until `request`'s completion recipe says done.
pub(crate) async fn wait<C: ApiClient, O: Completable>(
    client: &C,
    request: &O,
    output: &O::Output,
    options: &WaitOptions,
    mut progress: impl FnMut(&WaitProgress),
) -> Result<Completed, WaitError<PollError<O>>> {
    let Some(completion) = O::META.completion else {
        return Err(WaitError::NothingToWaitFor {
            action: O::META.action,
        });
    };
    let mut pace = Pace {
        started: Instant::now(),
        delay: options.min_delay,
        polls: 0,
    };
    let failed = |poll_action, observed| WaitError::Failed {
        subject: WaitSubject::of(request, output),
        poll_action,
        observed,
    };
    let timed_out = |pace: &Pace, poll_action, observed| WaitError::TimedOut {
        poll_action,
        polls: pace.polls,
        waited: pace.started.elapsed(),
        observed,
    };

    let poll_action = completion.poll_action;
    loop {
        pace.polls += 1;
        let seen = see::<O::Poll>(
            client.send(request.poll_request(output)).await,
            completion.acceptors,
        );
        match (seen.state, seen.error) {
            (Some(WaitState::Success), _) => {
                progress(&pace.progress(poll_action, &seen.observed));
                return Ok(completed(&pace, seen.observed));
            }
            (Some(WaitState::Failure), _) => return Err(failed(poll_action, seen.observed)),
            (Some(WaitState::Fallback), _) => {
                progress(&pace.progress(poll_action, &seen.observed));
                break;
            }
            // An error no acceptor names is not progress: report it rather than poll blindly.
            (None, Some(e)) => return Err(WaitError::Poll(e)),
            (Some(WaitState::Retry) | None, _) => {
                progress(&pace.progress(poll_action, &seen.observed));
            }
        }
        if !pace.pause(options).await {
            return Err(timed_out(&pace, poll_action, seen.observed));
        }
    }

    // The first poll could not say (its task is gone, or unreadable): the recipe's fallback decides, polled
    // at once and then at the same pace.
    let (Some(fallback), Some(poll)) = (completion.fallback, request.fallback_request(output))
    else {
        return Err(WaitError::NothingToWaitFor {
            action: O::META.action,
        });
    };
    let poll_action = fallback.action;
    loop {
        pace.polls += 1;
        let seen = see::<O::Fallback>(client.send(poll.clone()).await, fallback.acceptors);
        match (seen.state, seen.error) {
            (Some(WaitState::Success), _) => {
                progress(&pace.progress(poll_action, &seen.observed));
                return Ok(completed(&pace, seen.observed));
            }
            (Some(WaitState::Failure), _) => return Err(failed(poll_action, seen.observed)),
            (Some(WaitState::Fallback) | None, Some(e)) => {
                return Err(WaitError::FallbackPoll {
                    poll_action,
                    code: e.code().map(str::to_owned),
                    error: Box::new(e),
                });
            }
            _ => progress(&pace.progress(poll_action, &seen.observed)),
        }
        if !pace.pause(options).await {
            return Err(timed_out(&pace, poll_action, seen.observed));
        }
    }
}

fn completed(pace: &Pace, observed: String) -> Completed {
    Completed {
        polls: pace.polls,
        elapsed: pace.started.elapsed(),
        observed,
    }
}

/// A short description of a poll body: the values the acceptors look at, else the body's `Status`.
fn describe(body: &serde_json::Value, acceptors: &[Acceptor]) -> String {
    let mut parts = Vec::new();
    for a in acceptors {
        let shown = match a.matcher {
            Matcher::PathEquals { path, .. } => {
                let v = path.iter().try_fold(body, |v, seg| v.get(*seg));
                format!(
                    "{}={}",
                    path.join("."),
                    v.map(|v| v.to_string()).unwrap_or_else(|| "absent".into())
                )
            }
            Matcher::Empty { path } => {
                let v = path.iter().try_fold(body, |v, seg| v.get(*seg));
                let count = v.and_then(|v| v.as_array()).map_or(0, Vec::len);
                format!("{} item(s) in {}", count, path.join("."))
            }
            _ => continue,
        };
        if !parts.contains(&shown) {
            parts.push(shown);
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
