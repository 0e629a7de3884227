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
//! `default`. Only the static modes `AK` and `StsToken` are supported: the others (`RamRoleArn`,
//! `EcsRamRole`, `OIDC`, …) need calls to STS or the metadata service that this crate does not make.
//! The JSON is parsed into a [`serde_json::Value`] and walked by hand, because serde's typed errors quote
//! the offending value, which may be a secret.

use super::Resolved;
use super::alibaba::{AlibabaCredentials, PROFILE_VAR};
use super::env::Environment;
use super::files::{FileText, read_text};
use super::search::{NameOrigin, Outcome, ProfileName, value_problem};
use serde_json::{Map, Value};
use std::path::Path;

/// Set to `true` to skip the CLI profile, as in the official SDKs.
const DISABLED_VAR: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";

/// The profile chosen from `config.json` at `path`.
pub(crate) fn cli_profile_outcome(
    path: &Path,
    explicit_profile: Option<&str>,
    env: &dyn Environment,
) -> Outcome<AlibabaCredentials> {
    if env
        .var(DISABLED_VAR)
        .is_some_and(|value| value.eq_ignore_ascii_case("true"))
    {
        return Outcome::Absent(format!("disabled by {DISABLED_VAR}"));
    }
    let text = match read_text(path) {
        FileText::Text(text) => text,
        FileText::Missing => return Outcome::Absent("no such file".to_owned()),
        FileText::Unreadable(why) => return Outcome::Malformed(why),
    };
    let config: Value = match serde_json::from_str(&text) {
        Ok(config) => config,
        Err(error) => {
            return Outcome::Malformed(format!(
                "invalid JSON at line {} column {}",
                error.line(),
                error.column()
            ));
        }
    };
    match select(&config, explicit_profile, env) {
        Ok(outcome) => outcome,
        Err(problem) => Outcome::Malformed(problem),
    }
}

/// `Ok(Absent)` when the profile is not in the file; `Err` when the file or the profile is malformed.
fn select(
    config: &Value,
    explicit_profile: Option<&str>,
    env: &dyn Environment,
) -> Result<Outcome<AlibabaCredentials>, String> {
    let Some(config) = config.as_object() else {
        return Err("expected a JSON object at the top level".to_owned());
    };
    let name = match ProfileName::chosen(explicit_profile, env, PROFILE_VAR) {
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
    let mut found = None;
    for (index, profile) in profiles.iter().enumerate() {
        let Some(profile) = profile.as_object() else {
            return Err(format!("profiles[{index}] is not an object"));
        };
        // The first match wins, as in the Python and Go SDKs.
        if profile.get("name").and_then(Value::as_str) == Some(name.name.as_str()) {
            found = Some(profile);
            break;
        }
    }
    let described = name.describe();
    let Some(profile) = found else {
        return Ok(Outcome::Absent(format!("{described} not found")));
    };
    let with_token = match profile.get("mode") {
        Some(Value::String(mode)) if mode == "AK" => false,
        Some(Value::String(mode)) if mode == "StsToken" => true,
        Some(Value::String(mode)) => {
            return Err(format!(
                "{described}: mode `{mode}` is not supported; use AK or StsToken"
            ));
        }
        None | Some(Value::Null) => {
            return Err(format!("{described} has no `mode`; use AK or StsToken"));
        }
        Some(_) => return Err(format!("{described}: `mode` is not a string")),
    };
    let field = |key: &str| string_field(profile, key).map_err(|why| format!("{described}: {why}"));
    let mut credentials =
        AlibabaCredentials::new(field("access_key_id")?, field("access_key_secret")?);
    if with_token {
        credentials = credentials.with_token(field("sts_token")?);
    }
    // `region_id` is a CLI setting, not part of the credentials: an odd value is ignored, not an error.
    let region = profile
        .get("region_id")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|region| !region.is_empty())
        .map(str::to_owned);
    Ok(Outcome::Found(Resolved {
        credentials,
        source: format!("profile `{}` in ~/.aliyun/config.json", name.name),
        region,
    }))
}

/// A non-empty, unpadded string field. The message names the field, never its value.
fn string_field(profile: &Map<String, Value>, key: &str) -> Result<String, String> {
    match profile.get(key) {
        None | Some(Value::Null) => Err(format!("{key} missing")),
        Some(Value::String(value)) => match value_problem(key, value) {
            Some(problem) => Err(problem),
            None => Ok(value.clone()),
        },
        Some(_) => Err(format!("{key} is not a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::env::MapEnvironment;
    use super::*;

    const SECRET: &str = "cli-SeCrEt-DISTINCTIVE";
    const TOKEN: &str = "cli-ToKeN-DISTINCTIVE";

    /// Writes `config.json` into a temporary directory and reads it back through the provider.
    fn outcome(
        json: &str,
        explicit: Option<&str>,
        env: &MapEnvironment,
    ) -> Outcome<AlibabaCredentials> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.json");
        std::fs::write(&path, json).unwrap();
        cli_profile_outcome(&path, explicit, env)
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
        assert_eq!(resolved.source, "profile `cur` in ~/.aliyun/config.json");

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
            malformed(outcome(&three_profiles(), Some("role"), &env)),
            "profile `role` (given explicitly): mode `EcsRamRole` is not supported; use AK or StsToken"
        );
        let cases = [
            (
                r#"{"name": "default", "access_key_id": "a"}"#,
                "profile `default` has no `mode`; use AK or StsToken",
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
            None,
            &MapEnvironment::new(),
        ) {
            Outcome::Absent(why) => assert_eq!(why, "no such file"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            cli_profile_outcome(dir.path(), None, &MapEnvironment::new()),
            Outcome::Malformed(_)
        ));
    }
}
