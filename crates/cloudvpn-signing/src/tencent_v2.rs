//! Tencent Cloud legacy v2 signature (`https://vpc.api.qcloud.com/v2/index.php`).
//!
//! Reproduces `QcloudApi/common/sign.py` `Sign.make` from
//! `qcloudapi-sdk-python` 2.0.x and the "签名方法" (signature method) page of
//! the Tencent docs:
//!
//! ```text
//! params  = all params except Signature; for POST also drop values starting with "@"
//! query   = join("&", replace(name, "_", ".") "=" value)   sorted by the original name, bytewise; raw values
//! source  = METHOD host path "?" query                     e.g. GETvpc.api.qcloud.com/v2/index.php?Action=...
//! Signature = Base64(HMAC-SHA1 or HMAC-SHA256(SecretKey, source))
//! ```
//!
//! The SDK sorts by the original names and replaces `_` with `.` afterwards
//! (`sorted(params.keys())`, then `k.replace("_", ".")`), and the doc lists
//! the steps in the same order; this module does the same. (The v3 SDK's
//! "old-style" form signature replaces first and then sorts; the two orders
//! differ only for names where `_` meets another character at the same
//! position, which no VPC parameter has.)
//!
//! `host` is the `Host` the client signed, including `:port` when present;
//! values are the decoded values, never URL-encoded. The v3 API's old-style
//! `HmacSHA1`/`HmacSHA256` signature is this algorithm with `path = "/"` and
//! the v3 SDK's parameter order; see [`tencent_v3_form`](crate::tencent_v3_form).

use std::borrow::Cow;
use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::Mac as _;

use crate::mac;
use crate::params::{Lookup, Param, lookup, sorted_by_name};
use crate::sink::{self, Emit, Sink, Text};

/// Name of the parameter that carries the signature; it never signs itself.
pub const SIGNATURE_PARAM: &str = "Signature";

/// Name of the parameter that selects the HMAC hash.
pub const SIGNATURE_METHOD_PARAM: &str = "SignatureMethod";

/// The HMAC hash, chosen by the `SignatureMethod` parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SignatureMethod {
    /// `HmacSHA1`, the default when `SignatureMethod` is absent.
    #[default]
    HmacSha1,
    /// `HmacSHA256`.
    HmacSha256,
}

impl SignatureMethod {
    /// The method a server must use for a received `SignatureMethod` value:
    /// only exactly `HmacSHA256` selects SHA-256; anything else, or no value,
    /// means SHA-1 (the SDK's `if sign_method == 'HmacSHA256' … else sha1`).
    pub fn from_param(value: Option<&str>) -> Self {
        match value {
            Some("HmacSHA256") => Self::HmacSha256,
            _ => Self::HmacSha1,
        }
    }

    /// The parameter value: `HmacSHA1` or `HmacSHA256`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha1 => "HmacSHA1",
            Self::HmacSha256 => "HmacSHA256",
        }
    }
}

impl fmt::Display for SignatureMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The source string of already filtered and sorted parameters: the one
/// description that [`source_string`] renders and [`signature`] and
/// [`verify`] stream into the MAC.
pub(crate) struct Source<'a> {
    /// Upper-case method.
    pub(crate) method: &'a str,
    pub(crate) host: &'a str,
    pub(crate) path: &'a str,
    /// Sorted as the scheme sorts them.
    pub(crate) params: &'a [Param<'a>],
}

impl Emit for Source<'_> {
    fn emit<S: Sink + ?Sized>(&self, out: &mut S) {
        out.put(self.method);
        out.put(self.host);
        out.put(self.path);
        out.put("?");
        for (i, param) in self.params.iter().enumerate() {
            if i > 0 {
                out.put("&");
            }
            // Only the signed form changes: the wire keeps the original name.
            let mut rest = param.name;
            while let Some(at) = rest.bytes().position(|b| b == b'_') {
                // `_` is ASCII, so both sides are on char boundaries.
                out.put(&rest[..at]);
                out.put(".");
                rest = &rest[at + 1..];
            }
            out.put(rest);
            out.put("=");
            out.put(param.value);
        }
    }
}

/// `method` upper-cased as the SDK does, borrowed when it already is.
pub(crate) fn upper(method: &str) -> Cow<'_, str> {
    if method.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(method.to_ascii_uppercase())
    } else {
        Cow::Borrowed(method)
    }
}

/// The parameters that take part in the signature, sorted by name.
fn signed_params<'a, K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    params: &'a [(K, V)],
) -> Vec<Param<'a>> {
    let is_post = method == "POST";
    sorted_by_name(params, |name, value| {
        name != SIGNATURE_PARAM && !(is_post && value.starts_with('@'))
    })
}

