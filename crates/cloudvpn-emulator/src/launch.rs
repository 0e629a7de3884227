//! Running the emulator as a program: what `cloudvpn-emulator` and `cloudvpn emulator` share, so that both
//! take the same options, refuse the same setups, stop on the same signals and exit with the same codes.
//!
//! | Exit code | When |
//! |---|---|
//! | 0 | stopped by Ctrl-C or SIGTERM, state saved |
//! | 2 | an option to change: a bad `--listen`, `--credentials`, `--control-token`, `--control-token-file` or `CLOUDVPN_EMULATOR_CONTROL_TOKEN`, a refused exposure, a state file that cannot be used, a `--tls-cert-out` file that cannot be written |
//! | 4 | the address cannot be bound, the stop signals cannot be listened for, or the state could not be saved when stopping |

use crate::config::{ControlToken, EmulatorConfig};
use crate::credentials::{Credentials, CredentialsError};
use crate::listen::{ListenAddressError, parse_listen, published_keys_accepted};
use crate::server::{Emulator, StartError};
use crate::store::SaveError;
use crate::tls::{TlsError, TlsIdentity};
use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::signals::{StopSignals, stop_signal};

/// The environment variable that may hold the control token (when neither `--control-token` nor
/// `--control-token-file` is given): unlike an argument, it is not shown to other users by `ps`.
pub const CONTROL_TOKEN_ENV: &str = "CLOUDVPN_EMULATOR_CONTROL_TOKEN";

/// The default `--listen`.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The options both commands take.
#[derive(Debug, Clone)]
pub struct LaunchOptions {
    /// `--listen ADDR`.
    pub listen: String,
    /// `--state FILE`.
    pub state: Option<PathBuf>,
    /// `--credentials FILE`.
    pub credentials: Option<PathBuf>,
    /// `--allow-remote`.
    pub allow_remote: bool,
    /// `--control-token TOKEN` (its `Debug` output does not show it).
    pub control_token: Option<ControlToken>,
    /// `--control-token-file FILE`: the token is the file's content, without a trailing line break.
    pub control_token_file: Option<PathBuf>,
    /// `--max-connections N`.
    pub max_connections: Option<usize>,
    /// `--tls`: serve HTTPS with a certificate made at start.
    pub tls: bool,
    /// `--tls-cert-out FILE`: where to write the certificate clients must trust (PEM); needs `tls`.
    pub tls_cert_out: Option<PathBuf>,
    /// `--sts-duration DURATION` (`30s`, `2s`, `500ms`, `15m`, `1h`, or seconds): how long every temporary
    /// key the emulator issues lasts.
    pub sts_duration: Option<String>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            listen: DEFAULT_LISTEN.to_owned(),
            state: None,
            credentials: None,
            allow_remote: false,
            control_token: None,
            control_token_file: None,
            max_connections: None,
            tls: false,
            tls_cert_out: None,
            sts_duration: None,
        }
    }
}

