//! The Tencent Cloud sources whose credentials come from a call, as chain outcomes: the CVM instance's CAM
//! role (tccli's `"type": "cvm-role"`, or environment variables), STS `AssumeRole` (tccli's `role-arn`,
//! Terraform's `TENCENTCLOUD_ASSUME_ROLE_*`, `--role-arn`) and TKE's OIDC.

use super::env::Environment;
use super::error::CredentialsError;
use super::metadata::role_name_problem;
use super::search::{Found, Outcome, non_empty_var, value_problem};
use super::sts_call::default_session_name;
use super::tencent::TencentCredentials;
use super::tencent_cvm::{CVM_METADATA_ENDPOINT_VAR, CvmRoleProvider, ROLE_PUNCTUATION, cvm_base};
use super::tencent_sts::{
    DEFAULT_DURATION_SECONDS, DEFAULT_STS_REGION, RoleSession, TencentAssumeRoleProvider,
    WebIdentityProvider, sts_endpoint,
};
use super::{FoundCredentials, ProvideCredentials};
use std::path::PathBuf;
use std::sync::Arc;

/// Names the CVM role (Terraform's variable).
pub(crate) const CVM_ROLE_VAR: &str = "TENCENTCLOUD_CAM_ROLE_NAME";

/// The first problem of a provider that could not be set up, as an outcome.
pub(crate) fn setup_problem<C>(error: CredentialsError) -> Outcome<C> {
    let problem = error
        .attempts
        .into_iter()
        .next()
        .map_or_else(|| "cannot be set up".to_owned(), |a| a.outcome);
    Outcome::Malformed(problem)
}

/// The CVM role `role` (discovered when `None`), named by `TENCENTCLOUD_CAM_ROLE_NAME`.
pub(crate) fn cvm_role_outcome(
    env: &dyn Environment,
    role: Option<String>,
) -> Outcome<TencentCredentials> {
    if let Some(problem) = role
        .as_deref()
        .and_then(|r| role_name_problem(r, ROLE_PUNCTUATION))
    {
        return Outcome::Malformed(format!("{CVM_ROLE_VAR} {problem}"));
    }
    let base = match cvm_base(non_empty_var(env, CVM_METADATA_ENDPOINT_VAR)) {
        Ok(base) => base,
        Err(problem) => return Outcome::Malformed(problem),
    };
    match CvmRoleProvider::new(base, role) {
        Ok(provider) => {
            let source = provider.source();
            Outcome::Role {
                provider: Arc::new(provider),
                source,
            }
        }
        Err(error) => setup_problem(error),
    }
}

/// The chain's CVM step: used when `TENCENTCLOUD_CAM_ROLE_NAME` names the role or
/// `TENCENTCLOUD_METADATA_ENDPOINT` names a metadata service; the chain does not probe
/// metadata.tencentyun.com unasked (see the Alibaba ECS step for why).
pub(crate) fn cvm_env_outcome(env: &dyn Environment) -> Outcome<TencentCredentials> {
    let role = non_empty_var(env, CVM_ROLE_VAR);
    if role.is_none() && non_empty_var(env, CVM_METADATA_ENDPOINT_VAR).is_none() {
        return Outcome::Absent(format!(
            "{CVM_ROLE_VAR} and {CVM_METADATA_ENDPOINT_VAR} not set"
        ));
    }
    cvm_role_outcome(env, role.map(|r| r.trim().to_owned()))
}

/// Terraform's assume-role variables: the found credentials assume this role.
pub(crate) const ASSUME_ROLE_ARN_VAR: &str = "TENCENTCLOUD_ASSUME_ROLE_ARN";
pub(crate) const ASSUME_ROLE_SESSION_NAME_VAR: &str = "TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME";
pub(crate) const ASSUME_ROLE_DURATION_VAR: &str = "TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION";
/// TKE's OIDC variables.
const TKE_REGION_VAR: &str = "TKE_REGION";
const TKE_PROVIDER_ID_VAR: &str = "TKE_PROVIDER_ID";
const TKE_TOKEN_FILE_VAR: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
const TKE_ROLE_ARN_VAR: &str = "TKE_ROLE_ARN";

/// The base of an `AssumeRole`: what a chain step found, as a provider, and its name.
pub(crate) fn base_of(
    found: Found<TencentCredentials>,
) -> (Arc<dyn ProvideCredentials<TencentCredentials>>, String) {
    match found {
        Found::Static(resolved) => {
            let source = resolved.source.clone();
            (Arc::new(FoundCredentials(resolved)), source)
        }
        Found::Role { provider, source } => (provider, source),
    }
}

