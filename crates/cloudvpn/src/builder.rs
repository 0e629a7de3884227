//! What every protocol client's builder shares: the settings of the generic core, their builder methods,
//! and the one error `build()` can return.

use crate::client::WireLog;
use crate::clock::{Clock, IdGenerator};
use crate::retry::RetryConfig;
use crate::transport::{Transport, TransportError};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time one attempt may take, from sending to the last byte of the answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a client could not be built: nothing was sent, and no call of it would have worked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL given to `endpoint` is not one (`message` says what is wrong and how to write it).
    Endpoint {
        /// What is wrong with it, and what would be right.
        message: String,
    },
    /// The HTTP transport could not be set up (e.g. a root certificate bundle that is not PEM).
    Transport(TransportError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Endpoint { message } => write!(f, "{message}"),
            BuildError::Transport(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BuildError::Transport(e) => Some(e),
            BuildError::Endpoint { .. } => None,
        }
    }
}

impl From<TransportError> for BuildError {
    fn from(e: TransportError) -> Self {
        BuildError::Transport(e)
    }
}

/// Settings every builder shares.
pub(crate) struct CommonConfig {
    pub(crate) endpoint: Option<String>,
    pub(crate) region: Option<String>,
    pub(crate) connect_timeout: Duration,
    pub(crate) attempt_timeout: Duration,
    pub(crate) retry: RetryConfig,
    pub(crate) transport: Option<Arc<dyn Transport>>,
    pub(crate) clock: Option<Arc<dyn Clock>>,
    pub(crate) ids: Option<Arc<dyn IdGenerator>>,
    pub(crate) user_agent: Option<String>,
    pub(crate) wire_log: Option<WireLog>,
    /// Extra trusted roots (PEM bundles) for the default transport.
    pub(crate) root_certificates: Vec<Vec<u8>>,
}

impl Default for CommonConfig {
    fn default() -> Self {
        CommonConfig {
            endpoint: None,
            region: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            retry: RetryConfig::default(),
            transport: None,
            clock: None,
            ids: None,
            user_agent: None,
            wire_log: None,
            root_certificates: Vec::new(),
        }
    }
}

/// The `User-Agent` of every client unless told otherwise.
pub(crate) fn default_user_agent() -> String {
    format!("cloudvpn-rust/{}", env!("CARGO_PKG_VERSION"))
}

/// The builder methods every protocol client's builder has (each builder keeps a `common: CommonConfig`).
macro_rules! common_builder_methods {
    () => {
        /// Sends every call to this base URL (e.g. `http://127.0.0.1:8080` for the emulator) instead of the
        /// provider's regional endpoint. `build` refuses one that is not `http(s)://host[:port]`.
        pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
            self.common.endpoint = Some(base_url.into());
            self
        }

        /// The default region.
        pub fn region(mut self, region: impl Into<String>) -> Self {
            self.common.region = Some(region.into());
            self
        }

        /// Connect timeout (default [`DEFAULT_CONNECT_TIMEOUT`](crate::DEFAULT_CONNECT_TIMEOUT), 5 s).
        pub fn connect_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.common.connect_timeout = timeout;
            self
        }

        /// Time one attempt may take (default [`DEFAULT_ATTEMPT_TIMEOUT`](crate::DEFAULT_ATTEMPT_TIMEOUT),
        /// 30 s).
        pub fn attempt_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.common.attempt_timeout = timeout;
            self
        }

        /// Retry settings (default [`RetryConfig::default`](crate::RetryConfig::default): 4 attempts,
        /// 200 ms base, 10 s cap).
        pub fn retry(mut self, retry: crate::RetryConfig) -> Self {
            self.common.retry = retry;
            self
        }

        /// Another transport (tests, proxies).
        pub fn transport(
            mut self,
            transport: std::sync::Arc<dyn crate::transport::Transport>,
        ) -> Self {
            self.common.transport = Some(transport);
            self
        }

        /// Another clock (tests).
        pub fn clock(mut self, clock: std::sync::Arc<dyn crate::clock::Clock>) -> Self {
            self.common.clock = Some(clock);
            self
        }

        /// Another source of nonces and client tokens (tests).
        pub fn ids(mut self, ids: std::sync::Arc<dyn crate::clock::IdGenerator>) -> Self {
            self.common.ids = Some(ids);
            self
        }

        /// The `User-Agent` header.
        pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
            self.common.user_agent = Some(user_agent.into());
            self
        }

        /// Observes every request and response on the wire.
        pub fn wire_log(mut self, log: crate::WireLog) -> Self {
            self.common.wire_log = Some(log);
            self
        }

        /// Also trusts the certificates of this PEM bundle (one or more `CERTIFICATE` blocks) for HTTPS,
        /// beside the built-in roots: e.g. the CA an emulator started with `--tls` prints. May be called
        /// more than once. `build` refuses a bundle holding no certificate. Applies to the default
        /// transport only (not to one given with `transport`).
        pub fn root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
            self.common.root_certificates.push(pem.into());
            self
        }
    };
}
pub(crate) use common_builder_methods;
