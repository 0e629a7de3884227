//! What keeps web pages away from the control API. A page in the user's browser can send requests to
//! loopback (CSRF) and, through DNS rebinding, read the answers; the control API therefore answers only
//! requests that a browser would not send on a foreign page's behalf:
//!
//! | Check | Refusal |
//! |---|---|
//! | the peer is loopback (`127.0.0.0/8`, `::1`, `::ffff:127.x`) | 403 |
//! | `Host` names loopback (`localhost`, `127.x`, `[::1]`, with or without a port), so a rebound name fails | 403 |
//! | `Origin`, when present, is a loopback page | 403 |
//! | with a control token: `Authorization: Bearer TOKEN` | 401 |
//! | a `POST` / `PUT` says `Content-Type: application/json` (a cross-site form or `text/plain` cannot) | 415 |

use crate::config::ControlToken;
use crate::http::RequestHead;
use crate::loopback::{foreign_host, foreign_origin, is_loopback_ip};
use hyper::Method;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use subtle::ConstantTimeEq;

/// Why a control request was refused: the status and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// The reason, for the `error` member of the answer.
    pub message: String,
}

fn refuse(status: u16, message: impl Into<String>) -> Result<(), Refusal> {
    Err(Refusal {
        status,
        message: message.into(),
    })
}

/// Checks a control request against the table in the module documentation. It needs the head only, so it
/// runs before the body is read (a refused request costs no body).
pub fn check(req: &RequestHead<'_>, token: Option<&ControlToken>) -> Result<(), Refusal> {
    if !is_loopback_ip(req.peer.ip()) {
        return refuse(403, "the control API answers loopback clients only");
    }
    if let Some(host) = foreign_host(req.headers, req.uri) {
        return refuse(
            403,
            format!(
                "the control API answers requests addressed to localhost, 127.0.0.1 or [::1] only; \
                 Host was {host:?}"
            ),
        );
    }
    if let Some(origin) = foreign_origin(req.headers) {
        return refuse(
            403,
            format!(
                "the control API does not answer requests from web pages elsewhere; Origin was \
                 {origin:?} (only http(s)://localhost, 127.0.0.1 or [::1] pages may call it)"
            ),
        );
    }
    if let Some(token) = token {
        let sent = req
            .headers
            .get(AUTHORIZATION)
            .and_then(|h| h.to_str().ok())
            .and_then(|h| h.strip_prefix("Bearer "))
            .unwrap_or("");
        if !bool::from(sent.as_bytes().ct_eq(token.expose().as_bytes())) {
            return refuse(
                401,
                "this emulator requires its control token: send Authorization: Bearer TOKEN",
            );
        }
    }
    if *req.method == Method::POST || *req.method == Method::PUT {
        let content_type = req
            .headers
            .get(CONTENT_TYPE)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let media_type = content_type.split(';').next().unwrap_or("").trim();
        if !media_type.eq_ignore_ascii_case("application/json") {
            return refuse(
                415,
                format!(
                    "a control {} must send Content-Type: application/json (it was {content_type:?}); \
                     with curl: -H 'Content-Type: application/json'",
                    req.method
                ),
            );
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderMap;
    use hyper::{Method, Uri};
    use std::net::SocketAddr;

    /// A request head, owned.
    struct Head {
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        peer: SocketAddr,
    }

    fn request(peer: &str, method: &str, headers: &[(&'static str, &str)]) -> Head {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, value.parse().unwrap());
        }
        Head {
            method: method.parse().unwrap(),
            uri: "/_emulator/reset".parse().unwrap(),
            headers: map,
            peer: peer.parse().unwrap(),
        }
    }

    fn check(req: &Head, token: Option<&ControlToken>) -> Result<(), Refusal> {
        let head = RequestHead {
            method: &req.method,
            uri: &req.uri,
            headers: &req.headers,
            peer: req.peer,
        };
        super::check(&head, token)
    }

    fn status(r: Result<(), Refusal>) -> u16 {
        r.map(|()| 200).unwrap_or_else(|e| e.status)
    }

    const JSON: (&str, &str) = ("content-type", "application/json");

    /// A name, the request's headers, the expected status.
    type Case<'a> = (&'a str, Vec<(&'static str, &'a str)>, u16);

    #[test]
    fn browsers_and_strangers_are_refused() {
        let ok = [("host", "127.0.0.1:8080"), JSON];
        for peer in ["127.0.0.1:1", "[::1]:1", "[::ffff:127.0.0.1]:1"] {
            assert_eq!(
                status(check(&request(peer, "POST", &ok), None)),
                200,
                "{peer}"
            );
        }
        assert_eq!(
            status(check(&request("192.0.2.7:1", "POST", &ok), None)),
            403
        );
        let cases: Vec<Case> = vec![
            (
                "rebound host",
                vec![("host", "attacker.example:8080"), JSON],
                403,
            ),
            ("no host", vec![JSON], 403),
            (
                "foreign origin",
                vec![
                    ("host", "localhost:8080"),
                    ("origin", "http://attacker.example"),
                    JSON,
                ],
                403,
            ),
            (
                "null origin",
                vec![("host", "localhost:8080"), ("origin", "null"), JSON],
                403,
            ),
            (
                "local origin",
                vec![
                    ("host", "localhost:8080"),
                    ("origin", "http://localhost:3000"),
                    JSON,
                ],
                200,
            ),
            (
                "text/plain",
                vec![("host", "[::1]:8080"), ("content-type", "text/plain")],
                415,
            ),
            (
                "form",
                vec![
                    ("host", "[::1]:8080"),
                    ("content-type", "application/x-www-form-urlencoded"),
                ],
                415,
            ),
            ("no type", vec![("host", "[::1]:8080")], 415),
            (
                "json with charset",
                vec![
                    ("host", "[::1]:8080"),
                    ("content-type", "application/json; charset=utf-8"),
                ],
                200,
            ),
        ];
        for (name, headers, expected) in cases {
            let got = check(&request("127.0.0.1:1", "POST", &headers), None);
            assert_eq!(status(got.clone()), expected, "{name}: {got:?}");
        }
        // GET and DELETE carry no body to type.
        for method in ["GET", "DELETE"] {
            let r = request("127.0.0.1:1", method, &[("host", "localhost")]);
            assert_eq!(status(check(&r, None)), 200, "{method}");
        }
    }

    #[test]
    fn the_token_is_required_when_set() {
        let token = ControlToken::new("s3cret").unwrap();
        let base = [("host", "127.0.0.1:8080"), JSON];
        let without = request("127.0.0.1:1", "POST", &base);
        let refusal = check(&without, Some(&token)).unwrap_err();
        assert_eq!(refusal.status, 401);
        assert!(!refusal.message.contains("s3cret"));
        let wrong = request(
            "127.0.0.1:1",
            "POST",
            &[base[0], base[1], ("authorization", "Bearer s3cre")],
        );
        assert_eq!(status(check(&wrong, Some(&token))), 401);
        let right = request(
            "127.0.0.1:1",
            "POST",
            &[base[0], base[1], ("authorization", "Bearer s3cret")],
        );
        assert_eq!(status(check(&right, Some(&token))), 200);
        assert_eq!(status(check(&without, None)), 200);
    }
}
