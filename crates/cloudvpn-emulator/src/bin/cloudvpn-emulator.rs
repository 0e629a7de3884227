//! `cloudvpn-emulator`: runs the emulator until Ctrl-C (the `cloudvpn emulator` command will do the same).

use cloudvpn_emulator::{Credentials, Emulator, EmulatorConfig};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cloudvpn-emulator [--listen ADDR] [--state FILE] [--credentials FILE]

  --listen ADDR        address to listen on (default 127.0.0.1:8080; port 0 picks a free one)
  --state FILE         keep the state in FILE: loaded on start, written after every change
  --credentials FILE   more access keys (JSON; see the crate documentation)

Default keys: Alibaba emulator-ak / emulator-secret, Tencent emulator-sid / emulator-skey.
Alibaba RPC is served at /, Tencent v2 at /v2/index.php, the control API under /_emulator/.";

struct Args {
    listen: SocketAddr,
    state: Option<PathBuf>,
    credentials: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
        state: None,
        credentials: None,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--listen" => {
                let v = value("--listen")?;
                parsed.listen = v
                    .parse()
                    .map_err(|_| format!("--listen {v:?} is not an address like 127.0.0.1:8080"))?;
            }
            "--state" => parsed.state = Some(PathBuf::from(value("--state")?)),
            "--credentials" => parsed.credentials = Some(PathBuf::from(value("--credentials")?)),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

/// Ctrl-C, or SIGTERM (what service managers and `kill` send).
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cloudvpn-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut config = EmulatorConfig::new(args.listen);
    if let Some(path) = &args.credentials {
        match Credentials::from_file(path) {
            Ok(c) => config.credentials = c,
            Err(e) => {
                eprintln!("cloudvpn-emulator: {e}");
                return ExitCode::from(2);
            }
        }
    }
    if let Some(path) = args.state {
        config.state_file = Some(path);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cloudvpn-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let emulator = match Emulator::start(config).await {
            Ok(e) => e,
            Err(e) => {
                eprintln!("cloudvpn-emulator: {e}");
                return ExitCode::FAILURE;
            }
        };
        println!(
            "cloudvpn-emulator listening on {} (Alibaba RPC at /, Tencent v2 at /v2/index.php, control API at /_emulator/)",
            emulator.base_url()
        );
        let stopped = emulator.run_until(stop_signal()).await;
        match stopped {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("cloudvpn-emulator: {e}");
                ExitCode::FAILURE
            }
        }
    })
}
