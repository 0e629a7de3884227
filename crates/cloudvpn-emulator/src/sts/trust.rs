//! Roles and who may assume them: the `roles` and `oidc_providers` of the `--credentials` file, and the
//! documented defaults that make the emulator work with no file at all.
//!
//! ```json
//! {
//!   "roles": [
//!     {"cloud": "alibaba", "name": "deployer", "account": "default", "trusted_keys": ["ak-ci"],
//!      "trusted_oidc_providers": ["github"], "max_session_duration": 3600,
//!      "allowed_actions": ["DescribeVpnGateways"]},
//!     {"cloud": "tencent", "name": "auditor", "account": "200000000002", "trusted_keys": ["emulator-sid"]}
//!   ],
//!   "oidc_providers": [
//!     {"cloud": "alibaba", "name": "github", "issuer": "https://token.actions.githubusercontent.com",
//!      "audiences": ["sts.aliyuncs.com"]}
//!   ]
//! }
//! ```
//!
//! * A role lives in `account` (default `"default"`), whose Alibaba account id / Tencent uin is the account's
//!   name, except `default`: [`DEFAULT_ALIBABA_ACCOUNT_ID`] and [`DEFAULT_TENCENT_UIN`]. Its ARN is
//!   `acs:ram::<id>:role/<name>` / `qcs::cam::uin/<uin>:roleName/<name>`.
//! * `trusted_keys` (default: every key of the role's own account) are the key ids that may assume it, from
//!   any account (cross-account roles name the other account's keys); temporary keys of a role session may
//!   assume roles their account's keys may (chained roles).
//! * `trusted_oidc_providers` (names of `oidc_providers` of the same cloud and account) may assume it with
//!   an OIDC token; `max_session_duration` (900 to 43200 seconds; default 3600 for Alibaba, 43200 for
//!   Tencent) bounds `DurationSeconds`; `allowed_actions` (default all) is what the issued credentials may call.
//! * An OIDC provider checks a token's `iss` against `issuer` and its `aud` against `audiences`; its Alibaba
//!   ARN is `acs:ram::<id>:oidc-provider/<name>`, its Tencent `ProviderId` the name.
//!
//! With the defaults included (`"include_defaults": true`, the default), every role name of the default
//! account exists unless the file lists it, trusted by the default account's keys and by the provider
//! `emulator` of each cloud, whose tokens `POST /_emulator/oidc-token` makes ([`DEFAULT_OIDC_ISSUER`],
//! audience [`DEFAULT_ALIBABA_AUDIENCE`] / [`DEFAULT_TENCENT_AUDIENCE`]).

use crate::credentials::DEFAULT_ACCOUNT;
use serde::Deserialize;

/// The Alibaba account id of the account [`DEFAULT_ACCOUNT`].
pub const DEFAULT_ALIBABA_ACCOUNT_ID: &str = "1234567890123456";
/// The Tencent uin of the account [`DEFAULT_ACCOUNT`].
pub const DEFAULT_TENCENT_UIN: &str = "100000000001";
/// The name of the default OIDC provider of each cloud.
pub const DEFAULT_OIDC_PROVIDER: &str = "emulator";
/// The issuer (`iss`) of the tokens the emulator makes, which the default providers expect.
pub const DEFAULT_OIDC_ISSUER: &str = "https://oidc.cloudvpn-emulator.invalid";
/// The audience the default Alibaba provider expects (the `aud` of its tokens by default).
pub const DEFAULT_ALIBABA_AUDIENCE: &str = "sts.aliyuncs.com";
/// The audience the default Tencent provider expects.
pub const DEFAULT_TENCENT_AUDIENCE: &str = "sts.tencentcloudapi.com";
/// The role name both metadata services serve.
pub const METADATA_ROLE: &str = "emulator-role";
/// An Alibaba role's maximum session duration unless it says otherwise.
pub const DEFAULT_MAX_SESSION_SECS: u32 = 3600;
/// The longest session any role may allow.
pub const MAX_SESSION_SECS: u32 = 43_200;

/// Which cloud a role or provider belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// Alibaba Cloud RAM.
    Alibaba,
    /// Tencent Cloud CAM.
    Tencent,
}

/// A role that can be assumed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// Its cloud.
    pub cloud: Cloud,
    /// The emulator account it lives in.
    pub account: String,
    /// Its name.
    pub name: String,
    /// Key ids that may assume it; `None`: the keys of its own account.
    pub trusted_keys: Option<Vec<String>>,
    /// Names of OIDC providers (of its cloud and account) that may assume it.
    pub trusted_oidc_providers: Vec<String>,
    /// The longest session it allows, in seconds.
    pub max_session_secs: u32,
    /// What its sessions may call; `None`: everything.
    pub allowed_actions: Option<Vec<String>>,
}

impl Role {
    /// A role of the default account as the defaults have it: trusted by the account's keys and by the
    /// default OIDC provider.
    fn default_of(cloud: Cloud, name: &str) -> Role {
        Role {
            cloud,
            account: DEFAULT_ACCOUNT.to_owned(),
            name: name.to_owned(),
            trusted_keys: None,
            trusted_oidc_providers: vec![DEFAULT_OIDC_PROVIDER.to_owned()],
            max_session_secs: default_max_session(cloud),
            allowed_actions: None,
        }
    }

