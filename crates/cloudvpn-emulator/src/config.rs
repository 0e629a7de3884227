//! How an emulator is set up: where it listens, its state file, its keys, its transition models and limits.

use crate::credentials::Credentials;
use crate::timing::Transitions;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

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
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self::loopback()
    }
}
