//! The intermediate model: every naming and typing decision, made once, before any tokens exist.
//!
//! Lowering the spec model here keeps `emit` a plain printer and lets tests look at decisions (a field's
//! Rust name, a struct's name, which spellings map to a variant) without reading generated text.

use cloudvpn_spec::{Scalar, snake_case};

mod completion;
mod lower;
mod params;
mod response;

pub use lower::lower_api;

/// One API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiIr {
    /// Rust module (`alibaba_vpc`).
    pub module: String,
    /// The unit struct implementing `Api` (`AlibabaVpc`): the module's words.
    pub type_name: String,
    /// The spec file, relative to the workspace.
    pub spec_file: String,
    /// `alibaba` / `tencent`.
    pub provider: &'static str,
    /// `vpc`.
    pub service: String,
    /// Version on the wire.
    pub version: String,
    /// `AlibabaRpc` / `TencentV2` / `TencentApi3`.
    pub protocol: &'static str,
    /// The index of a list's first element on the wire (`Name.N`): 1 for Alibaba, 0 for Tencent.
    pub first_list_index: usize,
    /// Human title.
    pub title: String,
    /// The SDK client type (`VpcClient`), in the provider's module of the runtime.
    pub client: String,
    /// The command-line group (`alibaba`, `tencent-v2`).
    pub command: String,
    /// Endpoint scheme.
    pub scheme: String,
    /// Endpoint path.
    pub path: String,
    /// Host pattern.
    pub default_host: String,
    /// Central host.
    pub central_host: Option<String>,
    /// Regions of the central host.
    pub central_regions: Vec<String>,
    /// Default signing scheme variant name.
    pub default_signing: &'static str,
    /// Supported signing scheme variant names.
    pub signing: Vec<&'static str>,
    /// Timestamp window.
    pub timestamp_window_seconds: u64,
    /// `Http` / `Envelope`.
    pub error_status: &'static str,
    /// Errors shared by every operation: the protocol's (see `protocol_errors`), then the API's own.
    pub common_errors: Vec<ErrorIr>,
    /// The protocol's errors file the API includes, generated once for all its APIs.
    pub protocol_errors: Option<ProtocolErrorsIr>,
    /// Region ids the documents name.
    pub regions: Vec<String>,
    /// Operations, sorted by action.
    pub operations: Vec<OpIr>,
}

/// A protocol's errors file: generated once, as `crate::protocols::<module>`, for every API including it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtocolErrorsIr {
    /// Rust module (`alibaba_rpc`).
    pub module: String,
    /// Human title.
    pub title: String,
    /// The spec file, relative to the workspace.
    pub spec_file: String,
    /// The errors, in file order (the first `errors.len()` of the including API's `common_errors`).
    pub errors: Vec<ErrorIr>,
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
pub struct OpIr {
    /// `DeleteVpnGateway`.
    pub action: String,
    /// Rust module (`delete_vpn_gateway`).
    pub module: String,
    /// The spec file, relative to the workspace.
    pub spec_file: String,
    /// Summary for doc comments (English first).
    pub doc: String,
    /// One-line summary for metadata.
    pub summary: String,
    /// `Get` / `Post`, first is the default.
    pub methods: Vec<&'static str>,
    /// The idempotency token parameter: (wire name, field).
    pub idempotency_token: Option<(String, String)>,
    /// Only reads.
    pub read_only: bool,
    /// The documented requests per second.
    pub rate_limit: Option<u32>,
    /// Sent unsigned (`auth: anonymous`).
    pub anonymous: bool,
    /// Request parameters.
    pub params: Vec<ParamIr>,
    /// The structs of object parameters (and of the object elements of list parameters), depth first.
    pub request_structs: Vec<RequestStructIr>,
    /// Response structs; the first is the root.
    pub structs: Vec<StructIr>,
    /// The operation's own documented errors.
    pub own_errors: Vec<ErrorIr>,
    /// Every variant of the error enum: own errors, then common errors the operation does not redefine.
    pub variants: Vec<ErrorIr>,
    /// Completion recipe.
    pub completion: Option<CompletionIr>,
    /// Paging of a list operation.
    pub pagination: Option<PaginationIr>,
}

