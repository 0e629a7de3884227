//! `cloudvpn-emulator`: runs the emulator until Ctrl-C or SIGTERM, exactly as `cloudvpn emulator` does (both
//! are [`cloudvpn_emulator::launch`]; exit codes are tabled there).

use cloudvpn_emulator::ControlToken;
use cloudvpn_emulator::launch::{self, LaunchOptions};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cloudvpn-emulator [--listen ADDR] [--state FILE] [--credentials FILE] [--allow-remote]
                         [--control-token TOKEN | --control-token-file FILE] [--max-connections N]
                         [--tls [--tls-cert-out FILE]]

  --listen ADDR            address to listen on: IP:PORT or localhost:PORT (default 127.0.0.1:8080; port 0
                           picks a free one); loopback only unless --allow-remote
  --state FILE             keep the state in FILE and FILE.journal: loaded on start; a change is
                           answered only once it is on disk
  --credentials FILE       access keys (JSON; see the crate documentation)
  --allow-remote           allow a non-loopback --listen address; then the published default keys must be
                           off (\"include_defaults\": false in the --credentials file)
  --control-token TOKEN    the control API then requires Authorization: Bearer TOKEN (other users can see
                           arguments: prefer the file or the environment variable)
  --control-token-file FILE  the same, with the token read from FILE (a trailing line break is ignored);
                           without either flag, CLOUDVPN_EMULATOR_CONTROL_TOKEN is used when set
  --max-connections N      most open connections; at the cap the oldest idle one is closed (default 512)
  --sts-duration D         how long every issued temporary key lasts (30s, 500ms, 15m; default: as asked,
                           else the API's default)
  --tls                    serve HTTPS instead of HTTP, with a CA and a certificate for 127.0.0.1, ::1 and
                           localhost made at start (the CA is printed)
  --tls-cert-out FILE      with --tls, also write the CA certificate to FILE (PEM), for REQUESTS_CA_BUNDLE,
                           SSL_CERT_FILE, NODE_EXTRA_CA_CERTS or cloudvpn --ca-bundle

Default keys: Alibaba emulator-ak / emulator-secret, Tencent emulator-sid / emulator-skey.
Alibaba RPC and Tencent API 3.0 are served at /, Tencent v2 at /v2/index.php, the control API under
/_emulator/ (loopback clients, loopback Host and Origin, JSON bodies).";

fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<LaunchOptions>, String> {
    let mut parsed = LaunchOptions::default();
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
            "--listen" => parsed.listen = value("--listen")?,
            "--state" => parsed.state = Some(PathBuf::from(value("--state")?)),
            "--credentials" => parsed.credentials = Some(PathBuf::from(value("--credentials")?)),
            "--allow-remote" => parsed.allow_remote = true,
            "--tls" => parsed.tls = true,
            "--tls-cert-out" => parsed.tls_cert_out = Some(PathBuf::from(value("--tls-cert-out")?)),
            "--control-token" => {
                parsed.control_token =
                    Some(ControlToken::new(value("--control-token")?).ok_or_else(|| {
                        "--control-token is empty: give the token clients must send as \
                         Authorization: Bearer TOKEN"
                            .to_owned()
                    })?);
            }
            "--control-token-file" => {
                parsed.control_token_file = Some(PathBuf::from(value("--control-token-file")?));
            }
            "--sts-duration" => parsed.sts_duration = Some(value("--sts-duration")?),
            "--max-connections" => {
                let v = value("--max-connections")?;
                parsed.max_connections = Some(
                    v.parse()
                        .map_err(|_| format!("--max-connections {v:?} is not a number"))?,
                );
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Some(parsed))
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("cloudvpn-emulator: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
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
    match runtime.block_on(launch::run(&options, "cloudvpn-emulator")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("cloudvpn-emulator: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
