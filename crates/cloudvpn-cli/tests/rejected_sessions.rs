//! Temporary credentials the server rejects are replaced, end to end against the emulator on 127.0.0.1:
//! a client whose clock runs a minute behind believes its two-second role session is good for half a
//! minute more, while the emulator (by its own clock) already answers `InvalidSecurityToken.Expired`
//! (Alibaba) or `AuthFailure.TokenFailure` (Tencent API 3.0). The call still succeeds, after exactly one
//! more `AssumeRole`, and its wire log shows the rejected attempt and the retry with the new session's key.

use cloudvpn::clock::Clock;
use cloudvpn::credentials::{
    AlibabaChain, AlibabaCredentials, MapEnvironment, ProvideCredentials, ProvideFuture,
    TencentChain, TencentCredentials,
};
use cloudvpn::transport::HttpRequest;
use cloudvpn::{WireEvent, WireLog, alibaba, tencent};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

const ROLE: &str = "acs:ram::1234567890123456:role/ci";
const TENCENT_ROLE: &str = "qcs::cam::uin/100000000001:roleName/ci";
const LIFETIME: Duration = Duration::from_secs(2);

/// The system clock, a minute behind: with two-second credentials, the cache sees 62 seconds of life.
#[derive(Debug)]
struct MinuteBehind;

impl Clock for MinuteBehind {
    fn now(&self) -> SystemTime {
        SystemTime::now() - Duration::from_secs(60)
    }
}

/// Counts the chain's calls: each one is one `AssumeRole`.
#[derive(Debug)]
struct Counting<P> {
    inner: P,
    calls: AtomicUsize,
}

impl<P> Counting<P> {
    fn new(inner: P) -> Arc<Self> {
        Arc::new(Counting {
            inner,
            calls: AtomicUsize::new(0),
        })
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl<C, P: ProvideCredentials<C>> ProvideCredentials<C> for Counting<P> {
    fn provide(&self) -> ProvideFuture<'_, C> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.inner.provide()
    }
}

/// What the wire log saw: the key id of every request (by `key_of`), and the error code of every answer
/// that had one.
#[derive(Default)]
struct Wire {
    keys: Mutex<Vec<String>>,
    codes: Mutex<Vec<String>>,
}

impl Wire {
    fn log(self: &Arc<Self>, key_of: fn(&HttpRequest) -> String, code_at: &'static str) -> WireLog {
        let wire = self.clone();
        Arc::new(move |event| {
            if let WireEvent::Request { request, .. } = event {
                wire.keys.lock().unwrap().push(key_of(request));
            }
            if let WireEvent::Response { response, .. } = event {
                let body: serde_json::Value =
                    serde_json::from_slice(&response.body).unwrap_or_default();
                if let Some(code) = body.pointer(code_at).and_then(|c| c.as_str()) {
                    wire.codes.lock().unwrap().push(code.to_owned());
                }
            }
        })
    }

    /// Three requests: the first session's, its rejection with `code`, and the retry with a new session.
    fn assert_renewed_once(&self, code: &str) -> Vec<String> {
        assert_eq!(*self.codes.lock().unwrap(), [code]);
        let keys = self.keys.lock().unwrap().clone();
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert_eq!(
            keys[0], keys[1],
            "the rejected attempt used the first session"
        );
        assert_ne!(keys[1], keys[2], "the retry used a new one");
        keys
    }
}

async fn short_lived_emulator() -> Emulator {
    Emulator::start(EmulatorConfig::loopback().sts_duration(LIFETIME))
        .await
        .expect("emulator starts")
}

/// Long enough for the emulator to find the first session expired.
async fn outlive_the_session() {
    tokio::time::sleep(LIFETIME + Duration::from_millis(300)).await;
}

fn alibaba_key(request: &HttpRequest) -> String {
    request
        .header("x-acs-accesskey-id")
        .expect("a V3-signed request")
        .to_owned()
}

fn tencent_key(request: &HttpRequest) -> String {
    let authorization = request.header("authorization").expect("TC3-signed");
    let credential = authorization
        .split("Credential=")
        .nth(1)
        .expect("a TC3 Authorization");
    credential.split('/').next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_alibaba_session_the_emulator_calls_expired_is_replaced_once() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let provider: Arc<Counting<AlibabaChain>> = Counting::new(
        AlibabaChain::new()
            .assume_role(ROLE, Some("skewed".to_owned()))
            .environment(Arc::new(env)),
    );
    let wire = Arc::new(Wire::default());
    let client = alibaba::VpcClient::builder()
        .endpoint(&base)
        .credentials_provider(provider.clone() as Arc<dyn ProvideCredentials<AlibabaCredentials>>)
        .clock(Arc::new(MinuteBehind))
        .wire_log(wire.log(alibaba_key, "/Code"))
        .build()
        .expect("client");
    let describe = || {
        client
            .describe_vpn_gateways()
            .region_id("cn-hangzhou")
            .send()
    };
    describe().await.expect("with the first session");
    outlive_the_session().await;
    describe().await.expect("renewed after the rejection");

    assert_eq!(provider.calls(), 2, "exactly one more AssumeRole");
    let keys = wire.assert_renewed_once("InvalidSecurityToken.Expired");
    assert!(keys.iter().all(|k| k.starts_with("STS.")), "{keys:?}");
    e.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tencent_session_the_emulator_refuses_is_replaced_once() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("TENCENTCLOUD_SECRET_ID", "emulator-sid")
        .with_var("TENCENTCLOUD_SECRET_KEY", "emulator-skey")
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &base);
    let provider: Arc<Counting<TencentChain>> = Counting::new(
        TencentChain::new()
            .assume_role(TENCENT_ROLE, Some("skewed".to_owned()))
            .environment(Arc::new(env)),
    );
    let wire = Arc::new(Wire::default());
    let client = tencent::VpcClient::builder()
        .endpoint(&base)
        .region("ap-guangzhou")
        .credentials_provider(provider.clone() as Arc<dyn ProvideCredentials<TencentCredentials>>)
        .clock(Arc::new(MinuteBehind))
        .wire_log(wire.log(tencent_key, "/Response/Error/Code"))
        .build()
        .expect("client");
    let describe = || client.describe_vpn_gateways().send();
    describe().await.expect("with the first session");
    outlive_the_session().await;
    describe().await.expect("renewed after the rejection");

    assert_eq!(provider.calls(), 2, "exactly one more AssumeRole");
    wire.assert_renewed_once("AuthFailure.TokenFailure");
    e.shutdown().await.unwrap();
}
