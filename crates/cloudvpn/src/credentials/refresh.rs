//! [`CredentialsCache`]: credentials kept with their expiry and refreshed ahead of it, as aws-config's lazy
//! caching, botocore's `RefreshableCredentials` and the official Alibaba and Tencent libraries do.
//!
//! - **Ahead of expiry**: temporary credentials are refreshed [`RefreshPolicy::refresh_ahead`] (five minutes)
//!   plus a random jitter before they expire, so that many processes started together do not all call STS
//!   at once. The lead is bounded by [`RefreshPolicy::max_lead_share`] of the credentials' lifetime, so that
//!   15-minute (or, against an emulator, 2-second) credentials are still used for most of their life.
//! - **Nobody with working credentials waits for others**: while credentials are due but still usable, the
//!   first caller refreshes them and every other caller signs with the ones in hand at once (botocore's
//!   "advisory" refresh). Only when nothing usable is in hand do callers wait, all on the same single
//!   refresh (single flight) instead of each making their own call, and all share its outcome: when it
//!   fails, every caller that waited on it gets its error, rather than each trying again in turn.
//! - **Bounded**: one refresh may take [`RefreshPolicy::refresh_timeout`] (five seconds); a provider that
//!   hangs longer fails that refresh with an error naming it and saying it timed out.
//! - **Keep what still works**: a refresh that fails or times out while the old credentials are still usable
//!   returns the old ones and tries again after a short pause; only when they are no longer usable does the
//!   error reach the caller.
//! - **Never expired**: credentials are not handed out within a small safety margin of their expiry (ten
//!   seconds, at most a tenth of their lifetime), so a request is not signed with credentials that expire
//!   on the way to the server. Callers ask again for every attempt, so a long wait crosses an expiry.
//! - **Rejected means replaced**: when a service rejects temporary credentials (an expired or revoked session
//!   token, a clock that disagrees), the client calls [`CredentialsCache::invalidate_rejected`], so its next
//!   attempt signs with refreshed ones rather than the same rejected token until it expires here.

use super::error::{Attempt, CredentialsError};
use super::{CloudCredentials, ProvideCredentials, Resolved, sealed};
use crate::clock::{Clock, SystemClock};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// How long one refresh may take. A refresh runs while calls wait on it, and the callers that wait on one
/// share its outcome (a failure included), so the bound is what a caller with no usable credentials waits at
/// worst (and what the one caller refreshing due credentials waits before it signs with the old ones). Five
/// seconds, as aws-config bounds every provider of its lazy cache (STS ones included): a metadata service or
/// STS that has not answered by then is down for practical purposes, and a clear error (or the old
/// credentials) serves the caller better than half a minute of retries. The providers' own timeouts and
/// retries are sized to end within it (see `sts_call` and `metadata`), so that their error, which names
/// the attempt that failed, is what the caller reads; the bound itself only stops a provider that hangs
/// in a way they do not cover (a credentials process, a custom provider).
const DEFAULT_REFRESH_TIMEOUT: Duration = Duration::from_secs(5);

/// When [`CredentialsCache`] refreshes temporary credentials.
#[derive(Debug, Clone, PartialEq)]
pub struct RefreshPolicy {
    /// How long before expiry to refresh (default five minutes, as aws-config and the Alibaba libraries).
    pub refresh_ahead: Duration,
    /// Up to this much more lead, drawn at random per credentials (default one minute).
    pub jitter: Duration,
    /// The lead never exceeds this share of the credentials' lifetime (default one half), so short-lived
    /// credentials are not refreshed the moment they arrive.
    pub max_lead_share: f64,
    /// Credentials are not handed out closer than this to their expiry (default ten seconds, at most a tenth
    /// of the lifetime).
    pub expiry_margin: Duration,
    /// After a failed refresh while the old credentials are still usable, wait this long before trying again
    /// (default ten seconds, at most half of the time they remain usable).
    pub retry_after_failure: Duration,
    /// The longest one refresh may take (default five seconds, as aws-config's lazy cache): past it, the
    /// refresh fails as if the provider had failed (the old credentials kept while usable, else an error).
    pub refresh_timeout: Duration,
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            refresh_ahead: Duration::from_secs(300),
            jitter: Duration::from_secs(60),
            max_lead_share: 0.5,
            expiry_margin: Duration::from_secs(10),
            retry_after_failure: Duration::from_secs(10),
            refresh_timeout: DEFAULT_REFRESH_TIMEOUT,
        }
    }
}

