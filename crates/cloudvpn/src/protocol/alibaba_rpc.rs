//! The Alibaba Cloud RPC protocol: [`AlibabaClient`], signed requests (V3 `ACS3-HMAC-SHA256` or v1
//! HMAC-SHA1) built exactly as the official SDK does, and JSON or XML answers read into typed outputs
//! and errors.

use super::{Parser, Prepared, Wire};
use crate::builder::{BuildError, CommonConfig, common_builder_methods, default_user_agent};
use crate::client::{ApiClient, Core};
use crate::clock;
use crate::credentials::{
    AlibabaChain, AlibabaCredentials, CredentialsCache, ProvideCredentials, Resolved,
    StaticCredentials,
};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse};
use crate::xml;
use cloudvpn_signing::{alibaba_v1, encoding};
use cloudvpn_types::alibaba_vpc::codes;
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::params::ParamName;
use cloudvpn_types::{ErrorInfo, Operation, OperationError};
use serde_json::Value;
use std::borrow::Cow;
use std::marker::PhantomData;
use std::sync::Arc;

/// Which Alibaba signature to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AlibabaSignature {
    /// `ACS3-HMAC-SHA256` in the `Authorization` header: the current official SDK's default.
    #[default]
    V3,
    /// RPC signature v1 (HMAC-SHA1) in the `Signature` query parameter, as the legacy SDK and Terraform send.
    V1,
}

/// The inputs of one attempt that change between attempts. Owned by the attempt, so that V3 moves them
/// into their `x-acs-*` headers instead of copying them (tests give `'static` text).
pub(crate) struct Attempt {
    /// `2024-01-01T12:00:00Z`.
    pub timestamp: Cow<'static, str>,
    /// The signature nonce.
    pub nonce: Cow<'static, str>,
}

#[path = "alibaba_rpc_v3.rs"]
mod v3;
pub(crate) use v3::V3Keys;
use v3::build_v3;

/// Builds the signed request of one attempt.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_request(
    meta: &OperationMeta,
    params: &[(ParamName, String)],
    credentials: &AlibabaCredentials,
    signature: AlibabaSignature,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: Attempt,
    keys: &V3Keys,
) -> HttpRequest {
    match signature {
        AlibabaSignature::V3 => build_v3(
            meta,
            params,
            credentials,
            endpoint,
            user_agent,
            attempt,
            keys,
        ),
        AlibabaSignature::V1 => build_v1(meta, params, credentials, endpoint, user_agent, &attempt),
    }
}

/// An operation sent without a key (`auth: anonymous`, STS `AssumeRoleWithOIDC`), as
/// `alibabacloud_credentials` sends it: `Action`, `Format=JSON`, `Version`, the operation's parameters and
/// `Timestamp` in the query of the operation's method, and no `AccessKeyId`, `SignatureNonce` or
/// `Signature`.
fn build_anonymous(
    meta: &OperationMeta,
    params: &[(ParamName, String)],
    endpoint: &Endpoint,
    user_agent: &str,
    timestamp: &str,
) -> HttpRequest {
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 4);
    all.extend([
        ("Action", meta.action),
        ("Format", "JSON"),
        ("Version", meta.api.version),
    ]);
    all.extend(params.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    all.push(("Timestamp", timestamp));
    HttpRequest {
        method: meta.default_method(),
        url: endpoint.url_with_query(&encoding::form_urlencode(&all)),
        headers: vec![
            ("host".into(), endpoint.authority.clone().into()),
            ("user-agent".into(), user_agent.to_owned().into()),
            ("accept".into(), "application/json".into()),
        ],
        body: Vec::new(),
    }
}

/// v1: every parameter, common ones included, in the query with the signature (vector [E]).
fn build_v1(
    meta: &OperationMeta,
    params: &[(ParamName, String)],
    credentials: &AlibabaCredentials,
    endpoint: &Endpoint,
    user_agent: &str,
    attempt: &Attempt,
) -> HttpRequest {
    let method = meta.default_method();
    let mut all: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 11);
    all.extend([
        ("Action", meta.action),
        ("Format", "json"),
        ("Version", meta.api.version),
        ("Timestamp", attempt.timestamp.as_ref()),
        ("SignatureNonce", attempt.nonce.as_ref()),
    ]);
    all.extend(params.iter().map(|(k, v)| (k.as_ref(), v.as_str())));
    if let Some(token) = &credentials.security_token {
        all.push(("SecurityToken", token.expose()));
    }
    all.extend([
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("AccessKeyId", credentials.access_key_id.as_str()),
    ]);
    let signature = alibaba_v1::signature(
        credentials.access_key_secret.expose(),
        method.as_str(),
        &all,
    );
    all.push((alibaba_v1::SIGNATURE_PARAM, &signature));
    HttpRequest {
        method,
        url: endpoint.url_with_query(&encoding::form_urlencode(&all)),
        headers: vec![
            ("host".into(), endpoint.authority.clone().into()),
            ("x-acs-version".into(), meta.api.version.into()),
            ("x-acs-action".into(), meta.action.into()),
            ("user-agent".into(), user_agent.to_owned().into()),
        ],
        body: Vec::new(),
    }
}

