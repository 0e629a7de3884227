//! Every attempt asks the client's credentials cache: an attempt made after temporary credentials expired
//! is signed with refreshed ones, and a rejection names the source of the credentials that attempt used.

use cloudvpn::clock::Clock;
use cloudvpn::credentials::{AlibabaCredentials, ProvideCredentials, ProvideFuture, Resolved};
use cloudvpn::transport::{HttpRequest, HttpResponse, Transport, TransportFuture};
use cloudvpn::{AlibabaClient, ApiClient, Error, RetryConfig};
use cloudvpn_types::alibaba_vpc::DescribeVpnGatewayRequest;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A clock the transport moves on.
#[derive(Debug)]
struct ManualClock(Mutex<SystemTime>);

impl Clock for ManualClock {
    fn now(&self) -> SystemTime {
        *self.0.lock().unwrap()
    }
}

/// Credentials `STS.1`, `STS.2`, … each valid for 60 s from the clock's now.
#[derive(Debug)]
struct CountingRoleProvider {
    clock: Arc<ManualClock>,
    calls: AtomicUsize,
}

impl ProvideCredentials<AlibabaCredentials> for CountingRoleProvider {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let credentials =
            AlibabaCredentials::new(format!("STS.{n}"), "secret").with_token(format!("token-{n}"));
        Box::pin(std::future::ready(Ok(Resolved {
            expires_at: Some(self.clock.now() + Duration::from_secs(60)),
            ..Resolved::new(credentials, format!("role session {n}"))
        })))
    }
}

/// Answers from a list and moves the clock two minutes forward on every request, so that each attempt
/// finds the credentials of the previous one expired.
#[derive(Debug)]
struct SlowService {
    clock: Arc<ManualClock>,
    answers: Mutex<Vec<HttpResponse>>,
    seen: Mutex<Vec<HttpRequest>>,
}

impl Transport for SlowService {
    fn send(&self, request: HttpRequest) -> TransportFuture<'_> {
        self.seen.lock().unwrap().push(request);
        *self.clock.0.lock().unwrap() += Duration::from_secs(120);
        let answer = self.answers.lock().unwrap().remove(0);
        Box::pin(std::future::ready(Ok(answer)))
    }
}

fn setup(
    answers: Vec<HttpResponse>,
) -> (AlibabaClient, Arc<SlowService>, Arc<CountingRoleProvider>) {
    let clock = Arc::new(ManualClock(Mutex::new(
        UNIX_EPOCH + Duration::from_secs(1_704_110_400),
    )));
    let service = Arc::new(SlowService {
        clock: clock.clone(),
        answers: Mutex::new(answers),
        seen: Mutex::new(Vec::new()),
    });
    let provider = Arc::new(CountingRoleProvider {
        clock: clock.clone(),
        calls: AtomicUsize::new(0),
    });
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(provider.clone())
        .transport(service.clone())
        .clock(clock)
        .retry(RetryConfig {
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            ..RetryConfig::default()
        })
        .build()
        .expect("client");
    (client, service, provider)
}

fn signed_key(request: &HttpRequest) -> String {
    request
        .header("x-acs-accesskey-id")
        .expect("an STS key id header")
        .to_owned()
}

const OK: &str = r#"{"RequestId":"R","VpnGatewayId":"vpn-1"}"#;

#[tokio::test]
async fn a_retry_after_expiry_is_signed_with_refreshed_credentials() {
    let (client, service, provider) = setup(vec![
        HttpResponse::new(
            503,
            r#"{"RequestId":"R1","Code":"ServiceUnavailable","Message":"busy"}"#,
        ),
        HttpResponse::new(200, OK),
    ]);
    client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("the retry succeeds");
    let seen = service.seen.lock().unwrap();
    let keys: Vec<String> = seen.iter().map(signed_key).collect();
    assert_eq!(keys, ["STS.1", "STS.2"]);
    assert_eq!(provider.calls.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_rejection_names_the_source_of_the_attempts_credentials() {
    let (client, _service, _provider) = setup(vec![
        HttpResponse::new(
            503,
            r#"{"RequestId":"R1","Code":"ServiceUnavailable","Message":"busy"}"#,
        ),
        HttpResponse::new(
            400,
            r#"{"RequestId":"R2","Code":"InvalidAccessKeyId.NotFound","Message":"Specified access key is not found."}"#,
        ),
    ]);
    let error = client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("rejected");
    let Error::Service(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        e.info().credentials_source.as_deref(),
        Some("role session 2"),
        "{error}"
    );
    assert!(!error.to_string().contains("token-2"), "{error}");
}

/// Fails every time: an unsigned operation must not ask for credentials at all.
#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials<AlibabaCredentials> for NoCredentials {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        Box::pin(std::future::ready(Err(
            cloudvpn::credentials::CredentialsError {
                provider: cloudvpn_types::meta::Provider::Alibaba,
                attempts: Vec::new(),
                stopped_on_malformed: false,
                call_failed: false,
            },
        )))
    }
}

#[tokio::test]
async fn an_anonymous_operation_is_sent_unsigned_without_asking_for_credentials() {
    let answer = r#"{"RequestId":"R","OIDCTokenInfo":{"Subject":"s","Issuer":"i","ClientIds":"c"},"AssumedRoleUser":{"Arn":"a","AssumedRoleId":"i"},"Credentials":{"SecurityToken":"t","AccessKeyId":"STS.x","AccessKeySecret":"s","Expiration":"2099-01-01T00:00:00Z"}}"#;
    let transport = Arc::new(cloudvpn::test_util::ScriptedTransport::new([
        cloudvpn::test_util::Scripted::Respond(HttpResponse::new(200, answer)),
    ]));
    let client = cloudvpn::alibaba::StsClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(Arc::new(NoCredentials))
        .transport(transport.clone())
        .clock(Arc::new(cloudvpn::test_util::FixedClock::at_unix(
            1_704_110_400,
        )))
        .build()
        .expect("client");
    let out = client
        .assume_role_with_oidc()
        .role_arn("acs:ram::1:role/r")
        .oidc_provider_arn("acs:ram::1:oidc-provider/p")
        .oidc_token("eyJ.token")
        .role_session_name("s1")
        .send()
        .await
        .expect("sent without credentials");
    assert_eq!(out.credentials.access_key_id, "STS.x");
    let sent = transport.requests();
    assert_eq!(sent.len(), 1);
    let url = &sent[0].url;
    assert!(
        url.starts_with(
            "http://127.0.0.1:9/?Action=AssumeRoleWithOIDC&Format=JSON&Version=2015-04-01&"
        ),
        "{url}"
    );
    assert!(
        url.ends_with("&Timestamp=2024-01-01T12%3A00%3A00Z"),
        "{url}"
    );
    for absent in [
        "AccessKeyId",
        "Signature",
        "SignatureNonce",
        "SecurityToken",
    ] {
        assert!(!url.contains(&format!("{absent}=")), "{absent} in {url}");
    }
    assert!(sent[0].header("authorization").is_none());
    assert!(sent[0].header("x-acs-signature-nonce").is_none());
}
