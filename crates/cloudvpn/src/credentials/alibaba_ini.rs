//! The Alibaba Cloud credentials file: `ALIBABA_CLOUD_CREDENTIALS_FILE`, else `~/.alibabacloud/credentials`
//! (Go, Java, CLI docs) and `~/.alibabacloud/credentials.ini` (the Python SDK).
//!
//! ```ini
//! [default]
//! type = access_key              # access_key | sts | ram_role_arn | ecs_ram_role | oidc_role_arn
//! access_key_id = LTAI…
//! access_key_secret = …
//! ```
//!
//! The section is the profile name (explicit, else `ALIBABA_CLOUD_PROFILE`, else `default`). Inline `#` and
//! `;` comments are stripped from values, as the Python SDK (for `#`) and Go's `ini.v1` (for both) do.

use super::Resolved;
use super::alibaba::AlibabaCredentials;
use super::alibaba_roles;
use super::alibaba_sts::Session;
use super::env::Environment;
use super::files::{FileText, read_text};
use super::ini::{Ini, IniOptions, Section};
use super::search::{Found, Outcome, ProfileName, file_source, required_value};
use std::path::{Path, PathBuf};

/// The types a section may have, for messages.
const SUPPORTED_TYPES: &str = "access_key, sts, ram_role_arn, ecs_ram_role or oidc_role_arn";

/// Names the credentials file, replacing the default locations.
pub(crate) const CREDENTIALS_FILE_VAR: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";

/// The credentials (INI) file at `path`, section `section.name`.
///
/// Types `access_key` (all SDKs) and `sts` (`access_key_id`, `access_key_secret`, `security_token`; read by
/// credentials-go's `ProfileProvider`, not by the Python SDK). Role-based types need network calls this crate
/// does not make, so they are reported as unsupported.
pub(crate) fn credentials_file_outcome(
    path: &Path,
    label: &str,
    named_by_var: bool,
    section: &ProfileName,
    env: &dyn Environment,
) -> Outcome<AlibabaCredentials> {
    let text = match read_text(path) {
        FileText::Text(text) => text,
        // A file the user named and that is not there is a mistake, not an absent source.
        FileText::Missing if named_by_var => {
            return Outcome::Malformed(format!("no such file (named by {CREDENTIALS_FILE_VAR})"));
        }
        FileText::Missing => return Outcome::Absent("no such file".to_owned()),
        FileText::Unreadable(why) => return Outcome::Malformed(why),
    };
    let ini = match Ini::parse(
        &text,
        IniOptions {
            inline_comments: true,
        },
    ) {
        Ok(ini) => ini,
        Err(error) => return Outcome::Malformed(error.to_string()),
    };
    let profile = section.describe();
    let Some(values) = ini.section(&section.name) else {
        return Outcome::Absent(format!("{profile} not found"));
    };
    let with_token = match values.get("type") {
        Some("access_key") => false,
        Some("sts") => true,
        Some("ecs_ram_role") => {
            let role = values
                .get("role_name")
                .map(str::trim)
                .filter(|r| !r.is_empty());
            return alibaba_roles::ecs_role_outcome(env, role.map(str::to_owned), "role_name");
        }
        Some("ram_role_arn") => {
            return ini_ram_role_arn(values, label, section, env)
                .unwrap_or_else(|problem| Outcome::Malformed(format!("{profile}: {problem}")));
        }
        Some("oidc_role_arn") => {
            return ini_oidc_role_arn(values, env)
                .unwrap_or_else(|problem| Outcome::Malformed(format!("{profile}: {problem}")));
        }
        Some(other) => {
            return Outcome::Malformed(format!(
                "{profile}: type `{other}` is not supported; use {SUPPORTED_TYPES}"
            ));
        }
        None => {
            return Outcome::Malformed(format!("{profile} has no `type`; use {SUPPORTED_TYPES}"));
        }
    };
    match ini_credentials(values, with_token) {
        Ok(credentials) => Outcome::Found(Resolved {
            credentials,
            source: file_source(label, &section.name),
            region: None,
            expires_at: None,
        }),
        Err(problem) => Outcome::Malformed(format!("{profile}: {problem}")),
    }
}

/// `role_session_name` and `policy`, optional.
fn ini_session(values: &Section) -> Result<Session, String> {
    let optional = |key: &str| values.get(key).map(str::trim).filter(|v| !v.is_empty());
    let mut session = Session::new(optional("role_session_name").map(str::to_owned), None)?;
    session.policy = optional("policy").map(str::to_owned);
    Ok(session)
}

