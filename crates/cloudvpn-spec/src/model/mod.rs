//! The serde types of a spec file, exactly as written in YAML.
//!
//! Every struct denies unknown keys, so a misspelt key is an error with its line and column instead of a
//! silently ignored fact. The meaning of each key is documented in `specs/README.md`.

use serde::{Deserialize, Serialize};

mod api;
mod completion;
mod operation;
mod shape;
mod strict;

pub use api::*;
pub use completion::*;
pub use operation::*;
pub use shape::*;

/// Which cloud an API belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provider {
    /// Alibaba Cloud.
    Alibaba,
    /// Tencent Cloud.
    Tencent,
}

/// The wire protocol an API speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// Alibaba RPC style: flat parameters in the query (and form body), JSON or XML answers.
    AlibabaRpc,
    /// Tencent Cloud API v2 (`/v2/index.php`): flat parameters, `{code, message, codeDesc, data}` answers.
    TencentV2,
    /// Tencent Cloud API 3.0 (`/`): a JSON body (TC3 POST) or flattened parameters (GET, form), answers in a
    /// `{"Response": {...}}` envelope with errors in `Response.Error`.
    TencentApi3,
}

/// A request-signing scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SigningScheme {
    /// Alibaba V3 `ACS3-HMAC-SHA256` in the `Authorization` header.
    Acs3HmacSha256,
    /// Alibaba RPC signature v1, HMAC-SHA1 in the `Signature` query parameter.
    HmacSha1Rpc,
    /// Tencent v2 with `SignatureMethod=HmacSHA1`.
    TencentV2HmacSha1,
    /// Tencent v2 with `SignatureMethod=HmacSHA256`.
    TencentV2HmacSha256,
    /// Tencent API 3.0 `TC3-HMAC-SHA256` in the `Authorization` header.
    Tc3HmacSha256,
    /// Tencent API 3.0 old-style form signature with `SignatureMethod=HmacSHA256`.
    TencentApi3HmacSha256,
    /// Tencent API 3.0 old-style form signature with `SignatureMethod=HmacSHA1`.
    TencentApi3HmacSha1,
}

/// How an API reports an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ErrorStatus {
    /// Every error comes with a 4xx/5xx HTTP status, so every documented error must name its status.
    Http,
    /// Errors arrive in an HTTP 200 envelope; documented errors carry no status.
    Envelope,
}

/// HTTP methods an operation accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum HttpMethod {
    /// `GET`
    #[serde(rename = "GET")]
    Get,
    /// `POST`
    #[serde(rename = "POST")]
    Post,
}

/// Text in the document's language, with English beside it when the document is not English.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Chinese, as the document says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zh: Option<String>,
    /// English: the document's own words, or a translation beside a Chinese text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en: Option<String>,
}

impl Text {
    /// The text for a Rust doc comment: English first, the original Chinese after it.
    pub fn for_docs(&self) -> String {
        match (&self.en, &self.zh) {
            (Some(en), Some(zh)) => format!("{}\n\n{}", en.trim(), zh.trim()),
            (Some(en), None) => en.trim().to_owned(),
            (None, Some(zh)) => zh.trim().to_owned(),
            (None, None) => String::new(),
        }
    }

    /// The English text if there is one, else the original.
    pub fn preferred(&self) -> &str {
        self.en
            .as_deref()
            .or(self.zh.as_deref())
            .unwrap_or("")
            .trim()
    }
}

/// A YAML scalar as written: an example value or a literal to compare with.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` / `false`
    Bool(bool),
    /// An integer.
    Int(i64),
    /// Anything else, as text.
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

/// Where a fact was read.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// What the document is.
    pub title: String,
    /// The document, relative to the reference shelf (`docs/seeds/…`, `reference/…`).
    pub document: String,
    /// The document's language (`zh`, `en`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The public address of the document, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
