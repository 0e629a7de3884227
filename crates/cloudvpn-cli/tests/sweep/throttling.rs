//! A throttled sweep slows down and finishes with no failures.

use super::*;
use cloudvpn_emulator::rate_limits::RateLimitConfig;
use cloudvpn_emulator::timing::{Transition, Transitions};

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
        &apply_ci(&["--max-rps", "40", "--report", path.to_str().unwrap()]),
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
