//! The region APIs, served by the emulator as an API added by spec and behaviour only: Tencent's region
//! API (`region-2022-06-27`, a second API 3.0 API beside VPC at `/`, routed by `X-TC-Version` and signed
//! with the service `region` in its TC3 scope) and VPC's own `DescribeRegions` of Alibaba, both through the
//! runtime's fluent clients. The regions answered are the `regions` of the API specs.

use cloudvpn::RetryConfig;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::{Api3SignatureMethod, alibaba, tencent};
use cloudvpn_emulator::{Emulator, EmulatorConfig};

async fn emulator() -> Emulator {
    Emulator::start(EmulatorConfig::loopback())
        .await
        .expect("emulator")
}

fn region_client(e: &Emulator, method: Api3SignatureMethod) -> tencent::RegionClient {
    tencent::RegionClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .signature_method(method)
        .retry(RetryConfig::disabled())
        .build()
        .expect("client")
}

#[tokio::test]
async fn tencent_lists_the_regions_of_a_products_specs() {
    let e = emulator().await;
    for method in [
        Api3SignatureMethod::Tc3HmacSha256,
        Api3SignatureMethod::HmacSha256,
    ] {
        let out = region_client(&e, method)
            .describe_regions()
            .product("vpc")
            .send()
            .await
            .unwrap_or_else(|err| panic!("{method:?}: {err}"));
        let ids: Vec<&str> = out.region_set.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(ids, cloudvpn_types::tencent_vpc::API.regions, "{method:?}");
        assert_eq!(out.total_count, i64::try_from(ids.len()).unwrap());
        let gz = out
            .region_set
            .iter()
            .find(|r| r.region == "ap-guangzhou")
            .expect("Guangzhou is listed");
        assert_eq!(
            (gz.region_name.as_str(), gz.region_state.as_str()),
            ("华南地区(广州)", "AVAILABLE")
        );
        assert!(!out.request_id.is_empty());
    }
    // The same front end still serves VPC 2017-03-12 beside it.
    let vpc = tencent::VpcClient::builder()
        .endpoint(e.base_url())
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .build()
        .expect("client");
    let gateways = vpc
        .describe_vpn_gateways()
        .send()
        .await
        .expect("VPC answers");
    assert_eq!(gateways.total_count, Some(0));
    e.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn tencent_refuses_a_product_it_does_not_serve() {
    let e = emulator().await;
    let err = region_client(&e, Api3SignatureMethod::Tc3HmacSha256)
        .describe_regions()
        .product("cvm")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameter"), "{err}");
    assert!(err.to_string().contains("\"cvm\""), "{err}");
    e.shutdown().await.expect("shutdown");
}

#[tokio::test]
async fn alibaba_lists_the_regions_of_the_vpc_spec_with_their_endpoints() {
    let e = emulator().await;
    let client = alibaba::VpcClient::builder()
        .endpoint(e.base_url())
        .credentials(AlibabaCredentials::new(
            "emulator-ak",
            Secret::new("emulator-secret"),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .expect("client");
    let english = client
        .describe_regions()
        .accept_language("en-US")
        .send()
        .await
        .expect("answered");
    let api = &cloudvpn_types::alibaba_vpc::API;
    let ids: Vec<&str> = english
        .regions
        .region
        .iter()
        .map(|r| r.region_id.as_str())
        .collect();
    assert_eq!(ids, api.regions);
    let find = |id: &str| {
        english
            .regions
            .region
            .iter()
            .find(|r| r.region_id == id)
            .unwrap_or_else(|| panic!("{id} is listed"))
    };
    // The central host for the regions the spec sends there, the regional pattern for the others.
    assert_eq!(find("cn-hangzhou").region_endpoint, "vpc.aliyuncs.com");
    assert_eq!(
        find("cn-beijing").region_endpoint,
        "vpc.cn-beijing.aliyuncs.com"
    );
    assert_eq!(find("cn-hangzhou").local_name, "China (Hangzhou)");

    let chinese = client.describe_regions().send().await.expect("answered");
    let hangzhou = chinese
        .regions
        .region
        .iter()
        .find(|r| r.region_id == "cn-hangzhou")
        .expect("Hangzhou is listed");
    assert_eq!(hangzhou.local_name, "华东1（杭州）");
    e.shutdown().await.expect("shutdown");
}
