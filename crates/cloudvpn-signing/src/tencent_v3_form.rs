//! Tencent Cloud API 3.0's old-style form signature (签名方法 v1):
//! `HmacSHA1` / `HmacSHA256` over a source string, with the common
//! parameters `SecretId`, `Nonce`, `Timestamp` and `Signature` in the query
//! (GET) or the form body (POST) instead of an `Authorization` header.
//!
//! Reproduces `tencentcloud-sdk-python` `AbstractClient._build_req_with_old_signature`,
//! `_format_sign_string` and `Sign.sign`:
//!
//! ```text
//! params    = all params except Signature (no "@" rule, unlike the v2 SDK)
//! query     = join("&", replace(name, "_", ".") "=" value)   sorted by the REPLACED name, bytewise; raw values
//! source    = METHOD host "/" "?" query                       e.g. POSTvpc.tencentcloudapi.com/?Action=...
//! Signature = Base64(HMAC-SHA1 or HMAC-SHA256(SecretKey, source))
//! ```
//!
//! It is the legacy v2 algorithm of [`tencent_v2`](crate::tencent_v2) with
//! path `/` and two differences of the v3 SDK: names are rewritten before
//! they are sorted (`formatParam[k.replace('_', '.')]`, then `sorted`), and
//! no value is dropped for starting with `@`. The source-string and MAC code
//! is the v2 module's own; only the parameter selection and order differ.
//!
//! The server chooses the hash as the document says: only exactly
//! `SignatureMethod=HmacSHA256` selects SHA-256, anything else SHA-1 (see
//! [`SignatureMethod::from_param`]).

use std::cmp::Ordering;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::params::{Lookup, Param, lookup, sorted_by_name};
use crate::sink;
use crate::tencent_v2::{
    Keyed, SIGNATURE_PARAM, SignatureMethod, Source, signature_method_of, upper,
};

/// The request path every API 3.0 call is sent to and signed with.
pub const PATH: &str = "/";

/// Common parameters a request signed this way must carry exactly once
/// (besides `Signature`): who signs, and what makes the request unique.
pub const REQUIRED_PARAMS: [&str; 3] = ["SecretId", "Nonce", "Timestamp"];

/// `name` as it is signed: every `_` replaced by `.`.
fn signed_name_bytes(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes().map(|b| if b == b'_' { b'.' } else { b })
}

/// The order of the v3 SDK: by signed name, then by value.
fn by_signed_name(a: &Param<'_>, b: &Param<'_>) -> Ordering {
    signed_name_bytes(a.name)
        .cmp(signed_name_bytes(b.name))
        .then_with(|| a.value.cmp(b.value))
}

/// Every parameter but `Signature`, in the order they are signed.
fn signed_params<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> Vec<Param<'_>> {
    // Sorting by original name first makes the common case (no `_`) a
    // no-op for the stable re-sort.
    let mut sorted = sorted_by_name(params, |name, _| name != SIGNATURE_PARAM);
    sorted.sort_by(by_signed_name);
    sorted
}

/// The source string: `METHOD + host + "/?" + sorted name=value pairs`.
///
/// `method` is upper-cased as the SDK does; `host` is the `Host` signed,
/// including `:port`; `params` are the decoded parameters (`Signature` is
/// skipped). Names have `_` replaced by `.`; values are written raw.
pub fn source_string<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    params: &[(K, V)],
) -> String {
    let method = upper(method);
    let params = signed_params(params);
    sink::render(&Source {
        method: &method,
        host,
        path: PATH,
        params: &params,
    })
}

/// The signature of a request, with the hash its own `SignatureMethod`
/// selects; put it on the wire URL-encoded as the `Signature` parameter.
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    secret_key: &str,
    method: &str,
    host: &str,
    params: &[(K, V)],
) -> String {
    let algorithm = signature_method_of(params);
    let method = upper(method);
    let params = signed_params(params);
    let source = Source {
        method: &method,
        host,
        path: PATH,
        params: &params,
    };
    Keyed::new(algorithm, secret_key).absorb(&source).base64()
}

