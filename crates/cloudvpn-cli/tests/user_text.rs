//! What users read carries no maintainers' bookkeeping: every `--help` of the command tree (walked from the
//! built binary, so a new subcommand is covered without being listed here), every hint in the generated
//! metadata, and the demo's output are free of provenance words. And the hints that matter most reach the
//! user end to end: a gateway with connections points at `cloudvpn teardown`, a not-found says to check the
//! ID and the region, a failed asynchronous operation names its resource and task.

use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use cloudvpn_types::meta::ApiMeta;
use std::collections::BTreeSet;
use std::process::{Command, Output};

mod support;

use support::tencent_v2;

/// Phrases that only make sense to maintainers: source ids, document numbers, confidence remarks, the
/// names of our reference files and of the tools facts were read from. Each entry is matched
/// case-insensitively; `whole` entries only as a word of their own, so that "spec" does not match
/// "specified" nor "seed" match "seeded".
const PROVENANCE: &[(&str, Whole)] = &[
    ("document 0", Whole::No),
    ("documents 0", Whole::No),
    ("doc-0", Whole::No),
    ("ref-", Whole::Start),
    ("confidence", Whole::Both),
    ("unverified", Whole::Both),
    ("reference notes", Whole::No),
    ("reference table", Whole::No),
    ("seeds/", Whole::No),
    ("seed", Whole::Both),
    ("spec", Whole::Both),
    ("specs", Whole::Both),
    ("terraform", Whole::Both),
    ("legacy sdk", Whole::No),
    ("wording;", Whole::No),
];

/// Where a provenance phrase must stand apart from the letters around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Whole {
    /// Anywhere.
    No,
    /// Not preceded by a letter or digit.
    Start,
    /// Neither preceded nor followed by a letter or digit.
    Both,
}

/// The provenance phrases found in `text`.
fn provenance_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    PROVENANCE
        .iter()
        .filter(|(phrase, whole)| {
            lower.match_indices(phrase).any(|(at, _)| {
                let before = lower[..at].chars().next_back();
                let after = lower[at + phrase.len()..].chars().next();
                match whole {
                    Whole::No => true,
                    Whole::Start => !is_word(before),
                    Whole::Both => !is_word(before) && !is_word(after),
                }
            })
        })
        .map(|(phrase, _)| *phrase)
        .collect()
}

/// Fails naming every offending line of every text, with where it came from.
fn assert_no_provenance<'a>(texts: impl IntoIterator<Item = (String, &'a str)>) {
    let mut offenders = Vec::new();
    let mut checked = 0;
    for (origin, text) in texts {
        checked += 1;
        for line in text.lines() {
            let found = provenance_in(line);
            if !found.is_empty() {
                offenders.push(format!("{origin}: {found:?} in {line:?}"));
            }
        }
    }
    assert!(checked > 0, "nothing was checked");
    assert!(
        offenders.is_empty(),
        "maintainers' bookkeeping shown to users:\n{}",
        offenders.join("\n")
    );
}

#[test]
fn the_detector_catches_the_old_bookkeeping_and_spares_plain_words() {
    for old in [
        "Document 000 does not call the deletion asynchronous",
        "The ID of the IPsec-VPN connection. [doc-003 wording; doc-002: …]",
        "Confidence: unverified.",
        "Listed in the current online error table (reference notes).",
        "DeleteVpnConnection is asynchronous (document 003)",
        "Status 500 in the reference table; the VPC document (001)",
        "the spec says so",
        "Terraform retries it",
        "read from ref-alibaba",
    ] {
        assert!(!provenance_in(old).is_empty(), "not caught: {old:?}");
    }
    for plain in [
        "The specified VPN gateway does not exist: check the ID and the region (--region).",
        "seeded: Alibaba gateways vpn-demo-1 (connection vco-demo-1)",
        "Every documented operation is a subcommand",
        "a request that breaks a documented constraint",
        "Credentials profile in the official CLI/SDK profile files",
        "prefer-ipv4",
    ] {
        assert_eq!(provenance_in(plain), Vec::<&str>::new(), "{plain:?}");
    }
}

