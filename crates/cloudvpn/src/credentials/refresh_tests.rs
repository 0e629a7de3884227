//! The refresh rules of [`CredentialsCache`], with a clock the test moves and a provider it scripts.

use super::*;
use crate::credentials::{AlibabaCredentials, ProvideFuture};
use cloudvpn_types::meta::Provider;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

/// A clock that stands still until the test moves it.
#[derive(Debug)]
struct ManualClock(Mutex<SystemTime>);

impl ManualClock {
    fn new() -> Arc<Self> {
        Arc::new(ManualClock(Mutex::new(
            UNIX_EPOCH + Duration::from_secs(1_700_000_000),
        )))
    }

    fn advance(&self, by: Duration) {
        *self.0.lock().unwrap() += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// What the scripted provider does on one call.
#[derive(Debug, Clone)]
enum Step {
    /// Credentials with this key id, expiring this long after the clock's now.
    Give(&'static str, Duration),
    /// Fails.
    Fail,
}

/// Answers from a script, counts its calls, and yields before answering so that concurrent callers really
/// are waiting while a refresh runs.
#[derive(Debug)]
struct ScriptedProvider {
    clock: Arc<ManualClock>,
    script: Mutex<VecDeque<Step>>,
    calls: AtomicUsize,
}

impl ScriptedProvider {
    fn new(clock: &Arc<ManualClock>, steps: impl IntoIterator<Item = Step>) -> Arc<Self> {
        Arc::new(ScriptedProvider {
            clock: clock.clone(),
            script: Mutex::new(steps.into_iter().collect()),
            calls: AtomicUsize::new(0),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials<AlibabaCredentials> for ScriptedProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(async move {
            self.calls.fetch_add(1, Ordering::SeqCst);
            for _ in 0..10 {
                tokio::task::yield_now().await;
            }
            let step = self.script.lock().unwrap().pop_front();
            match step {
                Some(Step::Give(id, lifetime)) => Ok(Resolved {
                    expires_at: Some(self.clock.now() + lifetime),
                    ..Resolved::new(AlibabaCredentials::new(id, "secret"), "scripted")
                }),
                Some(Step::Fail) | None => Err(CredentialsError {
                    provider: Provider::Alibaba,
                    attempts: vec![Attempt {
                        source: "scripted".into(),
                        outcome: "STS unreachable".into(),
                    }],
                    stopped_on_malformed: true,
                    call_failed: false,
                }),
            }
        })
    }
}

const HOUR: Duration = Duration::from_secs(3600);

fn cache(
    clock: &Arc<ManualClock>,
    provider: &Arc<ScriptedProvider>,
) -> CredentialsCache<AlibabaCredentials> {
    CredentialsCache::with_clock(provider.clone(), clock.clone()).jitter_seed(7)
}

async fn key(cache: &CredentialsCache<AlibabaCredentials>) -> String {
    cache.get().await.unwrap().credentials.access_key_id.clone()
}

/// Just after a failed refresh with `first` still usable: no new call during the pause after a failure (ten
/// seconds); leaves the clock just past it.
async fn sit_out_the_pause_after_a_failure(
    cache: &CredentialsCache<AlibabaCredentials>,
    clock: &ManualClock,
    calls: impl Fn() -> usize,
) {
    let before = calls();
    clock.advance(Duration::from_secs(5));
    assert_eq!(key(cache).await, "first");
    assert_eq!(calls(), before, "asked again during the pause");
    clock.advance(Duration::from_secs(6));
}

/// `n` concurrent callers of [`key`].
fn spawn_keys(
    cache: &Arc<CredentialsCache<AlibabaCredentials>>,
    n: usize,
) -> Vec<tokio::task::JoinHandle<String>> {
    (0..n)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { key(&cache).await })
        })
        .collect()
}

/// `n` concurrent callers of [`CredentialsCache::get`].
fn spawn_gets(
    cache: &Arc<CredentialsCache<AlibabaCredentials>>,
    n: usize,
) -> Vec<tokio::task::JoinHandle<Result<Arc<Resolved<AlibabaCredentials>>, CredentialsError>>> {
    (0..n)
        .map(|_| {
            let cache = cache.clone();
            tokio::spawn(async move { cache.get().await })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_callers_share_one_refresh() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [Step::Give("first", HOUR), Step::Give("second", HOUR)],
    );
    let cache = Arc::new(cache(&clock, &provider));
    let calls = spawn_keys(&cache, 100);
    for call in calls {
        assert_eq!(call.await.unwrap(), "first");
    }
    assert_eq!(provider.calls(), 1);

    // Expired (an hour later), so nobody may sign with the old ones: again one refresh, which all hundred
    // wait on. (Due but still usable, only one caller refreshes and the others do not wait: see
    // `fifty_callers_with_due_but_valid_credentials_do_not_wait_for_a_blocked_refresh`.)
    clock.advance(HOUR);
    let calls = spawn_keys(&cache, 100);
    for call in calls {
        assert_eq!(call.await.unwrap(), "second");
    }
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn refreshes_ahead_of_expiry_within_the_lead_and_jitter() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [Step::Give("first", HOUR), Step::Give("second", HOUR)],
    );
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    // More than six minutes before expiry (the five-minute lead plus at most a minute of jitter): kept.
    clock.advance(HOUR - Duration::from_secs(361));
    assert_eq!(key(&cache).await, "first");
    assert_eq!(provider.calls(), 1);
    // Less than five minutes before expiry: refreshed, though the old ones would still be valid.
    clock.advance(Duration::from_secs(62));
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn short_lived_credentials_are_used_for_half_their_life() {
    let clock = ManualClock::new();
    let two_seconds = Duration::from_secs(2);
    let provider = ScriptedProvider::new(
        &clock,
        [
            Step::Give("first", two_seconds),
            Step::Give("second", two_seconds),
        ],
    );
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    clock.advance(Duration::from_millis(900));
    assert_eq!(
        key(&cache).await,
        "first",
        "a five-minute lead would refresh 2 s credentials at once"
    );
    clock.advance(Duration::from_millis(200));
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn a_failed_refresh_keeps_the_valid_credentials_and_retries_later() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [
            Step::Give("first", HOUR),
            Step::Fail,
            Step::Give("second", HOUR),
        ],
    );
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    clock.advance(HOUR - Duration::from_secs(120));
    // Due, the refresh fails, the old credentials are still valid: the caller gets them.
    assert_eq!(key(&cache).await, "first");
    assert_eq!(provider.calls(), 2);
    sit_out_the_pause_after_a_failure(&cache, &clock, || provider.calls()).await;
    // After it, the next caller tries again, and gets the new ones.
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 3);
}

#[tokio::test]
async fn expired_credentials_are_never_handed_out() {
    let clock = ManualClock::new();
    let provider =
        ScriptedProvider::new(&clock, [Step::Give("first", HOUR), Step::Fail, Step::Fail]);
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    // Within the ten-second safety margin of expiry, with the refresh failing: an error, not "first".
    clock.advance(HOUR - Duration::from_secs(5));
    let error = cache.get().await.unwrap_err();
    assert_eq!(error.attempts[0].outcome, "STS unreachable");
    // Past expiry: still an error, and the provider is asked every time (no pause once nothing is usable).
    clock.advance(Duration::from_secs(60));
    assert!(cache.get().await.is_err());
    assert_eq!(provider.calls(), 3);
}

#[tokio::test]
async fn refreshes_after_expiry() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [Step::Give("first", HOUR), Step::Give("second", HOUR)],
    );
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    // Nobody asked during the whole lifetime: the first caller after expiry gets new credentials.
    clock.advance(HOUR * 2);
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn credentials_that_arrive_expired_are_refused() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(&clock, [Step::Give("stale", Duration::ZERO)]);
    let cache = cache(&clock, &provider);
    let error = cache.get().await.unwrap_err();
    assert_eq!(error.attempts[0].source, "scripted");
    assert!(
        error.attempts[0].outcome.contains("already expired"),
        "{error}"
    );
}

