//! The Tencent Cloud API 3.0 protocol (`vpc.tencentcloudapi.com`, the live API): [`TencentApi3Client`],
//! requests signed with `TC3-HMAC-SHA256` over a JSON POST body (the official SDKs' default) or a GET
//! query, or with the old-style `HmacSHA256` / `HmacSHA1` form signature (`wire`), and the
//! `{"Response": {...}}` envelope, whose errors arrive in `Response.Error` with HTTP 200.

mod wire;

pub use wire::Api3SignatureMethod;

use super::{Parser, Prepared, Wire, python_json};
use crate::builder::{BuildError, CommonConfig, common_builder_methods, default_user_agent};
use crate::client::{ApiClient, Core};
use crate::clock;
use crate::credentials::{
    CredentialsCache, ProvideCredentials, Resolved, StaticCredentials, TencentChain,
    TencentCredentials,
};
use crate::error::Error;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse};
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::params::WireParams;
use cloudvpn_types::{ErrorInfo, Operation};
use std::marker::PhantomData;
use std::sync::Arc;

/// The protocol client the generated fluent clients of API 3.0 APIs wrap.
pub(crate) type Client = TencentApi3Client;
/// Its builder, building `T` (a generated fluent client, or the protocol client itself).
pub(crate) type ClientBuilder<T> = TencentApi3ClientBuilder<T>;

/// The `X-TC-Language` sent unless told otherwise: the messages of errors in English, like the rest of
/// what this crate says. (The official SDKs send `zh-CN`; [`TencentApi3ClientBuilder::language`] changes it.)
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// A client of Tencent Cloud's API 3.0 (`*.tencentcloudapi.com`), taking requests of any 3.0 API. Cheap
/// to clone. [`crate::tencent::VpcClient`] is its typed, fluent form for the VPC API.
#[derive(Clone, Debug)]
pub struct TencentApi3Client {
    core: Arc<Core>,
    credentials: Arc<CredentialsCache<TencentCredentials>>,
    signature_method: Api3SignatureMethod,
    http_method: HttpMethod,
    request_client: String,
    language: Option<String>,
    /// The day's TC3 signing key, shared by clones.
    keys: Arc<wire::KeyCache>,
}

/// Builds a [`TencentApi3Client`], or a generated client of a 3.0 API (`T`) that wraps one.
pub struct TencentApi3ClientBuilder<T = TencentApi3Client> {
    common: CommonConfig,
    credentials: Option<Arc<dyn ProvideCredentials<TencentCredentials>>>,
    signature_method: Api3SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<String>,
    language: Option<String>,
    builds: PhantomData<fn() -> T>,
}

impl<T: From<TencentApi3Client>> Default for TencentApi3ClientBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: From<TencentApi3Client>> TencentApi3ClientBuilder<T> {
    /// A builder with the defaults: the credentials chain, `TC3-HMAC-SHA256` over a JSON POST body (as the
    /// official SDKs), the provider's endpoint.
    pub fn new() -> Self {
        TencentApi3ClientBuilder {
            common: CommonConfig::default(),
            credentials: None,
            signature_method: Api3SignatureMethod::Tc3HmacSha256,
            http_method: HttpMethod::Post,
            request_client: None,
            language: Some(DEFAULT_LANGUAGE.to_owned()),
            builds: PhantomData,
        }
    }

    common_builder_methods!();

    /// Use these credentials (default: the chain of environment variables and profile files).
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

    /// `TC3-HMAC-SHA256` (default), or the old-style form signature with `HmacSHA256` or `HmacSHA1`.
    pub fn signature_method(mut self, method: Api3SignatureMethod) -> Self {
        self.signature_method = method;
        self
    }

    /// POST (default, as the official SDKs: a JSON body with TC3, a form body with the old-style
    /// signature) or GET (the parameters in the query).
    pub fn http_method(mut self, method: HttpMethod) -> Self {
        self.http_method = method;
        self
    }

    /// The `X-TC-RequestClient` (old-style: `RequestClient`) value (default `cloudvpn-rust-<version>`).
    pub fn request_client(mut self, value: impl Into<String>) -> Self {
        self.request_client = Some(value.into());
        self
    }

    /// The language of the service's messages, `X-TC-Language` (old-style: `Language`): `en-US`
    /// ([`DEFAULT_LANGUAGE`]) or `zh-CN`; `None` sends none.
    pub fn language(mut self, language: Option<&str>) -> Self {
        self.language = language.map(str::to_owned);
        self
    }

