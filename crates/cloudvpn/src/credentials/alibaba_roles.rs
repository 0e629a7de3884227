//! The Alibaba Cloud sources whose credentials come from a call, as chain outcomes: the ECS RAM role and the
//! credentials URI, whether named by environment variables or by a profile.

use super::alibaba::AlibabaCredentials;
use super::alibaba_ecs::{
    CREDENTIALS_URI_VAR, CredentialsUriProvider, ECS_DISABLED_VAR, ECS_METADATA_ENDPOINT_VAR,
    ECS_ROLE_VAR, EcsRamRoleProvider, IMDSV1_DISABLED_VAR, ecs_base,
};
use super::env::Environment;
use super::error::CredentialsError;
use super::search::{Outcome, non_empty_var, value_problem};
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

/// The ECS RAM role `role` (discovered when `None`), asked for by a profile or by `ALIBABA_CLOUD_ECS_METADATA`.
pub(crate) fn ecs_role_outcome(
    env: &dyn Environment,
    role: Option<String>,
) -> Outcome<AlibabaCredentials> {
    if flag(env, ECS_DISABLED_VAR) {
        return Outcome::Malformed(format!(
            "the ECS RAM role is asked for, but {ECS_DISABLED_VAR} is true"
        ));
    }
    if let Some(problem) = role
        .as_deref()
        .and_then(|r| value_problem("the role name", r))
    {
        return Outcome::Malformed(problem);
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
    ecs_role_outcome(env, role.map(|r| r.trim().to_owned()))
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
