//! The wire log hears of every attempt the client repeats (`WireEvent::Retrying`), with a typed reason:
//! throttling of each protocol (Alibaba `Throttling.User`, Tencent API 3.0 `RequestLimitExceeded`, Tencent
//! v2's `4400`), which the client absorbs and never returns, a transient answer, a timeout, a refused
//! connection. The attempt that ends the call is not announced as retried.

use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::{Scripted, ScriptedTransport};
use cloudvpn::transport::HttpResponse;
use cloudvpn::{AlibabaClient, ApiClient, RetryConfig, TencentClient, WireEvent, WireLog, tencent};
use cloudvpn_types::alibaba_vpc::{DeleteVpnGatewayRequest, DescribeVpnGatewayRequest};
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const OK: &str = r#"{"RequestId":"0ED8D006-F706-4D23-88ED-E11ED28DCAC0"}"#;

/// What one `Retrying` event said, owned.
#[derive(Debug, PartialEq)]
struct Seen {
    attempt: u32,
    action: &'static str,
    reason: String,
    throttling: bool,
}

/// A wire log that keeps the `Retrying` events.
fn observer() -> (WireLog, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let log: WireLog = Arc::new(move |event: WireEvent<'_>| {
        if let WireEvent::Retrying {
            attempt,
            operation,
            reason,
            delay,
        } = event
        {
            assert!(delay <= Duration::from_millis(5), "{delay:?}");
            kept.lock().unwrap().push(Seen {
                attempt,
                action: operation.action,
                reason: reason.to_string(),
                throttling: reason.is_throttling(),
            });
        }
    });
    (log, seen)
}

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

fn alibaba_error(code: &str) -> String {
    format!(r#"{{"RequestId":"REQ-1","HostId":"vpc.aliyuncs.com","Code":"{code}","Message":"m"}}"#)
}

fn alibaba(t: &Arc<ScriptedTransport>, log: WireLog) -> AlibabaClient {
    AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("testid", Secret::new("testsecret")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .attempt_timeout(Duration::from_millis(100))
        .wire_log(log)
        .build()
        .expect("client")
}

#[tokio::test]
async fn an_absorbed_alibaba_throttle_is_announced_with_its_code() {
    let (log, seen) = observer();
    let t = Arc::new(ScriptedTransport::new([
        respond(400, &alibaba_error("Throttling.User")),
        respond(200, OK),
    ]));
    alibaba(&t, log)
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("the second attempt succeeds");
    assert_eq!(
        *seen.lock().unwrap(),
        [Seen {
            attempt: 1,
            action: "DeleteVpnGateway",
            reason: "throttled (Throttling.User)".into(),
            throttling: true,
        }]
    );
}

#[tokio::test]
async fn transient_answers_timeouts_and_refusals_are_told_apart_from_throttling() {
    let (log, seen) = observer();
    let slow = Scripted::Delay(
        Duration::from_secs(5),
        HttpResponse::new(200, OK.to_owned()),
    );
    let t = Arc::new(ScriptedTransport::new([
        respond(503, "<html>unavailable</html>"),
        slow,
        Scripted::Refuse,
        respond(
            200,
            r#"{"RequestId":"r","VpnGatewayId":"vpn-1","Status":"active"}"#,
        ),
    ]));
    alibaba(&t, log)
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("the fourth attempt succeeds");
    let seen = seen.lock().unwrap();
    let reasons: Vec<(u32, &str, bool)> = seen
        .iter()
        .map(|s| (s.attempt, s.reason.as_str(), s.throttling))
        .collect();
    assert_eq!(
        reasons,
        [
            (1, "transient error (HTTP 503)", false),
            (2, "no answer within 100ms", false),
            (3, "connection failed (Connect)", false),
        ]
    );
}

#[tokio::test]
async fn the_attempt_that_ends_the_call_is_not_announced() {
    let (log, seen) = observer();
    let t = Arc::new(ScriptedTransport::new(
        (0..4).map(|_| respond(400, &alibaba_error("Throttling.User"))),
    ));
    let err = alibaba(&t, log)
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("throttled on every attempt");
    assert!(err.is_throttling(), "{err:?}");
    let attempts: Vec<u32> = seen.lock().unwrap().iter().map(|s| s.attempt).collect();
    assert_eq!(attempts, [1, 2, 3], "4 attempts, 3 of them repeated");
}

#[tokio::test]
async fn tencent_api3_and_v2_throttles_are_announced_with_their_codes() {
    let (log, seen) = observer();
    let json = |body: &str| {
        Scripted::Respond(
            HttpResponse::new(200, body.to_owned()).with_header("content-type", "application/json"),
        )
    };
    let t = Arc::new(ScriptedTransport::new([
        json(
            r#"{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "r-1"}}"#,
        ),
        json(r#"{"Response": {"RequestId": "r-2"}}"#),
    ]));
    tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .wire_log(log.clone())
        .build()
        .expect("client")
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send()
        .await
        .expect("the second attempt succeeds");

    let t = Arc::new(ScriptedTransport::new([
        respond(200, r#"{"code":4400,"message":"quota exceeded"}"#),
        respond(200, r#"{"code":0,"message":"","data":{"taskId":1}}"#),
    ]));
    TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .wire_log(log)
        .build()
        .expect("client")
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect("the second attempt succeeds");

    let seen = seen.lock().unwrap();
    let said: Vec<(&str, &str, bool)> = seen
        .iter()
        .map(|s| (s.action, s.reason.as_str(), s.throttling))
        .collect();
    assert_eq!(
        said,
        [
            (
                "DeleteVpnConnection",
                "throttled (RequestLimitExceeded)",
                true
            ),
            ("DeleteVpnConn", "throttled (4400)", true),
        ]
    );
}
