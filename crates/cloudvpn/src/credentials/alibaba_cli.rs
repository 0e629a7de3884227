//! The Alibaba Cloud CLI's profile file, `~/.aliyun/config.json`.
//!
//! ```json
//! {"current": "default",
//!  "profiles": [{"name": "default", "mode": "AK", "access_key_id": "…", "access_key_secret": "…",
//!                "region_id": "cn-hangzhou"},
//!               {"name": "sts", "mode": "StsToken", "access_key_id": "…", "access_key_secret": "…",
//!                "sts_token": "…"}]}
//! ```
//!
//! The profile is the explicit name, else `ALIBABA_CLOUD_PROFILE`, else the file's `current`, else
//! `default`. The static modes `AK` and `StsToken` give credentials in hand; the role modes (`RamRoleArn`,
//! `EcsRamRole`, `OIDC`, `ChainableRamRoleArn`; see `alibaba_cli_roles`) call STS or the ECS metadata
//! service. Other modes (`CloudSSO`, `OAuth`, `External`) are refused with an error naming them.
//! The JSON is parsed into a [`serde_json::Value`] and walked by hand, because serde's typed errors quote
//! the offending value, which may be a secret.

use super::Resolved;
use super::alibaba::{AlibabaCredentials, PROFILE_VAR};
use super::alibaba_cli_roles;
use super::env::Environment;
use super::files::{FileText, read_text};
use super::json::{optional_setting, parse_object, string_field};
use super::search::{NameOrigin, Outcome, ProfileName, file_source};
use serde_json::{Map, Value};
use std::path::Path;

/// The modes a profile may have, for messages.
const SUPPORTED_MODES: &str = "AK, StsToken, RamRoleArn, EcsRamRole, OIDC or ChainableRamRoleArn";

/// Set to `true` to skip the CLI profile, as in the official SDKs.
const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// What looking for the chosen profile in `config.json` found.
pub(crate) enum Lookup {
    /// The file is not there, or disabled; the reason.
    Absent(String),
    /// The file is broken; the reason (no values).
    Malformed(String),
    /// The file parsed: the chosen name, and the profile when the file holds it.
    Parsed(ProfileName, Option<Map<String, Value>>),
}

/// Reads `config.json` at `path` and finds the profile chosen by `explicit_profile`, `ALIBABA_CLOUD_PROFILE`,
/// `current` or `default`, in that order. The credentials chain and the region lookup both start here, so
/// they always agree on the file and the profile.
pub(crate) fn lookup(path: &Path, explicit_profile: Option<&str>, env: &dyn Environment) -> Lookup {
    if env
        .var(DISABLED_VAR)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    {
        return Lookup::Absent(format!("disabled by {DISABLED_VAR}"));
    }
    let text = match read_text(path) {
        FileText::Text(text) => text,
        FileText::Missing => return Lookup::Absent("no such file".to_owned()),
        FileText::Unreadable(why) => return Lookup::Malformed(why),
    };
    let config = match parse_object(&text) {
        Ok(config) => config,
        Err(problem) => return Lookup::Malformed(problem),
    };
    match find_profile(&config, explicit_profile, env) {
        Ok((name, profile)) => Lookup::Parsed(name, profile.cloned()),
        Err(problem) => Lookup::Malformed(problem),
    }
}

/// A JSON object of the file.
type Object = Map<String, Value>;

/// The chosen name and, if the file has it, the profile's object.
fn find_profile<'a>(
    config: &'a Object,
    explicit_profile: Option<&str>,
    env: &dyn Environment,
) -> Result<(ProfileName, Option<&'a Object>), String> {
    let name = match ProfileName::chosen(explicit_profile, env, &[PROFILE_VAR]) {
        Some(name) => name,
        None => match config.get("current") {
            None | Some(Value::Null) => ProfileName::fallback(),
            Some(Value::String(current)) if current.is_empty() => ProfileName::fallback(),
            Some(Value::String(current)) => ProfileName {
                name: current.clone(),
                origin: NameOrigin::Current,
            },
            Some(_) => return Err("`current` is not a string".to_owned()),
        },
    };
    let profiles: &[Value] = match config.get("profiles") {
        None | Some(Value::Null) => &[],
        Some(Value::Array(profiles)) => profiles,
        Some(_) => return Err("`profiles` is not an array".to_owned()),
    };
    for (index, profile) in profiles.iter().enumerate() {
        let Some(profile) = profile.as_object() else {
            return Err(format!("profiles[{index}] is not an object"));
        };
        // The first match wins, as in the Python and Go SDKs.
        if profile.get("name").and_then(Value::as_str) == Some(name.name.as_str()) {
            return Ok((name, Some(profile)));
        }
    }
    Ok((name, None))
}

