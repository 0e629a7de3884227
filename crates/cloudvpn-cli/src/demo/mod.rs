//! `cloudvpn demo`: the emulator in-process on a free loopback port, seeded with gateways and connections in
//! both clouds, and the documented deletions of every API (Alibaba's three, Tencent v2's one, Tencent API
//! 3.0's two) walked through as a user would meet them: an attempt that fails with a documented error and
//! why, the fix, the asynchronous completion awaited with progress, and a closing summary. No network
//! beyond loopback, no setup.
//!
//! `seed.rs` fills the emulator, `narrate.rs` prints what happens; the scenes are here, in order.

mod narrate;
mod seed;

use crate::failure::{Failure, Kind};
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::{
    AlibabaClient, ApiClient, RetryConfig, TencentApi3Client, TencentClient, WaitOptions,
};
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
};
use cloudvpn_types::tencent_vpc as api3;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use narrate::{Deleted, Row, expect_error, scene, send_and_wait, summary};
use seed::{API3_CONNECTION, API3_GATEWAY, seed, seed_prepaid};
use std::time::{Duration, Instant};

const REGION: &str = "cn-hangzhou";
const TENCENT_REGION: &str = "ap-guangzhou";
/// How many scenes the demo has.
const SCENES: u32 = 5;
const SUB_USER_AK: &str = "demo-ram-user";
const SUB_USER_SECRET: &str = "demo-ram-user-secret";

