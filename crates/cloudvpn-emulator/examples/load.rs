//! Load driver: N calls at concurrency C against the emulator through the generated fluent clients of the
//! `cloudvpn` runtime, reporting requests/s and p50/p99 latency.
//!
//! ```text
//! cargo run --release -p cloudvpn-emulator --example load -- \
//!     --requests 200000 --concurrency 64 --workload alibaba-delete [--signature v1|v3] [--addr HOST:PORT] \
//!     [--state FILE]
//! ```
//!
//! Every call goes through `cloudvpn::alibaba::VpcClient` or `cloudvpn::tencent::VpcV2Client` as a user's
//! would: validation, serialization, signing with a fresh nonce and timestamp, the answer parsed into the
//! typed output (retries disabled, so a refusal counts as unexpected). Clients and server share the
//! machine, so the figures are the client's cost and the emulator's together.
//!
//! `--replay-first` sends one request before the load and the very same bytes again after it (a client
//! with its clock and nonce frozen), and fails unless the second one is refused as a replay
//! (`SignatureNonceUsed` / 4500). `--standing N` seeds N more gateways that the workload leaves alone (the
//! world's size during the run). `--state FILE` gives the in-process emulator a state file (every change is
//! then acknowledged only once it is on disk); it must not exist yet or hold nothing worth keeping.
//!
//! Without `--addr` it starts an emulator in this process (its own runtime, `--server-threads`, default 2)
//! on a free loopback port; with `--addr` it drives an emulator started elsewhere (it resets and seeds it
//! and makes its transitions immediate through the control API: do not point it at state you want to
//! keep). Workloads: alibaba-describe, alibaba-delete, tencent-describe, tencent-delete (API v2),
//! tencent3-describe, tencent3-delete (API 3.0, TC3 over a JSON POST). The clients run
//! on `--client-threads` threads (default 1).

#[path = "load/driver.rs"]
mod driver;

use cloudvpn::AlibabaSignature;
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use driver::{FluentCaller, ReplayOutcome, ReplayProbe, Workload};
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
        driver::seed_standing_gateways(addr, args.standing).await?;
        let probe = if args.replay_first {
            let probe = ReplayProbe::for_workload(args.workload, addr, args.signature)?;
            probe.send_first().await?;
            Some(probe)
        } else {
            None
        };
        let callers = FluentCaller::for_workload(
            addr,
            args.workload,
            args.signature,
            task.as_deref(),
            args.concurrency,
        )?;
        let report = driver::drive(callers, args.requests).await;
        let replayed = match &probe {
            Some(probe) => Some(probe.replay().await?),
            None => None,
        };
        Ok::<_, String>((report, replayed))
    });
    drop(emulator);
    match report {
        Ok((report, replayed)) => {
            println!(
                "workload: {} ({:?} signatures for Alibaba, cloudvpn fluent client) against {addr}{}",
                args.workload.name(),
                args.signature,
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
