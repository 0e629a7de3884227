//! Tencent Cloud credentials from STS (`sts.tencentcloudapi.com`, API 3.0): `AssumeRole` with other
//! credentials (tccli's `role-arn` / `role-session-name`, Terraform's `TENCENTCLOUD_ASSUME_ROLE_*`,
//! `--role-arn`), and TKE's OIDC `AssumeRoleWithWebIdentity` (`TKE_REGION`, `TKE_PROVIDER_ID`,
//! `TKE_WEB_IDENTITY_TOKEN_FILE`, `TKE_ROLE_ARN`), the token file read again on every refresh.
//!
//! Calls go through the generated [`crate::tencent::StsClient`]: `AssumeRole` TC3-signed, and
//! `AssumeRoleWithWebIdentity` unsigned (`Authorization: SKIP`), as the official SDKs send them.

use super::alibaba_sts::read_token;
use super::env::Environment;
use super::metadata::{base_url, failure, unix_time};
use super::search::non_empty_var;
use super::sts_call::{self, STS_ATTEMPT_TIMEOUT, STS_CONNECT_TIMEOUT, call_failure, sts_retry};
use super::tencent::TencentCredentials;
use super::{CredentialsError, ProvideCredentials, ProvideFuture, Resolved};
use crate::tencent::StsClient;
use cloudvpn_types::meta::Provider;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

/// A base URL for STS (tests, the emulator, private clouds).
pub(crate) const STS_ENDPOINT_VAR: &str = "TENCENTCLOUD_STS_ENDPOINT";
/// Where the official SDKs call STS.
const STS_DEFAULT: &str = "https://sts.tencentcloudapi.com";
/// The region the Go SDK's role providers send unless told otherwise.
pub(crate) const DEFAULT_STS_REGION: &str = "ap-guangzhou";
/// The Go SDK's default session length for both calls.
pub(crate) const DEFAULT_DURATION_SECONDS: i64 = 7200;

/// `TENCENTCLOUD_STS_ENDPOINT`, else `https://sts.tencentcloudapi.com`.
pub(crate) fn sts_endpoint(env: &dyn Environment) -> Result<String, String> {
    base_url(
        non_empty_var(env, STS_ENDPOINT_VAR),
        STS_ENDPOINT_VAR,
        STS_DEFAULT,
    )
}

/// A role session: the role, its name, its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RoleSession {
    pub(crate) role_arn: String,
    pub(crate) session_name: String,
    pub(crate) duration_seconds: i64,
}

fn sts_client(
    endpoint: &str,
    region: &str,
    base: Option<Arc<dyn ProvideCredentials<TencentCredentials>>>,
) -> Result<StsClient, String> {
    let mut builder = StsClient::builder()
        .endpoint(endpoint)
        .region(region)
        .connect_timeout(STS_CONNECT_TIMEOUT)
        .attempt_timeout(STS_ATTEMPT_TIMEOUT)
        .retry(sts_retry());
    if let Some(base) = base {
        builder = builder.credentials_provider(base);
    }
    builder.build().map_err(|e| e.to_string())
}

/// `AssumeRole` with the credentials of another provider.
pub struct TencentAssumeRoleProvider {
    client: StsClient,
    endpoint: String,
    session: RoleSession,
    base_source: String,
}

impl TencentAssumeRoleProvider {
    pub(crate) fn new(
        endpoint: String,
        region: &str,
        session: RoleSession,
        base: Arc<dyn ProvideCredentials<TencentCredentials>>,
        base_source: String,
    ) -> Result<Self, CredentialsError> {
        let label = format!("STS AssumeRole of `{}` at {endpoint}", session.role_arn);
        let client = sts_client(&endpoint, region, Some(base))
            .map_err(|problem| failure(Provider::Tencent, &label, problem))?;
        Ok(TencentAssumeRoleProvider {
            client,
            endpoint,
            session,
            base_source,
        })
    }