/// The credentials in hand, and when to act on them.
struct Entry<C> {
    resolved: Arc<Resolved<C>>,
    /// When a refresh becomes due; `None` for credentials that do not expire.
    refresh_at: Option<SystemTime>,
    /// The last moment they may be handed out; `None` for credentials that do not expire.
    usable_until: Option<SystemTime>,
    /// After a failed refresh: no new attempt before this.
    retry_not_before: Option<SystemTime>,
}

/// What the credentials in hand are good for at one moment.
enum InHand<C> {
    /// Usable, and no refresh due (or one failed a moment ago and the pause after it is not over).
    Fresh(Arc<Resolved<C>>),
    /// Due for a refresh, but still usable: botocore's "advisory" window.
    Due(Arc<Resolved<C>>),
    /// None in hand, or within the final margin before expiry: a refresh is mandatory.
    Unusable,
}

impl<C> Entry<C> {
    fn usable(&self, now: SystemTime) -> bool {
        self.usable_until.is_none_or(|until| now < until)
    }

    fn state(&self, now: SystemTime) -> InHand<C> {
        if !self.usable(now) {
            return InHand::Unusable;
        }
        let due = self.refresh_at.is_some_and(|at| now >= at);
        let backing_off = self.retry_not_before.is_some_and(|at| now < at);
        if due && !backing_off {
            InHand::Due(self.resolved.clone())
        } else {
            InHand::Fresh(self.resolved.clone())
        }
    }
}

/// How the refreshes so far ended: a caller notes `finished` before it waits for the flight, and, once it
/// holds the flight, knows whether one ended in the meantime and how.
#[derive(Debug, Default)]
struct Flights {
    /// Refreshes that ran to their end (one whose caller was dropped mid-way did not).
    finished: u64,
    /// The error of the last one, when it failed with nothing usable in hand.
    failure: Option<CredentialsError>,
}

/// Credentials from a provider, kept and refreshed ahead of their expiry. Every client holds one; see the
/// [module documentation](self) for the rules.
///
/// ```
/// # async fn demo() {
/// use cloudvpn::credentials::{AlibabaCredentials, CredentialsCache, StaticCredentials};
/// use std::sync::Arc;
///
/// let cache = CredentialsCache::new(Arc::new(StaticCredentials::new(AlibabaCredentials::new("id", "s"))));
/// assert_eq!(cache.get().await.unwrap().credentials.access_key_id, "id");
/// # }
/// ```
pub struct CredentialsCache<C> {
    provider: Arc<dyn ProvideCredentials<C>>,
    clock: Arc<dyn Clock>,
    policy: RefreshPolicy,
    current: Mutex<Option<Entry<C>>>,
    /// Held while a refresh runs: the single flight.
    refreshing: tokio::sync::Mutex<()>,
    /// How the flights so far ended, for the callers that waited on one.
    flights: Mutex<Flights>,
    jitter: Mutex<fastrand::Rng>,
}

