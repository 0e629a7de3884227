//! What `cloudvpn sweep` needs from the emulator: gateways seeded with tags and a creation time that the
//! Describe answers show as the services do, request-rate limits answered with each protocol's own
//! throttling error, and fleets of 10,000 gateways with 3 connections each seeded in capped batches.

mod support;

use cloudvpn::credentials::{Secret, TencentCredentials};
use cloudvpn::{RetryConfig, tencent};
use cloudvpn_emulator::signed::{AlibabaCall, RawResponse, TencentCall};
use hyper::Method;
use serde_json::{Value, json};
use support::*;

const GZ: &str = "ap-guangzhou";

fn tencent_client(env: &Env) -> tencent::VpcClient {
    tencent::VpcClient::builder()
        .endpoint(format!("http://{}", env.host()))
        .region(GZ)
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .retry(RetryConfig::deterministic(1))
        .build()
        .expect("client")
}

#[tokio::test]
async fn seeded_tags_and_creation_times_show_in_the_describe_answers() {
    let env = Env::immediate().await;
    env.seed(
        "/_emulator/alibaba/vpn-gateways",
        json!({"region": REGION, "id": "vpn-tagged", "tags": {"env": "ci", "team": "net"},
               "created_at": "2026-01-02T03:04:05Z"}),
    )
    .await;
    env.seed(
        "/_emulator/alibaba/vpn-gateways",
        json!({"region": REGION, "id": "vpn-plain"}),
    )
    .await;

    let one = alibaba_ok(&env.alibaba(describe_gateway("vpn-tagged")).await);
    assert_eq!(one["CreateTime"], json!(1_767_323_045_000_u64));
    assert_eq!(
        one["Tags"],
        json!({"Tag": [{"Key": "env", "Value": "ci"}, {"Key": "team", "Value": "net"}]})
    );
    let list = alibaba_ok(
        &env.alibaba(AlibabaCall::new("DescribeVpnGateways").param("RegionId", REGION))
            .await,
    );
    let items = list["VpnGateways"]["VpnGateway"].as_array().unwrap();
    let tagged = items
        .iter()
        .find(|g| g["VpnGatewayId"] == "vpn-tagged")
        .unwrap();
    assert_eq!(
        tagged["Tags"]["Tag"][0],
        json!({"Key": "env", "Value": "ci"})
    );
    assert_eq!(tagged["CreateTime"], json!(1_767_323_045_000_u64));
    // The service leaves Tags out of an untagged gateway.
    let plain = items
        .iter()
        .find(|g| g["VpnGatewayId"] == "vpn-plain")
        .unwrap();
    assert!(plain.get("Tags").is_none(), "{plain}");

    env.seed(
        "/_emulator/tencent/vpcs",
        json!({"id": "vpc-1", "region": GZ}),
    )
    .await;
    env.seed(
        "/_emulator/tencent/vpn-gateways",
        json!({"vpc_id": "vpc-1", "id": "vpngw-tagged01", "region": GZ, "tags": {"env": "ci"},
               "created_at": "2026-01-02T03:04:05Z"}),
    )
    .await;
    let out = tencent_client(&env)
        .describe_vpn_gateways()
        .vpn_gateway_ids(["vpngw-tagged01"])
        .send()
        .await
        .expect("DescribeVpnGateways");
    let g = &out.vpn_gateway_set[0];
    // API 3.0 writes its times in Beijing time (UTC+8).
    assert_eq!(g.created_time.as_deref(), Some("2026-01-02 11:04:05"));
    let tags: Vec<(Option<&str>, Option<&str>)> = g
        .tag_set
        .iter()
        .map(|t| (t.key.as_deref(), t.value.as_deref()))
        .collect();
    assert_eq!(tags, [(Some("env"), Some("ci"))]);

    // Bad tags are refused with the reason.
    let r = env
        .control(
            Method::POST,
            "/_emulator/alibaba/vpn-gateways",
            json!({"region": REGION, "tags": {"acs:owner": "x"}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("reserve"));
}

/// Sends `call` five times in a row and returns the answers: at 1 call per second at most the first
/// passes unless the machine stalls a whole second between two of them.
async fn five<F, Fut>(send: F) -> Vec<RawResponse>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = RawResponse>,
{
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(send().await);
    }
    answers
}

#[tokio::test]
async fn calls_beyond_a_rate_limit_get_each_protocols_throttling_error_until_cleared() {
    let env = Env::immediate().await;
    env.gateway("vpn-1", json!({})).await;
    env.tencent_chain("vpc-1", "vpngw-1", "vpnx-1", json!({}))
        .await;

    let limits = json!({
        "alibaba": {"*": 1000.0, "DescribeVpnGateway": 1.0},
        "tencent": {"DescribeVpnConn": 1.0}
    });
    let r = env
        .control(Method::PUT, "/_emulator/rate-limits", limits.clone())
        .await;
    assert_eq!((r.status, r.json()), (200, limits.clone()));
    let r = env
        .control(Method::GET, "/_emulator/rate-limits", Value::Null)
        .await;
    assert_eq!(r.json(), limits);

    let answers = five(|| env.alibaba(describe_gateway("vpn-1"))).await;
    assert_eq!(answers[0].status, 200, "{}", answers[0].text());
    let throttled: Vec<&RawResponse> = answers
        .iter()
        .filter(|r| code(r).as_deref() == Some("Throttling.User"))
        .collect();
    assert!(!throttled.is_empty(), "no call was throttled");
    for r in &throttled {
        assert_alibaba_error(r, r.status, "Throttling.User");
    }
    // Another action (under "*" = 1000/s) is not affected.
    alibaba_ok(&env.alibaba(describe_connection_or_list()).await);

    // Tencent v2 answers its quota code 4400.
    let v2 = || {
        env.tencent(
            TencentCall::new("DescribeVpnConn")
                .param("vpcId", "vpc-1")
                .param("vpnGwId", "vpngw-1"),
        )
    };
    let answers = five(v2).await;
    tencent_ok(&answers[0]);
    assert!(
        answers
            .iter()
            .any(|r| r.json()["code"].as_i64() == Some(4400)),
        "no v2 call was throttled: {:?}",
        answers.iter().map(RawResponse::text).collect::<Vec<_>>()
    );

    // Tencent API 3.0: RequestLimitExceeded, read by the runtime as a throttling error.
    let r = env
        .control(
            Method::PUT,
            "/_emulator/rate-limits",
            json!({"tencent": {"DescribeVpnGateways": 1}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let client = tencent_client(&env);
    let mut codes = Vec::new();
    for _ in 0..5 {
        match client.describe_vpn_gateways().send().await {
            Ok(_) => codes.push("ok".to_owned()),
            Err(cloudvpn::Error::Service(e)) => {
                assert!(cloudvpn_types::OperationError::is_throttling(&e), "{e}");
                codes.push(cloudvpn_types::OperationError::code(&e).to_owned());
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(codes[0], "ok");
    assert!(
        codes.iter().any(|c| c == "RequestLimitExceeded"),
        "{codes:?}"
    );

    // DELETE clears every limit.
    let r = env
        .control(Method::DELETE, "/_emulator/rate-limits", Value::Null)
        .await;
    assert_eq!(r.status, 200);
    for r in five(|| env.alibaba(describe_gateway("vpn-1"))).await {
        alibaba_ok(&r);
    }

    // A rate that is not positive is refused whole.
    let r = env
        .control(
            Method::PUT,
            "/_emulator/rate-limits",
            json!({"alibaba": {"*": -1}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("positive"));

    // An action no spec of that cloud has would silently never limit: refused, naming it and the known ones.
    let r = env
        .control(
            Method::PUT,
            "/_emulator/rate-limits",
            json!({"alibaba": {"*": 50, "DeleteVpnConection": 20}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    let error = r.json()["error"].as_str().unwrap().to_owned();
    assert!(
        error.contains("alibaba.DeleteVpnConection") && error.contains("DeleteVpnConnection"),
        "{error}"
    );
    // An action of the other cloud is unknown here too.
    let r = env
        .control(
            Method::PUT,
            "/_emulator/rate-limits",
            json!({"tencent": {"DeleteVpnGateway": 1, "DeleteEnhancedVpnGateway": 1}}),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.json()["error"]
            .as_str()
            .unwrap()
            .contains("tencent.DeleteEnhancedVpnGateway"),
        "{}",
        r.text()
    );
}

fn describe_connection_or_list() -> AlibabaCall {
    AlibabaCall::new("DescribeVpnGateways").param("RegionId", REGION)
}

#[tokio::test]
async fn ten_thousand_gateways_with_three_connections_each_seed_in_capped_batches() {
    let env = Env::immediate().await;
    const GATEWAYS: usize = 10_000;
    const BATCH: usize = 2_500;
    for start in (0..GATEWAYS).step_by(BATCH) {
        let gateways: Vec<Value> = (start..start + BATCH)
            .map(|i| {
                json!({"region": REGION, "id": format!("vpn-f{i:05}"), "name": format!("ci-{i}"),
                            "tags": {"env": "ci"}})
            })
            .collect();
        let made = env
            .seed("/_emulator/alibaba/vpn-gateways", json!(gateways))
            .await;
        assert_eq!(made.as_array().map(Vec::len), Some(BATCH));
        let connections: Vec<Value> = (start..start + BATCH)
            .flat_map(|i| {
                (0..3).map(move |c| {
                    json!({"region": REGION, "id": format!("vco-f{i:05}-{c}"),
                           "vpn_gateway_id": format!("vpn-f{i:05}")})
                })
            })
            .collect();
        let made = env
            .seed("/_emulator/alibaba/vpn-connections", json!(connections))
            .await;
        assert_eq!(made.as_array().map(Vec::len), Some(3 * BATCH));
    }
    // More than the cap in one request is refused whole, naming the cap.
    let too_many: Vec<Value> = (0..10_001).map(|_| json!({"region": REGION})).collect();
    let r = env
        .control(
            Method::POST,
            "/_emulator/alibaba/vpn-gateways",
            json!(too_many),
        )
        .await;
    assert_eq!(r.status, 413, "{}", r.text());

    let gateways = alibaba_ok(
        &env.alibaba(
            AlibabaCall::new("DescribeVpnGateways")
                .param("RegionId", REGION)
                .param("PageSize", "50"),
        )
        .await,
    );
    assert_eq!(gateways["TotalCount"], json!(GATEWAYS));
    let connections = alibaba_ok(
        &env.alibaba(
            AlibabaCall::new("DescribeVpnConnections")
                .param("RegionId", REGION)
                .param("VpnGatewayId", "vpn-f09999"),
        )
        .await,
    );
    assert_eq!(connections["TotalCount"], json!(3));
}
