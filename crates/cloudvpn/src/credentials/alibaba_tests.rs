//! The Alibaba Cloud chain's tests: order, environment variables, profile files and their problems.

use super::super::env::MapEnvironment;
use super::super::error::Attempt;
use super::*;
use std::fs;

const SECRET: &str = "sEcReT-DISTINCTIVE-9f3a";
const TOKEN: &str = "ToKeN-DISTINCTIVE-77c1";

/// A temporary home directory and an environment pointing at it.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn env(&self) -> MapEnvironment {
        MapEnvironment::new().with_home(self.dir.path())
    }

    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, text).unwrap();
        path
    }

    fn cli_config(&self, text: &str) {
        self.write(".aliyun/config.json", text);
    }

    fn ini(&self, text: &str) {
        self.write(".alibabacloud/credentials", text);
    }
}

fn attempts(error: &CredentialsError) -> Vec<(&str, &str)> {
    error
        .attempts
        .iter()
        .map(|Attempt { source, outcome }| (source.as_str(), outcome.as_str()))
        .collect()
}

fn assert_hidden(text: &str) {
    assert!(!text.contains("DISTINCTIVE"), "secret leaked: {text}");
}

fn ak_profile(name: &str, id: &str) -> String {
    format!(
        r#"{{"name": "{name}", "mode": "AK", "access_key_id": "{id}", "access_key_secret": "{SECRET}", "region_id": "cn-{name}"}}"#
    )
}

fn env_pair() -> MapEnvironment {
    MapEnvironment::new()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
}

#[test]
fn credentials_debug_and_provider_name() {
    let plain = AlibabaCredentials::new("LTAIid", SECRET);
    assert_eq!(plain.provider_name(), "static_ak");
    let sts = plain.clone().with_token(TOKEN);
    assert_eq!(sts.provider_name(), "static_sts");
    assert_eq!(sts.security_token.as_ref().unwrap().expose(), TOKEN);
    for shown in [format!("{plain:?}"), format!("{sts:#?}")] {
        assert!(shown.contains("LTAIid"), "{shown}");
        assert_hidden(&shown);
    }
    assert_ne!(plain, sts);
}

#[test]
fn explicit_beats_environment_and_files() {
    let home = Home::new();
    home.cli_config(&format!(
        r#"{{"current": "default", "profiles": [{}]}}"#,
        ak_profile("default", "LTAIcli")
    ));
    let env = env_pair().with_home(home.dir.path());
    let chain = AlibabaChain::new().explicit(AlibabaCredentials::new("LTAIexplicit", SECRET));
    let resolved = chain.resolve(&env).unwrap();
    assert_eq!(resolved.credentials.access_key_id, "LTAIexplicit");
    assert_eq!(resolved.source, "explicit");
    assert_eq!(resolved.region, None);
    assert_hidden(&format!("{chain:?}"));
}

#[test]
fn environment_beats_files_even_when_both_exist() {
    let home = Home::new();
    home.cli_config(&format!(
        r#"{{"profiles": [{}]}}"#,
        ak_profile("default", "LTAIcli")
    ));
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    let env = env_pair()
        .with_var("ALIBABA_CLOUD_REGION", "cn-shanghai")
        .with_home(home.dir.path());
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.access_key_id, "LTAIenv");
    assert_eq!(resolved.credentials.access_key_secret.expose(), SECRET);
    assert_eq!(resolved.credentials.security_token, None);
    assert_eq!(
        resolved.source,
        "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"
    );
    assert_eq!(resolved.region.as_deref(), Some("cn-shanghai"));
}

#[test]
fn environment_token_is_optional_and_used() {
    let env = env_pair().with_var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN);
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.provider_name(), "static_sts");
    assert_eq!(
        resolved.source,
        "environment variables ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_SECURITY_TOKEN"
    );
    assert_hidden(&format!("{resolved:?}"));
}

