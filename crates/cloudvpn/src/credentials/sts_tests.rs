//! The STS-based providers through the chains, against a fake STS on 127.0.0.1: what each one sends
//! (signed or not, the token read afresh), what it makes of the answer, and how a refusal reads.

use super::fake_server::{FakeServer, Received};
use super::*;
use std::sync::Arc;

const ALIBABA_ANSWER: &str = r#"{"RequestId":"R-1","AssumedRoleUser":{"Arn":"acs:ram::1234567890123456:role/ci/s","AssumedRoleId":"3:s"},"Credentials":{"SecurityToken":"sts-ToKeN-DISTINCTIVE","AccessKeyId":"STS.issued","AccessKeySecret":"sts-SeCrEt-DISTINCTIVE","Expiration":"2099-01-01T00:00:00Z"}}"#;
const OIDC_ANSWER: &str = r#"{"RequestId":"R-2","OIDCTokenInfo":{"Subject":"ci","Issuer":"https://issuer","ClientIds":"sts.aliyuncs.com"},"AssumedRoleUser":{"Arn":"acs:ram::1234567890123456:role/ci/s","AssumedRoleId":"3:s"},"Credentials":{"SecurityToken":"sts-ToKeN-DISTINCTIVE","AccessKeyId":"STS.oidc","AccessKeySecret":"sts-SeCrEt-DISTINCTIVE","Expiration":"2099-01-01T00:00:00Z"}}"#;
const TENCENT_ANSWER: &str = r#"{"Response":{"Credentials":{"Token":"tc-ToKeN-DISTINCTIVE","TmpSecretId":"AKIDissued","TmpSecretKey":"tc-KeY-DISTINCTIVE"},"ExpiredTime":4070908800,"Expiration":"2099-01-01T00:00:00Z","RequestId":"r-1"}}"#;
const ROLE: &str = "acs:ram::1234567890123456:role/ci";
const TC_ROLE: &str = "qcs::cam::uin/100000000001:roleName/ci";

/// A query parameter of a received request, decoded.
fn param(request: &Received, name: &str) -> Option<String> {
    let query = request.target.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

fn percent_decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() + 1 {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

fn home() -> (tempfile::TempDir, MapEnvironment) {
    let dir = tempfile::tempdir().unwrap();
    let env = MapEnvironment::new().with_home(dir.path());
    (dir, env)
}

fn write(dir: &tempfile::TempDir, relative: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

async fn alibaba(env: MapEnvironment) -> Result<Resolved<AlibabaCredentials>, CredentialsError> {
    AlibabaChain::new()
        .environment(Arc::new(env))
        .provide()
        .await
}

#[tokio::test]
async fn a_ram_role_arn_profile_assumes_the_role_with_a_v1_signed_call() {
    let sts = FakeServer::start().await;
    sts.route("GET", "/", 200, ALIBABA_ANSWER);
    let (dir, env) = home();
    write(
        &dir,
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "role", "profiles": [{{"name": "role", "mode": "RamRoleArn", "access_key_id": "LTAIbase", "access_key_secret": "base-DISTINCTIVE", "ram_role_arn": "{ROLE}", "ram_session_name": "ci-session", "expired_seconds": 900}}]}}"#
        ),
    );
    let env = env.with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base);
    let resolved = alibaba(env).await.unwrap();
    assert_eq!(
        resolved.credentials,
        AlibabaCredentials::new("STS.issued", "sts-SeCrEt-DISTINCTIVE")
            .with_token("sts-ToKeN-DISTINCTIVE")
    );
    assert_eq!(
        resolved.expires_at,
        super::metadata::parse_expiration("2099-01-01T00:00:00Z")
    );
    assert_eq!(
        resolved.source,
        format!(
            "STS AssumeRole of `{ROLE}` at {} with credentials from file ~/.aliyun/config.json, profile `role`",
            sts.base
        )
    );
    assert!(!format!("{resolved:?}").contains("DISTINCTIVE"));
    let seen = sts.received();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(param(call, "Action").as_deref(), Some("AssumeRole"));
    assert_eq!(param(call, "Version").as_deref(), Some("2015-04-01"));
    assert_eq!(param(call, "RoleArn").as_deref(), Some(ROLE));
    assert_eq!(
        param(call, "RoleSessionName").as_deref(),
        Some("ci-session")
    );
    assert_eq!(param(call, "DurationSeconds").as_deref(), Some("900"));
    assert_eq!(param(call, "AccessKeyId").as_deref(), Some("LTAIbase"));
    assert_eq!(param(call, "SignatureMethod").as_deref(), Some("HMAC-SHA1"));
    assert!(param(call, "Signature").is_some());
}

