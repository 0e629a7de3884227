//! The Tencent Cloud sources whose credentials come from a call, as chain outcomes: the CVM instance's CAM
//! role, named by tccli's `"type": "cvm-role"` or by environment variables.

use super::env::Environment;
use super::error::CredentialsError;
use super::search::{Outcome, non_empty_var, value_problem};
use super::tencent::TencentCredentials;
use super::tencent_cvm::{CVM_METADATA_ENDPOINT_VAR, CvmRoleProvider, cvm_base};
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

/// The CVM role `role` (discovered when `None`).
pub(crate) fn cvm_role_outcome(
    env: &dyn Environment,
    role: Option<String>,
) -> Outcome<TencentCredentials> {
    if let Some(problem) = role
        .as_deref()
        .and_then(|r| value_problem("the role name", r))
    {
        return Outcome::Malformed(problem);
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
