//! Temporary credentials: the roles and OIDC providers that may be assumed ([`trust`]), the unsigned
//! OIDC tokens the emulator makes and checks ([`oidc`]), the issued keys, and the STS behaviours of both
//! clouds ([`alibaba`], [`tencent`]).
//!
//! Issued keys live in memory only: they do not survive a restart (like the nonces), and a client whose
//! key the emulator no longer knows gets `InvalidAccessKeyId.NotFound` / `AuthFailure.SecretIdNotFound`
//! and fetches new credentials, as it would after any credential failure. Persisting them would let a
//! restarted emulator accept keys whose secret was only ever in the old process's answers, for no test
//! that needs it.
//!
//! Every issued key lasts `--sts-duration` when it is given (tests use a few seconds), else the requested
//! `DurationSeconds`, else the API's documented default (Alibaba 3600 s, Tencent 7200 s).

pub(crate) mod alibaba;
pub(crate) mod call;
pub mod metadata;
pub mod oidc;
pub(crate) mod tencent;
pub mod trust;

use crate::credentials::{Key, RoleSession};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use trust::{Cloud, Role, Trust};

/// How many issued keys are kept before those long expired are forgotten.
const KEEP_ISSUED: usize = 10_000;
/// How long an expired key is still recognised (answered "expired" rather than "unknown").
const REMEMBER_EXPIRED_MS: u64 = 3_600_000;

/// The emulator's STS: who may assume what, and the keys it issued.
pub struct Sts {
    trust: Trust,
    lifetime: Option<Duration>,
    issued: Mutex<Issued>,
    /// IMDSv2 tokens and when they expire (ms).
    metadata_tokens: Mutex<HashMap<String, u64>>,
    /// The credentials each metadata service hands out now.
    metadata_current: Mutex<HashMap<(bool, String), IssuedCredentials>>,
}

/// Shows the trust and the lifetime only: the IMDSv2 tokens and the current metadata credentials are live
/// secrets (an IMDSv2 token is what a metadata request needs to get keys).
impl std::fmt::Debug for Sts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sts")
            .field("trust", &self.trust)
            .field("lifetime", &self.lifetime)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Issued {
    alibaba: HashMap<String, Arc<Key>>,
    tencent: HashMap<String, Arc<Key>>,
}

impl Issued {
    fn of(&mut self, cloud: Cloud) -> &mut HashMap<String, Arc<Key>> {
        match cloud {
            Cloud::Alibaba => &mut self.alibaba,
            Cloud::Tencent => &mut self.tencent,
        }
    }
}

/// Credentials just issued.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedCredentials {
    /// The temporary key id (`STS.…` / `AKID…`).
    pub id: String,
    /// Its secret.
    pub secret: String,
    /// The session token its calls carry.
    pub token: String,
    /// When it expires, in ms since the epoch.
    pub expires_ms: u64,
}

impl std::fmt::Debug for IssuedCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedCredentials")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("token", &"<redacted>")
            .field("expires_ms", &self.expires_ms)
            .finish()
    }
}

impl Sts {
    /// An STS over `trust`; `lifetime` (`--sts-duration`) overrides every requested duration.
    pub fn new(trust: Trust, lifetime: Option<Duration>) -> Self {
        Sts {
            trust,
            lifetime,
            issued: Mutex::new(Issued::default()),
            metadata_tokens: Mutex::new(HashMap::new()),
            metadata_current: Mutex::new(HashMap::new()),
        }
    }

    /// A new IMDSv2 token valid for `ttl_ms`.
    pub fn metadata_token(&self, now_ms: u64, ttl_ms: u64) -> String {
        let token = metadata::new_token();
        let mut tokens = self
            .metadata_tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if tokens.len() >= KEEP_ISSUED {
            tokens.retain(|_, until| *until > now_ms);
        }
        tokens.insert(token.clone(), now_ms.saturating_add(ttl_ms));
        token
    }

    /// Whether an IMDSv2 token is known and not expired.
    pub fn metadata_token_valid(&self, token: &str, now_ms: u64) -> bool {
        let tokens = self
            .metadata_tokens
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        tokens.get(token).is_some_and(|until| *until > now_ms)
    }

    /// The credentials a metadata service serves for `role` now: the current ones while more than a fifth
    /// of their lifetime is left, else new ones.
    pub fn metadata_credentials(&self, role: &Role, now_ms: u64) -> IssuedCredentials {
        let lifetime = self.lifetime_ms(None, metadata::MAX_TOKEN_TTL_SECS);
        let slot = (role.cloud == Cloud::Alibaba, role.name.clone());
        let mut current = self
            .metadata_current
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(c) = current.get(&slot) {
            if c.expires_ms.saturating_sub(now_ms) > lifetime / 5 {
                return c.clone();
            }
        }
        let fresh = self.issue(role, "instance", now_ms, lifetime);
        current.insert(slot, fresh.clone());
        fresh
    }

    /// Who may assume what.
    pub fn trust(&self) -> &Trust {
        &self.trust
    }

