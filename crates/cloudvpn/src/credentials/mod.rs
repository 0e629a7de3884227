//! Credentials for both clouds, and the chains that find them.
//!
//! | | Alibaba Cloud ([`AlibabaChain`], the order of `alibabacloud_credentials`) | Tencent Cloud ([`TencentChain`], the order of `DefaultCredentialProvider`) |
//! |---|---|---|
//! | 1 | explicit credentials | explicit credentials |
//! | 2 | `ALIBABA_CLOUD_ACCESS_KEY_ID` / `_SECRET` / `ALIBABA_CLOUD_SECURITY_TOKEN`, then the older `ALICLOUD_ACCESS_KEY` / `ALICLOUD_SECRET_KEY` / `ALICLOUD_SECURITY_TOKEN` | `TENCENTCLOUD_SECRET_ID` / `TENCENTCLOUD_SECRET_KEY`, token from `TENCENTCLOUD_SECURITY_TOKEN`, `TENCENTCLOUD_TOKEN` or `TENCENTCLOUD_SESSION_TOKEN` |
//! | 3 | OIDC / RRSA ([`OidcRoleArnProvider`]): `ALIBABA_CLOUD_ROLE_ARN`, `ALIBABA_CLOUD_OIDC_PROVIDER_ARN`, `ALIBABA_CLOUD_OIDC_TOKEN_FILE` (all three), optional `ALIBABA_CLOUD_ROLE_SESSION_NAME` → STS `AssumeRoleWithOIDC`, unsigned, the token file read again on every refresh | `TENCENTCLOUD_CREDENTIALS_FILE` or `~/.tencentcloud/credentials` |
//! | 4 | the CLI's `~/.aliyun/config.json`, modes `AK`, `StsToken`, `RamRoleArn` ([`RamRoleArnProvider`]), `EcsRamRole`, `OIDC`, `ChainableRamRoleArn` (`source_profile`'s credentials assume `ram_role_arn`) | tccli's `~/.tccli/<profile>.credential` (`secretId`, `secretKey`, optional `token`; with `role-arn` / `role-session-name` those keys assume the role through STS `AssumeRole`, [`TencentAssumeRoleProvider`]; `"type": "cvm-role"`) |
//! | 5 | `ALIBABA_CLOUD_CREDENTIALS_FILE`, or `~/.alibabacloud/credentials` then `~/.alibabacloud/credentials.ini` (types `access_key`, `sts`, `ram_role_arn`, `ecs_ram_role`, `oidc_role_arn`) | the CVM role ([`CvmRoleProvider`]) when `TENCENTCLOUD_CAM_ROLE_NAME` names it or `TENCENTCLOUD_METADATA_ENDPOINT` names the service |
//! | 6 | the ECS RAM role ([`EcsRamRoleProvider`], IMDSv2 token first) when `ALIBABA_CLOUD_ECS_METADATA` names it or `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT` names the service (`ALIBABA_CLOUD_ECS_METADATA_DISABLED`, `ALIBABA_CLOUD_IMDSV1_DISABLED`) | TKE OIDC ([`WebIdentityProvider`]): `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN` (all four) → STS `AssumeRoleWithWebIdentity`, unsigned, the token file read again on every refresh |
//! | 7 | `ALIBABA_CLOUD_CREDENTIALS_URI` ([`CredentialsUriProvider`]): a local agent answering the metadata service's JSON to a GET; the URI is never shown | |
//! | role | a role ARN given to the chain (the CLI's `--role-arn` / `--role-session-name`): what the chain found assumes it through STS `AssumeRole` | the same, else Terraform's `TENCENTCLOUD_ASSUME_ROLE_ARN` with `TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME` and optional `TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION` |
//! | profile | explicit, else `ALIBABA_CLOUD_PROFILE`, else (`config.json` only) its `current`, else `default` | explicit, else `TENCENTCLOUD_PROFILE`, else `TCCLI_PROFILE`, else `default` |
//! | region | `ALIBABA_CLOUD_REGION`, `ALICLOUD_REGION`, then the `config.json` profile's `region_id` | `TENCENTCLOUD_REGION`, then `_sys_param.region` of `~/.tccli/<profile>.configure` |
//!
//! The STS and metadata endpoints can be pointed elsewhere (tests, the emulator, private clouds):
//! `ALIBABA_CLOUD_STS_ENDPOINT` (else `sts.<ALIBABA_CLOUD_STS_REGION or a profile's sts_region>.aliyuncs.com`,
//! else `sts.aliyuncs.com`), `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, `TENCENTCLOUD_STS_ENDPOINT`,
//! `TENCENTCLOUD_METADATA_ENDPOINT`.
//!
//! The region row is [`AlibabaChain::configured_region`] / [`TencentChain::configured_region`]: the region
//! users keep beside their credentials, read from the same files with the same profile, for callers (such as
//! the `cloudvpn` command) that give it a place after their own explicit region.
//!
//! **Absent versus malformed.** A chain goes on to the next source only when a source is *absent*: no
//! variable set, no such file, or no such profile in the file. A source that is *present but broken* (one
//! variable of a pair, a file that does not parse, an unsupported mode, an empty key, a value with
//! whitespace) stops the chain with a [`CredentialsError`] naming it. The official SDKs skip any failing
//! provider; we do not, because falling through to another source can silently pick other credentials than
//! the ones the user meant. A profile missing from one file is *absent*, because the profile name (from
//! `ALIBABA_CLOUD_PROFILE`, say) applies to every file and is allowed to live in only one of them.
//!
//! Nothing here reads the process environment directly: the chains take an [`Environment`], so tests use a
//! [`MapEnvironment`] and a temporary home directory. Chains re-read their sources on every call; clients
//! keep the result in a [`CredentialsCache`], which asks again only when temporary credentials are due.
//!
//! **Temporary credentials.** A source that names an instance role or a credentials URI ends the chain like
//! any other, and its provider is asked for the credentials (with their expiry) when the chain's
//! [`ProvideCredentials::provide`] runs; the synchronous `resolve` of the chains makes no call and reports
//! such a source as an error. The metadata services are asked only when configured: unlike the official
//! libraries, the chains do not probe 100.100.100.200 or metadata.tencentyun.com unasked, which off the
//! cloud costs a timeout on every run. Secrets are held in [`Secret`], whose `Debug` is `Secret(***)`, and
//! no error message contains a value read from a variable or a file.
//!
//! ```
//! use cloudvpn::credentials::{AlibabaChain, MapEnvironment};
//!
//! let env = MapEnvironment::new()
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIexample")
//!     .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "example-secret");
//! let resolved = AlibabaChain::new().resolve(&env).unwrap();
//! assert_eq!(resolved.credentials.access_key_id, "LTAIexample");
//! assert_eq!(resolved.source, "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID");
//! assert!(!format!("{resolved:?}").contains("example-secret"));
//! ```

