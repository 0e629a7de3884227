//! The ECS RAM role and credentials-URI providers against a fake metadata service on 127.0.0.1.

use super::*;
use crate::credentials::fake_server::FakeServer;

const ROLE_JSON: &str = r#"{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecs-SeCrEt-DISTINCTIVE","Expiration":"2099-01-01T00:00:00Z","SecurityToken":"ecs-ToKeN-DISTINCTIVE","LastUpdated":"2098-12-31T18:00:00Z","Code":"Success"}"#;

fn assert_no_secret(text: &str) {
    assert!(!text.contains("DISTINCTIVE"), "{text}");
}

#[tokio::test]
async fn imdsv2_token_first_then_the_discovered_role() {
    let server = FakeServer::start().await;
    server.route("PUT", "/latest/api/token", 200, "imds-token-1");
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/",
        200,
        "EcsRole",
    );
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/EcsRole",
        200,
        ROLE_JSON,
    );
    let provider = EcsRamRoleProvider::new(&server.base, None, false).unwrap();
    let resolved = provider.provide().await.unwrap();
    assert_eq!(
        resolved.credentials,
        AlibabaCredentials::new("STS.ecs", "ecs-SeCrEt-DISTINCTIVE")
            .with_token("ecs-ToKeN-DISTINCTIVE")
    );
    assert_eq!(
        resolved.expires_at,
        parse_expiration("2099-01-01T00:00:00Z")
    );
    assert_eq!(
        resolved.source,
        format!("ECS RAM role `EcsRole` (metadata service {})", server.base)
    );
    assert_no_secret(&format!("{resolved:?} {provider:?}"));

    let seen = server.received();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[0].method, "PUT");
    assert_eq!(
        seen[0].header("x-aliyun-ecs-metadata-token-ttl-seconds"),
        Some("21600")
    );
    for read in &seen[1..] {
        assert_eq!(read.method, "GET");
        assert_eq!(
            read.header("x-aliyun-ecs-metadata-token"),
            Some("imds-token-1")
        );
    }
}

#[tokio::test]
async fn a_named_role_is_not_discovered_and_imdsv1_is_the_fallback() {
    let server = FakeServer::start().await;
    // An old metadata service: no token route (404).
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/Named",
        200,
        ROLE_JSON,
    );
    let provider = EcsRamRoleProvider::new(&server.base, Some("Named".into()), false).unwrap();
    assert_eq!(
        provider.provide().await.unwrap().credentials.access_key_id,
        "STS.ecs"
    );
    let seen = server.received();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[1].header("x-aliyun-ecs-metadata-token"), None);
}

#[tokio::test]
async fn with_imdsv1_disabled_a_missing_token_is_an_error() {
    let server = FakeServer::start().await;
    server.route(
        "GET",
        "/latest/meta-data/ram/security-credentials/Named",
        200,
        ROLE_JSON,
    );
    let provider = EcsRamRoleProvider::new(&server.base, Some("Named".into()), true).unwrap();
    let error = provider.provide().await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("PUT /latest/api/token (the IMDSv2 token): HTTP 404"),
        "{shown}"
    );
    assert!(shown.contains("ALIBABA_CLOUD_IMDSV1_DISABLED"), "{shown}");
    assert_eq!(server.received().len(), 1, "nothing read without a token");
}

#[tokio::test]
async fn an_instance_without_a_role_says_so() {
    let server = FakeServer::start().await;
    server.route("PUT", "/latest/api/token", 200, "t");
    let error = EcsRamRoleProvider::new(&server.base, None, false)
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    assert!(error.stopped_on_malformed);
    assert!(
        error
            .to_string()
            .contains("no RAM role is attached to this instance"),
        "{error}"
    );
}

#[tokio::test]
async fn a_metadata_service_that_is_down_is_named_with_its_endpoint() {
    // A port that was just free: nothing listens there.
    let base = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let error = EcsRamRoleProvider::new(&base, Some("R".into()), true)
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("ECS RAM role `R` (metadata service {base})")),
        "{shown}"
    );
    assert!(shown.contains("cannot connect"), "{shown}");
    assert!(shown.contains("after 3 attempts"), "{shown}");
    // Down is not malformed: the message says the source failed; the chain still stops there.
    assert!(error.stopped_on_malformed && error.call_failed, "{error:?}");
    assert!(
        shown.starts_with("Alibaba Cloud credentials source failed: ECS RAM role"),
        "{shown}"
    );
    assert!(!shown.contains("malformed"), "{shown}");
}

#[tokio::test]
async fn answers_that_are_not_credentials_are_errors_without_values() {
    let server = FakeServer::start().await;
    server.route("PUT", "/latest/api/token", 200, "t");
    let path = "/latest/meta-data/ram/security-credentials/R";
    let cases = [
        (
            r#"{"Code":"Failure","AccessKeySecret":"x-DISTINCTIVE"}"#,
            "the answer's Code is Failure",
        ),
        (
            r#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s-DISTINCTIVE","Expiration":"2099-01-01T00:00:00Z"}"#,
            "SecurityToken missing",
        ),
        (
            r#"{"Code":"Success","AccessKeyId":"a","AccessKeySecret":"s-DISTINCTIVE","SecurityToken":"t","Expiration":"soon"}"#,
            "Expiration is not a time",
        ),
        ("<html>DISTINCTIVE</html>", "invalid JSON"),
    ];
    for (body, _) in cases {
        server.route("GET", path, 200, body);
    }
    let provider = EcsRamRoleProvider::new(&server.base, Some("R".into()), false).unwrap();
    for (_, expected) in cases {
        let error = provider.provide().await.unwrap_err();
        let shown = error.to_string();
        assert!(shown.contains(expected), "{shown}");
        assert_no_secret(&shown);
    }
}

#[tokio::test]
async fn a_credentials_uri_answers_the_same_json() {
    let server = FakeServer::start().await;
    server.route("GET", "/creds", 200, ROLE_JSON);
    server.route(
        "GET",
        "/denied",
        403,
        r#"{"Code":"Forbidden","Message":"DISTINCTIVE"}"#,
    );
    let resolved = CredentialsUriProvider::new(format!("{}/creds?k=v", server.base))
        .unwrap()
        .provide()
        .await
        .unwrap();
    assert_eq!(resolved.credentials.access_key_id, "STS.ecs");
    assert_eq!(
        resolved.source,
        "credentials URI (ALIBABA_CLOUD_CREDENTIALS_URI)"
    );
    let error = CredentialsUriProvider::new(format!("{}/denied", server.base))
        .unwrap()
        .provide()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("GET: HTTP 403 Forbidden"),
        "{error}"
    );
    assert_no_secret(&error.to_string());
    assert!(CredentialsUriProvider::new("file:///etc/creds").is_err());
}
