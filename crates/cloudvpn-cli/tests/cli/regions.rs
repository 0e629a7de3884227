//! The region APIs from the command line (`cloudvpn tencent-region`, `cloudvpn alibaba describe-regions`),
//! groups and subcommands that came with their spec folder and operation file, answered by the emulator.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn tencent_region_describe_regions_lists_the_products_regions() {
    let e = emulator().await;
    let o = call(
        &e,
        &["tencent-region", "describe-regions", "--product", "vpc"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let answer = stdout_json(&o);
    let ids: Vec<&str> = answer["RegionSet"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .filter_map(|r| r["Region"].as_str())
        .collect();
    assert_eq!(ids, cloudvpn_types::tencent_vpc::API.regions, "{answer}");
    assert_eq!(answer["TotalCount"], json!(ids.len()), "{answer}");

    // A product the emulator does not serve is the documented InvalidParameter: a service error (3).
    let o = call(
        &e,
        &["tencent-region", "describe-regions", "--product", "cvm"],
    )
    .await;
    assert_eq!(code(&o), 3, "{}", stdout(&o));
    assert!(stderr(&o).contains("InvalidParameter"), "{}", stderr(&o));
    e.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_describe_regions_answers_in_the_language_asked_for() {
    let e = emulator().await;
    let o = call(
        &e,
        &["alibaba", "describe-regions", "--accept-language", "en-US"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let answer = stdout_json(&o);
    let hangzhou = answer["Regions"]["Region"]
        .as_array()
        .unwrap_or_else(|| panic!("{answer}"))
        .iter()
        .find(|r| r["RegionId"] == "cn-hangzhou")
        .unwrap_or_else(|| panic!("{answer}"))
        .clone();
    assert_eq!(hangzhou["LocalName"], "China (Hangzhou)", "{answer}");
    assert_eq!(hangzhou["RegionEndpoint"], "vpc.aliyuncs.com", "{answer}");
    e.shutdown().await.unwrap();
}
