//! A service that rejects the session of temporary credentials (an expired or revoked token) makes the
//! client forget them: the call tries once more with refreshed ones, never more, and static keys are not
//! retried (asking their source again would give the same ones).

use cloudvpn::credentials::{
    AlibabaCredentials, ProvideCredentials, ProvideFuture, Resolved, TencentCredentials,
};
use cloudvpn::test_util::{FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::{HttpRequest, HttpResponse};
use cloudvpn::{
    AlibabaClient, ApiClient, Deletion, Error, RetryConfig, TencentClient, WireEvent, WireLog,
};
use cloudvpn_types::alibaba_vpc::{DeleteVpnGatewayRequest, DescribeVpnGatewayRequest};
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

/// Role sessions `STS.1`, `STS.2`, … (or, for Tencent, `AKIDsession1`, …), each valid for an hour, so the
/// cache never finds them due by itself: only a rejection makes it ask again.
#[derive(Debug, Default)]
struct RoleSessions {
    calls: AtomicUsize,
    /// No expiry: the provider stands for static keys.
    static_keys: bool,
}

impl RoleSessions {
    fn next(&self) -> (usize, Option<SystemTime>) {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let expires_at = (!self.static_keys).then(|| SystemTime::now() + Duration::from_secs(3600));
        (n, expires_at)
    }

    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

impl ProvideCredentials<AlibabaCredentials> for RoleSessions {
    fn provide(&self) -> ProvideFuture<'_, AlibabaCredentials> {
        let (n, expires_at) = self.next();
        let credentials =
            AlibabaCredentials::new(format!("STS.{n}"), "secret").with_token(format!("token-{n}"));
        Box::pin(std::future::ready(Ok(Resolved {
            expires_at,
            ..Resolved::new(credentials, format!("role session {n}"))
        })))
    }
}

impl ProvideCredentials<TencentCredentials> for RoleSessions {
    fn provide(&self) -> ProvideFuture<'_, TencentCredentials> {
        let (n, expires_at) = self.next();
        let credentials = TencentCredentials::new(format!("AKIDsession{n}"), "secret")
            .with_token(format!("token-{n}"));
        Box::pin(std::future::ready(Ok(Resolved {
            expires_at,
            ..Resolved::new(credentials, format!("role session {n}"))
        })))
    }
}

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

fn alibaba_error(code: &str) -> Scripted {
    respond(
        400,
        &format!(r#"{{"RequestId":"R","Code":"{code}","Message":"scripted {code}"}}"#),
    )
}

const DESCRIBED: &str = r#"{"RequestId":"R","VpnGatewayId":"vpn-1"}"#;

fn alibaba(
    script: impl IntoIterator<Item = Scripted>,
    sessions: &Arc<RoleSessions>,
    retry: RetryConfig,
) -> (AlibabaClient, Arc<ScriptedTransport>) {
    alibaba_logged(script, sessions, retry, Arc::new(|_: WireEvent<'_>| {}))
}

fn alibaba_logged(
    script: impl IntoIterator<Item = Scripted>,
    sessions: &Arc<RoleSessions>,
    retry: RetryConfig,
    log: WireLog,
) -> (AlibabaClient, Arc<ScriptedTransport>) {
    let transport = Arc::new(ScriptedTransport::new(script));
    let client = AlibabaClient::builder()
        .wire_log(log)
        .endpoint("http://127.0.0.1:9")
        .credentials_provider(sessions.clone())
        .transport(transport.clone())
        .retry(retry)
        .build()
        .expect("client");
    (client, transport)
}

fn alibaba_keys(requests: &[HttpRequest]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.header("x-acs-accesskey-id").expect("key id").to_owned())
        .collect()
}

#[tokio::test]
async fn every_alibaba_session_rejection_is_retried_once_with_a_refreshed_session() {
    for code in [
        "InvalidSecurityToken.Expired",
        "InvalidSecurityToken.Malformed",
        "InvalidSecurityToken.MismatchWithAccessKey",
        "MissingSecurityToken",
    ] {
        let sessions = Arc::new(RoleSessions::default());
        let (client, transport) = alibaba(
            [alibaba_error(code), respond(200, DESCRIBED)],
            &sessions,
            RetryConfig::deterministic(1),
        );
        client
            .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
            .await
            .unwrap_or_else(|e| panic!("{code}: not renewed: {e}"));
        assert_eq!(
            alibaba_keys(&transport.requests()),
            ["STS.1", "STS.2"],
            "{code}"
        );
        assert_eq!(sessions.calls(), 2, "{code}");
    }
}

#[tokio::test]
async fn a_second_rejection_with_fresh_credentials_reaches_the_caller() {
    let sessions = Arc::new(RoleSessions::default());
    let expired = || alibaba_error("InvalidSecurityToken.Expired");
    let (client, transport) = alibaba(
        [expired(), expired(), respond(200, DESCRIBED)],
        &sessions,
        RetryConfig::deterministic(1),
    );
    let error = client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("rejected twice");
    assert_eq!(error.code(), Some("InvalidSecurityToken.Expired"));
    let Error::Service(e) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        e.info().credentials_source.as_deref(),
        Some("role session 2"),
        "names the source of the fresh credentials: {error}"
    );
    assert!(!error.to_string().contains("token-2"), "{error}");
    assert_eq!(alibaba_keys(&transport.requests()), ["STS.1", "STS.2"]);
    assert_eq!(sessions.calls(), 2);
    // The second rejected session is forgotten too: the next call does not spend an attempt on it.
    client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("a third session");
    assert_eq!(
        alibaba_keys(&transport.requests()),
        ["STS.1", "STS.2", "STS.3"]
    );
}

/// A wire log that keeps every event as one line: `request 1`, `retrying 1 after 0ns: ...`, `response 1`.
fn event_lines() -> (WireLog, Arc<Mutex<Vec<String>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    let log: WireLog = Arc::new(move |event: WireEvent<'_>| {
        let line = match event {
            WireEvent::Request { attempt, .. } => format!("request {attempt}"),
            WireEvent::Response { attempt, .. } => format!("response {attempt}"),
            WireEvent::Retrying {
                attempt,
                reason,
                delay,
                ..
            } => format!("retrying {attempt} after {delay:?}: {reason}"),
        };
        kept.lock().unwrap().push(line);
    });
    (log, seen)
}

