//! A minimal HTTP/1.1 client for the requests of [`super`]: one kept-alive connection, or one per request.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper::header::HeaderMap;
use hyper_util::rt::TokioIo;
use std::fmt;
use std::net::SocketAddr;
use tokio::net::TcpStream;

/// A received answer.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body.
    pub body: Bytes,
}

impl RawResponse {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// `Content-Type`, if any.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
    }
}

/// Why a request got no answer.
#[derive(Debug)]
pub enum ClientError {
    /// Connecting failed.
    Connect(std::io::Error),
    /// The HTTP exchange failed (including a connection closed without an answer).
    Http(hyper::Error),
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Connect(e) => write!(f, "cannot connect: {e}"),
            ClientError::Http(e) => write!(f, "HTTP exchange failed: {e}"),
        }
    }
}

impl std::error::Error for ClientError {}

/// One kept-alive HTTP/1.1 connection.
pub struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection").finish_non_exhaustive()
    }
}

impl Connection {
    /// Connects to `addr`.
    pub async fn open(addr: SocketAddr) -> Result<Self, ClientError> {
        let stream = TcpStream::connect(addr)
            .await
            .map_err(ClientError::Connect)?;
        let _ = stream.set_nodelay(true);
        // Small exact reads, as on the server side (see `server::READ_BUFFER_BYTES`).
        let (sender, connection) = http1::Builder::new()
            .read_buf_exact_size(Some(992))
            .handshake(TokioIo::new(stream))
            .await
            .map_err(ClientError::Http)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Connection { sender })
    }

    /// Sends one request and reads the whole answer.
    pub async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<RawResponse, ClientError> {
        self.sender.ready().await.map_err(ClientError::Http)?;
        let response = self
            .sender
            .send_request(request)
            .await
            .map_err(ClientError::Http)?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map_err(ClientError::Http)?.to_bytes();
        Ok(RawResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body,
        })
    }
}

/// Sends one request on a new connection.
pub async fn send(
    addr: SocketAddr,
    request: Request<Full<Bytes>>,
) -> Result<RawResponse, ClientError> {
    Connection::open(addr).await?.send(request).await
}
