//! Rate awareness: one token bucket per cloud, account, region and action. Each starts at the limit the
//! specs document for the action (`--max-rps` caps it, and stands in where nothing is documented), halves
//! once per congestion event when the service answers with throttling errors and recovers slowly with
//! each success (AIMD), so a sweep settles just under whatever limit the account really has. A throttled
//! call is sent again once the bucket allows: throttling never becomes a failure.
//!
//! The clients repeat a throttled attempt on their own (after their backoff) before they give up and return
//! the error, so most throttling answers never reach [`Limiter::call`]. Every client of a sweep therefore
//! reports to the [`Limiter::observer`] of its target: each attempt a client repeats is charged to the
//! bucket (the bucket did not grant it, the service counts it), and a throttled one counts and reaches the
//! bucket, exactly as a throttling answer returned to [`Limiter::call`] does.
//!
//! One congestion event, one halving: the calls in flight when the service's limit is crossed (eight with
//! the default `--concurrency`, each client adding its own repeats) are throttled together, and halving
//! for each answer would take the bucket to its floor from a single overshoot. TCP reduces its window
//! once per window of data, not once per lost segment (RFC 5681 section 3.2 with RFC 6582's `recover`;
//! RFC 3168 section 6.1.2: not again "within the last round trip time"). The limiter's counterpart of a
//! window is an epoch of [`Bucket::epoch`] after each halving: throttles reported within it belong to
//! the event that caused the halving, and only charge tokens. An epoch bounded by the grants (ignoring
//! throttles of requests granted before the last halving) would be closer to RFC 6582, but the limiter
//! is told of most throttles through [`WireEvent::Retrying`], which does not say when the bucket granted
//! the call the attempt belongs to; a time epoch applies to both paths alike.

use super::target::Target;
use crate::failure::Failure;
use crate::settings::Observer;
use cloudvpn::{ApiClient, Error, WireEvent};
use cloudvpn_types::meta::OperationMeta;
use cloudvpn_types::{Operation, OperationError};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Requests per second where neither the specs nor `--max-rps` give a limit: the lowest per-action limit
/// either cloud documents for the VPN operations (Tencent's 20/s).
pub const FALLBACK_RPS: f64 = 20.0;
/// The lowest rate a bucket falls to, however often it is throttled; also the lowest `--max-rps`.
pub const MIN_RPS: f64 = 0.5;
/// The highest `--max-rps`: far above any limit either cloud documents, low enough that one token is a
/// measurable wait.
pub const MAX_RPS: f64 = 10_000.0;
/// Each success gives back this share of the starting rate (additive increase).
const RECOVERY_SHARE: f64 = 0.005;

#[derive(Debug)]
struct Bucket {
    ceiling: f64,
    rate: f64,
    tokens: f64,
    refilled: Instant,
    /// Until when throttles belong to the congestion event that last halved the rate.
    epoch_ends: Option<Instant>,
}

impl Bucket {
    fn new(rate: f64, now: Instant) -> Self {
        Bucket {
            ceiling: rate,
            rate,
            tokens: 1.0,
            refilled: now,
            epoch_ends: None,
        }
    }

    /// At most a tenth of a second's worth saved up, so waking late catches up without bursting.
    fn capacity(&self) -> f64 {
        (self.rate / 10.0).max(1.0)
    }

    /// Takes a token, or says how long until one is there.
    fn take(&mut self, now: Instant) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.refilled).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.capacity());
        self.refilled = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            // The rate never falls under MIN_RPS, so the wait is at most 1 / MIN_RPS seconds; the clamp
            // keeps a rate that somehow did from panicking in `from_secs_f64`.
            let wait = ((1.0 - self.tokens) / self.rate.max(MIN_RPS)).clamp(0.0, 1.0 / MIN_RPS);
            Err(Duration::from_secs_f64(wait))
        }
    }

    /// How long the throttles after a halving are taken as the same congestion event: a second, the window
    /// both clouds document their limits over (and longer than the clients' first backoffs, 200 and 400 ms
    /// at most, so the repeats of the throttled calls fall in it); at a rate under one per second, the gap
    /// before the bucket grants its next call, since no throttle before that answers a call sent at the
    /// halved rate.
    fn epoch(rate: f64) -> Duration {
        Duration::from_secs_f64((1.0 / rate.max(MIN_RPS)).clamp(1.0, 1.0 / MIN_RPS))
    }

    /// The service throttled a call: the first throttle of a congestion event halves the rate and starts
    /// an epoch, the others in it do not. Either way the tokens saved up are dropped (the service had
    /// none left) but a debt is kept: attempts the clients repeated are still to be paid for.
    fn throttled(&mut self, now: Instant) {
        self.tokens = self.tokens.min(0.0);
        if self.epoch_ends.is_some_and(|end| now < end) {
            return;
        }
        self.rate = (self.rate / 2.0).max(MIN_RPS);
        self.epoch_ends = Some(now + Self::epoch(self.rate));
    }

    fn succeeded(&mut self) {
        self.rate = (self.rate + self.ceiling * RECOVERY_SHARE).min(self.ceiling);
    }

    /// A client repeats an attempt on its own: a request the bucket did not grant, paid for by the next
    /// ones (the tokens may go below zero).
    fn repeated(&mut self) {
        self.tokens -= 1.0;
    }
}