#[tokio::test]
async fn a_session_retry_is_announced_to_the_wire_log_at_once() {
    let sessions = Arc::new(RoleSessions::default());
    let (log, seen) = event_lines();
    let (client, _transport) = alibaba_logged(
        [
            alibaba_error("InvalidSecurityToken.Expired"),
            respond(200, DESCRIBED),
        ],
        &sessions,
        RetryConfig::deterministic(1),
        log,
    );
    client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("renewed");
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "request 1",
            "response 1",
            "retrying 1 after 0ns: session rejected (InvalidSecurityToken.Expired), retrying with refreshed credentials",
            "request 2",
            "response 2",
        ]
    );
}

#[tokio::test]
async fn a_session_retry_is_paid_from_the_retry_budget() {
    let sessions = Arc::new(RoleSessions::default());
    // Enough for one retry: the first rejected call spends it, the second finds the budget empty.
    let retry = RetryConfig {
        budget: 5,
        retry_cost: 5,
        success_refund: 0,
        ..RetryConfig::deterministic(1)
    };
    let expired = || alibaba_error("InvalidSecurityToken.Expired");
    let (client, transport) = alibaba(
        [
            expired(),
            respond(200, DESCRIBED),
            expired(),
            respond(200, DESCRIBED),
        ],
        &sessions,
        retry,
    );
    let request = DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1");
    client.send(request.clone()).await.expect("renewed");
    let error = client.send(request).await.expect_err("no budget left");
    assert_eq!(error.code(), Some("InvalidSecurityToken.Expired"));
    assert_eq!(transport.requests().len(), 3);
}

#[tokio::test]
async fn rejected_static_keys_are_not_retried() {
    let sessions = Arc::new(RoleSessions {
        static_keys: true,
        ..RoleSessions::default()
    });
    let (client, transport) = alibaba(
        [
            alibaba_error("InvalidSecurityToken.Expired"),
            respond(200, DESCRIBED),
        ],
        &sessions,
        RetryConfig::deterministic(1),
    );
    let error = client
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("rejected");
    assert_eq!(error.code(), Some("InvalidSecurityToken.Expired"));
    assert_eq!(transport.requests().len(), 1);
    assert_eq!(sessions.calls(), 1);
}

#[tokio::test]
async fn without_attempts_to_spare_the_next_call_gets_the_refreshed_session() {
    let sessions = Arc::new(RoleSessions::default());
    let (client, transport) = alibaba(
        [
            alibaba_error("InvalidSecurityToken.Expired"),
            respond(200, DESCRIBED),
        ],
        &sessions,
        RetryConfig::disabled(),
    );
    let request = DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1");
    let error = client.send(request.clone()).await.expect_err("one attempt");
    assert_eq!(error.code(), Some("InvalidSecurityToken.Expired"));
    client.send(request).await.expect("a new session");
    assert_eq!(alibaba_keys(&transport.requests()), ["STS.1", "STS.2"]);
}

#[tokio::test]
async fn a_delete_refused_for_its_session_then_not_found_is_not_already_gone() {
    let sessions = Arc::new(RoleSessions::default());
    let (client, _transport) = alibaba(
        [
            alibaba_error("InvalidSecurityToken.Expired"),
            respond(
                404,
                r#"{"RequestId":"R","Code":"InvalidVpnGatewayInstanceId.NotFound","Message":"gone"}"#,
            ),
        ],
        &sessions,
        RetryConfig::deterministic(1),
    );
    let outcome = client
        .delete(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await;
    // The refused attempt deleted nothing, so nothing says an earlier attempt did.
    assert!(
        !matches!(outcome, Ok(Deletion::AlreadyGone { .. })),
        "{outcome:?}"
    );
    assert_eq!(sessions.calls(), 2);
}

#[tokio::test]
async fn a_tencent_v2_token_failure_is_retried_once_with_a_refreshed_session() {
    let sessions = Arc::new(RoleSessions::default());
    let transport = Arc::new(ScriptedTransport::new([
        respond(
            200,
            r#"{"code":4105,"message":"token failure","codeDesc":"AuthFailure.TokenFailure"}"#,
        ),
        respond(
            200,
            r#"{"code":0,"message":"","codeDesc":"Success","data":{"taskId":1}}"#,
        ),
    ]));
    let client = TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials_provider(sessions.clone())
        .transport(transport.clone())
        .ids(Arc::new(FixedIds::counting("n", 100, "unused")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client");
    client
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect("renewed");
    let ids: Vec<bool> = transport
        .requests()
        .iter()
        .map(|r| {
            String::from_utf8_lossy(&r.body).contains("AKIDsession2")
                || r.url.contains("AKIDsession2")
        })
        .collect();
    assert_eq!(ids, [false, true]);
    assert_eq!(sessions.calls(), 2);
}
