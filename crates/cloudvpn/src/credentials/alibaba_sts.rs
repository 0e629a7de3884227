//! Alibaba Cloud credentials from STS: `AssumeRole` with other credentials (`RamRoleArn`,
//! `ChainableRamRoleArn`, the ini type `ram_role_arn`, `--role-arn`), and `AssumeRoleWithOIDC` with an OIDC
//! token read from its file on every refresh (RRSA; the `OIDC` mode, the ini type `oidc_role_arn`,
//! `ALIBABA_CLOUD_ROLE_ARN` / `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` / `ALIBABA_CLOUD_OIDC_TOKEN_FILE`).
//!
//! Calls go through the generated [`crate::alibaba::StsClient`]: `AssumeRole` signed with RPC v1 HMAC-SHA1
//! over GET, as `alibabacloud_credentials` signs it; `AssumeRoleWithOIDC` unsigned, as it sends it.
//!
//! `AssumeRoleWithOIDC` as `alibabacloud_credentials` 1.0.12 sends it (its `OIDCRoleArnCredentialsProvider`
//! and Tea's `compose_url`, read for this): GET `/`, every parameter in the query, the OIDC token
//! included, none in a body; query order `Action`, `Format=JSON`, `Version`, `DurationSeconds`, `RoleArn`,
//! `OIDCProviderArn`, `OIDCToken`, `RoleSessionName`, `Timestamp`, then `Policy` when set, encoded like
//! Python's `urlencode` (`+` for a space); headers `user-agent` and `host` (and what `requests` adds:
//! `Accept-Encoding`, `Accept: */*`, `Connection`). Ours is the same call with the same method, the token in
//! the query, the same encoding (`form_urlencode`) and no signature, but not byte for byte: its
//! parameters come in the spec's order (`OIDCProviderArn`, `RoleArn`, `OIDCToken`, `Policy`,
//! `DurationSeconds`, `RoleSessionName`, between `Version` and `Timestamp`), and its headers are `host`,
//! `user-agent`, `accept: application/json`. STS does not depend on either (nothing is signed), and the
//! interop test runs the official library against the emulator; matching the order would mean reordering
//! the spec's parameters, which the generated request follows.

use super::alibaba::AlibabaCredentials;
use super::env::Environment;
use super::metadata::{base_url, failure, parse_expiration};
use super::search::{non_empty_var, value_problem};
use super::sts_call::{
    self, STS_ATTEMPT_TIMEOUT, STS_CONNECT_TIMEOUT, call_failure, default_session_name, sts_retry,
};
use super::{CredentialsError, ProvideCredentials, ProvideFuture, Resolved};
use crate::AlibabaSignature;
use crate::alibaba::StsClient;
use cloudvpn_types::meta::Provider;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A base URL for STS (tests, the emulator, private clouds), replacing the one below.
pub(crate) const STS_ENDPOINT_VAR: &str = "ALIBABA_CLOUD_STS_ENDPOINT";
/// `sts.<region>.aliyuncs.com` instead of `sts.aliyuncs.com`.
pub(crate) const STS_REGION_VAR: &str = "ALIBABA_CLOUD_STS_REGION";
/// `true`: `sts-vpc.<region>.aliyuncs.com`, from inside a VPC.
pub(crate) const VPC_ENDPOINT_VAR: &str = "ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED";
/// The OIDC variables of RRSA.
pub(crate) const ROLE_ARN_VAR: &str = "ALIBABA_CLOUD_ROLE_ARN";
pub(crate) const OIDC_PROVIDER_ARN_VAR: &str = "ALIBABA_CLOUD_OIDC_PROVIDER_ARN";
pub(crate) const OIDC_TOKEN_FILE_VAR: &str = "ALIBABA_CLOUD_OIDC_TOKEN_FILE";
pub(crate) const ROLE_SESSION_NAME_VAR: &str = "ALIBABA_CLOUD_ROLE_SESSION_NAME";

/// The official libraries' default session length.
const DEFAULT_DURATION_SECONDS: i64 = 3600;