/// `ram_role_arn`: the section's keys assume `role_arn`.
fn ini_ram_role_arn(
    values: &Section,
    label: &str,
    section: &ProfileName,
    env: &dyn Environment,
) -> Result<Outcome<AlibabaCredentials>, String> {
    let keys = ini_credentials(values, false)?;
    let base = Found::Static(Resolved::new(keys, file_source(label, &section.name)));
    Ok(alibaba_roles::ram_role_outcome(
        env,
        required_value(values, "role_arn")?,
        ini_session(values)?,
        None,
        alibaba_roles::base_of(base),
    ))
}

/// `oidc_role_arn`: the token in `oidc_token_file_path` exchanged for `role_arn`.
fn ini_oidc_role_arn(
    values: &Section,
    env: &dyn Environment,
) -> Result<Outcome<AlibabaCredentials>, String> {
    Ok(alibaba_roles::oidc_outcome(
        env,
        required_value(values, "role_arn")?,
        required_value(values, "oidc_provider_arn")?,
        PathBuf::from(required_value(values, "oidc_token_file_path")?),
        ini_session(values)?,
        None,
    ))
}

/// The credentials in one section of the credentials file, or what is wrong with them.
fn ini_credentials(values: &Section, with_token: bool) -> Result<AlibabaCredentials, String> {
    let credentials = AlibabaCredentials::new(
        required_value(values, "access_key_id")?,
        required_value(values, "access_key_secret")?,
    );
    if !with_token {
        return Ok(credentials);
    }
    Ok(credentials.with_token(required_value(values, "security_token")?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::MapEnvironment;

    const SECRET: &str = "ini-SeCrEt-DISTINCTIVE";
    const TOKEN: &str = "ini-ToKeN-DISTINCTIVE";

    /// Writes `text` as a credentials file and reads section `section` back.
    fn outcome(text: &str, section: ProfileName) -> Outcome<AlibabaCredentials> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("credentials");
        std::fs::write(&path, text).unwrap();
        credentials_file_outcome(
            &path,
            "~/.alibabacloud/credentials",
            false,
            &section,
            &MapEnvironment::new(),
        )
    }

    #[test]
    fn access_key_and_sts_sections() {
        let text = format!(
            "[default]\ntype = access_key  # long-term\naccess_key_id = LTAIdefault\n\
             access_key_secret = {SECRET} ; the secret\nsecurity_token = ignored-for-access_key\n\
             [temp]\ntype = sts\naccess_key_id = STS.temp\naccess_key_secret = {SECRET}\n\
             security_token = {TOKEN}   # expires soon\n"
        );
        match outcome(&text, ProfileName::fallback()) {
            Outcome::Found(resolved) => {
                assert_eq!(
                    resolved.credentials,
                    AlibabaCredentials::new("LTAIdefault", SECRET)
                );
                assert_eq!(
                    resolved.source,
                    "file ~/.alibabacloud/credentials, profile `default`"
                );
                assert_eq!(resolved.region, None);
            }
            other => panic!("{other:?}"),
        }
        let temp = ProfileName {
            name: "temp".into(),
            origin: super::super::search::NameOrigin::Explicit,
        };
        match outcome(&text, temp) {
            Outcome::Found(resolved) => {
                assert_eq!(
                    resolved.credentials,
                    AlibabaCredentials::new("STS.temp", SECRET).with_token(TOKEN)
                );
                assert_eq!(resolved.credentials.provider_name(), "static_sts");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn absent_section_missing_file_and_unreadable_file() {
        match outcome("[other]\ntype = access_key\n", ProfileName::fallback()) {
            Outcome::Absent(why) => assert_eq!(why, "profile `default` not found"),
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        let section = ProfileName::fallback();
        match credentials_file_outcome(&missing, "x", false, &section, &MapEnvironment::new()) {
            Outcome::Absent(why) => assert_eq!(why, "no such file"),
            other => panic!("{other:?}"),
        }
        match credentials_file_outcome(&missing, "x", true, &section, &MapEnvironment::new()) {
            Outcome::Malformed(why) => {
                assert_eq!(
                    why,
                    "no such file (named by ALIBABA_CLOUD_CREDENTIALS_FILE)"
                )
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            credentials_file_outcome(dir.path(), "x", false, &section, &MapEnvironment::new()),
            Outcome::Malformed(_)
        ));
    }

    #[test]
    fn padded_value_is_malformed_without_showing_it() {
        let text = format!(
            "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = \"{SECRET} \"\n"
        );
        match outcome(&text, ProfileName::fallback()) {
            Outcome::Malformed(why) => {
                assert_eq!(
                    why,
                    "profile `default`: access_key_secret has leading or trailing whitespace"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
