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
use crate::credentials::Resolved;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::transport::{HttpRequest, HttpResponse};
use cloudvpn_types::meta::{DocumentedError, OperationMeta, Protocol};
use cloudvpn_types::params::WireParams;
use cloudvpn_types::{ErrorInfo, Operation};
use std::sync::Arc;

/// What a call needs before its first attempt: resolved once, reused by every attempt.
pub struct Prepared<C> {
    /// The credentials, with where they came from.
    pub(crate) credentials: Arc<Resolved<C>>,
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
    fn rejects_credentials(info: &ErrorInfo, documented: Option<&'static DocumentedError>) -> bool;
    /// Signs one attempt afresh.
    fn sign(
        &self,
        meta: &OperationMeta,
        prepared: &Prepared<Self::Credentials>,
        core: &Core,
    ) -> HttpRequest;
}
