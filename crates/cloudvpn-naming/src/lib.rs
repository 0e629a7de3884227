//! Rust and command-line names from the wire names of the API documents, decided in one place.
//!
//! The generator names fields, structs and error variants with it, the spec loader checks overrides with it,
//! and the CLI names its subcommands with it, so the three cannot disagree. Every name is first split into
//! [`words`]; the case functions only join them.
//!
//! ```
//! use cloudvpn_naming::{kebab_case, pascal_case, snake_case};
//!
//! assert_eq!(snake_case("IPsecSet"), "ipsec_set");
//! assert_eq!(pascal_case("IKESet"), "IkeSet");
//! assert_eq!(pascal_case("Forbidden.RAM"), "ForbiddenRam");
//! assert_eq!(kebab_case("DeleteVpnGateway"), "delete-vpn-gateway");
//! ```

#![warn(missing_docs)]

/// Terms the documents spell in mixed case that the camel-case rule alone would split (`IPsec` would become
/// `I` + `Psec`, `VSwitch` `V` + `Switch`). Each is one word wherever a word starts with it and is not
/// followed by a lowercase letter.
const TERMS: &[&str] = &["IPsec", "VSwitch"];

/// The words of a wire name: split at `.`, `-`, `_` and spaces, then at camel-case boundaries. A run of
/// capitals is one word (an acronym), whose last capital starts the next word when a lowercase letter follows
/// (`IKESet` → `IKE`, `Set`); digits stay with the word before them (`Ipv6Address` → `Ipv6`, `Address`).
pub fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for part in name
        .split(['.', '-', '_', ' '])
        .filter(|part| !part.is_empty())
    {
        split_camel(part, &mut out);
    }
    out
}

fn split_camel<'a>(part: &'a str, out: &mut Vec<&'a str>) {
    let bytes = part.as_bytes();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        if i == start {
            if let Some(term) = term_at(part, i) {
                out.push(&part[i..i + term.len()]);
                i += term.len();
                start = i;
                continue;
            }
        } else if is_boundary(bytes, i) {
            // Only ASCII capitals are boundaries, so `i` is a char boundary of `part`.
            out.push(&part[start..i]);
            start = i;
            continue;
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push(&part[start..]);
    }
}

fn term_at(part: &str, i: usize) -> Option<&'static str> {
    let rest = &part[i..];
    TERMS.iter().copied().find(|term| {
        rest.starts_with(term)
            && !rest[term.len()..]
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_lowercase())
    })
}

/// Whether a new word starts at `i` (never at 0): a capital after a lowercase letter or a digit, or the last
/// capital of a run when a lowercase letter follows it.
fn is_boundary(bytes: &[u8], i: usize) -> bool {
    let c = bytes[i];
    if !c.is_ascii_uppercase() {
        return false;
    }
    let prev = bytes[i - 1];
    if prev.is_ascii_lowercase() || prev.is_ascii_digit() {
        return true;
    }
    prev.is_ascii_uppercase() && bytes.get(i + 1).is_some_and(|n| n.is_ascii_lowercase())
}

/// `VpnGatewayId` → `vpn_gateway_id`, `vpnConnId` → `vpn_conn_id`, `IPsecID` → `ipsec_id`.
pub fn snake_case(name: &str) -> String {
    join_lower(name, '_')
}

/// `DeleteVpnGateway` → `delete-vpn-gateway`: subcommand and flag names.
pub fn kebab_case(name: &str) -> String {
    join_lower(name, '-')
}

/// `InvalidVpnGatewayInstanceId.NotFound` → `InvalidVpnGatewayInstanceIdNotFound`, `VpnTask.CONFLICT` →
/// `VpnTaskConflict`, `4100` → `Code4100` (a type name cannot start with a digit).
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for word in words(name) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert_str(0, "Code");
    }
    out
}

