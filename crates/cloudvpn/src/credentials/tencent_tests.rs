//! The Tencent Cloud chain's tests: order, environment variables, profile files and their problems.

use super::super::env::MapEnvironment;
use super::super::error::Attempt;
use super::*;
use std::fs;

const SECRET: &str = "tc-KeY-DISTINCTIVE-51e0";
const TOKEN: &str = "tc-ToKeN-DISTINCTIVE-0a9b";

fn temp_home() -> (tempfile::TempDir, MapEnvironment) {
    let dir = tempfile::tempdir().unwrap();
    let env = MapEnvironment::new().with_home(dir.path());
    (dir, env)
}

fn write_credentials(home: &Path, text: &str) {
    let path = home.join(".tencentcloud").join("credentials");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
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

fn env_pair(env: MapEnvironment) -> MapEnvironment {
    env.with_var(ID_VAR, "AKIDenv").with_var(KEY_VAR, SECRET)
}

#[test]
fn credentials_debug_hides_key_and_token() {
    let credentials = TencentCredentials::new("AKIDshown", SECRET).with_token(TOKEN);
    assert_eq!(credentials.token.as_ref().unwrap().expose(), TOKEN);
    for shown in [format!("{credentials:?}"), format!("{credentials:#?}")] {
        assert!(shown.contains("AKIDshown"), "{shown}");
        assert_hidden(&shown);
    }
}

#[test]
fn chain_order() {
    let (dir, env) = temp_home();
    write_credentials(
        dir.path(),
        "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
    );
    let env = env_pair(env);

    let explicit = TencentChain::new()
        .explicit(TencentCredentials::new("AKIDexplicit", SECRET))
        .resolve(&env)
        .unwrap();
    assert_eq!(explicit.credentials.secret_id, "AKIDexplicit");
    assert_eq!(explicit.source, "explicit");

    // The environment beats the file even though both exist.
    let from_env = TencentChain::new().resolve(&env).unwrap();
    assert_eq!(
        from_env.credentials,
        TencentCredentials::new("AKIDenv", SECRET)
    );
    assert_eq!(
        from_env.source,
        "environment variable TENCENTCLOUD_SECRET_ID"
    );
    assert_eq!(from_env.region, None);

    let (dir2, env2) = temp_home();
    write_credentials(
        dir2.path(),
        "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
    );
    let from_file = TencentChain::new().resolve(&env2).unwrap();
    assert_eq!(
        from_file.credentials,
        TencentCredentials::new("AKIDfile", "k")
    );
    assert_eq!(
        from_file.source,
        "file ~/.tencentcloud/credentials, profile `default`"
    );
}

#[test]
fn token_aliases_in_order() {
    let base = env_pair(MapEnvironment::new()).with_var(REGION_VAR, "ap-shanghai");
    let cases = [
        (
            vec!["TENCENTCLOUD_SESSION_TOKEN"],
            "TENCENTCLOUD_SESSION_TOKEN",
        ),
        (
            vec!["TENCENTCLOUD_TOKEN", "TENCENTCLOUD_SESSION_TOKEN"],
            "TENCENTCLOUD_TOKEN",
        ),
        (
            vec![
                "TENCENTCLOUD_SECURITY_TOKEN",
                "TENCENTCLOUD_TOKEN",
                "TENCENTCLOUD_SESSION_TOKEN",
            ],
            "TENCENTCLOUD_SECURITY_TOKEN",
        ),
    ];
    for (set, winner) in cases {
        let mut env = base.clone();
        for name in &set {
            let value = if *name == winner {
                TOKEN.to_owned()
            } else {
                format!("other-{name}")
            };
            env = env.with_var(*name, value);
        }
        let resolved = TencentChain::new().resolve(&env).unwrap();
        assert_eq!(
            resolved.credentials.token.as_ref().map(Secret::expose),
            Some(TOKEN)
        );
        assert_eq!(
            resolved.source,
            format!("environment variables TENCENTCLOUD_SECRET_ID and {winner}")
        );
        assert_eq!(resolved.region.as_deref(), Some("ap-shanghai"));
        assert_hidden(&format!("{resolved:?}"));
    }
    // An empty alias is skipped in favour of the next one.
    let env = base
        .with_var("TENCENTCLOUD_SECURITY_TOKEN", "")
        .with_var("TENCENTCLOUD_TOKEN", TOKEN);
    let resolved = TencentChain::new().resolve(&env).unwrap();
    assert_eq!(
        resolved.source,
        "environment variables TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_TOKEN"
    );
}

#[test]
fn partial_and_padded_environment_stops_the_chain() {
    let (dir, home_env) = temp_home();
    write_credentials(
        dir.path(),
        "[default]\nsecret_id = AKIDfile\nsecret_key = k\n",
    );
    let cases = [
        (
            home_env.clone().with_var(ID_VAR, "AKID"),
            "TENCENTCLOUD_SECRET_ID set but TENCENTCLOUD_SECRET_KEY missing",
        ),
        (
            home_env
                .clone()
                .with_var(ID_VAR, "")
                .with_var(KEY_VAR, SECRET),
            "TENCENTCLOUD_SECRET_KEY set but TENCENTCLOUD_SECRET_ID missing",
        ),
        (
            home_env.clone().with_var("TENCENTCLOUD_TOKEN", TOKEN),
            "TENCENTCLOUD_TOKEN set but TENCENTCLOUD_SECRET_ID and TENCENTCLOUD_SECRET_KEY missing",
        ),
        (
            home_env
                .clone()
                .with_var(ID_VAR, " AKID")
                .with_var(KEY_VAR, SECRET),
            "TENCENTCLOUD_SECRET_ID has leading or trailing whitespace",
        ),
        (
            home_env
                .clone()
                .with_var(ID_VAR, "AKID")
                .with_var(KEY_VAR, format!("{SECRET} ")),
            "TENCENTCLOUD_SECRET_KEY has leading or trailing whitespace",
        ),
        (
            home_env
                .clone()
                .with_var(ID_VAR, "AKID")
                .with_var(KEY_VAR, "   "),
            "TENCENTCLOUD_SECRET_KEY is empty",
        ),
        (
            env_pair(home_env.clone())
                .with_var("TENCENTCLOUD_SECURITY_TOKEN", format!("\t{TOKEN}")),
            "TENCENTCLOUD_SECURITY_TOKEN has leading or trailing whitespace",
        ),
    ];
    for (env, expected) in cases {
        let error = TencentChain::new().resolve(&env).unwrap_err();
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
fn explicit_values_are_checked() {
    let cases = [
        (TencentCredentials::new("", SECRET), "secret_id is empty"),
        (
            TencentCredentials::new("AKID ", SECRET),
            "secret_id has leading or trailing whitespace",
        ),
        (
            TencentCredentials::new("AKID", format!("\n{SECRET}")),
            "secret_key has leading or trailing whitespace",
        ),
        (
            TencentCredentials::new("AKID", SECRET).with_token(""),
            "token is empty",
        ),
    ];
    for (credentials, expected) in cases {
        let env = env_pair(MapEnvironment::new());
        let error = TencentChain::new()
            .explicit(credentials)
            .resolve(&env)
            .unwrap_err();
        assert_eq!(attempts(&error), vec![("explicit", expected)]);
        assert_hidden(&error.to_string());
    }
}

#[test]
fn missing_everything_lists_every_source_in_order() {
    let (_dir, env) = temp_home();
    let error = TencentChain::new().resolve(&env).unwrap_err();
    assert!(!error.stopped_on_malformed);
    assert_eq!(error.provider, Provider::Tencent);
    assert_eq!(
        error.to_string(),
        "no Tencent Cloud credentials found; tried: explicit (not given); environment \
         (TENCENTCLOUD_SECRET_ID not set); ~/.tencentcloud/credentials (no such file); \
         ~/.tccli/default.credential (no such file for profile `default`); CVM role \
         (TENCENTCLOUD_CAM_ROLE_NAME and TENCENTCLOUD_METADATA_ENDPOINT not set); TKE OIDC (TKE_PROVIDER_ID \
         and TKE_WEB_IDENTITY_TOKEN_FILE not set)"
    );
    let error = TencentChain::new()
        .resolve(&MapEnvironment::new())
        .unwrap_err();
    assert_eq!(
        attempts(&error)[2..],
        [
            ("~/.tencentcloud/credentials", "no home directory"),
            ("~/.tccli/default.credential", "no home directory"),
            (
                "CVM role",
                "TENCENTCLOUD_CAM_ROLE_NAME and TENCENTCLOUD_METADATA_ENDPOINT not set"
            ),
            (
                "TKE OIDC",
                "TKE_PROVIDER_ID and TKE_WEB_IDENTITY_TOKEN_FILE not set"
            ),
        ]
    );
}

#[test]
fn profile_file_sections_token_and_trimming() {
    let (dir, env) = temp_home();
    write_credentials(
        dir.path(),
        &format!(
            "# tccli-style file\n[default]\nsecret_id = AKIDdefault\nsecret_key = k\n\n\
             [prod]\n  Secret_Id =   AKIDprod   \nsecret_key:{SECRET}\ntoken = {TOKEN}\nrole_arn = ignored\n\
             [empty-token]\nsecret_id = AKIDe\nsecret_key = k\ntoken =\n"
        ),
    );
    let env = env.with_var(REGION_VAR, "ap-beijing");
    let by_var = env.clone().with_var("TENCENTCLOUD_PROFILE", "prod");
    let resolved = TencentChain::new().resolve(&by_var).unwrap();
    assert_eq!(
        resolved.credentials,
        TencentCredentials::new("AKIDprod", SECRET).with_token(TOKEN)
    );
    assert_eq!(
        resolved.source,
        "file ~/.tencentcloud/credentials, profile `prod`"
    );
    assert_eq!(resolved.region.as_deref(), Some("ap-beijing"));

    // The explicit name beats TENCENTCLOUD_PROFILE.
    let resolved = TencentChain::new()
        .profile("default")
        .resolve(&by_var)
        .unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDdefault");
    let resolved = TencentChain::new()
        .profile("empty-token")
        .resolve(&env)
        .unwrap();
    assert_eq!(resolved.credentials.token, None);

    let error = TencentChain::new()
        .profile("staging")
        .resolve(&by_var)
        .unwrap_err();
    assert!(!error.stopped_on_malformed);
    assert_eq!(
        attempts(&error)[2],
        (
            "~/.tencentcloud/credentials",
            "profile `staging` (given explicitly) not found"
        )
    );
}

#[test]
fn named_file_replaces_the_default() {
    let (dir, env) = temp_home();
    write_credentials(
        dir.path(),
        "[default]\nsecret_id = AKIDdefault\nsecret_key = k\n",
    );
    let named = dir.path().join("other.ini");
    fs::write(&named, "[default]\nsecret_id = AKIDnamed\nsecret_key = k\n").unwrap();
    let env = env.with_var(CREDENTIALS_FILE_VAR, named.to_string_lossy());
    let resolved = TencentChain::new().resolve(&env).unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDnamed");
    assert_eq!(resolved.source, "file ~/other.ini, profile `default`");

    fs::remove_file(&named).unwrap();
    let error = TencentChain::new().resolve(&env).unwrap_err();
    assert!(error.stopped_on_malformed);
    assert_eq!(
        attempts(&error)[2],
        (
            "~/other.ini",
            "no such file (named by TENCENTCLOUD_CREDENTIALS_FILE)"
        )
    );
}

#[test]
fn malformed_file_stops_with_file_and_reason() {
    let cases = [
        (
            "[default]\nsecret_id = AKID\ntc-KeY-DISTINCTIVE-51e0\n",
            "line 3: expected `key = value` or a `[section]` header",
        ),
        (
            "secret_id = AKID\n[default]\n",
            "line 1: key `secret_id` before any `[section]` header",
        ),
        (
            "[default]\nsecret_id = AKID\n",
            "profile `default`: secret_key missing",
        ),
        (
            "[default]\nsecret_id = AKID # my key\nsecret_key = k\n",
            "profile `default`: secret_id contains whitespace",
        ),
        (
            "[default]\nsecret_id = AKID\nsecret_key = \"\"\n",
            "profile `default`: secret_key is empty",
        ),
        (
            "[default]\nsecret_id = AKID\nsecret_key = \" tc-KeY-DISTINCTIVE-51e0\"\n",
            "profile `default`: secret_key has leading or trailing whitespace",
        ),
    ];
    for (text, expected) in cases {
        let (dir, env) = temp_home();
        write_credentials(dir.path(), text);
        let error = TencentChain::new().resolve(&env).unwrap_err();
        assert!(error.stopped_on_malformed, "{error}");
        assert_eq!(
            error.malformed_source(),
            Some(&Attempt {
                source: "~/.tencentcloud/credentials".into(),
                outcome: expected.into(),
            })
        );
        assert_hidden(&error.to_string());
    }
}

#[tokio::test]
async fn provide_uses_the_given_environment() {
    let chain = TencentChain::new()
        .environment(Arc::new(env_pair(MapEnvironment::new())))
        .profile("unused");
    assert_eq!(
        chain.provide().await.unwrap().credentials.secret_id,
        "AKIDenv"
    );
    let shown = format!("{chain:?}");
    assert!(shown.contains("unused"), "{shown}");
    assert_hidden(&shown);
    let _ = TencentChain::default();
}

const CVM_JSON: &str = r#"{"TmpSecretId":"AKIDcvm","TmpSecretKey":"k-DISTINCTIVE","Token":"t-DISTINCTIVE","ExpiredTime":4070908800,"Code":"Success"}"#;

#[tokio::test]
async fn the_cvm_role_comes_after_the_files_and_a_down_metadata_service_is_named() {
    let server = super::super::fake_server::FakeServer::start().await;
    server.route(
        "GET",
        "/latest/meta-data/cam/security-credentials/",
        200,
        "CvmRole",
    );
    server.route(
        "GET",
        "/latest/meta-data/cam/security-credentials/CvmRole",
        200,
        CVM_JSON,
    );
    let (dir, env) = temp_home();
    let env = env.with_var("TENCENTCLOUD_METADATA_ENDPOINT", &server.base);
    let chain = TencentChain::new().environment(Arc::new(env.clone()));
    let resolved = chain.provide().await.unwrap();
    assert_eq!(resolved.credentials.secret_id, "AKIDcvm");
    assert_eq!(
        resolved.source,
        format!("CVM role `CvmRole` (metadata service {})", server.base)
    );
    assert_hidden(&format!("{resolved:?}"));

    // A tccli profile comes first.
    std::fs::create_dir_all(dir.path().join(".tccli")).unwrap();
    std::fs::write(
        dir.path().join(".tccli/default.credential"),
        r#"{"secretId": "AKIDtccli", "secretKey": "k"}"#,
    )
    .unwrap();
    assert_eq!(
        chain.provide().await.unwrap().credentials.secret_id,
        "AKIDtccli"
    );
    assert_eq!(server.received().len(), 2);

    // A role named for a metadata service that is down: the error names the provider and the endpoint.
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let (_dir, bare) = temp_home();
    let bare = bare
        .with_var("TENCENTCLOUD_CAM_ROLE_NAME", "R")
        .with_var("TENCENTCLOUD_METADATA_ENDPOINT", &down);
    let error = TencentChain::new()
        .environment(Arc::new(bare))
        .provide()
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("CVM role `R` (metadata service {down})")),
        "{shown}"
    );
    assert!(shown.contains("cannot connect"), "{shown}");
}