    /// Whether a key `key_id` of account `key_account` may assume this role.
    pub fn trusts_key(&self, key_id: &str, key_account: &str) -> bool {
        match &self.trusted_keys {
            None => key_account == self.account,
            Some(ids) => ids.iter().any(|id| id == key_id),
        }
    }

    /// Whether the provider `provider` may assume this role.
    pub fn trusts_provider(&self, provider: &OidcProvider) -> bool {
        provider.cloud == self.cloud
            && provider.account == self.account
            && self.trusted_oidc_providers.contains(&provider.name)
    }

    /// A stable numeric role id, in the shape each cloud uses (Alibaba 17 digits, Tencent 19 from 4611…).
    pub fn role_id(&self) -> String {
        let hash = stable_hash(&format!("{}/{}", self.account, self.name));
        match self.cloud {
            Cloud::Alibaba => format!("3{:016}", hash % 10_u64.pow(16)),
            Cloud::Tencent => format!("461168601842{:07}", hash % 10_000_000),
        }
    }
}

/// An OIDC identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OidcProvider {
    /// Its cloud.
    pub cloud: Cloud,
    /// The emulator account it is registered in.
    pub account: String,
    /// Its name (Alibaba: the last part of its ARN; Tencent: the `ProviderId`).
    pub name: String,
    /// The `iss` its tokens carry.
    pub issuer: String,
    /// The `aud` values it accepts (Alibaba: its client IDs).
    pub audiences: Vec<String>,
}

/// Every role and OIDC provider, file entries first, then (when included) the defaults.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    roles: Vec<Role>,
    providers: Vec<OidcProvider>,
    defaults: bool,
}

/// The Alibaba account id or Tencent uin of an emulator account.
pub fn cloud_account_id(cloud: Cloud, account: &str) -> &str {
    match (cloud, account == DEFAULT_ACCOUNT) {
        (Cloud::Alibaba, true) => DEFAULT_ALIBABA_ACCOUNT_ID,
        (Cloud::Tencent, true) => DEFAULT_TENCENT_UIN,
        (_, false) => account,
    }
}

/// The emulator account of an Alibaba account id or Tencent uin.
pub fn emulator_account(cloud: Cloud, id: &str) -> &str {
    match cloud {
        Cloud::Alibaba if id == DEFAULT_ALIBABA_ACCOUNT_ID => DEFAULT_ACCOUNT,
        Cloud::Tencent if id == DEFAULT_TENCENT_UIN => DEFAULT_ACCOUNT,
        _ => id,
    }
}

impl Trust {
    /// The defaults only: any role of the default account, the two default providers.
    pub fn defaults() -> Self {
        Trust {
            roles: Vec::new(),
            providers: default_providers(),
            defaults: true,
        }
    }

    /// Nothing at all (a file with `"include_defaults": false` and no roles).
    pub fn empty() -> Self {
        Trust::default()
    }

    /// The role `name` of `account`, if it exists.
    pub fn role(&self, cloud: Cloud, account: &str, name: &str) -> Option<Role> {
        if let Some(role) = self
            .roles
            .iter()
            .find(|r| r.cloud == cloud && r.account == account && r.name == name)
        {
            return Some(role.clone());
        }
        (self.defaults && account == DEFAULT_ACCOUNT && !name.is_empty())
            .then(|| Role::default_of(cloud, name))
    }

    /// The OIDC provider `name` of `account`.
    pub fn provider(&self, cloud: Cloud, account: &str, name: &str) -> Option<&OidcProvider> {
        self.providers
            .iter()
            .find(|p| p.cloud == cloud && p.account == account && p.name == name)
    }

    /// The Tencent provider named `name` (a `ProviderId` names no account: the first one of that name).
    pub fn tencent_provider(&self, name: &str) -> Option<&OidcProvider> {
        self.providers
            .iter()
            .find(|p| p.cloud == Cloud::Tencent && p.name == name)
    }

    /// Reads the `roles` and `oidc_providers` of a credentials file on top of the defaults (if included).
    pub(crate) fn from_file(
        include_defaults: bool,
        roles: Vec<RoleEntry>,
        providers: Vec<ProviderEntry>,
    ) -> Result<Self, String> {
        let mut trust = if include_defaults {
            Trust::defaults()
        } else {
            Trust::empty()
        };
        for p in providers {
            if p.name.is_empty() || p.issuer.is_empty() || p.audiences.is_empty() {
                return Err(format!(
                    "OIDC provider {:?}: `name`, `issuer` and at least one of `audiences` are required",
                    p.name
                ));
            }
            let account = p.account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
            trust
                .providers
                .retain(|q| !(q.cloud == p.cloud && q.account == account && q.name == p.name));
            trust.providers.push(OidcProvider {
                cloud: p.cloud,
                account,
                name: p.name,
                issuer: p.issuer,
                audiences: p.audiences,
            });
        }
        for r in roles {
            if r.name.is_empty()
                || !r
                    .name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            {
                return Err(format!(
                    "role {:?}: a name is letters, digits, '-', '_' and '.'",
                    r.name
                ));
            }
            let max = r
                .max_session_duration
                .unwrap_or_else(|| default_max_session(r.cloud));
            if !(900..=MAX_SESSION_SECS).contains(&max) {
                return Err(format!(
                    "role {:?}: max_session_duration {max} is outside 900..=43200 seconds",
                    r.name
                ));
            }
            trust.roles.push(Role {
                cloud: r.cloud,
                account: r.account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned()),
                name: r.name,
                trusted_keys: r.trusted_keys,
                trusted_oidc_providers: r.trusted_oidc_providers,
                max_session_secs: max,
                allowed_actions: r.allowed_actions,
            });
        }
        Ok(trust)
    }
}

