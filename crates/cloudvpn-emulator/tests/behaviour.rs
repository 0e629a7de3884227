//! What the operations do: every documented error of every Delete operation reached (checked against the
//! generated metadata), the asynchronous flows in each transition model, and `ClientToken` replay.

mod support;

use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::RawResponse;
use cloudvpn_emulator::{EmulatorConfig, Transition, Transitions};
use cloudvpn_types::Operation;
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
    DescribeVpnGatewaysResponse,
};
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use support::*;

const LONG: Transition = Transition::Time { ms: 60_000 };

fn slow() -> Transitions {
    Transitions::all(LONG)
}

/// Collects (operation, code) pairs as they are answered, checking each status against the metadata.
#[derive(Default)]
struct Reached(BTreeSet<(String, String)>);

impl Reached {
    #[track_caller]
    fn alibaba(&mut self, op: &OperationMeta, r: &RawResponse, code: &str) {
        let doc = op.documented_error(code).expect("a documented code");
        assert_alibaba_error(r, doc.statuses[0], doc.code);
        self.0.insert((op.action.to_owned(), doc.code.to_owned()));
    }

    #[track_caller]
    fn tencent(&mut self, op: &OperationMeta, r: &RawResponse, code: &str, envelope: i64) {
        assert_tencent_error(r, envelope, code);
        self.0.insert((op.action.to_owned(), code.to_owned()));
    }

    #[track_caller]
    fn covers(&self, op: &OperationMeta) {
        for e in op.errors {
            assert!(
                self.0.contains(&(op.action.to_owned(), e.code.to_owned())),
                "{}: documented error {} was never reached",
                op.action,
                e.code
            );
        }
    }
}

fn keys() -> Credentials {
    let mut c = Credentials::defaults();
    c.add_alibaba(
        Key::new("ak-sub", "s")
            .sub_user()
            .allow(Vec::<String>::new()),
    );
    c.add_alibaba(Key::new("ak-none", "s").allow(Vec::<String>::new()));
    c
}