#[tokio::test]
async fn oidc_from_the_environment_is_unsigned_and_reads_the_rotated_token_each_time() {
    let sts = FakeServer::start().await;
    sts.route("GET", "/", 200, OIDC_ANSWER);
    let (dir, env) = home();
    let token_file = write(&dir, "token", "token-one\n");
    let env = env
        .with_var("ALIBABA_CLOUD_ROLE_ARN", ROLE)
        .with_var(
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1234567890123456:oidc-provider/emulator",
        )
        .with_var(
            "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
            token_file.to_str().unwrap(),
        )
        .with_var("ALIBABA_CLOUD_ROLE_SESSION_NAME", "rrsa")
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base);
    let chain = AlibabaChain::new().environment(Arc::new(env));
    let first = chain.provide().await.unwrap();
    assert_eq!(first.credentials.access_key_id, "STS.oidc");
    assert!(first.source.starts_with(&format!(
        "STS AssumeRoleWithOIDC of `{ROLE}` at {}",
        sts.base
    )));
    // Kubernetes rotates the projected token: the next refresh sends the new one.
    std::fs::write(&token_file, "token-two").unwrap();
    chain.provide().await.unwrap();
    let seen = sts.received();
    let tokens: Vec<_> = seen.iter().map(|r| param(r, "OIDCToken")).collect();
    assert_eq!(
        tokens,
        [Some("token-one".to_owned()), Some("token-two".to_owned())]
    );
    for call in &seen {
        assert_eq!(param(call, "Action").as_deref(), Some("AssumeRoleWithOIDC"));
        assert_eq!(param(call, "Format").as_deref(), Some("JSON"));
        assert!(param(call, "Timestamp").is_some());
        assert_eq!(param(call, "RoleSessionName").as_deref(), Some("rrsa"));
        for absent in [
            "AccessKeyId",
            "Signature",
            "SignatureNonce",
            "SecurityToken",
        ] {
            assert_eq!(param(call, absent), None, "{absent} sent: {}", call.target);
        }
        assert_eq!(call.header("authorization"), None);
    }
}

#[tokio::test]
async fn oidc_variables_must_come_together_and_the_token_file_must_be_readable() {
    let (dir, env) = home();
    let partial = env
        .clone()
        .with_var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", "/nonexistent/token");
    let error = alibaba(partial).await.unwrap_err();
    assert!(error.stopped_on_malformed);
    assert!(
        error
            .to_string()
            .contains("OIDC needs all three of ALIBABA_CLOUD_ROLE_ARN"),
        "{error}"
    );

    let sts = FakeServer::start().await;
    let missing = dir.path().join("no-token");
    let env = env
        .with_var("ALIBABA_CLOUD_ROLE_ARN", ROLE)
        .with_var(
            "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
            "acs:ram::1:oidc-provider/p",
        )
        .with_var("ALIBABA_CLOUD_OIDC_TOKEN_FILE", missing.to_str().unwrap())
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base);
    let error = alibaba(env).await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("cannot read the OIDC token file"),
        "{error}"
    );
    assert!(sts.received().is_empty());
}

#[tokio::test]
async fn a_refusal_names_the_provider_the_endpoint_and_the_code_and_no_secret() {
    let sts = FakeServer::start().await;
    sts.route(
        "GET",
        "/",
        403,
        r#"{"RequestId":"R-9","Code":"NoPermission","Message":"string to sign was base-DISTINCTIVE"}"#,
    );
    let (_dir, env) = home();
    let env = env
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "LTAIenv")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "base-DISTINCTIVE")
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base);
    let chain = AlibabaChain::new()
        .assume_role(ROLE, Some("cli".to_owned()))
        .environment(Arc::new(env));
    let error = chain.provide().await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(&format!(
            "STS AssumeRole of `{ROLE}` at {} with credentials from environment variable ALIBABA_CLOUD_ACCESS_KEY_ID",
            sts.base
        )),
        "{shown}"
    );
    assert!(
        shown.contains("NoPermission (HTTP 403, request id R-9)"),
        "{shown}"
    );
    assert!(!shown.contains("DISTINCTIVE"), "{shown}");
    // A refusal by STS is a failed source, not a malformed one; it still stops the chain.
    assert!(error.stopped_on_malformed && error.call_failed, "{error:?}");
    assert!(
        shown.starts_with("Alibaba Cloud credentials source failed: STS AssumeRole"),
        "{shown}"
    );
    assert!(!shown.contains("malformed"), "{shown}");
}

