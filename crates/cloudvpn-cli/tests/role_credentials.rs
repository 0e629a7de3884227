//! `--role-arn` end to end against the emulator's STS on 127.0.0.1: the command signs with the keys STS
//! issued, and a role the keys may not assume is refused with an error naming STS and its endpoint.

#[path = "support/mod.rs"]
mod support;

use cloudvpn::credentials::{CredentialsError, MapEnvironment, ProvideCredentials, TencentChain};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const ROLE: &str = "acs:ram::1234567890123456:role/ci";
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
async fn role_arn_signs_with_the_keys_sts_issued() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let mut c = command(&[
        "alibaba",
        "describe-vpn-gateway",
        "--endpoint",
        &base,
        "--region",
        REGION,
        "--vpn-gateway-id",
        "vpn-1",
        "--role-arn",
        ROLE,
        "--role-session-name",
        "dry",
        "--dry-run",
    ]);
    c.env("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let printed = stdout(&o);
    // Signed with the temporary key STS issued, its token masked; not with the emulator's own key.
    assert!(printed.contains("x-acs-accesskey-id: STS."), "{printed}");
    assert!(printed.contains("x-acs-security-token: ***"), "{printed}");
    assert!(!printed.contains("Credential=emulator-ak"), "{printed}");

    // --role-session-name without --role-arn is a usage error.
    let o = cloudvpn(&[
        "alibaba",
        "describe-vpn-gateways",
        "--role-session-name",
        "s",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_of_another_account_is_refused_naming_sts_and_its_endpoint() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("TENCENTCLOUD_SECRET_ID", "emulator-sid")
        .with_var("TENCENTCLOUD_SECRET_KEY", "emulator-skey")
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &base);
    let error: CredentialsError = TencentChain::new()
        .assume_role("qcs::cam::uin/999999999999:roleName/elsewhere", None)
        .environment(Arc::new(env))
        .provide()
        .await
        .expect_err("another account's role");
    let shown = error.to_string();
    assert!(shown.contains(&format!("at {base}")), "{shown}");
    assert!(!shown.contains("emulator-skey"), "{shown}");
}
