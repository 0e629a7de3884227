//! Request signing and verification for the Alibaba Cloud and Tencent Cloud
//! VPN APIs that cloudvpn talks to.
//!
//! The crate is pure: no I/O, no async, no clock, no randomness. Both sides
//! of the wire use it: the SDK runtime *signs* outgoing requests and the
//! local emulator *verifies* incoming ones, through the very same
//! canonicalisation code, so the two cannot disagree about what a signature
//! covers. Each `verify` recomputes the signature from the request as
//! received and compares MACs in constant time.
//!
//! Each canonical text (string to sign, canonical request, source string)
//! is described once, as pieces written to a sink. The functions that return
//! it render that description into a `String`; the signature and `verify`
//! functions stream the very same pieces into the hash or MAC instead, so
//! they build no intermediate strings.
//!
//! | Module | Scheme | Official behaviour reproduced |
//! |---|---|---|
//! | [`alibaba_v1`] | RPC signature, HMAC-SHA1, `SignatureVersion=1.0` | legacy `aliyun-python-sdk-core` (`rpc_signature_composer`), the Tea SDK with `signature_algorithm='v2'` (`Utils.get_rpcsignature`), Go `tea-rpc` |
//! | [`alibaba_v3`] | `ACS3-HMAC-SHA256`, `Authorization` header | the Tea SDK default (`alibabacloud_tea_openapi` `Utils.get_authorization`) |
//! | [`tencent_tc3`] | `TC3-HMAC-SHA256`, `Authorization` header (API 3.0 default) | `tencentcloud-sdk-python` `Sign.sign_tc3` and the signature v3 document |
//! | [`tencent_v2`] | legacy `/v2/index.php` HmacSHA1 / HmacSHA256 | `qcloudapi-sdk-python` `Sign.make` |
//! | [`tencent_v3_form`] | API 3.0 old-style form signature, `HmacSHA1` / `HmacSHA256` | `tencentcloud-sdk-python` `_build_req_with_old_signature` |
//!
//! [`encoding`] holds the percent-encoders the schemes sign with and the form
//! decoder a server needs to recover the values that were signed.
//!
//! Secrets are plain `&str` arguments. They are never stored, and no error
//! or `Debug` output contains them; mismatch errors carry only what the real
//! services echo back (the string to sign or canonical request).
//!
//! ```
//! use cloudvpn_signing::{alibaba_v1, encoding};
//!
//! let mut params = vec![
//!     ("Action".to_owned(), "DeleteVpnGateway".to_owned()),
//!     ("VpnGatewayId".to_owned(), "vpn-123".to_owned()),
//! ];
//! let signature = alibaba_v1::signature("secret", "POST", &params);
//! params.push(("Signature".to_owned(), signature));
//! let query = encoding::form_urlencode(&params);
//!
//! // The server side: decode what arrived and verify it.
//! let received = encoding::form_decode(&query).unwrap();
//! assert_eq!(alibaba_v1::verify("secret", "POST", &received), Ok(()));
//! ```

#![warn(missing_docs)]

pub mod alibaba_v1;
pub mod alibaba_v3;
pub mod encoding;
mod mac;
mod params;
mod sink;
pub mod tencent_tc3;
pub mod tencent_v2;
pub mod tencent_v3_form;
pub mod timestamp;
