//! `cloudvpn emulator`: serve the emulator until Ctrl-C or SIGTERM — the same options, refusals, signals and
//! exit codes as the standalone `cloudvpn-emulator` (both are `cloudvpn_emulator::launch`).

use crate::failure::{Failure, Kind};
use clap::ArgMatches;
use cloudvpn_emulator::launch::{self, LaunchOptions};
use std::path::PathBuf;

/// The launch options in `m`.
fn options(m: &ArgMatches) -> LaunchOptions {
    let text = |name: &str| m.get_one::<String>(name).cloned();
    LaunchOptions {
        listen: text("listen").unwrap_or_else(|| launch::DEFAULT_LISTEN.to_owned()),
        state: text("state").map(PathBuf::from),
        credentials: text("emulator-credentials").map(PathBuf::from),
        allow_remote: m.get_flag("allow-remote"),
        control_token: m
            .get_one::<cloudvpn_emulator::ControlToken>("control-token")
            .cloned(),
        control_token_file: text("control-token-file").map(PathBuf::from),
        max_connections: m.get_one::<usize>("max-connections").copied(),
        tls: m.get_flag("tls"),
        tls_cert_out: text("tls-cert-out").map(PathBuf::from),
        sts_duration: text("sts-duration"),
    }
}

/// Runs the emulator with the flags in `m`.
pub async fn run(m: &ArgMatches) -> Result<(), Failure> {
    launch::run(&options(m), "cloudvpn emulator")
        .await
        .map_err(|e| Failure {
            // The launch module's codes are the CLI's: 2 usage, 4 the emulator could not run.
            kind: if e.exit_code() == Kind::Usage.code() {
                Kind::Usage
            } else {
                Kind::Transport
            },
            message: e.to_string(),
        })
}
