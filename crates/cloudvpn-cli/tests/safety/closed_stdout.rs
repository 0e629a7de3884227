//! A closed stdout ends the command quietly.

use super::*;

/// `cloudvpn … | head -c1` and friends: exit 0, no panic, no backtrace. Each output is larger than a pipe
/// buffer, so the command is still writing when `head` goes away.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_ends_the_command_quietly() {
    let e = emulator().await;
    let seeds = (0..200)
        .map(|i| AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some(format!("vpn-pipe-{i:03}")),
            ..Default::default()
        })
        .collect();
    e.handle()
        .seed_alibaba_gateways(seeds)
        .await
        .expect("gateways");
    let bin = env!("CARGO_BIN_EXE_cloudvpn");
    let base = e.base_url();
    for line in [
        format!("{bin} completions bash | head -c1"),
        format!("{bin} completions powershell | head -c1"),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} | head -c1"
        ),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} -o table | head -n1"
        ),
        format!(
            "{bin} alibaba describe-vpn-gateways --region {REGION} --endpoint {base} -o text | true"
        ),
        // The demo narrates with println!, which the closed-stdout hook turns into a quiet exit.
        format!("{bin} demo --fast | head -n1"),
    ] {
        let script = format!("{line}; exit ${{PIPESTATUS[0]}}");
        let c = command(&[]);
        let o = tokio::task::spawn_blocking(move || {
            // The clean environment of `command`, for bash and the binary it starts.
            std::process::Command::new("bash")
                .args(["-c", &script])
                .envs(c.get_envs().filter_map(|(k, v)| v.map(|v| (k, v))))
                .env_remove("RUST_BACKTRACE")
                .output()
                .expect("bash runs")
        })
        .await
        .expect("join");
        assert_eq!(code(&o), 0, "{line}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{line}: {}", stderr(&o));
    }
}
