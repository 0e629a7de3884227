//! What the plan says for each selected gateway: delete it, or skip it with the reason a person needs to
//! decide what to do about it.

use super::filter::Filters;
use super::inventory::Gateway;
use serde::Serialize;

/// Why a selected gateway is left alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum SkipReason {
    /// Prepaid and within its term: the services refuse to release it until the term ends.
    PrepaidWithinTerm { until_ms: u64 },
    /// An SSL-VPN server is configured (Alibaba) or it is an SSL gateway (Tencent).
    SslVpnServer,
    /// Bound to a Cloud Connect Network instance (Tencent).
    CcnAttached { ccn_id: String },
    /// It carries a tag `--exclude-tag` names.
    ExcludedTag { tag: String },
    /// The service refused these credentials the deletion (found only by trying: no read-only call tells).
    PermissionLacking { code: String },
    /// Already being deleted, not by this sweep's journal: nothing is sent.
    BeingDeleted { state: String },
}

impl SkipReason {
    /// One line for the plan and the closing output.
    pub fn describe(&self, now_ms: u64) -> String {
        match self {
            SkipReason::PrepaidWithinTerm { until_ms } => format!(
                "prepaid, its term ends in {} (the service refuses to release it before)",
                human(until_ms.saturating_sub(now_ms) / 1000)
            ),
            SkipReason::SslVpnServer => {
                "an SSL-VPN server is attached (delete it first)".to_owned()
            }
            SkipReason::CcnAttached { ccn_id } => {
                format!("bound to CCN {ccn_id} (unbind it first)")
            }
            SkipReason::ExcludedTag { tag } => format!("excluded by --exclude-tag {tag}"),
            SkipReason::PermissionLacking { code } => {
                format!("these credentials may not delete it ({code})")
            }
            SkipReason::BeingDeleted { state } => {
                format!("already being deleted (state {state}); nothing sent")
            }
        }
    }
}

fn human(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=7199 => format!("{} min", secs / 60),
        7200..=172_799 => format!("{} h", secs / 3600),
        _ => format!("{} days", secs / 86_400),
    }
}

/// The plan's decision for a selected gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Delete,
    Skip(SkipReason),
}

/// Decides for one selected gateway at `now_ms`. An excluded tag comes first: it is the user's own word.
pub fn decide(filters: &Filters, g: &Gateway, now_ms: u64) -> Decision {
    if let Some(tag) = filters.excluded_by(g) {
        return Decision::Skip(SkipReason::ExcludedTag {
            tag: tag.describe(),
        });
    }
    if let Some(until_ms) = g.prepaid_until_ms.filter(|u| *u > now_ms) {
        return Decision::Skip(SkipReason::PrepaidWithinTerm { until_ms });
    }
    if g.ssl_vpn {
        return Decision::Skip(SkipReason::SslVpnServer);
    }
    if let Some(ccn_id) = &g.ccn_id {
        return Decision::Skip(SkipReason::CcnAttached {
            ccn_id: ccn_id.clone(),
        });
    }
    Decision::Delete
}

/// Whether a refusal means the key lacks permission (Alibaba `Forbidden*` / `Forbbiden*`, `NoPermission`;
/// Tencent `UnauthorizedOperation*`, `AuthFailure.UnauthorizedOperation`).
pub fn is_permission_code(code: &str) -> bool {
    code.starts_with("Forbidden.Sub")
        || code.starts_with("Forbbiden")
        || code.starts_with("Forbidden.RAM")
        || code == "Forbidden"
        || code.starts_with("NoPermission")
        || code.starts_with("UnauthorizedOperation")
        || code == "AuthFailure.UnauthorizedOperation"
}

#[cfg(test)]
mod tests {
    use super::super::filter::TagPair;
    use super::*;

    #[test]
    fn each_blocker_is_a_reason_and_an_excluded_tag_comes_first() {
        let now = 1_000_000;
        let exclude = Filters::new(
            &[],
            &[],
            vec![],
            vec![TagPair::parse("keep=yes", "--exclude-tag").unwrap()],
            None,
            None,
        )
        .unwrap();
        let plain = Gateway::default();
        assert_eq!(decide(&exclude, &plain, now), Decision::Delete);
        let prepaid = Gateway {
            prepaid_until_ms: Some(now + 3 * 86_400_000),
            ..Gateway::default()
        };
        let Decision::Skip(reason) = decide(&exclude, &prepaid, now) else {
            panic!("a prepaid gateway within its term is skipped")
        };
        assert!(
            reason.describe(now).contains("3 days"),
            "{}",
            reason.describe(now)
        );
        let ended = Gateway {
            prepaid_until_ms: Some(now - 1),
            ..Gateway::default()
        };
        assert_eq!(decide(&exclude, &ended, now), Decision::Delete);
        let ssl = Gateway {
            ssl_vpn: true,
            ..Gateway::default()
        };
        assert_eq!(
            decide(&exclude, &ssl, now),
            Decision::Skip(SkipReason::SslVpnServer)
        );
        let ccn = Gateway {
            ccn_id: Some("ccn-1".into()),
            ..Gateway::default()
        };
        assert!(matches!(
            decide(&exclude, &ccn, now),
            Decision::Skip(SkipReason::CcnAttached { .. })
        ));
        let mut kept = prepaid.clone();
        kept.tags.insert("keep".into(), "yes".into());
        assert_eq!(
            decide(&exclude, &kept, now),
            Decision::Skip(SkipReason::ExcludedTag {
                tag: "keep=yes".into()
            })
        );
    }

    #[test]
    fn permission_codes_of_both_clouds() {
        for code in [
            "Forbbiden.SubUser",
            "Forbidden.SubUser",
            "UnauthorizedOperation",
            "NoPermission",
        ] {
            assert!(is_permission_code(code), "{code}");
        }
        for code in [
            "ForbiddenRelease",
            "Throttling.User",
            "UnsupportedOperation",
        ] {
            assert!(!is_permission_code(code), "{code}");
        }
    }
}
