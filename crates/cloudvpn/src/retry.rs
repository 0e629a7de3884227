//! Retry policy: when a failed attempt may be repeated (classification lives in the client), how long to
//! wait (capped exponential backoff with full jitter), a token bucket that stops retry storms, and why an
//! attempt is repeated ([`RetryReason`], what the wire log's [`WireEvent::Retrying`](crate::WireEvent) says).

use crate::error::Error;
use crate::transport::TransportErrorKind;
use cloudvpn_types::OperationError;
use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// Why the client is about to repeat an attempt. Names the service's error code where there is one (a
/// code, never a message, a key or a token), so that an observer can tell throttling, which a caller that
/// paces its own calls must slow down for, from a transient failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryReason<'a> {
    /// The service refused the call for its rate (an error the specs mark throttling, such as
    /// `Throttling.User`, `RequestLimitExceeded` or Tencent v2's `4400`).
    Throttled {
        /// The error code.
        code: &'a str,
    },
    /// A transient failure the service answered: an error the specs mark retryable (a busy resource), or a
    /// 5xx answer (`code` is `None` when its body was not an error of the protocol).
    Transient {
        /// The error code, when the answer had one.
        code: Option<&'a str>,
        /// The HTTP status, when known (Tencent v2 errors come with 200).
        status: Option<u16>,
    },
    /// No answer within the attempt's timeout.
    Timeout {
        /// The timeout of the attempt.
        after: Duration,
    },
    /// The connection failed.
    Transport {
        /// How it failed.
        kind: TransportErrorKind,
    },
    /// The service rejected the session of the attempt's temporary credentials (an expired or revoked
    /// session token): the next attempt, at once, signs with refreshed ones.
    SessionRejected {
        /// The error code.
        code: &'a str,
    },
}

impl<'a> RetryReason<'a> {
    /// The reason for repeating after `error`; `None` for errors the client never repeats (validation,
    /// configuration, credentials).
    pub fn of<E: OperationError>(error: &'a Error<E>) -> Option<Self> {
        match error {
            Error::Service(e) if e.is_throttling() => {
                Some(RetryReason::Throttled { code: e.code() })
            }
            Error::Service(e) => Some(RetryReason::Transient {
                code: Some(e.code()),
                status: e.info().http_status,
            }),
            Error::Unparsable { status, .. } => Some(RetryReason::Transient {
                code: None,
                status: Some(*status),
            }),
            Error::Timeout { after, .. } => Some(RetryReason::Timeout { after: *after }),
            Error::Transport { source, .. } => Some(RetryReason::Transport { kind: source.kind }),
            Error::Validation(_)
            | Error::Config { .. }
            | Error::WrongProtocol { .. }
            | Error::Credentials(_) => None,
        }
    }

    /// Whether the service refused the call for its rate.
    pub fn is_throttling(&self) -> bool {
        matches!(self, RetryReason::Throttled { .. })
    }
}

impl fmt::Display for RetryReason<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetryReason::Throttled { code } => write!(f, "throttled ({code})"),
            RetryReason::Transient { code, status } => {
                f.write_str("transient error")?;
                match (code, status) {
                    (Some(c), Some(s)) => write!(f, " ({c}, HTTP {s})"),
                    (Some(c), None) => write!(f, " ({c})"),
                    (None, Some(s)) => write!(f, " (HTTP {s})"),
                    (None, None) => Ok(()),
                }
            }
            RetryReason::Timeout { after } => write!(f, "no answer within {after:?}"),
            RetryReason::Transport { kind } => write!(f, "connection failed ({kind:?})"),
            RetryReason::SessionRejected { code } => {
                write!(
                    f,
                    "session rejected ({code}), retrying with refreshed credentials"
                )
            }
        }
    }
}

/// Retry settings. `RetryConfig::default()` is what clients use unless told otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryConfig {
    /// Attempts per call, the first included (1 disables retries).
    pub max_attempts: u32,
    /// The backoff before the second attempt is drawn from `[0, base_delay]`, doubling with each attempt.
    pub base_delay: Duration,
    /// Upper bound of any single backoff.
    pub max_delay: Duration,
    /// Tokens in the retry budget (shared by all calls of one client).
    pub budget: u32,
    /// Tokens a retry after a service or transport error costs.
    pub retry_cost: u32,
    /// Tokens a retry after a timeout costs (timeouts are the costliest failures to repeat).
    pub timeout_cost: u32,
    /// Tokens a successful call gives back.
    pub success_refund: u32,
    /// Seed of the jitter; `None` draws one from the process's randomness. Set it for reproducible delays.
    pub jitter_seed: Option<u64>,
}

