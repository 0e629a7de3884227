//! Ctrl-C during `cloudvpn sweep` is watched from the start: one that comes while the sweep is still finding
//! its targets (DescribeRegions, credential lookups) ends it with 130 and nothing deleted, rather than
//! killing the process.

mod support;

use cloudvpn_emulator::faults::FaultRule;
use std::time::{Duration, Instant};
use support::*;

#[tokio::test]
async fn ctrl_c_while_the_regions_are_asked_for_ends_the_sweep_with_130() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-ci-1", &[]).await;
    // DescribeRegions answers only after a while, so the interrupt lands while the sweep waits for it.
    e.handle()
        .add_faults(vec![FaultRule {
            provider: Some("alibaba".to_owned()),
            action: Some("DescribeRegions".to_owned()),
            error: None,
            status: None,
            message: None,
            drop_connection: false,
            latency_ms: 5_000,
            probability: 1.0,
            count: None,
            seed: 0,
        }])
        .expect("rule");
    let base = e.base_url();
    let args = [
        "sweep",
        "--cloud",
        "alibaba",
        "--all-regions",
        "--name",
        "ci-*",
        "--endpoint",
        base.as_str(),
    ];
    let child = command(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    while e.handle().faults().iter().map(|r| r.hits).sum::<u64>() == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "DescribeRegions was never asked"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .unwrap();
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
