//! Role sessions end to end against the emulator's STS on 127.0.0.1, with temporary keys that last two
//! seconds (`--sts-duration 2s`): a `teardown` that outlives two of them succeeds (proved by the distinct
//! keys its requests were signed with, not by a clock), and a hundred concurrent calls share one
//! `AssumeRole` (with keys that last an hour, so no refresh can be due during the test).

#[path = "support/mod.rs"]
mod support;

use cloudvpn::alibaba::VpcClient;
use cloudvpn::credentials::{
    AlibabaChain, AlibabaCredentials, MapEnvironment, ProvideCredentials, ProvideFuture,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use support::*;

const ROLE: &str = "acs:ram::1234567890123456:role/ci";
const TENCENT_ROLE: &str = "qcs::cam::uin/100000000001:roleName/ci";
const LIFETIME: Duration = Duration::from_secs(2);

/// An emulator issuing two-second keys, whose deletions take long enough for a teardown to outlive two.
async fn short_lived_emulator() -> Emulator {
    let slow = Transition::Time { ms: 2_300 };
    let transitions = Transitions {
        alibaba_vpn_gateway: slow,
        alibaba_vpn_connection: slow,
        tencent_vpn_connection: slow,
        ..Transitions::all(Transition::Immediate)
    };
    Emulator::start(
        EmulatorConfig::loopback()
            .transitions(transitions)
            .sts_duration(LIFETIME),
    )
    .await
    .expect("emulator starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alibaba_teardown_outlives_two_role_sessions() {
    let e = short_lived_emulator().await;
    seed_gateway(&e, "vpn-role", &["vco-role"]).await;
    let base = e.base_url();
    let mut c = command(&[
        "teardown",
        "alibaba",
        "--debug",
        "--endpoint",
        &base,
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-role",
        "--role-arn",
        ROLE,
        "--role-session-name",
        "teardown",
    ]);
    c.env("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = stdout_json(&o);
    assert_eq!(v["DeletedConnections"], json!(["vco-role"]));
    assert_eq!(v["GatewayDeleted"], json!(true));
    // The run signed with at least three role sessions' keys: it crossed two expiries.
    let keys = temporary_keys(&stderr(&o), "STS.");
    assert!(keys.len() >= 3, "{keys:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tencent_teardown_outlives_two_role_sessions() {
    let e = short_lived_emulator().await;
    seed_tencent(
        &e,
        "vpc-role0001",
        "vpngw-role0001",
        &["vpnx-role0001", "vpnx-role0002"],
    )
    .await;
    let base = e.base_url();
    let mut c = command(&[
        "teardown",
        "tencent",
        "--debug",
        "--endpoint",
        &base,
        "--vpn-gateway-id",
        "vpngw-role0001",
        "--role-arn",
        TENCENT_ROLE,
    ]);
    c.env("TENCENTCLOUD_STS_ENDPOINT", &base);
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["GatewayDeleted"], json!(true));
    let keys = temporary_keys(&stderr(&o), "AKID");
    assert!(keys.len() >= 3, "{keys:?}");
}

/// The distinct temporary key ids (`STS.…` for Alibaba, `AKID…` for Tencent; the emulator's own keys are
/// `emulator-ak` / `emulator-sid`) in a `--debug` wire log: one per role session the run signed with.
fn temporary_keys(log: &str, prefix: &str) -> std::collections::BTreeSet<String> {
    log.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.'))
        .filter(|word| word.starts_with(prefix) && word.len() > prefix.len() + 8)
        .map(str::to_owned)
        .collect()
}

/// Counts the chain's calls: each one is one `AssumeRole`.
#[derive(Debug)]
struct Counting {
    inner: AlibabaChain,
    calls: AtomicUsize,
}

impl ProvideCredentials<AlibabaCredentials> for Counting {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.provide()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_calls_share_one_assume_role() {
    // Hour-long keys: under load, two-second ones could be due again before the last call, and a second
    // AssumeRole would then be right, not a stampede.
    let e = Emulator::start(EmulatorConfig::loopback().sts_duration(Duration::from_secs(3600)))
        .await
        .expect("emulator starts");
    seed_gateway(&e, "vpn-many", &[]).await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let provider = Arc::new(Counting {
        inner: AlibabaChain::new()
            .assume_role(ROLE, Some("many".to_owned()))
            .environment(Arc::new(env)),
        calls: AtomicUsize::new(0),
    });
    let client = VpcClient::builder()
        .endpoint(&base)
        .credentials_provider(provider.clone())
        .build()
        .expect("client");
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                client
                    .describe_vpn_gateway()
                    .region_id(REGION)
                    .vpn_gateway_id("vpn-many")
                    .send()
                    .await
            })
        })
        .collect();
    for call in calls {
        let out = call.await.expect("join").expect("described");
        assert_eq!(out.vpn_gateway_id.as_deref(), Some("vpn-many"));
    }
    assert_eq!(provider.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_instance_roles_come_from_the_emulators_metadata_services() {
    let e = short_lived_emulator().await;
    seed_gateway(&e, "vpn-ecs", &[]).await;
    seed_tencent(&e, "vpc-meta0001", "vpngw-meta0001", &[]).await;
    let base = e.base_url();
    // No keys at all: the ECS RAM role (discovered: emulator-role) and the CVM role are the only sources.
    let mut c = command(&[
        "alibaba",
        "describe-vpn-gateway",
        "--endpoint",
        &base,
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-ecs",
    ]);
    c.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &base)
        .env("ALIBABA_CLOUD_IMDSV1_DISABLED", "true");
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["VpnGatewayId"], json!("vpn-ecs"));

    let mut c = command(&[
        "tencent",
        "describe-vpn-gateways",
        "--endpoint",
        &base,
        "--vpn-gateway-ids",
        "vpngw-meta0001",
    ]);
    c.env_remove("TENCENTCLOUD_SECRET_ID")
        .env_remove("TENCENTCLOUD_SECRET_KEY")
        .env("TENCENTCLOUD_METADATA_ENDPOINT", &base);
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["TotalCount"], json!(1));
}
