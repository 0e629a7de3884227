//! The asynchronous flows in each transition model (time, polls), seeded resources that change on their
//! own, and `ClientToken` replay.

mod support;

use cloudvpn_emulator::{Transition, Transitions};
use cloudvpn_types::alibaba_vpc::DescribeVpnGatewaysResponse;
use serde_json::json;
use std::time::Duration;
use support::*;

#[tokio::test]
async fn alibaba_connection_deletion_is_asynchronous_then_the_gateway_goes() {
    let ms = 1_500;
    let env = Env::with(Transitions::all(Transition::Time { ms })).await;
    env.gateway("vpn-a", json!({})).await;
    env.connection("vco-a", "vpn-a").await;

    assert_eq!(env.alibaba(delete_connection("vco-a")).await.status, 200);
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-a")).await)["Status"],
        "updating"
    );
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_connection("vco-a")).await)["State"],
        "deleting"
    );
    assert_alibaba_error(
        &env.alibaba(delete_gateway("vpn-a")).await,
        400,
        "VpnGateway.Configuring",
    );

    tokio::time::sleep(Duration::from_millis(ms + 200)).await;
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-a")).await)["Status"],
        "active"
    );
    assert_alibaba_error(
        &env.alibaba(describe_connection("vco-a")).await,
        404,
        "InvalidVpnConnectionInstanceId.NotFound",
    );

    assert_eq!(env.alibaba(delete_gateway("vpn-a")).await.status, 200);
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-a")).await)["Status"],
        "deleting"
    );
    assert_alibaba_error(
        &env.alibaba(delete_gateway("vpn-a")).await,
        400,
        "VpnGateway.Configuring",
    );
    tokio::time::sleep(Duration::from_millis(ms + 200)).await;
    assert_alibaba_error(
        &env.alibaba(describe_gateway("vpn-a")).await,
        404,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
    // What Terraform polls after DeleteEnhancedVpnGateway.
    let list: DescribeVpnGatewaysResponse = serde_json::from_slice(
        &env.alibaba(
            cloudvpn_emulator::signed::AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION)
                .param("VpnGatewayId", "vpn-a"),
        )
        .await
        .body,
    )
    .unwrap();
    assert_eq!(list.total_count, 0);
}

#[tokio::test]
async fn poll_based_transitions_complete_after_n_describes() {
    let env = Env::with(Transitions::all(Transition::Polls { count: 2 })).await;
    env.gateway("vpn-p", json!({})).await;
    env.connection("vco-p", "vpn-p").await;
    assert_eq!(env.alibaba(delete_connection("vco-p")).await.status, 200);
    // Deletes do not count as polls.
    assert_alibaba_error(
        &env.alibaba(delete_gateway("vpn-p")).await,
        400,
        "VpnGateway.Configuring",
    );
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-p")).await)["Status"],
        "updating"
    );
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_connection("vco-p")).await)["State"],
        "deleting"
    );
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-p")).await)["Status"],
        "active"
    );

    env.tencent_chain("vpc-p", "vpngw-p", "vpnx-p", json!({}))
        .await;
    let task = tencent_ok(
        &env.tencent(delete_vpn_conn("vpc-p", "vpngw-p", "vpnx-p"))
            .await,
    )["data"]["taskId"]
        .as_i64()
        .unwrap();
    let statuses: Vec<i64> = {
        let mut out = Vec::new();
        for _ in 0..3 {
            out.push(
                tencent_ok(&env.tencent(task_result(task)).await)["data"]["status"]
                    .as_i64()
                    .unwrap(),
            );
        }
        out
    };
    assert_eq!(statuses, [2, 2, 0]);
}