#[tokio::test]
async fn chainable_ram_role_arn_assumes_with_the_source_profiles_credentials() {
    let sts = FakeServer::start().await;
    sts.route("GET", "/", 200, ALIBABA_ANSWER);
    let (dir, env) = home();
    write(
        &dir,
        ".aliyun/config.json",
        &format!(
            r#"{{"current": "chained", "profiles": [
                {{"name": "base", "mode": "AK", "access_key_id": "LTAIsource", "access_key_secret": "s-DISTINCTIVE"}},
                {{"name": "chained", "mode": "ChainableRamRoleArn", "source_profile": "base", "ram_role_arn": "{ROLE}"}},
                {{"name": "loop", "mode": "ChainableRamRoleArn", "source_profile": "loop", "ram_role_arn": "{ROLE}"}}
            ]}}"#
        ),
    );
    let env = env.with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base);
    let resolved = alibaba(env.clone()).await.unwrap();
    assert_eq!(resolved.credentials.access_key_id, "STS.issued");
    assert_eq!(
        param(&sts.received()[0], "AccessKeyId").as_deref(),
        Some("LTAIsource")
    );
    let error = alibaba(env.with_var("ALIBABA_CLOUD_PROFILE", "loop"))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("(a loop?)"), "{error}");
}

#[tokio::test]
async fn an_ini_ram_role_arn_section_assumes_the_role() {
    let sts = FakeServer::start().await;
    sts.route("GET", "/", 200, ALIBABA_ANSWER);
    let (dir, env) = home();
    write(
        &dir,
        ".alibabacloud/credentials",
        &format!(
            "[default]\ntype = ram_role_arn\naccess_key_id = LTAIini\naccess_key_secret = x\nrole_arn = {ROLE}\nrole_session_name = ini\npolicy = {{\"Version\":\"1\"}}\n"
        ),
    );
    let resolved = alibaba(env.with_var("ALIBABA_CLOUD_STS_ENDPOINT", &sts.base))
        .await
        .unwrap();
    assert_eq!(resolved.credentials.access_key_id, "STS.issued");
    let call = &sts.received()[0];
    assert_eq!(param(call, "RoleSessionName").as_deref(), Some("ini"));
    assert_eq!(param(call, "Policy").as_deref(), Some(r#"{"Version":"1"}"#));
}

#[test]
fn the_sts_endpoint_follows_the_variables() {
    use super::alibaba_sts::sts_endpoint;
    let env = MapEnvironment::new();
    assert_eq!(
        sts_endpoint(&env, None).unwrap(),
        "https://sts.aliyuncs.com"
    );
    let regional = env
        .clone()
        .with_var("ALIBABA_CLOUD_STS_REGION", "cn-shanghai");
    assert_eq!(
        sts_endpoint(&regional, None).unwrap(),
        "https://sts.cn-shanghai.aliyuncs.com"
    );
    assert_eq!(
        sts_endpoint(&regional, Some("cn-beijing")).unwrap(),
        "https://sts.cn-beijing.aliyuncs.com"
    );
    let vpc = regional.with_var("ALIBABA_CLOUD_VPC_ENDPOINT_ENABLED", "true");
    assert_eq!(
        sts_endpoint(&vpc, None).unwrap(),
        "https://sts-vpc.cn-shanghai.aliyuncs.com"
    );
    let named = vpc.with_var("ALIBABA_CLOUD_STS_ENDPOINT", "http://127.0.0.1:8080/");
    assert_eq!(sts_endpoint(&named, None).unwrap(), "http://127.0.0.1:8080");
    let bad = MapEnvironment::new().with_var("ALIBABA_CLOUD_STS_ENDPOINT", "sts.example");
    assert!(
        sts_endpoint(&bad, None)
            .unwrap_err()
            .contains("ALIBABA_CLOUD_STS_ENDPOINT")
    );
}

#[tokio::test]
async fn tencent_assume_role_from_terraforms_variables_is_tc3_signed() {
    let sts = FakeServer::start().await;
    sts.route("POST", "/", 200, TENCENT_ANSWER);
    let (_dir, env) = home();
    let env = env
        .with_var("TENCENTCLOUD_SECRET_ID", "AKIDbase")
        .with_var("TENCENTCLOUD_SECRET_KEY", "base-DISTINCTIVE")
        .with_var("TENCENTCLOUD_ASSUME_ROLE_ARN", TC_ROLE)
        .with_var("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME", "tf")
        .with_var("TENCENTCLOUD_ASSUME_ROLE_SESSION_DURATION", "1800")
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &sts.base);
    let resolved = TencentChain::new()
        .environment(Arc::new(env))
        .provide()
        .await
        .unwrap();
    assert_eq!(
        resolved.credentials,
        TencentCredentials::new("AKIDissued", "tc-KeY-DISTINCTIVE")
            .with_token("tc-ToKeN-DISTINCTIVE")
    );
    assert_eq!(
        resolved.expires_at,
        super::metadata::unix_time(4_070_908_800)
    );
    assert!(
        resolved
            .source
            .ends_with("with credentials from environment variable TENCENTCLOUD_SECRET_ID")
    );
    let call = &sts.received()[0];
    assert_eq!(call.header("x-tc-action"), Some("AssumeRole"));
    assert_eq!(call.header("x-tc-version"), Some("2018-08-13"));
    assert_eq!(call.header("x-tc-region"), Some("ap-guangzhou"));
    assert!(
        call.header("authorization")
            .unwrap()
            .starts_with("TC3-HMAC-SHA256 Credential=AKIDbase/")
    );
    let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
    assert_eq!(body["RoleArn"], TC_ROLE);
    assert_eq!(body["RoleSessionName"], "tf");
    assert_eq!(body["DurationSeconds"], 1800);

    let (_dir, partial) = home();
    let partial = partial
        .with_var("TENCENTCLOUD_SECRET_ID", "AKIDbase")
        .with_var("TENCENTCLOUD_SECRET_KEY", "k")
        .with_var("TENCENTCLOUD_ASSUME_ROLE_ARN", TC_ROLE);
    let error = TencentChain::new()
        .environment(Arc::new(partial))
        .provide()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("TENCENTCLOUD_ASSUME_ROLE_SESSION_NAME missing"),
        "{error}"
    );
}