/// A role's maximum session unless it says otherwise: Alibaba's default of one hour; Tencent bounds
/// only by the API's own maximum (`DurationSeconds` defaults to 7200 there).
fn default_max_session(cloud: Cloud) -> u32 {
    match cloud {
        Cloud::Alibaba => DEFAULT_MAX_SESSION_SECS,
        Cloud::Tencent => MAX_SESSION_SECS,
    }
}

fn default_providers() -> Vec<OidcProvider> {
    [
        (Cloud::Alibaba, DEFAULT_ALIBABA_AUDIENCE),
        (Cloud::Tencent, DEFAULT_TENCENT_AUDIENCE),
    ]
    .into_iter()
    .map(|(cloud, audience)| OidcProvider {
        cloud,
        account: DEFAULT_ACCOUNT.to_owned(),
        name: DEFAULT_OIDC_PROVIDER.to_owned(),
        issuer: DEFAULT_OIDC_ISSUER.to_owned(),
        audiences: vec![audience.to_owned()],
    })
    .collect()
}

/// FNV-1a: a stable id from a name (std's hasher is seeded per process).
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A `roles` entry of the credentials file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoleEntry {
    cloud: Cloud,
    name: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    trusted_keys: Option<Vec<String>>,
    #[serde(default)]
    trusted_oidc_providers: Vec<String>,
    #[serde(default)]
    max_session_duration: Option<u32>,
    #[serde(default)]
    allowed_actions: Option<Vec<String>>,
}

/// An `oidc_providers` entry of the credentials file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderEntry {
    cloud: Cloud,
    name: String,
    #[serde(default)]
    account: Option<String>,
    issuer: String,
    audiences: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_have_every_role_of_the_default_account_and_no_other() {
        let trust = Trust::defaults();
        let role = trust
            .role(Cloud::Alibaba, DEFAULT_ACCOUNT, "anything")
            .unwrap();
        assert!(role.trusts_key("emulator-ak", DEFAULT_ACCOUNT));
        assert!(!role.trusts_key("ak-other", "1234567890"));
        assert!(
            trust
                .role(Cloud::Alibaba, "1234567890", "anything")
                .is_none()
        );
        assert!(
            Trust::empty()
                .role(Cloud::Tencent, DEFAULT_ACCOUNT, "x")
                .is_none()
        );
        let provider = trust.tencent_provider(DEFAULT_OIDC_PROVIDER).unwrap();
        assert!(
            role.trusts_provider(
                trust
                    .provider(Cloud::Alibaba, DEFAULT_ACCOUNT, "emulator")
                    .unwrap()
            )
        );
        assert!(
            !role.trusts_provider(provider),
            "a provider of the other cloud"
        );
    }

    #[test]
    fn role_ids_are_stable_and_shaped_like_the_clouds() {
        let a = Role::default_of(Cloud::Alibaba, "r");
        assert_eq!(a.role_id(), Role::default_of(Cloud::Alibaba, "r").role_id());
        assert_eq!(a.role_id().len(), 17);
        let t = Role::default_of(Cloud::Tencent, "r").role_id();
        assert!(t.starts_with("461168601842") && t.len() == 19, "{t}");
    }

    #[test]
    fn file_roles_replace_the_default_and_bad_entries_are_refused() {
        let roles: Vec<RoleEntry> = serde_json::from_str(
            r#"[{"cloud": "alibaba", "name": "ci", "trusted_keys": ["ak-ci"], "max_session_duration": 7200}]"#,
        )
        .unwrap();
        let trust = Trust::from_file(true, roles, Vec::new()).unwrap();
        let ci = trust.role(Cloud::Alibaba, DEFAULT_ACCOUNT, "ci").unwrap();
        assert!(!ci.trusts_key("emulator-ak", DEFAULT_ACCOUNT));
        assert!(ci.trusts_key("ak-ci", "elsewhere"));
        assert_eq!(ci.max_session_secs, 7200);
        let bad: Vec<RoleEntry> = serde_json::from_str(
            r#"[{"cloud": "tencent", "name": "x", "max_session_duration": 60}]"#,
        )
        .unwrap();
        let err = Trust::from_file(true, bad, Vec::new()).unwrap_err();
        assert!(err.contains("900..=43200"), "{err}");
    }
}
