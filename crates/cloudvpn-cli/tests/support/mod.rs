//! What the end-to-end tests of the `cloudvpn` binary share: an emulator on 127.0.0.1, seeding, and running
//! the built binary with a clean environment (the emulator's default keys, a HOME of its own).

#![allow(dead_code)] // Each test file uses its own part.

use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use std::process::{Command, Output, Stdio};

pub const REGION: &str = "cn-hangzhou";
pub const TENCENT_REGION: &str = "ap-guangzhou";

/// An emulator whose asynchronous changes finish as `transitions` says.
pub async fn emulator_with(transitions: Transitions) -> Emulator {
    Emulator::start(EmulatorConfig::loopback().transitions(transitions))
        .await
        .expect("emulator starts")
}

/// An emulator whose asynchronous changes finish after two polls.
pub async fn emulator() -> Emulator {
    emulator_with(Transitions::all(Transition::Polls { count: 2 })).await
}

pub async fn seed_gateway(e: &Emulator, id: &str, connections: &[&str]) {
    let h = e.handle();
    h.seed_alibaba_gateway(AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        ..Default::default()
    })
    .await
    .expect("seed gateway");
    for c in connections {
        h.seed_alibaba_connection(AlibabaConnectionSeed {
            region: REGION.into(),
            id: Some((*c).into()),
            vpn_gateway_id: id.into(),
            ..Default::default()
        })
        .await
        .expect("seed connection");
    }
}

/// A VPC `vpc`, gateway `gateway` and `connections` in ap-guangzhou.
pub async fn seed_tencent(e: &Emulator, vpc: &str, gateway: &str, connections: &[&str]) {
    let h = e.handle();
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some(vpc.into()),
        ..Default::default()
    })
    .await
    .expect("vpc");
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: vpc.into(),
        id: Some(gateway.into()),
        ..Default::default()
    })
    .await
    .expect("gateway");
    let seeds = connections
        .iter()
        .map(|c| TencentConnectionSeed {
            vpc_id: vpc.into(),
            vpn_gateway_id: gateway.into(),
            id: Some((*c).into()),
            ..Default::default()
        })
        .collect();
    h.seed_tencent_connections(seeds)
        .await
        .expect("connections");
}

/// The built binary with the emulator's default keys and nothing else from this machine's environment.
pub fn command(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_cloudvpn"));
    c.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .env("COLUMNS", "100")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .env("TENCENTCLOUD_SECRET_ID", "emulator-sid")
        .env("TENCENTCLOUD_SECRET_KEY", "emulator-skey")
        .env("TENCENTCLOUD_REGION", TENCENT_REGION)
        .stdin(Stdio::null());
    c
}

/// Runs the binary (off the async runtime, which keeps serving the emulator).
pub async fn cloudvpn(args: &[&str]) -> Output {
    let mut c = command(args);
    tokio::task::spawn_blocking(move || c.output().expect("the binary runs"))
        .await
        .expect("join")
}

/// Runs against the emulator with `--endpoint` added.
pub async fn call(e: &Emulator, args: &[&str]) -> Output {
    let base = e.base_url();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--endpoint", base.as_str()]);
    cloudvpn(&all).await
}

pub fn stdout_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&o.stdout),
            stderr(o)
        )
    })
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The command-line group of the legacy Tencent Cloud v2 API, from its spec's `names.command`, so that the
/// tests follow the spec rather than restate it.
pub fn tencent_v2() -> &'static str {
    cloudvpn_types::all_apis()
        .iter()
        .find(|api| api.protocol == cloudvpn_types::meta::Protocol::TencentV2)
        .map(|api| api.command)
        .expect("the specs have the Tencent v2 API")
}
