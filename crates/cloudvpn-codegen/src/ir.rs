//! The intermediate model: every naming and typing decision, made once, before any tokens exist.
//!
//! Lowering the spec model here keeps `emit` a plain printer and lets tests look at decisions (a field's
//! Rust name, a struct's name, which spellings map to a variant) without reading generated text.

use cloudvpn_spec::{
    Acceptor, AcceptorState, Api, ErrorSpec, Field, FieldType, Operation, Scalar, Text,
    pascal_case, snake_case,
};
use std::collections::BTreeSet;

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
    /// `AlibabaRpc` / `TencentV2`.
    pub protocol: &'static str,
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
    /// Errors shared by every operation.
    pub common_errors: Vec<ErrorIr>,
    /// Region ids the documents name.
    pub regions: Vec<String>,
    /// Operations, sorted by action.
    pub operations: Vec<OpIr>,
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
    /// Request parameters.
    pub params: Vec<ParamIr>,
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
    /// `DeleteVpnGatewayRequest`.
    pub fn request_name(&self) -> String {
        format!("{}Request", self.action)
    }
    /// `DeleteVpnGatewayResponse`.
    pub fn response_name(&self) -> String {
        format!("{}Response", self.action)
    }
    /// `DeleteVpnGatewayError`.
    pub fn error_name(&self) -> String {
        format!("{}Error", self.action)
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
    pub kind: ScalarIr,
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
    /// Constraints as (min_length, max_length, ascii, allowed, minimum, maximum).
    pub constraints: ConstraintsIr,
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
    },
    /// A path of Rust fields into the response (all required).
    Response {
        /// Rust field names from the root.
        fields: Vec<String>,
        /// Wrap in `Some`.
        wrap: bool,
        /// Scalar type.
        kind: ScalarIr,
    },
    /// Not mapped: the poll field is optional and left `None`.
    Unset,
}

/// An acceptor.
#[derive(Debug, Clone, PartialEq)]
pub struct AcceptorIr {
    /// `Success` / `Failure` / `Retry`.
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
}

/// Lowers one API. The spec set has been validated, so references resolve.
pub fn lower_api(api: &Api, spec_path: &dyn Fn(&std::path::Path) -> String) -> ApiIr {
    let f = &api.file;
    let common_errors: Vec<ErrorIr> = f.common_errors.iter().map(lower_error).collect();
    let operations = api
        .operations
        .iter()
        .map(|op| lower_operation(api, op, &common_errors, spec_path))
        .collect();
    let module = api.module_name();
    ApiIr {
        type_name: pascal_case(&module),
        module,
        spec_file: spec_path(&api.dir.join("api.yaml")),
        provider: match f.provider {
            cloudvpn_spec::Provider::Alibaba => "Alibaba",
            cloudvpn_spec::Provider::Tencent => "Tencent",
        },
        service: f.service.clone(),
        version: f.version.clone(),
        protocol: match f.protocol {
            cloudvpn_spec::Protocol::AlibabaRpc => "AlibabaRpc",
            cloudvpn_spec::Protocol::TencentV2 => "TencentV2",
        },
        title: f.title.clone(),
        client: f.names.client.clone(),
        command: f.names.command.clone(),
        scheme: f.endpoint.scheme.clone(),
        path: f.endpoint.path.clone(),
        default_host: f.endpoint.default.clone(),
        central_host: f.endpoint.central.clone(),
        central_regions: f.endpoint.central_regions.clone(),
        default_signing: signing_name(f.signing.default),
        signing: f
            .signing
            .supported
            .iter()
            .map(|s| signing_name(*s))
            .collect(),
        timestamp_window_seconds: f.signing.timestamp_window_seconds,
        error_status: match f.error_status {
            cloudvpn_spec::ErrorStatus::Http => "Http",
            cloudvpn_spec::ErrorStatus::Envelope => "Envelope",
        },
        common_errors,
        regions: f
            .regions
            .as_ref()
            .map(|r| r.ids.clone())
            .unwrap_or_default(),
        operations,
    }
}

fn signing_name(s: cloudvpn_spec::SigningScheme) -> &'static str {
    use cloudvpn_spec::SigningScheme::*;
    match s {
        Acs3HmacSha256 => "Acs3HmacSha256",
        HmacSha1Rpc => "HmacSha1Rpc",
        TencentV2HmacSha1 => "TencentV2HmacSha1",
        TencentV2HmacSha256 => "TencentV2HmacSha256",
    }
}

