//! `<Action>.yaml`: one operation, its errors, examples and the disagreements between its documents.

use super::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `<Action>.yaml`: one operation.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFile {
    /// The `Action` value.
    pub action: String,
    /// What the operation does.
    pub summary: Text,
    /// Sources only this operation cites.
    #[serde(default)]
    pub sources: BTreeMap<String, Source>,
    /// HTTP methods accepted; the first is what the SDK sends.
    pub methods: Vec<HttpMethod>,
    /// Where the action, methods and summary come from.
    pub source: String,
    /// The parameter that makes retries safe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_token: Option<String>,
    /// The operation only reads: repeating it after a lost answer is safe.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub read_only: bool,
    /// The documented request-rate limit of the operation, per account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimit>,
    /// How a call proves who makes it: `signed` (the default) or `anonymous` (no key, no signature: the
    /// request carries its own proof, as an OIDC token does).
    #[serde(default, skip_serializing_if = "OperationAuth::is_signed")]
    pub auth: OperationAuth,
    /// Where an `auth: anonymous` is documented (required with it, refused without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_source: Option<String>,
    /// Usage notes.
    #[serde(default)]
    pub notes: Vec<Note>,
    /// Request parameters (without the common ones).
    #[serde(default)]
    pub parameters: Vec<Parameter>,
    /// Fields of a successful response body.
    #[serde(default)]
    pub response: Vec<Field>,
    /// Documented errors.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// How to observe completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completion: Option<Completion>,
    /// How a list operation pages through its results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Examples, verbatim.
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Where documents disagree.
    #[serde(default)]
    pub discrepancies: Vec<Discrepancy>,
}

/// A documented request-rate limit (`rate_limit: {per_second: 20, source: ...}`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Requests per second (at least 1).
    pub per_second: u32,
    /// Where the limit is written.
    pub source: String,
}

/// How a call of an operation proves who makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationAuth {
    /// Signed with an access key, as every call of the API's protocol.
    #[default]
    Signed,
    /// Sent without a key or signature (the official libraries send it so).
    Anonymous,
}

impl OperationAuth {
    /// Whether this is the default, [`OperationAuth::Signed`].
    pub fn is_signed(&self) -> bool {
        *self == OperationAuth::Signed
    }
}

/// A usage note.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The note.
    pub text: Text,
    /// Where it is written.
    pub source: String,
}

/// A documented error.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// The error code as this document spells it.
    pub code: String,
    /// Rust variant name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// Other spellings of the same error in other documents.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_spelled: Vec<String>,
    /// HTTP statuses the error is documented with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Vec<u16>>,
    /// The documented message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The documented description, with the maintainers' remarks on where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// What a user is told: what the error means and what to do next, in English, without provenance.
    pub hint: String,
    /// Whether retrying the same call may succeed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retryable: bool,
    /// Whether it signals rate limiting.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub throttling: bool,
    /// Whether it means the resource does not exist.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_found: bool,
    /// Tencent v2: the integer `code` that comes with this `codeDesc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub envelope_code: Option<i64>,
    /// Tencent v2 common errors: the `codeDesc` the envelope carries with the integer `code` (`AuthFailure`
    /// for 4100). Absent where no document names it.
    #[serde(
        default,
        deserialize_with = "strict::some_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub code_desc: Option<String>,
    /// Where it is documented.
    pub source: String,
}

/// What an example shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExampleKind {
    /// A request.
    Request,
    /// A JSON success body.
    ResponseJson,
    /// An XML success body.
    ResponseXml,
    /// An error body.
    Error,
}

/// A verbatim example.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The document's heading for it.
    pub title: String,
    /// What it shows.
    pub kind: ExampleKind,
    /// Where it is.
    pub source: String,
    /// The example, verbatim.
    pub body: String,
}

/// A disagreement between documents, or between an example and its table.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Discrepancy {
    /// What it is about.
    pub topic: String,
    /// The documents involved.
    pub sources: Vec<String>,
    /// Both readings, and which one the code follows.
    pub detail: String,
}
