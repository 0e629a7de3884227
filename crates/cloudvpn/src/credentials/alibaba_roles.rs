//! The Alibaba Cloud sources whose credentials come from a call, as chain outcomes: the ECS RAM role, the
//! credentials URI, `AssumeRole` and `AssumeRoleWithOIDC`, whether named by environment variables or by a
//! profile.

use super::alibaba::AlibabaCredentials;
use super::alibaba_ecs::{
    CREDENTIALS_URI_VAR, CredentialsUriProvider, ECS_DISABLED_VAR, ECS_METADATA_ENDPOINT_VAR,
    ECS_ROLE_VAR, EcsRamRoleProvider, IMDSV1_DISABLED_VAR, ROLE_PUNCTUATION, ecs_base,
};
use super::alibaba_sts::{
    OIDC_PROVIDER_ARN_VAR, OIDC_TOKEN_FILE_VAR, OidcRoleArnProvider, ROLE_ARN_VAR,
    ROLE_SESSION_NAME_VAR, RamRoleArnProvider, Session, sts_endpoint,
};
use super::env::Environment;
use super::error::CredentialsError;
use super::metadata::role_name_problem;
use super::search::{Found, Outcome, non_empty_var, value_problem};
use super::{FoundCredentials, ProvideCredentials};
use std::path::PathBuf;
use std::sync::Arc;

