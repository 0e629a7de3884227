//! Starting, serving and stopping an emulator: the library API the `cloudvpn emulator` command and the
//! demo call, and [`Handle`], the in-process twin of the control API.

use crate::config::{ConnectionLimits, ControlToken, EmulatorConfig, Limits};
use crate::credentials::Credentials;
use crate::faults::{FaultRule, Faults, RuleStatus};
use crate::journal;
use crate::listen::{self, ExposureError};
use crate::model::{
    AlibabaVpnConnection, AlibabaVpnGateway, TencentVpc, TencentVpnConnection, TencentVpnGateway,
    World,
};
use crate::nonces::NonceCache;
use crate::persistence::StateFileError;
use crate::seed::build::{self, Prepared};
use crate::seed::{self, SeedError};
use crate::state_lock::LockError;
use crate::store::{SaveError, Store};
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
    pub(crate) limits: Limits,
    pub(crate) tencent_default_region: String,
    pub(crate) connections: ConnectionLimits,
    pub(crate) control_token: Option<ControlToken>,
    /// `--allow-remote`: clients may address the emulator by any name (see [`crate::web_guard`]).
    pub(crate) allow_remote: bool,
    pub(crate) store: Arc<Store>,
    pub(crate) nonces: NonceCache,
    pub(crate) faults: Faults,
    transitions: Mutex<Transitions>,
    initial_transitions: Transitions,
}

