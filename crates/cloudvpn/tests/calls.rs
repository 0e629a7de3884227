//! Calls through the scripted transport: retries, token reuse, fresh signatures per attempt, every error
//! path typed, idempotent deletes.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{
    AlibabaChain, AlibabaCredentials, MapEnvironment, Secret, TencentCredentials,
};
use cloudvpn::test_util::{FixedClock, FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::{HttpRequest, HttpResponse};
use cloudvpn::{AlibabaClient, Deletion, Error, RetryConfig, TencentClient};
use cloudvpn_types::alibaba_vpc::{
    DeleteVpnGatewayError, DeleteVpnGatewayRequest, DescribeVpnGatewayRequest,
};
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use std::sync::Arc;
use std::time::Duration;

const OK: &str = r#"{"RequestId":"0ED8D006-F706-4D23-88ED-E11ED28DCAC0"}"#;

fn json_error(code: &str) -> String {
    format!(
        r#"{{"RequestId":"REQ-1","HostId":"vpc.aliyuncs.com","Code":"{code}","Message":"scripted {code}","Recommend":"https://example.invalid"}}"#
    )
}

fn alibaba(transport: &Arc<ScriptedTransport>, retry: RetryConfig) -> AlibabaClient {
    AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("testid", Secret::new("testsecret")))
        .transport(transport.clone())
        .clock(Arc::new(FixedClock::at_unix(1_704_110_400)))
        .ids(Arc::new(FixedIds::counting(
            "nonce",
            100,
            "auto-token-0001",
        )))
        .retry(retry)
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .expect("client")
}

