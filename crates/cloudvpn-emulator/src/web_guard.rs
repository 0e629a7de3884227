//! What keeps web pages away from every route, the cloud APIs included. The emulator accepts published
//! default keys, and Alibaba RPC v1 takes `GET` with a signature that does not cover `Host`, so a page in the
//! user's browser could otherwise delete resources with an `<img src>` (CSRF) or read Describe answers
//! through DNS rebinding. Checked on the request head, before any body is read:
//!
//! | Check | Why |
//! |---|---|
//! | `Origin`, when present, is a loopback page | browsers send it on cross-origin requests; SDKs and CLIs never do |
//! | `Sec-Fetch-Site` is not `cross-site` or `same-site` | sent only by browsers, on a foreign page's behalf |
//! | `Host` names loopback, unless `--allow-remote` | a DNS-rebound page's requests carry the page's own name |
//!
//! The control API adds its own checks ([`crate::control_guard`]).

use crate::control_guard::Refusal;
use crate::http::RequestHead;
use crate::loopback::{foreign_host, foreign_origin};
use hyper::header::HeaderName;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

fn refuse(message: String) -> Result<(), Refusal> {
    Err(Refusal {
        status: 403,
        message,
    })
}

/// Checks a request on any route against the table in the module documentation (`allow_remote`: the
/// emulator was started with `--allow-remote`, so clients may address it by any name).
pub fn check(head: &RequestHead<'_>, allow_remote: bool) -> Result<(), Refusal> {
    if let Some(origin) = foreign_origin(head.headers) {
        return refuse(format!(
            "the emulator does not answer requests from web pages elsewhere; Origin was {origin:?} \
             (only http(s)://localhost, 127.0.0.1 or [::1] pages may call it; SDKs and CLIs send no Origin)"
        ));
    }
    for site in head.headers.get_all(SEC_FETCH_SITE) {
        let site = site.to_str().unwrap_or("");
        if site.eq_ignore_ascii_case("cross-site") || site.eq_ignore_ascii_case("same-site") {
            return refuse(format!(
                "the emulator does not answer requests a browser sends on another page's behalf \
                 (Sec-Fetch-Site: {site}); call it from an SDK, a CLI or curl"
            ));
        }
    }
    if allow_remote {
        return Ok(());
    }
    if let Some(host) = foreign_host(head.headers, head.uri) {
        return refuse(format!(
            "the emulator answers requests addressed to localhost, 127.0.0.1 or [::1] only (it was started \
             without --allow-remote); Host was {host:?}"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::header::HeaderMap;
    use hyper::{Method, Uri};

    fn check_headers(
        uri: &str,
        headers: &[(&'static str, &str)],
        allow_remote: bool,
    ) -> Result<(), Refusal> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, value.parse().unwrap());
        }
        let uri: Uri = uri.parse().unwrap();
        let head = RequestHead {
            method: &Method::GET,
            uri: &uri,
            headers: &map,
            peer: "127.0.0.1:1".parse().unwrap(),
        };
        check(&head, allow_remote)
    }

    #[test]
    fn programs_pass() {
        for host in ["127.0.0.1:8080", "localhost", "[::1]:18080"] {
            assert_eq!(
                check_headers("/", &[("host", host)], false),
                Ok(()),
                "{host}"
            );
        }
        let local_page = [
            ("host", "127.0.0.1:8080"),
            ("origin", "http://localhost:3000"),
            ("sec-fetch-site", "same-origin"),
        ];
        assert_eq!(check_headers("/", &local_page, false), Ok(()));
        let typed_url = [("host", "127.0.0.1:8080"), ("sec-fetch-site", "none")];
        assert_eq!(check_headers("/", &typed_url, false), Ok(()));
    }

    /// A name, the URI, the request's headers, a word the refusal must contain.
    type Case<'a> = (&'a str, &'a str, Vec<(&'static str, &'a str)>, &'a str);

    #[test]
    fn browsers_on_foreign_pages_are_refused() {
        let cases: [Case; 6] = [
            (
                "foreign origin",
                "/",
                vec![
                    ("host", "127.0.0.1:8080"),
                    ("origin", "https://evil.example"),
                ],
                "Origin",
            ),
            (
                "null origin",
                "/",
                vec![("host", "127.0.0.1:8080"), ("origin", "null")],
                "Origin",
            ),
            (
                "img from another site",
                "/",
                vec![("host", "127.0.0.1:8080"), ("sec-fetch-site", "cross-site")],
                "Sec-Fetch-Site",
            ),
            (
                "another port of localhost",
                "/",
                vec![("host", "localhost:8080"), ("sec-fetch-site", "Same-Site")],
                "Sec-Fetch-Site",
            ),
            (
                "rebound name",
                "/v2/index.php",
                vec![("host", "rebind.evil.example:8080")],
                "Host",
            ),
            (
                "absolute URI elsewhere",
                "http://evil.example/",
                vec![("host", "127.0.0.1:8080")],
                "Host",
            ),
        ];
        for (name, uri, headers, hint) in cases {
            let refusal = check_headers(uri, &headers, false).unwrap_err();
            assert_eq!(refusal.status, 403, "{name}");
            assert!(
                refusal.message.contains(hint),
                "{name}: {}",
                refusal.message
            );
        }
    }

    #[test]
    fn allow_remote_accepts_any_host_but_still_no_foreign_page() {
        let named = [("host", "emulator.internal:8080")];
        assert_eq!(check_headers("/", &named, true), Ok(()));
        assert!(check_headers("/", &named, false).is_err());
        let page = [
            ("host", "emulator.internal:8080"),
            ("origin", "https://evil.example"),
        ];
        assert_eq!(check_headers("/", &page, true).unwrap_err().status, 403);
        let fetch = [
            ("host", "emulator.internal:8080"),
            ("sec-fetch-site", "cross-site"),
        ];
        assert_eq!(check_headers("/", &fetch, true).unwrap_err().status, 403);
    }
}
