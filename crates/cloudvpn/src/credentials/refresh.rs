//! [`CredentialsCache`]: credentials kept with their expiry and refreshed ahead of it, as aws-config's lazy
//! caching and the official Alibaba and Tencent libraries do.
//!
//! - **Ahead of expiry**: temporary credentials are refreshed [`RefreshPolicy::refresh_ahead`] (five minutes)
//!   plus a random jitter before they expire, so that many processes started together do not all call STS
//!   at once. The lead is bounded by [`RefreshPolicy::max_lead_share`] of the credentials' lifetime, so that
//!   15-minute (or, against an emulator, 2-second) credentials are still used for most of their life.
//! - **Single flight**: concurrent callers that find the credentials due wait on one refresh instead of each
//!   making their own call.
//! - **Keep what still works**: a refresh that fails while the old credentials are still usable returns the
//!   old ones and tries again after a short pause; only when they are no longer usable does the error reach
//!   the caller.
//! - **Never expired**: credentials are not handed out within a small safety margin of their expiry (ten
//!   seconds, at most a tenth of their lifetime), so a request is not signed with credentials that expire
//!   on the way to the server. Callers ask again for every attempt, so a long wait crosses an expiry.

use super::error::{Attempt, CredentialsError};
use super::{CloudCredentials, ProvideCredentials, Resolved, sealed};
use crate::clock::{Clock, SystemClock};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

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
}

impl Default for RefreshPolicy {
    fn default() -> Self {
        RefreshPolicy {
            refresh_ahead: Duration::from_secs(300),
            jitter: Duration::from_secs(60),
            max_lead_share: 0.5,
            expiry_margin: Duration::from_secs(10),
            retry_after_failure: Duration::from_secs(10),
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

impl<C> Entry<C> {
    fn usable(&self, now: SystemTime) -> bool {
        self.usable_until.is_none_or(|until| now < until)
    }

    /// Whether the caller can have these credentials without a refresh.
    fn fresh(&self, now: SystemTime) -> bool {
        if !self.usable(now) {
            return false;
        }
        let due = self.refresh_at.is_some_and(|at| now >= at);
        let backing_off = self.retry_not_before.is_some_and(|at| now < at);
        !due || backing_off
    }
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

    /// Usable credentials: the ones in hand while they are fresh, else those of one refresh shared by every
    /// concurrent caller. Errors when the provider fails and nothing usable is in hand.
    pub async fn get(&self) -> Result<Arc<Resolved<C>>, CredentialsError> {
        if let Some(fresh) = self.fresh(self.clock.now()) {
            return Ok(fresh);
        }
        let _flight = self.refreshing.lock().await;
        // Whoever held the flight before us may have refreshed already.
        let now = self.clock.now();
        if let Some(fresh) = self.fresh(now) {
            return Ok(fresh);
        }
        let outcome = self.provider.provide().await.and_then(|resolved| {
            let now = self.clock.now();
            self.entry(resolved, now)
        });
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

    /// Without any call: the credentials in hand while they are fresh, else what the provider gives
    /// offline (see [`ProvideCredentials::provide_offline`]). What a dry run signs with.
    pub fn get_offline(&self) -> Result<super::Offline<C>, CredentialsError> {
        match self.fresh(self.clock.now()) {
            Some(fresh) => Ok(super::Offline::InHand((*fresh).clone())),
            None => self.provider.provide_offline(),
        }
    }

    /// Forgets the credentials in hand, so the next [`get`](Self::get) asks the provider.
    pub fn invalidate(&self) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn fresh(&self, now: SystemTime) -> Option<Arc<Resolved<C>>> {
        let current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        current
            .as_ref()
            .filter(|entry| entry.fresh(now))
            .map(|entry| entry.resolved.clone())
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