fn lower_operation(
    api: &Api,
    op: &Operation,
    common: &[ErrorIr],
    spec_path: &dyn Fn(&std::path::Path) -> String,
) -> OpIr {
    let s = &op.spec;
    let params: Vec<ParamIr> = s.parameters.iter().map(lower_param).collect();
    let mut structs = Vec::new();
    let root = format!("{}Response", s.action);
    lower_struct(
        &root,
        &format!("The successful response of `{}`.", s.action),
        &s.response,
        &s.action,
        &mut structs,
    );
    let own_errors: Vec<ErrorIr> = s.errors.iter().map(lower_error).collect();
    let mut variants = own_errors.clone();
    let mut taken: BTreeSet<String> = variants.iter().map(|v| v.variant.clone()).collect();
    for c in common {
        let spelled_by_op = own_errors.iter().any(|o| {
            std::iter::once(&o.code)
                .chain(&o.also_spelled)
                .any(|code| code == &c.code || c.also_spelled.contains(code))
        });
        if !spelled_by_op && taken.insert(c.variant.clone()) {
            variants.push(c.clone());
        }
    }
    let idempotency_token = s.idempotency_token.as_ref().map(|t| {
        let field = params
            .iter()
            .find(|p| &p.wire == t)
            .map(|p| p.field.clone())
            .unwrap_or_else(|| snake_case(t));
        (t.clone(), field)
    });
    let completion = s.completion.as_ref().and_then(|c| {
        let poll = api.operation(&c.poll.operation)?;
        Some(CompletionIr {
            asynchronous: c.asynchronous,
            description: c.description.for_docs(),
            hint: c.hint.trim().to_owned(),
            poll_action: poll.spec.action.clone(),
            poll_fields: poll
                .spec
                .parameters
                .iter()
                .map(|target| {
                    let field = rust_field(&target.name, &target.rust_name);
                    let value = match c.poll.input.get(&target.name) {
                        None => PollValue::Unset,
                        Some(src) => poll_value(src, target, s),
                    };
                    (field, value)
                })
                .collect(),
            acceptors: c.poll.acceptors.iter().map(lower_acceptor).collect(),
        })
    });
    OpIr {
        action: s.action.clone(),
        module: snake_case(&s.action),
        spec_file: spec_path(&op.path),
        doc: s.summary.for_docs(),
        summary: s.summary.preferred().to_owned(),
        methods: s
            .methods
            .iter()
            .map(|m| match m {
                cloudvpn_spec::HttpMethod::Get => "Get",
                cloudvpn_spec::HttpMethod::Post => "Post",
            })
            .collect(),
        idempotency_token,
        read_only: s.read_only,
        params,
        structs,
        own_errors,
        variants,
        completion,
        pagination: s.pagination.as_ref().map(|p| PaginationIr {
            style: match p.style {
                cloudvpn_spec::PaginationStyle::PageNumber => "PageNumber",
                cloudvpn_spec::PaginationStyle::Offset => "Offset",
            },
            page: p.page.clone(),
            size: p.size.clone(),
            items: p.items.split('.').map(str::to_owned).collect(),
            total: p.total.clone(),
        }),
    }
}

fn poll_value(
    src: &str,
    target: &cloudvpn_spec::Parameter,
    op: &cloudvpn_spec::OperationFile,
) -> PollValue {
    let kind = scalar(target.ty);
    if let Some(name) = src.strip_prefix("request.") {
        let p = op.parameters.iter().find(|p| p.name == name);
        let (field, required) = p
            .map(|p| (rust_field(&p.name, &p.rust_name), p.required))
            .unwrap_or_else(|| (snake_case(name), true));
        PollValue::Request {
            field,
            wrap: required && !target.required,
            optional: !required,
            kind,
        }
    } else {
        let path = src.strip_prefix("response.").unwrap_or(src);
        let mut fields = Vec::new();
        let mut level: &[Field] = &op.response;
        for seg in path.split('.') {
            if let Some(f) = level.iter().find(|f| f.name == seg) {
                fields.push(rust_field(&f.name, &f.rust_name));
                level = &f.fields;
            }
        }
        PollValue::Response {
            fields,
            wrap: !target.required,
            kind,
        }
    }
}

fn lower_acceptor(a: &Acceptor) -> AcceptorIr {
    let state = match a.state {
        AcceptorState::Success => "Success",
        AcceptorState::Failure => "Failure",
        AcceptorState::Retry => "Retry",
    };
    let matcher = if a.success.is_some() {
        MatcherIr::Success
    } else if let Some(e) = &a.error {
        if e == "not_found" {
            MatcherIr::NotFound
        } else {
            MatcherIr::ErrorCode(e.clone())
        }
    } else {
        MatcherIr::PathEquals(
            a.path
                .as_deref()
                .unwrap_or_default()
                .split('.')
                .map(str::to_owned)
                .collect(),
            a.equals.clone().unwrap_or(Scalar::Bool(true)),
        )
    };
    AcceptorIr { state, matcher }
}

