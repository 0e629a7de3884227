//! Masking secrets in what is printed (`--dry-run`, `--debug`, `Debug`, errors): the values of secret
//! parameters in query strings and form bodies, of secret members anywhere in a JSON body (a TC3 POST's
//! parameters, an STS or metadata answer, a Describe answer's pre-shared keys), and of secret parameters
//! quoted inside a text (a server's string to sign echoed in a signature error) or in a body that is not
//! valid JSON (an XML answer, a JSON answer cut short).

use serde_json::Value;

/// Names whose values are secrets, as request parameters or as members of a JSON body: session tokens
/// (`SecurityToken`, `Token`), the OIDC tokens the STS exchanges take (`OIDCToken`, `WebIdentityToken`),
/// the secrets STS and the metadata services answer with (`AccessKeySecret`, `TmpSecretKey`), and the
/// keys of a VPN connection (`Psk`, `AuthKey` of Alibaba's IKE and BGP configurations, Tencent v2's
/// `preSharedKey`, Tencent VPC 3.0's `PreShareKey`).
///
/// Every member a spec marks `sensitive: true` is here (a test reads the specs and checks), so what the
/// generated `Debug` hides is hidden in printed bodies too. `PreShareKey` is here without a spec marking
/// it: Tencent VPC 3.0's `DescribeVpnConnections` answers it, and its spec leaves the member out on
/// purpose (never kept), yet `--debug` prints the body as it came. Matched without regard to case.
pub(crate) const SECRET_NAMES: &[&str] = &[
    "SecurityToken",
    "Token",
    "OIDCToken",
    "WebIdentityToken",
    "AccessKeySecret",
    "TmpSecretKey",
    "SecretAccessKey",
    "Psk",
    "AuthKey",
    "preSharedKey",
    "PreShareKey",
];

pub(crate) const MASK: &str = "***";

pub(crate) fn is_secret(name: &str) -> bool {
    SECRET_NAMES.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// A body as text with its secrets masked: a JSON body member by member (left byte for byte as it was
/// when it holds no secret, so a dry run prints what would be sent), anything else as a form or query.
pub(crate) fn body(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut json) if json.is_object() || json.is_array() => {
            if mask_json(&mut json) {
                json.to_string()
            } else {
                text.into_owned()
            }
        }
        // An XML answer, a JSON answer cut short, a form: whatever shape the secrets are in.
        _ => crate::redact_text::text(&params(&text)).into_owned(),
    }
}

/// Masks every secret member, at any depth; whether any was found.
fn mask_json(value: &mut Value) -> bool {
    match value {
        Value::Object(members) => {
            let mut found = false;
            for (name, member) in members.iter_mut() {
                if is_secret(name) && !member.is_null() {
                    *member = Value::String(MASK.to_owned());
                    found = true;
                } else {
                    found |= mask_json(member);
                }
            }
            found
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |found, item| mask_json(item) | found),
        // A message quoting the server's string to sign (`SignatureDoesNotMatch`) holds the request's
        // parameters, its session token among them.
        Value::String(text) => match crate::redact_text::text(text) {
            std::borrow::Cow::Owned(masked) => {
                *text = masked;
                true
            }
            std::borrow::Cow::Borrowed(_) => false,
        },
        _ => false,
    }
}

