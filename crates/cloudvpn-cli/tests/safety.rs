//! Nothing destructive by surprise: `--dry-run` of every subcommand changes nothing, a closed stdout ends
//! the command quietly, Ctrl-C says what was already accepted, and `--wait` waits until its deadline.

mod support;

use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use cloudvpn_emulator::timing::{Transition, Transitions};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use support::*;

/// Every leaf of the command tree, as the words that reach it, with its arguments (`help` left out).
fn leaves(cmd: &clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, clap::Command)>) {
    let subs: Vec<&clap::Command> = cmd
        .get_subcommands()
        .filter(|s| s.get_name() != "help")
        .collect();
    if subs.is_empty() {
        out.push((path, cmd.clone()));
        return;
    }
    for s in subs {
        let mut p = path.clone();
        p.push(s.get_name().to_owned());
        leaves(s, p, out);
    }
}

/// A value for a required argument: the seeded resource it names, else a possible value, else a
/// placeholder id (a dry run sends nothing, so any well-formed value will do).
fn value_for(arg: &clap::Arg) -> String {
    let known = [
        ("VpnGatewayId", "vpn-dry"),
        ("vpn-gateway-id", "vpn-dry"),
        ("VpnConnectionId", "vco-dry"),
        ("vpcId", "vpc-dry"),
        ("vpc-id", "vpc-dry"),
        ("vpnGwId", "vpngw-dry"),
        ("vpn-gw-id", "vpngw-dry"),
        ("vpnConnId", "vpnx-dry"),
    ];
    let id = arg.get_id().as_str();
    if let Some((_, v)) = known.iter().find(|(k, _)| *k == id) {
        return (*v).to_owned();
    }
    if let Some(first) = arg.get_possible_values().first() {
        return first.get_name().to_owned();
    }
    "1".to_owned()
}

