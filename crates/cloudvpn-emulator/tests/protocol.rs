//! Both protocols on the wire, with real signatures from the signing crate: successes in every shape the
//! official clients send, each authentication failure with its real code, formats, and answers that parse
//! into the generated response types.

mod support;

use cloudvpn_emulator::EmulatorConfig;
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::{AlibabaCall, AlibabaSignature, Placement, TencentCall};
use cloudvpn_signing::alibaba_v1;
use cloudvpn_signing::timestamp::format_utc;
use cloudvpn_types::alibaba_vpc::{
    DeleteVpnGatewayResponse, DescribeVpnConnectionResponse, DescribeVpnConnectionsResponse,
    DescribeVpnGatewayResponse, DescribeVpnGatewaysResponse,
};
use cloudvpn_types::tencent_vpc_v2::{
    DeleteVpnConnResponse, DescribeVpcTaskResultResponse, DescribeVpnConnResponse,
};
use hyper::Method;
use serde_json::json;
use support::*;

fn extra_keys() -> Credentials {
    let mut c = Credentials::defaults();
    c.add_alibaba(
        Key::new("ak-sub", "s-sub")
            .sub_user()
            .allow(["DescribeVpnGateway"]),
    );
    c.add_alibaba(Key::new("ak-none", "s-none").allow(Vec::<String>::new()));
    c.add_alibaba(Key::new("ak-off", "s-off").disabled());
    c.add_alibaba(Key::new("ak-other", "s-other").account("other"));
    c.add_tencent(
        Key::new("sid-sub", "k-sub")
            .sub_user()
            .allow(Vec::<String>::new()),
    );
    c.add_tencent(Key::new("sid-none", "k-none").allow(["DescribeVpnConn"]));
    c.add_tencent(Key::new("sid-off", "k-off").disabled());
    c
}

async fn env() -> Env {
    Env::start(
        EmulatorConfig::loopback()
            .credentials(extra_keys())
            .transitions(cloudvpn_emulator::Transitions::immediate()),
    )
    .await
}

#[tokio::test]
async fn alibaba_accepts_every_shape_the_clients_send() {
    let env = env().await;
    let shapes = [
        (AlibabaSignature::V1, Method::POST, Placement::Query),
        (AlibabaSignature::V1, Method::GET, Placement::Query),
        (AlibabaSignature::V1, Method::POST, Placement::Body),
        (AlibabaSignature::V1, Method::POST, Placement::Split),
        (AlibabaSignature::V3, Method::POST, Placement::Query),
        (AlibabaSignature::V3, Method::GET, Placement::Query),
        (AlibabaSignature::V3, Method::POST, Placement::Body),
    ];
    for (i, (signature, method, placement)) in shapes.into_iter().enumerate() {
        let id = format!("vpn-shape{i}");
        env.gateway(&id, json!({})).await;
        let call = delete_gateway(&id)
            .param("ClientToken", &format!("a b*c~d/+x=&;{i}"))
            .signature(signature)
            .method(method.clone())
            .placement(placement);
        let r = env.alibaba(call).await;
        assert_eq!(
            r.status,
            200,
            "{signature:?} {method} {placement:?}: {}",
            r.text()
        );
        assert_eq!(r.content_type(), Some("application/json;charset=utf-8"));
        let parsed: DeleteVpnGatewayResponse = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(
            r.headers.get("x-acs-request-id").unwrap().to_str().unwrap(),
            parsed.request_id
        );
        assert_alibaba_error(
            &env.alibaba(describe_gateway(&id)).await,
            404,
            "InvalidVpnGatewayInstanceId.NotFound",
        );
    }
}

