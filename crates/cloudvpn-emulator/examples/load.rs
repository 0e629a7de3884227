//! Load driver: N signed requests at concurrency C against the emulator, reporting requests/s and
//! p50/p99 latency.
//!
//! ```text
//! cargo run --release -p cloudvpn-emulator --example load -- \
//!     --requests 200000 --concurrency 64 --workload alibaba-delete [--signature v1|v3] [--addr HOST:PORT] \
//!     [--state FILE]
//! ```
//!
//! `--replay-first` sends one request before the load and the very same bytes again after it, and fails
//! unless the second one is refused as a replay (`SignatureNonceUsed` / 4500).
//! `--standing N` seeds N more gateways that the workload leaves alone (the world's size during the run).
//! `--state FILE` gives the in-process emulator a state file (every change is then acknowledged only once
//! it is on disk); it must not exist yet or hold nothing worth keeping.
//!
//! `--client sdk` sends through the cloudvpn runtime client (validation, serialization, signing, retries
//! disabled, response parsing into the typed output) instead of the raw signer.
//!
//! Without `--addr` it starts an emulator in this process (its own runtime, `--server-threads`, default 2)
//! on a free loopback port; with `--addr` it drives an emulator started elsewhere (it resets and seeds it
//! and makes its transitions immediate through the control API: do not point it at state you want to keep). Workloads: alibaba-describe, alibaba-delete,
//! tencent-describe, tencent-delete. Every request is signed with the signing crate (fresh nonce and
//! timestamp) by `--client-threads` threads (default 1).

use cloudvpn_emulator::load::{self, RawCaller, ReplayOutcome, ReplayProbe, Workload};
use cloudvpn_emulator::signed::AlibabaSignature;
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use std::net::SocketAddr;
use std::process::ExitCode;

