//! Putting resources into the world from outside (the control API and [`crate::Handle`]): the specs have no
//! Create operations, so this is how tests and demos set up what they delete.
//!
//! A request seeds at most [`crate::Limits::max_seed_items`] resources (413 beyond); they are built outside
//! the world's lock and put in in one short step ([`build`]).

pub mod build;

use crate::clock;
use crate::credentials::DEFAULT_ACCOUNT;
use crate::model::GatewayStatus;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// A point in time given either as `YYYY-MM-DDTHH:MM:SSZ` or as milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeMs(pub u64);

impl<'de> Deserialize<'de> for TimeMs {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Ms(u64),
            Text(String),
        }
        match Either::deserialize(d)? {
            Either::Ms(ms) => Ok(TimeMs(ms)),
            Either::Text(t) => clock::parse_utc(&t)
                .and_then(|s| u64::try_from(s).ok())
                .map(|s| TimeMs(s * 1000))
                .ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "expected YYYY-MM-DDTHH:MM:SSZ or milliseconds since the epoch, got {t:?}"
                    ))
                }),
        }
    }
}

/// `POST /_emulator/alibaba/vpn-gateways`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaGatewaySeed {
    /// Region id (`cn-hangzhou`).
    pub region: String,
    /// Gateway id; generated (`vpn-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// An enhanced gateway (`DeleteEnhancedVpnGateway`).
    #[serde(default)]
    pub enhanced: bool,
    /// Prepaid until then; `null` for pay-as-you-go.
    #[serde(default)]
    pub prepaid_until: Option<TimeMs>,
    /// `init`, `provisioning` (then `active` per the gateway transition) or `active` (default).
    #[serde(default)]
    pub status: Option<GatewayStatus>,
    /// Has an SSL-VPN server (blocks `DeleteVpnGateway` with `DependencyViolation.SslVpnServer`).
    #[serde(default)]
    pub ssl_vpn_server: bool,
    /// VPC id; generated when absent.
    #[serde(default)]
    pub vpc_id: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Tags (`{"env": "ci"}`), shown by the Describe answers.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Creation time (RFC 3339 in UTC, `2026-01-02T03:04:05Z`, or ms since the epoch); now when absent.
    #[serde(default)]
    pub created_at: Option<TimeMs>,
}

/// `POST /_emulator/alibaba/vpn-connections`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlibabaConnectionSeed {
    /// Region id.
    pub region: String,
    /// Connection id; generated (`vco-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// The gateway, which must exist in the same account and region.
    pub vpn_gateway_id: String,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Customer gateway id; generated when absent.
    #[serde(default)]
    pub customer_gateway_id: Option<String>,
}

/// `POST /_emulator/tencent/vpcs`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentVpcSeed {
    /// VPC id; generated (`vpc-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// CIDR block (default `10.0.0.0/16`).
    #[serde(default)]
    pub cidr_block: Option<String>,
}

/// `POST /_emulator/tencent/vpn-gateways`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentGatewaySeed {
    /// The VPC, which must exist.
    pub vpc_id: String,
    /// Gateway id; generated (`vpngw-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Prepaid until this time (API 3.0 `PREPAID`; a prepaid gateway within its term cannot be deleted);
    /// pay-as-you-go when absent.
    #[serde(default)]
    pub prepaid_until: Option<TimeMs>,
    /// The CCN instance it is bound to (then it cannot be deleted).
    #[serde(default)]
    pub ccn_id: Option<String>,
    /// Tags (`{"env": "ci"}`), shown by the Describe answers.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Creation time (RFC 3339 in UTC, `2026-01-02T03:04:05Z`, or ms since the epoch); now when absent.
    #[serde(default)]
    pub created_at: Option<TimeMs>,
}

/// `POST /_emulator/tencent/vpn-connections`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TencentConnectionSeed {
    /// The VPC, which must exist.
    pub vpc_id: String,
    /// The gateway, which must exist in that VPC.
    pub vpn_gateway_id: String,
    /// Connection id; generated (`vpnx-…`) when absent.
    #[serde(default)]
    pub id: Option<String>,
    /// Region (default: the emulator's Tencent default region).
    #[serde(default)]
    pub region: Option<String>,
    /// Account (default `"default"`).
    #[serde(default)]
    pub account: Option<String>,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// `vpcConnStatus` (default 6, running); 0 (creating) and 2 (modifying) make `DeleteVpnConn` answer
    /// `InvalidVpnConnState`.
    #[serde(default)]
    pub status: Option<i64>,
    /// Its deletion task fails (status 1) and leaves it in state 5.
    #[serde(default)]
    pub deletion_fails: bool,
}

/// Why a seed was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedError {
    /// The HTTP status the control API answers (400, 404, 409, or 413 for too many items).
    pub status: u16,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SeedError {}

fn refuse(status: u16, message: impl Into<String>) -> SeedError {
    SeedError {
        status,
        message: message.into(),
    }
}

fn account(a: &Option<String>) -> &str {
    a.as_deref().unwrap_or(DEFAULT_ACCOUNT)
}

fn check_id(id: &str) -> Result<(), SeedError> {
    if id.is_empty() || id.len() > 128 || !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(refuse(
            400,
            format!("id {id:?} must be 1 to 128 printable ASCII characters"),
        ));
    }
    Ok(())
}