#[tokio::test]
async fn tencent_task_goes_from_running_to_done_or_failed() {
    let ms = 1_500;
    let env = Env::with(Transitions::all(Transition::Time { ms })).await;
    env.tencent_chain("vpc-t", "vpngw-t", "vpnx-ok", json!({}))
        .await;
    env.seed(
        "/_emulator/tencent/vpn-connections",
        json!({"vpc_id": "vpc-t", "vpn_gateway_id": "vpngw-t", "id": "vpnx-bad", "deletion_fails": true}),
    )
    .await;

    let ok = tencent_ok(
        &env.tencent(delete_vpn_conn("vpc-t", "vpngw-t", "vpnx-ok"))
            .await,
    );
    assert_eq!(ok["data"]["vpcConnId"], "vpnx-ok");
    assert_eq!(ok["data"]["state"], 4);
    let ok_task = ok["data"]["taskId"].as_i64().unwrap();
    let bad_task = tencent_ok(
        &env.tencent(delete_vpn_conn("vpc-t", "vpngw-t", "vpnx-bad"))
            .await,
    )["data"]["taskId"]
        .as_i64()
        .unwrap();
    assert_ne!(ok_task, bad_task);
    assert_eq!(
        tencent_ok(&env.tencent(task_result(ok_task)).await)["data"]["status"],
        2
    );
    let listed = tencent_ok(
        &env.tencent(
            cloudvpn_emulator::signed::TencentCall::new("DescribeVpnConn")
                .param("vpnConnId", "vpnx-ok"),
        )
        .await,
    );
    assert_eq!(listed["data"][0]["vpcConnStatus"], 4);

    tokio::time::sleep(Duration::from_millis(ms + 200)).await;
    assert_eq!(
        tencent_ok(&env.tencent(task_result(ok_task)).await)["data"]["status"],
        0
    );
    assert_eq!(
        tencent_ok(&env.tencent(task_result(bad_task)).await)["data"]["status"],
        1
    );
    let listed = tencent_ok(
        &env.tencent(
            cloudvpn_emulator::signed::TencentCall::new("DescribeVpnConn").param("vpcId", "vpc-t"),
        )
        .await,
    );
    assert_eq!(listed["totalCount"], 1);
    assert_eq!(listed["data"][0]["unVpnConnId"], "vpnx-bad");
    assert_eq!(listed["data"][0]["vpcConnStatus"], 5);
    assert_tencent_error(
        &env.tencent(delete_vpn_conn("vpc-t", "vpngw-t", "vpnx-ok"))
            .await,
        5000,
        "InvalidVpnConn.NotFound",
    );
    assert_tencent_error(
        &env.tencent(task_result(999_999)).await,
        5000,
        "ResourceNotFound",
    );
}

#[tokio::test]
async fn seeded_gateways_provision_and_prepaid_terms_expire() {
    let ms = 1_500;
    let env = Env::with(Transitions::all(Transition::Time { ms })).await;
    env.gateway("vpn-new", json!({"status": "provisioning"}))
        .await;
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-new")).await)["Status"],
        "provisioning"
    );
    let soon = now_ms() + ms;
    env.gateway("vpn-term", json!({"prepaid_until": soon}))
        .await;
    assert_alibaba_error(
        &env.alibaba(delete_gateway("vpn-term")).await,
        403,
        "ForbiddenRelease",
    );
    tokio::time::sleep(Duration::from_millis(ms + 200)).await;
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-new")).await)["Status"],
        "active"
    );
    assert_eq!(env.alibaba(delete_gateway("vpn-term")).await.status, 200);
}

#[tokio::test]
async fn client_token_replays_the_first_success() {
    let env = Env::with(slow()).await;
    env.gateway("vpn-i", json!({})).await;
    env.gateway("vpn-j", json!({})).await;
    let first = alibaba_ok(
        &env.alibaba(delete_gateway("vpn-i").param("ClientToken", "tok-1"))
            .await,
    );
    // Repeated: same answer, same RequestId, and no second change (a plain repeat would be refused).
    let again = env
        .alibaba(delete_gateway("vpn-i").param("ClientToken", "tok-1"))
        .await;
    assert_eq!(alibaba_ok(&again)["RequestId"], first["RequestId"]);
    assert_eq!(
        again
            .headers
            .get("x-acs-request-id")
            .unwrap()
            .to_str()
            .unwrap(),
        first["RequestId"].as_str().unwrap()
    );
    let plain = env.alibaba(delete_gateway("vpn-i")).await;
    assert_alibaba_error(&plain, 400, "VpnGateway.Configuring");
    // The same token with other parameters.
    let r = env
        .alibaba(delete_gateway("vpn-j").param("ClientToken", "tok-1"))
        .await;
    assert_alibaba_error(&r, 400, "IdempotentParameterMismatch");
    // Tokens are per action: the same token on another operation is a new call.
    let r = env
        .alibaba(delete_connection("vco-none").param("ClientToken", "tok-1"))
        .await;
    assert_alibaba_error(&r, 404, "InvalidVpnConnectionInstanceId.NotFound");
    // Errors are not recorded: a retry with the same token after a retryable error can succeed.
    let env = Env::with(Transitions::all(Transition::Polls { count: 1 })).await;
    env.gateway("vpn-k", json!({})).await;
    env.connection("vco-r", "vpn-k").await;
    env.connection("vco-s", "vpn-k").await;
    assert_eq!(env.alibaba(delete_connection("vco-r")).await.status, 200);
    let busy = env
        .alibaba(delete_connection("vco-s").param("ClientToken", "tok-2"))
        .await;
    assert_alibaba_error(&busy, 400, "VpnGateway.Configuring");
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-k")).await)["Status"],
        "updating"
    );
    assert_eq!(
        alibaba_ok(&env.alibaba(describe_gateway("vpn-k")).await)["Status"],
        "active"
    );
    let r = env
        .alibaba(delete_connection("vco-s").param("ClientToken", "tok-2"))
        .await;
    assert_eq!(r.status, 200, "{}", r.text());
}
