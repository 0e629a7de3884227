//! What goes on the wire: the `--debug` log, v1 signatures, `--dry-run`'s signed request.

use super::*;
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn debug_logs_the_wire_without_secrets() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-dbg", &[]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-dbg",
            "--debug",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--> attempt 1") && err.contains("<-- attempt 1: HTTP 200"),
        "{err}"
    );
    assert!(err.contains("x-acs-action: DescribeVpnGateway"), "{err}");
    assert!(!err.contains("emulator-secret"), "{err}");
    assert_eq!(
        stdout_json(&o)["VpnGatewayId"],
        json!("vpn-dbg"),
        "stdout still carries only the result"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn v1_signatures_work_too() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-v1", &[]).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-v1",
            "--signature",
            "v1",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn dry_run_prints_the_signed_request_with_secrets_redacted() {
    let o = Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
        .args([
            "alibaba",
            "delete-vpn-gateway",
            "--region",
            REGION,
            "--vpn-gateway-id",
            "vpn-1",
            "--client-token",
            "tok-1",
            "--dry-run",
        ])
        .env_clear()
        .env("HOME", std::env::temp_dir())
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "ak-dry")
        .env(
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
            "secret-that-must-not-show",
        )
        .env(
            "ALIBABA_CLOUD_SECURITY_TOKEN",
            "sts-token-that-must-not-show",
        )
        .output()
        .expect("runs");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!shown.contains("must-not-show"), "{shown}");
    // Time, nonce and signature change on every run: pin everything else.
    let stable: Vec<String> = shown
        .lines()
        .map(|l| {
            for volatile in ["x-acs-date: ", "x-acs-signature-nonce: ", "user-agent: "] {
                if l.starts_with(volatile) {
                    return format!("{volatile}<varies>");
                }
            }
            match l.split_once(",Signature=") {
                Some((head, _)) => format!("{head},Signature=<varies>"),
                None => l.to_owned(),
            }
        })
        .collect();
    insta::assert_snapshot!("dry_run_delete_vpn_gateway", stable.join("\n"));
}