/// How a list operation pages.
#[derive(Debug, Clone, PartialEq)]
pub struct PaginationIr {
    /// `PageNumber` / `Offset`.
    pub style: &'static str,
    /// The page parameter's wire name.
    pub page: String,
    /// The page-size parameter's wire name.
    pub size: String,
    /// Path to the items.
    pub items: Vec<String>,
    /// The total's wire name.
    pub total: String,
}

impl OpIr {
    /// `DeleteVpnGatewayRequest` (`AssumeRoleWithOidcRequest`: type names follow the words of the action,
    /// like every other name, not its wire spelling).
    pub fn request_name(&self) -> String {
        format!("{}Request", cloudvpn_spec::pascal_case(&self.action))
    }
    /// `DeleteVpnGatewayResponse`.
    pub fn response_name(&self) -> String {
        format!("{}Response", cloudvpn_spec::pascal_case(&self.action))
    }
    /// `DeleteVpnGatewayError`.
    pub fn error_name(&self) -> String {
        format!("{}Error", cloudvpn_spec::pascal_case(&self.action))
    }
}

/// Scalar parameter types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarIr {
    /// `String`.
    String,
    /// `i64`.
    Integer,
    /// `bool`.
    Boolean,
}

/// A request parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamIr {
    /// Wire name.
    pub wire: String,
    /// Rust field.
    pub field: String,
    /// Type.
    pub ty: ParamTypeIr,
    /// Required.
    pub required: bool,
    /// Region parameter.
    pub region: bool,
    /// Example.
    pub example: Option<String>,
    /// Doc comment.
    pub doc: String,
    /// The `--help` line: the spec's `hint`, else the description's first paragraph.
    pub help: String,
    /// Constraints (of a list: the number of elements).
    pub constraints: ConstraintsIr,
    /// A secret: the generated `Debug` prints `cloudvpn_types::sensitive::REDACTED` in its place.
    pub sensitive: bool,
}

impl ParamIr {
    /// The scalar type, for a scalar parameter.
    pub fn scalar(&self) -> Option<ScalarIr> {
        match self.ty {
            ParamTypeIr::Scalar(s) => Some(s),
            _ => None,
        }
    }
}

/// The type of a request parameter, a list element or an object member.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamTypeIr {
    /// `String`, `i64`, `bool`.
    Scalar(ScalarIr),
    /// `Vec<element>`: the element is described like a parameter (named as the list, always required, with
    /// its own constraints).
    List(Box<ParamIr>),
    /// A generated struct (one of [`OpIr::request_structs`]) with these members.
    Struct {
        /// The struct.
        name: String,
        /// Its members.
        members: Vec<ParamIr>,
    },
}

/// The struct of an object parameter (`FilterObject`).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestStructIr {
    /// Rust name.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Its members, as parameters.
    pub members: Vec<ParamIr>,
}

/// Constraints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConstraintsIr {
    /// Minimum length.
    pub min_length: Option<u32>,
    /// Maximum length.
    pub max_length: Option<u32>,
    /// ASCII only.
    pub ascii: bool,
    /// Allowed values.
    pub allowed: Vec<String>,
    /// Minimum.
    pub minimum: Option<i64>,
    /// Maximum.
    pub maximum: Option<i64>,
    /// Fewest list elements.
    pub min_items: Option<u32>,
    /// Most list elements.
    pub max_items: Option<u32>,
}

impl ConstraintsIr {
    /// Whether any constraint is set (the generated `validate` checks only those fields).
    pub fn is_empty(&self) -> bool {
        *self == ConstraintsIr::default()
    }
}

/// A response struct.
#[derive(Debug, Clone, PartialEq)]
pub struct StructIr {
    /// Rust name.
    pub name: String,
    /// Doc comment.
    pub doc: String,
    /// Fields.
    pub fields: Vec<FieldIr>,
}

/// A response field.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldIr {
    /// Wire name.
    pub wire: String,
    /// Rust field.
    pub field: String,
    /// Doc comment.
    pub doc: String,
    /// Present in every response.
    pub required: bool,
    /// Type.
    pub ty: TypeIr,
    /// A secret: the generated `Debug` prints `cloudvpn_types::sensitive::REDACTED` in its place.
    pub sensitive: bool,
}

