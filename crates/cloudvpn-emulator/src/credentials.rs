//! Who may call: access keys per cloud, the account each belongs to and what it may do.
//!
//! Every emulator knows the default keys ([`DEFAULT_ALIBABA_ACCESS_KEY_ID`] /
//! [`DEFAULT_ALIBABA_ACCESS_KEY_SECRET`], [`DEFAULT_TENCENT_SECRET_ID`] / [`DEFAULT_TENCENT_SECRET_KEY`]),
//! both in account [`DEFAULT_ACCOUNT`] with every permission. A credentials file adds more:
//!
//! ```json
//! {
//!   "include_defaults": true,
//!   "alibaba": [
//!     {"access_key_id": "ak-readonly", "access_key_secret": "s1", "principal": "sub_user",
//!      "allowed_actions": ["DescribeVpnGateway", "DescribeVpnGateways"]},
//!     {"access_key_id": "ak-nothing", "access_key_secret": "s2", "allowed_actions": []},
//!     {"access_key_id": "ak-other", "access_key_secret": "s3", "account": "1234567890"},
//!     {"access_key_id": "ak-off", "access_key_secret": "s4", "enabled": false}
//!   ],
//!   "tencent": [
//!     {"secret_id": "AKID-sub", "secret_key": "k1", "principal": "sub_user", "allowed_actions": []}
//!   ]
//! }
//! ```
//!
//! * `account` (default `"default"`) partitions the state: each account sees only its own resources.
//! * `principal`: `"account"` (default; a key of the account itself) or `"sub_user"` (a RAM / CAM sub-user).
//! * `allowed_actions` (default `["*"]`): the actions the key may call. A refused call answers the
//!   operation's documented error: `Forbbiden.SubUser` (or the operation's spelling) for a sub-user,
//!   `Forbidden` for another key (Alibaba; `NoPermission` where the operation documents neither), 4101 /
//!   4110 (Tencent v2).
//! * `enabled: false`: the key exists but is disabled (`InvalidAccessKeyId.Inactive`; Tencent v2: 4300).
//! * `session_token` (Tencent): the key is a temporary one; every API 3.0 request with it must carry this
//!   token (`X-TC-Token`, or `Token` in the old-style form), or is refused with `AuthFailure.TokenFailure`.
//!   Tokens sent with other keys are accepted unchecked.

use crate::sts::trust::{ProviderEntry, RoleEntry, Trust};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

/// The default Alibaba AccessKeyId.
pub const DEFAULT_ALIBABA_ACCESS_KEY_ID: &str = "emulator-ak";
/// The default Alibaba AccessKeySecret.
pub const DEFAULT_ALIBABA_ACCESS_KEY_SECRET: &str = "emulator-secret";
/// The default Tencent SecretId.
pub const DEFAULT_TENCENT_SECRET_ID: &str = "emulator-sid";
/// The default Tencent SecretKey.
pub const DEFAULT_TENCENT_SECRET_KEY: &str = "emulator-skey";
/// The account of the default keys, and of control-API seeds that name none.
pub const DEFAULT_ACCOUNT: &str = "default";

/// Whose key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Principal {
    /// A key of the account itself (or of a user the account created directly).
    #[default]
    Account,
    /// A RAM (Alibaba) / CAM (Tencent) sub-user.
    SubUser,
}

/// One access key.
#[derive(Clone, PartialEq, Eq)]
pub struct Key {
    /// AccessKeyId / SecretId.
    pub id: String,
    secret: String,
    /// The account whose resources the key sees.
    pub account: String,
    /// Whose key it is.
    pub principal: Principal,
    /// Actions the key may call; `None` means all.
    pub allowed_actions: Option<Vec<String>>,
    /// Disabled keys are refused before their signature is checked.
    pub enabled: bool,
    /// A temporary key's session token, which its requests must carry.
    session_token: Option<String>,
    /// When a temporary key stops being accepted (ms since the epoch); `None` for a permanent key.
    pub expires_ms: Option<u64>,
    /// The role session a key issued by STS or a metadata service belongs to.
    pub session: Option<Arc<RoleSession>>,
}

/// The key a request was signed with: one of the configured keys, or a copy of a temporary key issued
/// by the emulator's STS or metadata services.
pub type Caller<'s> = Cow<'s, Key>;

/// Who a temporary key issued for a role acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    /// The role's name.
    pub role_name: String,
    /// The role's numeric id.
    pub role_id: String,
    /// The session name given when it was assumed.
    pub session_name: String,
    /// The role's account id (Alibaba) or uin (Tencent).
    pub cloud_account_id: String,
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Key")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("account", &self.account)
            .field("principal", &self.principal)
            .field("allowed_actions", &self.allowed_actions)
            .field("enabled", &self.enabled)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expires_ms", &self.expires_ms)
            .field("session", &self.session)
            .finish()
    }
}

