//! The generated fluent clients: a call built with setters sends the very bytes the request-struct path
//! sends, a required parameter left unset is refused before anything is sent, `send_and_wait` sends and
//! then polls per the spec's recipe, and a bad endpoint fails at `build()`.

use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::{FixedClock, FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::HttpResponse;
use cloudvpn::{BuildError, Error, RetryConfig, SendAndWaitError, WaitError, WaitOptions};
use cloudvpn_types::Problem;
use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

fn fast() -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        deadline: Duration::from_secs(5),
    }
}

fn alibaba(t: &Arc<ScriptedTransport>) -> cloudvpn::alibaba::VpcClient {
    cloudvpn::alibaba::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("ak", Secret::new("secret")))
        .transport(t.clone())
        .clock(Arc::new(FixedClock::at_unix(1_704_110_400)))
        .ids(Arc::new(FixedIds::new("nonce-1", 7, "token-1")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_fluent_call_sends_the_same_request_as_the_request_struct() {
    let ok = r#"{"RequestId":"r-1"}"#;
    let t = Arc::new(ScriptedTransport::new([respond(200, ok), respond(200, ok)]));
    let client = alibaba(&t);
    let out = client
        .delete_vpn_gateway()
        .region_id("cn-hangzhou")
        .vpn_gateway_id("vpn-1")
        .send()
        .await
        .expect("deleted");
    assert_eq!(out.request_id, "r-1");
    client
        .send(DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-1"))
        .await
        .expect("deleted");
    let sent = t.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].url, sent[1].url);
    assert_eq!(sent[0].headers, sent[1].headers);
    // The idempotency token was filled in, as on the request-struct path.
    assert!(
        sent[0].url.contains("ClientToken=token-1"),
        "{}",
        sent[0].url
    );
}

#[tokio::test]
async fn an_unset_required_parameter_is_refused_before_anything_is_sent() {
    let t = Arc::new(ScriptedTransport::new([]));
    let err = alibaba(&t)
        .delete_vpn_gateway()
        .region_id("cn-hangzhou")
        .send()
        .await
        .expect_err("VpnGatewayId is required");
    match err {
        Error::Validation(v) => {
            assert_eq!(
                (v.action, v.param.as_str()),
                ("DeleteVpnGateway", "VpnGatewayId")
            );
            assert_eq!(v.problem, Problem::Missing);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    assert!(t.requests().is_empty());
}

#[tokio::test]
async fn send_and_wait_sends_then_polls_until_the_recipe_says_done() {
    let t = Arc::new(ScriptedTransport::new([
        respond(200, r#"{"RequestId":"r-accepted"}"#),
        respond(
            200,
            r#"{"RequestId":"r-2","VpnConnectionId":"vco-1","VpnGatewayId":"vpn-1","Status":"ike_sa_not_established"}"#,
        ),
        respond(
            404,
            r#"{"RequestId":"r-3","Code":"InvalidVpnConnectionInstanceId.NotFound","Message":"gone"}"#,
        ),
    ]));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let waited = alibaba(&t)
        .delete_vpn_connection()
        .region_id("cn-hangzhou")
        .vpn_connection_id("vco-1")
        .send_and_wait()
        .wait_options(fast())
        .on_progress(move |p| log.lock().expect("lock").push(p.observed.clone()))
        .await
        .expect("completes");
    assert_eq!(waited.output.request_id, "r-accepted");
    assert_eq!(waited.completed.polls, 2);
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![
            "Status=ike_sa_not_established".to_owned(),
            "InvalidVpnConnectionInstanceId.NotFound".to_owned()
        ]
    );
    let sent = t.requests();
    assert!(
        sent[1].url.contains("VpnConnectionId=vco-1"),
        "{}",
        sent[1].url
    );
    assert_eq!(
        sent[1].header("x-acs-action"),
        Some("DescribeVpnConnection")
    );
}

#[tokio::test]
async fn send_and_wait_reports_a_refused_call_as_not_accepted() {
    let t = Arc::new(ScriptedTransport::new([respond(
        400,
        r#"{"RequestId":"r-1","Code":"Forbbiden.SubUser","Message":"no permission"}"#,
    )]));
    let err = alibaba(&t)
        .delete_vpn_connection()
        .region_id("cn-hangzhou")
        .vpn_connection_id("vco-1")
        .send_and_wait()
        .wait_options(fast())
        .await
        .expect_err("refused");
    assert!(!err.was_accepted());
    match err {
        SendAndWaitError::Send(e) => assert_eq!(e.code(), Some("Forbbiden.SubUser")),
        other => panic!("expected the call's own error, got {other:?}"),
    }
    assert_eq!(t.requests().len(), 1, "nothing is polled after a refusal");
}

#[tokio::test]
async fn the_legacy_tencent_client_waits_on_its_task() {
    let t = Arc::new(ScriptedTransport::new([
        respond(200, r#"{"code":0,"message":"","data":{"taskId":12615}}"#),
        respond(200, r#"{"code":0,"message":"","data":{"status":2}}"#),
        respond(200, r#"{"code":0,"message":"","data":{"status":0}}"#),
    ]));
    let legacy = cloudvpn::tencent::VpcV2Client::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client");
    let waited = legacy
        .delete_vpn_conn()
        .vpc_id("vpc-1")
        .vpn_gw_id("vpngw-1")
        .vpn_conn_id("vpnx-1")
        .send_and_wait()
        .wait_options(fast())
        .await
        .expect("completes");
    assert_eq!(waited.output.data.task_id, 12615);
    assert_eq!(waited.completed.polls, 2);
    assert!(t.requests()[2].url.contains("taskId=12615"));
}

#[tokio::test]
async fn a_wait_that_fails_is_reported_as_accepted() {
    let t = Arc::new(ScriptedTransport::new([
        respond(200, r#"{"code":0,"message":"","data":{"taskId":5}}"#),
        respond(200, r#"{"code":0,"message":"","data":{"status":1}}"#),
    ]));
    let legacy = cloudvpn::tencent::VpcV2Client::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .build()
        .expect("client");
    let err = legacy
        .delete_vpn_conn()
        .vpc_id("vpc-1")
        .vpn_gw_id("vpngw-1")
        .vpn_conn_id("vpnx-1")
        .send_and_wait()
        .wait_options(fast())
        .await
        .expect_err("the task failed");
    assert!(err.was_accepted());
    assert!(
        matches!(err, SendAndWaitError::Wait(WaitError::Failed { .. })),
        "{err:?}"
    );
}

#[test]
fn a_bad_endpoint_fails_at_build_not_on_every_call() {
    for bad in ["127.0.0.1:8080", "ftp://x", "http://h/path", "not a url"] {
        let err = cloudvpn::alibaba::VpcClient::builder()
            .endpoint(bad)
            .credentials(AlibabaCredentials::new("ak", Secret::new("secret")))
            .build()
            .expect_err(bad);
        match &err {
            BuildError::Endpoint { message } => assert!(message.contains(bad), "{message}"),
            other => panic!("{bad}: expected an endpoint error, got {other:?}"),
        }
        assert!(
            cloudvpn::tencent::VpcV2Client::builder()
                .endpoint(bad)
                .build()
                .is_err(),
            "{bad}"
        );
    }
}