#[tokio::test]
async fn alibaba_authentication_failures_have_the_real_codes() {
    let env = env().await;
    env.gateway("vpn-auth", json!({})).await;

    let r = env
        .alibaba(describe_gateway("vpn-auth").key("nobody", "x"))
        .await;
    assert_alibaba_error(&r, 404, "InvalidAccessKeyId.NotFound");
    let r = env
        .alibaba(describe_gateway("vpn-auth").key("ak-off", "s-off"))
        .await;
    assert_alibaba_error(&r, 400, "InvalidAccessKeyId.Inactive");

    // A wrong secret: the message carries the server's string to sign, which the legacy SDK compares.
    let call = describe_gateway("vpn-auth")
        .key("emulator-ak", "wrong")
        .nonce("fixed-nonce-1")
        .timestamp(&format_utc(now_secs()));
    let r = env.alibaba(call.clone()).await;
    assert_alibaba_error(&r, 400, "SignatureDoesNotMatch");
    let message = r.json()["Message"].as_str().unwrap().to_owned();
    let prefix =
        "Specified signature is not matched with our calculation. server string to sign is:";
    let sts = message.strip_prefix(prefix).expect("documented prefix");
    let mut params: Vec<(String, String)> = vec![
        ("Action".into(), "DescribeVpnGateway".into()),
        ("Version".into(), "2016-04-28".into()),
        ("AccessKeyId".into(), "emulator-ak".into()),
        ("SignatureMethod".into(), "HMAC-SHA1".into()),
        ("SignatureVersion".into(), "1.0".into()),
        ("SignatureNonce".into(), "fixed-nonce-1".into()),
        ("Timestamp".into(), call.timestamp.clone().unwrap()),
    ];
    params.extend(call.params.iter().cloned());
    assert_eq!(sts, alibaba_v1::string_to_sign("POST", &params));

    let r = env
        .alibaba(
            describe_gateway("vpn-auth")
                .signature(AlibabaSignature::V3)
                .key("emulator-ak", "wrong"),
        )
        .await;
    assert_alibaba_error(&r, 400, "SignatureDoesNotMatch");
    assert!(
        r.json()["Message"]
            .as_str()
            .unwrap()
            .contains("ACS3-HMAC-SHA256\n")
    );

    for (signature, stale) in [
        (AlibabaSignature::V1, format_utc(now_secs() - 16 * 60)),
        (AlibabaSignature::V3, format_utc(now_secs() + 16 * 60)),
    ] {
        let r = env
            .alibaba(
                describe_gateway("vpn-auth")
                    .signature(signature)
                    .timestamp(&stale),
            )
            .await;
        assert_alibaba_error(&r, 400, "InvalidTimeStamp.Expired");
    }
    let r = env
        .alibaba(describe_gateway("vpn-auth").timestamp(&format_utc(now_secs() - 14 * 60)))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
    let r = env
        .alibaba(describe_gateway("vpn-auth").timestamp("2024-01-01 12:00:00"))
        .await;
    assert_alibaba_error(&r, 400, "InvalidTimeStamp.Format");

    for signature in [AlibabaSignature::V1, AlibabaSignature::V3] {
        let call = describe_gateway("vpn-auth")
            .signature(signature)
            .nonce(&format!("reused-{signature:?}"));
        assert_eq!(env.alibaba(call.clone()).await.status, 200);
        assert_alibaba_error(&env.alibaba(call).await, 400, "SignatureNonceUsed");
    }

    // Permissions: the operation's documented spelling for a sub-user, Forbidden for another key,
    // NoPermission for an operation that documents neither.
    let r = env
        .alibaba(delete_gateway("vpn-auth").key("ak-sub", "s-sub"))
        .await;
    assert_alibaba_error(&r, 403, "Forbbiden.SubUser");
    let r = env
        .alibaba(delete_enhanced("vpn-auth").key("ak-sub", "s-sub"))
        .await;
    assert_alibaba_error(&r, 403, "Forbidden.SubUser");
    assert_eq!(
        env.alibaba(describe_gateway("vpn-auth").key("ak-sub", "s-sub"))
            .await
            .status,
        200
    );
    let r = env
        .alibaba(delete_connection("vco-x").key("ak-none", "s-none"))
        .await;
    assert_alibaba_error(&r, 403, "Forbidden");
    let r = env
        .alibaba(describe_gateway("vpn-auth").key("ak-none", "s-none"))
        .await;
    assert_alibaba_error(&r, 403, "NoPermission");

    // Another account sees none of the default account's resources.
    let r = env
        .alibaba(describe_gateway("vpn-auth").key("ak-other", "s-other"))
        .await;
    assert_alibaba_error(&r, 404, "InvalidVpnGatewayInstanceId.NotFound");

    let r = env
        .alibaba(AlibabaCall::new("DescribeVpnGateway").param("RegionId", REGION))
        .await;
    assert_alibaba_error(&r, 400, "MissingParameter");
    assert!(
        r.json()["Message"]
            .as_str()
            .unwrap()
            .contains("\"VpnGatewayId\"")
    );
}

#[tokio::test]
async fn alibaba_routing_errors() {
    let env = env().await;
    let r = env
        .alibaba(AlibabaCall::new("CreateVpnGateway").param("RegionId", REGION))
        .await;
    assert_alibaba_error(&r, 400, "InvalidAction.NotFound");
    let mut call = describe_gateway("vpn-x");
    call.version = "2014-05-26".into();
    assert_alibaba_error(&env.alibaba(call).await, 400, "InvalidVersion");
    let r = env
        .alibaba(describe_gateway("vpn-x").method(Method::PUT))
        .await;
    assert_alibaba_error(&r, 400, "InvalidAction.NotFound");
}

