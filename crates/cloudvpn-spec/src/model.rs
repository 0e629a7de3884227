//! The serde types of a spec file, exactly as written in YAML.
//!
//! Every struct denies unknown keys, so a misspelt key is an error with its line and column instead of a
//! silently ignored fact. The meaning of each key is documented in `specs/README.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// `api.yaml`: what all operations of one API share.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiFile {
    /// The cloud.
    pub provider: Provider,
    /// The product's endpoint prefix, e.g. `vpc`.
    pub service: String,
    /// The API version sent on the wire.
    pub version: String,
    /// The wire protocol.
    pub protocol: Protocol,
    /// A human title.
    pub title: String,
    /// What users call the API: its SDK client and its command-line group.
    pub names: ApiNames,
    /// Sources shared by every operation of the API.
    pub sources: BTreeMap<String, Source>,
    /// How to reach the API.
    pub endpoint: Endpoint,
    /// How requests are signed.
    pub signing: Signing,
    /// How errors are reported.
    pub error_status: ErrorStatus,
    /// Parameters the runtime adds to every call (documentation).
    #[serde(default)]
    pub common_parameters: Vec<CommonParameter>,
    /// Errors any operation of the API may answer.
    #[serde(default)]
    pub common_errors: Vec<ErrorSpec>,
    /// Region ids the documents name (what the command line offers to complete).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Regions>,
}

/// The names users see for an API.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ApiNames {
    /// The SDK's client type, in the module of the API's provider (`VpcClient` →
    /// `cloudvpn::alibaba::VpcClient`); unique per provider.
    pub client: String,
    /// The command-line subcommand group (`cloudvpn alibaba <operation>`); unique.
    pub command: String,
}

/// Region ids known from the documents.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    /// The ids, as sent on the wire.
    pub ids: Vec<String>,
    /// Where they are listed.
    pub source: String,
}

/// Endpoint rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// `https` for every real endpoint.
    pub scheme: String,
    /// The request path, `/` or `/v2/index.php`.
    pub path: String,
    /// The host pattern; `{region}` is replaced by the region id.
    pub default: String,
    /// The host used by the regions in `central_regions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub central: Option<String>,
    /// Regions served by `central`.
    #[serde(default)]
    pub central_regions: Vec<String>,
    /// Remarks on the rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the rules come from.
    pub source: String,
}

/// Signing rules.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signing {
    /// The scheme the official SDK uses by default.
    pub default: SigningScheme,
    /// Every scheme the service accepts.
    pub supported: Vec<SigningScheme>,
    /// How far a request's timestamp may be from the server's clock.
    pub timestamp_window_seconds: u64,
    /// Remarks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Where the rules come from.
    pub source: String,
}

/// A common request parameter (documentation only: the runtime adds these).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CommonParameter {
    /// Wire name.
    pub name: String,
    /// What it means.
    pub description: Text,
    /// Where it is documented.
    pub source: String,
}

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

/// A usage note.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// The note.
    pub text: Text,
    /// Where it is written.
    pub source: String,
}

/// The type of a parameter or response field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldType {
    /// Text.
    String,
    /// A 64-bit signed integer.
    Integer,
    /// `true` / `false`.
    Boolean,
    /// A nested object with `fields`.
    Object,
    /// A list with `items`.
    List,
}

impl FieldType {
    /// Whether this is a scalar type (allowed for request parameters).
    pub fn is_scalar(self) -> bool {
        matches!(
            self,
            FieldType::String | FieldType::Integer | FieldType::Boolean
        )
    }
}

/// Documented constraints on a parameter's value.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Constraints {
    /// Minimum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Maximum length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Only ASCII characters.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ascii: bool,
    /// The allowed values.
    #[serde(default, rename = "enum", skip_serializing_if = "Vec::is_empty")]
    pub allowed: Vec<String>,
    /// Smallest allowed integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<i64>,
    /// Largest allowed integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<i64>,
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    /// Wire name.
    pub name: String,
    /// Scalar type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the caller must give it.
    pub required: bool,
    /// Whether it is the region parameter.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub region: bool,
    /// The document's example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Scalar>,
    /// The document's description, with the maintainers' remarks on it.
    pub description: Text,
    /// The `--help` line, in English, when the description is not fit to show a user as it is (it carries
    /// remarks on sources, or is too long). Without it the help shows the description's first paragraph.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// Where it is documented.
    pub source: String,
    /// Value constraints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<Constraints>,
    /// Override of the Rust field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
}

/// A response field, possibly nested.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Whether the document guarantees the field is present.
    pub required: bool,
    /// The document's example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Scalar>,
    /// The document's description.
    pub description: Text,
    /// Where it is documented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Fields of an object.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Element type of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Box<Items>>,
    /// Name of the generated struct of an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    /// Override of the Rust field name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
}

/// The element type of a list.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Items {
    /// Element type.
    #[serde(rename = "type")]
    pub ty: FieldType,
    /// Fields of object elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    /// Name of the generated struct of object elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_type: Option<String>,
    /// Remarks on the elements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
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
    /// Where it is documented.
    pub source: String,
}

/// How completion of an operation is observed.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Completion {
    /// Whether the document calls the operation asynchronous.
    pub asynchronous: bool,
    /// How completion shows, and where that is documented (for maintainers).
    pub description: Text,
    /// What a user is told about waiting: what `--wait` watches, in English, without provenance.
    pub hint: String,
    /// Where it is documented.
    pub source: String,
    /// The polling recipe.
    pub poll: Poll,
}

/// How a list operation pages: which parameters choose the page, where the items and the total are.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// `page_number` (pages counted from 1) or `offset` (items skipped, from 0).
    pub style: PaginationStyle,
    /// The integer parameter choosing the page: `PageNumber`, or the offset (`offset`).
    pub page: String,
    /// The integer parameter with the page size (`PageSize`, `limit`); its `maximum` is used when paging.
    pub size: String,
    /// Dotted path of wire names to the list of items in the response (`VpnGateways.VpnGateway`).
    pub items: String,
    /// The response field with the total number of items (`TotalCount`).
    pub total: String,
    /// Where this is documented.
    pub source: String,
}

/// How pages are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaginationStyle {
    /// `page` is a page number counted from 1.
    PageNumber,
    /// `page` is the number of items to skip, from 0.
    Offset,
}

/// The operation to poll, its input, and how to read its answers.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Poll {
    /// Action of the operation to poll (same API).
    pub operation: String,
    /// Poll parameter -> `request.<Param>` or `response.<path>`.
    pub input: BTreeMap<String, String>,
    /// First match wins; no match means poll again.
    pub acceptors: Vec<Acceptor>,
}

/// What a poll result means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AcceptorState {
    /// The operation has completed.
    Success,
    /// The operation has failed.
    Failure,
    /// Poll again.
    Retry,
}

/// One acceptor: exactly one of `success`, `error`, `path`+`equals`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Acceptor {
    /// The resulting state.
    pub state: AcceptorState,
    /// Matches any successful poll.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// `not_found` (any not-found error) or an error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// A dotted path into the poll's response (wire names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value at `path` that matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<Scalar>,
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
