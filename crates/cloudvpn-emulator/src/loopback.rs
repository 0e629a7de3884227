//! What counts as "this machine": loopback peers, and loopback names in `Host` and `Origin` headers.
//!
//! A peer is loopback when its address is in 127.0.0.0/8 or is `::1`, including IPv4 peers that a dual-stack
//! `[::]` listener sees as `::ffff:127.0.0.1`. A name is loopback when it is `localhost` or such an address
//! (`127.0.0.1`, `[::1]`), with or without a port. Names are never resolved: what matters is what the client
//! asked for, which is what a DNS-rebinding page cannot fake.

use hyper::HeaderMap;
use hyper::Uri;
use hyper::header::{HOST, ORIGIN};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Whether `ip` is a loopback address, IPv4-mapped IPv6 addresses included.
pub fn is_loopback_ip(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Whether `authority` (`host` or `host:port`, as in a `Host` header) names this machine.
pub fn is_loopback_authority(authority: &str) -> bool {
    let (host, port) = match authority.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((inside, after)) => match after {
                "" => (inside, None),
                _ => match after.strip_prefix(':') {
                    Some(port) => (inside, Some(port)),
                    None => return false,
                },
            },
            None => return false,
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if let Some(port) = port
        && (port.len() > 5 || !port.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    if authority.starts_with('[') {
        return host
            .parse::<Ipv6Addr>()
            .is_ok_and(|ip| is_loopback_ip(IpAddr::V6(ip)));
    }
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
}

/// Whether an `Origin` header (`scheme://host[:port]`) is a page served from this machine. `null` (sandboxed
/// frames, local files) is not.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && is_loopback_authority(authority)
}

/// The first `Origin` of a request that is not a loopback page, if any (what both guards refuse).
pub fn foreign_origin(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(ORIGIN)
        .iter()
        .map(|o| o.to_str().unwrap_or(""))
        .find(|o| !is_loopback_origin(o))
}

/// The request's `Host` when it, or an absolute-form URI's authority, does not name this machine.
pub fn foreign_host<'a>(headers: &'a HeaderMap, uri: &Uri) -> Option<&'a str> {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let authority = uri.authority().map(|a| a.as_str());
    (!is_loopback_authority(host) || authority.is_some_and(|a| !is_loopback_authority(a)))
        .then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers() {
        for ip in ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"] {
            assert!(is_loopback_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in [
            "0.0.0.0",
            "::",
            "192.0.2.1",
            "::ffff:192.0.2.1",
            "2001:db8::1",
        ] {
            assert!(!is_loopback_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn host_names() {
        for host in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.0.0.1:18080",
            "127.9.9.9:1",
            "[::1]",
            "[::1]:8080",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(is_loopback_authority(host), "{host}");
        }
        for host in [
            "",
            "evil.example",
            "evil.example:8080",
            "localhost.evil.example",
            "127.0.0.1.nip.io:80",
            "192.0.2.1:8080",
            "0.0.0.0:8080",
            "[::]:8080",
            "[::1",
            "[::1]x",
            "::1",
            "localhost:80:80",
            "localhost:123456",
            "localhost:8o",
        ] {
            assert!(!is_loopback_authority(host), "{host}");
        }
    }

    #[test]
    fn origins() {
        for origin in [
            "http://localhost:3000",
            "https://127.0.0.1",
            "http://[::1]:8080",
        ] {
            assert!(is_loopback_origin(origin), "{origin}");
        }
        for origin in [
            "null",
            "http://evil.example",
            "file://",
            "ftp://localhost",
            "http://localhost:3000/path",
            "localhost",
        ] {
            assert!(!is_loopback_origin(origin), "{origin}");
        }
    }
}
