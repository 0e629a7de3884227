//! The Alibaba Cloud chain's sources that come from a call — the ECS RAM role, the credentials URI — in their
//! place in the chain, against a fake metadata service on 127.0.0.1.

use super::fake_server::FakeServer;
use super::*;
use std::sync::Arc;

const SECRET: &str = "sEcReT-DISTINCTIVE-9f3a";

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

    fn ini(&self, text: &str) {
        let path = self.dir.path().join(".alibabacloud/credentials");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
    }
}

fn assert_hidden(text: &str) {
    assert!(!text.contains("DISTINCTIVE"), "secret leaked: {text}");
}

const ECS_JSON: &str = r#"{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecs-DISTINCTIVE","SecurityToken":"tok-DISTINCTIVE","Expiration":"2099-01-01T00:00:00Z","Code":"Success"}"#;

fn provide_with(
    env: MapEnvironment,
) -> impl std::future::Future<Output = Result<Resolved<AlibabaCredentials>, CredentialsError>> {
    let chain = AlibabaChain::new().environment(Arc::new(env));
    async move { chain.provide().await }
}

#[tokio::test]
async fn the_ecs_role_named_by_the_environment_comes_from_the_metadata_service() {
    let server = FakeServer::start().await;
    server.route("PUT", "/latest/api/token", 200, "t");
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/R",
        200,
        ECS_JSON,
    );
    let home = Home::new();
    let env = home
        .env()
        .with_var("ALIBABA_CLOUD_ECS_METADATA", "R")
        .with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &server.base);
    let resolved = provide_with(env.clone()).await.unwrap();
    assert_eq!(resolved.credentials.access_key_id, "STS.ecs");
    assert!(resolved.expires_at.is_some());
    assert_eq!(
        resolved.source,
        format!("ECS RAM role `R` (metadata service {})", server.base)
    );
    // `resolve` makes no call, and says so.
    let error = AlibabaChain::new().resolve(&env).unwrap_err();
    assert!(error.to_string().contains("use `provide`"), "{error}");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_metadata_service_that_is_down_stops_the_chain_and_earlier_sources_still_win() {
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let uri = FakeServer::start().await;
    uri.route("GET", "/creds", 200, ECS_JSON);
    let home = Home::new();
    let env = home
        .env()
        .with_var("ALIBABA_CLOUD_ECS_METADATA", "R")
        .with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &down)
        .with_var(
            "ALIBABA_CLOUD_CREDENTIALS_URI",
            format!("{}/creds", uri.base),
        );
    // The ECS step comes before the URI: its failure is the answer, naming the provider and the endpoint.
    let error = provide_with(env.clone()).await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("ECS RAM role `R` (metadata service {down})")),
        "{shown}"
    );
    assert!(shown.contains("cannot connect"), "{shown}");
    assert!(
        uri.received().is_empty(),
        "the chain went past a broken source"
    );

    // Keys in the environment come first: the metadata service is not asked.
    let with_keys = env
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    assert_eq!(
        provide_with(with_keys)
            .await
            .unwrap()
            .credentials
            .access_key_id,
        "LTAIenv"
    );
}

#[tokio::test]
async fn the_credentials_uri_is_the_last_source() {
    let uri = FakeServer::start().await;
    uri.route("GET", "/creds", 200, ECS_JSON);
    let home = Home::new();
    let env = home.env().with_var(
        "ALIBABA_CLOUD_CREDENTIALS_URI",
        format!("{}/creds", uri.base),
    );
    let resolved = provide_with(env.clone()).await.unwrap();
    assert_eq!(
        resolved.source,
        "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)"
    );
    assert_hidden(&format!("{resolved:?}"));
    // A profile file comes before it.
    home.ini("[default]\ntype = access_key\naccess_key_id = LTAIini\naccess_key_secret = x\n");
    assert_eq!(
        provide_with(env).await.unwrap().credentials.access_key_id,
        "LTAIini"
    );
    assert_eq!(uri.received().len(), 1);
}

#[tokio::test]
async fn an_ini_ecs_ram_role_section_uses_the_metadata_service() {
    let server = FakeServer::start().await;
    server.route("PUT", "/latest/api/token", 200, "t");
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/IniRole",
        200,
        ECS_JSON,
    );
    let home = Home::new();
    home.ini("[default]\ntype = ecs_ram_role\nrole_name = IniRole\n");
    let env = home
        .env()
        .with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &server.base);
    let resolved = provide_with(env).await.unwrap();
    assert_eq!(
        resolved.source,
        format!("ECS RAM role `IniRole` (metadata service {})", server.base)
    );
}

/// Role names that would make the metadata path point elsewhere, or are no names at all.
const BAD_ROLE_NAMES: &[&str] = &[
    "../../api/token",
    "a/b",
    "..",
    "r?x=1",
    "r#frag",
    "r x",
    "r\u{7}",
];

#[tokio::test]
async fn role_names_that_would_change_the_metadata_path_are_refused_before_any_call() {
    let server = FakeServer::start().await;
    let home = Home::new();
    let at =
        |env: MapEnvironment| env.with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &server.base);
    for bad in BAD_ROLE_NAMES {
        let from_env = at(home.env()).with_var("ALIBABA_CLOUD_ECS_METADATA", *bad);
        let shown = provide_with(from_env).await.unwrap_err().to_string();
        assert!(
            shown.contains("ALIBABA_CLOUD_ECS_METADATA holds more than a role name may"),
            "{bad:?}: {shown}"
        );
        assert!(shown.contains("ASCII letters, digits and . _ -"), "{shown}");
    }
    // The ini parser trims a value's surrounding whitespace and control characters and cuts an inline
    // `#` comment: those are tried from the environment only.
    let in_ini = |b: &&&str| b.trim() == **b && !b.ends_with('\u{7}') && !b.contains('#');
    for bad in BAD_ROLE_NAMES.iter().filter(in_ini) {
        home.ini(&format!(
            "[default]\ntype = ecs_ram_role\nrole_name = {bad}\n"
        ));
        let shown = provide_with(at(home.env())).await.unwrap_err().to_string();
        assert!(
            shown
                .contains("~/.alibabacloud/credentials (role_name holds more than a role name may"),
            "{bad:?}: {shown}"
        );
    }
    let config = home.dir.path().join(".aliyun/config.json");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::remove_file(home.dir.path().join(".alibabacloud/credentials")).unwrap();
    std::fs::write(
        &config,
        r#"{"current":"p","profiles":[{"name":"p","mode":"EcsRamRole","ram_role_name":"../x"}]}"#,
    )
    .unwrap();
    let shown = provide_with(at(home.env())).await.unwrap_err().to_string();
    assert!(
        shown.contains("ram_role_name holds more than a role name may"),
        "{shown}"
    );
    assert!(shown.contains("config.json"), "{shown}");
    assert!(
        server.received().is_empty(),
        "a metadata path was built from a bad role name"
    );
}

#[tokio::test]
async fn a_discovered_role_that_is_not_a_role_name_is_refused() {
    for listed in ["..", "a/b", "r?x", "r#x", "r\tx"] {
        let server = FakeServer::start().await;
        server.route("PUT", "/latest/api/token", 200, "t");
        server.route(
            "GET",
            "/latest/meta-data/ram/security-credentials/",
            200,
            listed,
        );
        let env = Home::new()
            .env()
            .with_var("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", &server.base);
        let shown = provide_with(env).await.unwrap_err().to_string();
        assert!(
            shown.contains("the answer is not a role name"),
            "{listed:?}: {shown}"
        );
        // The token and the list, nothing more.
        assert_eq!(server.received().len(), 2, "{listed:?}");
    }
}
