//! The API 3.0 client (`cloudvpn::tencent::VpcClient`) through the scripted transport: the requests it
//! builds from the generated types are the official Python SDK's byte for byte (TC3 POST and GET, the
//! old-style HmacSHA256 and HmacSHA1 forms), errors arrive typed from `Response.Error` in HTTP 200, retries
//! follow the specs, and the waiters follow the spec recipes, fallback included.

use cloudvpn::credentials::{Secret, TencentCredentials};
use cloudvpn::test_util::{FixedClock, FixedIds, Scripted, ScriptedTransport};
use cloudvpn::transport::{HttpMethod, HttpRequest, HttpResponse};
use cloudvpn::{
    Api3SignatureMethod, ApiClient, Error, RetryConfig, SendAndWaitError, WaitError, WaitOptions,
    tencent,
};
use std::sync::Arc;
use std::time::Duration;

const ACCEPTED: &str = r#"{"Response": {"RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"}}"#;

fn respond(body: &str) -> Scripted {
    Scripted::Respond(
        HttpResponse::new(200, body.to_owned()).with_header("content-type", "application/json"),
    )
}

fn fast() -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
        deadline: Duration::from_secs(5),
    }
}

/// The client as the official SDK's vectors were captured: fixed key, time and nonce, its RequestClient
/// and language, the real host (the transport is scripted: nothing leaves the process).
fn vector_client(
    t: &Arc<ScriptedTransport>,
    signature: Api3SignatureMethod,
    method: HttpMethod,
) -> tencent::VpcClient {
    tencent::VpcClient::builder()
        .endpoint("https://vpc.tencentcloudapi.com")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
            Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
        ))
        .signature_method(signature)
        .http_method(method)
        .request_client("SDK_PYTHON_3.1.193")
        .language(Some("zh-CN"))
        .clock(Arc::new(FixedClock::at_unix(1_465_185_768)))
        .ids(Arc::new(FixedIds::new("n", 11886, "t")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

fn client(t: &Arc<ScriptedTransport>) -> tencent::VpcClient {
    tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

fn signature(request: &HttpRequest) -> &str {
    request
        .header("authorization")
        .and_then(|a| a.rsplit("Signature=").next())
        .expect("signed")
}

#[tokio::test]
async fn tc3_post_from_the_generated_request_is_the_official_sdk_request() {
    let t = Arc::new(ScriptedTransport::new([respond(ACCEPTED)]));
    let c = vector_client(&t, Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Post);
    let out = c
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-kfldykuz")
        .vpn_connection_id("vpnx-ol6bcqp0")
        .send()
        .await
        .expect("accepted");
    assert_eq!(out.request_id, "6ef60bec-0242-43af-bb20-270359fb54a7");
    let sent = &t.requests()[0];
    assert_eq!(sent.method, HttpMethod::Post);
    assert_eq!(sent.url, "https://vpc.tencentcloudapi.com/");
    assert_eq!(
        String::from_utf8_lossy(&sent.body),
        r#"{"VpnGatewayId": "vpngw-kfldykuz", "VpnConnectionId": "vpnx-ol6bcqp0"}"#
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.header("x-tc-action"), Some("DeleteVpnConnection"));
    assert_eq!(sent.header("x-tc-version"), Some("2017-03-12"));
    assert_eq!(sent.header("x-tc-region"), Some("ap-guangzhou"));
    assert_eq!(sent.header("x-tc-timestamp"), Some("1465185768"));
    assert_eq!(
        sent.header("authorization"),
        Some(
            "TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA/2016-06-06/vpc/tc3_request, SignedHeaders=content-type;host, Signature=b2d4dbaeed21ba8fcbe0ea54755398e9a259e41d1c93e50252ed21b024ebb9a1"
        )
    );
}

#[tokio::test]
async fn tc3_get_and_the_old_style_forms_are_the_official_sdk_requests() {
    let t = Arc::new(ScriptedTransport::new([
        respond(ACCEPTED),
        respond(ACCEPTED),
        respond(ACCEPTED),
    ]));
    for (signature, method) in [
        (Api3SignatureMethod::Tc3HmacSha256, HttpMethod::Get),
        (Api3SignatureMethod::HmacSha256, HttpMethod::Post),
        (Api3SignatureMethod::HmacSha1, HttpMethod::Get),
    ] {
        vector_client(&t, signature, method)
            .delete_vpn_connection()
            .vpn_gateway_id("vpngw-kfldykuz")
            .vpn_connection_id("vpnx-ol6bcqp0")
            .send()
            .await
            .expect("accepted");
    }
    let sent = t.requests();
    assert_eq!(
        sent[0].url,
        "https://vpc.tencentcloudapi.com/?VpnGatewayId=vpngw-kfldykuz&VpnConnectionId=vpnx-ol6bcqp0"
    );
    assert_eq!(
        signature(&sent[0]),
        "6438d2fb0ebfecb511c8ad9f7cd74712b219c628be298df22644108f3e67be60"
    );
    assert_eq!(
        String::from_utf8_lossy(&sent[1].body),
        "VpnGatewayId=vpngw-kfldykuz&VpnConnectionId=vpnx-ol6bcqp0&Action=DeleteVpnConnection&RequestClient=SDK_PYTHON_3.1.193&Nonce=11886&Timestamp=1465185768&Version=2017-03-12&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&SignatureMethod=HmacSHA256&Language=zh-CN&Signature=U9Ff%2Bsqsf71w4UFOqUc%2BoLgEM5fRGzxdhG7aZ%2FzkNFA%3D"
    );
    assert!(
        sent[2]
            .url
            .ends_with("&Signature=9lUUjPznTNoVJYZHCT80jtMpcIg%3D"),
        "{}",
        sent[2].url
    );
}

#[tokio::test]
async fn a_list_parameter_goes_as_a_json_array_and_flattened_on_get() {
    let listed = r#"{"Response": {"TotalCount": 0, "VpnGatewaySet": [], "RequestId": "r"}}"#;
    let t = Arc::new(ScriptedTransport::new([respond(listed), respond(listed)]));
    client(&t)
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-1", "vpngw-2"])
        .send()
        .await
        .expect("listed");
    let get = tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .http_method(HttpMethod::Get)
        .transport(t.clone())
        .build()
        .expect("client");
    get.describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-1", "vpngw-2"])
        .send()
        .await
        .expect("listed");
    let sent = t.requests();
    assert_eq!(
        String::from_utf8_lossy(&sent[0].body),
        r#"{"VpnGatewayIds": ["vpngw-1", "vpngw-2"]}"#
    );
    assert!(
        sent[1]
            .url
            .ends_with("/?VpnGatewayIds.0=vpngw-1&VpnGatewayIds.1=vpngw-2"),
        "{}",
        sent[1].url
    );
}

#[tokio::test]
async fn errors_arrive_typed_in_http_200_and_only_retryable_ones_are_retried() {
    let t = Arc::new(ScriptedTransport::new([
        respond(
            r#"{"Response": {"Error": {"Code": "RequestLimitExceeded", "Message": "slow down"}, "RequestId": "r-1"}}"#,
        ),
        respond(
            r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "no such tunnel"}, "RequestId": "r-2"}}"#,
        ),
    ]));
    let c = tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .retry(RetryConfig::deterministic(4))
        .build()
        .expect("client");
    let err = c
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send()
        .await
        .expect_err("not found");
    assert_eq!(t.requests().len(), 2, "throttled once, then a final answer");
    let e = err.service_error().expect("typed");
    assert!(e.is_resource_not_found(), "{e}");
    assert!(err.is_not_found());
    assert_eq!(e.request_id(), Some("r-2"));
}