/// Runs the demo; `fast` makes every asynchronous transition complete after two polls.
pub async fn run(fast: bool) -> Result<(), Failure> {
    let started = Instant::now();
    let transitions = if fast {
        Transitions::all(Transition::Polls { count: 2 })
    } else {
        Transitions {
            alibaba_vpn_gateway: Transition::Time { ms: 1_500 },
            alibaba_vpn_connection: Transition::Time { ms: 2_500 },
            tencent_vpn_connection: Transition::Time { ms: 2_000 },
            conflict_window_ms: 0,
        }
    };
    let mut credentials = Credentials::defaults();
    credentials.add_alibaba(
        Key::new(SUB_USER_AK, SUB_USER_SECRET)
            .sub_user()
            .allow(Vec::<String>::new()),
    );
    let emulator = Emulator::start(
        EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(transitions),
    )
    .await
    .map_err(|e| internal(format!("cannot start the emulator: {e}")))?;
    let base = emulator.base_url();
    println!(
        "cloudvpn demo — the emulator is listening on {base} (loopback only, nothing leaves this machine)\n"
    );

    let prepaid_term = if fast { 1_500 } else { 4_000 };
    seed(&emulator).await?;

    let owner = AlibabaClient::builder()
        .endpoint(&base)
        .credentials(AlibabaCredentials::new(
            "emulator-ak",
            Secret::new("emulator-secret"),
        ))
        .build()
        .map_err(|e| internal(e.to_string()))?;
    let sub_user = AlibabaClient::builder()
        .endpoint(&base)
        .credentials(AlibabaCredentials::new(
            SUB_USER_AK,
            Secret::new(SUB_USER_SECRET),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .map_err(|e| internal(e.to_string()))?;
    let tencent = TencentClient::builder()
        .endpoint(&base)
        .region(TENCENT_REGION)
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .build()
        .map_err(|e| internal(e.to_string()))?;
    let api3 = TencentApi3Client::builder()
        .endpoint(&base)
        .region(TENCENT_REGION)
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .build()
        .map_err(|e| internal(e.to_string()))?;
    let mut deleted = Deleted::new();
    let waiting = WaitOptions {
        min_delay: Duration::from_millis(250),
        max_delay: Duration::from_secs(1),
        deadline: Duration::from_secs(60),
    };
    let mut rows = Vec::new();

    // 1. DeleteVpnConnection: a RAM sub-user without permission, then the account's own key.
    scene(
        1,
        "alibaba delete-vpn-connection --vpn-connection-id vco-demo-1",
        "DeleteVpnConnection is asynchronous: the connection is gone a little after the call returns",
    );
    let request = DeleteVpnConnectionRequest::new(REGION, "vco-demo-1");
    let first = expect_error(sub_user.send(request.clone()).await, "a RAM sub-user's key")?;
    println!("  fix: use the account owner's key (or grant the sub-user vpc:DeleteVpnConnection)");
    let done = send_and_wait(&owner, request, &waiting, &mut deleted).await?;
    rows.push(Row {
        operation: "DeleteVpnConnection",
        first_attempt: first,
        fix: "owner's key",
        completed: done,
    });

    // 2. DeleteVpnGateway on a gateway that still has a connection.
    scene(
        2,
        "alibaba delete-vpn-gateway --vpn-gateway-id vpn-demo-2",
        "a gateway with IPsec connections cannot be deleted",
    );
    let first = expect_error(
        owner
            .send(DeleteVpnGatewayRequest::new(REGION, "vpn-demo-2"))
            .await,
        "the owner's key",
    )?;
    println!(
        "  fix: delete the gateway's connection vco-demo-2 first, wait for the gateway to settle, try again"
    );
    send_and_wait(
        &owner,
        DeleteVpnConnectionRequest::new(REGION, "vco-demo-2"),
        &waiting,
        &mut deleted,
    )
    .await?;
    let done = send_and_wait(
        &owner,
        DeleteVpnGatewayRequest::new(REGION, "vpn-demo-2"),
        &waiting,
        &mut deleted,
    )
    .await?;
    rows.push(Row {
        operation: "DeleteVpnGateway",
        first_attempt: first,
        fix: "delete its connection first",
        completed: done,
    });

    // 3. DeleteEnhancedVpnGateway on a prepaid gateway within its term.
    scene(
        3,
        "alibaba delete-enhanced-vpn-gateway --vpn-gateway-id vpn-demo-enh",
        "a prepaid gateway cannot be deleted within its subscription term",
    );
    // Seeded now, so that its subscription term is still running however long scenes 1 and 2 took.
    seed_prepaid(&emulator, prepaid_term).await?;
    println!(
        "  seeded enhanced gateway vpn-demo-enh, prepaid for another {:.1} s",
        prepaid_term as f64 / 1000.0
    );
    let request = DeleteEnhancedVpnGatewayRequest::new(REGION, "vpn-demo-enh");
    let first = expect_error(owner.send(request.clone()).await, "the owner's key")?;
    println!(
        "  fix: wait for the subscription to end ({:.1} s in this demo), then delete",
        prepaid_term as f64 / 1000.0
    );
    tokio::time::sleep(Duration::from_millis(prepaid_term + 200)).await;
    let done = send_and_wait(&owner, request, &waiting, &mut deleted).await?;
    rows.push(Row {
        operation: "DeleteEnhancedVpnGateway",
        first_attempt: first,
        fix: "wait for the term to end",
        completed: done,
    });

    // 4. Tencent DeleteVpnConn with the wrong VPC.
    scene(
        4,
        "tencent-v2 delete-vpn-conn --vpc-id vpc-wrong --vpn-gw-id vpngw-demo --vpn-conn-id vpnx-demo",
        "the VPC, gateway and connection IDs must belong together",
    );
    let first = expect_error(
        tencent
            .send(DeleteVpnConnRequest::new(
                "vpc-wrong",
                "vpngw-demo",
                "vpnx-demo",
            ))
            .await,
        "the owner's key",
    )?;
    println!("  fix: the connection's own VPC, vpc-demo");
    let done = send_and_wait(
        &tencent,
        DeleteVpnConnRequest::new("vpc-demo", "vpngw-demo", "vpnx-demo"),
        &waiting,
        &mut deleted,
    )
    .await?;
    rows.push(Row {
        operation: "DeleteVpnConn (Tencent v2)",
        first_attempt: first,
        fix: "the right --vpc-id",
        completed: done,
    });

    // 5. Tencent Cloud API 3.0: DeleteVpnGateway on a gateway that still has a tunnel.
    scene(
        5,
        "tencent delete-vpn-gateway --vpn-gateway-id vpngw-demo3api",
        "Tencent Cloud API 3.0: a gateway with VPN connections cannot be deleted",
    );
    let first = expect_error(
        api3.send(api3::DeleteVpnGatewayRequest::new(API3_GATEWAY))
            .await,
        "the owner's key",
    )?;
    println!(
        "  fix: delete its connection {API3_CONNECTION} first (awaited through DescribeVpcTaskResult), then the gateway"
    );
    send_and_wait(
        &api3,
        api3::DeleteVpnConnectionRequest::new(API3_GATEWAY, API3_CONNECTION),
        &waiting,
        &mut deleted,
    )
    .await?;
    let done = send_and_wait(
        &api3,
        api3::DeleteVpnGatewayRequest::new(API3_GATEWAY),
        &waiting,
        &mut deleted,
    )
    .await?;
    rows.push(Row {
        operation: "DeleteVpnGateway (Tencent 3.0)",
        first_attempt: first,
        fix: "delete its connection first",
        completed: done,
    });

    summary(&rows, deleted.len(), started.elapsed());
    emulator
        .shutdown()
        .await
        .map_err(|e| internal(format!("the emulator did not stop cleanly: {e}")))?;
    Ok(())
}

fn internal(message: String) -> Failure {
    Failure {
        kind: Kind::Transport,
        message,
    }
}