/// Why the emulator did not run, or did not stop cleanly.
#[derive(Debug)]
pub enum LaunchError {
    /// `--listen` is not an address.
    Listen(ListenAddressError),
    /// `--credentials` cannot be used.
    Credentials(CredentialsError),
    /// An empty control token (it would protect nothing); says where it came from.
    EmptyControlToken(&'static str),
    /// Both `--control-token` and `--control-token-file`.
    TwoControlTokens,
    /// The `--control-token-file` cannot be read.
    ControlTokenFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `CLOUDVPN_EMULATOR_CONTROL_TOKEN` is not valid UTF-8.
    ControlTokenEnvNotText,
    /// `--max-connections 0`.
    NoConnections,
    /// `--sts-duration` that is not a positive duration.
    StsDuration(String),
    /// `--tls-cert-out` without `--tls`.
    CertOutWithoutTls,
    /// The TLS certificate could not be made.
    Tls(TlsError),
    /// The `--tls-cert-out` file could not be written.
    CertOut {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The Ctrl-C / SIGTERM handlers could not be installed.
    Signals(std::io::Error),
    /// Starting failed.
    Start(StartError),
    /// The state could not be saved when stopping.
    Stop(SaveError),
}

impl LaunchError {
    /// The process exit code (table in the module documentation).
    pub fn exit_code(&self) -> u8 {
        match self {
            LaunchError::Start(StartError::Bind { .. })
            | LaunchError::Signals(_)
            | LaunchError::Stop(_) => 4,
            _ => 2,
        }
    }
}

impl fmt::Display for LaunchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LaunchError::Listen(e) => e.fmt(f),
            LaunchError::Credentials(e) => e.fmt(f),
            LaunchError::EmptyControlToken(from) => write!(
                f,
                "{from} is empty: give the token clients must send as Authorization: Bearer TOKEN"
            ),
            LaunchError::TwoControlTokens => f.write_str(
                "--control-token and --control-token-file both give the control token: use one",
            ),
            LaunchError::ControlTokenFile { path, source } => write!(
                f,
                "cannot read the control token from {} (--control-token-file): {source}",
                path.display()
            ),
            LaunchError::ControlTokenEnvNotText => {
                write!(f, "{CONTROL_TOKEN_ENV} is not valid UTF-8")
            }
            LaunchError::NoConnections => f.write_str("--max-connections must be at least 1"),
            LaunchError::StsDuration(text) => write!(
                f,
                "--sts-duration {text:?} is not a duration: write e.g. 30s, 500ms, 15m or 1h (at least 1 ms)"
            ),
            LaunchError::CertOutWithoutTls => {
                f.write_str("--tls-cert-out needs --tls (plain HTTP has no certificate to write)")
            }
            LaunchError::Tls(e) => e.fmt(f),
            LaunchError::CertOut { path, source } => write!(
                f,
                "cannot write the TLS certificate to {} (--tls-cert-out): {source}",
                path.display()
            ),
            LaunchError::Signals(e) => {
                write!(
                    f,
                    "cannot listen for Ctrl-C and SIGTERM (needed to stop and save): {e}"
                )
            }
            LaunchError::Start(e) => write!(f, "cannot start the emulator: {e}"),
            LaunchError::Stop(e) => write!(f, "the emulator stopped, but {e}"),
        }
    }
}

impl std::error::Error for LaunchError {}

impl LaunchOptions {
    /// The configuration these options describe (the exposure policy is checked by
    /// [`Emulator::start`]).
    pub fn config(&self) -> Result<EmulatorConfig, LaunchError> {
        let mut config =
            EmulatorConfig::new(parse_listen(&self.listen).map_err(LaunchError::Listen)?);
        if let Some(path) = &self.credentials {
            config.credentials = Credentials::from_file(path).map_err(LaunchError::Credentials)?;
        }
        config.state_file = self.state.clone();
        config.allow_remote = self.allow_remote;
        config.control_token = self.control_token_or(std::env::var_os(CONTROL_TOKEN_ENV))?;
        if let Some(n) = self.max_connections {
            if n == 0 {
                return Err(LaunchError::NoConnections);
            }
            config.connections.max_connections = n;
        }
        if let Some(text) = &self.sts_duration {
            config.sts_duration =
                Some(parse_duration(text).ok_or_else(|| LaunchError::StsDuration(text.clone()))?);
        }
        if self.tls_cert_out.is_some() && !self.tls {
            return Err(LaunchError::CertOutWithoutTls);
        }
        if self.tls {
            config.tls = Some(TlsIdentity::generate().map_err(LaunchError::Tls)?);
        }
        Ok(config)
    }

    /// The control token: `--control-token`, else `--control-token-file`, else `env` (the value of
    /// [`CONTROL_TOKEN_ENV`]), else none.
    pub fn control_token_or(
        &self,
        env: Option<OsString>,
    ) -> Result<Option<ControlToken>, LaunchError> {
        match (&self.control_token, &self.control_token_file) {
            (Some(_), Some(_)) => Err(LaunchError::TwoControlTokens),
            (Some(token), None) => Ok(Some(token.clone())),
            (None, Some(path)) => read_control_token(path).map(Some),
            (None, None) => match env {
                None => Ok(None),
                Some(value) => {
                    let text = value
                        .into_string()
                        .map_err(|_| LaunchError::ControlTokenEnvNotText)?;
                    ControlToken::new(text)
                        .map(Some)
                        .ok_or(LaunchError::EmptyControlToken(CONTROL_TOKEN_ENV))
                }
            },
        }
    }
}

/// The token in `path`: its content without the trailing line break an editor or `echo` adds.
fn read_control_token(path: &Path) -> Result<ControlToken, LaunchError> {
    let text = std::fs::read_to_string(path).map_err(|source| LaunchError::ControlTokenFile {
        path: path.to_owned(),
        source,
    })?;
    ControlToken::new(text.trim_end_matches(['\r', '\n']))
        .ok_or(LaunchError::EmptyControlToken("--control-token-file"))
}