/// The most tags a resource takes (Alibaba's and Tencent's documented limit per resource is 20).
pub const MAX_TAGS: usize = 20;

/// Checks seeded tags: at most [`MAX_TAGS`], keys of 1 to 128 characters, values of at most 256, as both
/// clouds' tag services document; a key may not start with the reserved `acs:` / `aliyun` / `qcloud:`.
fn check_tags(tags: &BTreeMap<String, String>) -> Result<(), SeedError> {
    if tags.len() > MAX_TAGS {
        return Err(refuse(
            400,
            format!(
                "a resource takes at most {MAX_TAGS} tags, this seed has {}",
                tags.len()
            ),
        ));
    }
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > 128 {
            return Err(refuse(
                400,
                format!("tag key {key:?} must be 1 to 128 characters"),
            ));
        }
        if ["acs:", "aliyun", "qcloud:"]
            .iter()
            .any(|p| key.starts_with(p))
        {
            return Err(refuse(
                400,
                format!(
                    "tag key {key:?} starts with a prefix the clouds reserve (acs:, aliyun, qcloud:)"
                ),
            ));
        }
        if value.chars().count() > 256 {
            return Err(refuse(
                400,
                format!("the value of tag {key:?} is longer than 256 characters"),
            ));
        }
    }
    Ok(())
}

/// Refuses a seed request of `count` items when more than `max` (413, saying how to do it instead).
pub fn check_count(count: usize, max: usize) -> Result<(), SeedError> {
    if count > max {
        return Err(refuse(
            413,
            format!(
                "a seed request may hold at most {max} items, this one holds {count}: send them in \
                 several requests of up to {max}"
            ),
        ));
    }
    Ok(())
}

/// `error` as the answer for item `index` of a list (the first item's errors are given as they are).
pub fn at_index(index: usize, mut error: SeedError) -> SeedError {
    if index > 0 {
        error.message = format!("seed {index}: {}", error.message);
    }
    error
}

/// How many items `body` lists, when it is a JSON array; `None` for anything else (including JSON that
/// does not parse, which the full parse then reports). Nothing is built: every item is skipped.
pub fn listed_items(body: &[u8]) -> Option<usize> {
    struct Count;

    impl<'de> Visitor<'de> for Count {
        type Value = Option<usize>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a JSON array or object")
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<usize>, A::Error> {
            let mut count = 0;
            while seq.next_element::<IgnoredAny>()?.is_some() {
                count += 1;
            }
            Ok(Some(count))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<usize>, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }

    serde_json::Deserializer::from_slice(body)
        .deserialize_any(Count)
        .ok()
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_items_of_a_top_level_list_only() {
        assert_eq!(listed_items(br#"[{"a": [1, 2, 3]}, {}, 3]"#), Some(3));
        assert_eq!(listed_items(b" [] "), Some(0));
        assert_eq!(listed_items(br#"{"region": "x", "list": [1, 2]}"#), None);
        assert_eq!(listed_items(b"[1, 2"), None);
        assert_eq!(listed_items(b"not json"), None);
        assert_eq!(listed_items(b"7"), None);
    }

    #[test]
    fn tags_are_checked_for_count_length_and_reserved_prefixes() {
        let tags = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect()
        };
        assert_eq!(check_tags(&tags(&[("env", "ci"), ("team", "")])), Ok(()));
        assert!(
            check_tags(&tags(&[("", "x")]))
                .unwrap_err()
                .message
                .contains("1 to 128")
        );
        assert!(
            check_tags(&tags(&[("acs:x", "y")]))
                .unwrap_err()
                .message
                .contains("reserve")
        );
        let many: BTreeMap<String, String> =
            (0..21).map(|i| (format!("k{i}"), String::new())).collect();
        assert!(
            check_tags(&many)
                .unwrap_err()
                .message
                .contains("at most 20 tags")
        );
        let long = "v".repeat(257);
        assert!(check_tags(&tags(&[("k", &long)])).is_err());
    }

    #[test]
    fn created_at_takes_rfc3339_utc_or_milliseconds() {
        let seed: AlibabaGatewaySeed = serde_json::from_str(
            r#"{"region": "cn-hangzhou", "created_at": "2026-01-02T03:04:05Z", "tags": {"env": "ci"}}"#,
        )
        .unwrap();
        assert_eq!(seed.created_at, Some(TimeMs(1_767_323_045_000)));
        assert_eq!(seed.tags.get("env").map(String::as_str), Some("ci"));
        let seed: TencentGatewaySeed =
            serde_json::from_str(r#"{"vpc_id": "vpc-1", "created_at": 5}"#).unwrap();
        assert_eq!(seed.created_at, Some(TimeMs(5)));
        let bad = serde_json::from_str::<TencentGatewaySeed>(
            r#"{"vpc_id": "v", "created_at": "yesterday"}"#,
        );
        assert!(
            bad.unwrap_err()
                .to_string()
                .contains("YYYY-MM-DDTHH:MM:SSZ")
        );
    }

    #[test]
    fn the_cap_names_the_limit_and_the_count() {
        assert_eq!(check_count(10, 10), Ok(()));
        let refused = check_count(11, 10).unwrap_err();
        assert_eq!(refused.status, 413);
        assert!(
            refused
                .message
                .contains("at most 10 items, this one holds 11"),
            "{refused}"
        );
    }
}
