//! The `test-util` builders and error constructors: what a mock or a server makes answers with.

use cloudvpn_types::BuildError;
use cloudvpn_types::alibaba_vpc::describe_vpn_gateways::{VpnGatewayList, VpnGatewayListItem};
use cloudvpn_types::alibaba_vpc::{
    DeleteVpnGatewayError, DeleteVpnGatewayResponse, DescribeVpnGatewaysResponse,
};
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnError;

#[test]
fn a_builder_refuses_to_build_without_a_required_field() {
    let err = DescribeVpnGatewaysResponse::builder()
        .request_id("R")
        .build()
        .unwrap_err();
    assert_eq!(
        err,
        BuildError {
            shape: "DescribeVpnGatewaysResponse",
            field: "TotalCount"
        }
    );
    assert!(err.to_string().contains("TotalCount"), "{err}");
}

#[test]
fn a_built_response_serialises_like_a_received_one() {
    let built = DescribeVpnGatewaysResponse::builder()
        .request_id("R")
        .total_count(1)
        .vpn_gateways(
            VpnGatewayList::builder()
                .vpn_gateway(vec![
                    VpnGatewayListItem::builder()
                        .vpn_gateway_id("vpn-1")
                        .build(),
                ])
                .build(),
        )
        .build()
        .unwrap();
    let text = serde_json::to_string(&built).unwrap();
    assert_eq!(
        text,
        r#"{"RequestId":"R","TotalCount":1,"VpnGateways":{"VpnGateway":[{"VpnGatewayId":"vpn-1"}]}}"#
    );
    let back: DescribeVpnGatewaysResponse = serde_json::from_str(&text).unwrap();
    assert_eq!(back, built);
    let minimal = DeleteVpnGatewayResponse::builder().request_id("R").build();
    assert_eq!(minimal.unwrap().request_id, "R");
}

#[test]
fn empty_lists_are_left_out_unless_a_server_answers() {
    let empty = DescribeVpnGatewaysResponse::builder()
        .request_id("R")
        .total_count(0)
        .vpn_gateways(VpnGatewayList::builder().build())
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_string(&empty).unwrap(),
        r#"{"RequestId":"R","TotalCount":0,"VpnGateways":{}}"#
    );
    let answered = cloudvpn_types::ser::with_empty_lists(|| serde_json::to_string(&empty).unwrap());
    assert_eq!(
        answered,
        r#"{"RequestId":"R","TotalCount":0,"VpnGateways":{"VpnGateway":[]}}"#
    );
    // The choice ends with the closure.
    assert!(!serde_json::to_string(&empty).unwrap().contains("[]"));
}

#[test]
fn error_constructors_fill_the_documented_code_message_and_status() {
    let e = DeleteVpnGatewayError::forbidden_release();
    assert!(e.is_forbidden_release());
    assert_eq!(e.code(), "ForbiddenRelease");
    assert_eq!(
        e.message(),
        "Forbidden to release a prepaid instance within validity period"
    );
    assert_eq!(e.info().http_status, Some(403));
    // A common error of the API, in the operation's enum.
    let e = DeleteVpnGatewayError::signature_nonce_used();
    assert_eq!(
        (e.code(), e.info().http_status),
        ("SignatureNonceUsed", Some(400))
    );
    // Tencent v2: the document's own text, and the envelope's integer code for common errors.
    let e = DeleteVpnConnError::invalid_vpn_conn_state();
    assert_eq!(e.message(), "vpn通道状态不对");
    let e = DeleteVpnConnError::authentication_failed().with_message("changed");
    assert_eq!((e.code(), e.message()), ("4100", "changed"));
    assert_eq!(e.info().envelope_code, Some(4100));
    assert_eq!(e.into_info().code, "4100");
}
