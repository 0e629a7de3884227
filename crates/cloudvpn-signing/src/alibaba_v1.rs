//! Alibaba Cloud RPC signature, `SignatureMethod=HMAC-SHA1`,
//! `SignatureVersion=1.0`.
//!
//! Reproduces `aliyunsdkcore.auth.composer.rpc_signature_composer` (the
//! legacy Python SDK), `alibabacloud_tea_openapi` `Utils.get_rpcsignature`
//! (the Tea SDK with `signature_algorithm='v2'`) and Go `tea-rpc`:
//!
//! ```text
//! CanonicalizedQueryString = join("&", pct(name) "=" pct(value))   sorted by name, bytewise
//! StringToSign             = METHOD "&" pct("/") "&" pct(CanonicalizedQueryString)
//! Signature                = Base64(HMAC-SHA1(AccessKeySecret "&", StringToSign))
//! ```
//!
//! `pct` is [`percent_encode`](crate::encoding::percent_encode). The parameters are every query *and* form-body
//! parameter except `Signature` itself: the client signs the decoded values,
//! so a server must run the wire query and body through
//! [`form_decode`](crate::encoding::form_decode) and merge them before calling
//! [`verify`]. Checking `SignatureMethod`, `SignatureVersion`, the timestamp
//! window and nonce reuse is left to the caller: they are policy, not
//! canonicalisation.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac as _;

use crate::mac;
use crate::params::{Lookup, Param, lookup, sorted_by_name};
use crate::sink::{self, Emit, Encoded, Sink};

/// Name of the parameter that carries the signature; it never signs itself.
pub const SIGNATURE_PARAM: &str = "Signature";

/// The sorted parameters that take part in the signature.
fn signed_params<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<Param<'_>> {
    sorted_by_name(params, |name, _| name != SIGNATURE_PARAM)
}

/// `CanonicalizedQueryString` of already sorted parameters.
struct CanonicalQuery<'a>(&'a [Param<'a>]);

impl Emit for CanonicalQuery<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        for (i, param) in self.0.iter().enumerate() {
            if i > 0 {
                out.put("&");
            }
            out.put_encoded(param.name);
            out.put("=");
            out.put_encoded(param.value);
        }
    }
}

/// `StringToSign` of already sorted parameters: the one description both
/// [`string_to_sign`] (rendered) and [`signature`] (streamed into the MAC)
/// use.
struct StringToSign<'a> {
    method: &'a str,
    params: &'a [Param<'a>],
}

impl Emit for StringToSign<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.method);
        out.put("&%2F&");
        // `pct(CanonicalizedQueryString)`, encoded on the fly: an unreserved
        // byte stays, anything else becomes `%25XX` (or `%26`, `%3D` for the
        // separators).
        CanonicalQuery(self.params).emit(&mut Encoded(out));
    }
}

/// `CanonicalizedQueryString`: the parameters sorted by name (bytewise),
/// each written `pct(name)=pct(value)`, joined with `&`.
///
/// An empty value is written `name=` (the legacy SDK always sends
/// `SignatureType=`). A `Signature` parameter is skipped, so a server may pass
/// the whole received parameter list.
pub fn canonicalized_query<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> String {
    sink::render(&CanonicalQuery(&signed_params(params)))
}

/// `StringToSign = METHOD & pct("/") & pct(CanonicalizedQueryString)`.
///
/// `method` is the HTTP method exactly as sent (the VPC SDKs use `POST`).
/// `params` must be the decoded query and form-body parameters *without*
/// `Signature`; a `Signature` entry, if present, is skipped.
pub fn string_to_sign<K: AsRef<str>, V: AsRef<str>>(method: &str, params: &[(K, V)]) -> String {
    let params = signed_params(params);
    sink::render(&StringToSign {
        method,
        params: &params,
    })
}

/// The MAC keyed with the secret followed by `&` (the empty "token secret"
/// left over from the OAuth-style design; every official SDK appends it).
fn keyed(secret: &str) -> mac::HmacSha1 {
    mac::sha1_mac(&[secret.as_bytes(), b"&"])
}

/// The MAC after absorbing the string to sign of `params`, streamed: the
/// string itself is never built.
fn streamed_mac(secret: &str, string_to_sign: &StringToSign<'_>) -> mac::HmacSha1 {
    sink::absorb(string_to_sign, keyed(secret))
}

