//! The Tencent Cloud API v2 protocol (`/v2/index.php`): [`TencentClient`], signed GET or POST requests as
//! `qcloudapi-sdk-python` sends them, and the `{code, message, codeDesc, data}` envelope, where an error
//! arrives with HTTP 200.

use super::{Parser, Prepared, Wire};
use crate::builder::{BuildError, CommonConfig, common_builder_methods, default_user_agent};
use crate::client::{ApiClient, Core};
use crate::clock;
use crate::credentials::{
    CredentialsCache, ProvideCredentials, Resolved, StaticCredentials, TencentChain,
    TencentCredentials,
};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpMethod, HttpRequest, HttpResponse};
use cloudvpn_signing::{encoding, tencent_v2};
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::params::ParamName;
use cloudvpn_types::{ErrorInfo, Operation, OperationError};
use serde_json::Value;
use std::marker::PhantomData;
use std::sync::Arc;

pub use cloudvpn_signing::tencent_v2::SignatureMethod;

/// The inputs of one attempt that change between attempts.
pub(crate) struct Attempt {
    /// Unix seconds.
    pub timestamp: i64,
    /// The `Nonce` parameter.
    pub nonce: u64,
}

/// Settings of a Tencent v2 request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape<'a> {
    pub http_method: HttpMethod,
    pub signature_method: SignatureMethod,
    pub region: Option<&'a str>,
    pub request_client: &'a str,
}

/// Builds the signed request of one attempt. Parameters go on the wire in the SDK's order (the action's
/// own, then the common ones); the signature sorts them itself. v2 has no unsigned operation; should a spec
/// declare one (`credentials` `None`), it goes without `SecretId`, `Token` and `Signature`.
pub(crate) fn build_request(
    meta: &OperationMeta,
    params: &[(ParamName, String)],
    credentials: Option<&TencentCredentials>,
    endpoint: &Endpoint,
    shape: &Shape<'_>,
    attempt: &Attempt,
) -> HttpRequest {
    let timestamp = attempt.timestamp.to_string();
    let nonce = attempt.nonce.to_string();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 9);
    all.extend(params.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    all.push(("Action", meta.action));
    all.push(("RequestClient", shape.request_client));
    if let Some(region) = shape.region {
        all.push(("Region", region));
    }
    if let Some(token) = credentials.and_then(|c| c.token.as_ref()) {
        all.push(("Token", token.expose()));
    }
    if let Some(credentials) = credentials {
        all.push(("SecretId", credentials.secret_id.as_str()));
    }
    all.extend([
        ("Nonce", nonce.as_str()),
        ("Timestamp", timestamp.as_str()),
        (
            tencent_v2::SIGNATURE_METHOD_PARAM,
            shape.signature_method.as_str(),
        ),
    ]);
    // Streams the source string into the MAC; the hash comes from the SignatureMethod pushed above.
    let signature = credentials.map(|credentials| {
        tencent_v2::signature(
            credentials.secret_key.expose(),
            shape.http_method.as_str(),
            &endpoint.authority,
            &endpoint.path,
            &all,
        )
    });
    if let Some(signature) = &signature {
        all.push((tencent_v2::SIGNATURE_PARAM, signature));
    }
    let encoded = encoding::form_urlencode(&all);
    let host = ("Host".into(), endpoint.authority.clone().into());
    match shape.http_method {
        HttpMethod::Get => HttpRequest {
            method: HttpMethod::Get,
            url: endpoint.url_with_query(&encoded),
            headers: vec![host],
            body: Vec::new(),
        },
        HttpMethod::Post => HttpRequest {
            method: HttpMethod::Post,
            url: endpoint.url_with_query(""),
            headers: vec![
                host,
                (
                    "Content-Type".into(),
                    "application/x-www-form-urlencoded".into(),
                ),
            ],
            body: encoded.into_bytes(),
        },
    }
}

