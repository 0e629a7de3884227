//! Raw signed requests and a minimal HTTP/1.1 client (module `client`): what the load driver and the tests send.
//!
//! Built directly with the signing crate, with every knob a test needs (signature scheme, GET or POST,
//! where the parameters go, a wrong secret, a stale timestamp, a reused nonce). This is not an SDK; the
//! `cloudvpn` runtime is.

use crate::clock;
use crate::credentials::{
    DEFAULT_ALIBABA_ACCESS_KEY_ID, DEFAULT_ALIBABA_ACCESS_KEY_SECRET, DEFAULT_TENCENT_SECRET_ID,
    DEFAULT_TENCENT_SECRET_KEY,
};
use bytes::Bytes;
use cloudvpn_signing::{alibaba_v1, alibaba_v3, encoding, tencent_v2};
use http_body_util::Full;
use hyper::{Method, Request};

mod client;

pub use client::{ClientError, Connection, RawResponse, send};

/// A fresh random nonce: 32 hex digits, like the official SDKs'.
pub fn nonce() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// Which Alibaba signature to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlibabaSignature {
    /// RPC v1 HMAC-SHA1, `Signature` parameter (legacy SDK, Tea `signature_algorithm='v2'`, Terraform).
    V1,
    /// `ACS3-HMAC-SHA256` headers (the Tea SDK's default).
    V3,
}

/// Where the parameters go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Everything in the query (the Python SDKs).
    Query,
    /// Everything in a form body; only v1's `Signature` stays in the query.
    Body,
    /// Common parameters (and the signature) in the query, the operation's parameters in a form body
    /// (Terraform's tea-rpc).
    Split,
}

/// An Alibaba RPC call to build.
#[derive(Debug, Clone)]
pub struct AlibabaCall {
    /// `Action`.
    pub action: String,
    /// The operation's parameters.
    pub params: Vec<(String, String)>,
    /// `GET` or `POST`.
    pub method: Method,
    /// Signature scheme.
    pub signature: AlibabaSignature,
    /// Parameter placement.
    pub placement: Placement,
    /// AccessKeyId.
    pub access_key_id: String,
    /// AccessKeySecret.
    pub secret: String,
    /// `Timestamp` / `x-acs-date` (default: now).
    pub timestamp: Option<String>,
    /// `SignatureNonce` / `x-acs-signature-nonce` (default: random).
    pub nonce: Option<String>,
    /// `Format` (absent by default: JSON).
    pub format: Option<String>,
    /// `Version`.
    pub version: String,
}

