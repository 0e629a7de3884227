//! The HTTP layer: one hyper HTTP/1.1 server, one port, routed by path — Alibaba RPC at `/`, Tencent v2 at
//! `/v2/index.php`, the control API under `/_emulator/` — with the request's framing checked (one `Host`,
//! no `CONNECT`), web pages refused on every route ([`crate::web_guard`]) and on the control API
//! ([`crate::control_guard`]) from the request head, and the body's size limit and read deadline enforced
//! before any protocol code runs.

use crate::alibaba::render::Format;
use crate::connections::{Phase, Tracker};
use crate::control_guard::Refusal;
use crate::error::ServiceError;
use crate::server::Shared;
use crate::{alibaba, control, control_guard, ids, tencent, web_guard};
use bytes::Bytes;
use cloudvpn_types::tencent_vpc;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as IncomingBody;
use hyper::header::{
    ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HOST, HeaderMap, HeaderName, HeaderValue,
};
use hyper::{Method, Request, Response, StatusCode, Uri};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-acs-request-id");

/// The code of the emulator's own refusal of a browser's request on an Alibaba route. No Alibaba document
/// has such a refusal, so no spec can name it; it is the emulator's, named once here.
const WEB_REQUEST_REFUSED: &str = "Forbidden.WebRequest";

/// Content types, exactly as the clients expect them.
pub mod content {
    /// Alibaba JSON.
    pub const ALIBABA_JSON: &str = "application/json;charset=utf-8";
    /// Alibaba XML: the Tea SDK parses XML only with exactly this type.
    pub const ALIBABA_XML: &str = "text/xml;charset=utf-8";
    /// Tencent v2: exactly `application/json`; the official Python SDKs ignore error bodies otherwise.
    pub const TENCENT_JSON: &str = "application/json";
    /// The control API.
    pub const CONTROL_JSON: &str = "application/json";
}

/// An answer, before it becomes a hyper response.
#[derive(Debug, Clone)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: &'static str,
    /// Body.
    pub body: Bytes,
    /// `x-acs-request-id` (Alibaba).
    pub request_id: Option<HeaderValue>,
}

impl Reply {
    /// An answer.
    pub fn new(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        Reply {
            status,
            content_type,
            body: body.into(),
            request_id: None,
        }
    }

    /// Adds the `x-acs-request-id` header.
    pub fn request_id(mut self, id: &str) -> Self {
        self.request_id = HeaderValue::from_str(id).ok();
        self
    }

    fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        if let Some(id) = self.request_id {
            headers.insert(REQUEST_ID, id);
        }
        response
    }
}

/// What a protocol decided: answer, or (fault injection) close the connection without answering.
#[derive(Debug)]
pub enum Outcome {
    /// Send this.
    Reply(Reply),
    /// Close the connection.
    Drop,
}

/// The error hyper is given to make it close a connection without a response.
#[derive(Debug)]
pub struct DroppedConnection;

impl std::fmt::Display for DroppedConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by a fault rule")
    }
}

impl std::error::Error for DroppedConnection {}

/// What is known of a request before its body is read: enough to refuse it without reading the body.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    /// Method.
    pub method: &'a Method,
    /// Path and query.
    pub uri: &'a Uri,
    /// Headers.
    pub headers: &'a HeaderMap,
    /// Who sent it.
    pub peer: SocketAddr,
}

/// A received request with its whole body.
#[derive(Debug)]
pub struct Incoming {
    /// Method.
    pub method: Method,
    /// Path and query.
    pub uri: Uri,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
}

impl Incoming {
    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.uri.path()
    }

    /// The raw query string (empty when there is none).
    pub fn query(&self) -> &str {
        self.uri.query().unwrap_or("")
    }

    /// The `Host` header as sent (with the port), which is what Tencent v2 and Alibaba V3 sign.
    pub fn host(&self) -> &str {
        self.headers
            .get(HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("")
    }

    /// A header's value as text, if present and printable.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|h| h.to_str().ok())
    }

    /// Whether the body is a form (`application/x-www-form-urlencoded`, or untyped but present).
    pub fn has_form_body(&self) -> bool {
        if self.body.is_empty() {
            return false;
        }
        match self.header("content-type") {
            None => true,
            Some(ct) => ct.split(';').next().is_some_and(|t| {
                t.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            }),
        }
    }
}