/// A response field type.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeIr {
    /// Scalar.
    Scalar(ScalarIr),
    /// A generated struct.
    Struct(String),
    /// A list.
    List(Box<TypeIr>),
}

/// One error code (with its other spellings).
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorIr {
    /// The code as documented.
    pub code: String,
    /// Variant name.
    pub variant: String,
    /// Other spellings.
    pub also_spelled: Vec<String>,
    /// HTTP statuses.
    pub statuses: Vec<u16>,
    /// Message.
    pub message: String,
    /// Description (English first).
    pub description: String,
    /// What a user is told.
    pub hint: String,
    /// Retryable.
    pub retryable: bool,
    /// Throttling.
    pub throttling: bool,
    /// Not found.
    pub not_found: bool,
    /// Tencent v2 integer code.
    pub envelope_code: Option<i64>,
    /// Tencent v2: the `codeDesc` answered with the integer code.
    pub code_desc: Option<String>,
}

impl ErrorIr {
    /// `is_forbidden_sub_user`. A variant whose predicate would shadow one of the classification methods
    /// every error enum has (`is_throttling` for the `Throttling` code) gets `_code` appended.
    pub fn predicate(&self) -> String {
        let name = format!("is_{}", snake_case(&self.variant));
        if CLASSIFICATION_METHODS.contains(&name.as_str()) {
            format!("{name}_code")
        } else {
            name
        }
    }
}

/// Methods of every generated error enum that classify by meaning rather than by variant.
pub const CLASSIFICATION_METHODS: &[&str] = &["is_retryable", "is_throttling", "is_not_found"];

/// How completion is observed.
#[derive(Debug, Clone, PartialEq)]
pub struct CompletionIr {
    /// Documented as asynchronous.
    pub asynchronous: bool,
    /// How completion shows.
    pub description: String,
    /// What a user is told about waiting.
    pub hint: String,
    /// The polled action.
    pub poll_action: String,
    /// Every field of the poll request, with where its value comes from.
    pub poll_fields: Vec<(String, PollValue)>,
    /// Acceptors.
    pub acceptors: Vec<AcceptorIr>,
    /// The recipe polled once an acceptor says `Fallback`.
    pub fallback: Option<PollIr>,
}

/// A polling recipe: the polled action, how its request is filled, its acceptors.
#[derive(Debug, Clone, PartialEq)]
pub struct PollIr {
    /// The polled action.
    pub action: String,
    /// Every field of the poll request, with where its value comes from.
    pub fields: Vec<(String, PollValue)>,
    /// Acceptors.
    pub acceptors: Vec<AcceptorIr>,
}

/// Where a poll-request field's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum PollValue {
    /// A field of the request; `wrap` when the poll field is optional and the source required.
    Request {
        /// Request field.
        field: String,
        /// Wrap in `Some`.
        wrap: bool,
        /// The source is optional (copied as is).
        optional: bool,
        /// Scalar type (strings are cloned).
        kind: ScalarIr,
        /// The poll field is a list: the value is its one element.
        into_list: bool,
    },
    /// A path of Rust fields into the response (all required).
    Response {
        /// Rust field names from the root.
        fields: Vec<String>,
        /// Wrap in `Some`.
        wrap: bool,
        /// Scalar type.
        kind: ScalarIr,
        /// The poll field is a list: the value is its one element.
        into_list: bool,
    },
    /// Not mapped: the poll field is optional and left `None` (an empty list for a list).
    Unset {
        /// The poll field is a list.
        list: bool,
    },
}

/// An acceptor.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptorIr {
    /// `Success` / `Failure` / `Retry` / `Fallback`.
    pub state: &'static str,
    /// The matcher.
    pub matcher: MatcherIr,
}

/// A matcher.
#[derive(Debug, Clone, PartialEq)]
pub enum MatcherIr {
    /// Any success.
    Success,
    /// Any not-found error.
    NotFound,
    /// An error code.
    ErrorCode(String),
    /// A response path equal to a literal.
    PathEquals(Vec<String>, Scalar),
    /// A response list that is empty or absent.
    Empty(Vec<String>),
}
