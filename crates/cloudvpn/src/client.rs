//! The clients: serialize once, then sign, send and classify each attempt, retrying what is safe to retry.

use crate::alibaba::{self, AlibabaSignature};
use crate::clock::{self, Clock, IdGenerator, RandomIds, SystemClock};
use crate::credentials::{
    AlibabaChain, AlibabaCredentials, ProvideCredentials, Resolved, StaticCredentials,
    TencentChain, TencentCredentials,
};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::retry::{Backoff, RetryConfig, TokenBucket};
use crate::tencent::{self, SignatureMethod};
use crate::transport::{
    HttpMethod, HttpRequest, HttpResponse, ReqwestTransport, Transport, TransportErrorKind,
};
use crate::waiter::{Completed, WaitError, WaitOptions, WaitProgress};
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::{Completable, ErrorInfo, Operation, OperationError};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time one attempt may take, from sending to the last byte of the answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// What the wire log sees: every request as sent and every response as received.
#[derive(Debug, Clone, Copy)]
pub enum WireEvent<'a> {
    /// About to send attempt `attempt` (1-based).
    Request {
        /// Attempt number.
        attempt: u32,
        /// The request (its `Debug` and [`HttpRequest::redacted`] hide session tokens).
        request: &'a HttpRequest,
    },
    /// The answer to it.
    Response {
        /// Attempt number.
        attempt: u32,
        /// The response.
        response: &'a HttpResponse,
    },
}

/// A callback that observes the wire (for `--debug` style logging).
pub type WireLog = Arc<dyn Fn(WireEvent<'_>) + Send + Sync>;

/// The result of a delete made idempotent for the caller (see [`AlibabaClient::delete`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deletion<T> {
    /// The service confirmed this deletion.
    Deleted(T),
    /// A retry found the resource gone: an earlier attempt whose answer was lost deleted it.
    AlreadyGone {
        /// The request id of the not-found answer.
        request_id: Option<String>,
    },
}

/// What both clients share: transport, clock, identifiers, retry state and timeouts.
pub struct Core {
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
    retry: RetryConfig,
    backoff: Backoff,
    bucket: TokenBucket,
    attempt_timeout: Duration,
    /// The base URL override, parsed once (its path is replaced by each API's own).
    endpoint: Option<Result<Endpoint, String>>,
    region: Option<String>,
    user_agent: String,
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

/// Reads a response into the operation's output or error.
type Parser<O> =
    fn(&HttpResponse) -> Result<<O as Operation>::Output, Error<<O as Operation>::Error>>;

/// Credentials resolved on first use and kept for the client's lifetime, so a call does not re-read the
/// environment and profile files.
#[derive(Debug)]
struct CredentialCache<C> {
    provider: Arc<dyn ProvideCredentials<C>>,
    resolved: std::sync::Mutex<Option<Arc<Resolved<C>>>>,
}

impl<C> CredentialCache<C> {
    fn new(provider: Arc<dyn ProvideCredentials<C>>) -> Self {
        CredentialCache {
            provider,
            resolved: std::sync::Mutex::new(None),
        }
    }

