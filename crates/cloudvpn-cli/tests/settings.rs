//! End to end: the settings users keep where `aliyun` and `tccli` keep them. The built binary runs with
//! `HOME` pointing at a temporary directory holding the official CLIs' files, against the emulator on
//! 127.0.0.1: the profile's region is used, `--region` beats the variables which beat the profile (for every
//! command, teardown included), tccli's `.credential` signs requests, a Tencent call without any region is
//! refused before anything is sent, and a rejected key names its source without its secret.

use cloudvpn_emulator::faults::FaultRule;
use cloudvpn_emulator::seed::{
    AlibabaGatewaySeed, TencentConnectionSeed, TencentGatewaySeed, TencentVpcSeed,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};

mod support;

use support::{code, stderr, stdout_json, tencent_v2};

/// A secret that must never show up in any output.
const WRONG_SECRET: &str = "wrong-SeCrEt-DISTINCTIVE-7d2e";

async fn emulator() -> Emulator {
    Emulator::start(
        EmulatorConfig::loopback().transitions(Transitions::all(Transition::Polls { count: 1 })),
    )
    .await
    .expect("emulator starts")
}

/// A temporary home directory.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Self {
        Home {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, relative: &str, text: &str) {
        let path = self.path().join(relative);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// `~/.aliyun/config.json` with the emulator's key in profiles `default` (current) and `prod`.
    fn aliyun(&self, secret: &str, default_region: &str, prod_region: &str) {
        self.write(
            ".aliyun/config.json",
            &format!(
                r#"{{"current": "default", "profiles": [
  {{"name": "default", "mode": "AK", "access_key_id": "emulator-ak", "access_key_secret": "{secret}", "region_id": "{default_region}", "output_format": "json", "language": "en"}},
  {{"name": "prod", "mode": "AK", "access_key_id": "emulator-ak", "access_key_secret": "{secret}", "region_id": "{prod_region}"}}
]}}"#
            ),
        );
    }

    /// tccli's two files for `profile`, as `tccli configure set` writes them.
    fn tccli(&self, profile: &str, secret: &str, region: &str) {
        self.write(
            &format!(".tccli/{profile}.credential"),
            &format!(r#"{{"secretId": "emulator-sid", "secretKey": "{secret}"}}"#),
        );
        self.write(
            &format!(".tccli/{profile}.configure"),
            &format!(
                r#"{{"_sys_param": {{"region": "{region}", "output": "json", "arraycount": 10, "warnings": "on", "language": "zh-CN"}}, "vpc": {{"endpoint": "vpc.tencentcloudapi.com", "version": "2017-03-12"}}}}"#
            ),
        );
    }

    /// Runs the binary with only `HOME`, `PATH` and `vars` set, against the emulator.
    async fn run(&self, e: &Emulator, vars: &[(&str, &str)], args: &[&str]) -> Output {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.extend(["--endpoint".to_owned(), e.base_url()]);
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let home = self.path().to_owned();
        tokio::task::spawn_blocking(move || {
            Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
                .args(&all)
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("HOME", home)
                .env("COLUMNS", "100")
                .envs(vars)
                .output()
                .expect("the binary runs")
        })
        .await
        .expect("join")
    }
}

async fn seed_alibaba(e: &Emulator, region: &str, id: &str) {
    e.handle()
        .seed_alibaba_gateway(AlibabaGatewaySeed {
            region: region.into(),
            id: Some(id.into()),
            ..Default::default()
        })
        .await
        .expect("seed gateway");
}

/// A VPC `vpc-<region>` with gateway `vpngw-<region>` and connection `vpnx-<region>` in `region`.
async fn seed_tencent(e: &Emulator, region: &str) {
    let h = e.handle();
    let vpc = format!("vpc-{region}");
    let gateway = format!("vpngw-{region}");
    h.seed_tencent_vpc(TencentVpcSeed {
        id: Some(vpc.clone()),
        region: Some(region.into()),
        ..Default::default()
    })
    .await
    .expect("vpc");
    h.seed_tencent_gateway(TencentGatewaySeed {
        vpc_id: vpc.clone(),
        id: Some(gateway.clone()),
        region: Some(region.into()),
        ..Default::default()
    })
    .await
    .expect("gateway");
    h.seed_tencent_connection(TencentConnectionSeed {
        vpc_id: vpc,
        vpn_gateway_id: gateway,
        id: Some(format!("vpnx-{region}")),
        region: Some(region.into()),
        ..Default::default()
    })
    .await
    .expect("connection");
}

/// The gateway id a `describe-vpn-gateway` printed, or the error code it failed with.
fn described_gateway(o: &Output) -> String {
    if code(o) == 0 {
        stdout_json(o)["VpnGatewayId"]
            .as_str()
            .unwrap_or("?")
            .to_owned()
    } else {
        format!("exit {}: {}", code(o), stderr(o))
    }
}