    /// How long credentials asked for `requested_secs` (or `default_secs`) last.
    pub fn lifetime_ms(&self, requested_secs: Option<i64>, default_secs: u64) -> u64 {
        match self.lifetime {
            Some(d) => u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1),
            None => requested_secs
                .and_then(|s| u64::try_from(s).ok())
                .filter(|s| *s > 0)
                .unwrap_or(default_secs)
                .saturating_mul(1000),
        }
    }

    /// Issues a key of `role` for `session_name`, lasting `lifetime_ms` from `now_ms`.
    pub fn issue(
        &self,
        role: &Role,
        session_name: &str,
        now_ms: u64,
        lifetime_ms: u64,
    ) -> IssuedCredentials {
        let (id, token) = match role.cloud {
            Cloud::Alibaba => (
                format!("STS.{}", random_text(25)),
                format!("CAIS{}", random_text(180)),
            ),
            Cloud::Tencent => (format!("AKID{}", random_text(32)), random_text(160)),
        };
        let creds = IssuedCredentials {
            id,
            secret: random_text(40),
            token,
            expires_ms: now_ms.saturating_add(lifetime_ms),
        };
        let mut key = Key::new(creds.id.clone(), creds.secret.clone())
            .account(role.account.clone())
            .sub_user()
            .session_token(creds.token.clone());
        key.allowed_actions = role.allowed_actions.clone();
        key.expires_ms = Some(creds.expires_ms);
        key.session = Some(Arc::new(RoleSession {
            role_name: role.name.clone(),
            role_id: role.role_id(),
            session_name: session_name.to_owned(),
            cloud_account_id: trust::cloud_account_id(role.cloud, &role.account).to_owned(),
        }));
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        let keys = issued.of(role.cloud);
        if keys.len() >= KEEP_ISSUED {
            keys.retain(|_, k| {
                k.expires_ms
                    .is_some_and(|e| e.saturating_add(REMEMBER_EXPIRED_MS) > now_ms)
            });
        }
        keys.insert(creds.id.clone(), Arc::new(key));
        creds
    }

    /// The issued key with this id (expired ones included, for a while, so that they are refused as
    /// expired).
    pub fn key(&self, cloud: Cloud, id: &str) -> Option<Arc<Key>> {
        let mut issued = self.issued.lock().unwrap_or_else(|p| p.into_inner());
        issued.of(cloud).get(id).cloned()
    }
}

/// Letters and digits from the (non-cryptographic) emulator RNG: issued secrets guard nothing but a
/// loopback emulator whose default keys are published.
fn random_text(len: usize) -> String {
    (0..len).map(|_| fastrand::alphanumeric()).collect()
}

/// `YYYY-MM-DDTHH:MM:SSZ` of ms since the epoch: the `Expiration` of both clouds.
pub fn iso_utc(ms: u64) -> String {
    let secs = i64::try_from(ms / 1000).unwrap_or(i64::MAX);
    let p = cloudvpn_signing::timestamp::parts(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        p.year, p.month, p.day, p.hour, p.minute, p.second
    )
}

/// Whether a session name has only the characters both clouds allow (letters, digits, `=,.@_-`, and
/// Tencent's `+`), given which extra ones the cloud takes.
pub(crate) fn session_name_ok(name: &str, extra: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || "._@-".contains(c) || extra.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::DEFAULT_ACCOUNT;

    #[test]
    fn debug_shows_no_imdsv2_token() {
        let sts = Sts::new(Trust::defaults(), None);
        let token = sts.metadata_token(1_000, 60_000);
        assert!(sts.metadata_token_valid(&token, 2_000));
        let shown = format!("{sts:?}");
        assert!(shown.starts_with("Sts {"), "{shown}");
        assert!(
            !shown.contains(&token),
            "the IMDSv2 token is shown: {shown}"
        );
    }

    #[test]
    fn issued_keys_are_temporary_of_the_role_account_and_redacted() {
        let sts = Sts::new(Trust::defaults(), None);
        let role = sts
            .trust()
            .role(Cloud::Alibaba, DEFAULT_ACCOUNT, "r")
            .unwrap();
        let creds = sts.issue(&role, "s", 1_000, sts.lifetime_ms(None, 3600));
        assert_eq!(creds.expires_ms, 1_000 + 3_600_000);
        assert!(creds.id.starts_with("STS."));
        let key = sts.key(Cloud::Alibaba, &creds.id).unwrap();
        assert!(key.accepts_token(Some(&creds.token)) && !key.accepts_token(None));
        assert_eq!(key.account, DEFAULT_ACCOUNT);
        assert_eq!(
            key.session.as_ref().unwrap().cloud_account_id,
            trust::DEFAULT_ALIBABA_ACCOUNT_ID
        );
        assert!(sts.key(Cloud::Tencent, &creds.id).is_none());
        let shown = format!("{creds:?} {key:?}");
        assert!(
            !shown.contains(&creds.secret) && !shown.contains(&creds.token),
            "{shown}"
        );
    }

    #[test]
    fn the_configured_lifetime_overrides_what_is_asked() {
        let sts = Sts::new(Trust::defaults(), Some(Duration::from_secs(2)));
        assert_eq!(sts.lifetime_ms(Some(3600), 3600), 2_000);
        let plain = Sts::new(Trust::defaults(), None);
        assert_eq!(plain.lifetime_ms(Some(900), 3600), 900_000);
        assert_eq!(plain.lifetime_ms(Some(0), 7200), 7_200_000);
    }

    #[test]
    fn expiration_is_iso_utc() {
        assert_eq!(iso_utc(1_446_780_039_999), "2015-11-06T03:20:39Z");
        assert!(
            session_name_ok("ci.job-1@x_y", "")
                && !session_name_ok("a b", "")
                && !session_name_ok("a+b", "")
        );
        assert!(session_name_ok("a+b=c,d", "+=,"));
    }
}
