//! A service error that rejects the credentials (wrong secret, unknown or disabled key) says where the
//! credentials came from — the variable, or the file and profile — and never the secret. Other errors do
//! not carry a source.

use cloudvpn::credentials::{AlibabaChain, MapEnvironment, TencentChain};
use cloudvpn::test_util::{FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::HttpResponse;
use cloudvpn::{AlibabaClient, ApiClient, Deletion, Error, RetryConfig, TencentClient};
use cloudvpn_types::OperationError;
use cloudvpn_types::alibaba_vpc::{DeleteVpnGatewayError, DeleteVpnGatewayRequest};
use cloudvpn_types::tencent_vpc_v2::{DeleteVpnConnError, DeleteVpnConnRequest};
use std::path::Path;
use std::sync::Arc;

const SECRET: &str = "rejected-SeCrEt-DISTINCTIVE";

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

fn alibaba_error(code: &str) -> String {
    format!(
        r#"{{"RequestId":"REQ-1","HostId":"vpc.aliyuncs.com","Code":"{code}","Message":"scripted {code}"}}"#
    )
}

fn alibaba(t: &Arc<ScriptedTransport>, env: MapEnvironment) -> AlibabaClient {
    AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(Arc::new(AlibabaChain::new().environment(Arc::new(env))))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

fn tencent(t: &Arc<ScriptedTransport>, env: MapEnvironment) -> TencentClient {
    TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials_provider(Arc::new(TencentChain::new().environment(Arc::new(env))))
        .transport(t.clone())
        .ids(Arc::new(FixedIds::counting("n", 100, "unused")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

fn write(home: &Path, relative: &str, text: &str) {
    let path = home.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn source_of<E: OperationError>(error: &Error<E>) -> Option<&str> {
    error.service_error()?.info().credentials_source.as_deref()
}

fn assert_hidden(text: &str) {
    assert!(!text.contains("DISTINCTIVE"), "secret leaked: {text}");
}

#[tokio::test]
async fn a_wrong_alibaba_secret_names_the_environment_variable() {
    let t = Arc::new(ScriptedTransport::new([
        respond(400, &alibaba_error("SignatureDoesNotMatch")),
        respond(403, &alibaba_error("Forbidden.RAM")),
    ]));
    let env = MapEnvironment::new()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET);
    let client = alibaba(&t, env);
    let request = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1");

    let error = client.send(request.clone()).await.expect_err("rejected");
    assert!(matches!(
        error.service_error(),
        Some(DeleteVpnGatewayError::SignatureDoesNotMatch(_))
    ));
    assert_eq!(
        source_of(&error),
        Some("environment variable ALIBABA_CLOUD_ACCESS_KEY_ID")
    );
    let shown = error.to_string();
    assert!(
        shown.ends_with("; credentials from: environment variable ALIBABA_CLOUD_ACCESS_KEY_ID"),
        "{shown}"
    );
    assert_hidden(&shown);
    assert_hidden(&format!("{error:?}"));

    // A permission error is about the account, not the key: no source.
    let error = client.send(request).await.expect_err("forbidden");
    assert_eq!(error.code(), Some("Forbidden.RAM"));
    assert_eq!(source_of(&error), None);
    assert!(!error.to_string().contains("credentials from"), "{error}");
}

#[tokio::test]
async fn an_unknown_alibaba_key_names_the_profile_file_also_on_delete() {
    let home = tempfile::tempdir().unwrap();
    write(
        home.path(),
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "ops", "profiles": [{{"name": "ops", "mode": "AK", "access_key_id": "LTAIgone", "access_key_secret": "{SECRET}"}}]}}"#
        ),
    );
    let t = Arc::new(ScriptedTransport::new([
        respond(404, &alibaba_error("InvalidAccessKeyId.NotFound")),
        respond(400, &alibaba_error("InvalidAccessKeyId.Inactive")),
    ]));
    let client = alibaba(&t, MapEnvironment::new().with_home(home.path()));
    let request = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1");
    for expected in ["InvalidAccessKeyId.NotFound", "InvalidAccessKeyId.Inactive"] {
        let error = match client.delete(request.clone()).await {
            Err(error) => error,
            Ok(Deletion::Deleted(_) | Deletion::AlreadyGone { .. }) => {
                panic!("{expected} expected")
            }
        };
        assert_eq!(error.code(), Some(expected));
        assert!(
            !error.is_not_found(),
            "a missing key is not a missing gateway"
        );
        assert_eq!(
            source_of(&error),
            Some("file ~/.aliyun/config.json, profile `ops`")
        );
        assert_hidden(&error.to_string());
    }
}

#[tokio::test]
async fn tencent_auth_failures_name_the_tccli_profile() {
    let home = tempfile::tempdir().unwrap();
    write(
        home.path(),
        ".tccli/default.credential",
        &format!(r#"{{"secretId": "AKIDtccli", "secretKey": "{SECRET}"}}"#),
    );
    let t = Arc::new(ScriptedTransport::new([
        // The emulator's and the documents' spelling: codeDesc AuthFailure beside the integer 4100.
        respond(
            200,
            r#"{"code":4100,"message":"signature mismatch","codeDesc":"AuthFailure"}"#,
        ),
        respond(200, r#"{"code":4104,"message":"no such SecretId"}"#),
        respond(
            200,
            r#"{"code":5000,"message":"no such vpc","codeDesc":"InvalidVpc.NotFound"}"#,
        ),
    ]));
    let client = tencent(&t, MapEnvironment::new().with_home(home.path()));
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    for envelope in [4100, 4104] {
        let error = client.send(request.clone()).await.expect_err("rejected");
        let service = error.service_error().expect("a service error");
        assert_eq!(service.info().envelope_code, Some(envelope));
        assert_eq!(
            source_of(&error),
            Some("file ~/.tccli/default.credential, profile `default`")
        );
        assert_hidden(&error.to_string());
    }
    let error = client.send(request).await.expect_err("not found");
    assert!(matches!(
        error.service_error(),
        Some(DeleteVpnConnError::InvalidVpcNotFound(_))
    ));
    assert_eq!(source_of(&error), None);
}
