//! Who waits for a refresh, and for how long: with credentials due but usable nobody but the refreshing
//! caller waits; with nothing usable everyone waits on the one refresh; a provider that hangs is cut off by
//! the refresh timeout. Test time is paused, so no test waits real seconds.

use super::*;

/// Gives `first` to its first `open_calls` calls at once; every later call blocks until the test opens the
/// gate (one call per [`open`](Self::open)), then gives `second`. Counts calls, and says when one started.
#[derive(Debug)]
struct GatedProvider {
    clock: Arc<ManualClock>,
    open_calls: usize,
    gate: tokio::sync::Semaphore,
    calls: AtomicUsize,
    called: tokio::sync::Notify,
}

impl GatedProvider {
    fn new(clock: &Arc<ManualClock>, open_calls: usize) -> Arc<Self> {
        Arc::new(GatedProvider {
            clock: clock.clone(),
            open_calls,
            gate: tokio::sync::Semaphore::new(0),
            calls: AtomicUsize::new(0),
            called: tokio::sync::Notify::new(),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// Lets one blocked (or the next) call through.
    fn open(&self) {
        self.gate.add_permits(1);
    }

    /// Returns once `n` calls have started.
    async fn started(&self, n: usize) {
        while self.calls() < n {
            self.called.notified().await;
        }
    }
}

impl ProvideCredentials<AlibabaCredentials> for GatedProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(async move {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            self.called.notify_one();
            let id = if n < self.open_calls {
                "first"
            } else {
                self.gate.acquire().await.expect("gate open").forget();
                "second"
            };
            Ok(Resolved {
                expires_at: Some(self.clock.now() + HOUR),
                ..Resolved::new(AlibabaCredentials::new(id, "secret"), "gated")
            })
        })
    }

    fn provide_offline(
        &self,
    ) -> Result<crate::credentials::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(crate::credentials::Offline::Remote {
            from: "STS AssumeRole at http://127.0.0.1:9".into(),
        })
    }
}

fn gated_cache(
    clock: &Arc<ManualClock>,
    provider: &Arc<GatedProvider>,
) -> CredentialsCache<AlibabaCredentials> {
    CredentialsCache::with_clock(provider.clone(), clock.clone()).jitter_seed(7)
}

/// Within the refresh lead (five minutes plus jitter) but well before the ten-second margin: due, usable.
const INTO_THE_LEAD: Duration = Duration::from_secs(3600 - 120);

/// Test time is paused: a guard that fires only when every task is stuck, never a real wait.
const STUCK: Duration = Duration::from_secs(1);

#[tokio::test]
async fn fifty_callers_with_due_but_valid_credentials_do_not_wait_for_a_blocked_refresh() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 1);
    let cache = Arc::new(gated_cache(&clock, &provider));
    assert_eq!(key(&cache).await, "first");
    clock.advance(INTO_THE_LEAD);
    // One caller takes the refresh, which blocks in the provider.
    let refresher = spawn_keys(&cache, 1).remove(0);
    provider.started(2).await;
    let callers = spawn_keys(&cache, 50);
    for caller in callers {
        let got = tokio::time::timeout(STUCK, caller)
            .await
            .expect("a caller with usable credentials waited on the refresh");
        assert_eq!(got.unwrap(), "first");
    }
    assert_eq!(provider.calls(), 2, "one refresh for all of them");
    // The refresh completes: its caller, and everyone after, gets the new credentials.
    provider.open();
    assert_eq!(refresher.await.unwrap(), "second");
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn a_refresh_that_hangs_with_nothing_usable_fails_with_a_timeout_error() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 0);
    let cache = Arc::new(gated_cache(&clock, &provider));
    let callers = spawn_gets(&cache, 3);
    for caller in callers {
        let error = tokio::time::timeout(Duration::from_secs(60), caller)
            .await
            .expect("the refresh is bounded")
            .unwrap()
            .unwrap_err();
        assert_eq!(error.provider, Provider::Alibaba);
        assert!(error.call_failed);
        let failed = error.malformed_source().expect("names the provider");
        assert_eq!(failed.source, "STS AssumeRole at http://127.0.0.1:9");
        assert!(failed.outcome.contains("timed out"), "{error}");
        assert!(failed.outcome.contains("5s"), "{error}");
    }
    // The three waited on one flight and share its failure: the provider was asked once.
    assert_eq!(provider.calls(), 1);
}

#[tokio::test]
async fn callers_queued_behind_a_hanging_refresh_all_fail_within_the_bound() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 0);
    let cache = Arc::new(gated_cache(&clock, &provider));
    let started = tokio::time::Instant::now();
    let callers = spawn_gets(&cache, 4);
    let mut waited = Vec::new();
    for caller in callers {
        assert!(caller.await.unwrap().is_err());
        waited.push(started.elapsed());
    }
    // Paused time: these are the timer's virtual seconds, exact, not a measure of speed.
    let bound = RefreshPolicy::default().refresh_timeout;
    assert!(
        waited
            .iter()
            .all(|w| *w <= bound + Duration::from_millis(10)),
        "waits {waited:?}, provider calls {}",
        provider.calls()
    );
    assert_eq!(provider.calls(), 1);
}

#[tokio::test]
async fn a_caller_after_a_failed_flight_asks_the_provider_again() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 0);
    let cache = Arc::new(gated_cache(&clock, &provider));
    assert!(cache.get().await.is_err());
    // It did not wait on that flight: its own refresh, which this time succeeds.
    provider.open();
    let got = cache.get().await.expect("refreshed");
    assert_eq!(got.credentials.access_key_id, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn a_timed_out_refresh_keeps_usable_credentials_and_pauses_retries() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 1);
    let cache = gated_cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    clock.advance(INTO_THE_LEAD);
    // The caller that refreshes waits out the timeout, then signs with the old ones.
    assert_eq!(key(&cache).await, "first");
    assert_eq!(provider.calls(), 2);
    // Like a failed refresh: no new attempt for ten seconds.
    sit_out_the_pause_after_a_failure(&cache, &clock, || provider.calls()).await;
    provider.open();
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 3);
}

#[tokio::test]
async fn credentials_in_the_final_margin_are_not_handed_out_while_a_refresh_hangs() {
    tokio::time::pause();
    let clock = ManualClock::new();
    let provider = GatedProvider::new(&clock, 1);
    let cache = Arc::new(gated_cache(&clock, &provider));
    assert_eq!(key(&cache).await, "first");
    clock.advance(HOUR - Duration::from_secs(5));
    let refresher = spawn_gets(&cache, 1).remove(0);
    provider.started(2).await;
    // Another caller does not get "first" either: it waits on the same refresh, which then completes.
    let waiter = spawn_gets(&cache, 1).remove(0);
    tokio::task::yield_now().await;
    provider.open();
    for call in [refresher, waiter] {
        let got = call.await.unwrap().expect("refreshed");
        assert_eq!(got.credentials.access_key_id, "second");
    }
    assert_eq!(provider.calls(), 2);
    // Hanging this time: past expiry, the caller gets the timeout error, never the expired ones.
    clock.advance(HOUR);
    let error = cache.get().await.unwrap_err();
    assert!(error.attempts[0].outcome.contains("timed out"), "{error}");
}