/// Starts the emulator, prints where it listens (first line, with the URL) and which keys it takes, serves
/// until Ctrl-C or SIGTERM, then saves the state. `program` names the command in the banner.
pub async fn run(options: &LaunchOptions, program: &str) -> Result<(), LaunchError> {
    run_printing(options, program, &mut std::io::stdout()).await
}

/// [`run`], with the banner written to `out`.
pub async fn run_printing(
    options: &LaunchOptions,
    program: &str,
    out: &mut (dyn std::io::Write + Send),
) -> Result<(), LaunchError> {
    let config = options.config()?;
    // Before the banner: whoever reads it may signal at once.
    let signals = StopSignals::listen().map_err(LaunchError::Signals)?;
    let defaults = !published_keys_accepted(&config.credentials).is_empty();
    let token = config.control_token.is_some();
    let emulator = Emulator::start(config).await.map_err(LaunchError::Start)?;
    let keys = match (defaults, options.credentials.is_some()) {
        (true, false) => {
            "the published defaults (Alibaba emulator-ak / emulator-secret, Tencent emulator-sid / emulator-skey)"
        }
        (true, true) => "the published defaults and those of the credentials file",
        (false, _) => "only those of the credentials file",
    };
    let control = if token {
        "loopback clients with the control token"
    } else {
        "loopback clients"
    };
    let tls = match emulator.tls_certificate_pem() {
        Some(pem) => tls_banner(pem, options.tls_cert_out.as_deref())?,
        None => String::new(),
    };
    // One write, and no panic if nobody reads stdout any more (a closed pipe must not stop the server).
    let banner = format!(
        "{program} listening on {} (Alibaba RPC and Tencent API 3.0 at /, Tencent v2 at /v2/index.php, control API at /_emulator/)\n\
         keys: {keys}; control API: {control}; Ctrl-C or SIGTERM stops and saves\n{tls}",
        emulator.base_url()
    );
    let _ = out.write_all(banner.as_bytes()).and_then(|()| out.flush());
    emulator
        .run_until(signals.received())
        .await
        .map_err(LaunchError::Stop)
}

/// Writes the certificate to trust to `out` (if given) and says how to trust it, followed by the certificate.
fn tls_banner(pem: &str, out: Option<&std::path::Path>) -> Result<String, LaunchError> {
    let trust = match out {
        Some(path) => {
            std::fs::write(path, pem).map_err(|source| LaunchError::CertOut {
                path: path.to_owned(),
                source,
            })?;
            let file = path.display();
            format!(
                "TLS: certificate to trust (a CA made at start for 127.0.0.1, ::1 and localhost) written to {file}; \
                 trust it with REQUESTS_CA_BUNDLE={file}, SSL_CERT_FILE={file} or NODE_EXTRA_CA_CERTS={file}, \
                 or cloudvpn --ca-bundle {file}\n"
            )
        }
        None => "TLS: certificate to trust (a CA made at start for 127.0.0.1, ::1 and localhost) below; save it \
                 to a file (or use --tls-cert-out FILE) and point REQUESTS_CA_BUNDLE, SSL_CERT_FILE, \
                 NODE_EXTRA_CA_CERTS or cloudvpn --ca-bundle at it\n"
            .to_owned(),
    };
    Ok(format!("{trust}{pem}"))
}

