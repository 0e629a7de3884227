//! Behaviour of the generated types: constructors, validation, wire parameters, error classification,
//! documented examples parsing into the response types, and completion recipes.

use cloudvpn_tests::workspace_root;
use cloudvpn_types::alibaba_vpc::{
    self, DeleteEnhancedVpnGatewayError, DeleteVpnConnectionRequest, DeleteVpnGatewayError,
    DeleteVpnGatewayRequest, DescribeVpnGatewaysRequest,
};
use cloudvpn_types::meta::{Matcher, WaitState};
use cloudvpn_types::tencent_vpc_v2::{self, DeleteVpnConnRequest, DeleteVpnConnResponse};
use cloudvpn_types::{
    Api, ApiRequest, ApiVisitor, Completable, ErrorInfo, Operation, OperationError, Params,
    Problem, ValidationError, Visitor,
};

fn info(code: &str, status: u16) -> ErrorInfo {
    ErrorInfo {
        code: code.to_owned(),
        message: "message".to_owned(),
        request_id: Some("0ED8D006-F706-4D23-88ED-E11ED28DCAC0".to_owned()),
        http_status: Some(status),
        ..ErrorInfo::default()
    }
}

#[test]
fn required_parameters_are_plain_and_optional_ones_are_options() {
    let req = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1");
    assert_eq!(req.region_id, "cn-hangzhou");
    assert_eq!(req.vpn_gateway_id, "vpn-1");
    assert_eq!(req.client_token, None);
    let req = req.client_token("tok");
    assert_eq!(req.client_token.as_deref(), Some("tok"));
}

#[test]
fn validation_names_the_field_and_what_would_be_right() {
    let long = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1").client_token("a".repeat(65));
    let err = long.validate().expect_err("65 characters");
    assert_eq!(err.param, "ClientToken");
    assert_eq!(
        err.problem,
        Problem::TooLong {
            max: 64,
            actual: 65
        }
    );
    assert_eq!(
        err.to_string(),
        "DeleteVpnGateway: ClientToken is 65 characters long; it must be at most 64"
    );

    let accented = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1").client_token("café");
    let err = accented.validate().expect_err("not ASCII");
    assert_eq!(
        err.problem,
        Problem::NotAscii {
            found: 'é',
            position: 3
        }
    );

    let empty = DeleteVpnGatewayRequest::new("cn-hangzhou", "");
    let err = empty.validate().expect_err("empty id");
    assert_eq!(err.param, "VpnGatewayId");
    assert_eq!(err.problem, Problem::Empty);

    let exactly_64 =
        DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1").client_token("a".repeat(64));
    assert_eq!(exactly_64.validate(), Ok(()));
}

#[test]
fn integer_bounds_are_checked() {
    let mut req = DescribeVpnGatewaysRequest::new("cn-hangzhou");
    req.page_size = Some(51);
    let err = req.validate().expect_err("page size above 50");
    assert_eq!(err.param, "PageSize");
    assert!(
        matches!(
            err.problem,
            Problem::AboveMaximum {
                max: 50,
                actual: 51
            }
        ),
        "{err}"
    );
}

#[test]
fn wire_parameters_round_trip() {
    let req = DescribeVpnGatewaysRequest::new("cn-hangzhou")
        .vpn_gateway_id("vpn-1")
        .page_size(10)
        .include_reservation_data(true);
    let pairs = req.to_params();
    let shown: Vec<(&str, String)> = pairs.iter().map(|(k, v)| (k.as_ref(), v.clone())).collect();
    assert_eq!(
        shown,
        vec![
            ("RegionId", "cn-hangzhou".to_owned()),
            ("VpnGatewayId", "vpn-1".to_owned()),
            ("PageSize", "10".to_owned()),
            ("IncludeReservationData", "true".to_owned()),
        ]
    );
    let params = Params::from_pairs("DescribeVpnGateways", pairs).expect("no duplicates");
    assert_eq!(DescribeVpnGatewaysRequest::from_params(&params), Ok(req));
}

