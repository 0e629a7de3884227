//! The generic core of every client: validate, fill the idempotency token, serialize once, then sign, send
//! and classify each attempt, retrying what is safe to retry; waits; idempotent deletes. What differs by
//! protocol (signing, envelope, errors) is behind [`Wire`], one module per protocol in `protocol/`.

use crate::builder::CommonConfig;
use crate::clock::{Clock, IdGenerator, RandomIds, SystemClock};
use crate::credentials::Offline;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::protocol::{Parser, Prepared, Wire};
use crate::retry::{Backoff, RetryConfig, RetryReason, TokenBucket};
use crate::transport::{HttpRequest, ReqwestTransport, Transport, TransportErrorKind};
use crate::waiter::{Completed, WaitError, WaitOptions, WaitProgress};
use cloudvpn_types::meta::{OperationAuth, OperationMeta, Protocol};
use cloudvpn_types::{Completable, Operation, OperationError};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

mod deletion;
mod wire_log;

pub use deletion::Deletion;
use deletion::delete_with;
pub use wire_log::{WireEvent, WireLog};

/// A request built by [`ApiClient::dry_run`], not sent.
#[derive(Debug, Clone)]
pub struct DryRun {
    /// The request (its `Debug` and [`HttpRequest::redacted`] hide session tokens).
    pub request: HttpRequest,
    /// Set when the request is unsigned because its credentials would come from this provider at this
    /// endpoint (an STS or metadata call, which a dry run does not make); `None` when it is signed (or its
    /// operation is sent unsigned anyway).
    pub unsigned_because: Option<String>,
}

/// What every client shares: transport, clock, identifiers, retry state and timeouts.
pub struct Core {
    transport: Arc<dyn Transport>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn IdGenerator>,
    retry: RetryConfig,
    backoff: Backoff,
    bucket: TokenBucket,
    attempt_timeout: Duration,
    /// The base URL override, parsed once by `build` (its path is replaced by each API's own).
    endpoint: Option<Endpoint>,
    pub(crate) region: Option<String>,
    pub(crate) user_agent: String,
    wire_log: Option<WireLog>,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Core")
            .field("transport", &self.transport)
            .field("retry", &self.retry)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// Why one attempt failed, and what retrying it would cost.
enum Failure<E> {
    Done(Error<E>),
    Retryable(Error<E>, u32),
    /// The service rejected the attempt's temporary credentials (an expired or revoked session token), which
    /// the cache has now forgotten: the next attempt signs with refreshed ones, at once.
    Rejected(E),
}

impl Core {
    /// Where a call of `meta` for `region` goes: the base URL override with the API's path, else the
    /// provider's endpoint of the region.
    pub(crate) fn endpoint_for<E>(
        &self,
        meta: &OperationMeta,
        region: Option<&str>,
    ) -> Result<Endpoint, Error<E>> {
        match &self.endpoint {
            Some(base) => Ok(Endpoint {
                path: meta.api.endpoint.path.to_owned(),
                ..base.clone()
            }),
            None => match region {
                Some(r) => Ok(Endpoint::for_region(meta.api, r)),
                None => Err(Error::Config {
                    action: meta.action,
                    message:
                        "no region: set one on the client (or in the request's region parameter)"
                            .into(),
                }),
            },
        }
    }

    /// Checks the operation's API speaks `protocol`, validates, and fills the idempotency token.
    fn prepare<O: Operation>(
        &self,
        protocol: Protocol,
        request: &mut O,
    ) -> Result<(), Error<O::Error>> {
        let meta = O::META;
        check_protocol(meta, protocol)?;
        request.validate().map_err(Error::Validation)?;
        if meta.idempotency_token.is_some() && request.idempotency_token().is_none() {
            request.set_idempotency_token(self.ids.client_token());
        }
        Ok(())
    }