/// The credentials of the profile chosen from `config.json` at `path`, shown as `label` in messages.
pub(crate) fn cli_profile_outcome(
    path: &Path,
    label: &str,
    explicit_profile: Option<&str>,
    env: &dyn Environment,
) -> Outcome<AlibabaCredentials> {
    outcome_of(path, label, lookup(path, explicit_profile, env), env, 0)
}

/// The credentials of the profile `name` (a `source_profile`), `depth` profiles down a chain.
pub(crate) fn profile_outcome_at(
    path: &Path,
    label: &str,
    name: &str,
    env: &dyn Environment,
    depth: usize,
) -> Outcome<AlibabaCredentials> {
    outcome_of(path, label, lookup(path, Some(name), env), env, depth)
}

fn outcome_of(
    path: &Path,
    label: &str,
    found: Lookup,
    env: &dyn Environment,
    depth: usize,
) -> Outcome<AlibabaCredentials> {
    match found {
        Lookup::Absent(why) => Outcome::Absent(why),
        Lookup::Malformed(why) => Outcome::Malformed(why),
        Lookup::Parsed(name, None) => Outcome::Absent(format!("{} not found", name.describe())),
        Lookup::Parsed(name, Some(profile)) => {
            if let Some(outcome) =
                alibaba_cli_roles::role_mode_outcome(path, label, &name, &profile, env, depth)
            {
                return outcome;
            }
            static_outcome(label, &name, &profile)
        }
    }
}

fn static_outcome(
    label: &str,
    name: &ProfileName,
    profile: &Map<String, Value>,
) -> Outcome<AlibabaCredentials> {
    match credentials(name, profile) {
        Ok(credentials) => Outcome::Found(Resolved {
            credentials,
            source: file_source(label, &name.name),
            // `region_id` is a CLI setting, not part of the credentials: an odd value is ignored here;
            // the region lookup reports it.
            region: region_id(profile).ok().flatten(),
            expires_at: None,
        }),
        Err(problem) => Outcome::Malformed(problem),
    }
}

/// The profile's `region_id`, trimmed; `Ok(None)` when it has none.
pub(crate) fn region_id(profile: &Map<String, Value>) -> Result<Option<String>, String> {
    optional_setting(profile, "region_id")
}

/// The static credentials of a profile, or why it has none we can use.
fn credentials(
    name: &ProfileName,
    profile: &Map<String, Value>,
) -> Result<AlibabaCredentials, String> {
    let described = name.describe();
    let with_token = match profile.get("mode") {
        Some(Value::String(mode)) if mode == "AK" => false,
        Some(Value::String(mode)) if mode == "StsToken" => true,
        Some(Value::String(mode)) => {
            return Err(format!(
                "{described}: mode `{mode}` is not supported; use {SUPPORTED_MODES}"
            ));
        }
        None | Some(Value::Null) => {
            return Err(format!("{described} has no `mode`; use {SUPPORTED_MODES}"));
        }
        Some(_) => return Err(format!("{described}: `mode` is not a string")),
    };
    let field = |key: &str| string_field(profile, key).map_err(|why| format!("{described}: {why}"));
    let credentials = AlibabaCredentials::new(field("access_key_id")?, field("access_key_secret")?);
    if with_token {
        return Ok(credentials.with_token(field("sts_token")?));
    }
    Ok(credentials)
}

#[cfg(test)]
mod tests {
    use super::super::env::MapEnvironment;
    use super::*;

    const SECRET: &str = "cli-SeCrEt-DISTINCTIVE";
    const TOKEN: &str = "cli-ToKeN-DISTINCTIVE";
    const LABEL: &str = "~/.aliyun/config.json";

