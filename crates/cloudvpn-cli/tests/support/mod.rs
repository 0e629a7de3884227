//! What the end-to-end tests of the `cloudvpn` binary share: an emulator on 127.0.0.1, seeding, and running
//! the built binary with a clean environment (the emulator's default keys, a HOME of its own).

#![allow(dead_code)] // Each test file uses its own part.

use cloudvpn_emulator::credentials::Credentials;
use cloudvpn_emulator::seed::{
    AlibabaConnectionSeed, AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed,
    TencentVpcSeed,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

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

/// Alibaba gateway `id` in cn-hangzhou with `connections`.
pub async fn seed_gateway(e: &Emulator, id: &str, connections: &[&str]) {
    let seed = AlibabaGatewaySeed {
        region: REGION.into(),
        id: Some(id.into()),
        ..Default::default()
    };
    seed_alibaba(e, seed, connections).await;
}

/// The Alibaba gateway `gateway` (its id is given) with `connections`, in the gateway's region.
pub async fn seed_alibaba(e: &Emulator, gateway: AlibabaGatewaySeed, connections: &[&str]) {
    let h = e.handle();
    let (region, id) = (gateway.region.clone(), gateway.id.clone().expect("an id"));
    h.seed_alibaba_gateway(gateway).await.expect("seed gateway");
    let seeds = connections
        .iter()
        .map(|c| AlibabaConnectionSeed {
            region: region.clone(),
            id: Some((*c).into()),
            vpn_gateway_id: id.clone(),
            ..Default::default()
        })
        .collect();
    h.seed_alibaba_connections(seeds)
        .await
        .expect("seed connections");
}

/// A VPC `vpc`, gateway `gateway` and `connections` in ap-guangzhou.
pub async fn seed_tencent(e: &Emulator, vpc: &str, gateway: &str, connections: &[&str]) {
    e.handle()
        .seed_tencent_vpc(TencentVpcSeed {
            id: Some(vpc.into()),
            ..Default::default()
        })
        .await
        .expect("vpc");
    let seed = TencentGatewaySeed {
        vpc_id: vpc.into(),
        id: Some(gateway.into()),
        ..Default::default()
    };
    seed_tencent_gateway(e, seed, connections).await;
}

/// The Tencent gateway `gateway` (its id and VPC are given; the VPC is seeded already) with
/// `connections`.
pub async fn seed_tencent_gateway(e: &Emulator, gateway: TencentGatewaySeed, connections: &[&str]) {
    let h = e.handle();
    let (vpc, id) = (gateway.vpc_id.clone(), gateway.id.clone().expect("an id"));
    h.seed_tencent_gateway(gateway).await.expect("gateway");
    let seeds = connections
        .iter()
        .map(|c| TencentConnectionSeed {
            vpc_id: vpc.clone(),
            vpn_gateway_id: id.clone(),
            id: Some((*c).into()),
            ..Default::default()
        })
        .collect();
    h.seed_tencent_connections(seeds)
        .await
        .expect("connections");
}

/// An emulator that knows the keys `json` gives (the emulator's credentials file format) instead of its
/// defaults, whose asynchronous changes finish at once.
pub async fn emulator_with_keys(json: &str) -> Emulator {
    let credentials = Credentials::from_json(json).expect("credentials");
    Emulator::start(
        EmulatorConfig::loopback()
            .credentials(credentials)
            .transitions(Transitions::all(Transition::Immediate)),
    )
    .await
    .expect("emulator starts")
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
    output(command(args)).await
}

/// Runs `c` to its end, off the async runtime.
pub async fn output(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().expect("the binary runs"))
        .await
        .expect("join")
}

/// [`command`] against the emulator (`--endpoint` added), for a test that changes its environment.
pub fn command_for(e: &Emulator, args: &[&str]) -> Command {
    let base = e.base_url();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--endpoint", base.as_str()]);
    command(&all)
}

/// Runs against the emulator with `--endpoint` added.
pub async fn call(e: &Emulator, args: &[&str]) -> Output {
    output(command_for(e, args)).await
}

/// Starts `c` with its stdout and stderr kept, for a test that interrupts it.
pub fn spawn(mut c: Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn")
}

/// Waits until `done` holds, polling every 20 ms; fails the test after a minute, saying `what` never
/// happened, so that a test never hangs.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(60), "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Ctrl-C, as a terminal sends it.
pub fn interrupt(pid: u32) {
    let status = Command::new("kill")
        .args(["-INT", &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// What `child` printed, once it has ended (off the async runtime).
pub async fn finish(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .expect("join")
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