    /// The attempt loop. `build` signs attempt `n` afresh (new nonce and timestamp) with the credentials the
    /// client's cache gives for that attempt, so a call that outlives temporary credentials signs its later
    /// attempts with refreshed ones; `parse` reads the answer. An error that rejects the credentials names
    /// the source of those used in the attempt. `acted_on` counts the attempts the service may have acted
    /// on: all that were sent, but those whose connection was refused (they never reached it) and those it
    /// refused for their credentials.
    ///
    /// A rejection of temporary credentials themselves (an expired or revoked session: the server's clock
    /// or the issuer disagrees with their expiry here) makes the cache forget them, and the call tries once
    /// more with refreshed ones if its attempts and the retry budget allow; a second such rejection is the
    /// caller's error (those credentials are forgotten too, so the next call does not spend an attempt on
    /// them). The server refused the attempt before acting on it, so this retry is safe for any operation;
    /// it is announced as [`RetryReason::SessionRejected`] and costs `retry_cost` like any other: a clock
    /// that disagrees with the service gets every fresh session rejected too, and then these retries are a
    /// storm the budget should stop like any other.
    async fn execute<O: Operation, W: Wire + ?Sized>(
        &self,
        wire: &W,
        meta: &'static OperationMeta,
        build: impl Fn(&Core, Option<&W::Credentials>) -> HttpRequest,
        parse: Parser<O>,
        acted_on: &AtomicU32,
    ) -> Result<O::Output, Error<O::Error>> {
        let safe_to_repeat = meta.read_only || meta.idempotency_token.is_some();
        let mut attempt = 0;
        let mut renewed = false;
        loop {
            attempt += 1;
            // An unsigned operation (an OIDC exchange) needs no credentials, and must not fail for want of them.
            let resolved = match meta.auth {
                OperationAuth::Anonymous => None,
                OperationAuth::Signed => {
                    Some(wire.credentials().get().await.map_err(Error::Credentials)?)
                }
            };
            let named = |e| match &resolved {
                Some(resolved) => name_credentials_source::<W, _>(e, &resolved.source),
                None => e,
            };
            let request = build(self, resolved.as_ref().map(|r| &r.credentials));
            // Until the outcome says otherwise, the service may have acted on this attempt.
            let mut reached_service = true;
            if let Some(log) = &self.wire_log {
                log(WireEvent::Request {
                    attempt,
                    request: &request,
                });
            }
            let outcome = match tokio::time::timeout(
                self.attempt_timeout,
                self.transport.send(request),
            )
            .await
            {
                Err(_) => Failure::Retryable(
                    Error::Timeout {
                        action: meta.action,
                        attempts: attempt,
                        after: self.attempt_timeout,
                    },
                    if safe_to_repeat {
                        self.retry.timeout_cost
                    } else {
                        u32::MAX
                    },
                ),
                Ok(Err(e)) => {
                    // A refused connection never reached the server: always safe to repeat. A connection that
                    // broke mid-flight may have been acted on, so only idempotent calls repeat it.
                    let cost = if e.kind == TransportErrorKind::Connect || safe_to_repeat {
                        self.retry.retry_cost
                    } else {
                        u32::MAX
                    };
                    let kind = e.kind;
                    reached_service = kind != TransportErrorKind::Connect;
                    let error = Error::Transport {
                        action: meta.action,
                        attempts: attempt,
                        source: e,
                    };
                    if kind == TransportErrorKind::Request {
                        Failure::Done(error)
                    } else {
                        Failure::Retryable(error, cost)
                    }
                }
                Ok(Ok(response)) => {
                    if let Some(log) = &self.wire_log {
                        log(WireEvent::Response {
                            attempt,
                            response: &response,
                        });
                    }
                    match parse(&response) {
                        Ok(output) => {
                            self.bucket.refund(self.retry.success_refund);
                            return Ok(output);
                        }
                        Err(Error::Service(e))
                            if W::rejects_session(e.info(), e.documented())
                                && resolved
                                    .as_ref()
                                    .is_some_and(|r| wire.credentials().invalidate_rejected(r)) =>
                        {
                            reached_service = false;
                            if renewed {
                                Failure::Done(Error::Service(e))
                            } else {
                                Failure::Rejected(e)
                            }
                        }
                        Err(Error::Service(e)) => {
                            let server_side = e.info().http_status.is_some_and(|s| s >= 500);
                            if e.is_retryable() || (server_side && safe_to_repeat) {
                                Failure::Retryable(Error::Service(e), self.retry.retry_cost)
                            } else {
                                Failure::Done(Error::Service(e))
                            }
                        }
                        Err(e @ Error::Unparsable { status, .. })
                            if status >= 500 && safe_to_repeat =>
                        {
                            Failure::Retryable(e, self.retry.retry_cost)
                        }
                        Err(e) => Failure::Done(e),
                    }
                }
            };
            if reached_service {
                acted_on.fetch_add(1, Ordering::Relaxed);
            }
            match outcome {
                Failure::Done(e) => return Err(named(e)),
                Failure::Retryable(e, cost) => {
                    let may_retry = cost != u32::MAX
                        && attempt < self.retry.max_attempts
                        && self.bucket.try_acquire(cost);
                    if !may_retry {
                        return Err(named(e));
                    }
                    let delay = self.backoff.delay(attempt, Duration::ZERO);
                    if let (Some(log), Some(reason)) = (&self.wire_log, RetryReason::of(&e)) {
                        log(WireEvent::Retrying {
                            attempt,
                            operation: meta,
                            reason,
                            delay,
                        });
                    }
                    tokio::time::sleep(delay).await;
                }
                Failure::Rejected(e) => {
                    if attempt >= self.retry.max_attempts
                        || !self.bucket.try_acquire(self.retry.retry_cost)
                    {
                        return Err(named(Error::Service(e)));
                    }
                    if let Some(log) = &self.wire_log {
                        log(WireEvent::Retrying {
                            attempt,
                            operation: meta,
                            reason: RetryReason::SessionRejected { code: e.code() },
                            delay: Duration::ZERO,
                        });
                    }
                    renewed = true;
                }
            }
        }
    }

