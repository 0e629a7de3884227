//! Where a sweep looks: several `--profile`s sweep several accounts, and `--all-regions` asks each cloud for
//! its regions and sweeps them all.

use super::*;
use cloudvpn_emulator::seed::{AlibabaGatewaySeed, TencentGatewaySeed, TencentVpcSeed};

#[tokio::test]
async fn several_profiles_sweep_several_accounts() {
    let e = emulator_with_keys(
        r#"{"alibaba": [{"access_key_id": "ak-a", "access_key_secret": "s-a", "account": "1111"},
                         {"access_key_id": "ak-b", "access_key_secret": "s-b", "account": "2222"}]}"#,
    )
    .await;
    for (account, id) in [
        ("1111", "vpn-ci-in-a"),
        ("2222", "vpn-ci-in-b"),
        ("2222", "vpn-keep-b"),
    ] {
        e.handle()
            .seed_alibaba_gateway(AlibabaGatewaySeed {
                region: REGION.into(),
                id: Some(id.into()),
                name: Some(id.trim_start_matches("vpn-").into()),
                account: Some(account.into()),
                ..Default::default()
            })
            .await
            .expect("seed");
    }
    let dir = tempfile::tempdir().unwrap();
    let ini = dir.path().join("credentials");
    std::fs::write(
        &ini,
        "[acct-a]\ntype = access_key\naccess_key_id = ak-a\naccess_key_secret = s-a\n\
         [acct-b]\ntype = access_key\naccess_key_id = ak-b\naccess_key_secret = s-b\n",
    )
    .unwrap();
    let path = dir.path().join("accounts.json");
    let mut c = command_for(
        &e,
        &[
            "sweep",
            "--cloud",
            "alibaba",
            "--region",
            REGION,
            "--profile",
            "acct-a",
            "--profile",
            "acct-b",
            "--name",
            "ci-*",
            "--apply",
            "--yes",
            "--report",
            path.to_str().unwrap(),
        ],
    );
    c.env_remove("ALIBABA_CLOUD_ACCESS_KEY_ID")
        .env_remove("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
        .env("ALIBABA_CLOUD_CREDENTIALS_FILE", &ini);
    let out = output(c).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    assert_eq!(
        places(&r, "account"),
        pairs(&[("acct-a", "vpn-ci-in-a"), ("acct-b", "vpn-ci-in-b")])
    );
    assert_eq!(left(&e).await.0, set(&["vpn-keep-b"]));
}

#[tokio::test]
async fn all_regions_asks_each_cloud_for_its_regions_and_sweeps_them_all() {
    let e = emulator().await;
    let h = e.handle();
    for region in ["cn-hangzhou", "cn-shanghai"] {
        h.seed_alibaba_gateway(AlibabaGatewaySeed {
            region: region.into(),
            id: Some(format!("vpn-ci-{region}")),
            name: Some(format!("ci-{region}")),
            ..Default::default()
        })
        .await
        .expect("seed");
    }
    for (region, id) in [
        ("ap-guangzhou", "vpngw-cigz0001"),
        ("ap-shanghai", "vpngw-cish0001"),
    ] {
        h.seed_tencent_vpc(TencentVpcSeed {
            id: Some("vpc-all".into()),
            region: Some(region.into()),
            ..Default::default()
        })
        .await
        .expect("vpc");
        h.seed_tencent_gateway(TencentGatewaySeed {
            vpc_id: "vpc-all".into(),
            id: Some(id.into()),
            name: Some(format!("ci-{region}")),
            region: Some(region.into()),
            ..Default::default()
        })
        .await
        .expect("gateway");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.json");
    let out = call(
        &e,
        &[
            "sweep",
            "--all-regions",
            "--name",
            "ci-*",
            "--max-rps",
            "200",
            "--report",
            path.to_str().unwrap(),
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&path);
    let expected = pairs(&[
        ("cn-hangzhou", "vpn-ci-cn-hangzhou"),
        ("cn-shanghai", "vpn-ci-cn-shanghai"),
        ("ap-guangzhou", "vpngw-cigz0001"),
        ("ap-shanghai", "vpngw-cish0001"),
    ]);
    assert_eq!(places(&r, "region"), expected, "{}", stdout(&out));
    assert!(r["region_errors"].as_array().unwrap().is_empty(), "{r}");

    let out = call(&e, &["sweep", "--all-regions", "--region", REGION]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("exclude each other"),
        "{}",
        stderr(&out)
    );
}
