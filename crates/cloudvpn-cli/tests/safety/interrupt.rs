//! Ctrl-C says what was already accepted, and `--wait` waits until its deadline.

use super::*;
use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::timing::{Transition, Transitions};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Reads the child's stderr until a line containing `marker`, and returns all it read.
fn read_until(reader: &mut impl BufRead, marker: &str) -> String {
    let mut seen = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 0 {
        seen.push_str(&line);
        if line.contains(marker) {
            break;
        }
        line.clear();
    }
    seen
}

/// Ends the child after `secs` unless the test has waited for it (`done`), so that a marker that never
/// comes fails the test instead of hanging it, and a pid reused after the child's end is left alone.
fn watchdog(pid: u32, secs: u64) -> Arc<AtomicBool> {
    let done = Arc::new(AtomicBool::new(false));
    let seen = done.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(secs));
        if !seen.load(Ordering::SeqCst) {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &pid.to_string()])
                .status();
        }
    });
    done
}

/// Ctrl-C while waiting: what was accepted (ids, request id) is printed, and the exit code is 130.
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_while_waiting_names_what_was_accepted_and_exits_130() {
    let e = emulator_with(Transitions::all(Transition::Time { ms: 60_000 })).await;
    seed_gateway(&e, "vpn-int", &["vco-int"]).await;
    seed_tencent(&e, "vpc-int", "vpngw-int", &["vpnx-int"]).await;
    let base = e.base_url();
    for (args, accepted) in [
        (
            vec![
                "alibaba",
                "delete-vpn-connection",
                "--region",
                REGION,
                "--vpn-connection-id",
                "vco-int",
                "--wait",
            ],
            "DeleteVpnConnection VpnConnectionId=vco-int (request id ",
        ),
        (
            vec![
                "teardown",
                "tencent-v2",
                "--vpc-id",
                "vpc-int",
                "--vpn-gw-id",
                "vpngw-int",
            ],
            "DeleteVpnConn vpnConnId=vpnx-int (",
        ),
    ] {
        let mut all = args.clone();
        all.extend(["--endpoint", base.as_str()]);
        let mut child = command(&all)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        let pid = child.id();
        let done = watchdog(pid, 60);
        let stderr_pipe = child.stderr.take().expect("stderr");
        let (seen, status) = tokio::task::spawn_blocking(move || {
            let mut reader = BufReader::new(stderr_pipe);
            let mut seen = read_until(&mut reader, "waiting for");
            interrupt(pid);
            let mut rest = String::new();
            let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
            seen.push_str(&rest);
            let status = child.wait().expect("wait");
            done.store(true, Ordering::SeqCst);
            (seen, status)
        })
        .await
        .expect("join");
        assert_eq!(status.code(), Some(130), "{all:?}: {seen}");
        assert!(seen.contains("interrupted"), "{seen}");
        assert!(seen.contains(accepted), "{all:?}: {seen}");
        assert!(seen.contains("may still be completing"), "{seen}");
    }
}

/// Ctrl-C or a timeout while a deletion is on its way (sent, not answered): the summary cannot say
/// "nothing was changed", and names the call as possibly accepted.
#[tokio::test(flavor = "multi_thread")]
async fn an_unanswered_deletion_is_reported_as_possibly_accepted() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-slow-answer", &[]).await;
    let rule: FaultRule = serde_json::from_value(
        serde_json::json!({"action": "DeleteVpnGateway", "latency_ms": 30_000}),
    )
    .expect("rule");
    e.handle().add_faults(vec![rule]).expect("fault");
    let base = e.base_url();
    let args = [
        "alibaba",
        "delete-vpn-gateway",
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-slow-answer",
        "--debug",
        "--endpoint",
        base.as_str(),
    ];
    let mut child = command(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let done = watchdog(pid, 60);
    let stderr_pipe = child.stderr.take().expect("stderr");
    let (seen, status) = tokio::task::spawn_blocking(move || {
        let mut reader = BufReader::new(stderr_pipe);
        // --debug logs the request as it goes out.
        let mut seen = read_until(&mut reader, "--> attempt 1");
        std::thread::sleep(std::time::Duration::from_millis(300));
        interrupt(pid);
        let mut rest = String::new();
        let _ = std::io::Read::read_to_string(&mut reader, &mut rest);
        seen.push_str(&rest);
        let status = child.wait().expect("wait");
        done.store(true, Ordering::SeqCst);
        (seen, status)
    })
    .await
    .expect("join");
    assert_eq!(status.code(), Some(130), "{seen}");
    assert!(!seen.contains("nothing was changed"), "{seen}");
    assert!(
        seen.contains("sent, with no answer yet")
            && seen.contains("DeleteVpnGateway VpnGatewayId=vpn-slow-answer"),
        "{seen}"
    );

    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-slow-answer",
            "--timeout",
            "1",
        ],
    )
    .await;
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("VpnGatewayId=vpn-slow-answer was sent and may have been accepted"),
        "{}",
        stderr(&o)
    );
}

/// `--timeout 4 --wait` on a deletion that completes at 2 s succeeds: the last poll is made at the
/// deadline. One that completes later times out with exit 5, saying what was accepted.
#[tokio::test(flavor = "multi_thread")]
async fn wait_gives_up_only_at_its_deadline_and_says_what_is_still_running() {
    // Polls at about 0, 0.5 and 1.5 s; the next delay (4 s) would cross the deadline, so the last poll is
    // made at 4 s, and sees the deletion that completed at 2 s. (Before, the wait gave up at 1.5 s.)
    let e = emulator_with(Transitions {
        alibaba_vpn_connection: Transition::Time { ms: 2_000 },
        ..Transitions::all(Transition::Time { ms: 60_000 })
    })
    .await;
    seed_gateway(&e, "vpn-dl", &["vco-dl"]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-connection",
            "--region",
            REGION,
            "--vpn-connection-id",
            "vco-dl",
            "--wait",
            "--timeout",
            "4",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("InvalidVpnConnectionInstanceId.NotFound"),
        "{}",
        stderr(&o)
    );

    let e = emulator_with(Transitions::all(Transition::Time { ms: 60_000 })).await;
    seed_gateway(&e, "vpn-slow", &["vco-slow"]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "delete-vpn-connection",
            "--region",
            REGION,
            "--vpn-connection-id",
            "vco-slow",
            "--wait",
            "--timeout",
            "2",
        ],
    )
    .await;
    assert_eq!(code(&o), 5, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("DeleteVpnConnection VpnConnectionId=vco-slow (request id ")
            && err.contains("was accepted and may still be running"),
        "{err}"
    );
    assert!(err.contains("not complete after"), "{err}");
}