/// Whether a `true`/`false` variable is `true` (case-insensitive), as the official library reads them.
fn flag(env: &dyn Environment, name: &str) -> bool {
    env.var(name)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The first problem of a provider that could not be set up, as an outcome.
fn setup_problem<C>(error: CredentialsError) -> Outcome<C> {
    let problem = error
        .attempts
        .into_iter()
        .next()
        .map_or_else(|| "cannot be set up".to_owned(), |a| a.outcome);
    Outcome::Malformed(problem)
}

/// The ECS RAM role `role` (discovered when `None`), asked for by a profile or by `ALIBABA_CLOUD_ECS_METADATA`
/// (`origin` names the variable or the profile's key, for the message when it is not a role name).
pub(crate) fn ecs_role_outcome(
    env: &dyn Environment,
    role: Option<String>,
    origin: &str,
) -> Outcome<AlibabaCredentials> {
    if flag(env, ECS_DISABLED_VAR) {
        return Outcome::Malformed(format!(
            "the ECS RAM role is asked for, but {ECS_DISABLED_VAR} is true"
        ));
    }
    if let Some(problem) = role
        .as_deref()
        .and_then(|r| role_name_problem(r, ROLE_PUNCTUATION))
    {
        return Outcome::Malformed(format!("{origin} {problem}"));
    }
    let base = match ecs_base(non_empty_var(env, ECS_METADATA_ENDPOINT_VAR)) {
        Ok(base) => base,
        Err(problem) => return Outcome::Malformed(problem),
    };
    match EcsRamRoleProvider::new(base, role, flag(env, IMDSV1_DISABLED_VAR)) {
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

/// The chain's ECS step: used when `ALIBABA_CLOUD_ECS_METADATA` names the role or
/// `ALIBABA_CLOUD_ECS_METADATA_ENDPOINT` names a metadata service. Unlike the official library, the chain
/// does not probe 100.100.100.200 unasked: off ECS that costs a timeout on every run and sends packets to an
/// address the user never named.
pub(crate) fn ecs_env_outcome(env: &dyn Environment) -> Outcome<AlibabaCredentials> {
    if flag(env, ECS_DISABLED_VAR) {
        return Outcome::Absent(format!("disabled by {ECS_DISABLED_VAR}"));
    }
    let role = non_empty_var(env, ECS_ROLE_VAR);
    if role.is_none() && non_empty_var(env, ECS_METADATA_ENDPOINT_VAR).is_none() {
        return Outcome::Absent(format!(
            "{ECS_ROLE_VAR} and {ECS_METADATA_ENDPOINT_VAR} not set"
        ));
    }
    ecs_role_outcome(env, role.map(|r| r.trim().to_owned()), ECS_ROLE_VAR)
}

/// The chain's last step: `ALIBABA_CLOUD_CREDENTIALS_URI`.
pub(crate) fn uri_outcome(env: &dyn Environment) -> Outcome<AlibabaCredentials> {
    let Some(uri) = non_empty_var(env, CREDENTIALS_URI_VAR) else {
        return Outcome::Absent(format!("{CREDENTIALS_URI_VAR} not set"));
    };
    match CredentialsUriProvider::new(uri.trim()) {
        Ok(provider) => Outcome::Role {
            provider: Arc::new(provider),
            source: format!("credentials URI ({CREDENTIALS_URI_VAR})"),
        },
        Err(error) => setup_problem(error),
    }
}

/// The base of an `AssumeRole`: what a chain step found, as a provider, and its name.
pub(crate) fn base_of(
    found: Found<AlibabaCredentials>,
) -> (Arc<dyn ProvideCredentials<AlibabaCredentials>>, String) {
    match found {
        Found::Static(resolved) => {
            let source = resolved.source.clone();
            (Arc::new(FoundCredentials(resolved)), source)
        }
        Found::Role { provider, source } => (provider, source),
    }
}

/// `AssumeRole` of `role_arn` with the credentials of `base` (named `base_source`), at the STS endpoint
/// (`sts_region` of a profile, else the variables).
pub(crate) fn ram_role_outcome(
    env: &dyn Environment,
    role_arn: String,
    session: Session,
    sts_region: Option<&str>,
    base: (Arc<dyn ProvideCredentials<AlibabaCredentials>>, String),
) -> Outcome<AlibabaCredentials> {
    if let Some(problem) = value_problem("the role ARN", &role_arn) {
        return Outcome::Malformed(problem);
    }
    let endpoint = match sts_endpoint(env, sts_region) {
        Ok(endpoint) => endpoint,
        Err(problem) => return Outcome::Malformed(problem),
    };
    match RamRoleArnProvider::new(endpoint, role_arn, session, base.0, base.1) {
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

/// `AssumeRoleWithOIDC` of `role_arn` with the token in `token_file`.
pub(crate) fn oidc_outcome(
    env: &dyn Environment,
    role_arn: String,
    oidc_provider_arn: String,
    token_file: PathBuf,
    session: Session,
    sts_region: Option<&str>,
) -> Outcome<AlibabaCredentials> {
    for (label, value) in [
        ("the role ARN", &role_arn),
        ("the OIDC provider ARN", &oidc_provider_arn),
    ] {
        if let Some(problem) = value_problem(label, value) {
            return Outcome::Malformed(problem);
        }
    }
    let endpoint = match sts_endpoint(env, sts_region) {
        Ok(endpoint) => endpoint,
        Err(problem) => return Outcome::Malformed(problem),
    };
    match OidcRoleArnProvider::new(endpoint, role_arn, oidc_provider_arn, token_file, session) {
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

/// The chain's OIDC step (RRSA), right after the keys in the environment: the three variables together.
pub(crate) fn oidc_env_outcome(env: &dyn Environment) -> Outcome<AlibabaCredentials> {
    let provider_arn = non_empty_var(env, OIDC_PROVIDER_ARN_VAR);
    let token_file = non_empty_var(env, OIDC_TOKEN_FILE_VAR);
    if provider_arn.is_none() && token_file.is_none() {
        return Outcome::Absent(format!(
            "{OIDC_PROVIDER_ARN_VAR} and {OIDC_TOKEN_FILE_VAR} not set"
        ));
    }
    let role_arn = non_empty_var(env, ROLE_ARN_VAR);
    let (Some(provider_arn), Some(token_file), Some(role_arn)) =
        (provider_arn, token_file, role_arn)
    else {
        return Outcome::Malformed(format!(
            "OIDC needs all three of {ROLE_ARN_VAR}, {OIDC_PROVIDER_ARN_VAR} and {OIDC_TOKEN_FILE_VAR}; \
             set the missing ones or unset the others"
        ));
    };
    let session = match Session::new(non_empty_var(env, ROLE_SESSION_NAME_VAR), None) {
        Ok(session) => session,
        Err(problem) => return Outcome::Malformed(format!("{ROLE_SESSION_NAME_VAR}: {problem}")),
    };
    oidc_outcome(
        env,
        role_arn.trim().to_owned(),
        provider_arn.trim().to_owned(),
        PathBuf::from(token_file),
        session,
        None,
    )
}
