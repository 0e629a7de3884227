//! Typed requests, responses and errors of the Alibaba Cloud and Tencent Cloud VPN APIs.
//!
//! Everything under [`alibaba_vpc`] and [`tencent_vpc_v2`] is generated from the YAML specs by
//! `cargo xtask codegen`; the modules beside them are the small hand-written support it builds on:
//! [`meta`] (static descriptions the runtime, emulator and CLI read), [`operation`] (the traits every request
//! implements), [`error`] (errors as data), [`params`] (flat wire parameters and constraint checks),
//! [`waiter`] (what a poll result means) and [`de`] (lenient deserializers for JSON and XML bodies).
//!
//! ```
//! use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;
//! use cloudvpn_types::Operation;
//!
//! let request = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj0fiu")
//!     .client_token("02fb3da4-130e-11e9-8e44-0016e04115b");
//! assert!(request.validate().is_ok());
//! let too_long = request.clone().client_token("x".repeat(65));
//! assert_eq!(
//!     too_long.validate().unwrap_err().to_string(),
//!     "DeleteVpnGateway: ClientToken is 65 characters long; it must be at most 64"
//! );
//! ```

#![warn(missing_docs)]

pub mod de;
pub mod error;
pub mod meta;
pub mod operation;
pub mod params;
pub mod sensitive;
pub mod ser;
pub mod waiter;

// Formatted by prettyplease when generated; rustfmt would disagree and make `--check` fail.
#[rustfmt::skip]
mod generated;

/// How wire names become Rust and command-line names: the rule the generator used for every name here.
pub use cloudvpn_naming as naming;
pub use error::{BuildError, ErrorInfo, OperationError, Problem, ValidationError};
pub use generated::*;
pub use operation::{Api, ApiRequest, ApiVisitor, Completable, Operation, Visitor};
pub use params::Params;