#[test]
fn older_alicloud_names() {
    let env = MapEnvironment::new()
        .with_var("ALICLOUD_ACCESS_KEY", "LTAIold")
        .with_var("ALICLOUD_SECRET_KEY", SECRET)
        .with_var("ALICLOUD_SECURITY_TOKEN", TOKEN)
        .with_var("ALICLOUD_REGION", "cn-beijing");
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(
        resolved.credentials,
        AlibabaCredentials::new("LTAIold", SECRET).with_token(TOKEN)
    );
    assert_eq!(
        resolved.source,
        "environment variables ALICLOUD_ACCESS_KEY and ALICLOUD_SECURITY_TOKEN"
    );
    assert_eq!(resolved.region.as_deref(), Some("cn-beijing"));

    // The current names win, and the schemes are not mixed.
    let both = env
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAInew")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "new-secret");
    let resolved = AlibabaChain::new().resolve(&both).unwrap();
    assert_eq!(
        resolved.credentials,
        AlibabaCredentials::new("LTAInew", "new-secret")
    );
}

#[test]
fn partially_set_environment_stops_the_chain() {
    let home = Home::new();
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    let cases = [
        (
            MapEnvironment::new().with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI"),
            "ALIBABA_CLOUD_ACCESS_KEY_ID set but ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
        ),
        (
            MapEnvironment::new()
                .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI")
                .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
            "ALIBABA_CLOUD_ACCESS_KEY_ID set but ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
        ),
        (
            MapEnvironment::new().with_var("ALICLOUD_SECRET_KEY", SECRET),
            "ALICLOUD_SECRET_KEY set but ALICLOUD_ACCESS_KEY missing",
        ),
        (
            MapEnvironment::new().with_var("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
            "ALIBABA_CLOUD_SECURITY_TOKEN set but ALIBABA_CLOUD_ACCESS_KEY_ID and \
             ALIBABA_CLOUD_ACCESS_KEY_SECRET missing",
        ),
        (
            MapEnvironment::new()
                .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAI")
                .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", format!("{SECRET}\n")),
            "ALIBABA_CLOUD_ACCESS_KEY_SECRET has leading or trailing whitespace",
        ),
    ];
    for (env, expected) in cases {
        let env = env.with_home(home.dir.path());
        let error = AlibabaChain::new().resolve(&env).unwrap_err();
        assert!(error.stopped_on_malformed, "{error}");
        assert_eq!(
            attempts(&error),
            vec![("explicit", "not given"), ("environment", expected)]
        );
        assert_hidden(&error.to_string());
        assert_hidden(&format!("{error:?}"));
    }
}

#[test]
fn empty_variables_count_as_unset() {
    let home = Home::new();
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    let env = home
        .env()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "")
        .with_var("ALIBABA_CLOUD_SECURITY_TOKEN", "");
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.access_key_id, "LTAIini");
}

#[test]
fn missing_everything_lists_every_source_in_order() {
    let home = Home::new();
    let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
    assert!(!error.stopped_on_malformed);
    assert_eq!(error.provider, Provider::Alibaba);
    assert_eq!(
        attempts(&error),
        vec![
            ("explicit", "not given"),
            (
                "environment",
                "ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set"
            ),
            (
                "OIDC",
                "ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE not set"
            ),
            ("~/.aliyun/config.json", "no such file"),
            ("~/.alibabacloud/credentials", "no such file"),
            ("~/.alibabacloud/credentials.ini", "no such file"),
            (
                "ECS RAM role",
                "ALIBABA_CLOUD_ECS_METADATA and ALIBABA_CLOUD_ECS_METADATA_ENDPOINT not set"
            ),
            ("credentials URI", "ALIBABA_CLOUD_CREDENTIALS_URI not set"),
        ]
    );
    assert_eq!(
        error.to_string(),
        "no Alibaba Cloud credentials found; tried: explicit (not given); environment \
         (ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set); OIDC (ALIBABA_CLOUD_OIDC_PROVIDER_ARN \
         and ALIBABA_CLOUD_OIDC_TOKEN_FILE not set); ~/.aliyun/config.json (no such \
         file); ~/.alibabacloud/credentials (no such file); ~/.alibabacloud/credentials.ini (no such file); \
         ECS RAM role (ALIBABA_CLOUD_ECS_METADATA and ALIBABA_CLOUD_ECS_METADATA_ENDPOINT not set); \
         credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI not set)"
    );
}

