//! Where the emulator may listen: the `--listen` address forms and the exposure policy.
//!
//! By default only loopback addresses are accepted, so nothing off this machine can reach the emulator,
//! whose default keys are published. `--allow-remote` lifts that, and then the published default keys must
//! be switched off (a credentials file with `"include_defaults": false` and keys of your own).

use crate::credentials::{
    Credentials, DEFAULT_ALIBABA_ACCESS_KEY_ID, DEFAULT_ALIBABA_ACCESS_KEY_SECRET,
    DEFAULT_TENCENT_SECRET_ID, DEFAULT_TENCENT_SECRET_KEY,
};
use crate::loopback::is_loopback_ip;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};

/// A `--listen` value that is not an address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenAddressError {
    /// What was given.
    pub given: String,
}

impl fmt::Display for ListenAddressError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "--listen {:?} is not an address: give IP:PORT (127.0.0.1:8080, [::1]:8080) or localhost:PORT",
            self.given
        )
    }
}

impl std::error::Error for ListenAddressError {}

/// Parses a `--listen` value: `IP:PORT`, `[IPv6]:PORT`, or `localhost:PORT` (127.0.0.1; the name is not
/// looked up, so it cannot be made to mean another machine).
pub fn parse_listen(text: &str) -> Result<SocketAddr, ListenAddressError> {
    let error = || ListenAddressError {
        given: text.to_owned(),
    };
    if let Ok(address) = text.parse::<SocketAddr>() {
        return Ok(address);
    }
    let (host, port) = text.rsplit_once(':').ok_or_else(error)?;
    if !host.eq_ignore_ascii_case("localhost") {
        return Err(error());
    }
    let port = port.parse::<u16>().map_err(|_| error())?;
    Ok(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
}

/// Why a listen setup was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExposureError {
    /// A non-loopback address without `--allow-remote`.
    NotLoopback {
        /// The address.
        address: SocketAddr,
    },
    /// `--allow-remote` while published default keys are accepted.
    DefaultKeys {
        /// The address.
        address: SocketAddr,
        /// The default key ids still accepted.
        keys: Vec<&'static str>,
    },
}

impl fmt::Display for ExposureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExposureError::NotLoopback { address } => write!(
                f,
                "refusing to listen on {address}: it is not a loopback address, so other machines could \
                 call the emulator with its published default keys. Listen on 127.0.0.1:PORT, [::1]:PORT or \
                 localhost:PORT, or pass --allow-remote (and --credentials FILE with keys of your own)"
            ),
            ExposureError::DefaultKeys { address, keys } => write!(
                f,
                "refusing to listen on {address} with --allow-remote while the published default keys \
                 ({}) are accepted: anyone who can reach it could use them. Pass --credentials FILE with \
                 \"include_defaults\": false and keys of your own",
                keys.join(", ")
            ),
        }
    }
}

impl std::error::Error for ExposureError {}

/// The published default keys that `credentials` accepts (with their published secrets, enabled).
pub fn published_keys_accepted(credentials: &Credentials) -> Vec<&'static str> {
    let mut accepted = Vec::new();
    if credentials
        .alibaba(DEFAULT_ALIBABA_ACCESS_KEY_ID)
        .is_some_and(|k| k.enabled && k.secret() == DEFAULT_ALIBABA_ACCESS_KEY_SECRET)
    {
        accepted.push(DEFAULT_ALIBABA_ACCESS_KEY_ID);
    }
    if credentials
        .tencent(DEFAULT_TENCENT_SECRET_ID)
        .is_some_and(|k| k.enabled && k.secret() == DEFAULT_TENCENT_SECRET_KEY)
    {
        accepted.push(DEFAULT_TENCENT_SECRET_ID);
    }
    accepted
}

/// The exposure policy: loopback always; anything else only with `allow_remote` and without the
/// published default keys.
pub fn check_exposure(
    address: SocketAddr,
    allow_remote: bool,
    credentials: &Credentials,
) -> Result<(), ExposureError> {
    if is_loopback_ip(address.ip()) {
        return Ok(());
    }
    if !allow_remote {
        return Err(ExposureError::NotLoopback { address });
    }
    let keys = published_keys_accepted(credentials);
    if !keys.is_empty() {
        return Err(ExposureError::DefaultKeys { address, keys });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Key;

    #[test]
    fn listen_forms() {
        assert_eq!(
            parse_listen("127.0.0.1:8080").unwrap().to_string(),
            "127.0.0.1:8080"
        );
        assert_eq!(parse_listen("[::1]:0").unwrap().to_string(), "[::1]:0");
        assert_eq!(
            parse_listen("localhost:18080").unwrap().to_string(),
            "127.0.0.1:18080"
        );
        assert_eq!(
            parse_listen("LocalHost:1").unwrap().to_string(),
            "127.0.0.1:1"
        );
        for bad in [
            "localhost",
            "localhost:x",
            "example.com:80",
            "127.0.0.1",
            ":80",
            "",
        ] {
            let err = parse_listen(bad).unwrap_err().to_string();
            assert!(err.contains("localhost:PORT"), "{bad}: {err}");
        }
    }

    #[test]
    fn exposure_policy() {
        let defaults = Credentials::defaults();
        let loopback: SocketAddr = "127.0.0.1:1".parse().unwrap();
        let mapped: SocketAddr = "[::ffff:127.0.0.1]:1".parse().unwrap();
        let any: SocketAddr = "0.0.0.0:1".parse().unwrap();
        let any6: SocketAddr = "[::]:1".parse().unwrap();
        assert_eq!(check_exposure(loopback, false, &defaults), Ok(()));
        assert_eq!(check_exposure(mapped, false, &defaults), Ok(()));
        for address in [any, any6] {
            assert_eq!(
                check_exposure(address, false, &defaults),
                Err(ExposureError::NotLoopback { address })
            );
            let err = check_exposure(address, true, &defaults).unwrap_err();
            assert!(err.to_string().contains("include_defaults"), "{err}");
        }
        let mut own = Credentials::empty();
        own.add_alibaba(Key::new("mine", "long-secret"));
        assert_eq!(check_exposure(any, true, &own), Ok(()));
        assert_eq!(check_exposure(any6, true, &own), Ok(()));
        // The default key id with another secret is not the published key.
        own.add_alibaba(Key::new(DEFAULT_ALIBABA_ACCESS_KEY_ID, "changed"));
        own.add_tencent(Key::new(DEFAULT_TENCENT_SECRET_ID, DEFAULT_TENCENT_SECRET_KEY).disabled());
        assert_eq!(check_exposure(any, true, &own), Ok(()));
        own.add_tencent(Key::new(
            DEFAULT_TENCENT_SECRET_ID,
            DEFAULT_TENCENT_SECRET_KEY,
        ));
        assert_eq!(
            check_exposure(any, true, &own),
            Err(ExposureError::DefaultKeys {
                address: any,
                keys: vec![DEFAULT_TENCENT_SECRET_ID]
            })
        );
    }
}