mod alibaba;
mod alibaba_cli;
mod alibaba_cli_roles;
mod alibaba_ecs;
mod alibaba_ini;
#[cfg(test)]
mod alibaba_role_tests;
mod alibaba_roles;
mod alibaba_sts;
mod env;
mod error;
#[cfg(test)]
mod fake_server;
mod files;
mod ini;
mod json;
mod metadata;
mod refresh;
mod region;
mod search;
mod secret;
#[cfg(test)]
mod settings_tests;
mod sts_call;
#[cfg(test)]
mod sts_tests;
mod tccli;
mod tencent;
mod tencent_cvm;
mod tencent_roles;
mod tencent_sts;

pub use alibaba::{AlibabaChain, AlibabaCredentials};
pub use alibaba_ecs::{CredentialsUriProvider, EcsRamRoleProvider};
pub use alibaba_sts::{OidcRoleArnProvider, RamRoleArnProvider};
pub use env::{Environment, MapEnvironment, ProcessEnvironment};
pub use error::{Attempt, CredentialsError};
pub use refresh::{CredentialsCache, RefreshPolicy};

pub use region::{ConfiguredRegion, RegionError};
pub use secret::Secret;
pub use tencent::{TencentChain, TencentCredentials};
pub use tencent_cvm::CvmRoleProvider;
pub use tencent_sts::{TencentAssumeRoleProvider, WebIdentityProvider};

