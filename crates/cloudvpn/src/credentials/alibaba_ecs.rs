//! Alibaba Cloud credentials from the ECS instance metadata service (the RAM role attached to the instance)
//! and from a credentials URI, as `alibabacloud_credentials` gets them.
//!
//! ECS: an IMDSv2 token first (`PUT /latest/api/token` with `X-aliyun-ecs-metadata-token-ttl-seconds:
//! 21600`), sent as `X-aliyun-ecs-metadata-token` on the reads that follow; without one (an old metadata
//! service) the reads go without it unless `ALIBABA_CLOUD_IMDSV1_DISABLED` is `true`. The role is the given
//! one, else the one the service lists under `/latest/meta-data/ram/security-credentials/`; its credentials
//! are the JSON at that path plus the role name (`Code`, `AccessKeyId`, `AccessKeySecret`, `SecurityToken`,
//! `Expiration`). A credentials URI answers the same JSON to a plain GET.

use super::alibaba::AlibabaCredentials;
use super::json::{parse_object, string_field};
use super::metadata::{
    self, MetadataHttp, RoleService, error_code, failure, parse_expiration, role_name_problem,
};
use super::{CredentialsError, ProvideCredentials, ProvideFuture, Resolved};
use cloudvpn_types::meta::Provider;
use reqwest::Method;
use std::fmt;

/// The metadata service of every ECS instance.
pub(crate) const ECS_METADATA_DEFAULT: &str = "http://100.100.100.200";
/// Points the ECS provider at another metadata service (tests, the emulator).
pub(crate) const ECS_METADATA_ENDPOINT_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA_ENDPOINT";
/// The role name.
pub(crate) const ECS_ROLE_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// `true` turns the ECS provider off.
pub(crate) const ECS_DISABLED_VAR: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// `true` refuses to read the metadata without an IMDSv2 token.
pub(crate) const IMDSV1_DISABLED_VAR: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// The credentials URI.
pub(crate) const CREDENTIALS_URI_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_URI";

const TOKEN_PATH: &str = "/latest/api/token";
const ROLES_PATH: &str = "/latest/meta-data/ram/security-credentials/";
/// What a RAM role name may hold besides letters and digits.
pub(crate) const ROLE_PUNCTUATION: &str = "._-";
/// The IMDSv2 token's lifetime the official library asks for (six hours).
const TOKEN_TTL_SECONDS: &str = "21600";

/// The RAM role of the ECS instance this runs on.
#[derive(Clone)]
pub struct EcsRamRoleProvider {
    base: String,
    role: Option<String>,
    imdsv1_disabled: bool,
    http: MetadataHttp,
}

impl EcsRamRoleProvider {
    /// The provider for `role` (discovered from the metadata service when `None`) at `base`
    /// (`http://100.100.100.200` on ECS); `imdsv1_disabled` refuses to read without an IMDSv2 token.
    pub fn new(
        base: impl Into<String>,
        role: Option<String>,
        imdsv1_disabled: bool,
    ) -> Result<Self, CredentialsError> {
        let base = base.into();
        if let Some(problem) = role
            .as_deref()
            .and_then(|r| role_name_problem(r, ROLE_PUNCTUATION))
        {
            return Err(failure(
                Provider::Alibaba,
                &label(&base, None),
                format!("the role name {problem}"),
            ));
        }
        let http = MetadataHttp::new().map_err(|problem| {
            failure(Provider::Alibaba, &label(&base, role.as_deref()), problem)
        })?;
        Ok(EcsRamRoleProvider {
            base,
            role,
            imdsv1_disabled,
            http,
        })
    }

    /// How credentials from it are named: the role (when known) and the metadata service.
    pub(crate) fn source(&self) -> String {
        self.label(None)
    }

    fn label(&self, role: Option<&str>) -> String {
        label(&self.base, role.or(self.role.as_deref()))
    }

    async fn fetch(&self) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        let fail = |role: Option<&str>, problem: String| {
            metadata::call_failed(Provider::Alibaba, &self.label(role), problem)
        };
        let token = self.token().await.map_err(|problem| fail(None, problem))?;
        let mut headers = Vec::new();
        if let Some(token) = &token {
            headers.push(("X-aliyun-ecs-metadata-token", token.as_str()));
        }
        let answer = self
            .service()
            .fetch(self.role.as_deref(), &headers)
            .await
            .map_err(|(role, problem)| fail(role.as_deref(), problem))?;
        let label = self.label(Some(&answer.role));
        credentials_json(&answer.body)
            .map(|(credentials, expires_at)| Resolved {
                expires_at: Some(expires_at),
                ..Resolved::new(credentials, label.clone())
            })
            .map_err(|problem| {
                failure(
                    Provider::Alibaba,
                    &label,
                    format!("GET {}: {problem}", answer.path),
                )
            })
    }

    fn service(&self) -> RoleService<'_> {
        RoleService {
            http: &self.http,
            base: &self.base,
            roles_path: ROLES_PATH,
            role_punctuation: ROLE_PUNCTUATION,
            role_kind: "RAM role",
            belongs: "attached to",
            remedy: "attach one, or name it with ALIBABA_CLOUD_ECS_METADATA",
        }
    }

    /// The IMDSv2 token, or `None` when the service gives none and reading without one is allowed.
    async fn token(&self) -> Result<Option<String>, String> {
        let ttl = [("X-aliyun-ecs-metadata-token-ttl-seconds", TOKEN_TTL_SECONDS)];
        let url = format!("{}{TOKEN_PATH}", self.base);
        let problem = match self.http.call(Method::PUT, &url, &ttl).await {
            Ok(answer) if answer.status == 200 && !answer.body.trim().is_empty() => {
                return Ok(Some(answer.body.trim().to_owned()));
            }
            Ok(answer) => format!("HTTP {}", answer.status),
            Err(problem) => problem,
        };
        if self.imdsv1_disabled {
            return Err(format!(
                "PUT {TOKEN_PATH} (the IMDSv2 token): {problem}; {IMDSV1_DISABLED_VAR} is true, so the metadata is not read without one"
            ));
        }
        Ok(None)
    }
}

