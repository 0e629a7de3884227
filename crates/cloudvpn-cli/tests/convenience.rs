//! What `aliyun` and `tccli` users expect: every page of a list, `--query`, `-o table`, the action and wire
//! names they already type, and `--region` completion.

mod support;

use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use serde_json::Value;
use std::net::TcpListener;
use support::*;

async fn with_gateways(count: usize) -> cloudvpn_emulator::Emulator {
    let e = emulator().await;
    let seeds = (0..count)
        .map(|i| AlibabaGatewaySeed {
            region: REGION.into(),
            id: Some(format!("vpn-list-{i:02}")),
            name: Some(format!("ci-gateway-{i:02}")),
            ..Default::default()
        })
        .collect();
    e.handle()
        .seed_alibaba_gateways(seeds)
        .await
        .expect("gateways");
    e
}

fn gateway_ids(page: &Value) -> Vec<String> {
    page["VpnGateways"]["VpnGateway"]
        .as_array()
        .unwrap_or_else(|| panic!("no items: {page}"))
        .iter()
        .map(|g| g["VpnGatewayId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn list_operations_fetch_every_page_unless_told_not_to() {
    let e = with_gateways(43).await;
    let list = ["alibaba", "describe-vpn-gateways", "--region", REGION];

    let o = call(&e, &list).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = stdout_json(&o);
    let ids = gateway_ids(&all);
    assert_eq!(ids.len(), 43, "{ids:?}");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 43, "a gateway listed twice: {ids:?}");
    assert_eq!(all["TotalCount"], 43);
    // Shaped like one page that holds every item.
    assert_eq!(all["PageNumber"], 1);
    assert_eq!(all["PageSize"], 43);

    let o = call(&e, &[&list[..], &["--no-paginate"]].concat()).await;
    let one = stdout_json(&o);
    assert_eq!(gateway_ids(&one).len(), 10, "the service's default page");
    assert_eq!(one["TotalCount"], 43);

    let o = call(&e, &[&list[..], &["--max-items", "15"]].concat()).await;
    assert_eq!(gateway_ids(&stdout_json(&o)).len(), 15);
    assert!(
        stderr(&o).contains("showing 15 of 43 items (--max-items)"),
        "{}",
        stderr(&o)
    );

    // A page size the user chose is kept; the pages still add up.
    let o = call(&e, &[&list[..], &["--page-size", "7"]].concat()).await;
    assert_eq!(gateway_ids(&stdout_json(&o)).len(), 43);
}

#[tokio::test(flavor = "multi_thread")]
async fn tencent_lists_page_by_offset() {
    let e = emulator().await;
    let ids: Vec<String> = (0..53).map(|i| format!("vpnx-{i:02}")).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    seed_tencent(&e, "vpc-p", "vpngw-p", &refs).await;
    let list = [
        tencent_v2(),
        "describe-vpn-conn",
        "--vpc-id",
        "vpc-p",
        "--vpn-gw-id",
        "vpngw-p",
    ];
    let o = call(&e, &list).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let all = stdout_json(&o);
    assert_eq!(all["data"].as_array().map(Vec::len), Some(53), "{all}");
    assert_eq!(all["totalCount"], 53);
    let o = call(&e, &[&list[..], &["--no-paginate"]].concat()).await;
    assert_eq!(stdout_json(&o)["data"].as_array().map(Vec::len), Some(20));
}

#[tokio::test(flavor = "multi_thread")]
async fn query_selects_from_the_result_and_a_bad_one_sends_nothing() {
    let e = with_gateways(12).await;
    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--query",
            "VpnGateways.VpnGateway[?Name=='ci-gateway-11'].VpnGatewayId | [0]",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o), Value::from("vpn-list-11"));

    let o = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--query",
            "length(VpnGateways.VpnGateway)",
            "-o",
            "text",
        ],
    )
    .await;
    assert_eq!(stdout(&o).trim(), "12");

    let silent = TcpListener::bind("127.0.0.1:0").expect("listener");
    silent.set_nonblocking(true).expect("nonblocking");
    let endpoint = format!("http://{}", silent.local_addr().expect("addr"));
    let o = cloudvpn(&[
        "alibaba",
        "describe-vpn-gateways",
        "--region",
        REGION,
        "--endpoint",
        &endpoint,
        "--query",
        "VpnGateways.[",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("is not a JMESPath expression"),
        "{}",
        stderr(&o)
    );
    assert!(silent.accept().is_err(), "a bad --query sent a request");
}

#[tokio::test(flavor = "multi_thread")]
async fn table_output_is_aligned_and_fits_80_columns() {
    let e = with_gateways(43).await;
    let mut c = command(&[
        "alibaba",
        "describe-vpn-gateways",
        "--region",
        REGION,
        "-o",
        "table",
        "--endpoint",
        &e.base_url(),
    ]);
    c.env("COLUMNS", "80");
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2 + 43, "{text}");
    assert!(lines[0].starts_with("VpnGatewayId"), "{text}");
    assert!(lines[1].starts_with("----"), "{text}");
    for line in &lines {
        assert!(line.chars().count() <= 80, "wider than 80: {line:?}");
    }
    // Columns line up: every row has its second column where the header has it.
    let second = lines[0]
        .find("  ")
        .map(|i| i + lines[0][i..].find(|c: char| c != ' ').unwrap_or(0));
    for row in &lines[2..] {
        let col = row
            .find("  ")
            .map(|i| i + row[i..].find(|c: char| c != ' ').unwrap_or(0));
        assert_eq!(col, second, "misaligned: {row:?}\n{text}");
    }
    assert!(stderr(&o).contains("note:"), "columns left out are named");
}

#[tokio::test(flavor = "multi_thread")]
async fn lines_copied_from_aliyun_and_tccli_scripts_work() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-alias", &[]).await;
    seed_tencent(&e, "vpc-alias", "vpngw-alias", &["vpnx-alias"]).await;
    // `aliyun vpc DeleteVpnGateway --RegionId cn-hangzhou --VpnGatewayId …`, program name changed.
    let o = call(
        &e,
        &[
            "alibaba",
            "DeleteVpnGateway",
            "--RegionId",
            REGION,
            "--VpnGatewayId",
            "vpn-alias",
            "--wait",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout_json(&o)["RequestId"].is_string());
    let o = call(
        &e,
        &[
            "alibaba",
            "DescribeVpnGateway",
            "--RegionId",
            REGION,
            "--VpnGatewayId",
            "vpn-alias",
        ],
    )
    .await;
    assert_eq!(code(&o), 3, "the gateway is gone: {}", stdout(&o));

    let o = call(
        &e,
        &[
            tencent_v2(),
            "DeleteVpnConn",
            "--Region",
            TENCENT_REGION,
            "--vpcId",
            "vpc-alias",
            "--vpnGwId",
            "vpngw-alias",
            "--vpnConnId",
            "vpnx-alias",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn region_completes_from_the_specs_in_every_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let o = cloudvpn(&["completions", shell]).await;
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        for region in ["cn-hangzhou", "ap-guangzhou", "eu-central-1"] {
            assert!(
                script.contains(region),
                "{shell} does not complete {region}"
            );
        }
    }
    // clap_complete's PowerShell and Elvish scripts complete subcommands and flags, not values.
    for shell in ["powershell", "elvish"] {
        let o = cloudvpn(&["completions", shell]).await;
        assert_eq!(code(&o), 0, "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(
            script.contains("--region") && script.contains("delete-vpn-gateway"),
            "{shell}"
        );
    }
}