use search::{Outcome, Search};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

/// Credentials and where they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved<C> {
    /// The credentials.
    pub credentials: C,
    /// Where they came from, for logs and error messages: `explicit`,
    /// `environment variable ALIBABA_CLOUD_ACCESS_KEY_ID`,
    /// ``file ~/.aliyun/config.json, profile `default` ``, …. Names only, never a value.
    pub source: String,
    /// The region that came with the source, if any: `region_id` of an Alibaba CLI profile,
    /// `ALIBABA_CLOUD_REGION` / `ALICLOUD_REGION` with Alibaba environment credentials, `TENCENTCLOUD_REGION`
    /// with Tencent environment or file credentials, else the tccli profile's `.configure` region with tccli
    /// credentials. Never set for explicit credentials.
    pub region: Option<String>,
    /// When temporary credentials (from STS or a metadata service) expire; `None` for credentials that do
    /// not (long-term keys, or a token whose expiry the source does not say). [`CredentialsCache`] refreshes
    /// ahead of it.
    pub expires_at: Option<SystemTime>,
}

impl<C> Resolved<C> {
    /// Credentials from `source` that do not expire.
    pub fn new(credentials: C, source: impl Into<String>) -> Self {
        Resolved {
            credentials,
            source: source.into(),
            region: None,
            expires_at: None,
        }
    }
}

/// What [`ProvideCredentials::provide`] returns: a future, since temporary credentials come from a call to
/// STS or a metadata service.
pub type ProvideFuture<'a, C> =
    Pin<Box<dyn Future<Output = Result<Resolved<C>, CredentialsError>> + Send + 'a>>;

/// What a provider gives without any network call (what a dry run signs with, if anything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Offline<C> {
    /// Credentials in hand (keys from a flag, a variable or a file).
    InHand(Resolved<C>),
    /// The credentials would come from a call, not made: `from` names the provider and its endpoint
    /// (`STS AssumeRole of `…` at https://sts.aliyuncs.com …`), never a secret.
    Remote {
        /// The provider and endpoint that would be called.
        from: String,
    },
}

/// Something a client can ask for credentials. Clients keep the answer in a [`CredentialsCache`] and ask
/// again when it is due to expire.
pub trait ProvideCredentials<C>: Send + Sync + fmt::Debug {
    /// Credentials with their expiry, or every source tried and why none gave any.
    fn provide(&self) -> ProvideFuture<'_, C>;

    /// The credentials if they are in hand, else which call would give them, without making any call: a
    /// dry run must not open a connection. The default, for a provider that does not say, is that a call
    /// would be needed.
    fn provide_offline(&self) -> Result<Offline<C>, CredentialsError> {
        Ok(Offline::Remote {
            from: format!("the credentials provider {self:?}"),
        })
    }
}

/// The credential types of this module, [`AlibabaCredentials`] and [`TencentCredentials`].
///
/// Sealed: it exists so that [`StaticCredentials`] can validate either kind, not as an extension point.
pub trait CloudCredentials: Clone + fmt::Debug + Send + Sync + sealed::Sealed {}

mod sealed {
    use cloudvpn_types::meta::Provider;

    /// What the chains need to know about a credential type.
    pub trait Sealed {
        /// The cloud the credentials are for.
        fn provider() -> Provider;
        /// Why these credentials cannot be used (an empty or whitespace-padded value), if they cannot.
        fn problem(&self) -> Option<String>;
    }
}

/// Credentials given in code, and nothing else: no environment, no files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticCredentials<C> {
    credentials: C,
}

impl<C> StaticCredentials<C> {
    /// Always provides `credentials` (after checking them, see [`ProvideCredentials::provide`]).
    pub fn new(credentials: C) -> Self {
        StaticCredentials { credentials }
    }

    /// The credentials.
    pub fn credentials(&self) -> &C {
        &self.credentials
    }
}