/// Reads the envelope: `code` 0 is success (the whole body is the output), anything else an error whose
/// code is `codeDesc` (or the integer code when there is none). `code` may be an integer or a string.
pub(crate) fn parse_response<O: Operation>(
    response: &HttpResponse,
) -> Result<O::Output, Error<O::Error>> {
    let action = O::META.action;
    if response.status != 200 {
        return Err(Error::unparsable(
            action,
            response.status,
            "the v2 API answers every call with HTTP 200",
            &response.body,
        ));
    }
    // Fast path: a body that opens with `"code":0` is almost always a success; parse it straight into the
    // typed output. Anything else (or a failed parse) takes the general path below.
    let body = response.body.as_slice();
    if body.starts_with(b"{\"code\":0,") || body.starts_with(b"{\"code\": 0,") {
        if let Ok(out) = serde_json::from_slice(body) {
            return Ok(out);
        }
    }
    // Read only the envelope's head first; a success is then parsed straight into the typed output.
    let head: Head<'_> = serde_json::from_slice(&response.body).map_err(|e| {
        Error::unparsable(
            action,
            response.status,
            format!("invalid JSON: {e}"),
            &response.body,
        )
    })?;
    let code = match &head.code {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let Some(code) = code else {
        return Err(Error::unparsable(
            action,
            response.status,
            "the envelope has no integer `code`",
            &response.body,
        ));
    };
    if code == 0 {
        return serde_json::from_slice(&response.body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    let code_desc = head.code_desc.filter(|d| !d.is_empty() && d != "Success");
    let mut message = head.message.map(|m| m.into_owned()).unwrap_or_default();
    // Business errors are documented by `codeDesc`, the common ones (4100 authentication failed, 6000
    // internal error, …) only by the integer `code`: classify by whichever the specs know, and keep the
    // other in the message so nothing the server said is lost.
    let numeric = code.to_string();
    let documented = |c: &str| O::META.documented_error(c).is_some();
    let error_code = match code_desc {
        Some(desc) if !documented(&desc) && documented(&numeric) => {
            message = format!("{message} (codeDesc {desc})");
            numeric
        }
        Some(desc) => desc.into_owned(),
        None => numeric,
    };
    Err(Error::Service(O::Error::from_info(ErrorInfo {
        code: error_code,
        message,
        request_id: head.request_id.map(|r| r.into_owned()),
        http_status: None,
        recommend: None,
        host_id: None,
        envelope_code: Some(code),
        credentials_source: None,
    })))
}

/// The envelope codes that mean the service rejected the credentials themselves: 4100 (authentication
/// failed: a wrong SecretKey makes the signature fail), 4104 (the SecretId does not exist), 4105 (a bad
/// token). Matched on the integer code because the `codeDesc` beside it varies (`AuthFailure`,
/// `AuthFailure.SecretIdNotFound`, …); each is a documented common error of the API (a test checks).
const CREDENTIAL_REJECTIONS: [i64; 3] = [4100, 4104, 4105];

/// The envelope codes that reject the session of temporary credentials: 4105, API 3.0's
/// `AuthFailure.TokenFailure` (an expired or invalid token). Refreshed credentials may succeed.
const SESSION_REJECTIONS: [i64; 1] = [4105];

/// Whether an error rejects the session of temporary credentials (see [`SESSION_REJECTIONS`]).
pub(crate) fn rejects_session(
    info: &ErrorInfo,
    _documented: Option<&'static DocumentedError>,
) -> bool {
    envelope_code_in(info, &SESSION_REJECTIONS)
}

/// Whether an error rejects the credentials (see [`CREDENTIAL_REJECTIONS`]).
pub(crate) fn rejects_credentials(
    info: &ErrorInfo,
    _documented: Option<&'static DocumentedError>,
) -> bool {
    envelope_code_in(info, &CREDENTIAL_REJECTIONS)
}

fn envelope_code_in(info: &ErrorInfo, codes: &[i64]) -> bool {
    info.envelope_code.is_some_and(|code| codes.contains(&code))
}

/// The parts of a v2 envelope that say whether it is an error.
#[derive(serde::Deserialize)]
struct Head<'a> {
    #[serde(default)]
    code: Option<Value>,
    #[serde(default, rename = "codeDesc", borrow)]
    code_desc: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, borrow)]
    message: Option<std::borrow::Cow<'a, str>>,
    #[serde(default, rename = "requestId", alias = "RequestId", borrow)]
    request_id: Option<std::borrow::Cow<'a, str>>,
}

