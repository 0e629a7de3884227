//! The instance metadata services: Alibaba ECS (`100.100.100.200`) and Tencent CVM
//! (`metadata.tencentyun.com`), on the emulator's port, each serving the role [`METADATA_ROLE`] of the
//! default account.
//!
//! | Request | Answer |
//! |---|---|
//! | `PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds: 1..=21600` | the IMDSv2 token (text) |
//! | `GET /latest/meta-data/ram/security-credentials/` | `emulator-role` |
//! | `GET /latest/meta-data/ram/security-credentials/emulator-role` | `{AccessKeyId, AccessKeySecret, SecurityToken, Expiration, LastUpdated, Code}` |
//! | `GET /latest/meta-data/cam/security-credentials/` | `emulator-role` |
//! | `GET /latest/meta-data/cam/security-credentials/emulator-role` | `{TmpSecretId, TmpSecretKey, Token, ExpiredTime, Expiration, Code}` |
//!
//! An Alibaba request may carry `X-aliyun-ecs-metadata-token` (IMDSv2): an unknown or expired token is
//! answered 401; without it the request is IMDSv1 and served. Another role name is 404. The credentials
//! are the same until a fifth of their lifetime is left (`--sts-duration`, else six hours), then new ones
//! are issued, as an instance's role is rotated ahead of its expiry. Like every route, web pages are
//! refused before this is reached; and, as a real metadata service answers its own instance only, a
//! client that is not on loopback is refused 403 even with `--allow-remote` ([`remote_refusal`]): the
//! answers are working keys.

use super::trust::{Cloud, METADATA_ROLE};
use super::{IssuedCredentials, Sts, iso_utc, random_text};
use crate::clock;
use crate::credentials::DEFAULT_ACCOUNT;
use crate::http::{Incoming, Reply};

/// The longest IMDSv2 token ECS gives (six hours), and the lifetime of metadata credentials by default.
pub const MAX_TOKEN_TTL_SECS: u64 = 21_600;
const TEXT: &str = "text/plain";
const JSON: &str = "application/json";

/// Why a metadata request from `peer` is refused: only loopback clients get the role's keys, whatever
/// `--allow-remote` says (it opens the cloud APIs to other machines, not this machine's credentials).
pub fn remote_refusal(peer: std::net::IpAddr) -> Option<String> {
    if crate::loopback::is_loopback_ip(peer) {
        return None;
    }
    Some(format!(
        "the metadata services answer loopback clients only, even with --allow-remote (their answers \
         are working keys for this machine); {peer} is not loopback"
    ))
}

/// Whether `path` is one of the metadata services'.
pub fn claims(path: &str) -> bool {
    path.starts_with("/latest/")
}

/// Answers a metadata request.
pub fn handle(sts: &Sts, req: &Incoming) -> Reply {
    let now_ms = clock::now_ms();
    let path = req.path();
    match (req.method.as_str(), path) {
        ("PUT", "/latest/api/token") => {
            let ttl = req
                .header("x-aliyun-ecs-metadata-token-ttl-seconds")
                .and_then(|t| t.trim().parse::<u64>().ok())
                .filter(|t| (1..=MAX_TOKEN_TTL_SECS).contains(t));
            match ttl {
                Some(ttl) => Reply::new(200, TEXT, sts.metadata_token(now_ms, ttl * 1000)),
                None => Reply::new(
                    400,
                    TEXT,
                    "X-aliyun-ecs-metadata-token-ttl-seconds must be an integer from 1 to 21600",
                ),
            }
        }
        ("GET", p) => {
            let (cloud, role) = if let Some(role) =
                p.strip_prefix("/latest/meta-data/ram/security-credentials/")
            {
                (Cloud::Alibaba, role)
            } else if let Some(role) = p.strip_prefix("/latest/meta-data/cam/security-credentials/")
            {
                (Cloud::Tencent, role)
            } else {
                return not_found(p);
            };
            if cloud == Cloud::Alibaba {
                if let Some(token) = req.header("x-aliyun-ecs-metadata-token") {
                    if !sts.metadata_token_valid(token, now_ms) {
                        return Reply::new(401, TEXT, "the metadata token is unknown or expired");
                    }
                }
            }
            let Some(served) = sts.trust().role(cloud, DEFAULT_ACCOUNT, METADATA_ROLE) else {
                return not_found(p);
            };
            match role.trim_end_matches('/') {
                "" => Reply::new(200, TEXT, METADATA_ROLE),
                name if name == METADATA_ROLE => {
                    let creds = sts.metadata_credentials(&served, now_ms);
                    Reply::new(200, JSON, body(cloud, &creds, now_ms).to_string())
                }
                _ => not_found(p),
            }
        }
        (method, p) => Reply::new(405, TEXT, format!("{method} is not served on {p}")),
    }
}

fn not_found(path: &str) -> Reply {
    Reply::new(404, TEXT, format!("no metadata at {path}"))
}

fn body(cloud: Cloud, c: &IssuedCredentials, now_ms: u64) -> serde_json::Value {
    match cloud {
        Cloud::Alibaba => serde_json::json!({
            "AccessKeyId": c.id,
            "AccessKeySecret": c.secret,
            "SecurityToken": c.token,
            "Expiration": iso_utc(c.expires_ms),
            "LastUpdated": iso_utc(now_ms),
            "Code": "Success",
        }),
        Cloud::Tencent => serde_json::json!({
            "TmpSecretId": c.id,
            "TmpSecretKey": c.secret,
            "Token": c.token,
            "ExpiredTime": c.expires_ms / 1000,
            "Expiration": iso_utc(c.expires_ms),
            "Code": "Success",
        }),
    }
}

/// A fresh IMDSv2 token.
pub(super) fn new_token() -> String {
    random_text(44)
}

#[cfg(test)]
mod guard_tests {
    use super::remote_refusal;

    #[test]
    fn only_loopback_peers_get_metadata_credentials() {
        for local in ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(remote_refusal(local.parse().unwrap()), None, "{local}");
        }
        for remote in ["192.0.2.7", "10.0.0.5", "::ffff:192.0.2.7", "2001:db8::1"] {
            let refusal = remote_refusal(remote.parse().unwrap()).expect(remote);
            assert!(
                refusal.contains("loopback clients only") && refusal.contains(remote),
                "{refusal}"
            );
        }
    }
}