#[test]
fn from_params_reports_missing_and_malformed_values() {
    let params = Params::from_pairs(
        "DeleteVpnConn",
        [("vpcId", "vpc-1"), ("vpnGwId", "vpngw-1")],
    )
    .expect("pairs");
    let err = DeleteVpnConnRequest::from_params(&params).expect_err("missing vpnConnId");
    assert_eq!(
        err,
        ValidationError::new("DeleteVpnConn", "vpnConnId", Problem::Missing)
    );

    let params = Params::from_pairs(
        "DescribeVpnGateways",
        [("RegionId", "cn-hangzhou"), ("PageSize", "ten")],
    )
    .expect("pairs");
    let err = DescribeVpnGatewaysRequest::from_params(&params).expect_err("not an integer");
    assert_eq!(err.problem, Problem::NotAnInteger);
    assert_eq!(err.value.as_deref(), Some("ten"));

    let dup = Params::from_pairs("DeleteVpnGateway", [("RegionId", "a"), ("RegionId", "b")]);
    assert_eq!(dup.expect_err("duplicate").problem, Problem::Duplicate);
}

#[test]
fn both_spellings_of_the_sub_user_error_map_to_one_variant() {
    for code in ["Forbbiden.SubUser", "Forbidden.SubUser"] {
        let e = DeleteVpnGatewayError::from_info(info(code, 403));
        assert!(e.is_forbidden_sub_user(), "{code}");
        assert_eq!(e.code(), code, "the received spelling is kept");
        let e = DeleteEnhancedVpnGatewayError::from_info(info(code, 403));
        assert!(e.is_forbidden_sub_user(), "{code}");
    }
}

#[test]
fn classification_comes_from_the_specs() {
    let configuring = DeleteVpnGatewayError::from_info(info("VpnGateway.Configuring", 400));
    assert!(configuring.is_vpn_gateway_configuring());
    assert!(configuring.is_retryable());
    assert!(!configuring.is_not_found());

    let gone = DeleteVpnGatewayError::from_info(info("InvalidVpnGatewayInstanceId.NotFound", 404));
    assert!(gone.is_not_found());
    assert!(!gone.is_retryable());

    let throttled = DeleteVpnGatewayError::from_info(info("Throttling.User", 400));
    assert!(throttled.is_throttling() && throttled.is_retryable());

    let unknown = DeleteVpnGatewayError::from_info(info("Some.NewCode", 400));
    assert!(matches!(unknown, DeleteVpnGatewayError::Unhandled(_)));
    assert_eq!(unknown.code(), "Some.NewCode");
    assert_eq!(unknown.info().http_status, Some(400));
    assert_eq!(
        unknown.to_string(),
        "DeleteVpnGateway failed: Some.NewCode: message (HTTP 400, request id 0ED8D006-F706-4D23-88ED-E11ED28DCAC0)"
    );
}

#[test]
fn the_enhanced_gateway_not_found_is_documented_under_400_and_404() {
    let meta = alibaba_vpc::delete_enhanced_vpn_gateway::META;
    let doc = meta
        .documented_error("InvalidVpnGatewayInstanceId.NotFound")
        .expect("documented");
    assert_eq!(doc.statuses, &[400, 404]);
    for status in [400, 404] {
        let e = DeleteEnhancedVpnGatewayError::from_info(info(
            "InvalidVpnGatewayInstanceId.NotFound",
            status,
        ));
        assert!(e.is_invalid_vpn_gateway_instance_id_not_found() && e.is_not_found());
    }
}

#[test]
fn tencent_errors_come_without_status() {
    let e = tencent_vpc_v2::DeleteVpnConnError::from_info(ErrorInfo {
        code: "InvalidVpnConn.NotFound".into(),
        message: "no such connection".into(),
        envelope_code: Some(5000),
        ..ErrorInfo::default()
    });
    assert!(e.is_not_found());
    assert!(
        e.to_string()
            .starts_with("DeleteVpnConn failed: InvalidVpnConn.NotFound: no such connection"),
        "{e}"
    );
}