impl AlibabaCall {
    /// A v1, POST, query-only call of `action` with the default key.
    pub fn new(action: &str) -> Self {
        AlibabaCall {
            action: action.to_owned(),
            params: Vec::new(),
            method: Method::POST,
            signature: AlibabaSignature::V1,
            placement: Placement::Query,
            access_key_id: DEFAULT_ALIBABA_ACCESS_KEY_ID.to_owned(),
            secret: DEFAULT_ALIBABA_ACCESS_KEY_SECRET.to_owned(),
            timestamp: None,
            nonce: None,
            format: None,
            version: cloudvpn_types::alibaba_vpc::API.version.to_owned(),
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.params.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Uses this signature scheme.
    pub fn signature(mut self, signature: AlibabaSignature) -> Self {
        self.signature = signature;
        self
    }

    /// Uses this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// Puts the parameters there.
    pub fn placement(mut self, placement: Placement) -> Self {
        self.placement = placement;
        self
    }

    /// Signs with this key.
    pub fn key(mut self, access_key_id: &str, secret: &str) -> Self {
        self.access_key_id = access_key_id.to_owned();
        self.secret = secret.to_owned();
        self
    }

    /// Sends this timestamp.
    pub fn timestamp(mut self, timestamp: &str) -> Self {
        self.timestamp = Some(timestamp.to_owned());
        self
    }

    /// Sends this nonce.
    pub fn nonce(mut self, nonce: &str) -> Self {
        self.nonce = Some(nonce.to_owned());
        self
    }

    /// Asks for this format (`XML`, `JSON`).
    pub fn format(mut self, format: &str) -> Self {
        self.format = Some(format.to_owned());
        self
    }

    /// The signed HTTP request for an emulator at `host` (`127.0.0.1:PORT`, sent as `Host`).
    pub fn build(&self, host: &str) -> Request<Full<Bytes>> {
        let timestamp = self
            .timestamp
            .clone()
            .unwrap_or_else(|| clock::format_utc(clock::now_secs()));
        let nonce = self.nonce.clone().unwrap_or_else(nonce);
        match self.signature {
            AlibabaSignature::V1 => self.build_v1(host, &timestamp, &nonce),
            AlibabaSignature::V3 => self.build_v3(host, &timestamp, &nonce),
        }
    }

    fn build_v1(&self, host: &str, timestamp: &str, nonce: &str) -> Request<Full<Bytes>> {
        // Borrowed pairs: signing and encoding need no copies of the values.
        let mut common: Vec<(&str, &str)> = Vec::with_capacity(9 + self.params.len());
        common.extend([
            ("Action", self.action.as_str()),
            ("Version", self.version.as_str()),
            ("AccessKeyId", self.access_key_id.as_str()),
            ("SignatureMethod", "HMAC-SHA1"),
            ("SignatureVersion", "1.0"),
            ("SignatureNonce", nonce),
            ("Timestamp", timestamp),
        ]);
        if let Some(f) = &self.format {
            common.push(("Format", f.as_str()));
        }
        let common_len = common.len();
        let mut all = common;
        all.extend(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let signature = alibaba_v1::signature(&self.secret, self.method.as_str(), &all);
        let sig = [("Signature", signature.as_str())];
        let (query, body) = match self.placement {
            Placement::Query => {
                let mut query = encoding::form_urlencode(&all);
                query.push('&');
                query.push_str(&encoding::form_urlencode(&sig));
                (query, String::new())
            }
            Placement::Body => (
                encoding::form_urlencode(&sig),
                encoding::form_urlencode(&all),
            ),
            Placement::Split => {
                let mut query = encoding::form_urlencode(&all[..common_len]);
                query.push('&');
                query.push_str(&encoding::form_urlencode(&sig));
                (query, encoding::form_urlencode(&all[common_len..]))
            }
        };
        request_to(&self.method, host, "/", &query, &[], body)
    }

    fn build_v3(&self, host: &str, timestamp: &str, nonce: &str) -> Request<Full<Bytes>> {
        let mut params = self.params.clone();
        if let Some(f) = &self.format {
            params.push(("Format".into(), f.clone()));
        }
        let (query, body) = match self.placement {
            Placement::Query => (params, Vec::new()),
            Placement::Body | Placement::Split => (Vec::new(), params),
        };
        let body_text = if body.is_empty() {
            String::new()
        } else {
            encoding::form_urlencode(&body)
        };
        let hash = alibaba_v3::payload_hash(body_text.as_bytes());
        let mut headers: Vec<(&str, String)> = vec![
            ("host", host.to_owned()),
            ("x-acs-action", self.action.clone()),
            ("x-acs-version", self.version.clone()),
            ("x-acs-date", timestamp.to_owned()),
            ("x-acs-signature-nonce", nonce.to_owned()),
            ("x-acs-content-sha256", hash.clone()),
        ];
        if !body.is_empty() {
            headers.push(("content-type", FORM.to_owned()));
        }
        let mut canonical = alibaba_v3::CanonicalRequest::new(self.method.as_str(), "/")
            .query_params(&query)
            .hashed_payload(&hash);
        for (name, value) in &headers {
            canonical.push_header(name, value);
        }
        let authorization = alibaba_v3::authorize(&self.access_key_id, &self.secret, &canonical);
        headers.push(("authorization", authorization));
        request_to(
            &self.method,
            host,
            "/",
            &encoding::form_urlencode(&query),
            &headers,
            body_text,
        )
    }
}

const FORM: &str = "application/x-www-form-urlencoded";

/// A request with `query` and a form `body` (`""`: none).
fn request_to(
    method: &Method,
    host: &str,
    path: &str,
    query: &str,
    headers: &[(&str, String)],
    body: String,
) -> Request<Full<Bytes>> {
    let uri = if query.is_empty() {
        path.to_owned()
    } else {
        let mut uri = String::with_capacity(path.len() + 1 + query.len());
        uri.push_str(path);
        uri.push('?');
        uri.push_str(query);
        uri
    };
    let has_body = !body.is_empty();
    let mut builder = Request::builder().method(method.clone()).uri(uri);
    if !headers.iter().any(|(n, _)| *n == "host") {
        builder = builder.header("host", host);
    }
    for (name, value) in headers {
        builder = builder.header(*name, value.as_str());
    }
    if has_body && !headers.iter().any(|(n, _)| *n == "content-type") {
        builder = builder.header("content-type", FORM);
    }
    builder
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
}

/// A Tencent v2 call to build.
#[derive(Debug, Clone)]
pub struct TencentCall {
    /// `Action`.
    pub action: String,
    /// The operation's parameters.
    pub params: Vec<(String, String)>,
    /// `GET` (the SDK's default) or `POST` (form body).
    pub method: Method,
    /// `SignatureMethod`: `HmacSHA1` or `HmacSHA256`.
    pub signature_method: String,
    /// SecretId.
    pub secret_id: String,
    /// SecretKey.
    pub secret_key: String,
    /// `Timestamp` (default: now).
    pub timestamp: Option<String>,
    /// `Nonce` (default: random).
    pub nonce: Option<String>,
    /// `Region`, if sent.
    pub region: Option<String>,
}

impl TencentCall {
    /// A GET, HmacSHA1 call of `action` with the default key and no region.
    pub fn new(action: &str) -> Self {
        TencentCall {
            action: action.to_owned(),
            params: Vec::new(),
            method: Method::GET,
            signature_method: "HmacSHA1".to_owned(),
            secret_id: DEFAULT_TENCENT_SECRET_ID.to_owned(),
            secret_key: DEFAULT_TENCENT_SECRET_KEY.to_owned(),
            timestamp: None,
            nonce: None,
            region: None,
        }
    }

    /// Adds a parameter.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.params.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Uses this method.
    pub fn method(mut self, method: Method) -> Self {
        self.method = method;
        self
    }

    /// `HmacSHA1` or `HmacSHA256`.
    pub fn signature_method(mut self, name: &str) -> Self {
        self.signature_method = name.to_owned();
        self
    }

    /// Signs with this key.
    pub fn key(mut self, secret_id: &str, secret_key: &str) -> Self {
        self.secret_id = secret_id.to_owned();
        self.secret_key = secret_key.to_owned();
        self
    }

    /// Sends this timestamp.
    pub fn timestamp(mut self, timestamp: &str) -> Self {
        self.timestamp = Some(timestamp.to_owned());
        self
    }

    /// Sends this nonce.
    pub fn nonce(mut self, nonce: &str) -> Self {
        self.nonce = Some(nonce.to_owned());
        self
    }

    /// Sends this region.
    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(region.to_owned());
        self
    }

    /// The signed HTTP request for an emulator at `host`.
    pub fn build(&self, host: &str) -> Request<Full<Bytes>> {
        let mut params = self.params.clone();
        params.push(("Action".into(), self.action.clone()));
        params.push(("RequestClient".into(), "cloudvpn-emulator".into()));
        if let Some(r) = &self.region {
            params.push(("Region".into(), r.clone()));
        }
        params.push(("SecretId".into(), self.secret_id.clone()));
        params.push((
            "Nonce".into(),
            self.nonce
                .clone()
                .unwrap_or_else(|| fastrand::u64(1..i64::MAX as u64).to_string()),
        ));
        params.push((
            "Timestamp".into(),
            self.timestamp
                .clone()
                .unwrap_or_else(|| clock::now_secs().to_string()),
        ));
        params.push(("SignatureMethod".into(), self.signature_method.clone()));
        let signature = tencent_v2::signature(
            &self.secret_key,
            self.method.as_str(),
            host,
            crate::tencent::PATH,
            &params,
        );
        params.push(("Signature".into(), signature));
        let encoded = encoding::form_urlencode(&params);
        if self.method == Method::GET {
            request_to(
                &self.method,
                host,
                crate::tencent::PATH,
                &encoded,
                &[],
                String::new(),
            )
        } else {
            request_to(&self.method, host, crate::tencent::PATH, "", &[], encoded)
        }
    }
}