/// The STS base URL: `ALIBABA_CLOUD_STS_ENDPOINT`, else the region's (`region` of a profile, else
/// `ALIBABA_CLOUD_STS_REGION`), else `https://sts.aliyuncs.com`.
pub(crate) fn sts_endpoint(env: &dyn Environment, region: Option<&str>) -> Result<String, String> {
    if let Some(named) = non_empty_var(env, STS_ENDPOINT_VAR) {
        return base_url(Some(named), STS_ENDPOINT_VAR, "");
    }
    let prefix = match env.var(VPC_ENDPOINT_VAR) {
        Some(v) if v.eq_ignore_ascii_case("true") => "sts-vpc",
        _ => "sts",
    };
    let region = region
        .map(str::to_owned)
        .or_else(|| non_empty_var(env, STS_REGION_VAR))
        .map(|r| r.trim().to_owned())
        .filter(|r| !r.is_empty());
    match region {
        Some(region)
            if region
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-') =>
        {
            Ok(format!("https://{prefix}.{region}.aliyuncs.com"))
        }
        Some(_) => Err(format!(
            "the STS region is not a region id (set {STS_REGION_VAR} like cn-hangzhou)"
        )),
        None => Ok("https://sts.aliyuncs.com".to_owned()),
    }
}

/// What a role session asks for, beside the role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    pub(crate) name: String,
    pub(crate) duration_seconds: i64,
    pub(crate) policy: Option<String>,
}

impl Session {
    /// The given name (checked), else one made up; the given duration, else an hour.
    pub(crate) fn new(
        name: Option<String>,
        duration_seconds: Option<i64>,
    ) -> Result<Session, String> {
        let name = match name {
            Some(name) => {
                if let Some(problem) = value_problem("the role session name", &name) {
                    return Err(problem);
                }
                name
            }
            None => default_session_name(),
        };
        Ok(Session {
            name,
            duration_seconds: duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS),
            policy: None,
        })
    }
}

fn sts_client(
    endpoint: &str,
    base: Option<Arc<dyn ProvideCredentials<AlibabaCredentials>>>,
) -> Result<StsClient, String> {
    let mut builder = StsClient::builder()
        .endpoint(endpoint)
        // As alibabacloud_credentials signs AssumeRole.
        .signature(AlibabaSignature::V1)
        .connect_timeout(STS_CONNECT_TIMEOUT)
        .attempt_timeout(STS_ATTEMPT_TIMEOUT)
        .retry(sts_retry());
    if let Some(base) = base {
        builder = builder.credentials_provider(base);
    }
    builder.build().map_err(|e| e.to_string())
}

/// `AssumeRole` of `role_arn` with the credentials of another provider.
pub struct RamRoleArnProvider {
    client: StsClient,
    endpoint: String,
    role_arn: String,
    session: Session,
    base_source: String,
}

impl RamRoleArnProvider {
    /// Assumes `role_arn` at the STS `endpoint` with the credentials `base` gives (named `base_source`).
    pub(crate) fn new(
        endpoint: String,
        role_arn: String,
        session: Session,
        base: Arc<dyn ProvideCredentials<AlibabaCredentials>>,
        base_source: String,
    ) -> Result<Self, CredentialsError> {
        let client = sts_client(&endpoint, Some(base))
            .map_err(|problem| failure(Provider::Alibaba, &label(&role_arn, &endpoint), problem))?;
        Ok(RamRoleArnProvider {
            client,
            endpoint,
            role_arn,
            session,
            base_source,
        })
    }

    /// How credentials from it are named.
    pub(crate) fn source(&self) -> String {
        format!(
            "{} with credentials from {}",
            label(&self.role_arn, &self.endpoint),
            self.base_source
        )
    }

