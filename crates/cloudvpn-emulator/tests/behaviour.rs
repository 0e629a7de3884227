//! What the operations do: every documented error of every Delete operation reached (checked against the
//! generated metadata), the asynchronous flows in each transition model, and `ClientToken` replay.

mod support;

use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::signed::RawResponse;
use cloudvpn_emulator::{EmulatorConfig, Transitions};
use cloudvpn_types::Operation;
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
};
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use serde_json::json;
use std::collections::BTreeSet;
use support::*;

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
