//! `--dry-run` of every subcommand changes nothing; teardown's dry run prints its plan.

use super::*;
use cloudvpn_emulator::faults::FaultRule;
use std::net::TcpListener;

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

/// A value for a required argument: the seeded resource it names (`tencent`: in the Tencent world), else
/// a possible value, else a placeholder id (a dry run sends nothing, so any well-formed value will do).
fn value_for(arg: &clap::Arg, tencent: bool) -> String {
    let gateway = if tencent { "vpngw-dry00000" } else { "vpn-dry" };
    let connection = if tencent { "vpnx-dry00000" } else { "vco-dry" };
    let known = [
        ("VpnGatewayId", gateway),
        ("vpn-gateway-id", gateway),
        ("VpnConnectionId", connection),
        ("vpcId", "vpc-dry"),
        ("vpc-id", "vpc-dry"),
        ("vpnGwId", "vpngw-dry00000"),
        ("vpn-gw-id", "vpngw-dry00000"),
        ("vpnConnId", "vpnx-dry00000"),
        // STS: values that pass the documented lengths (a session name of 2+, a token of 4+ characters).
        ("RoleSessionName", "dry-run"),
        ("role-session-name", "dry-run"),
        ("OIDCToken", "dry.run.token"),
        ("oidc-token", "dry.run.token"),
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
    seed_tencent(&e, "vpc-dry", "vpngw-dry00000", &["vpnx-dry00000"]).await;
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
        let tencent_api = cloudvpn_cli::cli::api_for_group(&path[0])
            .is_some_and(|api| api.provider == cloudvpn_types::meta::Provider::Tencent);
        let tencent = tencent_api || path.iter().any(|w| w.starts_with("tencent"));
        let region = if tencent { TENCENT_REGION } else { REGION };
        let mut args: Vec<String> = path.clone();
        for arg in cmd.get_arguments().filter(|a| a.is_required_set()) {
            let value = value_for(arg, tencent);
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
        stop.contains("prepaid") && stop.contains("would answer ForbiddenRelease;"),
        "{plan}"
    );
    // One sentence as a person would write it: no run of spaces left over from a line break in the source.
    assert!(!stop.contains("  "), "{stop:?}");
    assert!(stderr(&o).contains("would stop: the gateway is prepaid"));
}
