//! `cloudvpn sweep` end to end against the embedded emulator: the plan changes nothing and lists exactly
//! the selected set; `--apply --yes` deletes exactly that set with its connections and leaves the rest;
//! prepaid and excluded gateways are skipped with reasons; throttled runs finish with no failures; an
//! interrupted run resumed from its journal finishes with nothing deleted twice; `--apply` without a
//! terminal or `--yes` refuses with nothing sent.

mod support;

use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::rate_limits::RateLimitConfig;
use cloudvpn_emulator::seed::{AlibabaGatewaySeed, TencentGatewaySeed, TimeMs};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, seed::AlibabaConnectionSeed, seed::TencentConnectionSeed};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};
use support::*;

const MUTATING: [&str; 3] = [
    "DeleteVpnConnection",
    "DeleteVpnGateway",
    "DeleteEnhancedVpnGateway",
];

fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn in_days(days: u64) -> TimeMs {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    TimeMs(now + days * 86_400_000)
}

async fn alibaba_gateway(
    e: &Emulator,
    id: &str,
    name: &str,
    t: &[(&str, &str)],
    connections: usize,
) {
    alibaba_gateway_with(e, id, name, t, connections, None).await;
}

async fn alibaba_gateway_with(
    e: &Emulator,
    id: &str,
    name: &str,
    t: &[(&str, &str)],
    connections: usize,
    prepaid_until: Option<TimeMs>,
) {
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        name: Some(name.into()),
        tags: tags(t),
        prepaid_until,
        ..Default::default()
    })
    .await
    .expect("seed gateway");
    let seeds = (0..connections)
        .map(|i| AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some(format!("vco-{id}-{i}")),
            vpn_gateway_id: id.into(),
            ..Default::default()
        })
        .collect();
    h.seed_alibaba_connections(seeds)
        .await
        .expect("seed connections");
}

async fn tencent_gateway(
    e: &Emulator,
    id: &str,
    name: &str,
    ccn: Option<&str>,
    connections: usize,
) {
    let h = e.handle();
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-sweep".into(),
        id: Some(id.into()),
        name: Some(name.into()),
        ccn_id: ccn.map(str::to_owned),
        tags: tags(&[("env", "ci")]),
        ..Default::default()
    })
    .await
    .expect("seed gateway");
    let seeds = (0..connections)
        .map(|i| TencentConnectionSeed {
            vpc_id: "vpc-sweep".into(),
            vpn_gateway_id: id.into(),
            id: Some(format!("vpnx-{}{i}", &id[6..13])),
            ..Default::default()
        })
        .collect();
    h.seed_tencent_connections(seeds)
        .await
        .expect("seed connections");
}

/// A fleet with every case: deletable ci gateways in both clouds, one that no filter selects, a prepaid one
/// within its term, one with an excluded tag, one bound to a CCN.
async fn fleet(e: &Emulator) {
    alibaba_gateway(e, "vpn-ci-a", "ci-a", &[("env", "ci")], 2).await;
    alibaba_gateway(e, "vpn-ci-b", "ci-b", &[("env", "ci")], 1).await;
    alibaba_gateway(e, "vpn-prod", "prod", &[("env", "prod")], 1).await;
    alibaba_gateway_with(
        e,
        "vpn-ci-paid",
        "ci-paid",
        &[("env", "ci")],
        0,
        Some(in_days(30)),
    )
    .await;
    alibaba_gateway(
        e,
        "vpn-ci-keep",
        "ci-keep",
        &[("env", "ci"), ("keep", "true")],
        1,
    )
    .await;
    e.handle()
        .seed_tencent_vpc(cloudvpn_emulator::seed::TencentVpcSeed {
            id: Some("vpc-sweep".into()),
            ..Default::default()
        })
        .await
        .expect("vpc");
    tencent_gateway(e, "vpngw-ci000001", "ci-t1", None, 2).await;
    tencent_gateway(e, "vpngw-ci000002", "ci-t2", Some("ccn-1"), 0).await;
    tencent_gateway(e, "vpngw-prod0001", "prod-t", None, 1).await;
}

