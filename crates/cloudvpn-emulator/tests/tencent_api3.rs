//! Tencent Cloud API 3.0 end to end, through the runtime's `cloudvpn::tencent::VpcClient`: every
//! signature (TC3 POST and GET, the old-style HmacSHA256 and HmacSHA1 forms) at `/` beside Alibaba RPC,
//! the authentication failures, one world with v2 (seeded through the control routes), asynchronous
//! deletions with their task, the refusals the specs document, and the list calls' selection.

mod support;

use cloudvpn::credentials::{Secret, TencentCredentials};
use cloudvpn::test_util::FixedClock;
use cloudvpn::transport::HttpMethod;
use cloudvpn::{Api3SignatureMethod, RetryConfig, TencentApi3ClientBuilder, tencent};
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::TencentCall;
use cloudvpn_emulator::{EmulatorConfig, Transition, Transitions};
use cloudvpn_types::tencent_vpc::describe_vpn_gateways::FilterObject;
use serde_json::json;
use std::sync::Arc;
use support::*;

const GZ: &str = "ap-guangzhou";

fn client(env: &Env, signature: Api3SignatureMethod, http: HttpMethod) -> tencent::VpcClient {
    builder(env, "emulator-skey")
        .signature_method(signature)
        .http_method(http)
        .build()
        .expect("client")
}

fn builder(env: &Env, secret: &str) -> TencentApi3ClientBuilder<tencent::VpcClient> {
    tencent::VpcClient::builder()
        .endpoint(format!("http://{}", env.host()))
        .region(GZ)
        .credentials(TencentCredentials::new("emulator-sid", Secret::new(secret)))
        .retry(RetryConfig::deterministic(1))
}

/// A VPC, a gateway and `connections` connections on it, seeded through the control routes in Guangzhou.
async fn chain(env: &Env, gateway: &str, connections: &[&str], extra: serde_json::Value) {
    env.seed(
        "/_emulator/tencent/vpcs",
        json!({"id": "vpc-1", "region": GZ}),
    )
    .await;
    let mut g = json!({"vpc_id": "vpc-1", "id": gateway, "region": GZ});
    if let (Some(g), Some(extra)) = (g.as_object_mut(), extra.as_object()) {
        g.extend(extra.clone());
    }
    env.seed("/_emulator/tencent/vpn-gateways", g).await;
    for c in connections {
        env.seed(
            "/_emulator/tencent/vpn-connections",
            json!({"vpc_id": "vpc-1", "vpn_gateway_id": gateway, "id": c, "region": GZ}),
        )
        .await;
    }
}

#[tokio::test]
async fn every_signature_is_served_at_the_root_beside_alibaba() {
    let env = Env::immediate().await;
    chain(&env, "vpngw-sig00000", &[], json!({})).await;
    for (signature, http) in [
        (Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post),
        (Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Get),
        (Api3SignatureMethod::HmacSha256, HttpMethod::Post),
        (Api3SignatureMethod::HmacSha1, HttpMethod::Get),
    ] {
        let out = client(&env, signature, http)
            .describe_vpn_gateways()
            .vpn_gateway_ids(["vpngw-sig00000"])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?} {http:?}: {e}"));
        assert_eq!(out.total_count, Some(1), "{signature:?} {http:?}");
        assert_eq!(out.vpn_gateway_set[0].state.as_deref(), Some("AVAILABLE"));
        assert!(!out.request_id.is_empty());
    }
    // Alibaba RPC still answers at `/`.
    assert_alibaba_error(
        &env.alibaba(describe_gateway("vpn-none")).await,
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
}

