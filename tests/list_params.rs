//! List and object parameters (Tencent API 3.0's `VpnGatewayIds.N`, `Filters.N.Name`, `Filters.N.Values.M`):
//! both wire forms (flattened pairs for GET and form bodies, JSON for a TC3 POST body), reading them back, and
//! their documented constraints.

use cloudvpn_types::meta::{Protocol, WaitState};
use cloudvpn_types::tencent_vpc::describe_vpn_connections::{
    DescribeVpnConnectionsRequest, Filter,
};
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::{
    DescribeVpnGatewaysRequest, FilterObject,
};
use cloudvpn_types::{Operation, Params, Problem, ValidationError};
use serde_json::json;

fn request() -> DescribeVpnGatewaysRequest {
    DescribeVpnGatewaysRequest::default()
        .filters([
            FilterObject::new("vpc-id", ["vpc-1", "vpc-2"]),
            FilterObject::new("type", ["IPSEC"]),
        ])
        .limit(20)
}

fn pairs(request: &impl Operation) -> Vec<(String, String)> {
    request
        .to_params()
        .into_iter()
        .map(|(k, v)| (k.into_owned(), v))
        .collect()
}

fn owned(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn lists_and_objects_flatten_from_index_zero_for_tencent() {
    assert_eq!(Protocol::TencentApi3.first_list_index(), 0);
    assert_eq!(Protocol::AlibabaRpc.first_list_index(), 1);
    assert_eq!(
        pairs(&request()),
        owned(&[
            ("Filters.0.Name", "vpc-id"),
            ("Filters.0.Values.0", "vpc-1"),
            ("Filters.0.Values.1", "vpc-2"),
            ("Filters.1.Name", "type"),
            ("Filters.1.Values.0", "IPSEC"),
            ("Limit", "20"),
        ])
    );
    let ids = DescribeVpnGatewaysRequest::default().vpn_gateway_ids(["vpngw-1", "vpngw-2"]);
    assert_eq!(
        pairs(&ids),
        owned(&[
            ("VpnGatewayIds.0", "vpngw-1"),
            ("VpnGatewayIds.1", "vpngw-2")
        ])
    );
}

#[test]
fn the_json_body_has_arrays_objects_and_numbers_and_leaves_out_what_is_unset() {
    let body = serde_json::to_value(request()).expect("serializes");
    assert_eq!(
        body,
        json!({
            "Filters": [
                {"Name": "vpc-id", "Values": ["vpc-1", "vpc-2"]},
                {"Name": "type", "Values": ["IPSEC"]}
            ],
            "Limit": 20
        })
    );
    let empty = serde_json::to_string(&DescribeVpnGatewaysRequest::default()).expect("serializes");
    assert_eq!(empty, "{}");
}

#[test]
fn both_wire_forms_read_back_into_the_same_request() {
    let req = request().vpn_gateway_ids(["vpngw-1"]).offset(40);
    let flat = Params::from_pairs("DescribeVpnGateways", req.to_params()).expect("no duplicates");
    assert_eq!(
        DescribeVpnGatewaysRequest::from_params(&flat),
        Ok(req.clone())
    );
    let body = serde_json::to_value(&req).expect("serializes");
    let from_json = Params::from_json("DescribeVpnGateways", &body, 0).expect("an object");
    assert_eq!(
        from_json, flat,
        "a JSON body flattens to the pairs a query carries"
    );
    assert_eq!(DescribeVpnGatewaysRequest::from_params(&from_json), Ok(req));
    assert_eq!(
        from_json.unknown(DescribeVpnGatewaysRequest::META).count(),
        0,
        "every flattened name fits the declared shapes"
    );
}

fn read(pairs: &[(&str, &str)]) -> Result<DescribeVpnGatewaysRequest, ValidationError> {
    let params = Params::from_pairs("DescribeVpnGateways", pairs.iter().copied()).expect("pairs");
    DescribeVpnGatewaysRequest::from_params(&params)
}

#[test]
fn malformed_flattened_lists_and_objects_are_typed_errors() {
    let gap = read(&[("VpnGatewayIds.0", "a"), ("VpnGatewayIds.2", "c")]).unwrap_err();
    assert_eq!(
        gap.problem,
        Problem::MissingIndex {
            missing: 1,
            first: 0
        }
    );
    assert_eq!(
        gap.to_string(),
        "DescribeVpnGateways: VpnGatewayIds.1 is missing: list elements are numbered from 0 without gaps"
    );
    let bare = read(&[("VpnGatewayIds", "vpngw-1")]).unwrap_err();
    assert_eq!(bare.problem, Problem::ExpectedList { first: 0 });
    assert!(
        bare.to_string()
            .contains("send VpnGatewayIds.0, VpnGatewayIds.1"),
        "{bare}"
    );
    let scalar_object = read(&[("Filters.0", "vpc-id")]).unwrap_err();
    assert_eq!(
        (scalar_object.param.as_str(), &scalar_object.problem),
        ("Filters.0", &Problem::ExpectedObject)
    );
    let no_values = read(&[("Filters.0.Name", "vpc-id")]).unwrap_err();
    assert_eq!(
        (no_values.param.as_str(), &no_values.problem),
        ("Filters.0.Values", &Problem::Missing)
    );
    let not_an_index = read(&[("VpnGatewayIds.x", "a")]).unwrap_err();
    assert_eq!(
        (not_an_index.param.as_str(), &not_an_index.problem),
        ("VpnGatewayIds.x", &Problem::Unknown)
    );
    let nested_scalar =
        read(&[("Filters.0.Name.0", "vpc-id"), ("Filters.0.Values.0", "v")]).unwrap_err();
    assert_eq!(
        (nested_scalar.param.as_str(), &nested_scalar.problem),
        ("Filters.0.Name", &Problem::ExpectedScalar)
    );
    let bad_number = Params::from_json("DescribeVpnGateways", &json!({"Limit": "twenty"}), 0)
        .expect("an object");
    let err = DescribeVpnGatewaysRequest::from_params(&bad_number).unwrap_err();
    assert_eq!(
        (err.param.as_str(), &err.problem),
        ("Limit", &Problem::NotAnInteger)
    );
    let not_an_object = Params::from_json("DescribeVpnGateways", &json!([1]), 0).unwrap_err();
    assert_eq!(not_an_object.problem, Problem::ExpectedObject);
}

#[test]
fn names_that_do_not_fit_a_shape_are_unknown() {
    let params = Params::from_pairs(
        "DescribeVpnGateways",
        [
            ("Filters.0.Nmae", "vpc-id"),
            ("Filters.0.Values.0", "v"),
            ("VpnGatewayIds.0", "a"),
            ("VpnGatewayIds.0.Extra", "a"),
            ("Offset", "0"),
            ("Offset.1", "0"),
        ],
    )
    .expect("pairs");
    let unknown: Vec<&str> = params.unknown(DescribeVpnGatewaysRequest::META).collect();
    assert_eq!(
        unknown,
        ["Filters.0.Nmae", "Offset.1", "VpnGatewayIds.0.Extra"]
    );
}

#[test]
fn list_sizes_and_element_constraints_are_checked_with_flattened_names() {
    let too_many = DescribeVpnGatewaysRequest::default()
        .vpn_gateway_ids((0..101).map(|i| format!("vpngw-{i}")));
    let err = too_many.validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "DescribeVpnGateways: VpnGatewayIds has 101 elements; it takes at most 100"
    );
    let hundred = DescribeVpnGatewaysRequest::default()
        .vpn_gateway_ids((0..100).map(|i| format!("vpngw-{i}")));
    assert_eq!(hundred.validate(), Ok(()));
    let empty_id = DescribeVpnGatewaysRequest::default().vpn_gateway_ids(["vpngw-1", ""]);
    let err = empty_id.validate().unwrap_err();
    assert_eq!(
        (err.param.as_str(), &err.problem),
        ("VpnGatewayIds.1", &Problem::Empty)
    );
    let limit = DescribeVpnGatewaysRequest::default()
        .limit(101)
        .validate()
        .unwrap_err();
    assert_eq!(
        limit.problem,
        Problem::AboveMaximum {
            max: 100,
            actual: 101
        }
    );

    let filters = |n: usize, values: usize| {
        DescribeVpnConnectionsRequest::default().filters(
            (0..n).map(|i| Filter::new(format!("f{i}"), (0..values).map(|v| format!("v{v}")))),
        )
    };
    assert_eq!(filters(10, 5).validate(), Ok(()));
    let err = filters(11, 1).validate().unwrap_err();
    assert_eq!(
        err.problem,
        Problem::TooManyItems {
            max: 10,
            actual: 11
        }
    );
    let err = filters(2, 6).validate().unwrap_err();
    assert_eq!(
        (err.param.as_str(), &err.problem),
        (
            "Filters.0.Values",
            &Problem::TooManyItems { max: 5, actual: 6 }
        )
    );
    let no_values = DescribeVpnConnectionsRequest::default()
        .filters([Filter::new("vpn-gateway-id", Vec::<String>::new())]);
    let err = no_values.validate().unwrap_err();
    assert_eq!(
        (err.param.as_str(), &err.problem),
        ("Filters.0.Values", &Problem::Empty),
        "a required list must not be empty"
    );
}

