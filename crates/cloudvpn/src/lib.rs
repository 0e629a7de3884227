//! The cloudvpn runtime: a typed, fluent client per API of Alibaba Cloud and Tencent Cloud, generated from
//! the specs (`cloudvpn::alibaba::VpcClient`, `cloudvpn::tencent::VpcV2Client`), over one hand-written core
//! per protocol.
//!
//! Every call is validated before anything is sent, serialized once, and signed afresh for each attempt
//! (new nonce and timestamp) with the same `ClientToken`, filled in when the caller left it empty. Retries
//! cover throttling, the transient errors the specs mark retryable, 5xx answers and connection failures —
//! the last two only where repeating is safe (read-only operations and those with a client token; a refused
//! connection is always safe). Signatures are byte-for-byte those of the official SDKs.
//!
//! ```no_run
//! use cloudvpn::alibaba::VpcClient;
//! use cloudvpn::credentials::{AlibabaCredentials, Secret};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = VpcClient::builder()
//!     .endpoint("http://127.0.0.1:8080") // the local emulator; leave out for the real service
//!     .credentials(AlibabaCredentials::new("emulator-ak", Secret::new("emulator-secret")))
//!     .build()?;
//! let out = client.delete_vpn_gateway().region_id("cn-hangzhou").vpn_gateway_id("vpn-1").send().await?;
//! client
//!     .delete_vpn_connection()
//!     .region_id("cn-hangzhou")
//!     .vpn_connection_id("vco-123")
//!     .send_and_wait()
//!     .on_progress(|p| eprintln!("{}: {}", p.poll_action, p.observed))
//!     .await?;
//! # let _ = out; Ok(()) }
//! ```
//!
//! Code that picks operations at run time sends the generated request structs of `cloudvpn-types` with
//! `send(request)`, on a generated client or on a protocol's client ([`AlibabaClient`], [`TencentClient`],
//! through [`ApiClient`]).
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
mod redact;
mod redact_text;
pub mod retry;
#[cfg(feature = "test-util")]
pub mod test_util;
pub mod transport;
pub mod waiter;
mod xml;

/// The README's examples are compiled as doc tests, so the SDK section cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
struct ReadmeExamples;

pub use builder::{BuildError, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_CONNECT_TIMEOUT};
pub use client::{ApiClient, Deletion, DryRun, WireEvent, WireLog};
pub use endpoint::Endpoint;
pub use error::Error;
pub use fluent::{SendAndWait, SendAndWaitError, Waited};
pub use generated::*;
pub use protocol::alibaba_rpc::{AlibabaClient, AlibabaClientBuilder, AlibabaSignature};
pub use protocol::tencent_api3::{
    Api3SignatureMethod, DEFAULT_LANGUAGE, TencentApi3Client, TencentApi3ClientBuilder,
};
pub use protocol::tencent_v2::{SignatureMethod, TencentClient, TencentClientBuilder};
pub use retry::{RetryConfig, RetryReason};
pub use waiter::{Completed, WaitError, WaitOptions, WaitProgress, WaitSubject};