    /// The core these settings describe; a bad base URL or root certificate bundle fails here, once,
    /// rather than on every call.
    pub(crate) fn build(
        config: CommonConfig,
        default_user_agent: String,
    ) -> Result<Core, crate::BuildError> {
        let endpoint = config
            .endpoint
            .map(|base| Endpoint::parse_base(&base, "/"))
            .transpose()
            .map_err(|message| crate::BuildError::Endpoint { message })?;
        let transport: Arc<dyn Transport> = match config.transport {
            Some(t) => t,
            None => Arc::new(ReqwestTransport::with_root_certificates(
                config.connect_timeout,
                &config.root_certificates,
            )?),
        };
        Ok(Core {
            transport,
            clock: config.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            ids: config.ids.unwrap_or_else(|| Arc::new(RandomIds::new())),
            backoff: Backoff::new(&config.retry),
            bucket: TokenBucket::new(config.retry.budget),
            retry: config.retry,
            attempt_timeout: config.attempt_timeout,
            endpoint,
            region: config.region,
            user_agent: config.user_agent.unwrap_or(default_user_agent),
            wire_log: config.wire_log,
        })
    }
}

/// Refuses an operation whose API speaks another protocol than `client`: signing it with this client's
/// scheme would send a request its service cannot read. The API decides, not the provider: one cloud may
/// offer APIs of several protocols.
fn check_protocol<E>(meta: &OperationMeta, client: Protocol) -> Result<(), Error<E>> {
    if meta.api.protocol == client {
        return Ok(());
    }
    Err(Error::WrongProtocol {
        action: meta.action,
        provider: meta.api.provider,
        api: meta.api.title,
        protocol: meta.api.protocol,
        client,
    })
}

/// The calls of every protocol client ([`AlibabaClient`](crate::AlibabaClient),
/// [`TencentClient`](crate::TencentClient)): bring it into scope (`use cloudvpn::ApiClient;`) to
/// call them, or use it to write code generic over the cloud.
pub trait ApiClient: Wire + Clone + fmt::Debug + Send + Sync + 'static {
    /// Sends one call: validates it (nothing is sent if it is invalid), fills the idempotency token if the
    /// operation has one and it is empty, then signs and sends each attempt, retrying throttling, documented
    /// transient errors, 5xx answers and connection failures where that is safe.
    fn send<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<O::Output, Error<O::Error>>> + Send {
        async move {
            let prepared = self.prepare_call(request).await?;
            self.core()
                .execute::<O, Self>(
                    self,
                    O::META,
                    |core, credentials| self.sign(O::META, &prepared, credentials, core),
                    Self::parser::<O>(),
                    &AtomicU32::new(0),
                )
                .await
        }
    }