    /// The client; fails on a bad endpoint or root certificate bundle.
    pub fn build(self) -> Result<T, BuildError> {
        let core = Core::build(self.common, default_user_agent())?;
        Ok(T::from(TencentApi3Client {
            credentials: Arc::new(CredentialsCache::with_clock(
                self.credentials
                    .unwrap_or_else(|| Arc::new(TencentChain::new())),
                core.clock.clone(),
            )),
            core: Arc::new(core),
            signature_method: self.signature_method,
            http_method: self.http_method,
            request_client: self
                .request_client
                .unwrap_or_else(|| format!("cloudvpn-rust-{}", env!("CARGO_PKG_VERSION"))),
            language: self.language,
            keys: Arc::default(),
        }))
    }
}

impl TencentApi3Client {
    /// A builder with the defaults.
    pub fn builder() -> TencentApi3ClientBuilder {
        TencentApi3ClientBuilder::new()
    }

    /// Whether requests carry a JSON body (TC3 over POST) rather than flattened parameters.
    fn sends_json(&self) -> bool {
        self.signature_method == Api3SignatureMethod::Tc3HmacSha256
            && self.http_method == HttpMethod::Post
    }
}

/// Reads the envelope into `O`'s output or typed error.
fn parse<O: Operation>(response: &HttpResponse) -> Result<O::Output, Error<O::Error>> {
    wire::parse_response::<O::Output, O::Error>(O::META.action, response)
}

impl Wire for TencentApi3Client {
    type Credentials = TencentCredentials;
    const PROTOCOL: Protocol = Protocol::TencentApi3;

    fn core(&self) -> &Core {
        &self.core
    }

    fn credentials(&self) -> &CredentialsCache<Self::Credentials> {
        &self.credentials
    }

    fn parser<O: Operation>() -> Parser<O> {
        parse::<O>
    }

    fn rejects_credentials(
        info: &ErrorInfo,
        _documented: Option<&'static DocumentedError>,
    ) -> bool {
        wire::rejects_credentials(info)
    }

    fn rejects_session(info: &ErrorInfo, _documented: Option<&'static DocumentedError>) -> bool {
        wire::rejects_session(info)
    }

    /// Serializes once — the JSON body for TC3 over POST, the flattened parameters otherwise — and
    /// resolves credentials and region. Every 3.0 call of a regional API carries the region
    /// (`X-TC-Region`), so a call with no region anywhere is refused before anything is sent.
    fn resolve<O: Operation>(
        &self,
        request: &O,
        resolved: Option<&Resolved<Self::Credentials>>,
    ) -> Result<Prepared, Error<O::Error>> {
        let Some(region) = self
            .core
            .region
            .clone()
            .or_else(|| resolved.and_then(|r| r.region.clone()))
        else {
            return Err(Error::Config {
                action: O::META.action,
                message: "no region: every Tencent Cloud API 3.0 call carries one (X-TC-Region); set it \
                          with the builder's region, or TENCENTCLOUD_REGION or a tccli profile's region \
                          for the default credentials chain"
                    .into(),
            });
        };
        let endpoint = self.core.endpoint_for(O::META, Some(&region))?;
        let (params, json) = if self.sends_json() {
            let json = python_json::to_vec(request).map_err(|e| Error::Config {
                action: O::META.action,
                message: format!("the request cannot be written as JSON: {e}"),
            })?;
            (WireParams::new(), json)
        } else {
            (request.to_params(), Vec::new())
        };
        Ok(Prepared {
            region: Some(region),
            endpoint,
            params,
            json,
        })
    }

    /// Signs one attempt: a fresh timestamp (and, old-style, nonce) every time.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared,
        credentials: Option<&Self::Credentials>,
        core: &Core,
    ) -> HttpRequest {
        wire::build_request(
            &wire::Payload {
                params: &prepared.params,
                json: &prepared.json,
            },
            credentials,
            &prepared.endpoint,
            &wire::Shape {
                action: meta.action,
                version: meta.api.version,
                service: meta.api.service,
                http_method: self.http_method,
                signature_method: self.signature_method,
                region: prepared.region.as_deref(),
                request_client: &self.request_client,
                language: self.language.as_deref(),
                user_agent: &core.user_agent,
            },
            &wire::Attempt {
                timestamp: clock::unix_seconds(core.clock.now()),
                nonce: core.ids.numeric_nonce(),
            },
            &self.keys,
        )
    }
}

impl ApiClient for TencentApi3Client {}