/// `Base64(HMAC-SHA1(secret + "&", string_to_sign))`, standard alphabet with
/// padding. Put it on the wire URL-encoded (`+`→`%2B`, `/`→`%2F`, `=`→`%3D`).
pub fn sign(secret: &str, string_to_sign: &str) -> String {
    let mut mac = keyed(secret);
    mac.update(string_to_sign.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

/// The signature of a request in one step: equal to
/// `sign(secret, &string_to_sign(method, params))`, but the string to sign is
/// streamed into the MAC instead of being built.
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    secret: &str,
    method: &str,
    params: &[(K, V)],
) -> String {
    let params = signed_params(params);
    let mac = streamed_mac(
        secret,
        &StringToSign {
            method,
            params: &params,
        },
    );
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Why [`verify`] rejected a request.
///
/// No variant carries the secret; [`V1Error::SignatureMismatch`] carries only
/// what the real service echoes back in `SignatureDoesNotMatch`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum V1Error {
    /// No `Signature` parameter (the service answers `MissingParameter` /
    /// `IncompleteSignature`).
    MissingSignature,
    /// More than one `Signature` parameter; which one was meant is ambiguous.
    DuplicateSignature,
    /// The signature is not the one computed for these parameters (including
    /// a value that is not Base64 of a 20-byte MAC).
    SignatureMismatch {
        /// The server-side string to sign, which the real service returns in
        /// its `SignatureDoesNotMatch` message so that the client can compare
        /// (the legacy SDK does, and then reports `InvalidAccessKeySecret`).
        string_to_sign: String,
    },
}

impl fmt::Display for V1Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("the request has no Signature parameter"),
            Self::DuplicateSignature => {
                f.write_str("the request has more than one Signature parameter")
            }
            // Same wording as the real service's SignatureDoesNotMatch message.
            Self::SignatureMismatch { string_to_sign } => write!(
                f,
                "Specified signature is not matched with our calculation. server string to sign is:{string_to_sign}"
            ),
        }
    }
}

impl std::error::Error for V1Error {}

/// Checks the `Signature` parameter of a received request.
///
/// `params` are all decoded query and form-body parameters, `Signature`
/// included. The comparison of MACs is constant-time.
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    secret: &str,
    method: &str,
    params: &[(K, V)],
) -> Result<(), V1Error> {
    let provided = match lookup(params, SIGNATURE_PARAM) {
        Lookup::Missing => return Err(V1Error::MissingSignature),
        Lookup::Duplicate => return Err(V1Error::DuplicateSignature),
        Lookup::Found(value) => value,
    };
    let params = signed_params(params);
    let string_to_sign = StringToSign {
        method,
        params: &params,
    };
    // base64 0.22 rejects non-canonical encodings, so decoding is one-to-one
    // and comparing MAC bytes is as strict as comparing the text. A valid
    // tag is 20 bytes; anything that does not decode into the buffer is too
    // long to be one.
    let mut tag = [0u8; 32];
    let matches = STANDARD.decode_slice(provided, &mut tag).is_ok_and(|len| {
        streamed_mac(secret, &string_to_sign)
            .verify_slice(&tag[..len])
            .is_ok()
    });
    if matches {
        Ok(())
    } else {
        Err(V1Error::SignatureMismatch {
            string_to_sign: sink::render(&string_to_sign),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARAMS: &[(&str, &str)] = &[("b", "2"), ("A", "x y"), ("a", "")];

    #[test]
    fn canonical_query_sorts_bytewise_and_keeps_empty_values() {
        assert_eq!(canonicalized_query(PARAMS), "A=x%20y&a=&b=2");
    }

    #[test]
    fn signature_param_is_never_signed() {
        let mut with_sig = PARAMS.to_vec();
        with_sig.push(("Signature", "whatever"));
        assert_eq!(canonicalized_query(&with_sig), canonicalized_query(PARAMS));
        assert_eq!(
            string_to_sign("GET", &with_sig),
            string_to_sign("GET", PARAMS)
        );
    }

    #[test]
    fn string_to_sign_double_encodes() {
        assert_eq!(
            string_to_sign("POST", PARAMS),
            "POST&%2F&A%3Dx%2520y%26a%3D%26b%3D2"
        );
    }

    #[test]
    fn missing_signature_is_its_own_error() {
        assert_eq!(verify("s", "GET", PARAMS), Err(V1Error::MissingSignature));
    }

    #[test]
    fn duplicate_signature_is_rejected() {
        let sig = signature("s", "GET", PARAMS);
        let mut params = PARAMS.to_vec();
        params.push(("Signature", &sig));
        assert_eq!(verify("s", "GET", &params), Ok(()));
        params.push(("Signature", &sig));
        assert_eq!(
            verify("s", "GET", &params),
            Err(V1Error::DuplicateSignature)
        );
    }

    #[test]
    fn mismatch_carries_the_server_string_to_sign() {
        let params = [("A", "1"), ("Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")];
        let err = verify("s", "GET", &params).unwrap_err();
        assert_eq!(
            err,
            V1Error::SignatureMismatch {
                string_to_sign: "GET&%2F&A%3D1".into()
            }
        );
        assert!(
            err.to_string()
                .ends_with("server string to sign is:GET&%2F&A%3D1")
        );
    }

    #[test]
    fn malformed_base64_is_a_mismatch_not_a_panic() {
        for bad in ["", "%%%", "abc", "9SN13ugdBgdtOYF4ai6u8Vs7JMc"] {
            let params = [("A", "1"), ("Signature", bad)];
            assert!(matches!(
                verify("s", "GET", &params),
                Err(V1Error::SignatureMismatch { .. })
            ));
        }
    }

    #[test]
    fn errors_never_mention_the_secret() {
        let secret = "very-secret-value";
        let params = [("A", "1"), ("Signature", "x")];
        let err = verify(secret, "GET", &params).unwrap_err();
        assert!(!format!("{err:?} {err}").contains(secret));
    }
}
