//! Temporary credentials end to end over HTTP: both STS APIs through the runtime's fluent clients (and the
//! unsigned OIDC exchanges as the official libraries send them), the OIDC tokens of the control API, the
//! two metadata services, and the VPC APIs of all three protocols accepting an issued key with its token
//! and refusing a wrong, missing or expired one with the real codes. Lifetimes are `--sts-duration 2s`, so
//! the one wait for an expiry is about two seconds.

use bytes::Bytes;
use cloudvpn::RetryConfig;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::{alibaba, tencent};
use cloudvpn_emulator::signed::{self, RawResponse};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use http_body_util::Full;
use hyper::Request;
use std::time::Duration;

const ROLE: &str = "acs:ram::1234567890123456:role/deployer";
const PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/emulator";
const TENCENT_ROLE: &str = "qcs::cam::uin/100000000001:roleName/deployer";

async fn emulator(lifetime: Duration) -> Emulator {
    Emulator::start(EmulatorConfig::loopback().sts_duration(lifetime))
        .await
        .expect("emulator")
}

fn alibaba_sts(e: &Emulator, ak: &str, secret: &str) -> alibaba::StsClient {
    alibaba::StsClient::builder()
        .endpoint(e.base_url())
        .credentials(AlibabaCredentials::new(ak, Secret::new(secret)))
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn alibaba_vpc(e: &Emulator, creds: AlibabaCredentials) -> alibaba::VpcClient {
    alibaba::VpcClient::builder()
        .endpoint(e.base_url())
        .credentials(creds)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

fn tencent_vpc(e: &Emulator, creds: TencentCredentials) -> tencent::VpcClient {
    tencent::VpcClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(creds)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

async fn raw(e: &Emulator, request: Request<Full<Bytes>>) -> RawResponse {
    signed::send(e.local_addr(), request).await.expect("answer")
}

fn host(e: &Emulator) -> String {
    e.local_addr().to_string()
}

async fn oidc_token(e: &Emulator, body: serde_json::Value) -> String {
    let request = Request::post("/_emulator/oidc-token")
        .header("host", host(e))
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    let answer = raw(e, request).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    answer.json()["token"].as_str().expect("token").to_owned()
}

/// AssumeRoleWithOIDC as the official credentials library sends it: a GET with no key and no signature.
async fn alibaba_oidc(e: &Emulator, token: &str) -> RawResponse {
    let query: String = [
        ("Action", "AssumeRoleWithOIDC"),
        ("Format", "JSON"),
        ("Version", "2015-04-01"),
        ("DurationSeconds", "3600"),
        ("RoleArn", ROLE),
        ("OIDCProviderArn", PROVIDER),
        ("OIDCToken", token),
        ("RoleSessionName", "ci-job"),
        ("Timestamp", "2026-12-01T00:00:00Z"),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", cloudvpn_signing::encoding::percent_encode(v)))
    .collect::<Vec<_>>()
    .join("&");
    let request = Request::get(format!("/?{query}"))
        .header("host", host(e))
        .body(Full::new(Bytes::new()))
        .unwrap();
    raw(e, request).await
}

/// AssumeRoleWithWebIdentity as the Go SDK sends it: TC3 headers with `Authorization: SKIP`.
async fn tencent_web_identity(e: &Emulator, token: &str) -> RawResponse {
    let body = serde_json::json!({
        "ProviderId": "emulator",
        "WebIdentityToken": token,
        "RoleArn": TENCENT_ROLE,
        "RoleSessionName": "tke-1",
    });
    let request = Request::post("/")
        .header("host", host(e))
        .header("content-type", "application/json")
        .header("x-tc-action", "AssumeRoleWithWebIdentity")
        .header("x-tc-version", "2018-08-13")
        .header("x-tc-region", "ap-guangzhou")
        .header("x-tc-timestamp", cloudvpn_emulator_now().to_string())
        .header("authorization", "SKIP")
        .body(Full::new(Bytes::from(body.to_string())))
        .unwrap();
    raw(e, request).await
}

fn cloudvpn_emulator_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn an_assumed_alibaba_role_calls_vpc_with_its_token_until_it_expires() {
    let e = emulator(Duration::from_secs(2)).await;
    let out = alibaba_sts(&e, "emulator-ak", "emulator-secret")
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("alice")
        .send()
        .await
        .expect("AssumeRole");
    let c = &out.credentials;
    assert!(c.access_key_id.starts_with("STS."));
    assert_eq!(out.assumed_role_user.arn, format!("{ROLE}/alice"));
    let issued = || {
        AlibabaCredentials::new(
            c.access_key_id.clone(),
            Secret::new(c.access_key_secret.clone()),
        )
    };
    let describe = |creds| async {
        alibaba_vpc(&e, creds)
            .describe_vpn_gateways()
            .region_id("cn-hangzhou")
            .send()
            .await
    };
    describe(issued().with_token(Secret::new(c.security_token.clone())))
        .await
        .expect("the issued key with its token");
    let code = |r: Result<_, cloudvpn::Error<_>>| r.unwrap_err().code().map(str::to_owned);
    assert_eq!(
        code(describe(issued().with_token(Secret::new("CAISnot-this-one"))).await).as_deref(),
        Some("InvalidSecurityToken.MismatchWithAccessKey")
    );
    assert_eq!(
        code(describe(issued()).await).as_deref(),
        Some("MissingSecurityToken")
    );
    // GetCallerIdentity, called with the issued key, tells the role session.
    let me = alibaba::StsClient::builder()
        .endpoint(e.base_url())
        .credentials(issued().with_token(Secret::new(c.security_token.clone())))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
        .get_caller_identity()
        .send()
        .await
        .expect("GetCallerIdentity");
    assert_eq!(me.identity_type, "AssumedRoleUser");
    assert_eq!(
        me.arn,
        "acs:ram::1234567890123456:assumed-role/deployer/alice"
    );
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        code(describe(issued().with_token(Secret::new(c.security_token.clone()))).await).as_deref(),
        Some("InvalidSecurityToken.Expired")
    );
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn trust_is_checked_over_http() {
    let creds = cloudvpn_emulator::Credentials::from_json(
        r#"{"alibaba": [{"access_key_id": "ak-other", "access_key_secret": "s", "account": "222"}]}"#,
    )
    .unwrap();
    let e = Emulator::start(EmulatorConfig::loopback().credentials(creds))
        .await
        .unwrap();
    let err = alibaba_sts(&e, "ak-other", "s")
        .assume_role()
        .role_arn(ROLE)
        .role_session_name("mallory")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("NoPermission"), "{err}");
    let err = alibaba_sts(&e, "emulator-ak", "emulator-secret")
        .assume_role()
        .role_arn("acs:ram::222:role/none")
        .role_session_name("alice")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("EntityNotExist.Role"), "{err}");
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn oidc_tokens_of_the_control_api_are_exchanged_unsigned_and_their_claims_checked() {
    let e = emulator(Duration::from_secs(60)).await;
    let token = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "ci-job"}),
    )
    .await;
    let answer = alibaba_oidc(&e, &token).await;
    assert_eq!(answer.status, 200, "{}", answer.text());
    let body = answer.json();
    assert_eq!(body["OIDCTokenInfo"]["Subject"], "ci-job");
    let expiration = body["Credentials"]["Expiration"].as_str().unwrap();
    assert!(
        expiration.ends_with('Z') && expiration.len() == 20,
        "{expiration}"
    );

    let expired = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "ci-job", "expires_in": 0}),
    )
    .await;
    let answer = alibaba_oidc(&e, &expired).await;
    assert_eq!(answer.status, 401, "{}", answer.text());
    assert_eq!(
        answer.json()["Code"],
        "AuthenticationFail.OIDCToken.Expired"
    );
    let other_audience = oidc_token(
        &e,
        serde_json::json!({"cloud": "alibaba", "subject": "x", "audience": "someone-else"}),
    )
    .await;
    assert_eq!(
        alibaba_oidc(&e, &other_audience).await.json()["Code"],
        "AuthenticationFail.OIDCToken.AudienceNotMatch"
    );

    let token = oidc_token(&e, serde_json::json!({"cloud": "tencent", "subject": "sa"})).await;
    let answer = tencent_web_identity(&e, &token).await;
    let response = &answer.json()["Response"];
    assert!(response["Error"].is_null(), "{}", answer.text());
    let secret_id = response["Credentials"]["TmpSecretId"]
        .as_str()
        .unwrap()
        .to_owned();
    let expired_time = response["ExpiredTime"].as_u64().unwrap();
    assert!(expired_time > cloudvpn_emulator_now(), "{expired_time}");
    // The issued Tencent key calls VPC API 3.0 with its token, and not without it.
    let issued = TencentCredentials::new(
        secret_id,
        Secret::new(response["Credentials"]["TmpSecretKey"].as_str().unwrap()),
    );
    let token_of = response["Credentials"]["Token"]
        .as_str()
        .unwrap()
        .to_owned();
    tencent_vpc(&e, issued.clone().with_token(Secret::new(token_of)))
        .describe_vpn_gateways()
        .send()
        .await
        .expect("issued key with its token");
    let err = tencent_vpc(&e, issued)
        .describe_vpn_gateways()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
    let wrong_issuer = tencent_web_identity(
        &e,
        "e30.eyJpc3MiOiJ4Iiwic3ViIjoieSIsImF1ZCI6InoiLCJleHAiOjk5OTk5OTk5OTl9.",
    )
    .await;
    assert_eq!(
        wrong_issuer.json()["Response"]["Error"]["Code"],
        "InvalidParameter.WebIdentityTokenError"
    );
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_metadata_services_serve_emulator_role_with_imdsv2_and_v1() {
    let e = emulator(Duration::from_secs(60)).await;
    let get = |path: &str, token: Option<&str>| {
        let mut b = Request::get(path).header("host", host(&e));
        if let Some(t) = token {
            b = b.header("x-aliyun-ecs-metadata-token", t);
        }
        b.body(Full::new(Bytes::new())).unwrap()
    };
    let put = Request::put("/latest/api/token")
        .header("host", host(&e))
        .header("x-aliyun-ecs-metadata-token-ttl-seconds", "21600")
        .body(Full::new(Bytes::new()))
        .unwrap();
    // As a client sends it with ALIBABA_CLOUD_ECS_METADATA_ENDPOINT=http://127.0.0.1:PORT.
    let token = raw(&e, put).await;
    assert_eq!(token.status, 200, "{}", token.text());
    let token = token.text();
    let base = "/latest/meta-data/ram/security-credentials/";
    assert_eq!(
        raw(&e, get(base, Some(&token))).await.text(),
        "emulator-role"
    );
    let creds = raw(&e, get(&format!("{base}emulator-role"), Some(&token)))
        .await
        .json();
    assert_eq!(creds["Code"], "Success");
    let v1 = raw(&e, get(&format!("{base}emulator-role"), None))
        .await
        .json();
    assert_eq!(
        v1["AccessKeyId"], creds["AccessKeyId"],
        "the current credentials, IMDSv1 too"
    );
    assert_eq!(raw(&e, get(base, Some("not-a-token"))).await.status, 401);
    assert_eq!(
        raw(&e, get(&format!("{base}other"), None)).await.status,
        404
    );
    let bad_ttl = Request::put("/latest/api/token")
        .header("host", host(&e))
        .header("x-aliyun-ecs-metadata-token-ttl-seconds", "0")
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(raw(&e, bad_ttl).await.status, 400);
    alibaba_vpc(
        &e,
        AlibabaCredentials::new(
            creds["AccessKeyId"].as_str().unwrap(),
            Secret::new(creds["AccessKeySecret"].as_str().unwrap()),
        )
        .with_token(Secret::new(creds["SecurityToken"].as_str().unwrap())),
    )
    .describe_vpn_gateways()
    .region_id("cn-hangzhou")
    .send()
    .await
    .expect("metadata credentials call VPC");

    let cvm = "/latest/meta-data/cam/security-credentials/";
    assert_eq!(raw(&e, get(cvm, None)).await.text(), "emulator-role");
    let t = raw(&e, get(&format!("{cvm}emulator-role"), None))
        .await
        .json();
    assert_eq!(t["Code"], "Success");
    assert!(t["TmpSecretId"].as_str().unwrap().starts_with("AKID"));
    assert!(t["ExpiredTime"].as_u64().unwrap() > cloudvpn_emulator_now());
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn web_pages_are_refused_on_the_metadata_and_oidc_routes() {
    let e = emulator(Duration::from_secs(60)).await;
    let page = Request::get("/latest/meta-data/ram/security-credentials/emulator-role")
        .header("host", host(&e))
        .header("origin", "https://evil.example")
        .body(Full::new(Bytes::new()))
        .unwrap();
    assert_eq!(raw(&e, page).await.status, 403);
    let form = Request::post("/_emulator/oidc-token")
        .header("host", host(&e))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from("cloud=alibaba")))
        .unwrap();
    assert_eq!(raw(&e, form).await.status, 415);
    e.shutdown().await.unwrap();
}