#[tokio::test]
async fn a_rejected_signature_names_where_the_credentials_came_from() {
    let t = Arc::new(ScriptedTransport::new([respond(
        r#"{"Response": {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "The provided credentials could not be validated."}, "RequestId": "r"}}"#,
    )]));
    let err = client(&t)
        .delete_vpn_gateway()
        .vpn_gateway_id("vpngw-1")
        .send()
        .await
        .expect_err("rejected");
    let info = err.service_error().expect("typed").info();
    assert!(info.credentials_source.is_some(), "{info:?}");
    assert!(!err.to_string().contains("skey"));
}

#[tokio::test]
async fn no_region_anywhere_is_refused_before_anything_is_sent() {
    let t = Arc::new(ScriptedTransport::new([]));
    let err = tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:9")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .build()
        .expect("client")
        .delete_vpn_gateway()
        .vpn_gateway_id("vpngw-1")
        .send()
        .await
        .expect_err("no region");
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(t.requests().is_empty());
}

#[tokio::test]
async fn a_deleted_connection_is_awaited_on_its_task() {
    let t = Arc::new(ScriptedTransport::new([
        respond(r#"{"Response": {"RequestId": "task-1"}}"#),
        respond(
            r#"{"Response": {"Status": "RUNNING", "Output": "", "Result": [], "RequestId": "p-1"}}"#,
        ),
        respond(
            r#"{"Response": {"Status": "SUCCESS", "Output": "", "Result": [], "RequestId": "p-2"}}"#,
        ),
    ]));
    let waited = client(&t)
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send_and_wait()
        .wait_options(fast())
        .await
        .expect("complete");
    assert_eq!(waited.completed.polls, 2);
    let poll = &t.requests()[1];
    assert_eq!(poll.header("x-tc-action"), Some("DescribeVpcTaskResult"));
    // TaskId is the RequestId of the accepted call.
    assert_eq!(
        String::from_utf8_lossy(&poll.body),
        r#"{"TaskId": "task-1"}"#
    );
}

#[tokio::test]
async fn an_unreadable_task_falls_back_to_listing_the_connection_until_it_is_gone() {
    let t = Arc::new(ScriptedTransport::new([
        respond(r#"{"Response": {"RequestId": "task-1"}}"#),
        respond(
            r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "no such task"}, "RequestId": "p-1"}}"#,
        ),
        respond(
            r#"{"Response": {"TotalCount": 1, "VpnConnectionSet": [{"VpnConnectionId": "vpnx-1", "State": "DELETING"}], "RequestId": "p-2"}}"#,
        ),
        respond(r#"{"Response": {"TotalCount": 0, "VpnConnectionSet": [], "RequestId": "p-3"}}"#),
    ]));
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let waited = client(&t)
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send_and_wait()
        .wait_options(fast())
        .on_progress(move |p| {
            log.lock()
                .expect("lock")
                .push(format!("{}: {}", p.poll_action, p.observed))
        })
        .await
        .expect("complete");
    assert_eq!(waited.completed.polls, 3);
    assert_eq!(
        *seen.lock().expect("lock"),
        vec![
            "DescribeVpcTaskResult: ResourceNotFound".to_owned(),
            "DescribeVpnConnections: 1 item(s) in VpnConnectionSet".to_owned(),
            "DescribeVpnConnections: 0 item(s) in VpnConnectionSet".to_owned(),
        ]
    );
    let sent = t.requests();
    assert_eq!(
        sent[2].header("x-tc-action"),
        Some("DescribeVpnConnections")
    );
    assert_eq!(
        String::from_utf8_lossy(&sent[2].body),
        r#"{"VpnConnectionIds": ["vpnx-1"]}"#
    );
}

