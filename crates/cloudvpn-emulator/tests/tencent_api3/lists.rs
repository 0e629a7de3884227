//! The list calls' selection (ids, filters, offset, limit) and malformed ids refused before any lookup.

use super::*;

#[tokio::test]
async fn list_calls_honour_ids_filters_offset_and_limit() {
    let env = Env::immediate().await;
    chain(
        &env,
        "vpngw-a0000000",
        &["vpnx-a1000000", "vpnx-a2000000", "vpnx-a3000000"],
        json!({}),
    )
    .await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-1", "id": "vpngw-b0000000", "region": GZ, "name": "second"}),
    )
    .await;
    let api3 = client(&env, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Get);

    let all = api3.describe_vpn_gateways().send().await.unwrap();
    assert_eq!(all.total_count, Some(2));
    let named = api3
        .describe_vpn_gateways()
        .filters([FilterObject::new("vpn-gateway-name", ["second"])])
        .send()
        .await
        .unwrap();
    assert_eq!(named.total_count, Some(1));
    assert_eq!(
        named.vpn_gateway_set[0].vpn_gateway_id.as_deref(),
        Some("vpngw-b0000000")
    );
    let err = api3
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-a0000000"])
        .filters([FilterObject::new("state", ["AVAILABLE"])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter.Coexist"));
    let err = api3
        .describe_vpn_gateways()
        .filters([FilterObject::new("colour", ["blue"])])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter.FilterInvalidKey"));

    let page = api3
        .describe_vpn_connections()
        .vpn_gateway_id("vpngw-a0000000")
        .offset(1)
        .limit(1)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (page.total_count, page.vpn_connection_set.len()),
        (Some(3), 1)
    );
}

/// An id not of the `vpngw-` / `vpnx-` + 8 form is malformed, not missing: the real service answers
/// `InvalidParameterValue.Malformed` / `InvalidVpnGatewayId.Malformed` before it looks anything up, and
/// a well-formed id that names nothing stays a not-found.
#[tokio::test]
async fn malformed_ids_are_refused_as_malformed_before_any_lookup() {
    let env = Env::immediate().await;
    chain(&env, "vpngw-00000001", &["vpnx-00000001"], json!({})).await;
    let api3 = client(&env, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post);
    for (gateway, connection) in [
        ("vpngw-1", "vpnx-00000001"),
        ("vpngw-00000001", "vpnx-1"),
        ("vpngw-00000001", "vpnx-0000000A"),
        ("vpngw-00000001", "vpngw-00000001"),
        ("vpngw-000000012", "vpnx-00000001"),
    ] {
        let err = api3
            .delete_vpn_connection()
            .vpn_gateway_id(gateway)
            .vpn_connection_id(connection)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some("InvalidParameterValue.Malformed"),
            "{gateway} {connection}: {err}"
        );
        assert!(err.to_string().contains("8 lower-case"), "{err}");
    }
    let err = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000001")
        .vpn_connection_id("vpnx-none0000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("ResourceNotFound"), "{err}");

    for id in ["vpngw-none", "vpnx-00000001", "VPNGW-00000001"] {
        let err = api3
            .delete_vpn_gateway()
            .vpn_gateway_id(id)
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            Some("InvalidVpnGatewayId.Malformed"),
            "{id:?}: {err}"
        );
    }
    let err = api3
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-00000001", "vpngw-none"])
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidVpnGatewayId.Malformed"), "{err}");
    assert!(err.to_string().contains("vpngw-none"), "{err}");

    // Nothing was deleted by the refused calls.
    let still = api3
        .describe_vpn_connections()
        .vpn_connection_ids(["vpnx-00000001"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        still.vpn_connection_set[0].state.as_deref(),
        Some("AVAILABLE")
    );
}
