//! The accept loop: one hyper HTTP/1.1 connection per socket, each admitted by the connection
//! [`Registry`](crate::connections::Registry) and watched by [`supervise`], all stopped together on shutdown.

use crate::connections::{Phase, Registry, Tracked, supervise};
use crate::server::Shared;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::io;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// How long shutdown lets open requests finish.
const GRACE: Duration = Duration::from_secs(5);

/// Whether an accept error means this process is out of file descriptors (EMFILE, ENFILE), which closing a
/// connection cures.
fn out_of_descriptors(e: &io::Error) -> bool {
    cfg!(unix) && matches!(e.raw_os_error(), Some(23 | 24))
}

fn http_builder(shared: &Shared) -> http1::Builder {
    let limits = shared.connections;
    let mut b = http1::Builder::new();
    b.keep_alive(true);
    // Without this, hyper reads ahead while each request is in flight (to notice a client that
    // hangs up), which makes it allocate a fresh 8 KiB read buffer per request. Requests here take
    // microseconds, so there is nothing to cancel; reading after the answer reuses the buffer.
    b.half_close(true);
    // hyper's own clock for a request head runs from when the connection starts waiting for it, so it
    // bounds idle time and head time together; the supervisor enforces each on its own, and this is the
    // backstop should the two ever disagree.
    b.timer(TokioTimer::new());
    b.header_read_timeout(limits.idle_timeout + limits.header_read_timeout);
    b
}

pub(crate) async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut stopped: oneshot::Receiver<()>,
) {
    let graceful = GracefulShutdown::new();
    let http = http_builder(&shared);
    let registry = Registry::new(shared.connections.max_connections);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        // Out of file descriptors: close the oldest idle connection and accept again. Other
                        // errors (or nothing to close): back off briefly instead of spinning.
                        if !(out_of_descriptors(&e) && registry.shed_one()) {
                            tokio::time::sleep(Duration::from_millis(10)).await;
                        } else {
                            tokio::task::yield_now().await;
                        }
                        continue;
                    }
                };
                // At the cap with every connection busy: close this one at once.
                let Some(admitted) = registry.admit() else { continue };
                let _ = stream.set_nodelay(true);
                let tracker = admitted.tracker.clone();
                let io = TokioIo::new(Tracked::new(stream, tracker.clone()));
                let shared = shared.clone();
                let limits = shared.connections;
                let service = service_fn(move |request| {
                    let shared = shared.clone();
                    let tracker = tracker.clone();
                    async move {
                        let answer = crate::http::serve(shared, peer, &tracker, request).await;
                        tracker.enter(Phase::Waiting);
                        answer
                    }
                });
                let connection = graceful.watch(http.serve_connection(io, service));
                tokio::spawn(async move {
                    // The connection's errors are client disconnects, timeouts and dropped-connection
                    // faults; there is no one to tell.
                    supervise(connection, &admitted.tracker, limits).await;
                    drop(admitted);
                });
            }
            _ = &mut stopped => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}
