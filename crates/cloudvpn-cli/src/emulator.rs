//! `cloudvpn emulator`: serve the emulator until Ctrl-C.

use crate::failure::{Failure, Kind};
use clap::ArgMatches;
use cloudvpn_emulator::credentials::Credentials;
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use std::net::SocketAddr;

/// Runs the emulator with the flags in `m`.
pub async fn run(m: &ArgMatches) -> Result<(), Failure> {
    let listen = m
        .get_one::<String>("listen")
        .map(String::as_str)
        .unwrap_or("127.0.0.1:8080");
    let addr: SocketAddr = listen.parse().map_err(|_| {
        Failure::usage(format!(
            "--listen {listen:?} is not an address like 127.0.0.1:8080"
        ))
    })?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: {addr} is not a loopback address; anyone who can reach it can use the emulator"
        );
    }
    let mut config = EmulatorConfig::new(addr);
    if let Some(path) = m.get_one::<String>("emulator-credentials") {
        config.credentials = Credentials::from_file(std::path::Path::new(path))
            .map_err(|e| Failure::usage(e.to_string()))?;
    }
    if let Some(path) = m.get_one::<String>("state") {
        config = config.state_file(path);
    }
    let emulator = Emulator::start(config).await.map_err(|e| Failure {
        kind: Kind::Transport,
        message: format!("cannot start the emulator: {e}"),
    })?;
    println!(
        "cloudvpn emulator listening on {} (Alibaba RPC at /, Tencent v2 at /v2/index.php, control API at /_emulator/)",
        emulator.base_url()
    );
    println!(
        "credentials: Alibaba emulator-ak / emulator-secret, Tencent emulator-sid / emulator-skey; Ctrl-C stops"
    );
    emulator
        .run_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| Failure {
            kind: Kind::Transport,
            message: format!("the emulator stopped with an error: {e}"),
        })
}
