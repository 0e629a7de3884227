//! One emulator per state file: a second one in the same process on the same `--state` is refused
//! before it touches anything, and the first keeps every change it acknowledged. (The binary's refusal
//! is in `state_lock_binary.rs`: a process spawned while a test here drops its emulator holds a copy of
//! the lock file's descriptor until it execs, which would keep the lock from a restart in this process.)

use cloudvpn_emulator::LockError;
use cloudvpn_emulator::journal;
use cloudvpn_emulator::launch::LaunchError;
use cloudvpn_emulator::model::World;
use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use cloudvpn_emulator::{Emulator, EmulatorConfig, StartError};

const REGION: &str = "cn-hangzhou";

fn seed(id: &str) -> AlibabaGatewaySeed {
    AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        ..Default::default()
    }
}

fn gateways(world: &World) -> Vec<String> {
    world
        .accounts
        .get("default")
        .and_then(|a| a.alibaba.get(REGION))
        .map(|r| r.vpn_gateways.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_emulator_is_refused_and_the_first_keeps_what_it_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let config = || EmulatorConfig::loopback().state_file(&path);
    let first = Emulator::start(config()).await.unwrap();
    let handle = first.handle();
    handle.seed_alibaba_gateway(seed("before")).await.unwrap();

    let err = Emulator::start(config()).await.unwrap_err();
    assert!(
        matches!(err, StartError::StateLock(LockError::InUse { .. })),
        "{err}"
    );
    let text = err.to_string();
    assert!(
        text.contains("state.json") && text.contains("in use by another emulator"),
        "{text}"
    );
    assert_eq!(LaunchError::Start(err).exit_code(), 2);

    handle.seed_alibaba_gateway(seed("after")).await.unwrap();
    // No clean shutdown: what the first acknowledged must already be where a restart reads it.
    drop(first);
    let again = Emulator::start(config()).await.unwrap();
    assert_eq!(gateways(&again.handle().world()), ["after", "before"]);
    again.shutdown().await.unwrap();
}

#[tokio::test]
async fn an_emulator_shut_down_as_soon_as_it_started_saves() {
    // On one thread the writer task is not polled before `shutdown` runs: it must still count as
    // started, and the shutdown wait for it to save.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap();
    emulator.shutdown().await.unwrap();
    let again = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap();
    again
        .handle()
        .seed_alibaba_gateway(seed("kept"))
        .await
        .unwrap();
    again.shutdown().await.unwrap();
    assert_eq!(gateways(&journal::read(&path).unwrap()), ["kept"]);
}