#[test]
fn no_home_directory() {
    let error = AlibabaChain::new()
        .resolve(&MapEnvironment::new())
        .unwrap_err();
    assert_eq!(
        attempts(&error)[3..],
        [
            ("~/.aliyun/config.json", "no home directory"),
            ("~/.alibabacloud/credentials", "no home directory"),
            (
                "ECS RAM role",
                "ALIBABA_CLOUD_ECS_METADATA and ALIBABA_CLOUD_ECS_METADATA_ENDPOINT not set"
            ),
            ("credentials URI", "ALIBABA_CLOUD_CREDENTIALS_URI not set"),
        ]
    );
}

#[test]
fn cli_profile_beats_ini_file() {
    let home = Home::new();
    home.cli_config(&format!(
        r#"{{"current": "default", "profiles": [{}]}}"#,
        ak_profile("default", "LTAIcli")
    ));
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    let resolved = AlibabaChain::new().resolve(&home.env()).unwrap();
    assert_eq!(resolved.credentials.access_key_id, "LTAIcli");
    assert_eq!(
        resolved.source,
        "file ~/.aliyun/config.json, profile `default`"
    );
    assert_eq!(resolved.region.as_deref(), Some("cn-default"));
}

#[test]
fn profile_not_in_cli_config_falls_through_to_ini() {
    let home = Home::new();
    home.cli_config(&format!(
        r#"{{"current": "default", "profiles": [{}]}}"#,
        ak_profile("default", "LTAIcli")
    ));
    home.ini("[prod]\ntype = access_key\naccess_key_id = LTAIprod\naccess_key_secret = x\n");
    let env = home.env().with_var("ALIBABA_CLOUD_PROFILE", "prod");
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.access_key_id, "LTAIprod");
    assert_eq!(
        resolved.source,
        "file ~/.alibabacloud/credentials, profile `prod`"
    );
    assert_eq!(resolved.region, None);

    let error = AlibabaChain::new()
        .profile("nope")
        .resolve(&env)
        .unwrap_err();
    assert!(!error.stopped_on_malformed);
    assert_eq!(
        attempts(&error)[3..],
        [
            (
                "~/.aliyun/config.json",
                "profile `nope` (given explicitly) not found"
            ),
            (
                "~/.alibabacloud/credentials",
                "profile `nope` (given explicitly) not found"
            ),
            ("~/.alibabacloud/credentials.ini", "no such file"),
            (
                "ECS RAM role",
                "ALIBABA_CLOUD_ECS_METADATA and ALIBABA_CLOUD_ECS_METADATA_ENDPOINT not set"
            ),
            ("credentials URI", "ALIBABA_CLOUD_CREDENTIALS_URI not set"),
        ]
    );
}

#[test]
fn malformed_cli_config_stops_before_the_ini_file() {
    let home = Home::new();
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    let cases = [
        (
            format!("{{\n  \"access_key_secret\": \"{SECRET}\",\n    ,\n}}"),
            "invalid JSON at line 3 column 5",
        ),
        (
            r#"{"current": "role", "profiles": [{"name": "role", "mode": "CloudSSO"}]}"#.to_owned(),
            "profile `role` (from `current`): mode `CloudSSO` is not supported; use AK, StsToken, RamRoleArn, EcsRamRole, OIDC or ChainableRamRoleArn",
        ),
    ];
    for (json, expected) in cases {
        home.cli_config(&json);
        let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
        assert!(error.stopped_on_malformed);
        assert_eq!(
            attempts(&error),
            vec![
                ("explicit", "not given"),
                (
                    "environment",
                    "ALIBABA_CLOUD_ACCESS_KEY_ID and ALICLOUD_ACCESS_KEY not set"
                ),
                (
                    "OIDC",
                    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN and ALIBABA_CLOUD_OIDC_TOKEN_FILE not set"
                ),
                ("~/.aliyun/config.json", expected),
            ]
        );
        let shown = error.to_string();
        assert!(
            shown.starts_with(
                "malformed Alibaba Cloud credentials source: ~/.aliyun/config.json (the search stops"
            ),
            "{shown}"
        );
        assert!(
            shown.ends_with(&format!("~/.aliyun/config.json ({expected})")),
            "{shown}"
        );
        assert_hidden(&shown);
    }
}

