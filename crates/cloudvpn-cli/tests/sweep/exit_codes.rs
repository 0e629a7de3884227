//! How a sweep ends when part of it goes wrong: a region that cannot be listed is exit 7 with a message
//! that says so (in a plan too), and a `--report` that cannot be written does not replace that code.

use super::*;
use cloudvpn_emulator::Emulator;
use cloudvpn_emulator::faults::FaultRule;

/// Every DescribeVpnGateways of Alibaba is refused.
fn refuse_listing(e: &Emulator) {
    e.handle()
        .add_faults(vec![FaultRule {
            error: Some("Forbidden.RAM".to_owned()),
            status: Some(403),
            message: Some("listing refused".to_owned()),
            ..rule("alibaba", "DescribeVpnGateways")
        }])
        .expect("rule");
}

#[tokio::test]
async fn a_plan_whose_region_cannot_be_listed_says_so_and_exits_7() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-ci-1", &[]).await;
    refuse_listing(&e);
    let out = call(
        &e,
        &[
            "sweep", "--cloud", "alibaba", "--region", REGION, "--name", "*",
        ],
    )
    .await;
    assert_eq!(code(&out), 7, "{}\n{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("cannot list"), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("some regions could not be listed, so the plan is incomplete"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("not deleted"), "{}", stderr(&out));
}

#[tokio::test]
async fn a_report_that_cannot_be_written_keeps_the_sweeps_code_and_is_printed() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-ci-1", &[]).await;
    refuse_listing(&e);
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("no-such-dir").join("report.json");
    let report = report.to_str().unwrap();
    let args = [
        "sweep", "--cloud", "alibaba", "--region", REGION, "--name", "*", "--report", report,
    ];
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 7, "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains(&format!("cannot write --report {report}")),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("some regions could not be listed"),
        "{}",
        stderr(&out)
    );
}
