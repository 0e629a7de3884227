//! The traits generated code implements and the runtime, emulator and CLI program against.

use crate::error::{OperationError, ValidationError};
use crate::meta::OperationMeta;
use crate::params::Params;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

/// A request of one operation.
pub trait Operation: Clone + Debug + Send + Sync + 'static {
    /// The successful response body.
    type Output: DeserializeOwned + Serialize + Clone + Debug + Send + Sync + 'static;
    /// The operation's error enum.
    type Error: OperationError;
    /// Everything static about the operation.
    const META: &'static OperationMeta;

    /// Checks every documented constraint; the runtime calls it before anything is sent.
    fn validate(&self) -> Result<(), ValidationError>;
    /// The parameters as wire name/value pairs, in spec order, absent optionals left out.
    fn to_params(&self) -> Vec<(&'static str, String)>;
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
    /// The request that is polled.
    type Poll: Operation;
    /// Builds the poll request from this request and its response.
    fn poll_request(&self, output: &Self::Output) -> Self::Poll;
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