impl<C: CloudCredentials> ProvideCredentials<C> for StaticCredentials<C> {
    /// The credentials with source `explicit`, or an error if a value is empty or has surrounding whitespace,
    /// the same check the chains apply to explicit credentials.
    fn provide(&self) -> ProvideFuture<'_, C> {
        Box::pin(std::future::ready(self.check()))
    }

    fn provide_offline(&self) -> Result<Offline<C>, CredentialsError> {
        self.check().map(Offline::InHand)
    }
}

impl<C: CloudCredentials> StaticCredentials<C> {
    fn check(&self) -> Result<Resolved<C>, CredentialsError> {
        let mut search = Search::new(C::provider());
        match search.step("explicit", explicit_outcome(Some(&self.credentials)))? {
            Some(found) => found.into_static(C::provider()),
            None => Err(search.exhausted()),
        }
    }
}

/// Credentials already found (in a profile), handed to a provider that needs a base: the role a profile
/// assumes is assumed with the keys beside it.
#[derive(Debug, Clone)]
pub(crate) struct FoundCredentials<C>(pub(crate) Resolved<C>);

impl<C: CloudCredentials> ProvideCredentials<C> for FoundCredentials<C> {
    fn provide(&self) -> ProvideFuture<'_, C> {
        Box::pin(std::future::ready(Ok(self.0.clone())))
    }

    fn provide_offline(&self) -> Result<Offline<C>, CredentialsError> {
        Ok(Offline::InHand(self.0.clone()))
    }
}

/// The first step of both chains.
fn explicit_outcome<C: CloudCredentials>(explicit: Option<&C>) -> Outcome<C> {
    let Some(credentials) = explicit else {
        return Outcome::Absent("not given".to_owned());
    };
    match credentials.problem() {
        Some(problem) => Outcome::Malformed(problem),
        None => Outcome::Found(Resolved::new(credentials.clone(), "explicit")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cloudvpn_types::meta::Provider;
    use std::sync::Arc;

    #[tokio::test]
    async fn static_credentials_provide_themselves() {
        let provider = StaticCredentials::new(AlibabaCredentials::new("LTAIid", "sekret"));
        let resolved = provider.provide().await.unwrap();
        assert_eq!(
            resolved.credentials,
            AlibabaCredentials::new("LTAIid", "sekret")
        );
        assert_eq!(resolved.source, "explicit");
        assert_eq!(resolved.region, None);
        assert_eq!(resolved.expires_at, None);
        assert_eq!(provider.credentials().access_key_id, "LTAIid");
    }

    #[tokio::test]
    async fn static_credentials_are_checked() {
        let provider =
            StaticCredentials::new(TencentCredentials::new("AKIDid", "key-DISTINCTIVE\n"));
        let error = provider.provide().await.unwrap_err();
        assert_eq!(error.provider, Provider::Tencent);
        assert!(error.stopped_on_malformed);
        assert_eq!(
            error.attempts,
            vec![Attempt {
                source: "explicit".into(),
                outcome: "secret_key has leading or trailing whitespace".into(),
            }]
        );
        assert!(!error.to_string().contains("DISTINCTIVE"));
        assert!(!format!("{provider:?}").contains("DISTINCTIVE"));
    }

    #[tokio::test]
    async fn providers_work_as_trait_objects() {
        let providers: Vec<Arc<dyn ProvideCredentials<AlibabaCredentials>>> = vec![
            Arc::new(StaticCredentials::new(AlibabaCredentials::new("a", "b"))),
            Arc::new(
                AlibabaChain::new()
                    .explicit(AlibabaCredentials::new("a", "b"))
                    .environment(Arc::new(MapEnvironment::new())),
            ),
        ];
        for provider in providers {
            assert_eq!(
                provider.provide().await.unwrap().credentials.access_key_id,
                "a"
            );
        }
        let tencent: Arc<dyn ProvideCredentials<TencentCredentials>> =
            Arc::new(TencentChain::new().environment(Arc::new(MapEnvironment::new())));
        assert!(tencent.provide().await.is_err());
    }
}