#[tokio::test]
async fn credentials_without_expiry_are_fetched_once() {
    let clock = ManualClock::new();
    let provider = Arc::new(crate::credentials::StaticCredentials::new(
        AlibabaCredentials::new("static", "s"),
    ));
    let cache = CredentialsCache::with_clock(provider, clock.clone());
    assert_eq!(
        cache.get().await.unwrap().credentials.access_key_id,
        "static"
    );
    clock.advance(HOUR * 1000);
    let resolved = cache.get().await.unwrap();
    assert_eq!(resolved.expires_at, None);
    assert!(!format!("{cache:?}").contains("\"s\""));
}

#[tokio::test]
async fn invalidate_forgets_the_credentials() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [Step::Give("first", HOUR), Step::Give("second", HOUR)],
    );
    let cache = cache(&clock, &provider);
    assert_eq!(key(&cache).await, "first");
    cache.invalidate();
    assert_eq!(key(&cache).await, "second");
}

#[tokio::test]
async fn rejected_temporary_credentials_are_forgotten_once() {
    let clock = ManualClock::new();
    let provider = ScriptedProvider::new(
        &clock,
        [Step::Give("first", HOUR), Step::Give("second", HOUR)],
    );
    let cache = cache(&clock, &provider);
    let first = cache.get().await.unwrap();
    assert!(
        cache.invalidate_rejected(&first),
        "they came from a refreshing source"
    );
    let second = cache.get().await.unwrap();
    assert_eq!(second.credentials.access_key_id, "second");
    // A late rejection of the old ones (another caller's attempt) does not forget the new ones.
    assert!(cache.invalidate_rejected(&first));
    assert_eq!(key(&cache).await, "second");
    assert_eq!(provider.calls(), 2);
}

#[tokio::test]
async fn rejected_static_keys_are_kept() {
    let clock = ManualClock::new();
    let provider = Arc::new(crate::credentials::StaticCredentials::new(
        AlibabaCredentials::new("static", "s"),
    ));
    let cache = CredentialsCache::with_clock(provider, clock.clone());
    let keys = cache.get().await.unwrap();
    assert!(
        !cache.invalidate_rejected(&keys),
        "asking again would give the same keys"
    );
    assert!(Arc::ptr_eq(&cache.get().await.unwrap(), &keys));
}

#[path = "refresh_wait_tests.rs"]
mod waits;
