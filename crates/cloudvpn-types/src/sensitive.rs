//! Secrets in generated types.
//!
//! A spec marks a secret member (`sensitive: true`: an STS answer's `AccessKeySecret` and `SecurityToken`,
//! an OIDC token in a request, an IPsec pre-shared key); the `Debug` of every generated struct holding one
//! prints [`REDACTED`] in its place, so a `{:?}` in a log never shows it. Serialization is untouched: the
//! value is still there for the caller who asked for it.
//!
//! ```
//! use cloudvpn_types::sensitive::REDACTED;
//! use cloudvpn_types::tencent_sts::AssumeRoleWithWebIdentityRequest;
//!
//! let request = AssumeRoleWithWebIdentityRequest::new("provider", "eyJhbGciOi.secret", "qcs::cam::uin/1:roleName/r", "s");
//! let printed = format!("{request:?}");
//! assert!(printed.contains(REDACTED));
//! assert!(!printed.contains("eyJhbGciOi.secret"));
//! ```

/// What `Debug` prints in place of a secret: the marker aws-sdk-rust prints for smithy's `@sensitive`.
pub const REDACTED: &str = "*** Sensitive Data Redacted ***";
