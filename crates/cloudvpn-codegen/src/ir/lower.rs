//! Lowering an API and its operations: names, methods, errors; parameters, responses and completion
//! recipes have their own modules.

use super::*;
use cloudvpn_spec::{Api, ErrorSpec, FieldType, Operation, Text, pascal_case};
use std::collections::BTreeSet;

/// Lowers one API. The spec set has been validated, so references resolve.
pub fn lower_api(api: &Api, spec_path: &dyn Fn(&std::path::Path) -> String) -> ApiIr {
    let f = &api.file;
    let common_errors: Vec<ErrorIr> = api.common_errors().map(lower_error).collect();
    let protocol_errors = api.protocol_errors.as_ref().map(|p| ProtocolErrorsIr {
        module: p.module_name(),
        title: p.file.title.clone(),
        spec_file: spec_path(&p.path),
        errors: p.file.errors.iter().map(lower_error).collect(),
    });
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
            cloudvpn_spec::Protocol::TencentApi3 => "TencentApi3",
        },
        first_list_index: first_list_index(f.protocol),
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
        protocol_errors,
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
        Tc3HmacSha256 => "Tc3HmacSha256",
        TencentApi3HmacSha256 => "TencentApi3HmacSha256",
        TencentApi3HmacSha1 => "TencentApi3HmacSha1",
    }
}

/// Where a flattened list starts counting; the same rule as `cloudvpn_types::meta::Protocol::first_list_index`.
fn first_list_index(p: cloudvpn_spec::Protocol) -> usize {
    match p {
        cloudvpn_spec::Protocol::AlibabaRpc => 1,
        cloudvpn_spec::Protocol::TencentV2 | cloudvpn_spec::Protocol::TencentApi3 => 0,
    }
}

fn lower_operation(
    api: &Api,
    op: &Operation,
    common: &[ErrorIr],
    spec_path: &dyn Fn(&std::path::Path) -> String,
) -> OpIr {
    let s = &op.spec;
    let mut request_structs = Vec::new();
    let params: Vec<ParamIr> = s
        .parameters
        .iter()
        .map(|p| params::lower_param(p, &s.action, &mut request_structs))
        .collect();
    let mut structs = Vec::new();
    let root = format!("{}Response", pascal_case(&s.action));
    response::lower_struct(
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
    let completion = s
        .completion
        .as_ref()
        .and_then(|c| completion::lower_completion(api, s, c));
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
        rate_limit: s.rate_limit.as_ref().map(|r| r.per_second),
        anonymous: s.auth == cloudvpn_spec::OperationAuth::Anonymous,
        params,
        request_structs,
        structs: response::merge_same_shapes(structs),
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

pub(super) fn rust_field(name: &str, over: &Option<String>) -> String {
    over.clone().unwrap_or_else(|| snake_case(name))
}

pub(super) fn scalar(t: FieldType) -> ScalarIr {
    match t {
        FieldType::Integer => ScalarIr::Integer,
        FieldType::Boolean => ScalarIr::Boolean,
        _ => ScalarIr::String,
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
        code_desc: e.code_desc.clone(),
    }
}

/// The first paragraph of a text (up to the first blank line), trimmed.
pub(super) fn first_paragraph(text: &str) -> &str {
    text.split("\n\n").next().unwrap_or(text).trim()
}