/// Slows every mutating call down by a millisecond so that its rule counts the calls: a plan must leave
/// every count at zero.
fn watch_mutations(e: &Emulator) {
    let rules = ["alibaba", "tencent"]
        .iter()
        .flat_map(|p| {
            MUTATING.iter().map(move |a| FaultRule {
                provider: Some((*p).to_owned()),
                action: Some((*a).to_owned()),
                error: None,
                status: None,
                message: None,
                drop_connection: false,
                latency_ms: 1,
                probability: 1.0,
                count: None,
                seed: 0,
            })
        })
        .collect();
    e.handle().add_faults(rules).expect("rules");
}

fn mutations(e: &Emulator) -> u64 {
    e.handle().faults().iter().map(|r| r.hits).sum()
}

/// Gateway and connection ids left in the emulator, per cloud.
async fn left(e: &Emulator) -> (BTreeSet<String>, BTreeSet<String>) {
    let state = e.handle().state().await.expect("state");
    let mut gateways = BTreeSet::new();
    let mut connections = BTreeSet::new();
    for account in state["accounts"]
        .as_object()
        .into_iter()
        .flat_map(|a| a.values())
    {
        for cloud in ["alibaba", "tencent"] {
            for region in account[cloud]
                .as_object()
                .into_iter()
                .flat_map(|r| r.values())
            {
                let keys = |v: &Value| -> Vec<String> {
                    v.as_object()
                        .map(|m| m.keys().cloned().collect())
                        .unwrap_or_default()
                };
                gateways.extend(keys(&region["vpn_gateways"]));
                connections.extend(keys(&region["vpn_connections"]));
            }
        }
    }
    (gateways, connections)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

fn report(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("report is JSON")
}

/// `(id, outcome, skip reason)` of every gateway in a report.
fn outcomes(r: &Value) -> BTreeMap<String, (String, String)> {
    r["gateways"]
        .as_array()
        .expect("gateways")
        .iter()
        .map(|g| {
            (
                g["id"].as_str().unwrap().to_owned(),
                (
                    g["outcome"].as_str().unwrap().to_owned(),
                    g["skip"]["reason"].as_str().unwrap_or("").to_owned(),
                ),
            )
        })
        .collect()
}

const FILTERS: [&str; 10] = [
    "--region",
    REGION,
    "--region",
    TENCENT_REGION,
    "--name",
    "ci-*",
    "--exclude-tag",
    "keep=true",
    "--tag",
    "env=ci",
];

fn expected_selection() -> BTreeMap<String, (String, String)> {
    [
        ("vpn-ci-a", "would_delete", ""),
        ("vpn-ci-b", "would_delete", ""),
        ("vpn-ci-paid", "skipped", "prepaid_within_term"),
        ("vpn-ci-keep", "skipped", "excluded_tag"),
        ("vpngw-ci000001", "would_delete", ""),
        ("vpngw-ci000002", "skipped", "ccn_attached"),
    ]
    .iter()
    .map(|(id, o, r)| ((*id).to_owned(), ((*o).to_owned(), (*r).to_owned())))
    .collect()
}

#[tokio::test]
async fn the_plan_lists_exactly_the_selected_set_and_sends_no_mutating_call() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    let mut args = vec!["sweep", "--report", path.to_str().unwrap()];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(outcomes(&report(&path)), expected_selection());
    let text = stdout(&out);
    assert!(
        text.contains("delete vpn-ci-a [ci-a] (2 connection(s): vco-vpn-ci-a-0, vco-vpn-ci-a-1)"),
        "{text}"
    );
    assert!(
        text.contains("skip vpn-ci-paid [ci-paid]: prepaid, its term ends in"),
        "{text}"
    );
    assert!(
        text.contains("skip vpn-ci-keep [ci-keep]: excluded by --exclude-tag keep=true"),
        "{text}"
    );
    assert!(
        text.contains("skip vpngw-ci000002 [ci-t2]: bound to CCN ccn-1"),
        "{text}"
    );
    assert!(
        !text.contains("vpn-prod") && !text.contains("vpngw-prod0001"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("plan only: nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(mutations(&e), 0, "a plan sent a mutating call");
    assert_eq!(left(&e).await, before);
}

#[tokio::test]
async fn apply_deletes_exactly_the_selected_set_with_its_connections() {
    let e = emulator().await;
    fleet(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apply.json");
    let mut args = vec![
        "sweep",
        "--apply",
        "--yes",
        "--report",
        path.to_str().unwrap(),
    ];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let (gateways, connections) = left(&e).await;
    assert_eq!(
        gateways,
        set(&[
            "vpn-ci-keep",
            "vpn-ci-paid",
            "vpn-prod",
            "vpngw-ci000002",
            "vpngw-prod0001"
        ])
    );
    assert_eq!(
        connections,
        set(&["vco-vpn-ci-keep-0", "vco-vpn-prod-0", "vpnx-prod0000"])
    );
    let r = report(&path);
    let mut expected = expected_selection();
    for (outcome, _) in expected.values_mut() {
        if outcome == "would_delete" {
            *outcome = "deleted".to_owned();
        }
    }
    assert_eq!(outcomes(&r), expected);
    let ci_a = r["gateways"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "vpn-ci-a")
        .unwrap();
    let kinds: Vec<(&str, &str)> = ci_a["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            (
                res["kind"].as_str().unwrap(),
                res["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("connection", "deleted"),
            ("connection", "deleted"),
            ("gateway", "deleted")
        ]
    );
    assert!(ci_a["resources"][0]["request_ids"][0].is_string(), "{ci_a}");
    assert!(stdout(&out).contains("total"), "{}", stdout(&out));
}

#[tokio::test]
async fn a_throttled_run_finishes_with_no_failures() {
    let e = emulator_with(Transitions::all(Transition::Immediate)).await;
    for i in 0..6 {
        alibaba_gateway(&e, &format!("vpn-ci-{i}"), &format!("ci-{i}"), &[], 2).await;
    }
    let limits: RateLimitConfig =
        serde_json::from_value(serde_json::json!({"alibaba": {"*": 4.0}})).unwrap();
    e.handle().set_rate_limits(limits).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("throttled.json");
    let out = call(
        &e,
        &[
            "sweep",
            "--cloud",
            "alibaba",
            "--region",
            REGION,
            "--name",
            "ci-*",
            "--apply",
            "--yes",
            "--max-rps",
            "40",
            "--report",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    assert!(
        r["throttled"].as_u64().unwrap() > 0,
        "the limit was never hit: {r}"
    );
    assert!(outcomes(&r).values().all(|(o, _)| o == "deleted"), "{r}");
    assert!(left(&e).await.0.is_empty());
}

fn accepted_lines(journal: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(journal)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["event"] == "accepted")
        .map(|v| v["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[cfg(unix)]
#[tokio::test]
async fn an_interrupted_run_resumes_from_its_journal_and_deletes_nothing_twice() {
    // Each deletion takes a second and a half, so the interrupt lands while one is in flight.
    let e = emulator_with(Transitions::all(Transition::Time { ms: 1500 })).await;
    for i in 0..3 {
        alibaba_gateway(&e, &format!("vpn-ci-{i}"), &format!("ci-{i}"), &[], 1).await;
    }
    watch_mutations(&e);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("sweep.journal");
    let base = e.base_url();
    let args = [
        "sweep",
        "--cloud",
        "alibaba",
        "--region",
        REGION,
        "--name",
        "ci-*",
        "--apply",
        "--yes",
        "--concurrency",
        "1",
        "--journal",
        journal.to_str().unwrap(),
        "--endpoint",
        base.as_str(),
    ];
    let child = command(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while accepted_lines(&journal).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing was accepted"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let first = tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .unwrap();
    assert_eq!(code(&first), 130, "{}\n{}", stdout(&first), stderr(&first));
    assert!(stderr(&first).contains("--journal"), "{}", stderr(&first));
    let after_first = accepted_lines(&journal);
    assert!(!after_first.is_empty());
    // Not everything was done: the interrupt stopped new gateways from starting.
    assert!(
        !left(&e).await.0.is_empty(),
        "the first run finished everything before the interrupt"
    );

    let second = cloudvpn(&args).await;
    assert_eq!(code(&second), 0, "{}\n{}", stdout(&second), stderr(&second));
    assert!(left(&e).await.0.is_empty(), "{}", stdout(&second));
    let all = accepted_lines(&journal);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "a deletion was sent twice: {all:?}"
    );
    assert_eq!(unique.len(), 6, "{all:?}");
    // The emulator's count, not only the journal's: each of the 6 deletions reached it exactly once
    // across both runs.
    assert_eq!(mutations(&e), 6, "{all:?}");
}

#[tokio::test]
async fn apply_without_a_terminal_or_yes_refuses_and_sends_nothing() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let mut args = vec!["sweep", "--apply"];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 2, "{}\n{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("add --yes"), "{}", stderr(&out));
    assert_eq!(mutations(&e), 0);
    assert_eq!(left(&e).await, before);

    // --apply without any selecting filter is refused too.
    let out = call(&e, &["sweep", "--apply", "--yes", "--region", REGION]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("selecting filter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(left(&e).await, before);
}

#[tokio::test]
async fn a_config_file_holds_the_same_settings_and_flags_win() {
    let e = emulator().await;
    fleet(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sweep.yaml");
    std::fs::write(
        &config,
        format!(
            "cloud: alibaba\nregion: [{REGION}]\nname: \"ci-*\"\nexclude-tag: keep=true\nreport: {}\n",
            dir.path().join("from-file.json").display()
        ),
    )
    .unwrap();
    let out = call(&e, &["sweep", "--config", config.to_str().unwrap()]).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&dir.path().join("from-file.json"));
    let ids: BTreeSet<String> = outcomes(&r).into_keys().collect();
    assert_eq!(
        ids,
        set(&["vpn-ci-a", "vpn-ci-b", "vpn-ci-keep", "vpn-ci-paid"])
    );

    // A flag replaces the file's value.
    let out = call(
        &e,
        &[
            "sweep",
            "--config",
            config.to_str().unwrap(),
            "--name",
            "ci-a",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r = report(&dir.path().join("from-file.json"));
    assert_eq!(outcomes(&r).into_keys().collect::<Vec<_>>(), ["vpn-ci-a"]);

    // A wrong key is named, with what the keys are.
    std::fs::write(&config, "regions: [x]\n").unwrap();
    let out = call(&e, &["sweep", "--config", config.to_str().unwrap()]).await;
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("regions") && stderr(&out).contains("flag names"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn only_sweep_takes_several_regions_or_profiles() {
    let e = emulator().await;
    let out = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--region",
            "cn-shanghai",
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("only `cloudvpn sweep` takes several"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn dry_run_makes_even_apply_a_plan() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let mut args = vec!["sweep", "--apply", "--yes", "--dry-run"];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("planning only"), "{}", stderr(&out));
    assert_eq!(mutations(&e), 0);
    assert_eq!(left(&e).await, before);
}

#[tokio::test]
async fn a_key_without_permission_to_delete_is_a_skip_with_the_reason() {
    let credentials = cloudvpn_emulator::credentials::Credentials::from_json(
        r#"{"alibaba": [{"access_key_id": "ak-read", "access_key_secret": "s-read", "principal": "sub_user",
             "allowed_actions": ["DescribeVpnGateways", "DescribeVpnConnections", "DescribeVpnGateway"]}]}"#,
    )
    .expect("credentials");
    let e = Emulator::start(
        cloudvpn_emulator::EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(Transitions::all(Transition::Immediate)),
    )
    .await
    .expect("emulator");
    alibaba_gateway(&e, "vpn-ci-ro", "ci-ro", &[], 1).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ro.json");
    let base = e.base_url();
    let mut c = command(&[
        "sweep",
        "--cloud",
        "alibaba",
        "--region",
        REGION,
        "--name",
        "ci-*",
        "--apply",
        "--yes",
        "--report",
        path.to_str().unwrap(),
        "--endpoint",
        base.as_str(),
    ]);
    c.env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-read")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s-read");
    let out = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    assert_eq!(
        outcomes(&r).get("vpn-ci-ro"),
        Some(&("skipped".to_owned(), "permission_lacking".to_owned())),
        "{r}"
    );
    assert!(
        stderr(&out).contains("these credentials may not delete it (Forbbiden.SubUser)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(left(&e).await.0, set(&["vpn-ci-ro"]));
}

#[tokio::test]
async fn several_profiles_sweep_several_accounts() {
    let credentials = cloudvpn_emulator::credentials::Credentials::from_json(
        r#"{"alibaba": [{"access_key_id": "ak-a", "access_key_secret": "s-a", "account": "1111"},
                         {"access_key_id": "ak-b", "access_key_secret": "s-b", "account": "2222"}]}"#,
    )
    .expect("credentials");
    let e = Emulator::start(
        cloudvpn_emulator::EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(Transitions::all(Transition::Immediate)),
    )
    .await
    .expect("emulator");
    for (account, id) in [
        ("1111", "vpn-ci-in-a"),
        ("2222", "vpn-ci-in-b"),
        ("2222", "vpn-keep-b"),
    ] {
        e.handle()
            .seed_alibaba_gateway(AlibabaGatewaySeed {
                region: REGION.into(),
                id: Some(id.into()),
                name: Some(id.trim_start_matches("vpn-").into()),
                account: Some(account.into()),
                ..Default::default()
            })
            .await
            .expect("seed");
    }
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("credentials");
    std::fs::write(
        &ini,
        "[acct-a]\ntype = access_key\naccess_key_id = ak-a\naccess_key_secret = s-a\n\
         [acct-b]\ntype = access_key\naccess_key_id = ak-b\naccess_key_secret = s-b\n",
    )
    .unwrap();
    let path = dir.path().join("accounts.json");
    let base = e.base_url();
    let mut c = command(&[
        "sweep",
        "--cloud",
        "alibaba",
        "--region",
        REGION,
        "--profile",
        "acct-a",
        "--profile",
        "acct-b",
        "--name",
        "ci-*",
        "--apply",
        "--yes",
        "--report",
        path.to_str().unwrap(),
        "--endpoint",
        base.as_str(),
    ]);
    c.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env("ALIBABA_CLOUD_CREDENTIALS_FILE", &ini);
    let out = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .unwrap();
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    let places: BTreeSet<(String, String)> = r["gateways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["account"].as_str().unwrap().to_owned(),
                g["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [("acct-a", "vpn-ci-in-a"), ("acct-b", "vpn-ci-in-b")]
            .iter()
            .map(|(a, i)| ((*a).to_owned(), (*i).to_owned()))
            .collect()
    );
    assert_eq!(left(&e).await.0, set(&["vpn-keep-b"]));
}

#[tokio::test]
async fn all_regions_asks_each_cloud_for_its_regions_and_sweeps_them_all() {
    let e = emulator().await;
    let h = e.handle();
    for region in ["cn-hangzhou", "cn-shanghai"] {
        h.seed_alibaba_gateway(AlibabaGatewaySeed {
            region: region.into(),
            id: Some(format!("vpn-ci-{region}")),
            name: Some(format!("ci-{region}")),
            ..Default::default()
        })
        .await
        .expect("seed");
    }
    for (region, id) in [
        ("ap-guangzhou", "vpngw-cigz0001"),
        ("ap-shanghai", "vpngw-cish0001"),
    ] {
        h.seed_tencent_vpc(cloudvpn_emulator::seed::TencentVpcSeed {
            id: Some("vpc-all".into()),
            region: Some(region.into()),
            ..Default::default()
        })
        .await
        .expect("vpc");
        h.seed_tencent_gateway(TencentGatewaySeed {
            vpc_id: "vpc-all".into(),
            id: Some(id.into()),
            name: Some(format!("ci-{region}")),
            region: Some(region.into()),
            ..Default::default()
        })
        .await
        .expect("gateway");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.json");
    let out = call(
        &e,
        &[
            "sweep",
            "--all-regions",
            "--name",
            "ci-*",
            "--max-rps",
            "200",
            "--report",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    let places: BTreeSet<(String, String)> = r["gateways"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["region"].as_str().unwrap().to_owned(),
                g["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = [
        ("cn-hangzhou", "vpn-ci-cn-hangzhou"),
        ("cn-shanghai", "vpn-ci-cn-shanghai"),
        ("ap-guangzhou", "vpngw-cigz0001"),
        ("ap-shanghai", "vpngw-cish0001"),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(places, expected, "{}", stdout(&out));
    assert!(r["region_errors"].as_array().unwrap().is_empty(), "{r}");

    let out = call(&e, &["sweep", "--all-regions", "--region", REGION]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exclude each other"),
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[tokio::test]
async fn a_run_killed_mid_deletion_is_awaited_from_its_journal_not_sent_again() {
    let e = emulator_with(Transitions::all(Transition::Time { ms: 1500 })).await;
    alibaba_gateway(&e, "vpn-ci-k", "ci-k", &[], 2).await;
    watch_mutations(&e);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("killed.journal");
    let base = e.base_url();
    let args = [
        "sweep",
        "--cloud",
        "alibaba",
        "--region",
        REGION,
        "--name",
        "ci-*",
        "--apply",
        "--yes",
        "--journal",
        journal.to_str().unwrap(),
        "--endpoint",
        base.as_str(),
    ];
    let mut child = command(&args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while accepted_lines(&journal).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "nothing was accepted"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // No chance to finish anything: the accepted deletion is left in flight.
    child.kill().expect("kill");
    let _ = child.wait();
    let in_flight = accepted_lines(&journal);
    assert_eq!(in_flight.len(), 1, "{in_flight:?}");

    let dir_report = dir.path().join("resumed.json");
    let mut resumed: Vec<&str> = args.to_vec();
    resumed.extend(["--report", dir_report.to_str().unwrap()]);
    let out = cloudvpn(&resumed).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(left(&e).await.0.is_empty());
    let all = accepted_lines(&journal);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "a deletion was sent twice: {all:?}"
    );
    assert_eq!(unique.len(), 3, "{all:?}");
    // The emulator answered 3 Delete calls in all: the one in flight when the first run was killed was
    // awaited by the rerun, not sent again.
    assert_eq!(mutations(&e), 3, "{all:?}");
    let r = report(&dir_report);
    let first = &r["gateways"][0]["resources"][0];
    assert_eq!(first["id"], in_flight[0].as_str());
    assert!(
        first["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("earlier run"),
        "{first}"
    );
}

#[tokio::test]
async fn a_gateway_still_provisioning_is_let_settle_and_the_deletion_retried() {
    // The gateway shows `provisioning` for two Describe calls: the first deletion answers the documented
    // busy error, the sweep waits for the gateway to be `active` and tries again.
    let e = emulator().await;
    e.handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some("vpn-ci-busy".into()),
            name: Some("ci-busy".into()),
            status: Some(cloudvpn_emulator::model::GatewayStatus::Provisioning),
            ..Default::default()
        })
        .await
        .expect("seed");
    e.handle()
        .seed_alibaba_connection(AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some("vco-busy".into()),
            vpn_gateway_id: "vpn-ci-busy".into(),
            ..Default::default()
        })
        .await
        .expect("connection");
    let out = call(
        &e,
        &[
            "sweep", "--cloud", "alibaba", "--region", REGION, "--name", "ci-*", "--apply", "--yes",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(left(&e).await.0.is_empty(), "{}", stdout(&out));
}
