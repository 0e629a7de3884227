//! The cloudvpn runtime: clients for Alibaba Cloud's VPC RPC API and Tencent Cloud's VPC API v2 that take a
//! generated request from [`cloudvpn_types`] and return its typed response or typed error.
//!
//! Every call is validated before anything is sent, serialized once, and signed afresh for each attempt
//! (new nonce and timestamp) with the same `ClientToken`, filled in when the caller left it empty. Retries
//! cover throttling, the transient errors the specs mark retryable, 5xx answers and connection failures —
//! the last two only where repeating is safe (read-only operations and those with a client token; a refused
//! connection is always safe). Signatures are byte-for-byte those of the official SDKs.
//!
//! ```no_run
//! use cloudvpn::{AlibabaClient, ApiClient, WaitOptions};
//! use cloudvpn::credentials::{AlibabaCredentials, Secret};
//! use cloudvpn_types::alibaba_vpc::DeleteVpnConnectionRequest;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = AlibabaClient::builder()
//!     .endpoint("http://127.0.0.1:8080") // the local emulator; leave out for the real service
//!     .credentials(AlibabaCredentials::new("emulator-ak", Secret::new("emulator-secret")))
//!     .build()?;
//! let request = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-123");
//! let accepted = client.send(request.clone()).await?;
//! client
//!     .wait(&request, &accepted, &WaitOptions::default(), |p| eprintln!("{}: {}", p.poll_action, p.observed))
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! Defaults: connect timeout 5 s, 30 s per attempt, 4 attempts with full-jitter backoff from 200 ms capped
//! at 10 s and a shared retry budget ([`RetryConfig`]); V3 signatures for Alibaba, `HmacSHA1` over GET for
//! Tencent v2, as the official SDKs.

#![warn(missing_docs)]

mod builder;
mod client;
pub mod clock;
pub mod credentials;
mod endpoint;
mod error;
mod fluent;
// Formatted by prettyplease when generated; rustfmt would disagree and make `--check` fail.
#[rustfmt::skip]
mod generated;
mod protocol;
pub mod retry;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
pub mod waiter;
mod xml;

pub use builder::{BuildError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT};
pub use client::{ApiClient, Deletion, WireEvent, WireLog};
pub use endpoint::Endpoint;
pub use error::Error;
pub use fluent::{SendAndWait, SendAndWaitError, Waited};
pub use generated::*;
pub use protocol::alibaba_rpc::{AlibabaClient, AlibabaClientBuilder, AlibabaSignature};
pub use protocol::tencent_v2::{SignatureMethod, TencentClient, TencentClientBuilder};
pub use retry::RetryConfig;
pub use waiter::{Completed, WaitError, WaitOptions, WaitProgress, WaitSubject};