impl Key {
    /// A key of [`DEFAULT_ACCOUNT`] allowed to call everything.
    pub fn new(id: impl Into<String>, secret: impl Into<String>) -> Self {
        Key {
            id: id.into(),
            secret: secret.into(),
            account: DEFAULT_ACCOUNT.to_owned(),
            principal: Principal::Account,
            allowed_actions: None,
            enabled: true,
            session_token: None,
            expires_ms: None,
            session: None,
        }
    }

    /// Whether the key has a session token (it is temporary).
    pub fn is_temporary(&self) -> bool {
        self.session_token.is_some()
    }

    /// Makes the key a temporary one whose requests must carry `token`.
    pub fn session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(token.into());
        self
    }

    /// Whether a request carrying `sent` (its session token, if any) may use this key: a temporary key
    /// needs its own token (compared in constant time); other keys take any.
    pub fn accepts_token(&self, sent: Option<&str>) -> bool {
        use subtle::ConstantTimeEq;
        match (&self.session_token, sent) {
            (None, _) => true,
            (Some(expected), Some(sent)) => bool::from(expected.as_bytes().ct_eq(sent.as_bytes())),
            (Some(_), None) => false,
        }
    }

    /// Puts the key in `account`.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = account.into();
        self
    }

    /// Makes the key a sub-user's.
    pub fn sub_user(mut self) -> Self {
        self.principal = Principal::SubUser;
        self
    }

    /// Restricts the key to `actions` (empty: nothing).
    pub fn allow<I: IntoIterator<Item = S>, S: Into<String>>(mut self, actions: I) -> Self {
        self.allowed_actions = Some(actions.into_iter().map(Into::into).collect());
        self
    }

    /// Disables the key.
    pub fn disabled(mut self) -> Self {
        self.enabled = false;
        self
    }

    /// The secret, for verifying signatures.
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// Whether the key may call `action`.
    pub fn allows(&self, action: &str) -> bool {
        match &self.allowed_actions {
            None => true,
            Some(list) => list.iter().any(|a| a == "*" || a == action),
        }
    }
}

/// The keys of both clouds.
#[derive(Debug, Clone, Default)]
pub struct Credentials {
    alibaba: HashMap<String, Key>,
    tencent: HashMap<String, Key>,
    trust: Trust,
}

/// Why a credentials file was refused.
#[derive(Debug)]
pub struct CredentialsError {
    /// What was read (a path, or "credentials JSON").
    pub source_name: String,
    /// What is wrong.
    pub detail: String,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot use credentials file {}: {}",
            self.source_name, self.detail
        )
    }
}

impl std::error::Error for CredentialsError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileFormat {
    #[serde(default = "yes")]
    include_defaults: bool,
    #[serde(default)]
    alibaba: Vec<AlibabaEntry>,
    #[serde(default)]
    tencent: Vec<TencentEntry>,
    #[serde(default)]
    roles: Vec<RoleEntry>,
    #[serde(default)]
    oidc_providers: Vec<ProviderEntry>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AlibabaEntry {
    access_key_id: String,
    access_key_secret: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    principal: Principal,
    #[serde(default)]
    allowed_actions: Option<Vec<String>>,
    #[serde(default = "yes")]
    enabled: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TencentEntry {
    secret_id: String,
    secret_key: String,
    #[serde(default)]
    account: Option<String>,
    #[serde(default)]
    principal: Principal,
    #[serde(default)]
    allowed_actions: Option<Vec<String>>,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    session_token: Option<String>,
}

fn key_of(
    id: String,
    secret: String,
    account: Option<String>,
    principal: Principal,
    allowed_actions: Option<Vec<String>>,
    enabled: bool,
) -> Key {
    Key {
        id,
        secret,
        account: account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned()),
        principal,
        allowed_actions,
        enabled,
        session_token: None,
        expires_ms: None,
        session: None,
    }
}

impl Credentials {
    /// No keys at all.
    pub fn empty() -> Self {
        Credentials::default()
    }

    /// Roles and OIDC providers that may be assumed (see [`crate::sts::trust`]).
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// The default keys of both clouds, and the default roles and OIDC providers.
    pub fn defaults() -> Self {
        let mut c = Credentials::empty();
        c.trust = Trust::defaults();
        c.add_alibaba(Key::new(
            DEFAULT_ALIBABA_ACCESS_KEY_ID,
            DEFAULT_ALIBABA_ACCESS_KEY_SECRET,
        ));
        c.add_tencent(Key::new(
            DEFAULT_TENCENT_SECRET_ID,
            DEFAULT_TENCENT_SECRET_KEY,
        ));
        c
    }