#[tokio::test]
async fn every_documented_alibaba_delete_error_is_reachable() {
    let env = Env::start(
        EmulatorConfig::loopback()
            .credentials(keys())
            .transitions(slow()),
    )
    .await;
    let handle = env.emulator.handle();
    let mut reached = Reached::default();
    let (gw, enh, conn) = (
        DeleteVpnGatewayRequest::META,
        DeleteEnhancedVpnGatewayRequest::META,
        DeleteVpnConnectionRequest::META,
    );

    // Permissions.
    for (op, call) in [
        (gw, delete_gateway("vpn-1")),
        (enh, delete_enhanced("vpn-1")),
        (conn, delete_connection("vco-1")),
    ] {
        let r = env.alibaba(call.clone().key("ak-sub", "s")).await;
        reached.alibaba(op, &r, "Forbbiden.SubUser");
        let r = env.alibaba(call.key("ak-none", "s")).await;
        reached.alibaba(op, &r, "Forbidden");
    }

    // Not found, including a standard gateway given to the enhanced call.
    env.gateway("vpn-std", json!({})).await;
    reached.alibaba(
        gw,
        &env.alibaba(delete_gateway("vpn-none")).await,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-std")).await,
        "InvalidVpnGatewayInstanceId.NotFound",
    );
    reached.alibaba(
        conn,
        &env.alibaba(delete_connection("vco-none")).await,
        "InvalidVpnConnectionInstanceId.NotFound",
    );

    // Prepaid within its term.
    env.gateway("vpn-pre", json!({"prepaid_until": "2099-01-01T00:00:00Z"}))
        .await;
    env.gateway(
        "vpn-pre-e",
        json!({"prepaid_until": 4_070_908_800_000_u64, "enhanced": true}),
    )
    .await;
    reached.alibaba(
        gw,
        &env.alibaba(delete_gateway("vpn-pre")).await,
        "ForbiddenRelease",
    );
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-pre-e")).await,
        "ForbiddenRelease",
    );

    // Dependencies.
    env.gateway("vpn-dep", json!({})).await;
    env.gateway("vpn-dep-e", json!({"enhanced": true})).await;
    env.connection("vco-dep", "vpn-dep").await;
    env.connection("vco-dep-e", "vpn-dep-e").await;
    reached.alibaba(
        gw,
        &env.alibaba(delete_gateway("vpn-dep")).await,
        "DependencyViolation.VpnConnection",
    );
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-dep-e")).await,
        "VpnDependencyViolation.VpnConnection",
    );
    env.gateway("vpn-ssl", json!({"ssl_vpn_server": true}))
        .await;
    reached.alibaba(
        gw,
        &env.alibaba(delete_gateway("vpn-ssl")).await,
        "DependencyViolation.SslVpnServer",
    );

    // A gateway being created.
    env.gateway("vpn-init", json!({"status": "init"})).await;
    env.connection("vco-init", "vpn-init").await;
    reached.alibaba(
        conn,
        &env.alibaba(delete_connection("vco-init")).await,
        "Appliance.Configuring",
    );
    reached.alibaba(
        gw,
        &env.alibaba(delete_gateway("vpn-init")).await,
        "VpnGateway.Configuring",
    );

    // A connection deletion in progress: the gateway is updating.
    env.gateway("vpn-upd", json!({"enhanced": true})).await;
    env.connection("vco-upd-1", "vpn-upd").await;
    env.connection("vco-upd-2", "vpn-upd").await;
    assert_eq!(
        env.alibaba(delete_connection("vco-upd-1")).await.status,
        200
    );
    reached.alibaba(
        conn,
        &env.alibaba(delete_connection("vco-upd-1")).await,
        "VpnConnection.Configuring",
    );
    reached.alibaba(
        conn,
        &env.alibaba(delete_connection("vco-upd-2")).await,
        "VpnGateway.Configuring",
    );
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-upd")).await,
        "VpnGateway.Configuring",
    );

    // Conflicting tasks: inside the conflict window the task-conflict codes answer instead.
    handle.set_transitions(Transitions {
        conflict_window_ms: 60_000,
        ..slow()
    });
    env.gateway("vpn-tc", json!({"enhanced": true})).await;
    env.connection("vco-tc-1", "vpn-tc").await;
    env.connection("vco-tc-2", "vpn-tc").await;
    assert_eq!(env.alibaba(delete_connection("vco-tc-1")).await.status, 200);
    reached.alibaba(
        conn,
        &env.alibaba(delete_connection("vco-tc-2")).await,
        "VpnTask.CONFLICT",
    );
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-tc")).await,
        "TaskConflict",
    );
    // DeleteVpnGateway documents no task-conflict code: it keeps answering VpnGateway.Configuring.
    assert_alibaba_error(
        &env.alibaba(delete_gateway("vpn-tc")).await,
        400,
        "VpnGateway.Configuring",
    );

    // A server-side failure comes from a fault rule, with its documented status (400 for this call).
    handle
        .add_faults(vec![
            serde_json::from_value(
                json!({"action": "DeleteEnhancedVpnGateway", "error": "InternalError", "count": 1}),
            )
            .unwrap(),
        ])
        .unwrap();
    reached.alibaba(
        enh,
        &env.alibaba(delete_enhanced("vpn-none")).await,
        "InternalError",
    );

    for op in [gw, enh, conn] {
        reached.covers(op);
    }
}

#[tokio::test]
async fn every_documented_tencent_delete_error_is_reachable() {
    let env = Env::with(slow()).await;
    let op = DeleteVpnConnRequest::META;
    let mut reached = Reached::default();
    env.tencent_chain("vpc-1", "vpngw-1", "vpnx-1", json!({}))
        .await;
    env.seed("/_emulator/tencent/vpcs", json!({"id": "vpc-2"}))
        .await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-2", "id": "vpngw-2"}),
    )
    .await;
    env.seed(
        "/_emulator/tencent/vpn-connections",
        json!({"vpc_id": "vpc-1", "vpn_gateway_id": "vpngw-1", "id": "vpnx-creating", "status": 0}),
    )
    .await;

    let r = env
        .tencent(delete_vpn_conn("vpc-nope", "vpngw-1", "vpnx-1"))
        .await;
    reached.tencent(op, &r, "InvalidVpc.NotFound", 5000);
    // The gateway exists, but in another VPC.
    let r = env
        .tencent(delete_vpn_conn("vpc-1", "vpngw-2", "vpnx-1"))
        .await;
    reached.tencent(op, &r, "InvalidVpnGw.NotFound", 5000);
    let r = env
        .tencent(delete_vpn_conn("vpc-1", "vpngw-1", "vpnx-nope"))
        .await;
    reached.tencent(op, &r, "InvalidVpnConn.NotFound", 5000);
    let r = env
        .tencent(delete_vpn_conn("vpc-1", "vpngw-1", "vpnx-creating"))
        .await;
    reached.tencent(op, &r, "InvalidVpnConnState", 5100);
    tencent_ok(
        &env.tencent(delete_vpn_conn("vpc-1", "vpngw-1", "vpnx-1"))
            .await,
    );
    let r = env
        .tencent(delete_vpn_conn("vpc-1", "vpngw-1", "vpnx-1"))
        .await;
    reached.tencent(op, &r, "InvalidVpnConnState", 5100);
    reached.covers(op);
}

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