/// Cloud, account and region: where a bucket's calls go.
type Place = (&'static str, String, String);
type Key = (&'static str, String, String, &'static str);

fn place_of(target: &Target) -> Place {
    (
        target.cloud_name(),
        target.account.clone(),
        target.region.clone(),
    )
}

/// The buckets of one sweep, shared by every task.
#[derive(Debug, Clone)]
pub struct Limiter {
    max_rps: Option<f64>,
    buckets: Arc<Mutex<HashMap<Key, Bucket>>>,
    throttled: Arc<AtomicU64>,
}

/// The rate a bucket for `action` starts at.
pub fn starting_rate(documented: Option<f64>, max_rps: Option<f64>) -> f64 {
    let rate = match (documented, max_rps) {
        (Some(d), Some(m)) => d.min(m),
        (Some(d), None) => d,
        (None, Some(m)) => m,
        (None, None) => FALLBACK_RPS,
    };
    rate.clamp(MIN_RPS, MAX_RPS)
}

impl Limiter {
    pub fn new(max_rps: Option<f64>) -> Self {
        Limiter {
            max_rps,
            buckets: Arc::default(),
            throttled: Arc::default(),
        }
    }

    /// Counts a throttling answer seen outside [`Limiter::call`] (a throttled poll of a wait).
    pub fn note_throttled(&self) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
    }

    /// Throttling answers seen so far.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    fn with_bucket<R>(
        &self,
        place: &Place,
        op: &'static OperationMeta,
        f: impl FnOnce(&mut Bucket) -> R,
    ) -> R {
        let key = (place.0, place.1.clone(), place.2.clone(), op.action);
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(key).or_insert_with(|| {
            Bucket::new(
                starting_rate(op.rate_limit_per_second.map(f64::from), self.max_rps),
                Instant::now(),
            )
        });
        f(bucket)
    }

    fn throttled_answer(&self, place: &Place, op: &'static OperationMeta) {
        self.throttled.fetch_add(1, Ordering::Relaxed);
        self.with_bucket(place, op, |b| b.throttled(Instant::now()));
    }

    /// What the clients of `target` report to (see the module's note): the attempts they repeat on their
    /// own are charged to the target's buckets, and a throttled one counts and may halve its bucket (once
    /// per congestion event).
    pub fn observer(&self, target: &Target) -> Observer {
        let limiter = self.clone();
        let place = place_of(target);
        Observer(Arc::new(move |event: WireEvent<'_>| {
            if let WireEvent::Retrying {
                operation, reason, ..
            } = event
            {
                if reason.is_throttling() {
                    limiter.throttled_answer(&place, operation);
                }
                limiter.with_bucket(&place, operation, Bucket::repeated);
            }
        }))
    }

    /// Waits for a token of the target's bucket for `op`.
    async fn acquire(&self, place: &Place, op: &'static OperationMeta) {
        loop {
            match self.with_bucket(place, op, |b| b.take(Instant::now())) {
                Ok(()) => return,
                Err(wait) => tokio::time::sleep(wait).await,
            }
        }
    }

    /// Sends `request` when the bucket allows, again after every throttling answer; the SDK's error for
    /// anything else.
    pub async fn call<C: ApiClient, O: Operation>(
        &self,
        target: &Target,
        client: &C,
        request: O,
    ) -> Result<O::Output, Error<O::Error>> {
        let place = place_of(target);
        loop {
            self.acquire(&place, O::META).await;
            match client.send(request.clone()).await {
                Err(Error::Service(e)) if e.is_throttling() => {
                    self.throttled_answer(&place, O::META)
                }
                other => {
                    if other.is_ok() {
                        self.with_bucket(&place, O::META, Bucket::succeeded);
                    }
                    return other;
                }
            }
        }
    }

    /// [`Limiter::call`] for the read-only listing calls, whose errors stop the region's listing.
    pub async fn send<C: ApiClient, O: Operation>(
        &self,
        target: &Target,
        client: &C,
        request: O,
    ) -> Result<O::Output, Failure> {
        self.call(target, client, request)
            .await
            .map_err(Failure::from_sdk)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn::RetryReason;
    use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;

    fn retrying(reason: RetryReason<'_>) -> WireEvent<'_> {
        WireEvent::Retrying {
            attempt: 1,
            operation: DeleteVpnGatewayRequest::META,
            reason,
            delay: Duration::ZERO,
        }
    }

    #[test]
    fn a_throttle_a_client_repeats_on_its_own_halves_the_bucket_and_counts() {
        let limiter = Limiter::new(Some(40.0));
        let target = super::super::target::tests::unreachable();
        let mut elsewhere = target.clone();
        elsewhere.region = "cn-shanghai".into();
        let observe = limiter.observer(&target).0;
        let op = DeleteVpnGatewayRequest::META;
        let state = |t: &Target| limiter.with_bucket(&place_of(t), op, |b| (b.rate, b.tokens));
        let (start, _) = state(&target);
        assert_eq!(state(&elsewhere).0, start);

        observe(retrying(RetryReason::Throttled {
            code: "Throttling.User",
        }));
        assert_eq!(limiter.throttled(), 1);
        // Halved, and the repeated attempt is paid for by the next call.
        assert_eq!(state(&target), (start / 2.0, -1.0));
        assert_eq!(state(&elsewhere).0, start, "another region's bucket");

        // A transient failure repeated costs its token, and neither halves nor counts.
        observe(retrying(RetryReason::Transient {
            code: Some("VpnGateway.Configuring"),
            status: Some(400),
        }));
        assert_eq!(limiter.throttled(), 1);
        assert_eq!(state(&target), (start / 2.0, -2.0));
        // The other events are not the limiter's business.
        let answer = cloudvpn::transport::HttpResponse::new(200, String::new());
        observe(WireEvent::Response {
            attempt: 1,
            response: &answer,
        });
        assert_eq!(state(&target), (start / 2.0, -2.0));
    }

    #[test]
    fn a_rate_outside_the_range_starts_at_its_end_and_its_wait_fits_a_duration() {
        assert_eq!(starting_rate(None, Some(1e-300)), MIN_RPS);
        assert_eq!(starting_rate(Some(1e9), None), MAX_RPS);
        let now = Instant::now();
        let mut b = Bucket::new(1e-300, now);
        b.tokens = 0.0;
        assert_eq!(b.take(now), Err(Duration::from_secs_f64(1.0 / MIN_RPS)));
    }

    #[test]
    fn halves_on_throttling_and_recovers_slowly_to_its_ceiling() {
        let mut now = Instant::now();
        let mut b = Bucket::new(100.0, now);
        // Each throttle a second after the last: a new congestion event every time.
        let mut throttle = |b: &mut Bucket| {
            now += Duration::from_secs(1);
            b.throttled(now);
        };
        throttle(&mut b);
        assert_eq!(b.rate, 50.0);
        throttle(&mut b);
        assert_eq!(b.rate, 25.0);
        for _ in 0..10 {
            b.succeeded();
        }
        assert!((b.rate - 30.0).abs() < 1e-9, "{}", b.rate);
        for _ in 0..1000 {
            b.succeeded();
        }
        assert_eq!(b.rate, 100.0);
        for _ in 0..20 {
            throttle(&mut b);
        }
        assert_eq!(b.rate, MIN_RPS);
    }

    #[test]
    fn one_burst_of_concurrent_throttles_halves_the_bucket_once() {
        let limiter = Limiter::new(Some(20.0));
        let target = super::super::target::tests::unreachable();
        let observe = limiter.observer(&target).0;
        let op = DeleteVpnGatewayRequest::META;
        // --concurrency 8 (the default): the eight calls in flight are throttled together, and each
        // client repeats its attempt on its own.
        for _ in 0..8 {
            observe(retrying(RetryReason::Throttled {
                code: "Throttling.User",
            }));
        }
        let (rate, tokens) = limiter.with_bucket(&place_of(&target), op, |b| (b.rate, b.tokens));
        assert_eq!(rate, 10.0, "one congestion event, one halving");
        assert_eq!(limiter.throttled(), 8, "every throttle still counts");
        assert_eq!(tokens, -8.0, "and every repeated attempt is still charged");
    }

    #[test]
    fn a_throttle_after_the_epoch_halves_again_and_one_within_it_does_not() {
        let t0 = Instant::now();
        let mut b = Bucket::new(40.0, t0);
        b.throttled(t0);
        assert_eq!(b.rate, 20.0);
        b.throttled(t0 + Duration::from_millis(999));
        assert_eq!(b.rate, 20.0, "within the second after the halving");
        b.throttled(t0 + Duration::from_secs(1));
        assert_eq!(b.rate, 10.0, "a new congestion event");
        // Its epoch starts at its own halving, not at the throttles it ignored.
        b.throttled(t0 + Duration::from_millis(1999));
        assert_eq!(b.rate, 10.0);
        b.throttled(t0 + Duration::from_secs(2));
        assert_eq!(b.rate, 5.0);
    }

    #[test]
    fn under_one_call_a_second_the_epoch_lasts_until_the_next_grant() {
        assert_eq!(Bucket::epoch(20.0), Duration::from_secs(1));
        assert_eq!(Bucket::epoch(1.0), Duration::from_secs(1));
        assert_eq!(Bucket::epoch(0.8), Duration::from_millis(1250));
        assert_eq!(Bucket::epoch(MIN_RPS), Duration::from_secs(2));
        let t0 = Instant::now();
        let mut b = Bucket::new(1.6, t0);
        b.throttled(t0);
        assert_eq!(b.rate, 0.8);
        b.throttled(t0 + Duration::from_millis(1249));
        assert_eq!(b.rate, 0.8, "the halved bucket has not granted a call yet");
        b.throttled(t0 + Duration::from_millis(1250));
        assert_eq!(b.rate, MIN_RPS);
    }

    #[test]
    fn throttles_keep_the_debt_of_the_attempts_repeated_before_them() {
        let limiter = Limiter::new(Some(40.0));
        let target = super::super::target::tests::unreachable();
        let observe = limiter.observer(&target).0;
        let op = DeleteVpnGatewayRequest::META;
        for _ in 0..2 {
            observe(retrying(RetryReason::Throttled {
                code: "Throttling.User",
            }));
        }
        let tokens = limiter.with_bucket(&place_of(&target), op, |b| b.tokens);
        assert_eq!(tokens, -2.0, "two repeated attempts, two tokens owed");

        // A throttle returned to `Limiter::call` after its client repeated three attempts: the debt of
        // the three stays, the tokens saved up do not.
        let t0 = Instant::now();
        let mut b = Bucket::new(40.0, t0);
        for _ in 0..3 {
            b.repeated();
        }
        b.throttled(t0);
        assert_eq!(b.tokens, -2.0, "one token saved up, three owed");
        let mut saved = Bucket::new(40.0, t0);
        saved.tokens = 4.0;
        saved.throttled(t0);
        assert_eq!(saved.tokens, 0.0, "saved-up tokens are dropped");
    }

    #[test]
    fn tokens_come_at_the_rate_without_bursting() {
        let t0 = Instant::now();
        let mut b = Bucket::new(10.0, t0);
        assert_eq!(b.take(t0), Ok(()));
        let wait = b.take(t0).unwrap_err();
        assert!((wait.as_secs_f64() - 0.1).abs() < 1e-9, "{wait:?}");
        // A long pause saves up one token only (a tenth of a second's worth at most).
        let later = t0 + Duration::from_secs(10);
        assert_eq!(b.take(later), Ok(()));
        assert!(b.take(later).is_err());
    }

    #[test]
    fn the_documented_limit_is_capped_by_max_rps() {
        assert_eq!(starting_rate(Some(100.0), Some(30.0)), 30.0);
        assert_eq!(starting_rate(Some(20.0), Some(30.0)), 20.0);
        assert_eq!(starting_rate(None, Some(30.0)), 30.0);
        assert_eq!(starting_rate(None, None), FALLBACK_RPS);
    }
}