    fn get(&self) -> Result<Arc<Resolved<C>>, crate::credentials::CredentialsError> {
        let mut cached = self.resolved.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(r) = cached.as_ref() {
            return Ok(r.clone());
        }
        // Failures are not cached: the user may fix the environment and try again.
        let fresh = Arc::new(self.provider.provide()?);
        *cached = Some(fresh.clone());
        Ok(fresh)
    }
}

/// What a call needs before its first attempt: resolved once, reused by every attempt.
pub struct Prepared<C> {
    credentials: Arc<Resolved<C>>,
    region: Option<String>,
    endpoint: Endpoint,
    params: Vec<(&'static str, String)>,
}

/// Why one attempt failed, and what retrying it would cost.
enum Failure<E> {
    Done(Error<E>),
    Retryable(Error<E>, u32),
}

impl Core {
    fn endpoint_for<E>(
        &self,
        meta: &OperationMeta,
        region: Option<&str>,
    ) -> Result<Endpoint, Error<E>> {
        match &self.endpoint {
            Some(Ok(base)) => Ok(Endpoint {
                path: meta.api.endpoint.path.to_owned(),
                ..base.clone()
            }),
            Some(Err(message)) => Err(Error::Config {
                action: meta.action,
                message: message.clone(),
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

    /// The attempt loop. `build` signs attempt `n` afresh (new nonce and timestamp); `parse` reads the answer.
    async fn execute<O: Operation>(
        &self,
        meta: &'static OperationMeta,
        build: impl Fn(&Core) -> HttpRequest,
        parse: Parser<O>,
    ) -> Result<O::Output, Error<O::Error>> {
        let safe_to_repeat = meta.read_only || meta.idempotency_token.is_some();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let request = build(self);
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
            match outcome {
                Failure::Done(e) => return Err(e),
                Failure::Retryable(e, cost) => {
                    let may_retry = cost != u32::MAX
                        && attempt < self.retry.max_attempts
                        && self.bucket.try_acquire(cost);
                    if !may_retry {
                        return Err(e);
                    }
                    tokio::time::sleep(self.backoff.delay(attempt, Duration::ZERO)).await;
                }
            }
        }
    }

    fn build(
        config: CommonConfig,
        default_user_agent: String,
    ) -> Result<Core, crate::transport::TransportError> {
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
            endpoint: config.endpoint.map(|base| Endpoint::parse_base(&base, "/")),
            region: config.region,
            user_agent: config.user_agent.unwrap_or(default_user_agent),
            wire_log: config.wire_log,
        })
    }
}

/// Settings both builders share.
struct CommonConfig {
    endpoint: Option<String>,
    region: Option<String>,
    connect_timeout: Duration,
    attempt_timeout: Duration,
    retry: RetryConfig,
    transport: Option<Arc<dyn Transport>>,
    clock: Option<Arc<dyn Clock>>,
    ids: Option<Arc<dyn IdGenerator>>,
    user_agent: Option<String>,
    wire_log: Option<WireLog>,
    /// Extra trusted roots (PEM bundles) for the default transport.
    root_certificates: Vec<Vec<u8>>,
}

impl Default for CommonConfig {
    fn default() -> Self {
        CommonConfig {
            endpoint: None,
            region: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            retry: RetryConfig::default(),
            transport: None,
            clock: None,
            ids: None,
            user_agent: None,
            wire_log: None,
            root_certificates: Vec::new(),
        }
    }
}

/// The builder methods both clients' builders have.
macro_rules! common_builder_methods {
    () => {
        /// Sends every call to this base URL (e.g. `http://127.0.0.1:8080` for the emulator) instead of the
        /// provider's regional endpoint.
        pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
            self.common.endpoint = Some(base_url.into());
            self
        }

        /// The default region.
        pub fn region(mut self, region: impl Into<String>) -> Self {
            self.common.region = Some(region.into());
            self
        }

        /// Connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`], 5 s).
        pub fn connect_timeout(mut self, timeout: Duration) -> Self {
            self.common.connect_timeout = timeout;
            self
        }

        /// Time one attempt may take (default [`DEFAULT_ATTEMPT_TIMEOUT`], 30 s).
        pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
            self.common.attempt_timeout = timeout;
            self
        }

        /// Retry settings (default [`RetryConfig::default`]: 4 attempts, 200 ms base, 10 s cap).
        pub fn retry(mut self, retry: RetryConfig) -> Self {
            self.common.retry = retry;
            self
        }

        /// Another transport (tests, proxies).
        pub fn transport(mut self, transport: Arc<dyn Transport>) -> Self {
            self.common.transport = Some(transport);
            self
        }

        /// Another clock (tests).
        pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
            self.common.clock = Some(clock);
            self
        }

        /// Another source of nonces and client tokens (tests).
        pub fn ids(mut self, ids: Arc<dyn IdGenerator>) -> Self {
            self.common.ids = Some(ids);
            self
        }

        /// The `User-Agent` header.
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.common.user_agent = Some(user_agent.into());
            self
        }

        /// Observes every request and response on the wire.
        pub fn wire_log(mut self, log: WireLog) -> Self {
            self.common.wire_log = Some(log);
            self
        }

        /// Also trusts the certificates of this PEM bundle (one or more `CERTIFICATE` blocks) for HTTPS,
        /// beside the built-in roots: e.g. the CA an emulator started with `--tls` prints. May be called
        /// more than once. `build` refuses a bundle holding no certificate. Applies to the default
        /// transport only (not to one given with `transport`).
        pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.common.root_certificates.push(pem.into());
            self
        }
    };
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

fn default_user_agent() -> String {
    format!("cloudvpn-rust/{}", env!("CARGO_PKG_VERSION"))
}

// ---------------------------------------------------------------------------------------------------------
// What both clients do

