//! A fixed number of whole calls without I/O — the same calls as `benches/call.rs` — so that an
//! instruction counter can divide by a known count. This VM exposes no hardware counters to `perf stat`,
//! so the counts in `docs/BENCHMARKS.md` come from callgrind: run `N` and `6 × N` calls and divide the
//! difference by `5 × N`, which removes start-up. (Valgrind hides SHA-NI, so SHA-256 runs in software
//! there and its share is overstated; its count per 64-byte block is constant, which gives the blocks.)
//!
//! `cargo build --release -p cloudvpn --example call_loop`
//! `valgrind --tool=callgrind ./target/release/examples/call_loop v3 1000`
//!
//! Arguments: `v3` (Alibaba DeleteVpnGateway, `ACS3-HMAC-SHA256`) or `tc3` (Tencent DeleteVpnConnection,
//! API 3.0 `TC3-HMAC-SHA256` POST), then the number of calls.

use cloudvpn::ApiClient;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::ConstantTransport;
use cloudvpn::transport::HttpResponse;
use cloudvpn::{AlibabaClient, AlibabaSignature, RetryConfig};
use cloudvpn_types::alibaba_vpc::DeleteVpnGatewayRequest;
use cloudvpn_types::tencent_vpc::DeleteVpnConnectionRequest;
use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (which, calls) = match args.as_slice() {
        [which, calls] => match calls.parse::<u64>() {
            Ok(calls) => (which.as_str(), calls),
            Err(e) => return usage(&format!("the number of calls {calls:?}: {e}")),
        },
        _ => return usage("expected two arguments"),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return usage(&format!("no runtime: {e}")),
    };
    let failed = match which {
        "v3" => {
            let client = alibaba_v3();
            let request = DeleteVpnGatewayRequest::new("cn-hangzhou", "vpn-bp1q8bgx4xnkm2ogj0fiu");
            (0..calls)
                .filter(|_| {
                    runtime
                        .block_on(client.send(black_box(request.clone())))
                        .is_err()
                })
                .count()
        }
        "tc3" => {
            let client = tencent_api3();
            let request = DeleteVpnConnectionRequest::new("vpngw-kfldykuz", "vpnx-ol6bcqp0");
            (0..calls)
                .filter(|_| {
                    runtime
                        .block_on(client.send(black_box(request.clone())))
                        .is_err()
                })
                .count()
        }
        other => return usage(&format!("unknown call {other:?}")),
    };
    if failed > 0 {
        eprintln!("{failed} of {calls} calls failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn usage(problem: &str) -> ExitCode {
    eprintln!("{problem}; usage: call_loop v3|tc3 CALLS");
    ExitCode::from(2)
}

fn alibaba_v3() -> AlibabaClient {
    let ok = HttpResponse::new(
        200,
        r#"{"RequestId":"0ED8D006-F706-4D23-88ED-E11ED28DCAC0"}"#,
    )
    .with_header("content-type", "application/json;charset=utf-8");
    AlibabaClient::builder()
        .endpoint("http://127.0.0.1:8080")
        .credentials(AlibabaCredentials::new(
            "LTAI5tExampleAccessKey",
            Secret::new("ExampleSecret0123456789abcdef01"),
        ))
        .transport(Arc::new(ConstantTransport::new(ok)))
        .signature(AlibabaSignature::V3)
        .retry(RetryConfig::disabled())
        .build()
        .expect("a client of constants")
}

fn tencent_api3() -> cloudvpn::tencent::VpcClient {
    let ok = HttpResponse::new(
        200,
        r#"{"Response": {"RequestId": "6ef60bec-0242-43af-bb20-270359fb54a7"}}"#,
    )
    .with_header("content-type", "application/json");
    cloudvpn::tencent::VpcClient::builder()
        .endpoint("http://127.0.0.1:8080")
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA",
            Secret::new("Gu5t9xGARNpq86cd98joQYCN3Cozk1qA"),
        ))
        .transport(Arc::new(ConstantTransport::new(ok)))
        .retry(RetryConfig::disabled())
        .build()
        .expect("a client of constants")
}
