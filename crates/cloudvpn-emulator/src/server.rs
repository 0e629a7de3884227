//! Starting, serving and stopping an emulator: the library API the `cloudvpn emulator` command and the
//! demo call ([`Handle`], the in-process twin of the control API, is in `handle.rs`).

use crate::config::{ConnectionLimits, ControlToken, EmulatorConfig, Limits};
use crate::credentials::Credentials;
use crate::faults::Faults;
use crate::handle::Handle;
use crate::journal;
use crate::listen::{self, ExposureError};
use crate::model::World;
use crate::nonces::NonceCache;
use crate::persistence::StateFileError;
use crate::rate_limits::RateLimits;
use crate::state_lock::LockError;
use crate::store::{SaveError, Store};
use crate::sts::Sts;
use crate::timing::Transitions;
use crate::tls::TlsError;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// What every request handler shares.
pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    /// Roles, OIDC providers and the temporary keys issued for them.
    pub(crate) sts: Sts,
    pub(crate) limits: Limits,
    pub(crate) tencent_default_region: String,
    pub(crate) connections: ConnectionLimits,
    pub(crate) control_token: Option<ControlToken>,
    /// `--allow-remote`: clients may address the emulator by any name (see [`crate::web_guard`]).
    pub(crate) allow_remote: bool,
    pub(crate) store: Arc<Store>,
    pub(crate) nonces: NonceCache,
    pub(crate) faults: Faults,
    pub(crate) rate_limits: RateLimits,
    transitions: Mutex<Transitions>,
    pub(crate) initial_transitions: Transitions,
}

impl Shared {
    fn new(config: EmulatorConfig, store: Arc<Store>) -> Arc<Shared> {
        Arc::new(Shared {
            sts: Sts::new(config.credentials.trust().clone(), config.sts_duration),
            credentials: config.credentials,
            limits: config.limits,
            tencent_default_region: config.tencent_default_region,
            connections: config.connections,
            control_token: config.control_token,
            allow_remote: config.allow_remote,
            store,
            nonces: NonceCache::new(config.limits.nonce_capacity),
            faults: Faults::default(),
            rate_limits: RateLimits::default(),
            transitions: Mutex::new(config.transitions),
            initial_transitions: config.transitions,
        })
    }

    /// A shared state without a server, for unit tests of the request handlers.
    #[cfg(test)]
    pub(crate) fn for_tests() -> Arc<Shared> {
        Shared::for_tests_with(Store::new(World::new(), None))
    }

    /// [`Shared::for_tests`] around a given store (one whose disk a test controls).
    #[cfg(test)]
    pub(crate) fn for_tests_with(store: Arc<Store>) -> Arc<Shared> {
        Shared::new(EmulatorConfig::loopback(), store)
    }

    pub(crate) fn transitions(&self) -> Transitions {
        *self.transitions.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn set_transitions(&self, t: Transitions) {
        *self.transitions.lock().unwrap_or_else(|p| p.into_inner()) = t;
    }
}

/// Why an emulator could not start.
#[derive(Debug)]
pub enum StartError {
    /// The listen address could not be bound.
    Bind {
        /// The address.
        address: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The state file exists but cannot be used (it is left untouched).
    StateFile(StateFileError),
    /// Another emulator uses the state file, or it cannot be locked (nothing was touched).
    StateLock(LockError),
    /// The listen address would expose the emulator (see [`crate::ExposureError`]).
    Exposure(ExposureError),
    /// The TLS certificate could not be loaded.
    Tls(TlsError),
}

impl fmt::Display for StartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartError::Bind { address, source } => {
                write!(f, "cannot listen on {address}: {source}")
            }
            StartError::StateFile(e) => e.fmt(f),
            StartError::StateLock(e) => e.fmt(f),
            StartError::Exposure(e) => e.fmt(f),
            StartError::Tls(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind { source, .. } => Some(source),
            StartError::StateFile(e) => Some(e),
            StartError::StateLock(e) => Some(e),
            StartError::Exposure(e) => Some(e),
            StartError::Tls(e) => Some(e),
        }
    }
}