/// The connection ids a `describe-vpn-conn` listed.
fn listed_connections(o: &Output) -> Vec<String> {
    assert_eq!(code(o), 0, "{}", stderr(o));
    let listing = stdout_json(o);
    if listing["data"].is_null() {
        assert_eq!(listing["totalCount"], json!(0), "{listing}");
        return Vec::new();
    }
    listing["data"]
        .as_array()
        .expect("data is a list")
        .iter()
        .filter_map(|c| c["unVpnConnId"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn alibaba_region_from_the_aliyun_profile_and_the_one_precedence_order() {
    let e = emulator().await;
    seed_alibaba(&e, "cn-shanghai", "vpn-profile").await;
    seed_alibaba(&e, "cn-beijing", "vpn-prod").await;
    seed_alibaba(&e, "cn-qingdao", "vpn-old-var").await;
    seed_alibaba(&e, "cn-shenzhen", "vpn-var").await;
    seed_alibaba(&e, "cn-chengdu", "vpn-flag").await;
    let home = Home::new();
    home.aliyun("emulator-secret", "cn-shanghai", "cn-beijing");
    let describe = |id: &'static str| ["alibaba", "describe-vpn-gateway", "--vpn-gateway-id", id];

    // No flag, no variable: the current profile's region_id (and its credentials).
    let o = home.run(&e, &[], &describe("vpn-profile")).await;
    assert_eq!(described_gateway(&o), "vpn-profile");
    // --profile picks the profile for the region too.
    let mut args = describe("vpn-prod").to_vec();
    args.extend(["--profile", "prod"]);
    let o = home.run(&e, &[], &args).await;
    assert_eq!(described_gateway(&o), "vpn-prod");

    // A variable beats the profile; ALIBABA_CLOUD_REGION beats ALICLOUD_REGION.
    let old = [("ALICLOUD_REGION", "cn-qingdao")];
    let o = home.run(&e, &old, &describe("vpn-old-var")).await;
    assert_eq!(described_gateway(&o), "vpn-old-var");
    let o = home.run(&e, &old, &describe("vpn-profile")).await;
    assert_eq!(code(&o), 3, "the profile's region was used: {}", stderr(&o));
    let both = [
        ("ALICLOUD_REGION", "cn-qingdao"),
        ("ALIBABA_CLOUD_REGION", "cn-shenzhen"),
    ];
    let o = home.run(&e, &both, &describe("vpn-var")).await;
    assert_eq!(described_gateway(&o), "vpn-var");

    // --region beats both.
    let mut args = describe("vpn-flag").to_vec();
    args.extend(["--region", "cn-chengdu"]);
    let o = home.run(&e, &both, &args).await;
    assert_eq!(described_gateway(&o), "vpn-flag");

    // teardown follows the same order: the profile's region, without --region.
    let o = home
        .run(
            &e,
            &[],
            &["teardown", "alibaba", "--vpn-gateway-id", "vpn-profile"],
        )
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["GatewayDeleted"], json!(true));
    let o = home.run(&e, &[], &describe("vpn-profile")).await;
    assert_eq!(code(&o), 3, "deleted: {}", stderr(&o));
    // And a variable beats the profile for teardown as well.
    let o = home
        .run(
            &e,
            &both,
            &["teardown", "alibaba", "--vpn-gateway-id", "vpn-var"],
        )
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = home.run(&e, &both, &describe("vpn-var")).await;
    assert_eq!(code(&o), 3, "deleted: {}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn tccli_credentials_and_region_are_used_and_the_order_holds() {
    let e = emulator().await;
    for region in ["ap-chengdu", "ap-tokyo", "ap-seoul", "ap-bangkok"] {
        seed_tencent(&e, region).await;
    }
    let home = Home::new();
    home.tccli("default", "emulator-skey", "ap-chengdu");
    home.tccli("prod", "emulator-skey", "ap-tokyo");
    let list = |vpc: &'static str| [tencent_v2(), "describe-vpn-conn", "--vpc-id", vpc];

    // Only tccli's files: its .credential signs, its .configure gives the region.
    let o = home.run(&e, &[], &list("vpc-ap-chengdu")).await;
    assert_eq!(listed_connections(&o), ["vpnx-ap-chengdu"]);
    let mut args = list("vpc-ap-tokyo").to_vec();
    args.extend(["--profile", "prod"]);
    let o = home.run(&e, &[], &args).await;
    assert_eq!(listed_connections(&o), ["vpnx-ap-tokyo"]);
    let o = home
        .run(&e, &[("TCCLI_PROFILE", "prod")], &list("vpc-ap-tokyo"))
        .await;
    assert_eq!(listed_connections(&o), ["vpnx-ap-tokyo"]);

    // TENCENTCLOUD_REGION beats the profile; --region beats the variable.
    let var = [("TENCENTCLOUD_REGION", "ap-seoul")];
    let o = home.run(&e, &var, &list("vpc-ap-seoul")).await;
    assert_eq!(listed_connections(&o), ["vpnx-ap-seoul"]);
    let mut args = list("vpc-ap-bangkok").to_vec();
    args.extend(["--region", "ap-bangkok"]);
    let o = home.run(&e, &var, &args).await;
    assert_eq!(listed_connections(&o), ["vpnx-ap-bangkok"]);

    // teardown tencent uses the profile's region as well.
    let o = home
        .run(
            &e,
            &[],
            &[
                "teardown",
                "tencent-v2",
                "--vpc-id",
                "vpc-ap-chengdu",
                "--vpn-gw-id",
                "vpngw-ap-chengdu",
            ],
        )
        .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = home.run(&e, &[], &list("vpc-ap-chengdu")).await;
    assert_eq!(listed_connections(&o), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tencent_call_without_any_region_is_refused_before_anything_is_sent() {
    let e = emulator().await;
    seed_tencent(&e, "ap-guangzhou").await;
    // Every Tencent call that reaches the emulator's handlers counts a hit of this rule.
    e.handle()
        .add_faults(vec![FaultRule {
            provider: Some("tencent".into()),
            latency_ms: 1,
            ..serde_json::from_value(json!({})).expect("rule")
        }])
        .expect("rule");
    let before = e.handle().state().await.expect("state");
    let home = Home::new();
    let keys = [
        ("TENCENTCLOUD_SECRET_ID", "emulator-sid"),
        ("TENCENTCLOUD_SECRET_KEY", "emulator-skey"),
    ];
    let delete = [
        tencent_v2(),
        "delete-vpn-conn",
        "--vpc-id",
        "vpc-ap-guangzhou",
        "--vpn-gw-id",
        "vpngw-ap-guangzhou",
        "--vpn-conn-id",
        "vpnx-ap-guangzhou",
    ];
    for args in [
        &delete[..],
        &[
            tencent_v2(),
            "describe-vpn-conn",
            "--vpc-id",
            "vpc-ap-guangzhou",
        ],
        &[
            "teardown",
            "tencent-v2",
            "--vpc-id",
            "vpc-ap-guangzhou",
            "--vpn-gw-id",
            "vpngw-ap-guangzhou",
        ],
    ] {
        let o = home.run(&e, &keys, args).await;
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        let text = stderr(&o);
        assert!(text.contains("needs a region"), "{text}");
        assert!(text.contains("--region"), "{text}");
        assert!(text.contains("TENCENTCLOUD_REGION"), "{text}");
    }
    assert_eq!(e.handle().faults()[0].hits, 0, "a request was sent");
    assert_eq!(e.handle().state().await.expect("state"), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_key_names_its_source_and_never_its_secret() {
    let e = emulator().await;
    seed_alibaba(&e, "cn-shanghai", "vpn-1").await;
    seed_tencent(&e, "ap-chengdu").await;
    let home = Home::new();
    home.aliyun(WRONG_SECRET, "cn-shanghai", "cn-beijing");
    home.tccli("default", WRONG_SECRET, "ap-chengdu");
    let describe = [
        "alibaba",
        "describe-vpn-gateway",
        "--vpn-gateway-id",
        "vpn-1",
    ];

    let check = |o: &Output, code_seen: &str, source: &str| {
        let text = stderr(o);
        assert_eq!(code(o), 3, "{text}");
        assert!(text.contains(code_seen), "{text}");
        assert!(
            text.contains(&format!("credentials from: {source}")),
            "{text}"
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            !text.contains("DISTINCTIVE") && !stdout.contains("DISTINCTIVE"),
            "secret leaked: {text}{stdout}"
        );
    };

    // A wrong secret in the aliyun profile.
    let o = home.run(&e, &[], &describe).await;
    check(
        &o,
        "SignatureDoesNotMatch",
        "file ~/.aliyun/config.json, profile `default`",
    );
    let mut args = describe.to_vec();
    args.extend(["--profile", "prod"]);
    let o = home.run(&e, &[], &args).await;
    check(
        &o,
        "SignatureDoesNotMatch",
        "file ~/.aliyun/config.json, profile `prod`",
    );

    // A wrong secret and an unknown key in the environment.
    let env_wrong = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", WRONG_SECRET),
    ];
    let o = home.run(&e, &env_wrong, &describe).await;
    check(
        &o,
        "SignatureDoesNotMatch",
        "environment variable ALIBABA_CLOUD_ACCESS_KEY_ID",
    );
    let unknown = [
        ("ALICLOUD_ACCESS_KEY", "LTAI-no-such-key"),
        ("ALICLOUD_SECRET_KEY", WRONG_SECRET),
    ];
    let o = home.run(&e, &unknown, &describe).await;
    check(
        &o,
        "InvalidAccessKeyId.NotFound",
        "environment variable ALICLOUD_ACCESS_KEY",
    );

    // A wrong secret in tccli's file.
    let o = home
        .run(
            &e,
            &[],
            &[
                tencent_v2(),
                "describe-vpn-conn",
                "--vpc-id",
                "vpc-ap-chengdu",
            ],
        )
        .await;
    check(
        &o,
        "AuthFailure",
        "file ~/.tccli/default.credential, profile `default`",
    );

    // The right key still works from the same files, so the failures above were the secrets'.
    home.aliyun("emulator-secret", "cn-shanghai", "cn-beijing");
    let o = home.run(&e, &[], &describe).await;
    assert_eq!(described_gateway(&o), "vpn-1");
}
