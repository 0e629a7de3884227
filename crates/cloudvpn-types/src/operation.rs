//! The traits generated code implements and the runtime, emulator and CLI program against.

use crate::error::{OperationError, ValidationError};
use crate::meta::{ApiMeta, OperationMeta};
use crate::params::{Params, WireParams};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// One API: what its operations share and its `Request` enum. Each generated API module implements it with
/// a unit struct named after the module (`alibaba_vpc::AlibabaVpc`), so code can be generic over the API and
/// its protocol ([`ApiMeta::protocol`]) rather than over a provider.
pub trait Api: Copy + Debug + Default + Send + Sync + 'static {
    /// Everything its operations share.
    const META: &'static ApiMeta;
    /// Its operations, sorted by action.
    const OPERATIONS: &'static [&'static OperationMeta];
    /// A request of any of its operations (the module's `Request` enum).
    type Request: ApiRequest<Api = Self>;

    /// Parses the parameters of `action`; `None` when the API has no such operation. Checks presence and
    /// types, like [`Operation::from_params`].
    fn from_params(action: &str, params: &Params)
    -> Option<Result<Self::Request, ValidationError>>;
}

/// A request of any operation of one API, chosen at run time (the generated `Request` enum of each API).
pub trait ApiRequest: Clone + Debug + Send + Sync + 'static {
    /// The API.
    type Api: Api;
    /// The operation's metadata.
    fn meta(&self) -> &'static OperationMeta;
    /// Calls `visitor` with the concrete request (`visit_completable` for operations whose completion can
    /// be awaited).
    fn dispatch<V: Visitor>(self, visitor: V) -> V::Output;
}

/// Receives the API type that a run-time [`ApiMeta`] describes, from the generated `visit_api`: how code
/// that starts from metadata (a command line, a server routing a request) reaches the typed API.
pub trait ApiVisitor {
    /// What the visit returns.
    type Output;
    /// Receives the API.
    fn visit<A: Api>(self) -> Self::Output;
}

/// A request of one operation.
///
/// Two wire forms: [`Operation::to_params`] (flattened pairs, for a query or a form body) and `Serialize`
/// (the JSON body of a TC3 POST: wire names, JSON arrays and objects, numbers as numbers, absent optionals
/// and empty optional lists left out).
pub trait Operation: Serialize + Clone + Debug + Send + Sync + 'static {
    /// The API the operation belongs to.
    type Api: Api;
    /// The successful response body.
    type Output: DeserializeOwned + Serialize + Clone + Debug + Send + Sync + 'static;
    /// The operation's error enum.
    type Error: OperationError;
    /// Everything static about the operation.
    const META: &'static OperationMeta;

    /// Checks every documented constraint; the runtime calls it before anything is sent.
    fn validate(&self) -> Result<(), ValidationError>;
    /// The parameters as wire name/value pairs, in spec order, absent optionals and empty optional lists
    /// left out; lists and objects flattened (`VpnGatewayIds.0`, `Filters.0.Values.0`, counted from the
    /// protocol's [`first_list_index`](crate::meta::Protocol::first_list_index)).
    fn to_params(&self) -> WireParams;
    /// Reads a request from wire parameters (as a server or a command line receives them). Checks presence
    /// and types; call [`Operation::validate`] for the documented constraints.
    fn from_params(params: &Params) -> Result<Self, ValidationError>;
    /// The idempotency token, if the operation has one and it is set.
    fn idempotency_token(&self) -> Option<&str>;
    /// Sets the idempotency token; does nothing for operations without one.
    fn set_idempotency_token(&mut self, token: String);
}

/// An operation whose completion is observed by polling another operation of the same API.
pub trait Completable: Operation {
    /// The request that is polled: an operation of the same API.
    type Poll: Operation<Api = Self::Api>;
    /// Builds the poll request from this request and its response.
    fn poll_request(&self, output: &Self::Output) -> Self::Poll;
    /// The request polled instead once an acceptor says [`WaitState::Fallback`](crate::meta::WaitState):
    /// the completion's `fallback` recipe. Without one it is the type of `Poll` and never built.
    type Fallback: Operation<Api = Self::Api>;
    /// Builds the fallback poll request; `None` when the recipe has no fallback.
    fn fallback_request(&self, output: &Self::Output) -> Option<Self::Fallback>;
}

/// Called by each API's generated `Request::dispatch` with the concrete request type.
pub trait Visitor: Sized {
    /// What the visit returns.
    type Output;
    /// Receives a request.
    fn visit<O: Operation>(self, request: O) -> Self::Output;
    /// Receives a request whose completion can be awaited (it has a completion recipe in the specs).
    /// By default the same as [`Visitor::visit`]; override it to wait.
    fn visit_completable<O: Completable>(self, request: O) -> Self::Output {
        self.visit(request)
    }
}