#[tokio::test]
async fn concurrent_assume_role_calls_each_get_their_own_working_key() {
    let e = emulator(Duration::from_secs(60)).await;
    let calls = (0..40).map(|i| {
        let sts = alibaba_sts(&e, "emulator-ak", "emulator-secret");
        async move {
            sts.assume_role()
                .role_arn(ROLE)
                .role_session_name(format!("s-{i}"))
                .send()
                .await
                .expect("AssumeRole")
        }
    });
    let outs = futures_join(calls).await;
    let mut ids: Vec<&str> = outs
        .iter()
        .map(|o| o.credentials.access_key_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 40);
    let last = &outs[39].credentials;
    alibaba_vpc(
        &e,
        AlibabaCredentials::new(
            last.access_key_id.clone(),
            Secret::new(last.access_key_secret.clone()),
        )
        .with_token(Secret::new(last.security_token.clone())),
    )
    .describe_vpn_gateways()
    .region_id("cn-hangzhou")
    .send()
    .await
    .expect("any of them works");
    e.shutdown().await.unwrap();
}

async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test]
async fn a_tencent_assumed_role_works_on_api3_and_v2_until_it_expires() {
    let e = emulator(Duration::from_secs(2)).await;
    let out = tencent::StsClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .unwrap()
        .assume_role()
        .role_arn(TENCENT_ROLE)
        .role_session_name("s-1")
        .send()
        .await
        .expect("AssumeRole");
    assert!(out.expiration.ends_with('Z'));
    let c = &out.credentials;
    let issued = || {
        TencentCredentials::new(
            c.tmp_secret_id.clone(),
            Secret::new(c.tmp_secret_key.clone()),
        )
    };
    let v2 = |creds: TencentCredentials| {
        tencent::VpcV2Client::builder()
            .endpoint(e.base_url())
            .region("ap-guangzhou")
            .credentials(creds)
            .retry(RetryConfig::disabled())
            .build()
            .unwrap()
    };
    let v2_code = |r: Result<_, cloudvpn::Error<_>>| match r {
        Ok(_) => None,
        Err(err) => err.code().map(str::to_owned),
    };
    let with_token = issued().with_token(Secret::new(c.token.clone()));
    // Authenticated: the answer is about the VPC (none is seeded), not the key.
    let seen = v2_code(
        v2(with_token.clone())
            .describe_vpn_conn()
            .vpc_id("vpc-none")
            .send()
            .await,
    );
    assert_ne!(seen.as_deref(), Some("4105"), "the token is accepted");
    assert_eq!(
        v2_code(
            v2(issued())
                .describe_vpn_conn()
                .vpc_id("vpc-none")
                .send()
                .await
        )
        .as_deref(),
        Some("4105")
    );
    tencent_vpc(&e, with_token.clone())
        .describe_vpn_gateways()
        .send()
        .await
        .expect("API 3.0 with the token");
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let err = tencent_vpc(&e, with_token)
        .describe_vpn_gateways()
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("AuthFailure.TokenFailure"), "{err}");
    assert!(err.to_string().contains("expired"), "{err}");
    e.shutdown().await.unwrap();
}

