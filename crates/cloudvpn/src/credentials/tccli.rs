//! tccli's own files: `~/.tccli/<profile>.credential` and `~/.tccli/<profile>.configure`.
//!
//! ```json
//! // ~/.tccli/default.credential
//! {"secretId": "AKID…", "secretKey": "…", "token": "…"}
//! // ~/.tccli/default.configure
//! {"_sys_param": {"region": "ap-guangzhou", "output": "json"}, "vpc": {"endpoint": "…", "version": "…"}}
//! ```
//!
//! `tccli configure set` writes them: the keys in `.credential`, the region and the output format under
//! `_sys_param` in `.configure`. Older tccli versions kept `region` at the top level of `.configure` (their
//! `configure set` moves it under `_sys_param`), so a top-level `region` is read when `_sys_param` has none.
//! A `.credential` with `"type": "cvm-role"` (tccli's `configure --use-cvm-role`) asks the CVM metadata
//! service for the instance's CAM role; one with `role-arn` (and `role-session-name`) assumes that role with
//! its keys through STS `AssumeRole`, in the profile's region.

use super::Resolved;
use super::env::Environment;
use super::files::{FileText, display_path, read_text};
use super::json::{optional_setting, parse_object, string_field};
use super::search::{Found, Outcome, ProfileName, file_source, non_empty_var};
use super::tencent::TencentCredentials;
use super::tencent_roles;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// `~/.tccli/<profile>.<extension>`, or why the profile name cannot be a file name there.
pub(crate) fn profile_file(
    home: &Path,
    profile: &ProfileName,
    extension: &str,
) -> Result<PathBuf, String> {
    let name = profile.name.as_str();
    // A name with a separator would read a file outside ~/.tccli.
    if name == "." || name == ".." || name.contains(['/', '\\']) {
        return Err(format!(
            "{}: not usable as a file name in ~/.tccli",
            profile.describe()
        ));
    }
    Ok(home.join(".tccli").join(format!("{name}.{extension}")))
}

/// The label of `~/.tccli/<profile>.credential` in messages, also when the name is unusable.
pub(crate) fn credential_label(home: Option<&Path>, profile: &ProfileName) -> String {
    match home.map(|home| profile_file(home, profile, "credential")) {
        Some(Ok(path)) => display_path(&path, home),
        _ => format!("~/.tccli/{}.credential", profile.name),
    }
}

/// The credentials in `~/.tccli/<profile>.credential`. `region` is the region to report with them.
pub(crate) fn credential_outcome(
    path: &Path,
    label: &str,
    profile: &ProfileName,
    region: Option<String>,
    env: &dyn Environment,
) -> Outcome<TencentCredentials> {
    let text = match read_text(path) {
        FileText::Text(text) => text,
        FileText::Missing => {
            return Outcome::Absent(format!("no such file for {}", profile.describe()));
        }
        FileText::Unreadable(why) => return Outcome::Malformed(why),
    };
    let object = match parse_object(&text) {
        Ok(object) => object,
        Err(problem) => return Outcome::Malformed(problem),
    };
    let described = profile.describe();
    if object.get("type").and_then(Value::as_str) == Some("cvm-role") {
        // tccli's `configure --use-cvm-role`: the instance's role, discovered unless
        // TENCENTCLOUD_CAM_ROLE_NAME names it.
        let role = non_empty_var(env, tencent_roles::CVM_ROLE_VAR).map(|r| r.trim().to_owned());
        return tencent_roles::cvm_role_outcome(env, role);
    }
    let field = |key: &str| string_field(&object, key).map_err(|why| format!("{described}: {why}"));
    let credentials = match (field("secretId"), field("secretKey")) {
        (Ok(id), Ok(key)) => TencentCredentials::new(id, key),
        (Err(problem), _) | (_, Err(problem)) => return Outcome::Malformed(problem),
    };
    // An empty `token` is what `tccli configure set token ""` leaves behind: no token.
    let credentials = match object.get("token") {
        None | Some(Value::Null) => credentials,
        Some(Value::String(token)) if token.is_empty() => credentials,
        Some(_) => match field("token") {
            Ok(token) => credentials.with_token(token),
            Err(problem) => return Outcome::Malformed(problem),
        },
    };
    let found = Resolved {
        credentials,
        source: file_source(label, &profile.name),
        region,
        expires_at: None,
    };
    match optional_setting(&object, "role-arn") {
        Ok(None) => Outcome::Found(found),
        // tccli's `--role-arn` saved in the profile: the keys assume the role.
        Ok(Some(role_arn)) => {
            let name = match optional_setting(&object, "role-session-name") {
                Ok(name) => name,
                Err(problem) => return Outcome::Malformed(format!("{described}: {problem}")),
            };
            let session = match tencent_roles::session(role_arn, name, None) {
                Ok(session) => session,
                Err(problem) => return Outcome::Malformed(format!("{described}: {problem}")),
            };
            let region = found.region.clone();
            tencent_roles::assume_role_outcome(
                env,
                session,
                region.as_deref(),
                tencent_roles::base_of(Found::Static(found)),
            )
        }
        Err(problem) => Outcome::Malformed(format!("{described}: {problem}")),
    }
}