/// The control API's body limit.
pub const CONTROL_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Which part of the emulator a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// Alibaba RPC (`/`).
    Alibaba,
    /// Tencent v2 (`/v2/index.php`).
    Tencent,
    /// The control API.
    Control,
    /// The instance metadata services (`/latest/…`).
    Metadata,
    /// Nothing.
    Unknown,
}

/// Routes a path.
pub fn route(path: &str) -> Route {
    match path {
        "/" => Route::Alibaba,
        "/v2/index.php" => Route::Tencent,
        p if p == "/_emulator" || p.starts_with("/_emulator/") => Route::Control,
        p if crate::sts::metadata::claims(p) => Route::Metadata,
        _ => Route::Unknown,
    }
}

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the limit.
    TooLarge,
    /// The connection failed while reading.
    Broken,
    /// Not complete within the body-read timeout.
    Late,
}

/// An answer about the HTTP request itself (no protocol's format applies), as `{"error": "..."}`.
fn http_error(status: StatusCode, message: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(
        serde_json::json!({ "error": message }).to_string(),
    )));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static(content::CONTROL_JSON),
    );
    response
}

/// A refusal sent before the body was read. The unread body would be taken for the next request's bytes, so
/// the connection is closed after the answer.
fn refuse_unread(status: u16, message: String) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
    let mut response = http_error(status, message);
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The answer to a request [`web_guard`] refused, in its route's own error format so that an SDK or CLI that
/// meets it (a proxy adding `Origin`, a `Host` of another name) reports why.
fn refuse_web_request(
    route: Route,
    head: &RequestHead<'_>,
    refusal: Refusal,
) -> Response<Full<Bytes>> {
    let reply = match route {
        // API 3.0 shares `/`; its head already shows its markers (TC3), so it is refused in its envelope.
        Route::Alibaba if tencent::api3::claims_head(head.headers) => {
            let e = ServiceError::custom(
                tencent_vpc::codes::UNAUTHORIZED_OPERATION,
                format!("(emulator) {}", refusal.message),
                200,
            );
            tencent::api3::error_reply(&e, &ids::request_id())
        }
        Route::Alibaba => {
            let e = ServiceError::custom(WEB_REQUEST_REFUSED, refusal.message, refusal.status);
            let host = head
                .headers
                .get(HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("vpc.aliyuncs.com");
            alibaba::render::error(&e, &ids::request_id(), host, Format::Json)
        }
        Route::Tencent => {
            // Tencent v2 answers every error with HTTP 200 and the envelope; 4300 is its "access denied".
            let e = tencent::common_error(
                cloudvpn_types::tencent_vpc_v2::codes::documented::ACCESS_DENIED,
            )
            .with_message(format!("(emulator) {}", refusal.message));
            let envelope = serde_json::json!({
                "code": e.envelope_code.unwrap_or(4300),
                "message": e.message,
                "codeDesc": e.code,
            });
            Reply::new(200, content::TENCENT_JSON, envelope.to_string())
        }
        Route::Control | Route::Metadata | Route::Unknown => {
            return refuse_unread(refusal.status, refusal.message);
        }
    };
    let mut response = reply.into_response();
    response
        .headers_mut()
        .insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

/// What is wrong with a request before any route looks at it: `CONNECT` (405), no `Host` or more than one
/// (400, as RFC 9112 section 3.2 requires).
fn refuse_framing(parts: &hyper::http::request::Parts) -> Option<Response<Full<Bytes>>> {
    if parts.method == Method::CONNECT {
        let mut response = http_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "CONNECT is not allowed: this is an API endpoint, not a proxy".to_owned(),
        );
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, POST, PUT, DELETE"));
        return Some(response);
    }
    match parts.headers.get_all(HOST).iter().count() {
        1 => None,
        0 => Some(http_error(
            StatusCode::BAD_REQUEST,
            "the request has no Host header; send one, e.g. Host: 127.0.0.1:8080".to_owned(),
        )),
        n => Some(http_error(
            StatusCode::BAD_REQUEST,
            format!("the request has {n} Host headers; send exactly one"),
        )),
    }
}

/// Reads the whole body, within `limit` bytes and `deadline`.
async fn read_body(
    parts: &hyper::http::request::Parts,
    body: IncomingBody,
    limit: usize,
    deadline: Duration,
) -> Result<Bytes, BodyError> {
    let declared_too_large = parts
        .headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > limit as u64);
    if declared_too_large {
        return Err(BodyError::TooLarge);
    }
    match tokio::time::timeout(deadline, Limited::new(body, limit).collect()).await {
        Err(_) => Err(BodyError::Late),
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Ok(Err(_)) => Err(BodyError::Broken),
    }
}

