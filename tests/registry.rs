//! The generated registry: every API module implements `Api`, every operation names its API, and
//! `all_apis` / `visit_api` lead from metadata to the types with no hand-written list.

use cloudvpn_types::meta::{ApiMeta, OperationMeta, ParamKind, ParamMeta};
use cloudvpn_types::{Api, ApiRequest, ApiVisitor, Operation, Params, Visitor};
use serde_json::{Value, json};

/// Parameters that pass `from_params` (presence and types) for `op`.
fn minimal_params(op: &OperationMeta) -> Params {
    let mut params = Params::new();
    for p in op.params.iter().filter(|p| p.required) {
        params.insert_json(
            p.name,
            &minimal_value(p),
            op.api.protocol.first_list_index(),
        );
    }
    params
}

/// A value of the parameter's type with only what is required inside lists and objects.
fn minimal_value(p: &ParamMeta) -> Value {
    match p.kind {
        ParamKind::String => json!("x"),
        ParamKind::Integer => json!(1),
        ParamKind::Boolean => json!(true),
        ParamKind::List => json!([p.items.map_or(json!("x"), minimal_value)]),
        ParamKind::Object => Value::Object(
            p.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| (f.name.to_owned(), minimal_value(f)))
                .collect(),
        ),
    }
}

/// For one operation: the module of the API its request type names, and the module its metadata names.
struct ApiOfOperation;

impl Visitor for ApiOfOperation {
    type Output = (&'static str, &'static str);
    fn visit<O: Operation>(self, _request: O) -> Self::Output {
        (<O::Api as Api>::META.module, O::META.api.module)
    }
}

/// What one API type says about itself, checked against the metadata it was reached from.
struct Describe;

struct Described {
    meta: &'static ApiMeta,
    operations: Vec<&'static str>,
    /// Per operation: (action, the module `Operation::Api` names, the module `META.api` names,
    /// the action `ApiRequest::meta` names).
    requests: Vec<(&'static str, &'static str, &'static str, &'static str)>,
    unknown_action_refused: bool,
}

impl ApiVisitor for Describe {
    type Output = Described;
    fn visit<A: Api>(self) -> Described {
        let requests = A::OPERATIONS
            .iter()
            .map(|op| {
                let request = A::from_params(op.action, &minimal_params(op))
                    .unwrap_or_else(|| panic!("{} does not know {}", A::META.module, op.action))
                    .unwrap_or_else(|e| panic!("{e}"));
                let named = request.meta().action;
                let (api_of_type, api_of_meta) = request.dispatch(ApiOfOperation);
                (op.action, api_of_type, api_of_meta, named)
            })
            .collect();
        Described {
            meta: A::META,
            operations: A::OPERATIONS.iter().map(|op| op.action).collect(),
            requests,
            unknown_action_refused: A::from_params("NoSuchAction", &Params::new()).is_none(),
        }
    }
}

#[test]
fn every_api_is_reached_from_its_metadata_and_knows_its_operations() {
    assert_eq!(cloudvpn_types::all_apis(), cloudvpn_types::APIS);
    assert!(cloudvpn_types::all_apis().len() >= 2);
    for api in cloudvpn_types::all_apis() {
        let d = cloudvpn_types::visit_api(api, Describe)
            .unwrap_or_else(|| panic!("no type for {}", api.module));
        assert_eq!(d.meta, *api);
        let listed: Vec<&str> = cloudvpn_types::all_operations()
            .filter(|op| op.api.module == api.module)
            .map(|op| op.action)
            .collect();
        assert_eq!(d.operations, listed, "{}", api.module);
        assert!(d.unknown_action_refused, "{}", api.module);
        for (action, api_of_type, api_of_meta, named) in d.requests {
            assert_eq!(api_of_type, api.module, "{action}: Operation::Api");
            assert_eq!(api_of_meta, api.module, "{action}: META.api");
            assert_eq!(named, action, "ApiRequest::meta");
        }
    }
}

#[test]
fn every_operation_belongs_to_a_listed_api() {
    for op in cloudvpn_types::all_operations() {
        assert!(
            cloudvpn_types::all_apis()
                .iter()
                .any(|api| api.module == op.api.module && *api == op.api),
            "{} names an unlisted API",
            op.action
        );
    }
}

#[test]
fn metadata_of_no_generated_api_reaches_no_type() {
    let mut unknown = cloudvpn_types::alibaba_vpc::API;
    unknown.module = "no_such_api";
    assert!(cloudvpn_types::visit_api(&unknown, Describe).is_none());
}

#[test]
fn the_api_types_are_named_after_their_modules() {
    use cloudvpn_types::alibaba_vpc::AlibabaVpc;
    use cloudvpn_types::tencent_vpc_v2::TencentVpcV2;
    assert_eq!(AlibabaVpc::META.module, "alibaba_vpc");
    assert_eq!(TencentVpcV2::META.module, "tencent_vpc_v2");
    // A completion's poll request is of the same API: `Completable::Poll: Operation<Api = Self::Api>`.
    fn same_api<O: cloudvpn_types::Completable>() -> bool {
        <O::Poll as Operation>::Api::META == <O::Api as Api>::META
    }
    assert!(same_api::<
        cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest,
    >());
    assert!(same_api::<
        cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest,
    >());
}

#[test]
fn the_apis_of_one_protocol_share_its_errors_generated_once() {
    use cloudvpn_types::{
        alibaba_sts, alibaba_vpc, protocols, tencent_region, tencent_sts, tencent_vpc,
    };
    for (api, shared) in [
        (&alibaba_vpc::API, protocols::alibaba_rpc::ERRORS),
        (&alibaba_sts::API, protocols::alibaba_rpc::ERRORS),
        (&tencent_vpc::API, protocols::tencent_api3::ERRORS),
        (&tencent_sts::API, protocols::tencent_api3::ERRORS),
        (&tencent_region::API, protocols::tencent_api3::ERRORS),
    ] {
        assert!(!shared.is_empty());
        assert_eq!(api.common_errors, shared, "{}", api.module);
    }
    // The paths users have keep naming the codes, now the protocol's.
    assert_eq!(
        alibaba_vpc::codes::THROTTLING,
        protocols::alibaba_rpc::codes::THROTTLING
    );
    assert_eq!(
        alibaba_sts::codes::INVALID_SECURITY_TOKEN_EXPIRED,
        "InvalidSecurityToken.Expired"
    );
    assert_eq!(
        tencent_sts::codes::AUTH_FAILURE_TOKEN_FAILURE,
        protocols::tencent_api3::codes::AUTH_FAILURE_TOKEN_FAILURE
    );
    // An API's own operation codes stay its own.
    assert_eq!(alibaba_vpc::codes::FORBBIDEN_SUB_USER, "Forbbiden.SubUser");
}