/// Every subcommand with `--dry-run`: operations open no connection at all; teardown may only describe;
/// the emulator's state is byte-identical afterwards and no mutating action reached it. A new subcommand
/// is covered without being listed here.
#[tokio::test(flavor = "multi_thread")]
async fn dry_run_of_every_subcommand_changes_nothing() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-dry", &["vco-dry"]).await;
    seed_tencent(&e, "vpc-dry", "vpngw-dry", &["vpnx-dry"]).await;
    // Count every call of a mutating action (a 1 ms delay is all these rules do).
    let mutating: Vec<&str> = cloudvpn_types::all_operations()
        .filter(|op| !op.read_only)
        .map(|op| op.action)
        .collect();
    assert!(mutating.len() >= 4, "{mutating:?}");
    let rules: Vec<FaultRule> = mutating
        .iter()
        .map(|a| {
            serde_json::from_value(serde_json::json!({"action": a, "latency_ms": 1})).expect("rule")
        })
        .collect();
    e.handle().add_faults(rules).expect("counting rules");
    let before = serde_json::to_string(&e.handle().state().await.expect("state")).expect("json");

    // Operations must not even connect: their endpoint is a listener that only counts.
    let silent = TcpListener::bind("127.0.0.1:0").expect("listener");
    silent.set_nonblocking(true).expect("nonblocking");
    let silent_url = format!("http://{}", silent.local_addr().expect("addr"));

    let mut all = Vec::new();
    leaves(&cloudvpn_cli::cli::command(), Vec::new(), &mut all);
    let mut ran = 0;
    for (path, cmd) in &all {
        let is_operation = cloudvpn_cli::cli::api_for_group(&path[0]).is_some();
        let endpoint = if is_operation {
            silent_url.clone()
        } else {
            e.base_url()
        };
        let region = if path.iter().any(|w| w == "tencent") {
            TENCENT_REGION
        } else {
            REGION
        };
        let mut args: Vec<String> = path.clone();
        for arg in cmd.get_arguments().filter(|a| a.is_required_set()) {
            let value = value_for(arg);
            match arg.get_long() {
                Some(long) => args.extend([format!("--{long}"), value]),
                None => args.push(value),
            }
        }
        args.extend([
            "--dry-run".to_owned(),
            "--endpoint".to_owned(),
            endpoint,
            "--region".to_owned(),
            region.to_owned(),
        ]);
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = cloudvpn(&words).await;
        let shown = format!("cloudvpn {}", words.join(" "));
        match path[0].as_str() {
            // These send nothing to a cloud; the long-running ones refuse the flag instead of ignoring it.
            "demo" | "emulator" => {
                assert_eq!(code(&o), 2, "{shown}: {}", stderr(&o));
                assert!(stderr(&o).contains("--dry-run"), "{shown}: {}", stderr(&o));
            }
            _ => assert_eq!(code(&o), 0, "{shown}: {}", stderr(&o)),
        }
        if is_operation {
            assert!(
                stdout(&o).starts_with("POST ") || stdout(&o).starts_with("GET "),
                "{shown} printed no request: {}",
                stdout(&o)
            );
        }
        if path[0] == "teardown" {
            assert!(
                stderr(&o).contains("nothing was changed"),
                "{shown}: {}",
                stderr(&o)
            );
        }
        ran += 1;
    }
    assert!(
        ran >= 12,
        "only {ran} subcommands found: {:?}",
        all.iter().map(|(p, _)| p.join(" ")).collect::<Vec<_>>()
    );
    assert!(
        matches!(silent.accept(), Err(ref err) if err.kind() == std::io::ErrorKind::WouldBlock),
        "an operation under --dry-run opened a connection"
    );
    let after = serde_json::to_string(&e.handle().state().await.expect("state")).expect("json");
    assert_eq!(before, after, "the emulator's state changed");
    for rule in e.handle().faults() {
        assert_eq!(
            rule.hits, 0,
            "{:?} reached the emulator under --dry-run",
            rule.rule.action
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn teardown_dry_run_prints_the_plan_and_what_would_stop_it() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-plan", &["vco-p1", "vco-p2"]).await;
    e.handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-prepaid".into()),
            prepaid_until: Some(cloudvpn_emulator::seed::TimeMs(now_ms() + 86_400_000)),
            ..Default::default()
        })
        .await
        .expect("prepaid gateway");
    let o = call(
        &e,
        &[
            "teardown",
            "alibaba",
            "--dry-run",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-plan",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let plan = stdout_json(&o);
    assert_eq!(plan["DryRun"], true);
    assert_eq!(plan["GatewayDeleted"], false);
    let steps: Vec<String> = plan["Plan"]
        .as_array()
        .expect("plan")
        .iter()
        .map(|s| s.as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(steps.len(), 3, "{steps:?}");
    assert!(
        steps[0].starts_with("DeleteVpnConnection vco-p1"),
        "{steps:?}"
    );
    assert!(
        steps[1].starts_with("DeleteVpnConnection vco-p2"),
        "{steps:?}"
    );
    assert!(
        steps[2].starts_with("DeleteVpnGateway vpn-plan"),
        "{steps:?}"
    );
    // Both connections are still there.
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-connections",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-plan",
        ],
    )
    .await;
    assert_eq!(stdout_json(&o)["TotalCount"], 2, "{}", stdout(&o));

    let o = call(
        &e,
        &[
            "teardown",
            "alibaba",
            "--dry-run",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-prepaid",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let plan = stdout_json(&o);
    let stop = plan["WouldStop"][0].as_str().unwrap_or_default();
    assert!(
        stop.contains("prepaid") && stop.contains("ForbiddenRelease"),
        "{plan}"
    );
    assert!(stderr(&o).contains("would stop: the gateway is prepaid"));
}

/// `cloudvpn … | head -c1` and friends: exit 0, no panic, no backtrace. Each output is larger than a pipe
/// buffer, so the command is still writing when `head` goes away.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_the_command_quietly() {
    let e = emulator().await;
    let seeds = (0..200)
        .map(|i| AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some(format!("vpn-pipe-{i:03}")),
            ..Default::default()
        })
        .collect();
    e.handle()
        .seed_alibaba_gateways(seeds)
        .await
        .expect("gateways");
    let bin = env!("CARGO_BIN_EXE_cloudvpn");
    let base = e.base_url();
    for line in [
        format!("{bin} completions bash | head -c1"),
        format!("{bin} completions powershell | head -c1"),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} | head -c1"
        ),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} -o table | head -n1"
        ),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} -o text | true"
        ),
        // The demo narrates with println!, which the closed-stdout hook turns into a quiet exit.
        format!("{bin} demo --fast | head -n1"),
    ] {
        let script = format!("{line}; exit ${{PIPESTATUS[0]}}");
        let c = command(&[]);
        let o = tokio::task::spawn_blocking(move || {
            // The clean environment of `command`, for bash and the binary it starts.
            std::process::Command::new("bash")
                .args(["-c", &script])
                .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
                .env_remove("RUST_BACKTRACE")
                .output()
                .expect("bash runs")
        })
        .await
        .expect("join");
        assert_eq!(code(&o), 0, "{line}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{line}: {}", stderr(&o));
    }
}

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

fn interrupt(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
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
                "tencent",
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

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