/// Runs the built binary with a clean environment.
fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("COLUMNS", "100")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .env("TENCENTCLOUD_SECRET_ID", "emulator-sid")
        .env("TENCENTCLOUD_SECRET_KEY", "emulator-skey")
        // Every Tencent v2 call needs a region; the emulator's default one.
        .env("TENCENTCLOUD_REGION", "ap-guangzhou")
        .output()
        .expect("the binary runs")
}

/// The subcommands a clap help lists under `Commands:` (the built-in `help` left out).
fn listed_subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| l.trim_end() != "Commands:")
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        // An entry starts two spaces in; a wrapped description is indented further.
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .map(|name| name.trim_end_matches(',').to_owned())
        .filter(|name| name != "help")
        .collect()
}

/// `--help` of the root and of every subcommand below it, depth first, keyed by the command path.
fn every_help() -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = BTreeSet::new();
    while let Some(path) = todo.pop() {
        assert!(seen.insert(path.clone()), "the tree loops at {path:?}");
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let o = run(&args);
        let shown = format!("cloudvpn {}", args.join(" "));
        assert_eq!(o.status.code(), Some(0), "{shown}: {o:?}");
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        for sub in listed_subcommands(&help) {
            let mut next = path.clone();
            next.push(sub);
            todo.push(next);
        }
        out.push((shown, help));
    }
    out
}

#[test]
fn no_help_of_the_command_tree_shows_provenance() {
    let helps = every_help();
    let paths: Vec<&str> = helps.iter().map(|(p, _)| p.as_str()).collect();
    // The walk reaches the operations and the nested teardown subcommands, not just the root.
    for expected in [
        "cloudvpn alibaba delete-vpn-gateway --help",
        "cloudvpn tencent-v2 delete-vpn-conn --help",
        "cloudvpn teardown alibaba --help",
    ] {
        assert!(
            paths.contains(&expected),
            "{expected} not reached: {paths:#?}"
        );
    }
    let operations = cloudvpn_types::all_operations().count();
    assert!(helps.len() > operations, "{} helps", helps.len());
    assert_no_provenance(helps.iter().map(|(p, h)| (p.clone(), h.as_str())));
}

#[test]
fn every_hint_in_the_metadata_is_plain_and_says_what_to_do() {
    let mut texts = Vec::new();
    let mut apis: Vec<&'static ApiMeta> = Vec::new();
    for op in cloudvpn_types::all_operations() {
        if !apis.iter().any(|a| std::ptr::eq(*a, op.api)) {
            apis.push(op.api);
        }
        for e in op.errors {
            texts.push((format!("{} error {}", op.action, e.code), e));
        }
        if let Some(c) = op.completion {
            assert!(!c.hint.trim().is_empty(), "{}", op.action);
            assert_no_provenance([(format!("{} completion", op.action), c.hint)]);
        }
        // An operation without parameters (GetCallerIdentity) has no parameter help to check.
        if !op.params.is_empty() {
            assert_no_provenance(
                op.params
                    .iter()
                    .map(|p| (format!("{} parameter {}", op.action, p.name), p.help)),
            );
        }
    }
    assert_eq!(
        apis.len(),
        cloudvpn_types::all_apis().len(),
        "every API's common errors are checked"
    );
    for api in &apis {
        for e in api.common_errors {
            texts.push((format!("{} common error {}", api.title, e.code), e));
        }
    }
    assert!(texts.len() > 60, "{} errors", texts.len());
    for (origin, e) in &texts {
        assert!(!e.hint.trim().is_empty(), "{origin} has no hint");
        // A not-found in another region than the resource's looks the same as a wrong ID.
        if e.not_found {
            assert!(
                e.hint.contains("check the ID and the region"),
                "{origin}: {}",
                e.hint
            );
        }
        if e.code.ends_with("DependencyViolation.VpnConnection") {
            assert!(e.hint.contains("cloudvpn teardown"), "{origin}: {}", e.hint);
        }
    }
    assert_no_provenance(texts.iter().map(|(o, e)| (o.clone(), e.hint)));
}

