//! Ctrl-C during a sweep is watched from the start: one that comes while the sweep is still finding its
//! targets (DescribeRegions, credential lookups) ends it with 130 and nothing deleted, rather than killing
//! the process.

use super::*;
use cloudvpn_emulator::faults::FaultRule;

#[tokio::test]
async fn ctrl_c_while_the_regions_are_asked_for_ends_the_sweep_with_130() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-ci-1", &[]).await;
    // DescribeRegions answers only after a while, so the interrupt lands while the sweep waits for it.
    e.handle()
        .add_faults(vec![FaultRule {
            latency_ms: 5_000,
            ..rule("alibaba", "DescribeRegions")
        }])
        .expect("rule");
    let args = [
        "sweep",
        "--cloud",
        "alibaba",
        "--all-regions",
        "--name",
        "ci-*",
    ];
    let child = spawn(command_for(&e, &args));
    until("DescribeRegions was never asked", || {
        e.handle().faults()[0].hits > 0
    })
    .await;
    interrupt(child.id());
    let out = finish(child).await;
    assert_eq!(
        code(&out),
        130,
        "{:?}\n{}\n{}",
        out.status,
        stdout(&out),
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("interrupted before anything was deleted"),
        "{}",
        stderr(&out)
    );
}