    /// Like [`send`](Self::send) for a delete, but "not found" on a retry means an earlier attempt already
    /// deleted the resource: the caller gets [`Deletion::AlreadyGone`] instead of an error.
    fn delete<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<Deletion<O::Output>, Error<O::Error>>> + Send {
        async move {
            let prepared = self.prepare_call(request).await?;
            delete_with::<O, Self>(
                self,
                O::META,
                |core, credentials| self.sign(O::META, &prepared, credentials, core),
                Self::parser::<O>(),
            )
            .await
        }
    }

    /// The signed request of a first attempt, without sending it (what `--dry-run` prints). Temporary
    /// credentials are obtained (from STS or a metadata service) as for a real call.
    fn prepare<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<HttpRequest, Error<O::Error>>> + Send {
        async move {
            let prepared = self.prepare_call(request).await?;
            let resolved = match O::META.auth {
                OperationAuth::Anonymous => None,
                OperationAuth::Signed => {
                    Some(self.credentials().get().await.map_err(Error::Credentials)?)
                }
            };
            let credentials = resolved.as_ref().map(|r| &r.credentials);
            Ok(self.sign(O::META, &prepared, credentials, self.core()))
        }
    }

    /// What `--dry-run` prints, calling nothing and opening no connection: the request of a first attempt,
    /// signed when the credentials are in hand (keys from a flag, a variable, a file), else unsigned, with
    /// [`DryRun::unsigned_because`] naming the STS or metadata call that would give them.
    fn dry_run<O: Operation>(&self, request: O) -> Result<DryRun, Error<O::Error>> {
        let mut request = request;
        self.core().prepare(Self::PROTOCOL, &mut request)?;
        let offline = match O::META.auth {
            OperationAuth::Anonymous => None,
            OperationAuth::Signed => Some(
                self.credentials()
                    .get_offline()
                    .map_err(Error::Credentials)?,
            ),
        };
        let (in_hand, unsigned_because) = match offline {
            Some(Offline::InHand(resolved)) => (Some(resolved), None),
            Some(Offline::Remote { from }) => (None, Some(from)),
            None => (None, None),
        };
        let prepared = self.resolve(&request, in_hand.as_ref())?;
        let credentials = in_hand.as_ref().map(|r| &r.credentials);
        Ok(DryRun {
            request: self.sign(O::META, &prepared, credentials, self.core()),
            unsigned_because,
        })
    }

    /// Validates, fills the idempotency token and serializes once; the credentials' region (a profile's)
    /// applies when neither the request nor the client gives one.
    #[doc(hidden)]
    fn prepare_call<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<Prepared, Error<O::Error>>> + Send {
        async move {
            let mut request = request;
            self.core().prepare(Self::PROTOCOL, &mut request)?;
            match O::META.auth {
                OperationAuth::Anonymous => self.resolve(&request, None),
                OperationAuth::Signed => {
                    let resolved = self.credentials().get().await.map_err(Error::Credentials)?;
                    self.resolve(&request, Some(&resolved))
                }
            }
        }
    }

    /// Polls until the call's effect is complete, reporting each poll; see [`crate::waiter`].
    fn wait<O: Completable>(
        &self,
        request: &O,
        output: &O::Output,
        options: &WaitOptions,
        progress: impl FnMut(&WaitProgress) + Send,
    ) -> impl Future<Output = Result<Completed, WaitError<<O::Poll as Operation>::Error>>> + Send
    {
        crate::waiter::wait(self, request, output, options, progress)
    }
}

/// Notes on an error that rejects the credentials where they came from (`source` is a description such as
/// `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID`, never a secret); other errors pass through.
fn name_credentials_source<W: Wire + ?Sized, E: OperationError>(
    error: Error<E>,
    source: &str,
) -> Error<E> {
    match error {
        Error::Service(e) if W::rejects_credentials(e.info(), e.documented()) => {
            let mut info = e.info().clone();
            info.credentials_source = Some(source.to_owned());
            // Classified again from the same code, so the variant does not change.
            Error::Service(E::from_info(info))
        }
        other => other,
    }
}