/// Why [`verify`] rejected a request. No variant carries the secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// `Signature` or one of [`REQUIRED_PARAMS`] is absent.
    MissingParameter {
        /// Its name.
        name: &'static str,
    },
    /// `Signature` or one of [`REQUIRED_PARAMS`] appears more than once.
    DuplicateParameter {
        /// Its name.
        name: &'static str,
    },
    /// The signature is not the one computed for this request (including a
    /// value that is not Base64 of a MAC of the right length).
    SignatureMismatch {
        /// The hash the server used.
        method: SignatureMethod,
        /// The source string the server signed (its session token masked).
        source_string: String,
    },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingParameter { name } => write!(
                f,
                "the request has no {name} parameter; a request signed with HmacSHA1 or HmacSHA256 carries {SIGNATURE_PARAM} and {}",
                REQUIRED_PARAMS.join(", ")
            ),
            Self::DuplicateParameter { name } => {
                write!(f, "the request has more than one {name} parameter")
            }
            Self::SignatureMismatch {
                method,
                source_string,
            } => write!(
                f,
                "signature mismatch ({method}); the server signed: {source_string}"
            ),
        }
    }
}

impl std::error::Error for FormError {}

/// The single value of `name`, or the error naming it.
fn single<'a, K: AsRef<str>, V: AsRef<str>>(
    params: &'a [(K, V)],
    name: &'static str,
) -> Result<&'a str, FormError> {
    match lookup(params, name) {
        Lookup::Missing => Err(FormError::MissingParameter { name }),
        Lookup::Duplicate => Err(FormError::DuplicateParameter { name }),
        Lookup::Found(value) => Ok(value),
    }
}

/// Checks a received request signed the old way.
///
/// `method` comes from the request line, `host` from the `Host` header,
/// `params` are the decoded query (GET) or form body (POST), `Signature`
/// included. Checks that `Signature` and each of [`REQUIRED_PARAMS`] appear
/// once, then the MAC (constant-time) with the hash `SignatureMethod`
/// selects. The `Timestamp` window and `Nonce` replay are the server's
/// business (the crate has no clock and no memory).
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    secret_key: &str,
    method: &str,
    host: &str,
    params: &[(K, V)],
) -> Result<(), FormError> {
    let provided = single(params, SIGNATURE_PARAM)?;
    for name in REQUIRED_PARAMS {
        single(params, name)?;
    }
    let algorithm = signature_method_of(params);
    let method = upper(method);
    let params = signed_params(params);
    let source = Source {
        method: &method,
        host,
        path: PATH,
        params: &params,
    };
    // A valid tag is 20 or 32 bytes; anything that does not decode into the
    // buffer is too long to be one.
    let mut tag = [0u8; 48];
    let matches = STANDARD.decode_slice(provided, &mut tag).is_ok_and(|len| {
        Keyed::new(algorithm, secret_key)
            .absorb(&source)
            .verify(&tag[..len])
    });
    if matches {
        Ok(())
    } else {
        Err(FormError::SignatureMismatch {
            method: algorithm,
            source_string: crate::params::without_session_token(sink::render(&source)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn underscores_become_dots_before_sorting() {
        // "a_b" sorts after "aZ" (0x5F > 0x5A) but "a.b" before it (0x2E):
        // the v3 SDK sorts the rewritten names; the v2 SDK the original ones.
        let params = [("aZ", "2"), ("a_b", "1")];
        assert_eq!(source_string("get", "h", &params), "GETh/?a.b=1&aZ=2");
        assert_eq!(
            crate::tencent_v2::source_string("GET", "h", "/", &params),
            "GETh/?aZ=2&a.b=1"
        );
    }

    #[test]
    fn at_values_are_signed_and_signature_is_not() {
        let params = [("file", "@photo.png"), ("Signature", "s"), ("a", "1")];
        assert_eq!(
            source_string("POST", "h", &params),
            "POSTh/?a=1&file=@photo.png"
        );
    }
}