/// `30s`, `500ms`, `15m`, `1h` or plain seconds, at least 1 ms.
pub fn parse_duration(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let ms = match unit.trim() {
        "ms" => n,
        "" | "s" => n.checked_mul(1_000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        _ => return None,
    };
    (ms > 0).then(|| Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_control_token_comes_from_the_flag_the_file_or_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token");
        std::fs::write(&file, "from-file-1\n").unwrap();
        let env = || Some(OsString::from("from-env-1"));
        let expose = |t: Option<ControlToken>| t.map(|t| t.expose().to_owned());
        let flag = LaunchOptions {
            control_token: ControlToken::new("from-flag-1"),
            ..Default::default()
        };
        assert_eq!(
            expose(flag.control_token_or(env()).unwrap()).as_deref(),
            Some("from-flag-1")
        );
        let from_file = LaunchOptions {
            control_token_file: Some(file.clone()),
            ..Default::default()
        };
        assert_eq!(
            expose(from_file.control_token_or(env()).unwrap()).as_deref(),
            Some("from-file-1")
        );
        assert!(!format!("{from_file:?}").contains("from-file-1"));
        let none = LaunchOptions::default();
        assert_eq!(
            expose(none.control_token_or(env()).unwrap()).as_deref(),
            Some("from-env-1")
        );
        assert!(none.control_token_or(None).unwrap().is_none());
        let empty_env = none.control_token_or(Some(OsString::new())).unwrap_err();
        assert!(
            empty_env.to_string().contains(CONTROL_TOKEN_ENV),
            "{empty_env}"
        );
        std::fs::write(&file, "\r\n").unwrap();
        let empty_file = from_file.control_token_or(None).unwrap_err();
        assert_eq!(empty_file.exit_code(), 2);
        assert!(
            empty_file.to_string().contains("--control-token-file"),
            "{empty_file}"
        );
    }

    /// Sends SIGTERM to this process the moment the banner is written, as a supervisor watching for it may.
    #[cfg(unix)]
    struct SignalOnBanner(Vec<u8>);

    #[cfg(unix)]
    impl std::io::Write for SignalOnBanner {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.extend_from_slice(buf);
            let pid = std::process::id().to_string();
            let status = std::process::Command::new("kill")
                .args(["-TERM", &pid])
                .status()?;
            assert!(status.success(), "kill -TERM {pid}: {status}");
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Without handlers installed before the banner, this SIGTERM kills the whole test process.
    #[cfg(unix)]
    #[tokio::test]
    async fn a_sigterm_sent_when_the_banner_appears_stops_and_saves() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state.json");
        let options = LaunchOptions {
            listen: "127.0.0.1:0".into(),
            state: Some(state.clone()),
            ..Default::default()
        };
        let mut out = SignalOnBanner(Vec::new());
        run_printing(&options, "signal-test", &mut out)
            .await
            .unwrap();
        let banner = String::from_utf8(out.0).unwrap();
        assert!(
            banner.starts_with("signal-test listening on http://127.0.0.1:"),
            "{banner}"
        );
        let saved = std::fs::read_to_string(&state).unwrap();
        assert!(saved.contains("cloudvpn-emulator-state/1"), "{saved}");
    }

    #[test]
    fn sts_durations_parse_in_the_usual_units() {
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2"), Some(Duration::from_secs(2)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("15m"), Some(Duration::from_secs(900)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        for bad in ["", "0s", "s", "-1s", "2 weeks", "1.5s"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
        let options = LaunchOptions {
            sts_duration: Some("2s".into()),
            ..LaunchOptions::default()
        };
        assert_eq!(
            options.config().unwrap().sts_duration,
            Some(Duration::from_secs(2))
        );
        let bad = LaunchOptions {
            sts_duration: Some("soon".into()),
            ..LaunchOptions::default()
        };
        let err = bad.config().unwrap_err();
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("30s"), "{err}");
    }

    #[test]
    fn options_become_a_config() {
        let options = LaunchOptions {
            listen: "localhost:0".into(),
            control_token: ControlToken::new("t0ken"),
            max_connections: Some(7),
            ..Default::default()
        };
        let config = options.config().unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:0");
        assert_eq!(config.connections.max_connections, 7);
        assert_eq!(
            config.control_token.as_ref().map(ControlToken::expose),
            Some("t0ken")
        );
        assert!(!format!("{config:?}").contains("t0ken"));
        assert!(!format!("{options:?}").contains("t0ken"), "{options:?}");
        assert!(config.tls.is_none(), "plain HTTP stays the default");
        let tls = LaunchOptions {
            tls: true,
            ..Default::default()
        };
        assert!(tls.config().unwrap().tls.is_some());
        for (bad, code) in [
            (
                LaunchOptions {
                    listen: "nowhere".into(),
                    ..Default::default()
                },
                2,
            ),
            (
                LaunchOptions {
                    control_token: ControlToken::new("a"),
                    control_token_file: Some("token".into()),
                    ..Default::default()
                },
                2,
            ),
            (
                LaunchOptions {
                    control_token_file: Some("/nonexistent/token".into()),
                    ..Default::default()
                },
                2,
            ),
            (
                LaunchOptions {
                    max_connections: Some(0),
                    ..Default::default()
                },
                2,
            ),
            (
                LaunchOptions {
                    credentials: Some("/nonexistent/keys.json".into()),
                    ..Default::default()
                },
                2,
            ),
            (
                LaunchOptions {
                    tls_cert_out: Some("cert.pem".into()),
                    ..Default::default()
                },
                2,
            ),
        ] {
            let err = bad.config().unwrap_err();
            assert_eq!(err.exit_code(), code, "{err}");
        }
    }
}