#[tokio::test]
async fn alibaba_xml_format() {
    let env = env().await;
    env.gateway("vpn-xml", json!({})).await;
    env.connection("vco-xml", "vpn-xml").await;
    let r = env
        .alibaba(
            AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION)
                .format("XML"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), Some("text/xml;charset=utf-8"));
    let text = r.text();
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeVpnGatewaysResponse>"),
        "{text}"
    );
    assert!(
        text.contains("<VpnGateways><VpnGateway>")
            && text.contains("<VpnGatewayId>vpn-xml</VpnGatewayId>")
    );
    assert!(text.contains("<TotalCount>1</TotalCount>"));

    // Errors in XML too, and `xml` in any case (the Tea SDK sends lower case).
    let r = env
        .alibaba(
            delete_gateway("vpn-xml")
                .format("xml")
                .signature(AlibabaSignature::V3),
        )
        .await;
    assert_eq!(r.status, 400);
    let text = r.text();
    assert!(
        text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error>"),
        "{text}"
    );
    assert!(text.contains("<Code>DependencyViolation.VpnConnection</Code>"));
    assert!(text.contains("<Recommend>") && text.contains("<HostId>"));
}

#[tokio::test]
async fn alibaba_describe_answers_parse_into_the_generated_types() {
    let env = Env::start(EmulatorConfig::loopback()).await;
    env.gateway(
        "vpn-types",
        json!({"enhanced": true, "prepaid_until": "2099-01-01T00:00:00Z", "ssl_vpn_server": true}),
    )
    .await;
    env.gateway("vpn-plain", json!({})).await;
    env.connection("vco-types", "vpn-types").await;

    let g: DescribeVpnGatewayResponse =
        serde_json::from_slice(&env.alibaba(describe_gateway("vpn-types")).await.body).unwrap();
    assert_eq!(g.vpn_gateway_id.as_deref(), Some("vpn-types"));
    assert_eq!(g.status.as_deref(), Some("active"));
    assert_eq!(g.charge_type.as_deref(), Some("Prepay"));
    assert_eq!(g.gateway_type.as_deref(), Some("Enhanced.SiteToSite"));
    assert_eq!(g.end_time, Some(4_070_908_800_000));

    let list: DescribeVpnGatewaysResponse = serde_json::from_slice(
        &env.alibaba(
            AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION)
                .param("PageSize", "1")
                .param("PageNumber", "2"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(
        (list.total_count, list.page_number, list.page_size),
        (2, Some(2), Some(1))
    );
    assert_eq!(list.vpn_gateways.unwrap().vpn_gateway.len(), 1);

    let c: DescribeVpnConnectionResponse =
        serde_json::from_slice(&env.alibaba(describe_connection("vco-types")).await.body).unwrap();
    assert_eq!(c.vpn_gateway_id.as_deref(), Some("vpn-types"));
    assert_eq!(c.state.as_deref(), Some("active"));
    let cs: DescribeVpnConnectionsResponse = serde_json::from_slice(
        &env.alibaba(
            AlibabaCall::new("DescribeVpnConnections")
                .param("RegionId", REGION)
                .param("VpnGatewayId", "vpn-types"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(cs.total_count, 1);
    assert_eq!(
        cs.vpn_connections.unwrap().vpn_connection[0]
            .vpn_connection_id
            .as_deref(),
        Some("vco-types")
    );

    // Documented constraints are checked: PageSize is at most 50.
    let r = env
        .alibaba(
            AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION)
                .param("PageSize", "51"),
        )
        .await;
    assert_alibaba_error(&r, 400, "InvalidParameter");
}

#[tokio::test]
async fn tencent_accepts_get_and_post_with_both_hashes() {
    let env = env().await;
    for (i, (method, hash)) in [
        (Method::GET, "HmacSHA1"),
        (Method::GET, "HmacSHA256"),
        (Method::POST, "HmacSHA1"),
        (Method::POST, "HmacSHA256"),
    ]
    .into_iter()
    .enumerate()
    {
        let (vpc, gw, conn) = (
            format!("vpc-m{i}"),
            format!("vpngw-m{i}"),
            format!("vpnx-m{i}"),
        );
        env.tencent_chain(&vpc, &gw, &conn, json!({})).await;
        let r = env
            .tencent(
                delete_vpn_conn(&vpc, &gw, &conn)
                    .method(method.clone())
                    .signature_method(hash)
                    .region("gz"),
            )
            .await;
        assert_eq!(r.content_type(), Some("application/json"));
        let body = tencent_ok(&r);
        let parsed: DeleteVpnConnResponse = serde_json::from_value(body).unwrap();
        assert_eq!(parsed.code_desc.as_deref(), Some("Success"));
        let task: DescribeVpcTaskResultResponse = serde_json::from_value(tencent_ok(
            &env.tencent(task_result(parsed.data.task_id)).await,
        ))
        .unwrap();
        assert_eq!(task.data.status, 0, "{method} {hash}");
    }
}

#[tokio::test]
async fn tencent_authentication_failures_have_the_real_codes() {
    let env = env().await;
    env.tencent_chain("vpc-a", "vpngw-a", "vpnx-a", json!({}))
        .await;
    let list = || TencentCall::new("DescribeVpnConn");

    assert_tencent_error(
        &env.tencent(list().key("nobody", "x")).await,
        4104,
        "AuthFailure.SecretIdNotFound",
    );
    assert_tencent_error(
        &env.tencent(list().key("sid-off", "k-off")).await,
        4300,
        "AccessDenied",
    );
    assert_tencent_error(
        &env.tencent(list().key("emulator-sid", "wrong")).await,
        4100,
        "AuthFailure",
    );
    let stale = (now_secs() - 2 * 3600 - 5).to_string();
    assert_tencent_error(
        &env.tencent(list().timestamp(&stale)).await,
        4500,
        "ReplayAttack",
    );
    let fine = (now_secs() - 3600).to_string();
    tencent_ok(&env.tencent(list().timestamp(&fine)).await);
    let call = list().nonce("424242");
    tencent_ok(&env.tencent(call.clone()).await);
    assert_tencent_error(&env.tencent(call).await, 4500, "ReplayAttack");
    let r = env
        .tencent(delete_vpn_conn("vpc-a", "vpngw-a", "vpnx-a").key("sid-sub", "k-sub"))
        .await;
    assert_tencent_error(&r, 4101, "UnauthorizedOperation");
    let r = env
        .tencent(delete_vpn_conn("vpc-a", "vpngw-a", "vpnx-a").key("sid-none", "k-none"))
        .await;
    assert_tencent_error(&r, 4110, "UnauthorizedOperation");
    tencent_ok(&env.tencent(list().key("sid-none", "k-none")).await);

    assert_tencent_error(
        &env.tencent(TencentCall::new("DeleteVpc")).await,
        6100,
        "UnsupportedOperation",
    );
    let r = env
        .tencent(TencentCall::new("DeleteVpnConn").param("vpcId", "vpc-a"))
        .await;
    assert_tencent_error(&r, 4000, "InvalidParameter");
    let r = env
        .tencent(TencentCall::new("DescribeVpnConn").param("limit", "51"))
        .await;
    assert_tencent_error(&r, 4000, "InvalidParameter");
}

#[tokio::test]
async fn tencent_describe_answers_parse_into_the_generated_types() {
    let env = Env::start(EmulatorConfig::loopback()).await;
    env.tencent_chain("vpc-t", "vpngw-t", "vpnx-t1", json!({"name": "b"}))
        .await;
    env.seed(
        "/_emulator/tencent/vpn-connections",
        json!({"vpc_id": "vpc-t", "vpn_gateway_id": "vpngw-t", "id": "vpnx-t2", "name": "a"}),
    )
    .await;
    let r = env
        .tencent(
            TencentCall::new("DescribeVpnConn")
                .param("vpcId", "vpc-t")
                .param("orderField", "vpnConnName")
                .param("orderDirection", "asc"),
        )
        .await;
    let parsed: DescribeVpnConnResponse = serde_json::from_value(tencent_ok(&r)).unwrap();
    assert_eq!(parsed.total_count, 2);
    let ids: Vec<_> = parsed
        .data
        .iter()
        .map(|c| c.un_vpn_conn_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["vpnx-t2", "vpnx-t1"]);
    assert_eq!(parsed.data[0].vpc_conn_status, Some(6));
    assert!(parsed.data[0].ike_arr.is_some());
    // Old-style ids work as filters too.
    let legacy = parsed.data[0].vpn_gw_id.unwrap().to_string();
    let r = env
        .tencent(TencentCall::new("DescribeVpnConn").param("vpnGwId", &legacy))
        .await;
    assert_eq!(tencent_ok(&r)["totalCount"], 2);
    let r = env
        .tencent(TencentCall::new("DescribeVpnConn").param("vpcId", "vpc-nope"))
        .await;
    assert_tencent_error(&r, 5000, "InvalidVpc.NotFound");
}