#[test]
fn a_list_flag_value_from_the_command_line_flattens_like_a_body() {
    let mut params = Params::new();
    params.insert_json(
        "Filters",
        &json!([{"Name": "vpn-gateway-id", "Values": ["vpngw-1"]}]),
        0,
    );
    let req = DescribeVpnConnectionsRequest::from_params(&params).expect("reads");
    assert_eq!(
        req,
        DescribeVpnConnectionsRequest::default()
            .filters([Filter::new("vpn-gateway-id", ["vpngw-1"])])
    );
    let mut alibaba_style = Params::new();
    alibaba_style.insert_json("Ids", &json!(["a", "b"]), 1);
    let shown: Vec<(&str, &str)> = alibaba_style.iter().collect();
    assert_eq!(shown, [("Ids.1", "a"), ("Ids.2", "b")]);
}

#[test]
fn waits_poll_the_task_then_fall_back_to_the_resource() {
    use cloudvpn_types::Completable;
    use cloudvpn_types::tencent_vpc::delete_vpn_connection::{
        DeleteVpnConnectionRequest, DeleteVpnConnectionResponse,
    };
    use cloudvpn_types::tencent_vpc::delete_vpn_gateway::{
        DeleteVpnGatewayRequest, DeleteVpnGatewayResponse,
    };
    let delete = DeleteVpnConnectionRequest::new("vpngw-1", "vpnx-1");
    let accepted: DeleteVpnConnectionResponse =
        serde_json::from_value(json!({"RequestId": "req-42"})).expect("response");
    assert_eq!(delete.poll_request(&accepted).task_id, "req-42");
    let fallback = delete
        .fallback_request(&accepted)
        .expect("a fallback recipe");
    assert_eq!(fallback.vpn_connection_ids, ["vpnx-1"]);
    assert!(fallback.filters.is_empty() && fallback.vpn_gateway_id.is_none());

    let completion = DeleteVpnConnectionRequest::META
        .completion
        .expect("completion");
    let fallback_meta = completion.fallback.expect("fallback meta");
    assert_eq!(fallback_meta.action, "DescribeVpnConnections");
    let info = cloudvpn_types::ErrorInfo {
        code: "ResourceNotFound".into(),
        ..Default::default()
    };
    let unknown_task = cloudvpn_types::waiter::PollOutcome::Error {
        info: &info,
        not_found: true,
    };
    assert_eq!(
        cloudvpn_types::waiter::evaluate(completion.acceptors, unknown_task),
        Some(WaitState::Fallback)
    );
    let done = json!({"Status": "SUCCESS", "RequestId": "r"});
    let failed = json!({"Status": "FAILED", "RequestId": "r"});
    let evaluate = |body| {
        cloudvpn_types::waiter::evaluate(
            completion.acceptors,
            cloudvpn_types::waiter::PollOutcome::Success(body),
        )
    };
    assert_eq!(evaluate(&done), Some(WaitState::Success));
    assert_eq!(evaluate(&failed), Some(WaitState::Failure));
    let gone = json!({"TotalCount": 0, "VpnConnectionSet": [], "RequestId": "r"});
    assert_eq!(
        cloudvpn_types::waiter::evaluate(
            fallback_meta.acceptors,
            cloudvpn_types::waiter::PollOutcome::Success(&gone)
        ),
        Some(WaitState::Success)
    );

    let gateway = DeleteVpnGatewayRequest::new("vpngw-1");
    let accepted: DeleteVpnGatewayResponse =
        serde_json::from_value(json!({"RequestId": "r"})).expect("response");
    assert_eq!(gateway.poll_request(&accepted).vpn_gateway_ids, ["vpngw-1"]);
    assert!(gateway.fallback_request(&accepted).is_none());
}