/// Reads a response: the operation's output on 2xx, its typed error otherwise.
pub(crate) fn parse_response<O: Operation>(
    response: &HttpResponse,
) -> Result<O::Output, Error<O::Error>> {
    let action = O::META.action;
    if (200..300).contains(&response.status) && !is_xml(response) {
        // The common case, straight into the typed output without an intermediate JSON tree.
        return serde_json::from_slice(&response.body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    let body = match body_as_json(response) {
        Ok(v) => v,
        Err(reason) => {
            return Err(Error::unparsable(
                action,
                response.status,
                reason,
                &response.body,
            ));
        }
    };
    if (200..300).contains(&response.status) {
        return serde_json::from_value(body).map_err(|e| {
            Error::unparsable(
                action,
                response.status,
                format!("the body does not match {action}'s documented response: {e}"),
                &response.body,
            )
        });
    }
    match error_info(&body, response.status) {
        Some(info) => Err(Error::Service(O::Error::from_info(info))),
        None => Err(Error::unparsable(
            action,
            response.status,
            "an error status without an error code in the body",
            &response.body,
        )),
    }
}

/// XML when the server says so, or when the body plainly is XML.
fn is_xml(response: &HttpResponse) -> bool {
    response
        .header("content-type")
        .is_some_and(|c| c.contains("xml"))
        || response.body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// The body as a JSON value, whichever format it came in.
fn body_as_json(response: &HttpResponse) -> Result<Value, String> {
    if is_xml(response) {
        xml::to_json(&response.body).map_err(|e| e.to_string())
    } else {
        serde_json::from_slice(&response.body).map_err(|e| format!("invalid JSON: {e}"))
    }
}

/// `{RequestId, HostId, Code, Message, Recommend}` (also the lower-case spellings the Tea SDK accepts).
fn error_info(body: &Value, status: u16) -> Option<ErrorInfo> {
    let field = |upper: &str, lower: &str| {
        body.get(upper)
            .or_else(|| body.get(lower))
            .and_then(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
    };
    let code = field("Code", "code").filter(|c| !c.is_empty())?;
    Some(ErrorInfo {
        code,
        // `SignatureDoesNotMatch` and `IncompleteSignature` quote the server's string to sign, which holds
        // the request's `SecurityToken`; the message is printed (the error's `Display`, the CLI), so its
        // secrets are masked. Masking every message costs one scan and covers a code that starts quoting.
        message: field("Message", "message")
            .map(|m| crate::redact_text::text(&m).into_owned())
            .unwrap_or_default(),
        request_id: field("RequestId", "requestId"),
        http_status: Some(status),
        recommend: field("Recommend", "recommend"),
        host_id: field("HostId", "hostId"),
        envelope_code: None,
        credentials_source: None,
    })
}

/// The common errors that mean the service rejected the credentials themselves: a wrong secret (the
/// signature cannot match), an AccessKey ID it does not know, a disabled key. Each is a documented common
/// error of the API (a test checks), matched in any of its documented spellings.
const CREDENTIAL_REJECTIONS: [&str; 3] = [
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId.NotFound",
    "InvalidAccessKeyId.Inactive",
];

/// The errors of the API gateway that reject the security token of temporary (STS) credentials: expired by
/// the server's clock (a skewed clock here, or a session revoked early), malformed, not the one issued with
/// the AccessKey, or missing. Refreshed credentials may succeed where these failed. They are common errors
/// of every Alibaba API's spec (a test checks); matched on the code as the gateway sends it, so that an API
/// whose spec lacks one is covered all the same.
pub(crate) const SESSION_REJECTIONS: [&str; 4] = [
    codes::INVALID_SECURITY_TOKEN_EXPIRED,
    codes::INVALID_SECURITY_TOKEN_MALFORMED,
    codes::INVALID_SECURITY_TOKEN_MISMATCH_WITH_ACCESS_KEY,
    codes::MISSING_SECURITY_TOKEN,
];

/// Whether an error rejects the credentials (see [`CREDENTIAL_REJECTIONS`] and [`SESSION_REJECTIONS`]).
pub(crate) fn rejects_credentials(
    info: &ErrorInfo,
    documented: Option<&'static DocumentedError>,
) -> bool {
    documented.is_some_and(|d| CREDENTIAL_REJECTIONS.contains(&d.code))
        || rejects_session(info, documented)
}

/// Whether an error rejects the session of temporary credentials (see [`SESSION_REJECTIONS`]).
pub(crate) fn rejects_session(
    info: &ErrorInfo,
    _documented: Option<&'static DocumentedError>,
) -> bool {
    SESSION_REJECTIONS.contains(&info.code.as_str())
}

/// The protocol client the generated fluent clients of RPC APIs wrap.
pub(crate) type Client = AlibabaClient;
/// Its builder, building `T` (a generated fluent client, or the protocol client itself).
pub(crate) type ClientBuilder<T> = AlibabaClientBuilder<T>;

/// A client of Alibaba Cloud's RPC APIs (VPC 2016-04-28), taking requests of any of them. Cheap to clone;
/// clones share connections and the retry budget. [`crate::alibaba::VpcClient`] is its typed, fluent
/// form for one API.
#[derive(Clone, Debug)]
pub struct AlibabaClient {
    core: Arc<Core>,
    credentials: Arc<CredentialsCache<AlibabaCredentials>>,
    signature: AlibabaSignature,
    v3_keys: Arc<V3Keys>,
}

/// Builds an [`AlibabaClient`], or a generated client of an RPC API (`T`) that wraps one.
pub struct AlibabaClientBuilder<T = AlibabaClient> {
    common: CommonConfig,
    credentials: Option<Arc<dyn ProvideCredentials<AlibabaCredentials>>>,
    signature: AlibabaSignature,
    builds: PhantomData<fn() -> T>,
}

impl<T: From<AlibabaClient>> Default for AlibabaClientBuilder<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: From<AlibabaClient>> AlibabaClientBuilder<T> {
    /// A builder with the defaults: the credentials chain, V3 signatures, the provider's endpoints.
    pub fn new() -> Self {
        AlibabaClientBuilder {
            common: CommonConfig::default(),
            credentials: None,
            signature: AlibabaSignature::V3,
            builds: PhantomData,
        }
    }

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

    /// The client; fails on a bad endpoint or root certificate bundle.
    pub fn build(self) -> Result<T, BuildError> {
        let core = Core::build(self.common, default_user_agent())?;
        Ok(T::from(AlibabaClient {
            credentials: Arc::new(CredentialsCache::with_clock(
                self.credentials
                    .unwrap_or_else(|| Arc::new(AlibabaChain::new())),
                core.clock.clone(),
            )),
            core: Arc::new(core),
            signature: self.signature,
            v3_keys: Arc::default(),
        }))
    }
}

impl AlibabaClient {
    /// A builder with the defaults.
    pub fn builder() -> AlibabaClientBuilder {
        AlibabaClientBuilder::new()
    }
}

impl Wire for AlibabaClient {
    type Credentials = AlibabaCredentials;
    const PROTOCOL: Protocol = Protocol::AlibabaRpc;

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

    /// Serializes once and resolves the endpoint (from the request's `RegionId`) and credentials.
    fn resolve<O: Operation>(
        &self,
        request: &O,
        resolved: Option<&Resolved<Self::Credentials>>,
    ) -> Result<Prepared, Error<O::Error>> {
        let params = request.to_params();
        let region = O::META
            .region_param()
            .and_then(|p| params.iter().find(|(k, _)| *k == p.name))
            .map(|(_, v)| v.clone())
            .or_else(|| self.core.region.clone())
            .or_else(|| resolved.and_then(|r| r.region.clone()));
        let endpoint = self.core.endpoint_for(O::META, region.as_deref())?;
        Ok(Prepared {
            region,
            endpoint,
            params,
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
        let timestamp = clock::iso8601(core.clock.now());
        let Some(credentials) = credentials else {
            return build_anonymous(
                meta,
                &prepared.params,
                &prepared.endpoint,
                &core.user_agent,
                &timestamp,
            );
        };
        build_request(
            meta,
            &prepared.params,
            credentials,
            self.signature,
            &prepared.endpoint,
            &core.user_agent,
            Attempt {
                timestamp: timestamp.into(),
                nonce: core.ids.nonce().into(),
            },
            &self.v3_keys,
        )
    }
}

impl ApiClient for AlibabaClient {}

#[cfg(test)]
#[path = "alibaba_rpc_tests.rs"]
mod tests;