fn join_lower(name: &str, separator: char) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for word in words(name) {
        if !out.is_empty() {
            out.push(separator);
        }
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_case_of_both_styles() {
        assert_eq!(words("VpnGatewayId"), ["Vpn", "Gateway", "Id"]);
        assert_eq!(words("vpnConnId"), ["vpn", "Conn", "Id"]);
        assert_eq!(words("Ipv6Address"), ["Ipv6", "Address"]);
        assert_eq!(
            words("InvalidVpc.NotFound"),
            ["Invalid", "Vpc", "Not", "Found"]
        );
        assert_eq!(words("a__b"), ["a", "b"]);
        assert!(words("").is_empty());
        assert!(words("._-").is_empty());
    }

    #[test]
    fn acronyms_are_one_word() {
        assert_eq!(words("IKESet"), ["IKE", "Set"]);
        assert_eq!(words("IPSECArr"), ["IPSEC", "Arr"]);
        assert_eq!(words("ForbiddenRAM"), ["Forbidden", "RAM"]);
        assert_eq!(words("SslVpnInternetIp"), ["Ssl", "Vpn", "Internet", "Ip"]);
    }

    #[test]
    fn mixed_case_terms_are_one_word() {
        assert_eq!(words("IPsecSet"), ["IPsec", "Set"]);
        assert_eq!(words("IPsecID"), ["IPsec", "ID"]);
        assert_eq!(
            words("DisasterRecoveryVSwitchId"),
            ["Disaster", "Recovery", "VSwitch", "Id"]
        );
        // A term followed by a lowercase letter is not that term.
        assert_eq!(words("VSwitchesAll"), ["V", "Switches", "All"]);
    }

    #[test]
    fn snake_case_of_fields() {
        assert_eq!(snake_case("VpnGatewayId"), "vpn_gateway_id");
        assert_eq!(snake_case("vpnConnId"), "vpn_conn_id");
        assert_eq!(snake_case("codeDesc"), "code_desc");
        assert_eq!(snake_case("EnableBgp"), "enable_bgp");
        assert_eq!(snake_case("SslVpnInternetIp"), "ssl_vpn_internet_ip");
        assert_eq!(snake_case("IPsecSet"), "ipsec_set");
        assert_eq!(snake_case("IPsecID"), "ipsec_id");
        assert_eq!(snake_case("VSwitchId"), "vswitch_id");
        assert_eq!(snake_case("IKEArr"), "ike_arr");
        assert_eq!(snake_case("Forbidden.RAM"), "forbidden_ram");
    }

    #[test]
    fn pascal_case_of_codes_and_structs() {
        assert_eq!(
            pascal_case("InvalidVpnGatewayInstanceId.NotFound"),
            "InvalidVpnGatewayInstanceIdNotFound"
        );
        assert_eq!(pascal_case("VpnTask.CONFLICT"), "VpnTaskConflict");
        assert_eq!(pascal_case("Forbidden.RAM"), "ForbiddenRam");
        assert_eq!(pascal_case("IKESet"), "IkeSet");
        assert_eq!(pascal_case("IPSECArr"), "IpsecArr");
        assert_eq!(pascal_case("IPsecSet"), "IpsecSet");
        assert_eq!(pascal_case("vpnConnSet"), "VpnConnSet");
        assert_eq!(pascal_case("4100"), "Code4100");
    }

    #[test]
    fn kebab_case_of_actions() {
        assert_eq!(kebab_case("DeleteVpnGateway"), "delete-vpn-gateway");
        assert_eq!(kebab_case("DeleteVpnConn"), "delete-vpn-conn");
        assert_eq!(
            kebab_case("DescribeVpcTaskResult"),
            "describe-vpc-task-result"
        );
        assert_eq!(kebab_case("page_size"), "page-size");
    }

    #[test]
    fn the_three_cases_agree_on_the_words() {
        for name in [
            "IPsecSet",
            "VpnTask.CONFLICT",
            "vpnConnId",
            "DescribeVpnGateways",
        ] {
            assert_eq!(snake_case(name).replace('_', "-"), kebab_case(name));
            assert_eq!(snake_case(&pascal_case(name)), snake_case(name));
        }
    }
}
