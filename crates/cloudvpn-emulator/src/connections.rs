//! Open connections: what each is doing, the timeouts that close the ones that stall, and the cap that closes
//! the oldest idle ones when a new client arrives, so that a flood of idle or slowloris sockets cannot lock
//! clients out (limits in [`ConnectionLimits`]).
//!
//! Each connection has a [`Tracker`] shared by three parties: the socket wrapper ([`Tracked`]) notes the
//! first byte of a request, the request handler notes when it reads a body and when it works on the request,
//! and the connection's task ([`supervise`]) closes it when it has been waiting or reading a head for too
//! long, or when the [`Registry`] picks it to make room.

use crate::config::ConnectionLimits;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// What a connection is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Nothing of the next request has arrived.
    Waiting,
    /// Part of a request head has arrived.
    ReadingHead,
    /// The head is in; the body is being read.
    ReadingBody,
    /// The emulator is working on the request.
    Handling,
}

impl Phase {
    fn code(self) -> u64 {
        match self {
            Phase::Waiting => 0,
            Phase::ReadingHead => 1,
            Phase::ReadingBody => 2,
            Phase::Handling => 3,
        }
    }

    fn from_code(code: u64) -> Phase {
        match code & 3 {
            0 => Phase::Waiting,
            1 => Phase::ReadingHead,
            2 => Phase::ReadingBody,
            _ => Phase::Handling,
        }
    }
}

/// One connection's phase and since when (milliseconds after the registry's epoch), in one atomic word so
/// that the socket wrapper, the handler and the registry never lock for it.
pub(crate) struct Tracker {
    epoch: Instant,
    state: AtomicU64,
    shed: Notify,
}

impl Tracker {
    fn new(epoch: Instant) -> Self {
        let tracker = Tracker {
            epoch,
            state: AtomicU64::new(0),
            shed: Notify::new(),
        };
        tracker.enter(Phase::Waiting);
        tracker
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX >> 2)
    }

    fn pack(&self, phase: Phase) -> u64 {
        (self.now_ms() << 2) | phase.code()
    }

    /// The phase and since when.
    fn get(&self) -> (Phase, u64) {
        let word = self.state.load(Ordering::Acquire);
        (Phase::from_code(word), word >> 2)
    }

    /// Enters `phase` now.
    pub(crate) fn enter(&self, phase: Phase) {
        self.state.store(self.pack(phase), Ordering::Release);
    }

    /// Bytes arrived: a waiting connection starts reading a head (the head timeout starts now).
    fn bytes_arrived(&self) {
        let word = self.state.load(Ordering::Acquire);
        if Phase::from_code(word) == Phase::Waiting {
            let _ = self.state.compare_exchange(
                word,
                self.pack(Phase::ReadingHead),
                Ordering::AcqRel,
                Ordering::Acquire,
            );
        }
    }

    /// When the current phase runs out, or `None` when this task does not time it: a late body is answered
    /// 408 by the request handler (see [`crate::http`]), and handling has no limit.
    fn deadline(&self, limits: &ConnectionLimits) -> Option<Instant> {
        let (phase, since) = self.get();
        let allowed = match phase {
            Phase::Waiting => limits.idle_timeout,
            Phase::ReadingHead => limits.header_read_timeout,
            Phase::ReadingBody | Phase::Handling => return None,
        };
        Some(self.epoch + Duration::from_millis(since) + allowed)
    }
}

/// The open connections, and the cap.
pub(crate) struct Registry {
    epoch: Instant,
    max: usize,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Tracker>>>,
}

/// A connection's place in the registry; dropping it frees the place.
pub(crate) struct Admitted {
    registry: Arc<Registry>,
    id: u64,
    /// The connection's tracker.
    pub(crate) tracker: Arc<Tracker>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        self.registry.lock().remove(&self.id);
    }
}

