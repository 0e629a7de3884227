//! The shapes of the ids API 3.0 checks before it looks anything up: `vpngw-` or `vpnx-` followed by
//! eight lower-case letters or digits (`vpngw-kfldykuz`, `vpnx-ol6bcqp0`), as the emulator makes them
//! (`ids::resource_id`). The real service answers an id of another shape with a `*.Malformed` code, not
//! with a not-found one, so a client can tell a typo from a resource that is gone.

/// `vpngw-` + 8 lower-case letters or digits.
pub(crate) const VPN_GATEWAY: IdFormat = IdFormat { prefix: "vpngw-" };
/// `vpnx-` + 8 lower-case letters or digits.
pub(crate) const VPN_CONNECTION: IdFormat = IdFormat { prefix: "vpnx-" };

/// How many characters follow the prefix.
const SUFFIX_LEN: usize = 8;

/// One id shape: a prefix and eight lower-case letters or digits.
pub(crate) struct IdFormat {
    prefix: &'static str,
}

impl IdFormat {
    /// Whether `id` has this shape.
    pub(crate) fn matches(&self, id: &str) -> bool {
        id.strip_prefix(self.prefix).is_some_and(|rest| {
            rest.len() == SUFFIX_LEN
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    }

    /// The message of the error for `id` in `param`: what was wrong and what is expected.
    pub(crate) fn complaint(&self, param: &str, id: &str) -> String {
        crate::pipeline::clip(format!(
            "(emulator) {param} {id:?} is not a valid ID: expected {}{} lower-case letters or digits \
             (like {}kfldykuz)",
            self.prefix, SUFFIX_LEN, self.prefix
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::resource_id;

    #[test]
    fn ids_the_emulator_makes_have_the_shape() {
        assert!(VPN_GATEWAY.matches(&resource_id("vpngw-", 8)));
        assert!(VPN_CONNECTION.matches(&resource_id("vpnx-", 8)));
        assert!(VPN_GATEWAY.matches("vpngw-kfldykuz"));
        assert!(VPN_CONNECTION.matches("vpnx-ol6bcqp0"));
    }

    #[test]
    fn other_shapes_are_refused() {
        for id in [
            "",
            "vpngw-",
            "vpngw-1",
            "vpngw-kfldyku",
            "vpngw-kfldykuzz",
            "vpngw-KFLDYKUZ",
            "vpngw-kfldyk_z",
            "vpnx-kfldykuz",
            "VPNGW-kfldykuz",
            " vpngw-kfldykuz",
            "vpngw-kfldykué",
        ] {
            assert!(!VPN_GATEWAY.matches(id), "{id:?}");
        }
        assert!(!VPN_CONNECTION.matches("vpngw-kfldykuz"));
        assert!(!VPN_CONNECTION.matches("vpnx-none"));
    }

    #[test]
    fn the_complaint_names_the_parameter_and_the_expected_shape() {
        let message = VPN_GATEWAY.complaint("VpnGatewayId", "vpngw-1");
        assert!(message.contains("VpnGatewayId \"vpngw-1\""), "{message}");
        assert!(message.contains("vpngw-8 lower-case"), "{message}");
    }
}