#[test]
fn the_demo_shows_no_provenance() {
    let o = run(&["demo", "--fast"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("why: "),
        "the demo explains each error: {stdout}"
    );
    assert_no_provenance([
        ("demo stdout".to_owned(), stdout.as_ref()),
        ("demo stderr".to_owned(), stderr.as_ref()),
    ]);
}

/// An emulator whose asynchronous changes finish after two polls, with an Alibaba gateway `vpn-h1` that has
/// a connection in cn-hangzhou, and a Tencent connection `vpnx-fail` whose deletion task fails.
async fn seeded_emulator() -> Emulator {
    let e = Emulator::start(
        EmulatorConfig::loopback().transitions(Transitions::all(Transition::Polls { count: 2 })),
    )
    .await
    .expect("emulator starts");
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: "cn-hangzhou".into(),
        id: Some("vpn-h1".into()),
        ..Default::default()
    })
    .await
    .expect("gateway");
    h.seed_alibaba_connection(AlibabaConnectionSeed {
        region: "cn-hangzhou".into(),
        id: Some("vco-h1".into()),
        vpn_gateway_id: "vpn-h1".into(),
        ..Default::default()
    })
    .await
    .expect("connection");
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some("vpc-h1".into()),
        ..Default::default()
    })
    .await
    .expect("vpc");
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: "vpc-h1".into(),
        id: Some("vpngw-h1".into()),
        ..Default::default()
    })
    .await
    .expect("tencent gateway");
    h.seed_tencent_connection(TencentConnectionSeed {
        vpc_id: "vpc-h1".into(),
        vpn_gateway_id: "vpngw-h1".into(),
        id: Some("vpnx-fail".into()),
        deletion_fails: true,
        ..Default::default()
    })
    .await
    .expect("tencent connection");
    e
}

/// Runs the binary against the emulator, off the async runtime that serves it.
async fn against(e: &Emulator, args: &[&str]) -> (i32, String) {
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--endpoint".to_owned(), e.base_url()]);
    let o = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run(&args)
    })
    .await
    .expect("join");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn service_errors_print_the_hint_with_the_next_step() {
    let e = seeded_emulator().await;
    let delete_gateway = |region: &'static str| {
        [
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            region,
            "--vpn-gateway-id",
            "vpn-h1",
        ]
    };

    let (code, err) = against(&e, &delete_gateway("cn-hangzhou")).await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("DependencyViolation.VpnConnection"), "{err}");
    assert!(
        err.contains(
            "what it means: The gateway still has IPsec connections. Delete them first, or run \
             `cloudvpn teardown alibaba --vpn-gateway-id <ID>`"
        ),
        "{err}"
    );

    // The gateway exists, but in another region than the one asked: the answer is a plain not-found.
    let (code, err) = against(&e, &delete_gateway("cn-shanghai")).await;
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains("InvalidVpnGatewayInstanceId.NotFound"),
        "{err}"
    );
    assert!(err.contains("check the ID and the region"), "{err}");

    let (code, err) = against(
        &e,
        &[
            tencent_v2(),
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-nope",
            "--vpn-gw-id",
            "vpngw-h1",
            "--vpn-conn-id",
            "vpnx-fail",
        ],
    )
    .await;
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("InvalidVpc.NotFound"), "{err}");
    assert!(err.contains("check the ID and the region"), "{err}");
    assert_eq!(provenance_in(&err), Vec::<&str>::new(), "{err}");
    e.shutdown().await.expect("emulator stops");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_asynchronous_deletion_names_the_resource_and_the_task() {
    let e = seeded_emulator().await;
    let (code, err) = against(
        &e,
        &[
            tencent_v2(),
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-h1",
            "--vpn-gw-id",
            "vpngw-h1",
            "--vpn-conn-id",
            "vpnx-fail",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code, 6, "{err}");
    assert!(
        err.contains(
            "DeleteVpnConn of vpcId=vpc-h1, vpnGwId=vpngw-h1, vpnConnId=vpnx-fail (taskId="
        ),
        "{err}"
    );
    assert!(
        err.contains("was accepted but failed: DescribeVpcTaskResult shows data.status=1"),
        "{err}"
    );
    e.shutdown().await.expect("emulator stops");
}