#[test]
fn every_documented_json_example_parses_into_its_response_type() {
    // The JSON success examples of the documents, read from the specs, must fit the generated types.
    let specs =
        cloudvpn_spec::load(&workspace_root().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let mut parsed = 0;
    for api in &specs.apis {
        for op in &api.operations {
            for ex in op
                .spec
                .examples
                .iter()
                .filter(|e| e.kind == cloudvpn_spec::ExampleKind::ResponseJson)
            {
                let json_start = ex.body.find('{').expect("a JSON body");
                let body: serde_json::Value = serde_json::from_str(&ex.body[json_start..])
                    .unwrap_or_else(|e| panic!("{}: example is not JSON: {e}", op.spec.action));
                check_example(&api.module_name(), &op.spec.action, body);
                parsed += 1;
            }
        }
    }
    assert!(parsed >= 5, "only {parsed} JSON examples found");
}

struct ParseExample(serde_json::Value);

impl Visitor for ParseExample {
    type Output = Result<(), String>;
    fn visit<O: Operation>(self, _request: O) -> Self::Output {
        serde_json::from_value::<O::Output>(self.0)
            .map(|_| ())
            .map_err(|e| format!("{}: {e}", O::META.action))
    }
}

/// Reaches the operation's types through the registry: the API from its metadata, then the request.
struct ParseVia<'a> {
    action: &'a str,
    params: Params,
    body: serde_json::Value,
}

impl ApiVisitor for ParseVia<'_> {
    type Output = Result<(), String>;
    fn visit<A: Api>(self) -> Self::Output {
        A::from_params(self.action, &self.params)
            .expect("known action")
            .expect("example params parse")
            .dispatch(ParseExample(self.body))
    }
}

fn check_example(module: &str, action: &str, body: serde_json::Value) {
    // Build any request of the operation (from its examples' required params) just to reach its types.
    let meta = cloudvpn_types::all_operations()
        .find(|m| m.api.module == module && m.action == action)
        .expect("operation in the generated crate");
    let mut params = Params::new();
    for p in meta.params.iter().filter(|p| p.required) {
        params.insert(p.name, p.example.unwrap_or("1"));
    }
    let result = cloudvpn_types::visit_api(
        meta.api,
        ParseVia {
            action,
            params,
            body,
        },
    )
    .expect("a generated API");
    if let Err(e) = result {
        panic!("documented example does not parse: {e}");
    }
}