/// The source string (签名原文字符串):
/// `METHOD + host + path + "?" + sorted name=value pairs`.
///
/// `method` is upper-cased as the SDK does. `params` are the decoded
/// parameters; `Signature` is skipped, and for `POST` so is every parameter
/// whose value starts with `@` (the SDK's legacy file-upload rule). Names
/// have `_` replaced by `.`; values are written raw.
pub fn source_string<K: AsRef<str>, V: AsRef<str>>(
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> String {
    let method = upper(method);
    let params = signed_params(&method, params);
    sink::render(&Source {
        method: &method,
        host,
        path,
        params: &params,
    })
}

/// A keyed MAC of either hash, fed through the same sink code.
pub(crate) enum Keyed {
    Sha1(mac::HmacSha1),
    Sha256(mac::HmacSha256),
}

impl Keyed {
    pub(crate) fn new(method: SignatureMethod, secret_key: &str) -> Self {
        let key = [secret_key.as_bytes()];
        match method {
            SignatureMethod::HmacSha1 => Self::Sha1(mac::sha1_mac(&key)),
            SignatureMethod::HmacSha256 => Self::Sha256(mac::sha256_mac(&key)),
        }
    }

    /// The MAC after absorbing `source`.
    pub(crate) fn absorb<E: Emit + ?Sized>(self, source: &E) -> Self {
        match self {
            Self::Sha1(mac) => Self::Sha1(sink::absorb(source, mac)),
            Self::Sha256(mac) => Self::Sha256(sink::absorb(source, mac)),
        }
    }

    /// `Base64(tag)`, standard alphabet with `=` padding.
    pub(crate) fn base64(self) -> String {
        match self {
            Self::Sha1(mac) => STANDARD.encode(mac.finalize().into_bytes()),
            Self::Sha256(mac) => STANDARD.encode(mac.finalize().into_bytes()),
        }
    }

    /// Constant-time check of a received tag (any length; wrong length fails).
    pub(crate) fn verify(self, tag: &[u8]) -> bool {
        match self {
            Self::Sha1(mac) => mac.verify_slice(tag).is_ok(),
            Self::Sha256(mac) => mac.verify_slice(tag).is_ok(),
        }
    }
}

/// `Base64(HMAC(secret_key, source))`, standard alphabet with `=` padding.
/// Put it on the wire URL-encoded.
pub fn sign(method: SignatureMethod, secret_key: &str, source: &str) -> String {
    Keyed::new(method, secret_key)
        .absorb(&Text(source))
        .base64()
}

/// The signature of a request in one step; the hash comes from the
/// request's own `SignatureMethod` parameter (see
/// [`SignatureMethod::from_param`]). Equal to signing
/// [`source_string`], which is streamed into the MAC instead of being built.
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    secret_key: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> String {
    let algorithm = signature_method_of(params);
    let method = upper(method);
    let params = signed_params(&method, params);
    let source = Source {
        method: &method,
        host,
        path,
        params: &params,
    };
    Keyed::new(algorithm, secret_key).absorb(&source).base64()
}

/// The hash selected by the first `SignatureMethod` parameter, if any.
pub(crate) fn signature_method_of<K: AsRef<str>, V: AsRef<str>>(
    params: &[(K, V)],
) -> SignatureMethod {
    let value = params
        .iter()
        .find(|(k, _)| k.as_ref() == SIGNATURE_METHOD_PARAM)
        .map(|(_, v)| v.as_ref());
    SignatureMethod::from_param(value)
}

/// Why [`verify`] rejected a request. No variant carries the secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum V2Error {
    /// No `Signature` parameter.
    MissingSignature,
    /// More than one `Signature` parameter.
    DuplicateSignature,
    /// The signature is not the one computed for this request (including a
    /// value that is not Base64 of a MAC of the right length).
    SignatureMismatch {
        /// The hash the server used.
        method: SignatureMethod,
        /// The source string the server signed (its session token masked).
        source_string: String,
    },
}

