//! `cloudvpn demo`: the emulator in-process on a free loopback port, seeded with gateways and connections in
//! both clouds, and the four documented deletions walked through as a user would meet them: an attempt that
//! fails with a documented error and why, the fix, the asynchronous completion awaited with progress, and a
//! closing summary. No network beyond loopback, no setup.

use crate::failure::{Failure, Kind};
use crate::invoke::wait_with_progress;
use crate::journal::Accepted;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::{AlibabaClient, ApiClient, Error, RetryConfig, TencentClient, WaitOptions};
use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed, TimeMs,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use cloudvpn_types::alibaba_vpc::{
    DeleteEnhancedVpnGatewayRequest, DeleteVpnConnectionRequest, DeleteVpnGatewayRequest,
};
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use cloudvpn_types::{Completable, OperationError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const REGION: &str = "cn-hangzhou";
const SUB_USER_AK: &str = "demo-ram-user";
const SUB_USER_SECRET: &str = "demo-ram-user-secret";

/// One row of the closing summary.
struct Row {
    operation: &'static str,
    first_attempt: String,
    fix: &'static str,
    completed: String,
}

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
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .build()
        .map_err(|e| internal(e.to_string()))?;
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
    let done = send_and_wait(&owner, request, &waiting).await?;
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
    )
    .await?;
    let done = send_and_wait(
        &owner,
        DeleteVpnGatewayRequest::new(REGION, "vpn-demo-2"),
        &waiting,
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
    let done = send_and_wait(&owner, request, &waiting).await?;
    rows.push(Row {
        operation: "DeleteEnhancedVpnGateway",
        first_attempt: first,
        fix: "wait for the term to end",
        completed: done,
    });

    // 4. Tencent DeleteVpnConn with the wrong VPC.
    scene(
        4,
        "tencent delete-vpn-conn --vpc-id vpc-wrong --vpn-gw-id vpngw-demo --vpn-conn-id vpnx-demo",
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
    )
    .await?;
    rows.push(Row {
        operation: "DeleteVpnConn (Tencent v2)",
        first_attempt: first,
        fix: "the right --vpc-id",
        completed: done,
    });

    summary(&rows, started.elapsed());
    emulator
        .shutdown()
        .await
        .map_err(|e| internal(format!("the emulator did not stop cleanly: {e}")))?;
    Ok(())
}

/// The enhanced gateway whose prepaid term ends `term_ms` from now.
async fn seed_prepaid(emulator: &Emulator, term_ms: u64) -> Result<(), Failure> {
    emulator
        .handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-demo-enh".into()),
            enhanced: true,
            prepaid_until: Some(TimeMs(now_ms() + term_ms)),
            ..Default::default()
        })
        .await
        .map(|_| ())
        .map_err(|e| internal(format!("cannot seed the emulator: {e}")))
}

async fn seed(emulator: &Emulator) -> Result<(), Failure> {
    let h = emulator.handle();
    let fail = |e: String| internal(format!("cannot seed the emulator: {e}"));
    for gateway in ["vpn-demo-1", "vpn-demo-2"] {
        h.seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some(gateway.into()),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?;
    }
    for (connection, gateway) in [("vco-demo-1", "vpn-demo-1"), ("vco-demo-2", "vpn-demo-2")] {
        h.seed_alibaba_connection(AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some(connection.into()),
            vpn_gateway_id: gateway.into(),
            ..Default::default()
        })
        .await
        .map_err(|e| fail(e.to_string()))?;
    }
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some("vpc-demo".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| fail(e.to_string()))?;
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-demo".into(),
        id: Some("vpngw-demo".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| fail(e.to_string()))?;
    h.seed_tencent_connection(TencentConnectionSeed {
        vpc_id: "vpc-demo".into(),
        vpn_gateway_id: "vpngw-demo".into(),
        id: Some("vpnx-demo".into()),
        ..Default::default()
    })
    .await
    .map_err(|e| fail(e.to_string()))?;
    println!(
        "seeded: Alibaba gateways vpn-demo-1 (connection vco-demo-1), vpn-demo-2 (connection vco-demo-2),"
    );
    println!("        Tencent VPC vpc-demo, gateway vpngw-demo, connection vpnx-demo\n");
    Ok(())
}

fn scene(n: u32, command: &str, rule: &str) {
    println!("{n}/4  cloudvpn {command}");
    println!("     ({rule})");
}

/// The first attempt must fail with a documented error; prints it and why.
fn expect_error<T, E: OperationError>(
    result: Result<T, Error<E>>,
    who: &str,
) -> Result<String, Failure> {
    match result {
        Ok(_) => Err(internal(
            "the first attempt was expected to fail and did not".to_owned(),
        )),
        Err(Error::Service(e)) => {
            let status = e
                .info()
                .http_status
                .map(|s| format!(", HTTP {s}"))
                .unwrap_or_default();
            println!(
                "  attempt with {who}: {}{status}: {}",
                e.code(),
                e.message()
            );
            if let Some(doc) = e.documented() {
                println!("  why: {}", doc.hint);
            }
            Ok(e.code().to_owned())
        }
        Err(other) => Err(Failure::from_sdk(other)),
    }
}

/// Sends, then waits for completion with progress; returns how long completion took.
async fn send_and_wait<C: ApiClient, O: Completable>(
    client: &C,
    request: O,
    options: &WaitOptions,
) -> Result<String, Failure> {
    let out = client
        .send(request.clone())
        .await
        .map_err(Failure::from_sdk)?;
    let request_id = serde_json::to_value(&out)
        .ok()
        .and_then(|v| match (v.get("RequestId"), v.pointer("/data/taskId")) {
            (Some(serde_json::Value::String(id)), _) => Some(format!("request id {id}")),
            (_, Some(task)) => Some(format!("task {task}")),
            _ => None,
        })
        .unwrap_or_default();
    println!(
        "  ✓ {} accepted ({request_id}); waiting for completion",
        O::META.action
    );
    let accepted = Accepted::new(
        O::META.action,
        String::new(),
        &serde_json::to_value(&out).unwrap_or_default(),
    );
    let done = wait_with_progress(client, &request, &out, options, &accepted).await?;
    println!(
        "  ✓ done: {} shows {} after {:.1} s\n",
        O::META.completion.map(|c| c.poll_action).unwrap_or(""),
        done.observed,
        done.elapsed.as_secs_f64()
    );
    Ok(format!(
        "{:.1} s, {} polls",
        done.elapsed.as_secs_f64(),
        done.polls
    ))
}

fn summary(rows: &[Row], elapsed: Duration) {
    let headers = ["Operation", "First attempt", "Fix", "Completion"];
    let cells: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| {
            [
                r.operation,
                r.first_attempt.as_str(),
                r.fix,
                r.completed.as_str(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: [&str; 4]| {
        let parts: Vec<String> = (0..4)
            .map(|i| format!("{:<w$}", c[i], w = widths[i]))
            .collect();
        format!("| {} |", parts.join(" | "))
    };
    println!("Summary");
    println!("{}", line(headers));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", rule.join("-|-"));
    for c in cells {
        println!("{}", line(c));
    }
    println!(
        "\nAll four documented deletions completed in {:.1} s.",
        elapsed.as_secs_f64()
    );
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

fn internal(message: String) -> Failure {
    Failure {
        kind: Kind::Transport,
        message,
    }
}