/// Replaces the values of secret parameters in a query string or form body (or a URL holding one).
pub(crate) fn params(text: &str) -> String {
    let (head, query) = match text.split_once('?') {
        Some((h, q)) => (Some(h), q),
        None => (None, text),
    };
    let redacted: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret(k) => format!("{k}={MASK}"),
            _ => pair.to_owned(),
        })
        .collect();
    match head {
        Some(h) => format!("{h}?{}", redacted.join("&")),
        None => redacted.join("&"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oidc_and_web_identity_tokens_are_masked_in_queries_and_forms() {
        let shown = params(
            "https://sts.example/?Action=AssumeRoleWithOIDC&OIDCToken=eyJ-secret&RoleArn=acs:ram::1:role/r",
        );
        assert_eq!(
            shown,
            "https://sts.example/?Action=AssumeRoleWithOIDC&OIDCToken=***&RoleArn=acs:ram::1:role/r"
        );
        assert_eq!(
            params("WebIdentityToken=eyJ-secret&Token=t&SecurityToken=s"),
            "WebIdentityToken=***&Token=***&SecurityToken=***"
        );
    }

    #[test]
    fn secret_members_of_json_bodies_are_masked_at_any_depth() {
        let tc3 = br#"{"ProviderId":"emulator","WebIdentityToken":"eyJ-secret","RoleArn":"r"}"#;
        let shown = body(tc3);
        assert!(
            !shown.contains("eyJ-secret") && shown.contains("\"RoleArn\":\"r\""),
            "{shown}"
        );
        let alibaba = br#"{"RequestId":"1","Credentials":{"AccessKeyId":"STS.id","AccessKeySecret":"sk-secret","SecurityToken":"tok-secret","Expiration":"2026-01-01T00:00:00Z"}}"#;
        let shown = body(alibaba);
        assert!(
            shown.contains("STS.id") && shown.contains("Expiration"),
            "{shown}"
        );
        assert!(
            !shown.contains("sk-secret") && !shown.contains("tok-secret"),
            "{shown}"
        );
        let tencent = br#"{"Response":{"Credentials":[{"TmpSecretId":"AKID","TmpSecretKey":"k-secret","Token":"t-secret"}]}}"#;
        let shown = body(tencent);
        assert!(shown.contains("AKID"), "{shown}");
        assert!(
            !shown.contains("k-secret") && !shown.contains("t-secret"),
            "{shown}"
        );
    }

    #[test]
    fn a_body_without_secrets_is_left_byte_for_byte() {
        let spaced = b"{ \"Limit\": 20,  \"Offset\": 0 }";
        assert_eq!(body(spaced), String::from_utf8_lossy(spaced));
        assert_eq!(body(b"Action=X&RegionId=cn"), "Action=X&RegionId=cn");
    }

    #[test]
    fn pre_shared_and_bgp_keys_of_alibaba_describe_answers_are_masked() {
        let answer = br#"{"RequestId":"1","IkeConfig":{"Psk":"psk-secret","LocalId":"1.1.1.1"},"VpnBgpConfig":{"AuthKey":"bgp-secret"}}"#;
        let shown = body(answer);
        assert!(!shown.contains("-secret"), "{shown}");
        assert!(shown.contains("1.1.1.1"), "{shown}");
    }

    #[test]
    fn pre_shared_keys_of_tencent_describe_answers_are_masked() {
        let v2 = br#"{"code":0,"data":{"preSharedKey":"v2-secret","vpnConnName":"c"}}"#;
        let api3 = br#"{"Response":{"VpnConnectionSet":[{"PreShareKey":"v3-secret"}]}}"#;
        for raw in [&v2[..], &api3[..]] {
            let shown = body(raw);
            assert!(!shown.contains("-secret"), "{shown}");
        }
    }

    #[test]
    fn a_session_token_quoted_in_an_error_message_is_masked() {
        let answer = br#"{"RequestId":"1","Code":"SignatureDoesNotMatch","Message":"Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3DSTS.a%26SecurityToken%3DCAIS-secret%26Version%3D2016-04-28"}"#;
        let shown = body(answer);
        assert!(!shown.contains("-secret"), "{shown}");
        assert!(shown.contains("SecurityToken%3D***%26Version"), "{shown}");
    }

    /// The generated `Debug` hides what the specs mark `sensitive: true`; printed bodies must hide the same
    /// members, so a secret added to a spec cannot be left out of [`SECRET_NAMES`].
    #[test]
    fn every_member_the_specs_mark_sensitive_is_a_secret_name() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs");
        let specs = cloudvpn_spec::load(&root).expect("the specs load");
        let mut sensitive = Vec::new();
        collect_sensitive(
            &serde_json::to_value(&specs).expect("specs as JSON"),
            &mut sensitive,
        );
        assert!(
            sensitive.iter().any(|n| n == "preSharedKey") && sensitive.len() >= 10,
            "the walk found too few: {sensitive:?}"
        );
        let missing: Vec<&String> = sensitive.iter().filter(|n| !is_secret(n)).collect();
        assert!(
            missing.is_empty(),
            "sensitive in a spec, not in SECRET_NAMES: {missing:?}"
        );
    }

    /// The names of the parameters and fields, at any depth, that say `sensitive: true`.
    fn collect_sensitive(value: &Value, names: &mut Vec<String>) {
        match value {
            Value::Object(members) => {
                if members.get("sensitive") == Some(&Value::Bool(true)) {
                    if let Some(Value::String(name)) = members.get("name") {
                        names.push(name.clone());
                    }
                }
                members.values().for_each(|m| collect_sensitive(m, names));
            }
            Value::Array(items) => items.iter().for_each(|i| collect_sensitive(i, names)),
            _ => {}
        }
    }
}