impl Registry {
    pub(crate) fn new(max: usize) -> Arc<Self> {
        Arc::new(Registry {
            epoch: Instant::now(),
            max: max.max(1),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Tracker>>> {
        self.open.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes room for a new connection (closing the oldest idle one at the cap) and registers it; `None`
    /// when the cap is reached and every connection is being handled.
    pub(crate) fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let mut open = self.lock();
        if open.len() >= self.max && !Self::shed_oldest(&mut open) {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let tracker = Arc::new(Tracker::new(self.epoch));
        open.insert(id, tracker.clone());
        Some(Admitted {
            registry: self.clone(),
            id,
            tracker,
        })
    }

    /// Closes the oldest idle connection (when the process is out of file descriptors); whether there was
    /// one.
    pub(crate) fn shed_one(&self) -> bool {
        Self::shed_oldest(&mut self.lock())
    }

    /// How many connections are open.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().len()
    }

    /// Picks the connection that has waited or read a head the longest (else the one that has read a body
    /// the longest), tells it to close and forgets it.
    fn shed_oldest(open: &mut HashMap<u64, Arc<Tracker>>) -> bool {
        let victim = open
            .iter()
            .filter_map(|(id, t)| {
                let (phase, since) = t.get();
                let rank = match phase {
                    Phase::Waiting | Phase::ReadingHead => 0,
                    Phase::ReadingBody => 1,
                    Phase::Handling => return None,
                };
                Some(((rank, since), *id))
            })
            .min()
            .map(|(_, id)| id);
        match victim.and_then(|id| open.remove(&id)) {
            Some(tracker) => {
                tracker.shed.notify_one();
                true
            }
            None => false,
        }
    }
}

/// Runs `connection` until it ends, its current phase runs out of time, or the registry sheds it (dropping
/// the connection closes the socket).
pub(crate) async fn supervise<F: Future>(
    connection: F,
    tracker: &Tracker,
    limits: ConnectionLimits,
) {
    tokio::pin!(connection);
    loop {
        // The phase changes without telling this task (a wake-up per request would cost more than it
        // saves), so it looks again at least once per header timeout: a head that starts while it sleeps
        // is still cut off exactly one header timeout after its first byte.
        let look_again = Instant::now() + limits.header_read_timeout;
        let deadline = tracker
            .deadline(&limits)
            .map_or(look_again, |d| d.min(look_again));
        tokio::select! {
            _ = &mut connection => return,
            _ = tracker.shed.notified() => return,
            _ = tokio::time::sleep_until(deadline.into()) => {
                if tracker.deadline(&limits).is_some_and(|d| d <= Instant::now()) {
                    return;
                }
            }
        }
    }
}

/// A socket that tells its tracker when bytes arrive.
pub(crate) struct Tracked<S> {
    inner: S,
    tracker: Arc<Tracker>,
}

impl<S> Tracked<S> {
    pub(crate) fn new(inner: S, tracker: Arc<Tracker>) -> Self {
        Tracked { inner, tracker }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Tracked<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.tracker.bytes_arrived();
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Tracked<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheds_the_oldest_idle_connection_and_never_one_being_handled() {
        let registry = Registry::new(3);
        let a = registry.admit().unwrap();
        std::thread::sleep(Duration::from_millis(3));
        let b = registry.admit().unwrap();
        std::thread::sleep(Duration::from_millis(3));
        let c = registry.admit().unwrap();
        a.tracker.enter(Phase::Handling);
        // At the cap: b, the oldest connection not being handled, makes room.
        let d = registry.admit().unwrap();
        assert_eq!(registry.len(), 3);
        let open: Vec<u64> = {
            let mut ids: Vec<u64> = registry.lock().keys().copied().collect();
            ids.sort();
            ids
        };
        assert_eq!(open, vec![a.id, c.id, d.id]);
        // Idle ones go before one still sending its body, however recent.
        c.tracker.enter(Phase::ReadingBody);
        let e = registry.admit().unwrap();
        assert!(!registry.lock().contains_key(&d.id));
        // Nothing to shed: the newcomer is refused.
        d.tracker.enter(Phase::Handling);
        e.tracker.enter(Phase::Handling);
        drop(b);
        let f = registry.admit().unwrap();
        assert!(!registry.lock().contains_key(&c.id));
        f.tracker.enter(Phase::Handling);
        assert!(registry.admit().is_none());
        drop((a, c, d, e, f));
        assert_eq!(registry.len(), 0);
    }

    #[test]
    fn the_head_timeout_starts_with_the_first_byte() {
        let registry = Registry::new(1);
        let admitted = registry.admit().unwrap();
        let limits = ConnectionLimits {
            idle_timeout: Duration::from_secs(100),
            header_read_timeout: Duration::from_secs(1),
            ..ConnectionLimits::default()
        };
        let t = &admitted.tracker;
        let idle_deadline = t.deadline(&limits).unwrap();
        assert!(idle_deadline > Instant::now() + Duration::from_secs(50));
        t.bytes_arrived();
        assert_eq!(t.get().0, Phase::ReadingHead);
        assert!(t.deadline(&limits).unwrap() < Instant::now() + Duration::from_secs(2));
        // More bytes do not restart it; handling has no deadline.
        t.bytes_arrived();
        assert_eq!(t.get().0, Phase::ReadingHead);
        t.enter(Phase::Handling);
        assert_eq!(t.deadline(&limits), None);
        t.bytes_arrived();
        assert_eq!(t.get().0, Phase::Handling);
    }
}