/// The protocol client the generated fluent clients of v2 APIs wrap.
pub(crate) type Client = TencentClient;
/// Its builder, building `T` (a generated fluent client, or the protocol client itself).
pub(crate) type ClientBuilder<T> = TencentClientBuilder<T>;

/// A client of Tencent Cloud's API v2 (`vpc.api.qcloud.com/v2/index.php`), taking requests of any v2 API.
/// Cheap to clone. [`crate::tencent::VpcV2Client`] is its typed, fluent form for one API.
#[derive(Clone, Debug)]
pub struct TencentClient {
    core: Arc<Core>,
    credentials: Arc<CredentialsCache<TencentCredentials>>,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: String,
}

/// Builds a [`TencentClient`], or a generated client of a v2 API (`T`) that wraps one.
pub struct TencentClientBuilder<T = TencentClient> {
    common: CommonConfig,
    credentials: Option<Arc<dyn ProvideCredentials<TencentCredentials>>>,
    signature_method: SignatureMethod,
    http_method: HttpMethod,
    request_client: Option<String>,
    builds: PhantomData<fn() -> T>,
}

impl<T: From<TencentClient>> Default for TencentClientBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: From<TencentClient>> TencentClientBuilder<T> {
    /// A builder with the defaults: the credentials chain, `HmacSHA1` over GET, the provider's endpoint.
    pub fn new() -> Self {
        TencentClientBuilder {
            common: CommonConfig::default(),
            credentials: None,
            signature_method: SignatureMethod::HmacSha1,
            http_method: HttpMethod::Get,
            request_client: None,
            builds: PhantomData,
        }
    }

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

    /// The client; fails on a bad endpoint or root certificate bundle.
    pub fn build(self) -> Result<T, BuildError> {
        let core = Core::build(self.common, default_user_agent())?;
        Ok(T::from(TencentClient {
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
        }))
    }
}

impl TencentClient {
    /// A builder with the defaults.
    pub fn builder() -> TencentClientBuilder {
        TencentClientBuilder::new()
    }
}

impl Wire for TencentClient {
    type Credentials = TencentCredentials;
    const PROTOCOL: Protocol = Protocol::TencentV2;

    fn core(&self) -> &Core {
        &self.core
    }

    fn credentials(&self) -> &CredentialsCache<Self::Credentials> {
        &self.credentials
    }

    fn parser<O: Operation>() -> Parser<O> {
        parse_response::<O>
    }

    fn rejects_credentials(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool {
        rejects_credentials(info, documented)
    }

    fn rejects_session(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool {
        rejects_session(info, documented)
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
                message: "no region: every Tencent Cloud v2 call carries the Region parameter; set one \
                          with TencentClientBuilder::region, or TENCENTCLOUD_REGION or a tccli profile's \
                          region for the default credentials chain"
                    .into(),
            });
        };
        let endpoint = self.core.endpoint_for(O::META, Some(&region))?;
        Ok(Prepared {
            region: Some(region),
            endpoint,
            params: request.to_params(),
            json: Vec::new(),
        })
    }

    /// Signs one attempt: a fresh timestamp and nonce every time.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared,
        credentials: Option<&Self::Credentials>,
        core: &Core,
    ) -> HttpRequest {
        build_request(
            meta,
            &prepared.params,
            credentials,
            &prepared.endpoint,
            &Shape {
                http_method: self.http_method,
                signature_method: self.signature_method,
                region: prepared.region.as_deref(),
                request_client: &self.request_client,
            },
            &Attempt {
                timestamp: clock::unix_seconds(core.clock.now()),
                nonce: core.ids.numeric_nonce(),
            },
        )
    }
}

impl ApiClient for TencentClient {}

#[cfg(test)]
#[path = "tencent_v2_tests.rs"]
mod tests;