#[tokio::test]
async fn authentication_failures_have_the_real_codes() {
    let env = Env::immediate().await;
    let wrong = builder(&env, "not-the-secret").build().unwrap();
    let err = wrong.describe_vpn_gateways().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SignatureFailure"), "{err}");

    let unknown = tencent::VpcClient::builder()
        .endpoint(format!("http://{}", env.host()))
        .region(GZ)
        .credentials(TencentCredentials::new("nobody", Secret::new("x")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .unwrap();
    let err = unknown.describe_vpn_gateways().send().await.unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.SecretIdNotFound"), "{err}");

    // Signed six minutes ago: outside the 5-minute window.
    let stale_at = u64::try_from(now_secs() - 360).unwrap();
    for signature in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
    ] {
        let stale = builder(&env, "emulator-skey")
            .signature_method(signature)
            .clock(Arc::new(FixedClock::at_unix(stale_at)))
            .build()
            .unwrap();
        let err = stale.describe_vpn_gateways().send().await.unwrap_err();
        assert_eq!(err.code(), Some("AuthFailure.SignatureExpire"), "{err}");
    }
}

#[tokio::test]
async fn one_world_with_v2_and_deletions_are_tasks() {
    // Two observations show a deletion running: v2's DescribeVpnConn and the first DescribeVpcTaskResult.
    let env = Env::with(Transitions::all(Transition::Polls { count: 2 })).await;
    chain(
        &env,
        "vpngw-00000001",
        &["vpnx-00000001", "vpnx-00000002"],
        json!({}),
    )
    .await;
    let api3 = client(&env, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post);

    // Seeded through the control routes, listed by 3.0.
    let listed = api3
        .describe_vpn_connections()
        .vpn_gateway_id("vpngw-00000001")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.total_count, Some(2));

    // A 3.0 deletion is a task named by its RequestId, seen by v2 as "deleting" (4).
    let accepted = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000001")
        .vpn_connection_id("vpnx-00000001")
        .send()
        .await
        .unwrap();
    let v2 = tencent_ok(
        &env.tencent(
            TencentCall::new("DescribeVpnConn")
                .param("Region", "gz")
                .param("vpnConnId", "vpnx-00000001"),
        )
        .await,
    );
    assert_eq!(v2["data"][0]["vpcConnStatus"], 4, "{v2}");

    // Concurrent deletes on the gateway: the same connection again, another one, the gateway itself.
    let again = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000001")
        .vpn_connection_id("vpnx-00000001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        again.code(),
        Some("UnsupportedOperation.DeleteVpnConnInvalidState")
    );
    let other = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000001")
        .vpn_connection_id("vpnx-00000002")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        other.code(),
        Some("UnsupportedOperation.MutexOperationTaskRunning")
    );
    let gateway = api3
        .delete_vpn_gateway()
        .vpn_gateway_id("vpngw-00000001")
        .send()
        .await
        .unwrap_err();
    assert_eq!(gateway.code(), Some("UnsupportedOperation"));

    // RUNNING (the second observation), then SUCCESS; the connection is gone for both APIs.
    let task = |id: String| api3.describe_vpc_task_result().task_id(id).send();
    let first = task(accepted.request_id.clone()).await.unwrap();
    assert_eq!(first.status.as_deref(), Some("RUNNING"));
    let second = task(accepted.request_id.clone()).await.unwrap();
    assert_eq!(second.status.as_deref(), Some("SUCCESS"));
    let v2 = tencent_ok(
        &env.tencent(TencentCall::new("DescribeVpnConn").param("Region", "gz"))
            .await,
    );
    assert_eq!(v2["totalCount"], 1, "{v2}");

    // A v2 deletion shows in 3.0; then the gateway has no tunnel left and its deletion is awaited.
    let deleted = tencent_ok(
        &env.tencent(
            delete_vpn_conn("vpc-1", "vpngw-00000001", "vpnx-00000002").param("Region", "gz"),
        )
        .await,
    );
    let v2_task = deleted["data"]["taskId"].as_i64().unwrap();
    let listed = api3
        .describe_vpn_connections()
        .vpn_connection_ids(["vpnx-00000002"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.vpn_connection_set[0].state.as_deref(),
        Some("DELETING")
    );
    // 3.0's DescribeVpnConnections was its first observation, this its second, the next one sees it done.
    let task = |n| env.tencent(task_result(n).param("Region", "gz"));
    let running = tencent_ok(&task(v2_task).await);
    assert_eq!(running["data"]["status"], 2, "{running}");
    let done = tencent_ok(&task(v2_task).await);
    assert_eq!(done["data"]["status"], 0, "{done}");
    api3.delete_vpn_gateway()
        .vpn_gateway_id("vpngw-00000001")
        .send_and_wait()
        .await
        .unwrap();
    let gone = api3
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-00000001"])
        .send()
        .await
        .unwrap();
    assert_eq!(gone.total_count, Some(0));
}