/// The protocol hooks that set the two clouds' clients apart; everything else is shared. Sealed: the
/// module is private, so [`ApiClient`] cannot be implemented outside this crate.
mod wire {
    use super::{Core, Parser, Prepared};
    use crate::error::Error;
    use crate::transport::HttpRequest;
    use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
    use cloudvpn_types::{ErrorInfo, Operation};

    pub trait Wire: Sync {
        /// The credentials this protocol signs with.
        type Credentials: Send + Sync;
        /// The protocol the client speaks: it sends operations of APIs of this protocol only.
        const PROTOCOL: Protocol;
        /// Transport, clock, retry state.
        fn core(&self) -> &Core;
        /// Reads a response.
        fn parser<O: Operation>() -> Parser<O>;
        /// Serializes once; resolves endpoint and credentials.
        fn resolve<O: Operation>(
            &self,
            request: &O,
        ) -> Result<Prepared<Self::Credentials>, Error<O::Error>>;
        /// Whether a service error rejects the credentials themselves (wrong secret, unknown or disabled
        /// key, bad token), so that the error should say where they came from.
        fn rejects_credentials(
            info: &ErrorInfo,
            documented: Option<&'static DocumentedError>,
        ) -> bool;
        /// Signs one attempt afresh.
        fn sign(
            &self,
            meta: &OperationMeta,
            prepared: &Prepared<Self::Credentials>,
            core: &Core,
        ) -> HttpRequest;
    }
}

/// The calls of [`AlibabaClient`] and [`TencentClient`]: bring it into scope (`use cloudvpn::ApiClient;`) to
/// call them, or use it to write code generic over the cloud.
pub trait ApiClient: wire::Wire + Clone + fmt::Debug + Send + Sync + 'static {
    /// Sends one call: validates it (nothing is sent if it is invalid), fills the idempotency token if the
    /// operation has one and it is empty, then signs and sends each attempt, retrying throttling, documented
    /// transient errors, 5xx answers and connection failures where that is safe.
    fn send<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<O::Output, Error<O::Error>>> + Send {
        async move {
            let mut request = request;
            self.core().prepare(Self::PROTOCOL, &mut request)?;
            let prepared = self.resolve(&request)?;
            self.core()
                .execute::<O>(
                    O::META,
                    |core| self.sign(O::META, &prepared, core),
                    Self::parser::<O>(),
                )
                .await
                .map_err(|e| name_credentials_source::<Self, _>(e, &prepared.credentials.source))
        }
    }

    /// Like [`send`](Self::send) for a delete, but "not found" on a retry means an earlier attempt already
    /// deleted the resource: the caller gets [`Deletion::AlreadyGone`] instead of an error.
    fn delete<O: Operation>(
        &self,
        request: O,
    ) -> impl Future<Output = Result<Deletion<O::Output>, Error<O::Error>>> + Send {
        async move {
            let mut request = request;
            self.core().prepare(Self::PROTOCOL, &mut request)?;
            let prepared = self.resolve(&request)?;
            delete_with::<O>(
                self.core(),
                O::META,
                |core| self.sign(O::META, &prepared, core),
                Self::parser::<O>(),
            )
            .await
            .map_err(|e| name_credentials_source::<Self, _>(e, &prepared.credentials.source))
        }
    }

    /// The signed request of a first attempt, without sending it (what `--dry-run` prints).
    fn prepare<O: Operation>(&self, request: O) -> Result<HttpRequest, Error<O::Error>> {
        let mut request = request;
        self.core().prepare(Self::PROTOCOL, &mut request)?;
        let prepared = self.resolve(&request)?;
        Ok(self.sign(O::META, &prepared, self.core()))
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
        crate::waiter::wait(request, output, options, |poll| self.send(poll), progress)
    }
}