    async fn fetch(&self) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        let mut call = self
            .client
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name(&self.session.name)
            .duration_seconds(self.session.duration_seconds);
        if let Some(policy) = &self.session.policy {
            call = call.policy(policy);
        }
        let source = self.source();
        let out = call
            .send()
            .await
            .map_err(|e| call_failure(Provider::Alibaba, &source, &e))?;
        let c = out.credentials;
        issued(
            &source,
            c.access_key_id,
            c.access_key_secret,
            c.security_token,
            &c.expiration,
        )
    }
}

/// `AssumeRoleWithOIDC` of `role_arn` with the OIDC token in `token_file`, read again on every refresh
/// (Kubernetes rotates it).
pub struct OidcRoleArnProvider {
    client: StsClient,
    endpoint: String,
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    session: Session,
}

impl OidcRoleArnProvider {
    pub(crate) fn new(
        endpoint: String,
        role_arn: String,
        oidc_provider_arn: String,
        token_file: PathBuf,
        session: Session,
    ) -> Result<Self, CredentialsError> {
        let client = sts_client(&endpoint, None).map_err(|problem| {
            failure(
                Provider::Alibaba,
                &oidc_label(&role_arn, &endpoint),
                problem,
            )
        })?;
        Ok(OidcRoleArnProvider {
            client,
            endpoint,
            role_arn,
            oidc_provider_arn,
            token_file,
            session,
        })
    }

    pub(crate) fn source(&self) -> String {
        oidc_label(&self.role_arn, &self.endpoint)
    }

    async fn fetch(&self) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        let source = self.source();
        let token = read_token(&self.token_file)
            .map_err(|problem| failure(Provider::Alibaba, &source, problem))?;
        let mut call = self
            .client
            .assume_role_with_oidc()
            .role_arn(&self.role_arn)
            .oidc_provider_arn(&self.oidc_provider_arn)
            .oidc_token(token)
            .role_session_name(&self.session.name)
            .duration_seconds(self.session.duration_seconds);
        if let Some(policy) = &self.session.policy {
            call = call.policy(policy);
        }
        let out = call
            .send()
            .await
            .map_err(|e| call_failure(Provider::Alibaba, &source, &e))?;
        let c = out.credentials;
        issued(
            &source,
            c.access_key_id,
            c.access_key_secret,
            c.security_token,
            &c.expiration,
        )
    }
}

/// The token file's text, trimmed; the message names the file, never its contents.
pub(crate) fn read_token(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the OIDC token file {}: {e}", path.display()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(format!("the OIDC token file {} is empty", path.display()));
    }
    Ok(token.to_owned())
}

fn label(role_arn: &str, endpoint: &str) -> String {
    format!("STS AssumeRole of `{role_arn}` at {endpoint}")
}

fn oidc_label(role_arn: &str, endpoint: &str) -> String {
    format!("STS AssumeRoleWithOIDC of `{role_arn}` at {endpoint}")
}

/// The credentials of an `AssumeRole` or `AssumeRoleWithOIDC` answer (each has its own `Credentials` type).
fn issued(
    source: &str,
    id: String,
    secret: String,
    token: String,
    expiration: &str,
) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
    let expires_at = parse_expiration(expiration)
        .ok_or("the answer's Expiration is not a time like 2024-01-01T12:00:00Z");
    let credentials = AlibabaCredentials::new(id, secret).with_token(token);
    sts_call::issued(source, credentials, expires_at)
}

impl fmt::Debug for RamRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRoleArnProvider")
            .field("endpoint", &self.endpoint)
            .field("role_arn", &self.role_arn)
            .field("session", &self.session.name)
            .field("base_source", &self.base_source)
            .finish()
    }
}

impl fmt::Debug for OidcRoleArnProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcRoleArnProvider")
            .field("endpoint", &self.endpoint)
            .field("role_arn", &self.role_arn)
            .field("oidc_provider_arn", &self.oidc_provider_arn)
            .field("token_file", &self.token_file)
            .finish()
    }
}

impl ProvideCredentials<AlibabaCredentials> for RamRoleArnProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}

impl ProvideCredentials<AlibabaCredentials> for OidcRoleArnProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}
