//! What a wire log (`--debug`) hears of a call: each request as sent, each response as received, each
//! attempt about to be repeated and why.

use crate::retry::RetryReason;
use crate::transport::{HttpRequest, HttpResponse};
use cloudvpn_types::meta::OperationMeta;
use std::sync::Arc;
use std::time::Duration;

/// What the wire log sees: every request as sent, every response as received, and every attempt the client
/// is about to repeat.
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
    /// Attempt `attempt` failed and will be repeated after `delay`. Sent before the backoff, so that a
    /// caller pacing its own calls hears of throttling the client absorbs (it never returns it as an error).
    Retrying {
        /// The attempt that failed.
        attempt: u32,
        /// The operation.
        operation: &'static OperationMeta,
        /// Why it is repeated.
        reason: RetryReason<'a>,
        /// The backoff before the next attempt.
        delay: Duration,
    },
}

/// A callback that observes the wire (for `--debug` style logging).
pub type WireLog = Arc<dyn Fn(WireEvent<'_>) + Send + Sync>;