impl Shared {
    fn new(config: EmulatorConfig, store: Arc<Store>) -> Arc<Shared> {
        Arc::new(Shared {
            credentials: config.credentials,
            limits: config.limits,
            tencent_default_region: config.tencent_default_region,
            connections: config.connections,
            control_token: config.control_token,
            allow_remote: config.allow_remote,
            store,
            nonces: NonceCache::new(config.limits.nonce_capacity),
            faults: Faults::default(),
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

    fn set_transitions(&self, t: Transitions) {
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

/// The control API, in process: what `/_emulator/…` does, callable from Rust (the CLI's demo seeds through
/// it). Cheap to clone.
#[derive(Clone)]
pub struct Handle {
    shared: Arc<Shared>,
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle").finish_non_exhaustive()
    }
}

impl Handle {
    pub(crate) fn from_shared(shared: Arc<Shared>) -> Self {
        Handle { shared }
    }

    /// Runs a change and waits until it is saved.
    async fn change<R>(
        &self,
        f: impl FnOnce(&mut World, &mut crate::store::Effects) -> R,
    ) -> Result<R, SaveError> {
        let (result, version) = self.shared.store.update(f);
        if let Some(v) = version {
            self.shared.store.saved(v).await?;
        }
        Ok(result)
    }

    /// Forgets every resource, task, client token, nonce and fault rule, and restores the transitions
    /// the emulator started with.
    pub async fn reset(&self) -> Result<(), SaveError> {
        self.shared.faults.clear();
        self.shared.nonces.clear();
        self.shared.set_transitions(self.shared.initial_transitions);
        let old = self
            .change(|world, fx| {
                fx.changed();
                std::mem::replace(world, World::new())
            })
            .await?;
        // Freed after the lock is released: dropping a large world takes a while.
        drop(old);
        Ok(())
    }

    /// The whole state as JSON, once everything changed so far is saved (so it equals what a restart
    /// loads, [`crate::journal::read`], when nothing else is running).
    pub async fn state(&self) -> Result<serde_json::Value, SaveError> {
        self.shared.store.flush().await?;
        Ok(self
            .shared
            .store
            .read(|world| serde_json::to_value(world).unwrap_or(serde_json::Value::Null)))
    }

    /// A copy of the world.
    pub fn world(&self) -> World {
        self.shared.store.read(World::clone)
    }

    /// Seeds `seeds` in order, stopping at the first refused one (those before it stay): each is built
    /// by `prepare` outside the world's lock, then all are inserted in one short step under it.
    async fn seed_all<S, P: Prepared>(
        &self,
        seeds: Vec<S>,
        prepare: impl Fn(&Shared, S) -> Result<P, SeedError>,
    ) -> Result<Vec<P::Made>, SeedError> {
        seed::check_count(seeds.len(), self.shared.limits.max_seed_items)?;
        let mut prepared = Vec::with_capacity(seeds.len());
        let mut refused = None;
        for (i, s) in seeds.into_iter().enumerate() {
            match prepare(&self.shared, s) {
                Ok(p) => prepared.push(p),
                Err(e) => {
                    refused = Some(seed::at_index(i, e));
                    break;
                }
            }
        }
        let mut answers: Vec<P::Made> = prepared.iter().map(|p| p.made().clone()).collect();
        let (assigned, insert_refused) = self
            .change(|world, fx| build::insert_all(world, fx, prepared))
            .await
            .map_err(|e| SeedError {
                status: 500,
                message: e.to_string(),
            })?;
        answers.truncate(assigned.len());
        for (answer, a) in answers.iter_mut().zip(assigned) {
            P::complete(answer, a);
        }
        // A refusal while inserting comes before any item that failed to build.
        if let Some(e) = insert_refused
            .map(|(i, e)| seed::at_index(i, e))
            .or(refused)
        {
            return Err(e);
        }
        Ok(answers)
    }

    /// Seeds Alibaba VPN gateways.
    pub async fn seed_alibaba_gateways(
        &self,
        seeds: Vec<seed::AlibabaGatewaySeed>,
    ) -> Result<Vec<AlibabaVpnGateway>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::alibaba_gateway(&shared.transitions(), s)
        })
        .await
    }

    /// Seeds one Alibaba VPN gateway.
    pub async fn seed_alibaba_gateway(
        &self,
        seed: seed::AlibabaGatewaySeed,
    ) -> Result<AlibabaVpnGateway, SeedError> {
        first(self.seed_alibaba_gateways(vec![seed]).await)
    }

    /// Seeds Alibaba IPsec connections.
    pub async fn seed_alibaba_connections(
        &self,
        seeds: Vec<seed::AlibabaConnectionSeed>,
    ) -> Result<Vec<AlibabaVpnConnection>, SeedError> {
        self.seed_all(seeds, |_, s| build::alibaba_connection(s))
            .await
    }

    /// Seeds one Alibaba IPsec connection.
    pub async fn seed_alibaba_connection(
        &self,
        seed: seed::AlibabaConnectionSeed,
    ) -> Result<AlibabaVpnConnection, SeedError> {
        first(self.seed_alibaba_connections(vec![seed]).await)
    }

    /// Seeds Tencent VPCs.
    pub async fn seed_tencent_vpcs(
        &self,
        seeds: Vec<seed::TencentVpcSeed>,
    ) -> Result<Vec<TencentVpc>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_vpc(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPC.
    pub async fn seed_tencent_vpc(
        &self,
        seed: seed::TencentVpcSeed,
    ) -> Result<TencentVpc, SeedError> {
        first(self.seed_tencent_vpcs(vec![seed]).await)
    }

    /// Seeds Tencent VPN gateways.
    pub async fn seed_tencent_gateways(
        &self,
        seeds: Vec<seed::TencentGatewaySeed>,
    ) -> Result<Vec<TencentVpnGateway>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_gateway(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPN gateway.
    pub async fn seed_tencent_gateway(
        &self,
        seed: seed::TencentGatewaySeed,
    ) -> Result<TencentVpnGateway, SeedError> {
        first(self.seed_tencent_gateways(vec![seed]).await)
    }

    /// Seeds Tencent VPN connections.
    pub async fn seed_tencent_connections(
        &self,
        seeds: Vec<seed::TencentConnectionSeed>,
    ) -> Result<Vec<TencentVpnConnection>, SeedError> {
        self.seed_all(seeds, |shared, s| {
            build::tencent_connection(&shared.tencent_default_region, s)
        })
        .await
    }

    /// Seeds one Tencent VPN connection.
    pub async fn seed_tencent_connection(
        &self,
        seed: seed::TencentConnectionSeed,
    ) -> Result<TencentVpnConnection, SeedError> {
        first(self.seed_tencent_connections(vec![seed]).await)
    }

    /// Adds fault rules (all or none).
    pub fn add_faults(&self, rules: Vec<FaultRule>) -> Result<usize, String> {
        self.shared.faults.add(rules)
    }

    /// Removes every fault rule.
    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// The fault rules and how many calls each has hit.
    pub fn faults(&self) -> Vec<RuleStatus> {
        self.shared.faults.list()
    }

    /// The transition models in force.
    pub fn transitions(&self) -> Transitions {
        self.shared.transitions()
    }

    /// Replaces the transition models (changes already under way keep their schedule).
    pub fn set_transitions(&self, transitions: Transitions) {
        self.shared.set_transitions(transitions);
    }

    /// Waits until every change so far is in the state file.
    pub async fn flush(&self) -> Result<(), SaveError> {
        self.shared.store.flush().await
    }
}

fn first<T>(result: Result<Vec<T>, SeedError>) -> Result<T, SeedError> {
    result?.pop().ok_or_else(|| SeedError {
        status: 500,
        message: "nothing was seeded".to_owned(),
    })
}
