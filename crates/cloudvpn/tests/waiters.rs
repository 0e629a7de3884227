//! Spec-driven waiters through the scripted transport.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::{FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::HttpResponse;
use cloudvpn::{AlibabaClient, RetryConfig, TencentClient, WaitError, WaitOptions, WaitSubject};
use cloudvpn_types::alibaba_vpc::DeleteVpnConnectionRequest;
use cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest;
use std::sync::Arc;
use std::time::Duration;

fn fast() -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        deadline: Duration::from_secs(5),
    }
}

fn respond(status: u16, body: &str) -> Scripted {
    Scripted::Respond(HttpResponse::new(status, body.to_owned()))
}

fn task(status: i64) -> Scripted {
    respond(
        200,
        &format!(r#"{{"code":0,"message":"","data":{{"status":{status}}}}}"#),
    )
}

fn tencent(t: &Arc<ScriptedTransport>) -> TencentClient {
    TencentClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .ids(Arc::new(FixedIds::counting("n", 1, "t")))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

#[tokio::test]
async fn a_tencent_task_is_polled_from_2_to_0_with_progress() {
    let t = Arc::new(ScriptedTransport::new([
        respond(200, r#"{"code":0,"message":"","data":{"taskId":12615}}"#),
        task(2),
        task(2),
        task(0),
    ]));
    let client = tencent(&t);
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let accepted = client.send(request.clone()).await.expect("accepted");
    let mut seen = Vec::new();
    let done = client
        .wait(&request, &accepted, &fast(), |p| {
            seen.push(p.observed.clone())
        })
        .await
        .expect("completes");
    assert_eq!(done.polls, 3);
    assert_eq!(
        seen,
        vec!["data.status=2", "data.status=2", "data.status=0"]
    );
    // The poll carried the task id from the response.
    let poll = &t.requests()[1];
    assert!(
        poll.url.contains("taskId=12615") && poll.url.contains("Action=DescribeVpcTaskResult"),
        "{}",
        poll.url
    );
}

#[tokio::test]
async fn a_failed_task_is_a_failure_not_a_timeout() {
    let t = Arc::new(ScriptedTransport::new([task(2), task(1)]));
    let client = tencent(&t);
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let accepted =
        serde_json::from_str(r#"{"code":0,"message":"","data":{"taskId":5}}"#).expect("output");
    let err = client
        .wait(&request, &accepted, &fast(), |_| {})
        .await
        .expect_err("failed");
    assert!(matches!(err, WaitError::Failed { .. }), "{err}");
    // The message names the resource and the task, so the user can follow the failure up.
    assert_eq!(
        err.to_string(),
        "DeleteVpnConn of vpcId=vpc-1, vpnGwId=vpngw-1, vpnConnId=vpnx-1 (taskId=5) was accepted but failed: \
         DescribeVpcTaskResult shows data.status=1"
    );
}

#[test]
fn an_alibaba_wait_subject_names_the_resource_and_the_request_id() {
    let request = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-1");
    let accepted = serde_json::from_str(r#"{"RequestId":"REQ-1"}"#).expect("output");
    let subject = WaitSubject::of(&request, &accepted);
    assert_eq!(subject.poll_action, "DescribeVpnConnection");
    // The poll repeats the request's region and id: nothing of its own to show.
    assert!(subject.poll_input.is_empty(), "{subject:?}");
    assert_eq!(
        subject.to_string(),
        "DeleteVpnConnection of RegionId=cn-hangzhou, VpnConnectionId=vco-1 (request id REQ-1)"
    );
}

#[tokio::test]
async fn the_deadline_ends_a_wait() {
    let t = Arc::new(ScriptedTransport::new((0..100).map(|_| task(2))));
    let client = tencent(&t);
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let accepted =
        serde_json::from_str(r#"{"code":0,"message":"","data":{"taskId":5}}"#).expect("output");
    let options = WaitOptions {
        deadline: Duration::from_millis(30),
        ..fast()
    };
    let err = client
        .wait(&request, &accepted, &options, |_| {})
        .await
        .expect_err("timeout");
    assert!(matches!(err, WaitError::TimedOut { .. }), "{err}");
    assert!(
        err.to_string().contains("last seen: data.status=2"),
        "{err}"
    );
}

#[tokio::test]
async fn the_last_poll_is_made_at_the_deadline_not_skipped() {
    // Polls at 0 ms and 200 ms; the next delay (400 ms) would cross the 500 ms deadline, so the third poll
    // is made at the deadline, and it sees the task done.
    let t = Arc::new(ScriptedTransport::new([task(2), task(2), task(0)]));
    let client = tencent(&t);
    let request = DeleteVpnConnRequest::new("vpc-1", "vpngw-1", "vpnx-1");
    let accepted =
        serde_json::from_str(r#"{"code":0,"message":"","data":{"taskId":5}}"#).expect("output");
    let options = WaitOptions {
        min_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(5),
        deadline: Duration::from_millis(500),
    };
    let done = client
        .wait(&request, &accepted, &options, |_| {})
        .await
        .expect("the poll at the deadline sees completion");
    assert_eq!(done.polls, 3);
}

#[tokio::test]
async fn an_alibaba_connection_deletion_completes_when_the_connection_is_gone() {
    let not_found =
        r#"{"RequestId":"r","Code":"InvalidVpnConnectionInstanceId.NotFound","Message":"gone"}"#;
    let t = Arc::new(ScriptedTransport::new([
        respond(
            200,
            r#"{"RequestId":"r","VpnConnectionId":"vco-1","Status":"ipsec_sa_established"}"#,
        ),
        respond(404, not_found),
    ]));
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("ak", Secret::new("sk")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client");
    let request = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-1");
    let accepted = serde_json::from_str(r#"{"RequestId":"r"}"#).expect("output");
    let mut seen = Vec::new();
    let done = client
        .wait(&request, &accepted, &fast(), |p| {
            seen.push(p.observed.clone())
        })
        .await
        .expect("gone");
    assert_eq!(done.observed, "InvalidVpnConnectionInstanceId.NotFound");
    assert_eq!(seen[0], "Status=ipsec_sa_established");
    assert!(t.requests()[0].header("x-acs-action") == Some("DescribeVpnConnection"));
}

#[tokio::test]
async fn an_unexpected_poll_error_is_reported() {
    let t = Arc::new(ScriptedTransport::new([respond(
        403,
        r#"{"RequestId":"r","Code":"Forbidden","Message":"no"}"#,
    )]));
    let client = AlibabaClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(AlibabaCredentials::new("ak", Secret::new("sk")))
        .transport(t.clone())
        .build()
        .expect("client");
    let request = DeleteVpnConnectionRequest::new("cn-hangzhou", "vco-1");
    let accepted = serde_json::from_str(r#"{"RequestId":"r"}"#).expect("output");
    let err = client
        .wait(&request, &accepted, &fast(), |_| {})
        .await
        .expect_err("forbidden");
    assert!(matches!(err, WaitError::Poll(_)), "{err}");
}