/// A token made by the control API with its claims rewritten: an unsigned JWT can say anything.
fn with_claims(token: &str, rewrite: impl FnOnce(&mut serde_json::Value)) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    rewrite(&mut claims);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    format!("{}.{payload}.", parts[0])
}

#[tokio::test]
async fn absurd_exp_or_iat_claims_are_refused_as_invalid_tokens_not_a_crash() {
    let e = emulator(Duration::from_secs(60)).await;
    let alibaba = oidc_token(&e, serde_json::json!({"cloud": "alibaba", "subject": "ci"})).await;
    let tencent = oidc_token(&e, serde_json::json!({"cloud": "tencent", "subject": "sa"})).await;
    let absurd = 100_000_000_000_000_000_i64; // 10^17 s: its milliseconds overflow a u64
    for (claim, value) in [("exp", absurd), ("iat", absurd), ("iat", -1)] {
        let token = with_claims(&alibaba, |c| c[claim] = value.into());
        let answer = alibaba_oidc(&e, &token).await;
        assert_eq!(answer.status, 401, "{claim}={value}: {}", answer.text());
        assert_eq!(
            answer.json()["Code"],
            "AuthenticationFail.OIDCToken.Invalid",
            "{claim}={value}"
        );
        assert!(answer.text().contains(claim), "{}", answer.text());
        let token = with_claims(&tencent, |c| c[claim] = value.into());
        let answer = tencent_web_identity(&e, &token).await;
        let error = &answer.json()["Response"]["Error"];
        assert_eq!(
            error["Code"],
            "InvalidParameter.WebIdentityTokenError",
            "{claim}={value}: {}",
            answer.text()
        );
    }
    // The emulator still answers afterwards.
    assert_eq!(alibaba_oidc(&e, &alibaba).await.status, 200);
    e.shutdown().await.unwrap();
}