    /// Adds (or replaces) an Alibaba key.
    pub fn add_alibaba(&mut self, key: Key) {
        self.alibaba.insert(key.id.clone(), key);
    }

    /// Adds (or replaces) a Tencent key.
    pub fn add_tencent(&mut self, key: Key) {
        self.tencent.insert(key.id.clone(), key);
    }

    /// The Alibaba key with this AccessKeyId.
    pub fn alibaba(&self, access_key_id: &str) -> Option<&Key> {
        self.alibaba.get(access_key_id)
    }

    /// The Tencent key with this SecretId.
    pub fn tencent(&self, secret_id: &str) -> Option<&Key> {
        self.tencent.get(secret_id)
    }

    /// Reads a credentials file (format in the module documentation).
    pub fn from_file(path: &Path) -> Result<Self, CredentialsError> {
        let text = std::fs::read_to_string(path).map_err(|e| CredentialsError {
            source_name: path.display().to_string(),
            detail: e.to_string(),
        })?;
        Self::from_json_named(&text, &path.display().to_string())
    }

    /// Parses the credentials file format from text.
    pub fn from_json(text: &str) -> Result<Self, CredentialsError> {
        Self::from_json_named(text, "(inline JSON)")
    }

    fn from_json_named(text: &str, name: &str) -> Result<Self, CredentialsError> {
        let error = |detail: String| CredentialsError {
            source_name: name.to_owned(),
            detail,
        };
        let file: FileFormat = serde_json::from_str(text).map_err(|e| error(e.to_string()))?;
        let mut c = if file.include_defaults {
            Credentials::defaults()
        } else {
            Credentials::empty()
        };
        c.trust = Trust::from_file(file.include_defaults, file.roles, file.oidc_providers)
            .map_err(error)?;
        for entry in file.alibaba {
            if entry.access_key_id.is_empty() {
                return Err(error("an Alibaba access_key_id is empty".to_owned()));
            }
            c.add_alibaba(key_of(
                entry.access_key_id,
                entry.access_key_secret,
                entry.account,
                entry.principal,
                entry.allowed_actions,
                entry.enabled,
            ));
        }
        for entry in file.tencent {
            if entry.secret_id.is_empty() {
                return Err(error("a Tencent secret_id is empty".to_owned()));
            }
            let key = key_of(
                entry.secret_id,
                entry.secret_key,
                entry.account,
                entry.principal,
                entry.allowed_actions,
                entry.enabled,
            );
            c.add_tencent(match entry.session_token {
                Some(token) => key.session_token(token),
                None => key,
            });
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tencent_key_with_a_session_token_is_temporary_and_redacted() {
        let c = Credentials::from_json(
            r#"{"tencent": [{"secret_id": "tmp", "secret_key": "k", "session_token": "tok-1"}]}"#,
        )
        .unwrap();
        let key = c.tencent("tmp").unwrap();
        assert!(key.accepts_token(Some("tok-1")));
        assert!(!key.accepts_token(Some("tok-2")));
        assert!(!key.accepts_token(None));
        assert!(
            c.tencent(DEFAULT_TENCENT_SECRET_ID)
                .unwrap()
                .accepts_token(Some("any"))
        );
        assert!(!format!("{key:?}").contains("tok-1"));
    }

    #[test]
    fn parses_the_documented_example() {
        let c = Credentials::from_json(
            r#"{"alibaba": [
                  {"access_key_id": "ak-ro", "access_key_secret": "s1", "principal": "sub_user",
                   "allowed_actions": ["DescribeVpnGateway"]},
                  {"access_key_id": "ak-off", "access_key_secret": "s2", "enabled": false}],
                "tencent": [{"secret_id": "sid", "secret_key": "k", "account": "42"}]}"#,
        )
        .unwrap();
        let ro = c.alibaba("ak-ro").unwrap();
        assert_eq!(ro.principal, Principal::SubUser);
        assert!(ro.allows("DescribeVpnGateway") && !ro.allows("DeleteVpnGateway"));
        assert!(!c.alibaba("ak-off").unwrap().enabled);
        assert_eq!(c.tencent("sid").unwrap().account, "42");
        assert_eq!(
            c.alibaba(DEFAULT_ALIBABA_ACCESS_KEY_ID).unwrap().secret(),
            DEFAULT_ALIBABA_ACCESS_KEY_SECRET
        );
    }

    #[test]
    fn rejects_unknown_fields_and_keeps_secrets_out_of_debug() {
        let err = Credentials::from_json(r#"{"alibaba": [{"access_key_id": "a", "secret": "x"}]}"#)
            .unwrap_err();
        assert!(err.to_string().contains("(inline JSON)"), "{err}");
        let key = Key::new("id", "top-secret");
        assert!(!format!("{key:?}").contains("top-secret"));
    }
}
