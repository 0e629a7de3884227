//! Ctrl-C during a sweep: the first stops anything new from starting (a listing or a confirmation still
//! under way ends the sweep with nothing deleted; deletions in flight are finished), the second aborts what is
//! in flight. Watched from the start of the sweep, so no moment is left where Ctrl-C kills the process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

pub struct Interrupts {
    stopping: Arc<AtomicBool>,
    first: Arc<Notify>,
    second: Arc<Notify>,
    watcher: JoinHandle<()>,
}

impl Interrupts {
    /// Starts watching for Ctrl-C.
    pub fn watch() -> Self {
        let stopping = Arc::new(AtomicBool::new(false));
        let (first, second) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
        let watcher = {
            let (stopping, first, second) = (stopping.clone(), first.clone(), second.clone());
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_err() {
                    return;
                }
                stopping.store(true, Ordering::SeqCst);
                first.notify_waiters();
                if tokio::signal::ctrl_c().await.is_ok() {
                    // A permit is kept if nobody waits yet, so the abort is not lost.
                    second.notify_one();
                }
            })
        };
        Interrupts {
            stopping,
            first,
            second,
            watcher,
        }
    }

    /// A first Ctrl-C has come.
    pub fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Resolves on the first Ctrl-C (at once if it has come).
    pub async fn first(&self) {
        let notified = self.first.notified();
        if self.stopping() {
            return;
        }
        notified.await;
    }

    /// Resolves on the second Ctrl-C.
    pub async fn second(&self) {
        self.second.notified().await;
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.watcher.abort();
    }
}