/// A session of `role_arn`: the name given (else `cloudvpn-<unix seconds>`), the duration given (else
/// two hours, the SDKs' default).
pub(crate) fn session(
    role_arn: String,
    name: Option<String>,
    duration_seconds: Option<i64>,
) -> Result<RoleSession, String> {
    if let Some(problem) = value_problem("the role ARN", &role_arn) {
        return Err(problem);
    }
    let session_name = match name {
        Some(name) => {
            if let Some(problem) = value_problem("the role session name", &name) {
                return Err(problem);
            }
            name
        }
        None => default_session_name(),
    };
    Ok(RoleSession {
        role_arn,
        session_name,
        duration_seconds: duration_seconds.unwrap_or(DEFAULT_DURATION_SECONDS),
    })
}

/// `AssumeRole` of the session's role with `base`, in `region` (else ap-guangzhou, as the SDKs).
pub(crate) fn assume_role_outcome(
    env: &dyn Environment,
    session: RoleSession,
    region: Option<&str>,
    base: (Arc<dyn ProvideCredentials<TencentCredentials>>, String),
) -> Outcome<TencentCredentials> {
    let endpoint = match sts_endpoint(env) {
        Ok(endpoint) => endpoint,
        Err(problem) => return Outcome::Malformed(problem),
    };
    let region = region.unwrap_or(DEFAULT_STS_REGION);
    match TencentAssumeRoleProvider::new(endpoint, region, session, base.0, base.1) {
        Ok(provider) => {
            let source = provider.source();
            Outcome::Role {
                provider: Arc::new(provider),
                source,
            }
        }
        Err(error) => setup_problem(error),
    }
}

/// Terraform's `TENCENTCLOUD_ASSUME_ROLE_ARN` with `_SESSION_NAME` (required, as Terraform requires it) and
/// `_SESSION_DURATION`; `Ok(None)` when the ARN is not set.
pub(crate) fn assume_role_from_env(env: &dyn Environment) -> Result<Option<RoleSession>, String> {
    let Some(role_arn) = non_empty_var(env, ASSUME_ROLE_ARN_VAR) else {
        return Ok(None);
    };
    let Some(name) = non_empty_var(env, ASSUME_ROLE_SESSION_NAME_VAR) else {
        return Err(format!(
            "{ASSUME_ROLE_ARN_VAR} set but {ASSUME_ROLE_SESSION_NAME_VAR} missing"
        ));
    };
    let duration = match non_empty_var(env, ASSUME_ROLE_DURATION_VAR) {
        Some(text) => Some(
            text.trim()
                .parse::<i64>()
                .map_err(|_| format!("{ASSUME_ROLE_DURATION_VAR} is not a number of seconds"))?,
        ),
        None => None,
    };
    session(
        role_arn.trim().to_owned(),
        Some(name.trim().to_owned()),
        duration,
    )
    .map(Some)
}

/// The chain's last step: TKE's OIDC, when its variables are set (all four together).
pub(crate) fn tke_oidc_outcome(env: &dyn Environment) -> Outcome<TencentCredentials> {
    let provider_id = non_empty_var(env, TKE_PROVIDER_ID_VAR);
    let token_file = non_empty_var(env, TKE_TOKEN_FILE_VAR);
    if provider_id.is_none() && token_file.is_none() {
        return Outcome::Absent(format!(
            "{TKE_PROVIDER_ID_VAR} and {TKE_TOKEN_FILE_VAR} not set"
        ));
    }
    let role_arn = non_empty_var(env, TKE_ROLE_ARN_VAR);
    let region = non_empty_var(env, TKE_REGION_VAR);
    let (Some(provider_id), Some(token_file), Some(role_arn), Some(region)) =
        (provider_id, token_file, role_arn, region)
    else {
        return Outcome::Malformed(format!(
            "TKE OIDC needs all four of {TKE_REGION_VAR}, {TKE_PROVIDER_ID_VAR}, {TKE_TOKEN_FILE_VAR} and \
             {TKE_ROLE_ARN_VAR}; set the missing ones or unset the others"
        ));
    };
    let session = match session(role_arn.trim().to_owned(), None, None) {
        Ok(session) => session,
        Err(problem) => return Outcome::Malformed(problem),
    };
    let endpoint = match sts_endpoint(env) {
        Ok(endpoint) => endpoint,
        Err(problem) => return Outcome::Malformed(problem),
    };
    match WebIdentityProvider::new(
        endpoint,
        region.trim(),
        provider_id.trim().to_owned(),
        PathBuf::from(token_file),
        session,
    ) {
        Ok(provider) => {
            let source = provider.source();
            Outcome::Role {
                provider: Arc::new(provider),
                source,
            }
        }
        Err(error) => setup_problem(error),
    }
}