/// Serves one request; `tracker` learns when the body is being read and when the request is handled.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    peer: SocketAddr,
    tracker: &Tracker,
    request: Request<IncomingBody>,
) -> Result<Response<Full<Bytes>>, DroppedConnection> {
    let (parts, body) = request.into_parts();
    if let Some(refusal) = refuse_framing(&parts) {
        return Ok(refusal);
    }
    let route = route(parts.uri.path());
    let head = RequestHead {
        method: &parts.method,
        uri: &parts.uri,
        headers: &parts.headers,
        peer,
    };
    if let Err(refusal) = web_guard::check(&head, shared.allow_remote) {
        return Ok(refuse_web_request(route, &head, refusal));
    }
    // Checked on the head, so that a request the control API refuses (a web page's, a remote client's)
    // costs no body read: its generous limit is for the loopback clients that pass.
    if route == Route::Control
        && let Err(refusal) = control_guard::check(&head, shared.control_token.as_ref())
    {
        return Ok(refuse_unread(refusal.status, refusal.message));
    }
    if route == Route::Metadata
        && let Some(refusal) = crate::sts::metadata::remote_refusal(peer.ip())
    {
        return Ok(refuse_unread(403, refusal));
    }
    let limit = match route {
        // Bulk seeds of many thousand resources, from loopback clients that passed the guard above.
        Route::Control => CONTROL_MAX_BODY_BYTES,
        _ => shared.limits.max_body_bytes,
    };
    tracker.enter(Phase::ReadingBody);
    let deadline = shared.connections.body_read_timeout;
    let body = read_body(&parts, body, limit, deadline).await;
    tracker.enter(Phase::Handling);
    let body = match body {
        Ok(b) => Ok(b),
        // Nothing useful can be sent on a connection that broke mid-body.
        Err(BodyError::Broken) => return Err(DroppedConnection),
        Err(BodyError::Late) => {
            let mut response = http_error(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} ms; send it at once",
                    deadline.as_millis()
                ),
            );
            response
                .headers_mut()
                .insert(CONNECTION, HeaderValue::from_static("close"));
            return Ok(response);
        }
        Err(e) => Err(e),
    };
    let body_ok = body.is_ok();
    let incoming = Incoming {
        uri: parts.uri,
        method: parts.method,
        headers: parts.headers,
        body: body.unwrap_or_default(),
    };
    let outcome = match (route, body_ok) {
        // API 3.0 also posts to `/`: told apart from Alibaba RPC by its markers.
        (Route::Alibaba, true) if tencent::api3::claims(&incoming) => {
            tencent::api3::handle(&shared, incoming).await
        }
        (Route::Alibaba, false) if tencent::api3::claims(&incoming) => {
            tencent::api3::body_too_large(&shared, &incoming)
        }
        (Route::Alibaba, true) => alibaba::handle(&shared, incoming).await,
        (Route::Alibaba, false) => alibaba::body_too_large(&shared, &incoming),
        (Route::Tencent, true) => tencent::handle(&shared, incoming).await,
        (Route::Tencent, false) => tencent::body_too_large(&shared, &incoming),
        (Route::Control, ok) => control::handle(&shared, incoming, ok).await,
        (Route::Metadata, _) => Outcome::Reply(crate::sts::metadata::handle(&shared.sts, &incoming)),
        (Route::Unknown, _) => Outcome::Reply(Reply::new(
            404,
            content::CONTROL_JSON,
            serde_json::json!({
                "error": format!(
                    "no such path {}: Alibaba RPC and Tencent API 3.0 are served at /, Tencent v2 at \
                     /v2/index.php, the metadata services under /latest/, the control API under \
                     /_emulator/",
                    incoming.path()
                )
            })
            .to_string(),
        )),
    };
    match outcome {
        Outcome::Reply(reply) => Ok(reply.into_response()),
        Outcome::Drop => Err(DroppedConnection),
    }
}