impl Default for RetryConfig {
    fn default() -> Self {
        RetryConfig {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            budget: 500,
            retry_cost: 5,
            timeout_cost: 10,
            success_refund: 1,
            jitter_seed: None,
        }
    }
}

impl RetryConfig {
    /// No retries at all.
    pub fn disabled() -> Self {
        RetryConfig {
            max_attempts: 1,
            ..RetryConfig::default()
        }
    }

    /// Fast, seeded retries for tests: 1 ms base, 5 ms cap, fixed jitter seed.
    pub fn deterministic(seed: u64) -> Self {
        RetryConfig {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
            jitter_seed: Some(seed),
            ..RetryConfig::default()
        }
    }
}

/// Backoff with full jitter: the wait before attempt `n + 1` is uniform in `[0, min(max, base * 2^(n-1))]`.
#[derive(Debug)]
pub struct Backoff {
    base: Duration,
    max: Duration,
    rng: Mutex<fastrand::Rng>,
}

impl Backoff {
    /// From the settings.
    pub fn new(config: &RetryConfig) -> Self {
        let rng = match config.jitter_seed {
            Some(seed) => fastrand::Rng::with_seed(seed),
            None => fastrand::Rng::new(),
        };
        Backoff {
            base: config.base_delay,
            max: config.max_delay,
            rng: Mutex::new(rng),
        }
    }

    /// The ceiling of the wait after failed attempt `attempt` (1-based).
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max)
    }

    /// The wait after failed attempt `attempt`, at least `floor` (a server's `Retry-After`).
    pub fn delay(&self, attempt: u32, floor: Duration) -> Duration {
        let ceiling = self.ceiling(attempt);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        let mut rng = self.rng.lock().unwrap_or_else(|p| p.into_inner());
        Duration::from_nanos(rng.u64(0..=nanos)).max(floor)
    }
}

/// The retry budget: retries spend tokens, successes earn some back; an empty bucket means no more retries
/// until calls succeed again. Keeps a failing endpoint from being hammered by every caller at once.
#[derive(Debug)]
pub struct TokenBucket {
    capacity: u32,
    tokens: Mutex<u32>,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(capacity: u32) -> Self {
        TokenBucket {
            capacity,
            tokens: Mutex::new(capacity),
        }
    }

    /// Takes `cost` tokens if there are that many.
    pub fn try_acquire(&self, cost: u32) -> bool {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        if *tokens >= cost {
            *tokens -= cost;
            true
        } else {
            false
        }
    }

    /// Gives back `n` tokens, up to the capacity.
    pub fn refund(&self, n: u32) {
        let mut tokens = self.tokens.lock().unwrap_or_else(|p| p.into_inner());
        *tokens = (*tokens + n).min(self.capacity);
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        *self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceilings_double_and_cap() {
        let b = Backoff::new(&RetryConfig {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            ..RetryConfig::default()
        });
        let c: Vec<u128> = (1..=6).map(|a| b.ceiling(a).as_millis()).collect();
        assert_eq!(c, vec![100, 200, 400, 700, 700, 700]);
        assert_eq!(b.ceiling(200), Duration::from_millis(700));
    }

    #[test]
    fn jitter_stays_under_the_ceiling_and_is_reproducible_with_a_seed() {
        let config = RetryConfig {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            jitter_seed: Some(42),
            ..RetryConfig::default()
        };
        let (a, b) = (Backoff::new(&config), Backoff::new(&config));
        for attempt in 1..20 {
            let d = a.delay(attempt, Duration::ZERO);
            assert!(d <= a.ceiling(attempt));
            assert_eq!(d, b.delay(attempt, Duration::ZERO));
        }
        assert!(a.delay(1, Duration::from_secs(3)) >= Duration::from_secs(3));
    }

    #[test]
    fn the_bucket_runs_dry_and_refills_on_success() {
        let bucket = TokenBucket::new(12);
        assert!(bucket.try_acquire(5));
        assert!(bucket.try_acquire(5));
        assert!(!bucket.try_acquire(5));
        bucket.refund(100);
        assert_eq!(bucket.available(), 12);
    }
}