    /// Writes `config.json` into a temporary directory and reads it back through the provider.
    fn outcome(
        json: &str,
        explicit: Option<&str>,
        env: &MapEnvironment,
    ) -> Outcome<AlibabaCredentials> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, json).unwrap();
        cli_profile_outcome(&path, LABEL, explicit, env)
    }

    fn found(outcome: Outcome<AlibabaCredentials>) -> Resolved<AlibabaCredentials> {
        match outcome {
            Outcome::Found(resolved) => resolved,
            other => panic!("expected credentials, got {other:?}"),
        }
    }

    fn malformed(outcome: Outcome<AlibabaCredentials>) -> String {
        match outcome {
            Outcome::Malformed(why) => {
                assert!(!why.contains("DISTINCTIVE"), "{why}");
                why
            }
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    fn three_profiles() -> String {
        format!(
            r#"{{
  "current": "cur",
  "profiles": [
    {{"name": "default", "mode": "AK", "access_key_id": "LTAIdefault", "access_key_secret": "{SECRET}"}},
    {{"name": "cur", "mode": "AK", "access_key_id": "LTAIcur", "access_key_secret": "{SECRET}", "region_id": "cn-hangzhou"}},
    {{"name": "env", "mode": "StsToken", "access_key_id": "STS.env", "access_key_secret": "{SECRET}", "sts_token": "{TOKEN}"}},
    {{"name": "role", "mode": "EcsRamRole", "ram_role_name": "r"}}
  ]
}}"#
        )
    }

    #[test]
    fn profile_selection_rules() {
        let json = three_profiles();
        let none = MapEnvironment::new();
        let with_var = MapEnvironment::new().with_var("ALIBABA_CLOUD_PROFILE", "env");

        // `current` when nothing else names a profile.
        let resolved = found(outcome(&json, None, &none));
        assert_eq!(resolved.credentials.access_key_id, "LTAIcur");
        assert_eq!(resolved.region.as_deref(), Some("cn-hangzhou"));
        assert_eq!(resolved.source, "file ~/.aliyun/config.json, profile `cur`");

        // ALIBABA_CLOUD_PROFILE beats `current`.
        let resolved = found(outcome(&json, None, &with_var));
        assert_eq!(resolved.credentials.access_key_id, "STS.env");

        // The explicit name beats both; an empty explicit name counts as none.
        let resolved = found(outcome(&json, Some("default"), &with_var));
        assert_eq!(resolved.credentials.access_key_id, "LTAIdefault");
        assert_eq!(resolved.region, None);
        let resolved = found(outcome(&json, Some(""), &with_var));
        assert_eq!(resolved.credentials.access_key_id, "STS.env");

        // No `current`: `default`.
        let no_current = json.replace(r#""current": "cur","#, "");
        let resolved = found(outcome(&no_current, None, &none));
        assert_eq!(resolved.credentials.access_key_id, "LTAIdefault");
    }

    #[test]
    fn sts_token_mode_carries_the_token() {
        let resolved = found(outcome(
            &three_profiles(),
            Some("env"),
            &MapEnvironment::new(),
        ));
        assert_eq!(
            resolved.credentials,
            AlibabaCredentials::new("STS.env", SECRET).with_token(TOKEN)
        );
        assert_eq!(resolved.credentials.provider_name(), "static_sts");
        assert!(!format!("{resolved:?}").contains("DISTINCTIVE"));
    }

    #[test]
    fn ecs_ram_role_mode_asks_the_metadata_service() {
        let env = MapEnvironment::new();
        match outcome(&three_profiles(), Some("role"), &env) {
            Outcome::Role { source, .. } => {
                assert_eq!(
                    source,
                    "ECS RAM role `r` (metadata service http://100.100.100.200)"
                )
            }
            other => panic!("{other:?}"),
        }
        let json = r#"{"profiles": [{"name": "default", "mode": "EcsRamRole"}]}"#;
        match outcome(
            json,
            None,
            &env.clone()
                .with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", "http://127.0.0.1:9"),
        ) {
            Outcome::Role { source, .. } => {
                assert_eq!(source, "ECS RAM role (metadata service http://127.0.0.1:9)")
            }
            other => panic!("{other:?}"),
        }
        let disabled = env.with_var("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
        assert_eq!(
            malformed(outcome(json, None, &disabled)),
            "the ECS RAM role is asked for, but ALIBABA_CLOUD_ECS_METADATA_DISABLED is true"
        );
    }

    #[test]
    fn ak_mode_ignores_a_stray_token() {
        let json = format!(
            r#"{{"profiles": [{{"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": "b", "sts_token": "{TOKEN}"}}]}}"#
        );
        let resolved = found(outcome(&json, None, &MapEnvironment::new()));
        assert_eq!(resolved.credentials.security_token, None);
    }

    #[test]
    fn missing_profile_is_absent() {
        let env = MapEnvironment::new();
        match outcome(&three_profiles(), Some("x"), &env) {
            Outcome::Absent(why) => assert_eq!(why, "profile `x` (given explicitly) not found"),
            other => panic!("{other:?}"),
        }
        match outcome(r#"{"current": "gone", "profiles": []}"#, None, &env) {
            Outcome::Absent(why) => assert_eq!(why, "profile `gone` (from `current`) not found"),
            other => panic!("{other:?}"),
        }
        match outcome("{}", None, &env) {
            Outcome::Absent(why) => assert_eq!(why, "profile `default` not found"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn malformed_files_and_profiles() {
        let env = MapEnvironment::new();
        let bad_json = format!("{{\n  \"access_key_secret\": \"{SECRET}\",\n    ,\n}}");
        assert_eq!(
            malformed(outcome(&bad_json, None, &env)),
            "invalid JSON at line 3 column 5"
        );
        assert_eq!(
            malformed(outcome("", None, &env)),
            "invalid JSON at line 1 column 0"
        );
        assert_eq!(
            malformed(outcome("[]", None, &env)),
            "expected a JSON object at the top level"
        );
        assert_eq!(
            malformed(outcome(r#"{"current": 1}"#, None, &env)),
            "`current` is not a string"
        );
        assert_eq!(
            malformed(outcome(r#"{"profiles": {}}"#, None, &env)),
            "`profiles` is not an array"
        );
        assert_eq!(
            malformed(outcome(r#"{"profiles": ["x"]}"#, None, &env)),
            "profiles[0] is not an object"
        );
        assert_eq!(
            malformed(outcome(
                r#"{"profiles": [{"name": "sso", "mode": "CloudSSO"}]}"#,
                Some("sso"),
                &env
            )),
            "profile `sso` (given explicitly): mode `CloudSSO` is not supported; use AK, StsToken, RamRoleArn, EcsRamRole, OIDC or ChainableRamRoleArn"
        );
        let cases = [
            (
                r#"{"name": "default", "access_key_id": "a"}"#,
                "profile `default` has no `mode`; use AK, StsToken, RamRoleArn, EcsRamRole, OIDC or ChainableRamRoleArn",
            ),
            (
                r#"{"name": "default", "mode": 1}"#,
                "profile `default`: `mode` is not a string",
            ),
            (
                r#"{"name": "default", "mode": "AK", "access_key_id": "a"}"#,
                "profile `default`: access_key_secret missing",
            ),
            (
                r#"{"name": "default", "mode": "AK", "access_key_id": "", "access_key_secret": "b"}"#,
                "profile `default`: access_key_id is empty",
            ),
            (
                r#"{"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": 12345}"#,
                "profile `default`: access_key_secret is not a string",
            ),
            (
                r#"{"name": "default", "mode": "AK", "access_key_id": "a", "access_key_secret": " cli-SeCrEt-DISTINCTIVE"}"#,
                "profile `default`: access_key_secret has leading or trailing whitespace",
            ),
            (
                r#"{"name": "default", "mode": "StsToken", "access_key_id": "a", "access_key_secret": "b"}"#,
                "profile `default`: sts_token missing",
            ),
        ];
        for (profile, expected) in cases {
            let json = format!(r#"{{"profiles": [{profile}]}}"#);
            assert_eq!(malformed(outcome(&json, None, &env)), expected, "{json}");
        }
    }

    #[test]
    fn disabled_missing_and_unreadable() {
        let env = MapEnvironment::new().with_var("ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "TRUE");
        match outcome(&three_profiles(), None, &env) {
            Outcome::Absent(why) => {
                assert_eq!(why, "disabled by ALIBABA_CLOUD_CLI_PROFILE_DISABLED")
            }
            other => panic!("{other:?}"),
        }
        let dir = tempfile::tempdir().unwrap();
        match cli_profile_outcome(
            &dir.path().join("config.json"),
            LABEL,
            None,
            &MapEnvironment::new(),
        ) {
            Outcome::Absent(why) => assert_eq!(why, "no such file"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            cli_profile_outcome(dir.path(), LABEL, None, &MapEnvironment::new()),
            Outcome::Malformed(_)
        ));
    }
}
