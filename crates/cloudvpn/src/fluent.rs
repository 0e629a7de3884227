//! What the generated fluent clients share: a required parameter's check, and `send_and_wait`.
//!
//! The generated call of an awaitable operation returns [`SendAndWait`]: await it to send the call and poll
//! until its effect is complete, after setting how to wait ([`SendAndWait::wait_options`]) and what to report
//! after each poll ([`SendAndWait::on_progress`]).

use crate::ApiClient;
use crate::error::Error;
use crate::waiter::{Completed, WaitError, WaitOptions, WaitProgress};
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::{Completable, Operation, Problem, ValidationError};
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

/// The value of a required parameter, or the validation error saying it was not set.
pub(crate) fn required<T>(
    value: Option<T>,
    meta: &'static OperationMeta,
    param: &'static str,
) -> Result<T, ValidationError> {
    value.ok_or_else(|| ValidationError::new(meta.action, param, Problem::Missing))
}

/// What to call after each poll.
type ProgressFn = Box<dyn FnMut(&WaitProgress) + Send>;

/// A call to send and then wait for: returned by `send_and_wait()` of a generated call whose operation has a
/// completion recipe. Await it; before that, [`wait_options`](Self::wait_options) and
/// [`on_progress`](Self::on_progress) say how to wait and what to report.
#[must_use = "nothing is sent until it is awaited"]
pub struct SendAndWait<C, O> {
    client: C,
    request: Result<O, ValidationError>,
    options: WaitOptions,
    progress: Option<ProgressFn>,
}

impl<C, O> fmt::Debug for SendAndWait<C, O>
where
    C: fmt::Debug,
    O: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SendAndWait")
            .field("client", &self.client)
            .field("request", &self.request)
            .field("options", &self.options)
            .field("on_progress", &self.progress.is_some())
            .finish()
    }
}

impl<C: ApiClient, O: Completable> SendAndWait<C, O> {
    /// The call of `request` (or the error that building it gave) on `client`, waited for with the defaults.
    pub(crate) fn new(client: C, request: Result<O, ValidationError>) -> Self {
        SendAndWait {
            client,
            request,
            options: WaitOptions::default(),
            progress: None,
        }
    }

    /// How to wait (default [`WaitOptions::default`]: 1 s growing to 15 s, for at most 10 minutes).
    pub fn wait_options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// Called after every poll (and once more when the wait succeeds) with what it showed.
    pub fn on_progress(mut self, progress: impl FnMut(&WaitProgress) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    async fn run(self) -> Result<Waited<O::Output>, SendAndWaitError<O::Error, PollError<O>>> {
        let SendAndWait {
            client,
            request,
            options,
            mut progress,
        } = self;
        let request = request.map_err(|e| SendAndWaitError::Send(Error::Validation(e)))?;
        // The request is kept for the poll, which is built from it and the answer.
        let output = client
            .send(request.clone())
            .await
            .map_err(SendAndWaitError::Send)?;
        let report = |p: &WaitProgress| {
            if let Some(f) = progress.as_mut() {
                f(p);
            }
        };
        match client.wait(&request, &output, &options, report).await {
            Ok(completed) => Ok(Waited { output, completed }),
            Err(error) => Err(SendAndWaitError::Wait(error)),
        }
    }
}

/// The error type of polls of `O`.
type PollError<O> = <<O as Completable>::Poll as Operation>::Error;

impl<C: ApiClient, O: Completable> IntoFuture for SendAndWait<C, O> {
    type Output = Result<Waited<O::Output>, SendAndWaitError<O::Error, PollError<O>>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

/// A call that was accepted and whose effect is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waited<T> {
    /// The service's answer to the call.
    pub output: T,
    /// How the wait ended: polls made, time taken, what the last poll showed.
    pub completed: Completed,
}

/// Why a [`SendAndWait`] did not end with the effect complete: `E` is the call's error, `P` its poll's.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendAndWaitError<E, P> {
    /// The call itself failed (invalid, not sent, or refused): there is nothing to wait for.
    Send(Error<E>),
    /// The call was accepted, but waiting for its effect failed, timed out or polled into an error.
    Wait(WaitError<P>),
}

impl<E, P> SendAndWaitError<E, P> {
    /// Whether the service accepted the call (and so may still be completing it).
    pub fn was_accepted(&self) -> bool {
        matches!(self, SendAndWaitError::Wait(_))
    }
}

impl<E: fmt::Display, P: fmt::Display> fmt::Display for SendAndWaitError<E, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendAndWaitError::Send(e) => write!(f, "{e}"),
            SendAndWaitError::Wait(e) => write!(f, "accepted, then waiting failed: {e}"),
        }
    }
}

impl<E, P> std::error::Error for SendAndWaitError<E, P>
where
    E: std::error::Error + 'static,
    P: fmt::Debug + fmt::Display + 'static,
{
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendAndWaitError::Send(e) => Some(e),
            SendAndWaitError::Wait(e) => Some(e),
        }
    }
}