struct Args {
    requests: usize,
    concurrency: usize,
    workload: Workload,
    signature: AlibabaSignature,
    addr: Option<SocketAddr>,
    server_threads: usize,
    client_threads: usize,
    sdk: bool,
    replay_first: bool,
    state: Option<std::path::PathBuf>,
    standing: usize,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        requests: 100_000,
        concurrency: 64,
        workload: Workload::AlibabaDelete,
        signature: AlibabaSignature::V1,
        addr: None,
        server_threads: 2,
        client_threads: 1,
        sdk: false,
        replay_first: false,
        state: None,
        standing: 0,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{v:?} is not a number"))
        };
        match flag.as_str() {
            "--requests" => a.requests = number(value()?)?,
            "--concurrency" => a.concurrency = number(value()?)?.max(1),
            "--server-threads" => a.server_threads = number(value()?)?.max(1),
            "--client-threads" => a.client_threads = number(value()?)?.max(1),
            "--workload" => {
                let v = value()?;
                a.workload = Workload::from_name(&v).ok_or_else(|| {
                    let names: Vec<_> = Workload::ALL.iter().map(|(n, _)| *n).collect();
                    format!("unknown workload {v:?}; one of {}", names.join(", "))
                })?;
            }
            "--signature" => {
                a.signature = match value()?.as_str() {
                    "v1" => AlibabaSignature::V1,
                    "v3" => AlibabaSignature::V3,
                    other => return Err(format!("--signature is v1 or v3, not {other:?}")),
                }
            }
            "--client" => {
                a.sdk = match value()?.as_str() {
                    "sdk" => true,
                    "raw" => false,
                    other => return Err(format!("--client is sdk or raw, not {other:?}")),
                }
            }
            "--replay-first" => a.replay_first = true,
            "--state" => a.state = Some(value()?.into()),
            "--standing" => a.standing = number(value()?)?,
            "--addr" => {
                let v = value()?;
                a.addr = Some(v.parse().map_err(|_| format!("{v:?} is not HOST:PORT"))?);
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    if a.addr.is_some() && a.state.is_some() {
        return Err(
            "--state is for the in-process emulator; give the other one its own --state".into(),
        );
    }
    Ok(a)
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("load: {e}");
            return ExitCode::from(2);
        }
    };
    // The emulator gets its own runtime so that its threads are not shared with the clients'.
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .enable_all()
        .build();
    let client_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads)
        .enable_all()
        .build();
    let (Ok(server_runtime), Ok(client_runtime)) = (server_runtime, client_runtime) else {
        eprintln!("load: cannot start the runtimes");
        return ExitCode::FAILURE;
    };
    let (addr, emulator) = match args.addr {
        Some(addr) => (addr, None),
        None => match server_runtime.block_on(Emulator::start(match &args.state {
            Some(path) => EmulatorConfig::loopback().state_file(path),
            None => EmulatorConfig::loopback(),
        })) {
            Ok(e) => (e.local_addr(), Some(e)),
            Err(e) => {
                eprintln!("load: {e}");
                return ExitCode::FAILURE;
            }
        },
    };
    let report = client_runtime.block_on(async {
        let task = args.workload.prepare(addr, args.requests).await?;
        load::seed_standing_gateways(addr, args.standing).await?;
        let probe = if args.replay_first {
            let probe = ReplayProbe::for_workload(args.workload, args.signature);
            probe.send_first(addr).await?;
            Some(probe)
        } else {
            None
        };
        let report = if args.sdk {
            let callers =
                sdk::callers(addr, args.workload, args.signature, task, args.concurrency)?;
            load::drive(callers, args.requests).await
        } else {
            let mut callers = Vec::with_capacity(args.concurrency);
            for _ in 0..args.concurrency {
                callers.push(
                    RawCaller::connect(addr, args.workload, args.signature, task)
                        .await
                        .map_err(|e| e.to_string())?,
                );
            }
            load::drive(callers, args.requests).await
        };
        let replayed = match &probe {
            Some(probe) => Some(probe.replay(addr).await?),
            None => None,
        };
        Ok::<_, String>((report, replayed))
    });
    drop(emulator);
    match report {
        Ok((report, replayed)) => {
            println!(
                "workload: {} ({:?} signatures for Alibaba, {} client) against {addr}{}",
                args.workload.name(),
                args.signature,
                if args.sdk {
                    "cloudvpn runtime"
                } else {
                    "raw signing"
                },
                if args.addr.is_some() {
                    ""
                } else {
                    " (in-process emulator)"
                }
            );
            println!("{report}");
            let replay_refused = match &replayed {
                None => true,
                Some(ReplayOutcome::Refused(code)) => {
                    println!(
                        "replay of the first request after {} requests: refused ({code})",
                        report.requests
                    );
                    true
                }
                Some(ReplayOutcome::NotRefused(what)) => {
                    println!(
                        "replay of the first request after {} requests: NOT refused ({what})",
                        report.requests
                    );
                    false
                }
            };
            if report.ok == report.requests && replay_refused {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("load: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Callers that go through the cloudvpn runtime client.
mod sdk {
    use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
    use cloudvpn::{AlibabaClient, ApiClient, RetryConfig, TencentClient};
    use cloudvpn_emulator::load::{Caller, REGION, Workload};
    use cloudvpn_emulator::signed::AlibabaSignature;
    use cloudvpn_types::alibaba_vpc::{DeleteVpnGatewayRequest, DescribeVpnGatewayRequest};
    use cloudvpn_types::tencent_vpc_v2::{DeleteVpnConnRequest, DescribeVpcTaskResultRequest};
    use std::net::SocketAddr;

    /// One caller per unit of concurrency; clones share the client's connection pool.
    pub enum SdkCaller {
        Alibaba(AlibabaClient, Workload),
        Tencent(TencentClient, Workload, i64),
    }

    pub fn callers(
        addr: SocketAddr,
        workload: Workload,
        signature: AlibabaSignature,
        task: Option<i64>,
        concurrency: usize,
    ) -> Result<Vec<SdkCaller>, String> {
        let base = format!("http://{addr}");
        let caller = match workload {
            Workload::AlibabaDescribe | Workload::AlibabaDelete => SdkCaller::Alibaba(
                AlibabaClient::builder()
                    .endpoint(&base)
                    .credentials(AlibabaCredentials::new(
                        "emulator-ak",
                        Secret::new("emulator-secret"),
                    ))
                    .signature(match signature {
                        AlibabaSignature::V1 => cloudvpn::AlibabaSignature::V1,
                        AlibabaSignature::V3 => cloudvpn::AlibabaSignature::V3,
                    })
                    .retry(RetryConfig::disabled())
                    .build()
                    .map_err(|e| e.to_string())?,
                workload,
            ),
            Workload::TencentDescribe | Workload::TencentDelete => SdkCaller::Tencent(
                TencentClient::builder()
                    .endpoint(&base)
                    .region("ap-guangzhou")
                    .credentials(TencentCredentials::new(
                        "emulator-sid",
                        Secret::new("emulator-skey"),
                    ))
                    .retry(RetryConfig::disabled())
                    .build()
                    .map_err(|e| e.to_string())?,
                workload,
                task.unwrap_or(0),
            ),
        };
        Ok((0..concurrency)
            .map(|_| match &caller {
                SdkCaller::Alibaba(c, w) => SdkCaller::Alibaba(c.clone(), *w),
                SdkCaller::Tencent(c, w, t) => SdkCaller::Tencent(c.clone(), *w, *t),
            })
            .collect())
    }

    impl Caller for SdkCaller {
        async fn call(&mut self, index: usize) -> bool {
            match self {
                SdkCaller::Alibaba(c, Workload::AlibabaDescribe) => c
                    .send(DescribeVpnGatewayRequest::new(REGION, "vpn-load-0"))
                    .await
                    .is_ok(),
                SdkCaller::Alibaba(c, _) => c
                    .send(DeleteVpnGatewayRequest::new(
                        REGION,
                        format!("vpn-load-{index}"),
                    ))
                    .await
                    .is_ok(),
                SdkCaller::Tencent(c, Workload::TencentDescribe, task) => c
                    .send(DescribeVpcTaskResultRequest::new(*task))
                    .await
                    .is_ok(),
                SdkCaller::Tencent(c, _, _) => c
                    .send(DeleteVpnConnRequest::new(
                        "vpc-load",
                        "vpngw-load",
                        format!("vpnx-load-{index}"),
                    ))
                    .await
                    .is_ok(),
            }
        }
    }
}