/// The region in `~/.tccli/<profile>.configure` (`_sys_param.region`, else a top-level `region`):
/// `Ok(None)` when the file or the setting is absent, `Err` with the reason when the file is broken.
pub(crate) fn configured_region(path: &Path) -> Result<Option<String>, String> {
    let text = match read_text(path) {
        FileText::Text(text) => text,
        FileText::Missing => return Ok(None),
        FileText::Unreadable(why) => return Err(why),
    };
    let object = parse_object(&text)?;
    let from_sys_param = match object.get("_sys_param") {
        None | Some(Value::Null) => None,
        Some(Value::Object(sys_param)) => {
            optional_setting(sys_param, "region").map_err(|why| format!("_sys_param: {why}"))?
        }
        Some(_) => return Err("`_sys_param` is not an object".to_owned()),
    };
    match from_sys_param {
        Some(region) => Ok(Some(region)),
        None => optional_setting(&object, "region"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::search::NameOrigin;
    use super::*;

    const SECRET: &str = "tccli-KeY-DISTINCTIVE";
    const TOKEN: &str = "tccli-ToKeN-DISTINCTIVE";
    const LABEL: &str = "~/.tccli/default.credential";

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    fn outcome(text: &str) -> Outcome<TencentCredentials> {
        let (_dir, path) = write(text);
        credential_outcome(
            &path,
            LABEL,
            &ProfileName::fallback(),
            None,
            &crate::credentials::MapEnvironment::new(),
        )
    }

    fn malformed(text: &str) -> String {
        match outcome(text) {
            Outcome::Malformed(why) => {
                assert!(!why.contains("DISTINCTIVE"), "{why}");
                why
            }
            other => panic!("expected malformed, got {other:?}"),
        }
    }

    #[test]
    fn keys_and_optional_token() {
        let text =
            format!(r#"{{"secretId": "AKIDtccli", "secretKey": "{SECRET}", "token": "{TOKEN}"}}"#);
        match outcome(&text) {
            Outcome::Found(resolved) => {
                assert_eq!(
                    resolved.credentials,
                    TencentCredentials::new("AKIDtccli", SECRET).with_token(TOKEN)
                );
                assert_eq!(
                    resolved.source,
                    "file ~/.tccli/default.credential, profile `default`"
                );
                assert!(!format!("{resolved:?}").contains("DISTINCTIVE"));
            }
            other => panic!("{other:?}"),
        }
        // What `tccli configure set` writes beside the keys, with an emptied token.
        let text = format!(
            r#"{{"secretId": "AKIDtccli", "secretKey": "{SECRET}", "token": "", "type": "default", "role-arn": "", "role-session-name": ""}}"#
        );
        match outcome(&text) {
            Outcome::Found(resolved) => assert_eq!(resolved.credentials.token, None),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn role_arn_assumes_the_role_with_the_keys() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("default.credential");
        std::fs::write(
            &path,
            format!(
                r#"{{"secretId": "AKID", "secretKey": "{SECRET}", "role-arn": "qcs::cam::uin/1:roleName/r", "role-session-name": "ci"}}"#
            ),
        )
        .unwrap();
        let env = crate::credentials::MapEnvironment::new()
            .with_var("TENCENTCLOUD_STS_ENDPOINT", "http://127.0.0.1:9");
        match credential_outcome(&path, LABEL, &ProfileName::fallback(), None, &env) {
            Outcome::Role { source, provider } => {
                assert_eq!(
                    source,
                    "STS AssumeRole of `qcs::cam::uin/1:roleName/r` at http://127.0.0.1:9 with credentials from \
                     file ~/.tccli/default.credential, profile `default`"
                );
                assert!(format!("{provider:?}").contains("session_name: \"ci\""));
                assert!(!format!("{provider:?}").contains("DISTINCTIVE"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cvm_role_type_asks_the_metadata_service() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("default.credential");
        std::fs::write(&path, r#"{"type": "cvm-role"}"#).unwrap();
        let env = crate::credentials::MapEnvironment::new()
            .with_var("TENCENTCLOUD_METADATA_ENDPOINT", "http://127.0.0.1:9");
        match credential_outcome(&path, LABEL, &ProfileName::fallback(), None, &env) {
            Outcome::Role { source, .. } => {
                assert_eq!(source, "CVM role (metadata service http://127.0.0.1:9)")
            }
            other => panic!("{other:?}"),
        }
        let named = env.with_var("TENCENTCLOUD_CAM_ROLE_NAME", "Named");
        match credential_outcome(&path, LABEL, &ProfileName::fallback(), None, &named) {
            Outcome::Role { source, .. } => {
                assert_eq!(
                    source,
                    "CVM role `Named` (metadata service http://127.0.0.1:9)"
                )
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn broken_and_unsupported_files_stop_with_the_reason() {
        let cases = [
            (
                format!("{{\"secretKey\": \"{SECRET}\",,}}"),
                "invalid JSON at line 1 column 39",
            ),
            ("[]".to_owned(), "expected a JSON object at the top level"),
            (
                format!(r#"{{"secretKey": "{SECRET}"}}"#),
                "profile `default`: secretId missing",
            ),
            (
                r#"{"secretId": "AKID"}"#.to_owned(),
                "profile `default`: secretKey missing",
            ),
            (
                format!(r#"{{"secretId": "AKID", "secretKey": "{SECRET} "}}"#),
                "profile `default`: secretKey has leading or trailing whitespace",
            ),
            (
                format!(r#"{{"secretId": "AKID", "secretKey": "{SECRET}", "token": 7}}"#),
                "profile `default`: token is not a string",
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(malformed(&text), expected, "{text}");
        }
    }

    #[test]
    fn missing_file_is_absent() {
        let dir = tempfile::tempdir().unwrap();
        let profile = ProfileName {
            name: "prod".into(),
            origin: NameOrigin::Var("TCCLI_PROFILE"),
        };
        match credential_outcome(
            &dir.path().join("nope"),
            LABEL,
            &profile,
            None,
            &crate::credentials::MapEnvironment::new(),
        ) {
            Outcome::Absent(why) => {
                assert_eq!(why, "no such file for profile `prod` (from TCCLI_PROFILE)")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn profile_names_stay_inside_the_directory() {
        let home = Path::new("/h");
        let named = |name: &str| ProfileName {
            name: name.into(),
            origin: NameOrigin::Explicit,
        };
        assert_eq!(
            profile_file(home, &named("prod"), "configure"),
            Ok(home.join(".tccli").join("prod.configure"))
        );
        for bad in ["../x", "a/b", "a\\b", "..", "."] {
            let error = profile_file(home, &named(bad), "credential").unwrap_err();
            assert!(
                error.ends_with("not usable as a file name in ~/.tccli"),
                "{error}"
            );
        }
        assert_eq!(
            credential_label(None, &named("a/b")),
            "~/.tccli/a/b.credential"
        );
    }

    #[test]
    fn region_from_sys_param_then_top_level() {
        let cases = [
            (
                r#"{"_sys_param": {"region": "ap-shanghai", "output": "json"}, "region": "ap-old"}"#,
                Ok(Some("ap-shanghai".to_owned())),
            ),
            (
                r#"{"_sys_param": {"output": "json"}, "region": "ap-old"}"#,
                Ok(Some("ap-old".to_owned())),
            ),
            (r#"{"_sys_param": {"region": ""}}"#, Ok(None)),
            (r#"{"vpc": {"version": "2017-03-12"}}"#, Ok(None)),
            (
                r#"{"_sys_param": {"region": 1}}"#,
                Err("_sys_param: region is not a string".to_owned()),
            ),
            (
                r#"{"_sys_param": []}"#,
                Err("`_sys_param` is not an object".to_owned()),
            ),
            ("{,", Err("invalid JSON at line 1 column 2".to_owned())),
        ];
        for (text, expected) in cases {
            let (_dir, path) = write(text);
            assert_eq!(configured_region(&path), expected, "{text}");
        }
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(configured_region(&dir.path().join("nope")), Ok(None));
    }
}
