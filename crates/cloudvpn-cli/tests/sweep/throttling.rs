//! A throttled sweep slows down and finishes with no failures, and counts every throttling answer the
//! service gave: those the clients absorb by repeating the attempt on their own (Alibaba `Throttling.User`
//! and Tencent API 3.0 `RequestLimitExceeded` are retried by the runtime) as well as those they return.
//! The count is checked against the answers the `--debug` wire log shows, one by one.

use super::*;
use cloudvpn_emulator::rate_limits::RateLimitConfig;
use cloudvpn_emulator::timing::{Transition, Transitions};
use serde_json::json;

/// Sweeps the `ci-*` gateways of `cloud` in `region` at 40 requests/s against an emulator that allows 4
/// per action, with `--debug`; returns the report and the wire log.
async fn throttled_sweep(
    e: &cloudvpn_emulator::Emulator,
    cloud: &str,
    region: &str,
) -> (serde_json::Value, String) {
    let limits: RateLimitConfig = serde_json::from_value(json!({cloud: {"*": 4.0}})).unwrap();
    e.handle().set_rate_limits(limits).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("throttled.json");
    let out = call(
        e,
        &[
            "sweep",
            "--cloud",
            cloud,
            "--region",
            region,
            "--name",
            "ci-*",
            "--apply",
            "--yes",
            "--max-rps",
            "40",
            "--debug",
            "--report",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    assert!(outcomes(&r).values().all(|(o, _)| o == "deleted"), "{r}");
    assert!(left(e).await.0.is_empty());
    (r, stderr(&out))
}

/// The throttling answers in a `--debug` log, and how many of them the client repeated on its own.
fn throttling_in(log: &str, code: &str) -> (u64, u64) {
    let answers = log
        .split("\n<-- attempt ")
        .skip(1)
        .filter(|answer| {
            let body = answer.lines().nth(1).unwrap_or_default();
            serde_json::from_str::<serde_json::Value>(body)
                .is_ok_and(|v| v["Code"] == code || v["Response"]["Error"]["Code"] == code)
        })
        .count();
    let repeated = log.matches(&format!("failed: throttled ({code})")).count();
    (answers as u64, repeated as u64)
}

/// Every throttling answer reached the sweep's count, the repeated ones included.
fn every_throttle_counted(r: &serde_json::Value, log: &str, code: &str) {
    let (answers, repeated) = throttling_in(log, code);
    assert!(answers > 0, "the limit was never hit: {r}");
    assert!(
        repeated > 0,
        "no throttled attempt was repeated by the client itself, so this run does not show that those \
         are counted: {r}"
    );
    assert_eq!(
        r["throttled"].as_u64(),
        Some(answers),
        "{answers} throttling answers ({repeated} repeated by the client), the report counts {}",
        r["throttled"]
    );
}

#[tokio::test]
async fn a_throttled_alibaba_run_finishes_with_no_failures_and_counts_every_throttle() {
    let e = emulator_with(Transitions::all(Transition::Immediate)).await;
    for i in 0..6 {
        alibaba_gateway(&e, &format!("vpn-ci-{i}"), &format!("ci-{i}"), &[], 2).await;
    }
    let (r, log) = throttled_sweep(&e, "alibaba", REGION).await;
    every_throttle_counted(&r, &log, "Throttling.User");
}

#[tokio::test]
async fn a_throttled_tencent_api3_run_finishes_with_no_failures_and_counts_every_throttle() {
    let e = emulator_with(Transitions::all(Transition::Immediate)).await;
    tencent_vpc(&e).await;
    for i in 0..6 {
        tencent_gateway(
            &e,
            &format!("vpngw-t{i}000000"),
            &format!("ci-t{i}"),
            None,
            2,
        )
        .await;
    }
    let (r, log) = throttled_sweep(&e, "tencent", TENCENT_REGION).await;
    every_throttle_counted(&r, &log, "RequestLimitExceeded");
}
