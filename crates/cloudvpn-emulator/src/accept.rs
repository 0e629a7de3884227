//! The accept loop: one hyper HTTP/1.1 connection per socket (inside TLS with `--tls`), each admitted by the
//! connection [`Registry`](crate::connections::Registry) and watched by [`supervise`], all stopped together on
//! shutdown.

use crate::connections::{Phase, Registry, Tracked, Tracker, supervise};
use crate::server::Shared;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::{GracefulShutdown, Watcher};
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

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
    tls: Option<TlsAcceptor>,
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
                let connection = Connection {
                    shared: shared.clone(),
                    peer,
                    http: http.clone(),
                    graceful: graceful.watcher(),
                };
                let tls = tls.clone();
                tokio::spawn(async move {
                    let tracker = admitted.tracker.clone();
                    let limits = connection.shared.connections;
                    // The connection's errors are client disconnects, timeouts and dropped-connection
                    // faults; there is no one to tell.
                    match tls {
                        None => {
                            let io = Tracked::new(stream, tracker.clone());
                            supervise(connection.serve(io, tracker), &admitted.tracker, limits).await;
                        }
                        Some(acceptor) => {
                            // The handshake is part of the first request's head: its clock starts now, so a
                            // client that connects and stalls (or never says hello) holds its place no
                            // longer than the header timeout.
                            tracker.enter(Phase::ReadingHead);
                            let serve = connection.serve_tls(stream, acceptor, tracker);
                            supervise(serve, &admitted.tracker, limits).await;
                        }
                    }
                    drop(admitted);
                });
            }
            _ = &mut stopped => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}

/// What serving one accepted socket needs.
struct Connection {
    shared: Arc<Shared>,
    peer: SocketAddr,
    http: http1::Builder,
    graceful: Watcher,
}

impl Connection {
    /// Serves HTTP/1.1 on `io` until the client or a graceful shutdown ends it.
    async fn serve<I>(self, io: I, tracker: Arc<Tracker>)
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let Connection {
            shared,
            peer,
            http,
            graceful,
        } = self;
        let service = service_fn(move |request| {
            let shared = shared.clone();
            let tracker = tracker.clone();
            async move {
                let answer = crate::http::serve(shared, peer, &tracker, request).await;
                tracker.enter(Phase::Waiting);
                answer
            }
        });
        let _ = graceful
            .watch(http.serve_connection(TokioIo::new(io), service))
            .await;
    }

    /// Completes the TLS handshake, then serves HTTP/1.1 inside it. A client that speaks plain HTTP to this
    /// port is told so in plain HTTP rather than left with a closed socket.
    async fn serve_tls(self, stream: TcpStream, acceptor: TlsAcceptor, tracker: Arc<Tracker>) {
        let mut first = [0u8; 1];
        match stream.peek(&mut first).await {
            Ok(1) => {}
            _ => return,
        }
        if first[0] != TLS_HANDSHAKE_RECORD {
            refuse_plain_http(stream).await;
            return;
        }
        let Ok(tls) = acceptor.accept(Tracked::new(stream, tracker.clone())).await else {
            return;
        };
        self.serve(tls, tracker).await;
    }
}

/// The first byte of every TLS connection (a handshake record holding the ClientHello).
const TLS_HANDSHAKE_RECORD: u8 = 0x16;

/// Most of a plain-HTTP request read before answering it (its head, so the answer is not lost to a reset).
const PLAIN_HEAD_LIMIT: usize = 16 * 1024;

/// Answers a plain-HTTP request on a TLS port with 400 and what to do instead, then closes the connection.
async fn refuse_plain_http(mut stream: TcpStream) {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while head.len() < PLAIN_HEAD_LIMIT && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let url = match stream.local_addr() {
        Ok(addr) => format!("https://{addr}"),
        Err(_) => "https://".to_owned(),
    };
    let body = format!(
        "This cloudvpn emulator speaks HTTPS (it was started with --tls): use {url} and trust the \
         certificate it printed (cloudvpn --ca-bundle FILE, REQUESTS_CA_BUNDLE, SSL_CERT_FILE or \
         NODE_EXTRA_CA_CERTS).\n"
    );
    let answer = format!(
        "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    if stream.write_all(answer.as_bytes()).await.is_ok() {
        let _ = stream.shutdown().await;
    }
}