fn label(base: &str, role: Option<&str>) -> String {
    match role {
        Some(role) => format!("ECS RAM role `{role}` (metadata service {base})"),
        None => format!("ECS RAM role (metadata service {base})"),
    }
}

impl fmt::Debug for EcsRamRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EcsRamRoleProvider")
            .field("base", &self.base)
            .field("role", &self.role)
            .field("imdsv1_disabled", &self.imdsv1_disabled)
            .finish()
    }
}

impl ProvideCredentials<AlibabaCredentials> for EcsRamRoleProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(super::Offline::Remote {
            from: self.source(),
        })
    }
}

/// Credentials from the URI a local agent serves (`ALIBABA_CLOUD_CREDENTIALS_URI`).
#[derive(Clone)]
pub struct CredentialsUriProvider {
    uri: String,
    http: MetadataHttp,
}

impl CredentialsUriProvider {
    /// The provider for `uri` (`http://` or `https://`).
    pub fn new(uri: impl Into<String>) -> Result<Self, CredentialsError> {
        let uri = uri.into();
        if !(uri.starts_with("http://") || uri.starts_with("https://")) {
            return Err(failure(
                Provider::Alibaba,
                &format!("environment variable {CREDENTIALS_URI_VAR}"),
                "not an http:// or https:// URL",
            ));
        }
        let http = MetadataHttp::new()
            .map_err(|problem| failure(Provider::Alibaba, &uri_label(), problem))?;
        Ok(CredentialsUriProvider { uri, http })
    }

    async fn fetch(&self) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
        let fail = |problem: String| failure(Provider::Alibaba, &uri_label(), problem);
        let answer = self
            .http
            .call(Method::GET, &self.uri, &[])
            .await
            .map_err(|problem| fail(format!("GET: {problem}")))?;
        if answer.status != 200 {
            let code = error_code(&answer.body)
                .map(|c| format!(" {c}"))
                .unwrap_or_default();
            return Err(fail(format!("GET: HTTP {}{code}", answer.status)));
        }
        credentials_json(&answer.body)
            .map(|(credentials, expires_at)| Resolved {
                expires_at: Some(expires_at),
                ..Resolved::new(credentials, uri_label())
            })
            .map_err(fail)
    }
}

/// The URI is not shown: a credentials URI may carry a token in its query.
fn uri_label() -> String {
    format!("credentials URI ({CREDENTIALS_URI_VAR})")
}

impl fmt::Debug for CredentialsUriProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialsUriProvider")
            .finish_non_exhaustive()
    }
}

impl ProvideCredentials<AlibabaCredentials> for CredentialsUriProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(self.fetch())
    }

    fn provide_offline(&self) -> Result<super::Offline<AlibabaCredentials>, CredentialsError> {
        Ok(super::Offline::Remote { from: uri_label() })
    }
}

/// The metadata / URI answer: `Code` `Success`, the three values and the expiry. Messages name keys only.
fn credentials_json(body: &str) -> Result<(AlibabaCredentials, std::time::SystemTime), String> {
    let object = parse_object(body)?;
    match object.get("Code").and_then(|c| c.as_str()) {
        Some("Success") => {}
        Some(_) => {
            let code = error_code(body).unwrap_or_else(|| "not Success".to_owned());
            return Err(format!("the answer's Code is {code}"));
        }
        None => return Err("the answer has no Code".to_owned()),
    }
    let credentials = AlibabaCredentials::new(
        string_field(&object, "AccessKeyId")?,
        string_field(&object, "AccessKeySecret")?,
    )
    .with_token(string_field(&object, "SecurityToken")?);
    let expiration = string_field(&object, "Expiration")?;
    let expires_at = parse_expiration(&expiration)
        .ok_or_else(|| "Expiration is not a time like 2024-01-01T12:00:00Z".to_owned())?;
    Ok((credentials, expires_at))
}

/// `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT`, else the ECS default.
pub(crate) fn ecs_base(value: Option<String>) -> Result<String, String> {
    metadata::base_url(value, ECS_METADATA_ENDPOINT_VAR, ECS_METADATA_DEFAULT)
}

#[cfg(test)]
#[path = "alibaba_ecs_tests.rs"]
mod tests;