/// A running emulator. Dropping it stops the server without waiting; call [`Emulator::shutdown`] to stop
/// it cleanly.
pub struct Emulator {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    /// The certificate clients must trust, when it speaks HTTPS.
    trust_pem: Option<String>,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
    writer: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("local_addr", &self.local_addr)
            .finish()
    }
}

impl Emulator {
    /// Checks the exposure policy (the exposure policy ([`crate::ExposureError`])), loads the state file (if configured),
    /// binds the listen address and starts serving on the current Tokio runtime.
    pub async fn start(config: EmulatorConfig) -> Result<Emulator, StartError> {
        listen::check_exposure(config.listen, config.allow_remote, &config.credentials)
            .map_err(StartError::Exposure)?;
        let tls = match &config.tls {
            Some(identity) => Some((
                identity.acceptor().map_err(StartError::Tls)?,
                identity.trust_pem().to_owned(),
            )),
            None => None,
        };
        let (acceptor, trust_pem) = tls.unzip();
        // Bind first: an emulator that cannot listen must not have touched the state file.
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Bind {
                    address: config.listen,
                    source,
                })?;
        let local_addr = listener.local_addr().map_err(|source| StartError::Bind {
            address: config.listen,
            source,
        })?;
        let opened = match &config.state_file {
            Some(path) => {
                let opened =
                    journal::open(path, journal::Policy::default()).map_err(|e| match e {
                        journal::OpenError::Lock(e) => StartError::StateLock(e),
                        journal::OpenError::State(e) => StartError::StateFile(e),
                    })?;
                for note in &opened.notes {
                    eprintln!("cloudvpn-emulator: {note}");
                }
                Some(opened)
            }
            None => None,
        };
        let store = match opened {
            Some(opened) => Store::with_journal(opened),
            None => Store::new(World::new(), None),
        };
        let shared = Shared::new(config, store.clone());
        let writer = tokio::spawn(store.run_writer());
        let (stop, stopped) = oneshot::channel();
        let server = tokio::spawn(crate::accept::accept_loop(
            listener,
            shared.clone(),
            acceptor,
            stopped,
        ));
        Ok(Emulator {
            shared,
            local_addr,
            trust_pem,
            stop: Some(stop),
            server: Some(server),
            writer: Some(writer),
        })
    }

    /// The address it listens on (with the real port when the configured one was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `host:port`, what the official SDKs take as their endpoint.
    pub fn endpoint(&self) -> String {
        self.local_addr.to_string()
    }

    /// `http://host:port` (`https://` with TLS), what the `cloudvpn` runtime and CLI take as a base URL.
    pub fn base_url(&self) -> String {
        let scheme = if self.trust_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.local_addr)
    }

    /// With TLS, the certificate clients must trust (PEM); `None` for plain HTTP.
    pub fn tls_certificate_pem(&self) -> Option<&str> {
        self.trust_pem.as_deref()
    }

    /// The in-process control API.
    pub fn handle(&self) -> Handle {
        Handle::from_shared(self.shared.clone())
    }

    /// Stops accepting connections, lets open requests finish (up to 5 s), and saves the state file.
    pub async fn shutdown(mut self) -> Result<(), SaveError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        let flushed = self.shared.store.close().await;
        if let Some(writer) = self.writer.take() {
            writer.abort();
        }
        flushed
    }

    /// Serves until `signal` completes (e.g. Ctrl-C), then [`Emulator::shutdown`].
    pub async fn run_until(self, signal: impl Future<Output = ()>) -> Result<(), SaveError> {
        signal.await;
        self.shutdown().await
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if let Some(writer) = self.writer.take() {
            writer.abort();
        }
        // At once, not when the aborted writer task is next polled: a new emulator on the same state
        // file (a restart in the same process) must find the journal closed and its lock released.
        self.shared.store.retire();
    }
}
