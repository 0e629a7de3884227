//! One world with v2 (seeded through the control routes), asynchronous deletions with their task, and the
//! gateways that may not be deleted.

use super::*;

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