fn rust_field(name: &str, over: &Option<String>) -> String {
    over.clone().unwrap_or_else(|| snake_case(name))
}

fn scalar(t: FieldType) -> ScalarIr {
    match t {
        FieldType::Integer => ScalarIr::Integer,
        FieldType::Boolean => ScalarIr::Boolean,
        _ => ScalarIr::String,
    }
}

fn lower_param(p: &cloudvpn_spec::Parameter) -> ParamIr {
    let c = p.constraints.clone().unwrap_or_default();
    ParamIr {
        wire: p.name.clone(),
        field: rust_field(&p.name, &p.rust_name),
        kind: scalar(p.ty),
        required: p.required,
        region: p.region,
        example: p.example.as_ref().map(ToString::to_string),
        doc: p.description.for_docs(),
        help: match &p.hint {
            Some(hint) => hint.trim().to_owned(),
            None => first_paragraph(p.description.preferred()).to_owned(),
        },
        constraints: ConstraintsIr {
            min_length: c.min_length,
            max_length: c.max_length,
            ascii: c.ascii,
            allowed: c.allowed,
            minimum: c.minimum,
            maximum: c.maximum,
        },
    }
}

fn lower_struct(name: &str, doc: &str, fields: &[Field], prefix: &str, out: &mut Vec<StructIr>) {
    let index = out.len();
    out.push(StructIr {
        name: name.to_owned(),
        doc: doc.to_owned(),
        fields: Vec::new(),
    });
    let mut lowered = Vec::new();
    for f in fields {
        let ty = lower_type(
            f.ty,
            &f.name,
            &f.fields,
            f.items.as_deref(),
            &f.rust_type,
            &f.description,
            prefix,
            out,
        );
        lowered.push(FieldIr {
            wire: f.name.clone(),
            field: rust_field(&f.name, &f.rust_name),
            doc: f.description.for_docs(),
            required: f.required,
            ty,
        });
    }
    out[index].fields = lowered;
}

#[allow(clippy::too_many_arguments)]
fn lower_type(
    ty: FieldType,
    name: &str,
    fields: &[Field],
    items: Option<&cloudvpn_spec::Items>,
    rust_type: &Option<String>,
    description: &Text,
    prefix: &str,
    out: &mut Vec<StructIr>,
) -> TypeIr {
    match ty {
        FieldType::Object => {
            let struct_name = rust_type
                .clone()
                .unwrap_or_else(|| format!("{prefix}{}", pascal_case(name)));
            lower_struct(
                &struct_name,
                &description.for_docs(),
                fields,
                &struct_name,
                out,
            );
            TypeIr::Struct(struct_name)
        }
        FieldType::List => {
            let element = match items {
                Some(i) if i.ty == FieldType::Object => {
                    let struct_name = i
                        .rust_type
                        .clone()
                        .unwrap_or_else(|| format!("{prefix}{}Item", pascal_case(name)));
                    let doc = i
                        .description
                        .as_ref()
                        .map(Text::for_docs)
                        .unwrap_or_else(|| format!("One element of `{name}`."));
                    lower_struct(&struct_name, &doc, &i.fields, &struct_name, out);
                    TypeIr::Struct(struct_name)
                }
                Some(i) => TypeIr::Scalar(scalar(i.ty)),
                None => TypeIr::Scalar(ScalarIr::String),
            };
            TypeIr::List(Box::new(element))
        }
        other => TypeIr::Scalar(scalar(other)),
    }
}

fn lower_error(e: &ErrorSpec) -> ErrorIr {
    ErrorIr {
        code: e.code.clone(),
        variant: e.variant.clone().unwrap_or_else(|| pascal_case(&e.code)),
        also_spelled: e.also_spelled.clone(),
        statuses: e.status.clone().unwrap_or_default(),
        message: e.message.clone().unwrap_or_default(),
        description: e
            .description
            .as_ref()
            .map(Text::for_docs)
            .unwrap_or_default(),
        hint: e.hint.trim().to_owned(),
        retryable: e.retryable,
        throttling: e.throttling,
        not_found: e.not_found,
        envelope_code: e.envelope_code,
    }
}

/// The first paragraph of a text (up to the first blank line), trimmed.
fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or(text).trim()
}