fn tencent(transport: &Arc<ScriptedTransport>) -> TencentClient {
    TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(transport.clone())
        .ids(Arc::new(FixedIds::counting("n", 100, "unused")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

fn query_param(req: &HttpRequest, name: &str) -> Option<String> {
    let query = req.url.split_once('?')?.1;
    cloudvpn_signing::encoding::form_decode(query)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

#[tokio::test]
async fn a_scripted_503_503_200_recovers_with_fresh_signatures_and_one_token() {
    let t = Arc::new(ScriptedTransport::new([
        respond(503, &json_error("ServiceUnavailable")),
        respond(503, "Service Unavailable"),
        respond(200, OK),
    ]));
    let client = alibaba(&t, RetryConfig::deterministic(7));
    let out = client
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("recovers on the third attempt");
    assert_eq!(out.request_id, "0ED8D006-F706-4D23-88ED-E11ED28DCAC0");

    let sent = t.requests();
    assert_eq!(sent.len(), 3);
    let nonces: Vec<_> = sent
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").map(str::to_owned))
        .collect();
    assert_eq!(
        nonces,
        vec![
            Some("nonce-1".into()),
            Some("nonce-2".into()),
            Some("nonce-3".into())
        ]
    );
    let auths: Vec<_> = sent
        .iter()
        .map(|r| r.header("authorization").map(str::to_owned))
        .collect();
    assert!(
        auths[0] != auths[1] && auths[1] != auths[2],
        "each attempt is signed afresh"
    );
    for r in &sent {
        assert_eq!(
            query_param(r, "ClientToken").as_deref(),
            Some("auto-token-0001")
        );
    }
}

#[tokio::test]
async fn the_callers_client_token_is_kept() {
    let t = Arc::new(ScriptedTransport::new([respond(200, OK)]));
    alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1").client_token("mine"))
        .await
        .expect("ok");
    assert_eq!(
        query_param(&t.requests()[0], "ClientToken").as_deref(),
        Some("mine")
    );
}

#[tokio::test]
async fn a_documented_non_retryable_error_is_typed_and_not_retried() {
    let t = Arc::new(ScriptedTransport::new([respond(
        403,
        &json_error("ForbiddenRelease"),
    )]));
    let err = alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("403");
    assert_eq!(t.requests().len(), 1);
    let e = err.service_error().expect("typed in one step");
    assert!(matches!(e, DeleteVpnGatewayError::ForbiddenRelease(_)));
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        "DeleteVpnGateway failed: ForbiddenRelease: scripted ForbiddenRelease (HTTP 403, request id REQ-1)"
    );
}

#[tokio::test]
async fn documented_transient_errors_retry_until_the_attempts_run_out() {
    let t = Arc::new(ScriptedTransport::new(
        (0..10).map(|_| respond(400, &json_error("VpnGateway.Configuring"))),
    ));
    let retry = RetryConfig {
        max_attempts: 3,
        ..RetryConfig::deterministic(1)
    };
    let err = alibaba(&t, retry)
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("still configuring");
    assert_eq!(t.requests().len(), 3);
    assert!(
        err.service_error()
            .is_some_and(|e| e.is_vpn_gateway_configuring())
    );
    assert!(err.is_retryable());
}

#[tokio::test]
async fn throttling_is_retried() {
    let t = Arc::new(ScriptedTransport::new([
        respond(400, &json_error("Throttling.User")),
        respond(200, OK),
    ]));
    alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("second attempt");
    assert_eq!(t.requests().len(), 2);
}

#[tokio::test]
async fn a_dropped_connection_is_retried_only_when_repeating_is_safe() {
    // DeleteVpnGateway carries a ClientToken: safe.
    let t = Arc::new(ScriptedTransport::new([Scripted::Drop, respond(200, OK)]));
    alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("retried");
    assert_eq!(t.requests().len(), 2);

    // Tencent DeleteVpnConn has no token: the first attempt may have been acted on, so no retry.
    let t = Arc::new(ScriptedTransport::new([
        Scripted::Drop,
        respond(200, r#"{"code":0,"message":"","data":{"taskId":1}}"#),
    ]));
    let err = tencent(&t)
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect_err("not repeated");
    assert_eq!(t.requests().len(), 1);
    assert!(
        matches!(err, Error::Transport { attempts: 1, .. }),
        "{err:?}"
    );

    // A refused connection never reached the server: always retried.
    let t = Arc::new(ScriptedTransport::new([
        Scripted::Refuse,
        respond(200, r#"{"code":0,"message":"","data":{"taskId":1}}"#),
    ]));
    let out = tencent(&t)
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect("retried after refusal");
    assert_eq!(out.data.task_id, 1);
    assert_eq!(t.requests().len(), 2);
}

#[tokio::test]
async fn read_only_calls_retry_5xx_and_timeouts() {
    let slow = Scripted::Delay(
        Duration::from_secs(5),
        HttpResponse::new(200, OK.to_owned()),
    );
    let body = r#"{"RequestId":"r","VpnGatewayId":"vpn-1","Status":"active"}"#;
    let t = Arc::new(ScriptedTransport::new([
        slow,
        respond(502, "<html>bad gateway</html>"),
        respond(200, body),
    ]));
    let out = alibaba(&t, RetryConfig::deterministic(1))
        .send(DescribeVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("third attempt");
    assert_eq!(out.status.as_deref(), Some("active"));
    assert_eq!(t.requests().len(), 3);
}

#[tokio::test]
async fn timeouts_and_unparsable_answers_are_distinct_errors() {
    let slow = Scripted::Delay(
        Duration::from_secs(5),
        HttpResponse::new(200, OK.to_owned()),
    );
    let t = Arc::new(ScriptedTransport::new([slow]));
    let err = alibaba(&t, RetryConfig::disabled())
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("timeout");
    assert!(err.is_timeout(), "{err:?}");
    assert!(
        err.to_string()
            .contains("timed out after 1 attempt(s) of 200 ms"),
        "{err}"
    );

    let t = Arc::new(ScriptedTransport::new([respond(
        200,
        "<html>captive portal</html>",
    )]));
    let err = alibaba(&t, RetryConfig::disabled())
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("unparsable");
    match err {
        Error::Unparsable { status, body, .. } => {
            assert_eq!(status, 200);
            assert_eq!(body, "<html>captive portal</html>");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn invalid_requests_send_nothing() {
    let t = Arc::new(ScriptedTransport::new([]));
    let err = alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1").client_token("x".repeat(65)))
        .await
        .expect_err("too long");
    assert!(matches!(err, Error::Validation(_)));
    assert!(
        err.to_string()
            .contains("ClientToken is 65 characters long; it must be at most 64"),
        "{err}"
    );
    assert!(t.requests().is_empty());
}

#[tokio::test]
async fn an_operation_of_the_other_cloud_is_a_config_error() {
    let t = Arc::new(ScriptedTransport::new([]));
    let err = alibaba(&t, RetryConfig::deterministic(1))
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect_err("wrong client");
    assert!(
        err.to_string()
            .contains("DeleteVpnConn is a tencent operation"),
        "{err}"
    );
    assert!(t.requests().is_empty());
}

#[tokio::test]
async fn missing_credentials_say_which_sources_were_tried() {
    let t = Arc::new(ScriptedTransport::new([]));
    let home = tempfile::tempdir().expect("home");
    let env = Arc::new(MapEnvironment::new().with_home(home.path()));
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .transport(t.clone())
        .credentials_provider(Arc::new(AlibabaChain::new().environment(env)))
        .build()
        .expect("client");
    let err = client
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("no credentials");
    let text = err.to_string();
    assert!(matches!(err, Error::Credentials(_)));
    assert!(text.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{text}");
    assert!(text.contains("config.json"), "{text}");
    assert!(t.requests().is_empty());
}

#[tokio::test]
async fn the_retry_budget_stops_a_retry_storm() {
    let t = Arc::new(ScriptedTransport::new(
        (0..20).map(|_| respond(503, &json_error("ServiceUnavailable"))),
    ));
    let retry = RetryConfig {
        max_attempts: 10,
        budget: 10,
        retry_cost: 5,
        ..RetryConfig::deterministic(3)
    };
    let client = alibaba(&t, retry);
    let _ = client
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await;
    // 10 tokens pay for two retries: three attempts, then the budget is empty.
    assert_eq!(t.requests().len(), 3);
    let _ = client
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-2"))
        .await;
    assert_eq!(t.requests().len(), 4, "no retries left for the next call");
}

#[tokio::test]
async fn not_found_after_a_retried_delete_means_already_deleted() {
    let t = Arc::new(ScriptedTransport::new([
        Scripted::Drop,
        respond(404, &json_error("InvalidVpnGatewayInstanceId.NotFound")),
    ]));
    let outcome = alibaba(&t, RetryConfig::deterministic(1))
        .delete(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("idempotent delete");
    assert_eq!(
        outcome,
        Deletion::AlreadyGone {
            request_id: Some("REQ-1".into())
        }
    );

    // On the first attempt, not found is the caller's mistake and stays an error.
    let t = Arc::new(ScriptedTransport::new([respond(
        404,
        &json_error("InvalidVpnGatewayInstanceId.NotFound"),
    )]));
    let err = alibaba(&t, RetryConfig::deterministic(1))
        .delete(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect_err("not found on the first attempt");
    assert!(err.is_not_found());
}

#[tokio::test]
async fn not_found_after_a_refused_connection_is_an_error_not_already_deleted() {
    // The refused attempt never reached the service: the not-found answer is the first it acted on, so the
    // gateway never existed (a wrong id), not one an earlier attempt deleted.
    let t = Arc::new(ScriptedTransport::new([
        Scripted::Refuse,
        respond(404, &json_error("InvalidVpnGatewayInstanceId.NotFound")),
    ]));
    let outcome = alibaba(&t, RetryConfig::deterministic(1))
        .delete(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await;
    assert!(
        matches!(&outcome, Err(e) if e.is_not_found()),
        "{outcome:?}"
    );
    assert_eq!(t.requests().len(), 2, "the refusal was retried");
}

#[tokio::test]
async fn tencent_errors_arrive_in_http_200() {
    let body =
        r#"{"code":5000,"message":"vpn conn not found","codeDesc":"InvalidVpnConn.NotFound"}"#;
    let t = Arc::new(ScriptedTransport::new([respond(200, body)]));
    let err = tencent(&t)
        .send(DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1"))
        .await
        .expect_err("envelope error");
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("InvalidVpnConn.NotFound"));
    let sent = &t.requests()[0];
    assert!(
        sent.url
            .starts_with("http://127.0.0.1:9/v2/index.php?vpcId=vpc-1&"),
        "{}",
        sent.url
    );
    assert_eq!(query_param(sent, "Region").as_deref(), Some("ap-guangzhou"));
}

#[tokio::test]
async fn a_tencent_call_without_a_region_sends_nothing() {
    let t = Arc::new(ScriptedTransport::new([respond(
        200,
        r#"{"code":0,"message":"","data":{"taskId":1}}"#,
    )]));
    let client = TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .build()
        .expect("client");
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    for error in [
        client.send(request.clone()).await.expect_err("no region"),
        client.prepare(request).await.expect_err("no region"),
    ] {
        let Error::Config { action, message } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(*action, "DeleteVpnConn");
        assert!(message.starts_with("no region"), "{message}");
        assert!(
            message.contains("TencentClientBuilder::region"),
            "{message}"
        );
    }
    assert!(t.requests().is_empty(), "a request was sent");
}

#[tokio::test]
async fn prepare_signs_without_sending_and_hides_tokens_in_debug() {
    let t = Arc::new(ScriptedTransport::new([]));
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(
            AlibabaCredentials::new("testid", Secret::new("testsecret"))
                .with_token(Secret::new("sts-very-secret")),
        )
        .transport(t.clone())
        .build()
        .expect("client");
    let req = client
        .prepare(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("signed");
    assert!(req.header("authorization").is_some());
    assert!(t.requests().is_empty());
    let shown = format!("{req:?}");
    assert!(
        !shown.contains("sts-very-secret") && !shown.contains("testsecret"),
        "{shown}"
    );
    assert!(!format!("{client:?}").contains("testsecret"));
}

#[tokio::test]
async fn a_dry_run_with_keys_in_hand_is_the_signed_request_prepare_builds() {
    let t = Arc::new(ScriptedTransport::new([]));
    // Two clients with the same frozen clock and counting nonces: the same first request.
    let prepared = alibaba(&t, RetryConfig::disabled())
        .prepare(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("signed");
    let dry = alibaba(&t, RetryConfig::disabled())
        .dry_run(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .expect("signed");
    assert_eq!(dry.unsigned_because, None);
    assert_eq!(dry.request.redacted(), prepared.redacted());
    assert!(t.requests().is_empty(), "a request was sent");
}
