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
//! values are the decoded values, never URL-encoded. The same algorithm with
//! `path = "/"` is the v3 API's old-style `HmacSHA1`/`HmacSHA256` signature.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::mac;
use crate::params::{Lookup, lookup, sorted_by_name};

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
    let method = method.to_ascii_uppercase();
    let is_post = method == "POST";
    let sorted = sorted_by_name(params, |name, value| {
        name != SIGNATURE_PARAM && !(is_post && value.starts_with('@'))
    });
    let capacity = method.len()
        + host.len()
        + path.len()
        + 1
        + sorted
            .iter()
            .map(|(k, v)| k.len() + v.len() + 2)
            .sum::<usize>();
    let mut out = String::with_capacity(capacity);
    out.push_str(&method);
    out.push_str(host);
    out.push_str(path);
    out.push('?');
    for (i, (name, value)) in sorted.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        // Only the signed form changes: the wire keeps the original name.
        for ch in name.chars() {
            out.push(if ch == '_' { '.' } else { ch });
        }
        out.push('=');
        out.push_str(value);
    }
    out
}

/// The raw MAC of `source` under `secret_key`.
fn mac_bytes(method: SignatureMethod, secret_key: &str, source: &str) -> Vec<u8> {
    match method {
        SignatureMethod::HmacSha1 => {
            mac::hmac_sha1(secret_key.as_bytes(), source.as_bytes()).to_vec()
        }
        SignatureMethod::HmacSha256 => {
            mac::hmac_sha256(secret_key.as_bytes(), source.as_bytes()).to_vec()
        }
    }
}

/// `Base64(HMAC(secret_key, source))`, standard alphabet with `=` padding.
/// Put it on the wire URL-encoded.
pub fn sign(method: SignatureMethod, secret_key: &str, source: &str) -> String {
    STANDARD.encode(mac_bytes(method, secret_key, source))
}

/// The signature of a request in one step; the hash comes from the
/// request's own `SignatureMethod` parameter (see
/// [`SignatureMethod::from_param`]).
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    secret_key: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &[(K, V)],
) -> String {
    let algorithm = signature_method_of(params);
    sign(
        algorithm,
        secret_key,
        &source_string(method, host, path, params),
    )
}

/// The hash selected by the first `SignatureMethod` parameter, if any.
fn signature_method_of<K: AsRef<str>, V: AsRef<str>>(params: &[(K, V)]) -> SignatureMethod {
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
        /// The source string the server signed.
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
    let source_string = source_string(method, host, path, params);
    let key = secret_key.as_bytes();
    let message = source_string.as_bytes();
    let matches = STANDARD.decode(provided).is_ok_and(|tag| match algorithm {
        SignatureMethod::HmacSha1 => mac::verify_hmac_sha1(key, message, &tag),
        SignatureMethod::HmacSha256 => mac::verify_hmac_sha256(key, message, &tag),
    });
    if matches {
        Ok(())
    } else {
        Err(V2Error::SignatureMismatch {
            method: algorithm,
            source_string,
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