/// Notes on an error that rejects the credentials where they came from (`source` is a description such as
/// `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID`, never a secret); other errors pass through.
fn name_credentials_source<W: wire::Wire, E: OperationError>(
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

// ---------------------------------------------------------------------------------------------------------
// Alibaba

/// A client of Alibaba Cloud's RPC APIs (VPC 2016-04-28). Cheap to clone; clones share connections and the
/// retry budget.
#[derive(Clone, Debug)]
pub struct AlibabaClient {
    core: Arc<Core>,
    credentials: Arc<CredentialCache<AlibabaCredentials>>,
    signature: AlibabaSignature,
}

/// Builds an [`AlibabaClient`].
pub struct AlibabaClientBuilder {
    common: CommonConfig,
    credentials: Option<Arc<dyn ProvideCredentials<AlibabaCredentials>>>,
    signature: AlibabaSignature,
}

impl AlibabaClientBuilder {
    common_builder_methods!();

    /// Use these credentials (default: the chain of environment variables and profile files).
    pub fn credentials(mut self, credentials: AlibabaCredentials) -> Self {
        self.credentials = Some(Arc::new(StaticCredentials::new(credentials)));
        self
    }

    /// Use this provider of credentials.
    pub fn credentials_provider(
        mut self,
        provider: Arc<dyn ProvideCredentials<AlibabaCredentials>>,
    ) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// The signature (default V3 `ACS3-HMAC-SHA256`, as the current official SDK).
    pub fn signature(mut self, signature: AlibabaSignature) -> Self {
        self.signature = signature;
        self
    }

    /// The client.
    pub fn build(self) -> Result<AlibabaClient, crate::transport::TransportError> {
        Ok(AlibabaClient {
            core: Arc::new(Core::build(self.common, default_user_agent())?),
            credentials: Arc::new(CredentialCache::new(
                self.credentials
                    .unwrap_or_else(|| Arc::new(AlibabaChain::new())),
            )),
            signature: self.signature,
        })
    }
}

impl AlibabaClient {
    /// A builder with the defaults.
    pub fn builder() -> AlibabaClientBuilder {
        AlibabaClientBuilder {
            common: CommonConfig::default(),
            credentials: None,
            signature: AlibabaSignature::V3,
        }
    }
}

impl wire::Wire for AlibabaClient {
    type Credentials = AlibabaCredentials;
    const PROTOCOL: Protocol = Protocol::AlibabaRpc;

    fn core(&self) -> &Core {
        &self.core
    }

    fn parser<O: Operation>() -> Parser<O> {
        alibaba::parse_response::<O>
    }

    fn rejects_credentials(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool {
        alibaba::rejects_credentials(info, documented)
    }

    /// Serializes once and resolves the endpoint (from the request's `RegionId`) and credentials.
    fn resolve<O: Operation>(
        &self,
        request: &O,
    ) -> Result<Prepared<AlibabaCredentials>, Error<O::Error>> {
        let params = request.to_params();
        let resolved = self.credentials.get().map_err(Error::Credentials)?;
        let region = O::META
            .region_param()
            .and_then(|p| params.iter().find(|(k, _)| *k == p.name))
            .map(|(_, v)| v.clone())
            .or_else(|| self.core.region.clone())
            .or_else(|| resolved.region.clone());
        let endpoint = self.core.endpoint_for(O::META, region.as_deref())?;
        Ok(Prepared {
            credentials: resolved,
            region,
            endpoint,
            params,
        })
    }

    /// Signs one attempt: a fresh timestamp and nonce every time.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared<AlibabaCredentials>,
        core: &Core,
    ) -> HttpRequest {
        let timestamp = clock::iso8601(core.clock.now());
        let nonce = core.ids.nonce();
        alibaba::build_request(
            meta,
            &prepared.params,
            &prepared.credentials.credentials,
            self.signature,
            &prepared.endpoint,
            &core.user_agent,
            &alibaba::Attempt {
                timestamp: &timestamp,
                nonce: &nonce,
            },
        )
    }
}

impl ApiClient for AlibabaClient {}

// ---------------------------------------------------------------------------------------------------------
// Tencent

/// A client of Tencent Cloud's API v2 (`vpc.api.qcloud.com/v2/index.php`). Cheap to clone.
#[derive(Clone, Debug)]
pub struct TencentClient {
    core: Arc<Core>,
    credentials: Arc<CredentialCache<TencentCredentials>>,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: String,
}

/// Builds a [`TencentClient`].
pub struct TencentClientBuilder {
    common: CommonConfig,
    credentials: Option<Arc<dyn ProvideCredentials<TencentCredentials>>>,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<String>,
}

impl TencentClientBuilder {
    common_builder_methods!();

    /// Use these credentials (default: the chain of environment variables and the profile file).
    pub fn credentials(mut self, credentials: TencentCredentials) -> Self {
        self.credentials = Some(Arc::new(StaticCredentials::new(credentials)));
        self
    }

    /// Use this provider of credentials.
    pub fn credentials_provider(
        mut self,
        provider: Arc<dyn ProvideCredentials<TencentCredentials>>,
    ) -> Self {
        self.credentials = Some(provider);
        self
    }

    /// `HmacSHA1` (default, as the official SDK) or `HmacSHA256`.
    pub fn signature_method(mut self, method: SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// GET (default, as the official SDK) or POST with a form body.
    pub fn http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self
    }

    /// The `RequestClient` parameter (default `cloudvpn-rust-<version>`).
    pub fn request_client(mut self, value: impl Into<String>) -> Self {
        self.request_client = Some(value.into());
        self
    }

    /// The client.
    pub fn build(self) -> Result<TencentClient, crate::transport::TransportError> {
        Ok(TencentClient {
            core: Arc::new(Core::build(self.common, default_user_agent())?),
            credentials: Arc::new(CredentialCache::new(
                self.credentials
                    .unwrap_or_else(|| Arc::new(TencentChain::new())),
            )),
            signature_method: self.signature_method,
            http_method: self.http_method,
            request_client: self
                .request_client
                .unwrap_or_else(|| format!("cloudvpn-rust-{}", env!("CARGO_PKG_VERSION"))),
        })
    }
}

impl TencentClient {
    /// A builder with the defaults.
    pub fn builder() -> TencentClientBuilder {
        TencentClientBuilder {
            common: CommonConfig::default(),
            credentials: None,
            signature_method: SignatureMethod::HmacSha1,
            http_method: HttpMethod::Get,
            request_client: None,
        }
    }
}

impl wire::Wire for TencentClient {
    type Credentials = TencentCredentials;
    const PROTOCOL: Protocol = Protocol::TencentV2;

    fn core(&self) -> &Core {
        &self.core
    }

    fn parser<O: Operation>() -> Parser<O> {
        tencent::parse_response::<O>
    }

    fn rejects_credentials(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool {
        tencent::rejects_credentials(info, documented)
    }

    /// Serializes once and resolves credentials and region (the client's, else the credential source's).
    ///
    /// v2 has one host for every region; the region travels as the common `Region` parameter, which the
    /// common-parameter document calls required unless an API says otherwise (none of the specs' operations
    /// does). So a call with no region anywhere is refused here, before anything is sent, rather than sent
    /// without one for the server to guess.
    fn resolve<O: Operation>(
        &self,
        request: &O,
    ) -> Result<Prepared<TencentCredentials>, Error<O::Error>> {
        let resolved = self.credentials.get().map_err(Error::Credentials)?;
        let Some(region) = self.core.region.clone().or_else(|| resolved.region.clone()) else {
            return Err(Error::Config {
                action: O::META.action,
                message: "no region: every Tencent Cloud v2 call carries the Region parameter; set one \
                          with TencentClientBuilder::region, or TENCENTCLOUD_REGION or a tccli profile's \
                          region for the default credentials chain"
                    .into(),
            });
        };
        let endpoint = self.core.endpoint_for(O::META, Some(&region))?;
        Ok(Prepared {
            credentials: resolved,
            region: Some(region),
            endpoint,
            params: request.to_params(),
        })
    }

    /// Signs one attempt: a fresh timestamp and nonce every time.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared<TencentCredentials>,
        core: &Core,
    ) -> HttpRequest {
        tencent::build_request(
            meta,
            &prepared.params,
            &prepared.credentials.credentials,
            &prepared.endpoint,
            &tencent::Shape {
                http_method: self.http_method,
                signature_method: self.signature_method,
                region: prepared.region.as_deref(),
                request_client: &self.request_client,
            },
            &tencent::Attempt {
                timestamp: clock::unix_seconds(core.clock.now()),
                nonce: core.ids.numeric_nonce(),
            },
        )
    }
}

impl ApiClient for TencentClient {}

/// The idempotent-delete wrapper: runs the call with the retry loop, but remembers whether any attempt was
/// made before a not-found answer.
async fn delete_with<O: Operation>(
    core: &Core,
    meta: &'static OperationMeta,
    build: impl Fn(&Core) -> HttpRequest,
    parse: Parser<O>,
) -> Result<Deletion<O::Output>, Error<O::Error>> {
    let attempts = std::sync::atomic::AtomicU32::new(0);
    let counting = |c: &Core| {
        attempts.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        build(c)
    };
    match core.execute::<O>(meta, counting, parse).await {
        Ok(out) => Ok(Deletion::Deleted(out)),
        Err(Error::Service(e))
            if e.is_not_found() && attempts.load(std::sync::atomic::Ordering::Relaxed) > 1 =>
        {
            Ok(Deletion::AlreadyGone {
                request_id: e.request_id().map(str::to_owned),
            })
        }
        Err(e) => Err(e),
    }
}
