//! Shared test helpers: an emulator on a free loopback port, signed calls, control-API calls.
#![allow(dead_code)]

use bytes::Bytes;
use cloudvpn_emulator::signed::{self, AlibabaCall, RawResponse, TencentCall};
use cloudvpn_emulator::{Emulator, EmulatorConfig, Transition, Transitions};
use http_body_util::Full;
use hyper::{Method, Request};
use serde_json::Value;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub const REGION: &str = "cn-hangzhou";

pub struct Env {
    pub emulator: Emulator,
}

impl Env {
    pub async fn start(config: EmulatorConfig) -> Env {
        Env {
            emulator: Emulator::start(config).await.expect("emulator starts"),
        }
    }

    /// Default config with the given transitions.
    pub async fn with(transitions: Transitions) -> Env {
        Self::start(EmulatorConfig::loopback().transitions(transitions)).await
    }

    pub async fn immediate() -> Env {
        Self::with(Transitions::immediate()).await
    }

    pub fn host(&self) -> String {
        self.emulator.endpoint()
    }

    pub async fn send(&self, request: Request<Full<Bytes>>) -> RawResponse {
        signed::send(self.emulator.local_addr(), request)
            .await
            .expect("the emulator answers")
    }

    pub async fn alibaba(&self, call: AlibabaCall) -> RawResponse {
        self.send(call.build(&self.host())).await
    }

    pub async fn tencent(&self, call: TencentCall) -> RawResponse {
        self.send(call.build(&self.host())).await
    }

    /// A control-API call with a JSON body.
    pub async fn control(&self, method: Method, path: &str, body: Value) -> RawResponse {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.host())
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.to_string())))
            .unwrap();
        self.send(request).await
    }

    pub async fn seed(&self, path: &str, body: Value) -> Value {
        let r = self.control(Method::POST, path, body).await;
        assert_eq!(r.status, 201, "seeding {path}: {}", r.text());
        r.json()
    }

    pub async fn gateway(&self, id: &str, extra: Value) -> Value {
        let mut body = serde_json::json!({"region": REGION, "id": id});
        merge(&mut body, extra);
        self.seed("/_emulator/alibaba/vpn-gateways", body).await
    }

    pub async fn connection(&self, id: &str, gateway: &str) -> Value {
        self.seed(
            "/_emulator/alibaba/vpn-connections",
            serde_json::json!({"region": REGION, "id": id, "vpn_gateway_id": gateway}),
        )
        .await
    }

    /// A VPC, a gateway in it and a connection on that gateway (Tencent).
    pub async fn tencent_chain(&self, vpc: &str, gateway: &str, connection: &str, extra: Value) {
        self.seed("/_emulator/tencent/vpcs", serde_json::json!({"id": vpc}))
            .await;
        self.seed(
            "/_emulator/tencent/vpn-gateways",
            serde_json::json!({"vpc_id": vpc, "id": gateway}),
        )
        .await;
        let mut body =
            serde_json::json!({"vpc_id": vpc, "vpn_gateway_id": gateway, "id": connection});
        merge(&mut body, extra);
        self.seed("/_emulator/tencent/vpn-connections", body).await;
    }

    pub async fn state(&self) -> Value {
        let r = self
            .control(Method::GET, "/_emulator/state", Value::Null)
            .await;
        assert_eq!(r.status, 200);
        r.json()
    }
}

fn merge(into: &mut Value, extra: Value) {
    if let (Some(target), Value::Object(extra)) = (into.as_object_mut(), extra) {
        for (k, v) in extra {
            target.insert(k, v);
        }
    }
}

/// `DeleteVpnGateway` of `id` in the test region.
pub fn delete_gateway(id: &str) -> AlibabaCall {
    AlibabaCall::new("DeleteVpnGateway")
        .param("RegionId", REGION)
        .param("VpnGatewayId", id)
}

pub fn delete_enhanced(id: &str) -> AlibabaCall {
    AlibabaCall::new("DeleteEnhancedVpnGateway")
        .param("RegionId", REGION)
        .param("VpnGatewayId", id)
}

pub fn delete_connection(id: &str) -> AlibabaCall {
    AlibabaCall::new("DeleteVpnConnection")
        .param("RegionId", REGION)
        .param("VpnConnectionId", id)
}

pub fn describe_gateway(id: &str) -> AlibabaCall {
    AlibabaCall::new("DescribeVpnGateway")
        .param("RegionId", REGION)
        .param("VpnGatewayId", id)
}

pub fn describe_connection(id: &str) -> AlibabaCall {
    AlibabaCall::new("DescribeVpnConnection")
        .param("RegionId", REGION)
        .param("VpnConnectionId", id)
}

pub fn delete_vpn_conn(vpc: &str, gateway: &str, connection: &str) -> TencentCall {
    TencentCall::new("DeleteVpnConn")
        .param("vpcId", vpc)
        .param("vpnGwId", gateway)
        .param("vpnConnId", connection)
}

pub fn task_result(task: i64) -> TencentCall {
    TencentCall::new("DescribeVpcTaskResult").param("taskId", &task.to_string())
}

/// The Alibaba error code of an answer (`None` for a success).
pub fn code(r: &RawResponse) -> Option<String> {
    r.json()
        .get("Code")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// Asserts an Alibaba error answer: status and code.
#[track_caller]
pub fn assert_alibaba_error(r: &RawResponse, status: u16, expected: &str) {
    let body = r.json();
    assert_eq!(
        (r.status, body["Code"].as_str()),
        (status, Some(expected)),
        "answer: {}",
        r.text()
    );
    for field in ["RequestId", "HostId", "Message", "Recommend"] {
        assert!(body.get(field).is_some(), "{field} missing in {}", r.text());
    }
}

/// Asserts a Tencent v2 error envelope.
#[track_caller]
pub fn assert_tencent_error(r: &RawResponse, code: i64, code_desc: &str) {
    assert_eq!(r.status, 200);
    assert_eq!(r.content_type(), Some("application/json"));
    let body = r.json();
    assert_eq!(
        (body["code"].as_i64(), body["codeDesc"].as_str()),
        (Some(code), Some(code_desc)),
        "answer: {}",
        r.text()
    );
}

/// Asserts a successful Tencent envelope and returns it.
#[track_caller]
pub fn tencent_ok(r: &RawResponse) -> Value {
    let body = r.json();
    assert_eq!(
        (r.status, body["code"].as_i64()),
        (200, Some(0)),
        "answer: {}",
        r.text()
    );
    body
}

#[track_caller]
pub fn alibaba_ok(r: &RawResponse) -> Value {
    assert_eq!(r.status, 200, "answer: {}", r.text());
    r.json()
}

/// Milliseconds since the Unix epoch, by the system clock (as the emulator reads it).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Seconds since the Unix epoch, by the system clock.
pub fn now_secs() -> i64 {
    i64::try_from(now_ms() / 1000).unwrap_or(i64::MAX)
}

/// A transition that does not complete during a test.
pub const LONG: Transition = Transition::Time { ms: 60_000 };

/// Every transition [`LONG`].
pub fn slow() -> Transitions {
    Transitions::all(LONG)
}

/// Sends `request` as raw bytes (it should say `Connection: close`) and returns the status and body.
pub async fn raw_exchange(addr: SocketAddr, request: &str) -> (u16, Value) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("answered")
        .unwrap();
    let text = String::from_utf8(answer).unwrap();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {text:?}"));
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}
