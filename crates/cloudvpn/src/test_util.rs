//! For tests without a network (feature `test-util`): a transport that records what it is asked to send and
//! answers from a script, plus the fixed clock and identifier providers from [`crate::clock`].
//!
//! ```
//! # async fn demo() {
//! use cloudvpn::test_util::{ScriptedTransport, Scripted};
//! use cloudvpn::transport::HttpResponse;
//!
//! let transport = ScriptedTransport::new([
//!     Scripted::Respond(HttpResponse::new(503, "busy")),
//!     Scripted::Respond(HttpResponse::new(200, r#"{"RequestId":"r"}"#)),
//! ]);
//! # let _ = transport;
//! # }
//! ```

use crate::transport::{
    HttpRequest, HttpResponse, Transport, TransportError, TransportErrorKind, TransportFuture,
};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

pub use crate::clock::{FixedClock, FixedIds};

/// One scripted answer.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// Answer with this response.
    Respond(HttpResponse),
    /// Fail as if the connection could not be made.
    Refuse,
    /// Fail as if the connection broke after the request was sent.
    Drop,
    /// Take this long, then answer (to exercise timeouts).
    Delay(Duration, HttpResponse),
}

/// Records every request and answers from a script, in order. When the script runs out it answers 599
/// with a body that says so, so a test that sends more than it expected fails loudly.
#[derive(Debug, Default)]
pub struct ScriptedTransport {
    script: Mutex<VecDeque<Scripted>>,
    sent: Mutex<Vec<HttpRequest>>,
}

impl ScriptedTransport {
    /// A transport answering with `script`.
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Self {
        ScriptedTransport {
            script: Mutex::new(script.into_iter().collect()),
            sent: Mutex::new(Vec::new()),
        }
    }

    /// Every request sent so far.
    pub fn requests(&self) -> Vec<HttpRequest> {
        self.sent.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

impl Transport for ScriptedTransport {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.sent
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(request);
        let next = self
            .script
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop_front();
        Box::pin(async move {
            match next {
                Some(Scripted::Respond(r)) => Ok(r),
                Some(Scripted::Refuse) => Err(TransportError {
                    kind: TransportErrorKind::Connect,
                    message: "connection refused (scripted)".into(),
                }),
                Some(Scripted::Drop) => Err(TransportError {
                    kind: TransportErrorKind::Io,
                    message: "connection closed before the response (scripted)".into(),
                }),
                Some(Scripted::Delay(d, r)) => {
                    tokio::time::sleep(d).await;
                    Ok(r)
                }
                None => Ok(HttpResponse::new(
                    599,
                    "ScriptedTransport: the script has no more answers",
                )),
            }
        })
    }
}

/// Answers every request with the same response, immediately, without recording anything: for benchmarks
/// and load tests of the client itself.
#[derive(Debug, Clone)]
pub struct ConstantTransport {
    response: HttpResponse,
}

impl ConstantTransport {
    /// Always `response`.
    pub fn new(response: HttpResponse) -> Self {
        ConstantTransport { response }
    }
}

impl Transport for ConstantTransport {
    fn send(&self, _request: HttpRequest) -> TransportFuture<'_> {
        let response = self.response.clone();
        Box::pin(async move { Ok(response) })
    }
}