#[test]
fn the_documented_tencent_example_keeps_its_undocumented_fields() {
    let body = r#"{"code": 0, "message": "", "data": {"vpnGwId": "vpngw-kfldykuz", "vpcConnId": "vpnx-ol6bcqp0", "taskId": 12615, "state": 4}}"#;
    let parsed: DeleteVpnConnResponse = serde_json::from_str(body).expect("parses");
    assert_eq!(parsed.data.task_id, 12615);
    // `code` may arrive as a string.
    let as_text: DeleteVpnConnResponse =
        serde_json::from_str(r#"{"code": "0", "message": "", "data": {"taskId": "7"}}"#)
            .expect("parses");
    assert_eq!(as_text.code, 0);
    assert_eq!(as_text.data.task_id, 7);
}

#[test]
fn completion_recipes_build_the_poll_request_from_the_call() {
    let req = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-1");
    let out: <DeleteVpnConnectionRequest as Operation>::Output =
        serde_json::from_str(r#"{"RequestId": "r"}"#).expect("output");
    let poll = req.poll_request(&out);
    assert_eq!(poll.region_id, "cn-hangzhou");
    assert_eq!(poll.vpn_connection_id, "vco-1");
    let completion = DeleteVpnConnectionRequest::META.completion.expect("async");
    assert!(completion.asynchronous);
    assert_eq!(completion.acceptors[0].matcher, Matcher::NotFound);
    assert_eq!(completion.acceptors[0].state, WaitState::Success);

    let tencent = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let out: DeleteVpnConnResponse =
        serde_json::from_str(r#"{"code": 0, "message": "", "data": {"taskId": 12615}}"#)
            .expect("output");
    assert_eq!(tencent.poll_request(&out).task_id, 12615);
}

#[test]
fn every_operation_is_listed_with_its_api() {
    let actions: Vec<&str> = cloudvpn_types::all_operations().map(|m| m.action).collect();
    for a in [
        "DeleteVpnGateway",
        "DeleteEnhancedVpnGateway",
        "DeleteVpnConnection",
        "DeleteVpnConn",
        "DescribeVpcTaskResult",
    ] {
        assert!(actions.contains(&a), "{a}");
    }
    assert!(alibaba_vpc::Request::from_params("NoSuchAction", &Params::new()).is_none());
    assert_eq!(
        alibaba_vpc::API.endpoint.host_for("cn-hangzhou"),
        "vpc.aliyuncs.com"
    );
    assert_eq!(
        alibaba_vpc::API.endpoint.host_for("cn-beijing"),
        "vpc.cn-beijing.aliyuncs.com"
    );
    assert_eq!(
        tencent_vpc_v2::API.endpoint.host_for("ap-guangzhou"),
        "vpc.api.qcloud.com"
    );
}

#[test]
fn renamed_rust_fields_keep_their_wire_names() {
    // Rust names follow the naming rule; what is read and written on the wire stays the document's spelling.
    let item: tencent_vpc_v2::describe_vpn_conn::DescribeVpnConnDataItem =
        serde_json::from_str(r#"{"IPsecSet": {}, "IKEArr": {}}"#).expect("parses");
    assert!(item.ipsec_set.is_some());
    assert!(item.ike_arr.is_some());
    let back = serde_json::to_value(&item).expect("serializes");
    assert!(back.get("IPsecSet").is_some(), "{back}");
    assert!(back.get("IKEArr").is_some(), "{back}");
    assert!(back.get("ipsec_set").is_none(), "{back}");

    let ram = DeleteVpnGatewayError::from_info(info("Forbidden.RAM", 403));
    assert!(
        matches!(ram, DeleteVpnGatewayError::ForbiddenRam(_)),
        "{ram:?}"
    );
    assert!(ram.is_forbidden_ram());
    assert_eq!(ram.info().code, "Forbidden.RAM");
}

#[test]
fn alibaba_token_errors_are_documented_for_every_rpc_api_with_a_hint() {
    use cloudvpn_types::{alibaba_sts, alibaba_vpc};
    let codes = [
        alibaba_vpc::codes::MISSING_SECURITY_TOKEN,
        alibaba_vpc::codes::INVALID_SECURITY_TOKEN_EXPIRED,
        alibaba_vpc::codes::INVALID_SECURITY_TOKEN_MALFORMED,
        alibaba_vpc::codes::INVALID_SECURITY_TOKEN_MISMATCH_WITH_ACCESS_KEY,
    ];
    for api in [&alibaba_vpc::API, &alibaba_sts::API] {
        for code in codes {
            let doc = api.common_errors.iter().find(|e| e.code == code);
            let doc = doc.unwrap_or_else(|| panic!("{} lacks {code}", api.module));
            assert_eq!(doc.statuses, &[400], "{code}");
            assert!(!doc.message.is_empty() && !doc.hint.is_empty(), "{code}");
            assert!(
                !doc.retryable,
                "a refused token is not fixed by sending it again"
            );
        }
    }
    // A refused token is a typed error of every operation, not `Unhandled`.
    let expired = DeleteVpnGatewayError::from_info(info("InvalidSecurityToken.Expired", 400));
    assert!(expired.is_invalid_security_token_expired(), "{expired:?}");
    let missing = alibaba_sts::GetCallerIdentityError::from_info(info("MissingSecurityToken", 400));
    assert!(missing.is_missing_security_token(), "{missing:?}");
}