impl fmt::Display for V2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingSignature => f.write_str("the request has no Signature parameter"),
            Self::DuplicateSignature => {
                f.write_str("the request has more than one Signature parameter")
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

impl std::error::Error for V2Error {}

/// Checks the `Signature` parameter of a received request.
///
/// `method` and `path` come from the request line, `host` from the `Host`
/// header, `params` are the decoded query (GET) or form body (POST)
/// parameters, `Signature` included. The hash is chosen by the request's
/// `SignatureMethod`; the MAC comparison is constant-time.
pub fn verify<K: AsRef<str>, V: AsRef<str>>(
    secret_key: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> Result<(), V2Error> {
    let provided = match lookup(params, SIGNATURE_PARAM) {
        Lookup::Missing => return Err(V2Error::MissingSignature),
        Lookup::Duplicate => return Err(V2Error::DuplicateSignature),
        Lookup::Found(value) => value,
    };
    let algorithm = signature_method_of(params);
    let method = upper(method);
    let params = signed_params(&method, params);
    let source = Source {
        method: &method,
        host,
        path,
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
        Err(V2Error::SignatureMismatch {
            method: algorithm,
            source_string: crate::params::without_session_token(sink::render(&source)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_param_only_accepts_the_exact_sha256_spelling() {
        assert_eq!(SignatureMethod::from_param(None), SignatureMethod::HmacSha1);
        assert_eq!(
            SignatureMethod::from_param(Some("HmacSHA256")),
            SignatureMethod::HmacSha256
        );
        for other in [
            "HmacSHA1",
            "hmacsha256",
            "HMACSHA256",
            "HmacSHA256 ",
            "",
            "HmacSHA512",
        ] {
            assert_eq!(
                SignatureMethod::from_param(Some(other)),
                SignatureMethod::HmacSha1,
                "{other:?}"
            );
        }
        assert_eq!(SignatureMethod::default(), SignatureMethod::HmacSha1);
        assert_eq!(SignatureMethod::HmacSha1.as_str(), "HmacSHA1");
        assert_eq!(SignatureMethod::HmacSha256.to_string(), "HmacSHA256");
    }

    #[test]
    fn names_are_sorted_before_underscores_become_dots() {
        // Original order: "aZ" (0x5A) < "a_b" (0x5F); after replacement
        // "a.b" would sort first. The SDK keeps the original order.
        let params = [("a_b", "1"), ("aZ", "2")];
        assert_eq!(
            source_string("GET", "h", "/p", &params),
            "GETh/p?aZ=2&a.b=1"
        );
    }

    #[test]
    fn post_skips_at_values_and_signature() {
        let params = [("file", "@photo.png"), ("a", "1"), ("Signature", "s")];
        assert_eq!(source_string("post", "h", "/", &params), "POSTh/?a=1");
        assert_eq!(
            source_string("GET", "h", "/", &params),
            "GETh/?a=1&file=@photo.png"
        );
    }

    #[test]
    fn values_are_raw() {
        let params = [("v", "a b&c=d+é")];
        assert_eq!(
            source_string("GET", "h:8443", "/v2/index.php", &params),
            "GETh:8443/v2/index.php?v=a b&c=d+é"
        );
    }

    #[test]
    fn missing_and_duplicate_signature() {
        let params = vec![("Action", "X".to_owned())];
        assert_eq!(
            verify("k", "GET", "h", "/", &params),
            Err(V2Error::MissingSignature)
        );
        let sig = signature("k", "GET", "h", "/", &params);
        let mut params = params;
        params.push(("Signature", sig.clone()));
        assert_eq!(verify("k", "GET", "h", "/", &params), Ok(()));
        params.push(("Signature", sig));
        assert_eq!(
            verify("k", "GET", "h", "/", &params),
            Err(V2Error::DuplicateSignature)
        );
    }

    #[test]
    fn mismatch_names_the_hash_and_source_but_not_the_key() {
        let params = [
            ("Action", "X"),
            ("SignatureMethod", "HmacSHA256"),
            ("Signature", "bad"),
        ];
        let err = verify("key-material", "GET", "h", "/", &params).unwrap_err();
        assert_eq!(
            err,
            V2Error::SignatureMismatch {
                method: SignatureMethod::HmacSha256,
                source_string: "GETh/?Action=X&SignatureMethod=HmacSHA256".into(),
            }
        );
        assert!(!format!("{err:?} {err}").contains("key-material"));
    }

    #[test]
    fn a_sha1_signature_does_not_pass_as_sha256() {
        let mut params = vec![
            ("Action", "X".to_owned()),
            ("SignatureMethod", "HmacSHA256".to_owned()),
        ];
        let source = source_string("GET", "h", "/", &params);
        params.push(("Signature", sign(SignatureMethod::HmacSha1, "k", &source)));
        assert!(matches!(
            verify("k", "GET", "h", "/", &params),
            Err(V2Error::SignatureMismatch { .. })
        ));
    }
}
