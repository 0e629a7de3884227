//! One module per wire protocol: how to sign a request, build it, and read its envelope and errors.
//!
//! Everything else a call does — validate, fill the idempotency token, serialize once, sign each attempt
//! afresh, retry what is safe, classify, wait — is the generic core (`client.rs`), written once over the
//! [`Wire`] hooks each protocol module implements for its client. A new protocol is a module here with a
//! `Client` and a `ClientBuilder<T>` (the names the generated fluent clients use) and its `Wire` impl.

pub(crate) mod alibaba_rpc;
pub(crate) mod python_json;
pub(crate) mod tencent_api3;
pub(crate) mod tencent_v2;

use crate::client::Core;
use crate::credentials::{CloudCredentials, CredentialsCache, Resolved};
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse};
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::params::WireParams;
use cloudvpn_types::{ErrorInfo, Operation};

/// What a call needs before its first attempt: resolved once, reused by every attempt. The credentials
/// are not part of it: each attempt asks the client's cache, so a later attempt may sign with refreshed ones.
pub struct Prepared {
    /// The region the call is for, if any.
    pub(crate) region: Option<String>,
    /// Where it goes.
    pub(crate) endpoint: Endpoint,
    /// The request's parameters, serialized once (flattened, for a query or a form body).
    pub(crate) params: WireParams,
    /// The request as a JSON body, serialized once, for protocols that send one (API 3.0's TC3 POST);
    /// empty otherwise.
    pub(crate) json: Vec<u8>,
}

/// Reads a response into the operation's output or error.
pub(crate) type Parser<O> =
    fn(&HttpResponse) -> Result<<O as Operation>::Output, Error<<O as Operation>::Error>>;

/// The protocol hooks that set the clients apart; everything else is shared. Sealed: this module is
/// private, so [`ApiClient`](crate::ApiClient) cannot be implemented outside this crate.
pub trait Wire: Sync {
    /// The credentials this protocol signs with.
    type Credentials: CloudCredentials + 'static;
    /// The protocol the client speaks: it sends operations of APIs of this protocol only.
    const PROTOCOL: Protocol;
    /// Transport, clock, retry state.
    fn core(&self) -> &Core;
    /// The client's credentials, kept and refreshed ahead of their expiry.
    fn credentials(&self) -> &CredentialsCache<Self::Credentials>;
    /// Reads a response.
    fn parser<O: Operation>() -> Parser<O>;
    /// Serializes once; resolves the endpoint and region (`credentials` give a profile's region; `None` for
    /// an operation sent unsigned).
    fn resolve<O: Operation>(
        &self,
        request: &O,
        credentials: Option<&Resolved<Self::Credentials>>,
    ) -> Result<Prepared, Error<O::Error>>;
    /// Whether a service error rejects the credentials themselves (wrong secret, unknown or disabled
    /// key, bad token), so that the error should say where they came from.
    fn rejects_credentials(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool;
    /// Whether a service error rejects the session of temporary credentials (an expired, revoked or
    /// malformed session token, or none), so that refreshed credentials may succeed where these failed:
    /// the client's cache then forgets them and the call tries once more. A subset of
    /// [`rejects_credentials`](Self::rejects_credentials).
    fn rejects_session(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool;
    /// Signs one attempt afresh with `credentials`; with `None` (an operation whose spec says
    /// `auth: anonymous`), builds it unsigned, exactly as the official libraries send that operation.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared,
        credentials: Option<&Self::Credentials>,
        core: &Core,
    ) -> HttpRequest;
}
