//! Error answers wait for the disk like successes do: a call that saw a change not yet on disk
//! answers only once it is, and answers that nothing was changed if it cannot be written.

use crate::http::{Incoming, Outcome};
use crate::model::{AlibabaVpnGateway, GatewayStatus, TencentVpc, World};
use crate::server::Shared;
use crate::signed::{AlibabaCall, TencentCall};
use crate::store::Store;
use crate::test_disk::gated;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

const ALIBABA_REGION: &str = "cn-hangzhou";
const TENCENT_REGION: &str = "ap-guangzhou";

fn world() -> World {
    let mut world = World::new();
    let account = world.account_mut(crate::credentials::DEFAULT_ACCOUNT);
    account
        .alibaba_region_mut(ALIBABA_REGION)
        .vpn_gateways
        .insert(
            "vpn-1".to_owned(),
            AlibabaVpnGateway {
                id: "vpn-1".to_owned(),
                vpc_id: "vpc-a".to_owned(),
                name: String::new(),
                enhanced: false,
                prepaid_until_ms: None,
                ssl_vpn_server: false,
                status: GatewayStatus::Active,
                created_ms: 1,
                tags: Default::default(),
                internet_ip: "203.0.113.1".to_owned(),
                spec: "10M".to_owned(),
                connections: Default::default(),
                task: None,
            },
        );
    account.tencent_region_mut(TENCENT_REGION).vpcs.insert(
        "vpc-1".to_owned(),
        TencentVpc {
            id: "vpc-1".to_owned(),
            legacy_id: "gz_vpc_1".to_owned(),
            name: String::new(),
            cidr_block: "10.0.0.0/16".to_owned(),
        },
    );
    world
}

/// Deletes the Alibaba gateway and the Tencent VPC of [`world`] straight in the store (the disk has
/// not answered yet when this returns).
fn delete_both(store: &Store) -> u64 {
    let ((), version) = store.update(|w, fx| {
        let account = w.account_mut(crate::credentials::DEFAULT_ACCOUNT);
        account
            .alibaba_region_mut(ALIBABA_REGION)
            .vpn_gateways
            .remove("vpn-1");
        account
            .tencent_region_mut(TENCENT_REGION)
            .vpcs
            .remove("vpc-1");
        fx.changed();
    });
    version.expect("a durable store waits for the deletion")
}

async fn incoming(request: Request<Full<Bytes>>) -> Incoming {
    let (parts, body) = request.into_parts();
    Incoming {
        method: parts.method,
        uri: parts.uri,
        headers: parts.headers,
        body: body
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default(),
    }
}

fn describe_gateway() -> AlibabaCall {
    AlibabaCall::new("DescribeVpnGateway")
        .param("RegionId", ALIBABA_REGION)
        .param("VpnGatewayId", "vpn-1")
}

fn delete_connection_of_vpc() -> TencentCall {
    TencentCall::new("DeleteVpnConn")
        .param("vpcId", "vpc-1")
        .param("vpnGwId", "vpngw-1")
        .param("vpnConnId", "vpnx-1")
}

/// Starts `call` on a task, checks that it has not answered while the disk holds the deletion back,
/// and returns it.
async fn still_waiting<F>(call: F) -> tokio::task::JoinHandle<(u16, serde_json::Value)>
where
    F: Future<Output = Outcome> + Send + 'static,
{
    let task = tokio::spawn(async move {
        match call.await {
            Outcome::Reply(reply) => (
                reply.status,
                serde_json::from_slice(&reply.body).unwrap_or_default(),
            ),
            Outcome::Drop => (0, serde_json::Value::Null),
        }
    });
    // Ample time for an answer that does not wait; one that waits cannot come before the disk does.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        !task.is_finished(),
        "answered {:?} before the deletion it saw was on disk",
        task.await.ok()
    );
    task
}

fn alibaba(shared: &Arc<Shared>) -> impl Future<Output = Outcome> + Send + 'static {
    let shared = shared.clone();
    async move {
        let request = incoming(describe_gateway().build("127.0.0.1:1")).await;
        crate::alibaba::handle(&shared, request).await
    }
}

fn tencent(shared: &Arc<Shared>) -> impl Future<Output = Outcome> + Send + 'static {
    let shared = shared.clone();
    async move {
        let request = incoming(delete_connection_of_vpc().build("127.0.0.1:1")).await;
        crate::tencent::handle(&shared, request).await
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_not_found_waits_for_the_deletion_it_saw_and_is_refused_if_that_is_undone() {
    let (store, disk, _) = gated(world());
    let shared = Shared::for_tests_with(store.clone());
    let writer = tokio::spawn(store.clone().run_writer());

    // The write fails: the deletion is undone, so neither call may say the resources are gone.
    delete_both(&store);
    let describe = still_waiting(alibaba(&shared)).await;
    let delete = still_waiting(tencent(&shared)).await;
    disk.send(false).unwrap();
    let (status, body) = describe.await.unwrap();
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["Code"], "InternalError", "{body}");
    assert!(
        body["Message"]
            .as_str()
            .is_some_and(|m| m.contains("Nothing was changed")),
        "{body}"
    );
    let (_, body) = delete.await.unwrap();
    assert_eq!(body["code"], 6000, "{body}");
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("nothing was changed")),
        "{body}"
    );
    assert!(store.read(|w| {
        let account = &w.accounts[crate::credentials::DEFAULT_ACCOUNT];
        account.alibaba[ALIBABA_REGION]
            .vpn_gateways
            .contains_key("vpn-1")
            && account.tencent[TENCENT_REGION].vpcs.contains_key("vpc-1")
    }));

    // The write succeeds: now "not found" is the truth, and is answered once it is on disk.
    delete_both(&store);
    let describe = still_waiting(alibaba(&shared)).await;
    let delete = still_waiting(tencent(&shared)).await;
    disk.send(true).unwrap();
    let (status, body) = describe.await.unwrap();
    assert_eq!(status, 404, "{body}");
    assert_eq!(
        body["Code"], "InvalidVpnGatewayInstanceId.NotFound",
        "{body}"
    );
    let (_, body) = delete.await.unwrap();
    assert_ne!(body["code"], 6000, "{body}");
    assert_ne!(body["code"], 0, "{body}");
    writer.abort();
}