#[tokio::test]
async fn a_failed_task_is_a_failure() {
    let t = Arc::new(ScriptedTransport::new([
        respond(r#"{"Response": {"RequestId": "task-1"}}"#),
        respond(
            r#"{"Response": {"Status": "FAILED", "Output": "tunnel busy", "Result": [], "RequestId": "p-1"}}"#,
        ),
    ]));
    let err = client(&t)
        .delete_vpn_connection()
        .vpn_gateway_id("vpngw-1")
        .vpn_connection_id("vpnx-1")
        .send_and_wait()
        .wait_options(fast())
        .await
        .expect_err("failed");
    assert!(
        matches!(err, SendAndWaitError::Wait(WaitError::Failed { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_deleted_gateway_is_awaited_until_it_is_no_longer_listed() {
    for last in [
        r#"{"Response": {"TotalCount": 0, "VpnGatewaySet": [], "RequestId": "p-2"}}"#,
        r#"{"Response": {"Error": {"Code": "ResourceNotFound", "Message": "gone"}, "RequestId": "p-2"}}"#,
    ] {
        let t = Arc::new(ScriptedTransport::new([
            respond(r#"{"Response": {"RequestId": "r-1"}}"#),
            respond(
                r#"{"Response": {"TotalCount": 1, "VpnGatewaySet": [{"VpnGatewayId": "vpngw-1", "State": "DELETING"}], "RequestId": "p-1"}}"#,
            ),
            respond(last),
        ]));
        let waited = client(&t)
            .delete_vpn_gateway()
            .vpn_gateway_id("vpngw-1")
            .send_and_wait()
            .wait_options(fast())
            .await
            .expect("gone");
        assert_eq!(waited.completed.polls, 2, "{last}");
        assert_eq!(
            String::from_utf8_lossy(&t.requests()[1].body),
            r#"{"VpnGatewayIds": ["vpngw-1"]}"#
        );
    }
}

#[tokio::test]
async fn the_api3_client_refuses_an_operation_of_the_v2_api() {
    let t = Arc::new(ScriptedTransport::new([]));
    let err = cloudvpn::TencentApi3Client::builder()
        .endpoint("http://127.0.0.1:9")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new("sid", Secret::new("skey")))
        .transport(t.clone())
        .build()
        .expect("client")
        .send(cloudvpn_types::tencent_vpc_v2::DeleteVpnConnRequest::new(
            "vpc-1", "vpngw-1", "vpnx-1",
        ))
        .await
        .expect_err("another protocol");
    assert!(matches!(err, Error::WrongProtocol { .. }), "{err:?}");
    assert!(t.requests().is_empty());
}
