//! Temporary credentials end to end over HTTP: both STS APIs through the runtime's fluent clients (and the
//! unsigned OIDC exchanges as the official libraries send them), the OIDC tokens of the control API, the
//! two metadata services, and the VPC APIs of all three protocols accepting an issued key with its token
//! and refusing a wrong, missing or expired one with the real codes. Lifetimes are `--sts-duration 2s`, so
//! the one wait for an expiry is about two seconds.
//!
//! One module a job: [`role_sessions`] (AssumeRole on both clouds, trust, concurrency), [`oidc`] (the
//! control API's tokens and their exchange), [`metadata`] (the two metadata services); the helpers they
//! share are here.

mod metadata;
mod oidc;
mod role_sessions;

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