#[test]
fn ini_file_types_comments_and_locations() {
    let home = Home::new();
    // The Python SDK's file name, and `sts` with an inline comment after every value.
    home.write(
        ".alibabacloud/credentials.ini",
        &format!(
            "; written by hand\n[default]\ntype = sts   # static STS\naccess_key_id = STS.id ; id\n\
             access_key_secret = {SECRET}  # secret\nsecurity_token = {TOKEN} # token\n"
        ),
    );
    let resolved = AlibabaChain::new().resolve(&home.env()).unwrap();
    assert_eq!(
        resolved.credentials,
        AlibabaCredentials::new("STS.id", SECRET).with_token(TOKEN)
    );
    assert_eq!(
        resolved.source,
        "file ~/.alibabacloud/credentials.ini, profile `default`"
    );

    // ALIBABA_CLOUD_CREDENTIALS_FILE replaces the default locations.
    let other = home.write(
        "elsewhere/creds",
        "[work]\ntype = access_key\naccess_key_id = LTAIw\naccess_key_secret = s\n",
    );
    let env = home
        .env()
        .with_var("ALIBABA_CLOUD_CREDENTIALS_FILE", other.to_string_lossy())
        .with_var("ALIBABA_CLOUD_PROFILE", "work");
    let resolved = AlibabaChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials, AlibabaCredentials::new("LTAIw", "s"));
    assert_eq!(resolved.source, "file ~/elsewhere/creds, profile `work`");
}

#[test]
fn ini_problems_stop_the_chain() {
    let cases = [
        (
            "[default]\ntype = access_key\naccess_key_id = a\nSTRAY SECRET LINE\n",
            "line 4: expected `key = value` or a `[section]` header",
        ),
        (
            "[default]\ntype = rsa_key_pair\npublic_key_id = r\n",
            "profile `default`: type `rsa_key_pair` is not supported; use access_key, sts, ram_role_arn, ecs_ram_role or oidc_role_arn",
        ),
        (
            "[default]\naccess_key_id = a\naccess_key_secret = b\n",
            "profile `default` has no `type`; use access_key, sts, ram_role_arn, ecs_ram_role or oidc_role_arn",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = a\n",
            "profile `default`: access_key_secret missing",
        ),
        (
            "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = # only a comment\n",
            "profile `default`: access_key_secret is empty",
        ),
        (
            "[default]\ntype = sts\naccess_key_id = a\naccess_key_secret = b\n",
            "profile `default`: security_token missing",
        ),
    ];
    for (text, expected) in cases {
        let home = Home::new();
        home.ini(text);
        home.write(
            ".alibabacloud/credentials.ini",
            "[default]\ntype = access_key\naccess_key_id = a\naccess_key_secret = b\n",
        );
        let error = AlibabaChain::new().resolve(&home.env()).unwrap_err();
        assert!(error.stopped_on_malformed, "{error}");
        assert_eq!(
            error.malformed_source(),
            Some(&Attempt {
                source: "~/.alibabacloud/credentials".into(),
                outcome: expected.into(),
            })
        );
        assert!(error.to_string().starts_with(
            "malformed Alibaba Cloud credentials source: ~/.alibabacloud/credentials ("
        ));
        assert_hidden(&error.to_string());
    }
}

#[test]
fn named_credentials_file_must_exist() {
    let home = Home::new();
    let env = home.env().with_var(
        "ALIBABA_CLOUD_CREDENTIALS_FILE",
        home.dir.path().join("missing").to_string_lossy(),
    );
    let error = AlibabaChain::new().resolve(&env).unwrap_err();
    assert!(error.stopped_on_malformed);
    assert_eq!(
        error.malformed_source(),
        Some(&Attempt {
            source: "~/missing".into(),
            outcome: "no such file (named by ALIBABA_CLOUD_CREDENTIALS_FILE)".into(),
        })
    );
}

#[tokio::test]
async fn provide_uses_the_given_environment() {
    let chain = AlibabaChain::new().environment(Arc::new(env_pair()));
    assert_eq!(
        chain.provide().await.unwrap().credentials.access_key_id,
        "LTAIenv"
    );
    let shown = format!("{chain:?}");
    assert!(shown.starts_with("AlibabaChain {"), "{shown}");
    assert_hidden(&shown);
    let _ = AlibabaChain::default();
}