impl<C> fmt::Debug for CredentialsCache<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsCache")
            .field("provider", &self.provider)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl<C: CloudCredentials + 'static> CredentialsCache<C> {
    /// A cache over `provider` with the system clock and the default policy.
    pub fn new(provider: Arc<dyn ProvideCredentials<C>>) -> Self {
        Self::with_clock(provider, Arc::new(SystemClock))
    }

    /// A cache over `provider` that reads the time from `clock` (a client's own clock, or a test's).
    pub fn with_clock(provider: Arc<dyn ProvideCredentials<C>>, clock: Arc<dyn Clock>) -> Self {
        CredentialsCache {
            provider,
            clock,
            policy: RefreshPolicy::default(),
            current: Mutex::new(None),
            refreshing: tokio::sync::Mutex::new(()),
            flights: Mutex::new(Flights::default()),
            jitter: Mutex::new(fastrand::Rng::new()),
        }
    }

    /// Another refresh policy.
    pub fn policy(mut self, policy: RefreshPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Seeds the jitter, for reproducible tests.
    pub fn jitter_seed(self, seed: u64) -> Self {
        *self.jitter.lock().unwrap_or_else(|p| p.into_inner()) = fastrand::Rng::with_seed(seed);
        self
    }

    /// Usable credentials: the ones in hand while they are fresh; while they are due but still usable,
    /// the ones in hand for every caller but the one that refreshes; else those of one refresh shared by
    /// every concurrent caller. Errors when the provider fails (or times out) and nothing usable is in hand;
    /// callers that waited on a refresh that failed so get its error without asking the provider again.
    pub async fn get(&self) -> Result<Arc<Resolved<C>>, CredentialsError> {
        let usable = match self.in_hand(self.clock.now()) {
            InHand::Fresh(fresh) => return Ok(fresh),
            InHand::Due(usable) => Some(usable),
            InHand::Unusable => None,
        };
        let _flight = match usable {
            // Due but usable: whoever holds the flight is refreshing, and ours still work: no waiting.
            // The caller that takes the flight refreshes itself, in its own future, rather than in a
            // spawned task (botocore's advisory refresh does the same): it then signs with the new
            // credentials, a failure is recorded before it returns, no task can outlive the cache or the
            // runtime, and a caller that is dropped mid-refresh simply releases the flight to the next one.
            // Its wait is bounded by the refresh timeout, after which it signs with the old ones.
            Some(usable) => match self.refreshing.try_lock() {
                Ok(flight) => flight,
                Err(_) => return Ok(usable),
            },
            None => {
                let seen = self.flights().finished;
                let flight = self.refreshing.lock().await;
                // The flight we waited on failed: its error is ours too. Asking again at once would make
                // each waiter wait for its own refresh in turn, well past the bound.
                let failed = {
                    let flights = self.flights();
                    (flights.finished != seen)
                        .then(|| flights.failure.clone())
                        .flatten()
                };
                match (failed, self.in_hand(self.clock.now())) {
                    (_, InHand::Fresh(fresh)) => return Ok(fresh),
                    (Some(failure), _) => return Err(failure),
                    (None, _) => flight,
                }
            }
        };
        // Whoever held the flight before us may have refreshed already.
        if let InHand::Fresh(fresh) = self.in_hand(self.clock.now()) {
            return Ok(fresh);
        }
        let outcome = self.refresh().await;
        let mut flights = self.flights();
        flights.finished += 1;
        flights.failure = outcome.as_ref().err().cloned();
        outcome
    }

    fn flights(&self) -> std::sync::MutexGuard<'_, Flights> {
        self.flights.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Asks the provider (bounded by the refresh timeout) and keeps what it gives; on failure keeps the
    /// old credentials while they are usable, pausing further attempts. The caller holds the flight.
    async fn refresh(&self) -> Result<Arc<Resolved<C>>, CredentialsError> {
        let outcome = match tokio::time::timeout(
            self.policy.refresh_timeout,
            self.provider.provide(),
        )
        .await
        {
            Ok(outcome) => outcome.and_then(|resolved| {
                let now = self.clock.now();
                self.entry(resolved, now)
            }),
            Err(_) => Err(self.timed_out()),
        };
        let now = self.clock.now();
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        match outcome {
            Ok(entry) => {
                let resolved = entry.resolved.clone();
                *current = Some(entry);
                Ok(resolved)
            }
            Err(error) => match current.as_mut() {
                Some(old) if old.usable(now) => {
                    old.retry_not_before = Some(now + self.retry_pause(old, now));
                    Ok(old.resolved.clone())
                }
                _ => Err(error),
            },
        }
    }

    /// Without any call: the credentials in hand while they are usable, else what the provider gives
    /// offline (see [`ProvideCredentials::provide_offline`]). What a dry run signs with.
    pub fn get_offline(&self) -> Result<super::Offline<C>, CredentialsError> {
        match self.in_hand(self.clock.now()) {
            InHand::Fresh(usable) | InHand::Due(usable) => {
                Ok(super::Offline::InHand((*usable).clone()))
            }
            InHand::Unusable => self.provider.provide_offline(),
        }
    }

    /// Forgets the credentials in hand, so the next [`get`](Self::get) asks the provider.
    pub fn invalidate(&self) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    /// A service rejected `rejected` (an expired or revoked session token): forgets them if they are still
    /// the ones in hand and came from a refreshing source (they have an expiry), so that the next
    /// [`get`](Self::get) refreshes. Returns whether the caller will get other credentials by asking again,
    /// that is whether they came from a refreshing source. Keys that do not expire are kept: asking their
    /// source again would give the same ones. Credentials already replaced by another caller's refresh are
    /// not forgotten a second time.
    pub fn invalidate_rejected(&self, rejected: &Arc<Resolved<C>>) -> bool {
        if rejected.expires_at.is_none() {
            return false;
        }
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if current
            .as_ref()
            .is_some_and(|entry| Arc::ptr_eq(&entry.resolved, rejected))
        {
            *current = None;
        }
        true
    }

    fn in_hand(&self, now: SystemTime) -> InHand<C> {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .map_or(InHand::Unusable, |entry| entry.state(now))
    }

    /// The error of a refresh that took longer than the refresh timeout, naming the provider as a dry run
    /// would (its STS or metadata endpoint), never a secret.
    fn timed_out(&self) -> CredentialsError {
        let source = match self.provider.provide_offline() {
            Ok(super::Offline::Remote { from }) => from,
            Ok(super::Offline::InHand(resolved)) => resolved.source,
            Err(_) => format!("the credentials provider {:?}", self.provider),
        };
        CredentialsError {
            provider: <C as sealed::Sealed>::provider(),
            attempts: vec![Attempt {
                source,
                outcome: format!(
                    "timed out: no credentials after {:?} (the refresh timeout)",
                    self.policy.refresh_timeout
                ),
            }],
            stopped_on_malformed: true,
            call_failed: true,
        }
    }

    /// When new credentials become due and stop being usable; refuses credentials already past their margin.
    fn entry(&self, resolved: Resolved<C>, now: SystemTime) -> Result<Entry<C>, CredentialsError> {
        let Some(expires_at) = resolved.expires_at else {
            return Ok(Entry {
                resolved: Arc::new(resolved),
                refresh_at: None,
                usable_until: None,
                retry_not_before: None,
            });
        };
        let lifetime = expires_at.duration_since(now).unwrap_or(Duration::ZERO);
        let margin = self.policy.expiry_margin.min(lifetime / 10);
        if lifetime.is_zero() {
            return Err(expired_on_arrival(&resolved));
        }
        let jitter = {
            let mut rng = self.jitter.lock().unwrap_or_else(|p| p.into_inner());
            let max = self.policy.jitter.as_millis().min(u128::from(u64::MAX)) as u64;
            Duration::from_millis(rng.u64(0..=max))
        };
        let lead = (self.policy.refresh_ahead + jitter)
            .min(lifetime.mul_f64(self.policy.max_lead_share.clamp(0.0, 1.0)))
            .max(margin);
        Ok(Entry {
            resolved: Arc::new(resolved),
            refresh_at: Some(expires_at - lead),
            usable_until: Some(expires_at - margin),
            retry_not_before: None,
        })
    }

    fn retry_pause(&self, entry: &Entry<C>, now: SystemTime) -> Duration {
        let left = entry
            .usable_until
            .and_then(|until| until.duration_since(now).ok())
            .unwrap_or(Duration::ZERO);
        self.policy.retry_after_failure.min(left / 2)
    }
}

fn expired_on_arrival<C: CloudCredentials>(resolved: &Resolved<C>) -> CredentialsError {
    CredentialsError {
        provider: <C as sealed::Sealed>::provider(),
        attempts: vec![Attempt {
            source: resolved.source.clone(),
            outcome: "gave credentials that have already expired (check the clock of this machine)"
                .to_owned(),
        }],
        stopped_on_malformed: true,
        call_failed: false,
    }
}

#[cfg(test)]
#[path = "refresh_tests.rs"]
mod tests;
