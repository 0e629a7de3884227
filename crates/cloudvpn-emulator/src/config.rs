//! How an emulator is set up: where it listens, its state file, its keys, its transition models and limits.

use crate::credentials::Credentials;
use crate::timing::Transitions;
use crate::tls::TlsIdentity;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Limits on what one request may contain; beyond them the request gets the protocol's invalid-parameter
/// error (Alibaba `InvalidParameter`, Tencent v2 code 4000), never a crash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted body, in bytes (default 64 KiB; the APIs' parameters fit in a few hundred).
    pub max_body_bytes: usize,
    /// Largest accepted query string, in bytes (default 32 KiB).
    pub max_query_bytes: usize,
    /// Most parameters in one request, query and body together (default 128).
    pub max_params: usize,
    /// How many nonces may be remembered at a time for replay protection (default 10,000,000, a few
    /// hundred MB at most). Each is kept until its request's timestamp leaves the window (Alibaba 900 s,
    /// Tencent v2 7,200 s), so this caps the request rate one window can hold; beyond it new requests get
    /// the throttling error (Alibaba `Throttling`, Tencent v2 4400) until old nonces expire, and no nonce
    /// is ever forgotten early.
    pub nonce_capacity: usize,
    /// Most resources one seed request (control API or [`crate::Handle`]) may create (default 10,000);
    /// a larger one is refused with 413 before anything is built.
    pub max_seed_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 64 * 1024,
            max_query_bytes: 32 * 1024,
            max_params: 128,
            nonce_capacity: 10_000_000,
            max_seed_items: 10_000,
        }
    }
}

/// Limits on connections, so that idle, slow or abandoned sockets cannot lock other clients out.
///
/// A connection is *waiting* while it has sent nothing of its next request, *reading a head* from the first
/// byte of a request until its headers are complete, *reading a body* until the body is complete, and
/// *handled* while the emulator works on the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Most connections open at once (default 512, well under the usual limit of 1,024 open files). When a
    /// new one arrives at the cap, the one that has been waiting or reading a head the longest is closed to
    /// make room (then the oldest still sending a body); a connection being handled is never closed. If
    /// every connection is being handled, the new one is closed instead.
    pub max_connections: usize,
    /// How long a kept-alive connection may wait without sending a byte of its next request (default 60 s).
    pub idle_timeout: Duration,
    /// How long a request's headers may take from their first byte (default 10 s): a client that trickles
    /// its headers (slowloris) is cut off after this.
    pub header_read_timeout: Duration,
    /// How long a request's body may take once its headers are in (default 10 s); a late body is answered
    /// 408 and the connection closed.
    pub body_read_timeout: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            max_connections: 512,
            idle_timeout: Duration::from_secs(60),
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(10),
        }
    }
}

/// The token the control API requires as `Authorization: Bearer TOKEN` (`--control-token`). Its `Debug`
/// output does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ControlToken(String);

impl ControlToken {
    /// A token; `None` when it is empty (an empty token would protect nothing).
    pub fn new(token: impl Into<String>) -> Option<Self> {
        let token = token.into();
        (!token.is_empty()).then_some(ControlToken(token))
    }

    /// The token, to compare with what a request sent.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ControlToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ControlToken(<redacted>)")
    }
}

/// Everything [`crate::Emulator::start`] needs.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free one ([`crate::Emulator::local_addr`] says which).
    pub listen: SocketAddr,
    /// Where the state is kept across restarts (`--state FILE`); `None` keeps it in memory only.
    pub state_file: Option<PathBuf>,
    /// Accepted keys (default: the documented default keys only).
    pub credentials: Credentials,
    /// How asynchronous changes complete, per resource kind.
    pub transitions: Transitions,
    /// Request limits.
    pub limits: Limits,
    /// Tencent v2 region used when a request has no `Region` parameter (the official Python SDK omits
    /// it after `setRegion()`); default `ap-guangzhou`.
    pub tencent_default_region: String,
    /// Connection limits and timeouts.
    pub connections: ConnectionLimits,
    /// Whether `listen` may be an address other machines can reach (`--allow-remote`). Without it,
    /// [`crate::Emulator::start`] refuses a non-loopback address; with it, it refuses to start while the
    /// published default keys are accepted.
    pub allow_remote: bool,
    /// When set, every control request must send `Authorization: Bearer TOKEN`.
    pub control_token: Option<ControlToken>,
    /// When set, the port speaks HTTPS with this certificate (`--tls`) instead of plain HTTP.
    pub tls: Option<TlsIdentity>,
    /// `--sts-duration`: how long every issued temporary key lasts, whatever was asked; `None`: what the
    /// call asked for, else the API's documented default.
    pub sts_duration: Option<std::time::Duration>,
}

impl EmulatorConfig {
    /// Defaults, listening on `listen`.
    pub fn new(listen: SocketAddr) -> Self {
        EmulatorConfig {
            listen,
            state_file: None,
            credentials: Credentials::defaults(),
            transitions: Transitions::default(),
            limits: Limits::default(),
            tencent_default_region: "ap-guangzhou".to_owned(),
            connections: ConnectionLimits::default(),
            allow_remote: false,
            control_token: None,
            tls: None,
            sts_duration: None,
        }
    }

    /// Defaults, on a free port of 127.0.0.1 (for tests and the demo).
    pub fn loopback() -> Self {
        Self::new(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Keeps state in `path`.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }

    /// Uses these keys.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = credentials;
        self
    }

    /// Makes every issued temporary key last `duration` (`--sts-duration`).
    pub fn sts_duration(mut self, duration: std::time::Duration) -> Self {
        self.sts_duration = Some(duration);
        self
    }

    /// Uses these transition models.
    pub fn transitions(mut self, transitions: Transitions) -> Self {
        self.transitions = transitions;
        self
    }

    /// Uses these limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Uses these connection limits.
    pub fn connection_limits(mut self, connections: ConnectionLimits) -> Self {
        self.connections = connections;
        self
    }

    /// Serves HTTPS with this certificate (e.g. [`TlsIdentity::generate`]).
    pub fn tls(mut self, identity: TlsIdentity) -> Self {
        self.tls = Some(identity);
        self
    }

    /// Requires `Authorization: Bearer TOKEN` on every control request.
    pub fn control_token(mut self, token: ControlToken) -> Self {
        self.control_token = Some(token);
        self
    }
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::loopback()
    }
}