#[tokio::test]
async fn a_describe_observes_the_running_deletions_of_other_gateways_too() {
    // One observation leaves a deletion running, the second completes it.
    let env = Env::with(Transitions::all(Transition::Polls { count: 1 })).await;
    chain(&env, "vpngw-00000001", &["vpnx-00000001"], json!({})).await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-1", "id": "vpngw-00000002", "region": GZ}),
    )
    .await;
    env.seed(
        "/_emulator/tencent/vpn-connections",
        json!({"vpc_id": "vpc-1", "vpn_gateway_id": "vpngw-00000002", "id": "vpnx-00000002", "region": GZ}),
    )
    .await;
    let api3 = client(&env, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post);
    let accepted = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000001")
        .vpn_connection_id("vpnx-00000001")
        .send()
        .await
        .unwrap();

    // A task on gateway 1 does not make gateway 2 busy.
    let other = api3
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-00000002")
        .vpn_connection_id("vpnx-00000002")
        .send()
        .await
        .unwrap();

    // Describes that return only gateway 2 and its connection are still observations of gateway 1's
    // task: after two of them it is done, and its first DescribeVpcTaskResult already says so.
    let gateways = api3
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-00000002"])
        .send()
        .await
        .unwrap();
    assert_eq!(gateways.total_count, Some(1));
    let connections = api3
        .describe_vpn_connections()
        .vpn_connection_ids(["vpnx-00000002"])
        .send()
        .await
        .unwrap();
    assert_eq!(connections.total_count, Some(0), "{connections:?}");
    let task = |id: String| api3.describe_vpc_task_result().task_id(id).send();
    let first = task(accepted.request_id.clone()).await.unwrap();
    assert_eq!(first.status.as_deref(), Some("SUCCESS"));
    let second = task(other.request_id.clone()).await.unwrap();
    assert_eq!(second.status.as_deref(), Some("SUCCESS"));
    let left = api3.describe_vpn_connections().send().await.unwrap();
    assert_eq!(left.total_count, Some(0), "{left:?}");
}

#[tokio::test]
async fn gateways_that_may_not_be_deleted_are_refused() {
    let env = Env::immediate().await;
    chain(
        &env,
        "vpngw-prepaid0",
        &[],
        json!({"prepaid_until": now_ms() + 3_600_000}),
    )
    .await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-1", "id": "vpngw-ccn00000", "region": GZ, "ccn_id": "ccn-1"}),
    )
    .await;
    let api3 = client(&env, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post);
    for id in ["vpngw-prepaid0", "vpngw-ccn00000"] {
        let err = api3
            .delete_vpn_gateway()
            .vpn_gateway_id(id)
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("UnsupportedOperation"), "{id}: {err}");
    }
    let err = api3
        .delete_vpn_gateway()
        .vpn_gateway_id("vpngw-none0000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidVpnGatewayId.NotFound"));
    let prepaid = api3
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-prepaid0"])
        .send()
        .await
        .unwrap();
    assert_eq!(
        prepaid.vpn_gateway_set[0].instance_charge_type.as_deref(),
        Some("PREPAID")
    );
}

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

#[tokio::test]
async fn a_temporary_key_needs_its_session_token() {
    let mut keys = Credentials::defaults();
    keys.add_tencent(Key::new("tmp-sid", "tmp-skey").session_token("tok-right"));
    let env = Env::start(
        EmulatorConfig::loopback()
            .credentials(keys)
            .transitions(Transitions::immediate()),
    )
    .await;
    for signature in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
    ] {
        let with = |token: Option<&str>| {
            let credentials = TencentCredentials::new("tmp-sid", Secret::new("tmp-skey"));
            let credentials = match token {
                Some(t) => credentials.with_token(t),
                None => credentials,
            };
            tencent::VpcClient::builder()
                .endpoint(format!("http://{}", env.host()))
                .region(GZ)
                .credentials(credentials)
                .signature_method(signature)
                .retry(RetryConfig::deterministic(1))
                .build()
                .unwrap()
        };
        for wrong in [None, Some("tok-wrong")] {
            let err = with(wrong)
                .describe_vpn_gateways()
                .send()
                .await
                .unwrap_err();
            assert_eq!(
                err.code(),
                Some("AuthFailure.TokenFailure"),
                "{signature:?} {wrong:?}: {err}"
            );
        }
        with(Some("tok-right"))
            .describe_vpn_gateways()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{signature:?}: {e}"));
    }
}

#[tokio::test]
async fn a_web_page_is_refused_in_the_api3_envelope() {
    let env = Env::immediate().await;
    let addr = env.emulator.local_addr();
    let request = format!(
        "POST / HTTP/1.1\r\nHost: {}\r\nOrigin: http://attacker.example\r\nX-TC-Action: DescribeVpnGateways\r\n\
         Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}",
        env.host()
    );
    let (status, body) = raw_exchange(addr, &request).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["Response"]["Error"]["Code"], "UnauthorizedOperation",
        "{body}"
    );
    assert!(body["Response"]["RequestId"].is_string(), "{body}");
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
