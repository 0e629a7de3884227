//! The role modes of the aliyun CLI's `config.json`: `EcsRamRole`, `RamRoleArn`, `OIDC` and
//! `ChainableRamRoleArn`, with the fields `alibabacloud_credentials` reads for them.

use super::Resolved;
use super::alibaba::AlibabaCredentials;
use super::alibaba_cli::{self, region_id};
use super::alibaba_roles;
use super::alibaba_sts::Session;
use super::env::Environment;
use super::json::{optional_setting, string_field};
use super::search::{Found, Outcome, ProfileName, file_source};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// How deep `source_profile` may chain (a loop of profiles stops here with an error).
const MAX_CHAIN: usize = 5;

/// The outcome of a profile whose mode is a role mode; `None` for the static modes.
pub(crate) fn role_mode_outcome(
    path: &Path,
    label: &str,
    name: &ProfileName,
    profile: &Map<String, Value>,
    env: &dyn Environment,
    depth: usize,
) -> Option<Outcome<AlibabaCredentials>> {
    let mode = profile.get("mode").and_then(Value::as_str)?;
    let described = name.describe();
    let outcome = match mode {
        "EcsRamRole" => optional_setting(profile, "ram_role_name")
            .map(|role| alibaba_roles::ecs_role_outcome(env, role, "ram_role_name")),
        "RamRoleArn" => ram_role_arn(label, name, profile, env),
        "OIDC" => oidc(profile, env),
        "ChainableRamRoleArn" => chainable(path, label, profile, env, depth),
        _ => return None,
    };
    Some(outcome.unwrap_or_else(|problem| Outcome::Malformed(format!("{described}: {problem}"))))
}

/// `ram_session_name` and `expired_seconds`, as a session.
fn session(profile: &Map<String, Value>) -> Result<Session, String> {
    let duration = match profile.get("expired_seconds") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => Some(n.as_i64().ok_or("expired_seconds is not a whole number")?),
        Some(_) => return Err("expired_seconds is not a number".to_owned()),
    };
    Session::new(optional_setting(profile, "ram_session_name")?, duration)
}

fn ram_role_arn(
    label: &str,
    name: &ProfileName,
    profile: &Map<String, Value>,
    env: &dyn Environment,
) -> Result<Outcome<AlibabaCredentials>, String> {
    let keys = AlibabaCredentials::new(
        string_field(profile, "access_key_id")?,
        string_field(profile, "access_key_secret")?,
    );
    let base = Resolved {
        region: region_id(profile).ok().flatten(),
        ..Resolved::new(keys, file_source(label, &name.name))
    };
    let sts_region = optional_setting(profile, "sts_region")?;
    Ok(alibaba_roles::ram_role_outcome(
        env,
        string_field(profile, "ram_role_arn")?,
        session(profile)?,
        sts_region.as_deref(),
        alibaba_roles::base_of(Found::Static(base)),
    ))
}

fn oidc(
    profile: &Map<String, Value>,
    env: &dyn Environment,
) -> Result<Outcome<AlibabaCredentials>, String> {
    let sts_region = optional_setting(profile, "sts_region")?;
    Ok(alibaba_roles::oidc_outcome(
        env,
        string_field(profile, "ram_role_arn")?,
        string_field(profile, "oidc_provider_arn")?,
        PathBuf::from(string_field(profile, "oidc_token_file")?),
        session(profile)?,
        sts_region.as_deref(),
    ))
}

/// `source_profile`'s credentials (whatever its mode) assume `ram_role_arn`.
fn chainable(
    path: &Path,
    label: &str,
    profile: &Map<String, Value>,
    env: &dyn Environment,
    depth: usize,
) -> Result<Outcome<AlibabaCredentials>, String> {
    let source = string_field(profile, "source_profile")?;
    if depth >= MAX_CHAIN {
        return Err(format!(
            "source_profile chains more than {MAX_CHAIN} profiles deep (a loop?)"
        ));
    }
    let base = match alibaba_cli::profile_outcome_at(path, label, &source, env, depth + 1) {
        Outcome::Found(resolved) => Found::Static(resolved),
        Outcome::Role { provider, source } => Found::Role { provider, source },
        Outcome::Absent(_) => return Err(format!("source_profile `{source}` is not in the file")),
        Outcome::Malformed(problem) => return Err(format!("source_profile `{source}`: {problem}")),
    };
    let sts_region = optional_setting(profile, "sts_region")?;
    Ok(alibaba_roles::ram_role_outcome(
        env,
        string_field(profile, "ram_role_arn")?,
        session(profile)?,
        sts_region.as_deref(),
        alibaba_roles::base_of(base),
    ))
}