#[tokio::test]
async fn tke_oidc_is_unsigned_with_skip_and_reads_the_rotated_token() {
    let sts = FakeServer::start().await;
    sts.route("POST", "/", 200, TENCENT_ANSWER);
    let (dir, env) = home();
    let token_file = write(&dir, "tke-token", "jwt-one");
    let env = env
        .with_var("TKE_REGION", "ap-shanghai")
        .with_var("TKE_PROVIDER_ID", "emulator")
        .with_var("TKE_WEB_IDENTITY_TOKEN_FILE", token_file.to_str().unwrap())
        .with_var("TKE_ROLE_ARN", TC_ROLE)
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &sts.base);
    let chain = TencentChain::new().environment(Arc::new(env));
    let resolved = chain.provide().await.unwrap();
    assert!(
        resolved
            .source
            .starts_with("STS AssumeRoleWithWebIdentity (TKE OIDC)"),
        "{}",
        resolved.source
    );
    std::fs::write(&token_file, "jwt-two").unwrap();
    chain.provide().await.unwrap();
    let seen = sts.received();
    let tokens: Vec<String> = seen
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["WebIdentityToken"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(tokens, ["jwt-one", "jwt-two"]);
    for call in &seen {
        assert_eq!(call.header("authorization"), Some("SKIP"));
        assert_eq!(
            call.header("x-tc-action"),
            Some("AssumeRoleWithWebIdentity")
        );
        assert_eq!(call.header("x-tc-region"), Some("ap-shanghai"));
        assert_eq!(call.header("x-tc-token"), None);
        let body: serde_json::Value = serde_json::from_str(&call.body).unwrap();
        assert_eq!(body["ProviderId"], "emulator");
        assert_eq!(body["RoleArn"], TC_ROLE);
    }
}

#[tokio::test]
async fn a_tencent_refusal_names_the_code() {
    let sts = FakeServer::start().await;
    sts.route(
        "POST",
        "/",
        200,
        r#"{"Response":{"Error":{"Code":"InvalidParameter.RoleArn","Message":"bad DISTINCTIVE"},"RequestId":"r-2"}}"#,
    );
    let (_dir, env) = home();
    let env = env
        .with_var("TENCENTCLOUD_SECRET_ID", "AKIDbase")
        .with_var("TENCENTCLOUD_SECRET_KEY", "k")
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &sts.base);
    let error = TencentChain::new()
        .assume_role(TC_ROLE, None)
        .environment(Arc::new(env))
        .provide()
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains(&format!("STS AssumeRole of `{TC_ROLE}` at {}", sts.base)),
        "{shown}"
    );
    assert!(shown.contains("InvalidParameter.RoleArn"), "{shown}");
    assert!(!shown.contains("DISTINCTIVE"), "{shown}");
}