    pub(crate) fn source(&self) -> String {
        format!(
            "STS AssumeRole of `{}` at {} with credentials from {}",
            self.session.role_arn, self.endpoint, self.base_source
        )
    }

    async fn fetch(&self) -> Result<Resolved<TencentCredentials>, CredentialsError> {
        let source = self.source();
        let out = self
            .client
            .assume_role()
            .role_arn(&self.session.role_arn)
            .role_session_name(&self.session.session_name)
            .duration_seconds(self.session.duration_seconds)
            .send()
            .await
            .map_err(|e| call_failure(Provider::Tencent, &source, &e))?;
        let c = out.credentials;
        issued(
            &source,
            c.tmp_secret_id,
            c.tmp_secret_key,
            c.token,
            out.expired_time,
        )
    }
}

/// TKE's OIDC: `AssumeRoleWithWebIdentity` with the token in `token_file`.
pub struct WebIdentityProvider {
    client: StsClient,
    endpoint: String,
    provider_id: String,
    token_file: PathBuf,
    session: RoleSession,
}

impl WebIdentityProvider {
    pub(crate) fn new(
        endpoint: String,
        region: &str,
        provider_id: String,
        token_file: PathBuf,
        session: RoleSession,
    ) -> Result<Self, CredentialsError> {
        let label = web_label(&session.role_arn, &endpoint);
        let client = sts_client(&endpoint, region, None)
            .map_err(|problem| failure(Provider::Tencent, &label, problem))?;
        Ok(WebIdentityProvider {
            client,
            endpoint,
            provider_id,
            token_file,
            session,
        })
    }

    pub(crate) fn source(&self) -> String {
        web_label(&self.session.role_arn, &self.endpoint)
    }

    async fn fetch(&self) -> Result<Resolved<TencentCredentials>, CredentialsError> {
        let source = self.source();
        let token = read_token(&self.token_file)
            .map_err(|problem| failure(Provider::Tencent, &source, problem))?;
        let out = self
            .client
            .assume_role_with_web_identity()
            .provider_id(&self.provider_id)
            .web_identity_token(token)
            .role_arn(&self.session.role_arn)
            .role_session_name(&self.session.session_name)
            .duration_seconds(self.session.duration_seconds)
            .send()
            .await
            .map_err(|e| call_failure(Provider::Tencent, &source, &e))?;
        let c = out.credentials;
        issued(
            &source,
            c.tmp_secret_id,
            c.tmp_secret_key,
            c.token,
            out.expired_time,
        )
    }
}

fn web_label(role_arn: &str, endpoint: &str) -> String {
    format!("STS AssumeRoleWithWebIdentity (TKE OIDC) of `{role_arn}` at {endpoint}")
}

/// The credentials of an `AssumeRole` or `AssumeRoleWithWebIdentity` answer (each has its own
/// `Credentials` type).
fn issued(
    source: &str,
    id: String,
    key: String,
    token: String,
    expired_time: i64,
) -> Result<Resolved<TencentCredentials>, CredentialsError> {
    let expires_at = unix_time(expired_time).ok_or("the answer's ExpiredTime is before 1970");
    let credentials = TencentCredentials::new(id, key).with_token(token);
    sts_call::issued(source, credentials, expires_at)
}

impl fmt::Debug for TencentAssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TencentAssumeRoleProvider")
            .field("endpoint", &self.endpoint)
            .field("session", &self.session)
            .field("base_source", &self.base_source)
            .finish()
    }
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("endpoint", &self.endpoint)
            .field("provider_id", &self.provider_id)
            .field("token_file", &self.token_file)
            .field("session", &self.session)
            .finish()
    }
}

impl ProvideCredentials<TencentCredentials> for TencentAssumeRoleProvider {
    fn provide(&self) -> ProvideFuture<'_, TencentCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<TencentCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}

impl ProvideCredentials<TencentCredentials> for WebIdentityProvider {
    fn provide(&self) -> ProvideFuture<'_, TencentCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<TencentCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}
