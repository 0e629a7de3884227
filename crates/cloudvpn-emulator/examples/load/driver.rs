//! The load driver's parts: workloads (what to seed, what to call), a [`Caller`] that sends through the
//! generated fluent clients of the `cloudvpn` runtime, the replay probe, and [`drive`], which runs N calls
//! at concurrency C and reports requests/s and latency percentiles.

use bytes::Bytes;
use cloudvpn::credentials::{AlibabaCredentials, Secret, TencentCredentials};
use cloudvpn::test_util::{FixedClock, FixedIds};
use cloudvpn::{AlibabaSignature, Error, RetryConfig, alibaba, tencent};
use cloudvpn_types::{ErrorInfo, OperationError};
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The region the workloads use (Alibaba).
#[path = "replay.rs"]
mod replay;
#[path = "seed.rs"]
mod seed;

pub use replay::{ReplayOutcome, ReplayProbe};
#[allow(unused_imports)] // used by the load example, not by the test that shares this module
pub use seed::seed_standing_gateways;
use seed::{TENCENT_GATEWAY, control, seed_gateways, seed_tencent, tencent_connection_id};

pub const REGION: &str = "cn-hangzhou";

/// What the load consists of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workload {
    /// Alibaba `DescribeVpnGateway` of one seeded gateway, over and over.
    AlibabaDescribe,
    /// Alibaba `DeleteVpnGateway` of N seeded gateways, each once (every call succeeds).
    AlibabaDelete,
    /// Tencent `DescribeVpcTaskResult` of one task, over and over.
    TencentDescribe,
    /// Tencent `DeleteVpnConn` of N seeded connections, each once.
    TencentDelete,
    /// Tencent API 3.0 `DescribeVpcTaskResult` of one task, over and over (TC3 over a JSON POST).
    Api3Describe,
    /// Tencent API 3.0 `DeleteVpnConnection` of N seeded connections, each once.
    Api3Delete,
}

impl Workload {
    /// Every workload, by name.
    pub const ALL: &'static [(&'static str, Workload)] = &[
        ("alibaba-describe", Workload::AlibabaDescribe),
        ("alibaba-delete", Workload::AlibabaDelete),
        ("tencent-describe", Workload::TencentDescribe),
        ("tencent-delete", Workload::TencentDelete),
        ("tencent3-describe", Workload::Api3Describe),
        ("tencent3-delete", Workload::Api3Delete),
    ];

    /// The workload called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, w)| *w == self)
            .map(|(n, _)| *n)
            .unwrap_or("?")
    }

    /// Resets the emulator at `addr` (everything in it is forgotten), seeds what `requests` calls need
    /// through its control API and makes its transitions immediate, so that each delete is one call.
    /// Returns the Tencent task id the describe workloads poll, if any (v2: a number, 3.0: a request id).
    pub async fn prepare(
        self,
        addr: SocketAddr,
        requests: usize,
    ) -> Result<Option<String>, String> {
        control(addr, Method::POST, "/_emulator/reset", String::new()).await?;
        control(
            addr,
            Method::PUT,
            "/_emulator/transitions",
            r#"{"alibaba_vpn_gateway": {"mode": "immediate"}, "alibaba_vpn_connection": {"mode": "immediate"},
                "tencent_vpn_connection": {"mode": "immediate"}}"#
                .to_owned(),
        )
        .await?;
        match self {
            Workload::AlibabaDescribe => seed_gateways(addr, "vpn-load", 1).await.map(|()| None),
            Workload::AlibabaDelete => seed_gateways(addr, "vpn-load", requests)
                .await
                .map(|()| None),
            Workload::TencentDescribe => {
                seed_tencent(addr, 1).await?;
                let accepted = tencent_client(addr, None)?
                    .delete_vpn_conn()
                    .vpc_id("vpc-load")
                    .vpn_gw_id(TENCENT_GATEWAY)
                    .vpn_conn_id(tencent_connection_id(0))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Some(accepted.data.task_id.to_string()))
            }
            Workload::TencentDelete | Workload::Api3Delete => {
                seed_tencent(addr, requests).await.map(|()| None)
            }
            Workload::Api3Describe => {
                seed_tencent(addr, 1).await?;
                let accepted = api3_client(addr)?
                    .delete_vpn_connection()
                    .vpn_gateway_id(TENCENT_GATEWAY)
                    .vpn_connection_id(tencent_connection_id(0))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(Some(accepted.request_id))
            }
        }
    }
}

/// Fixes the time and nonce of every request a client signs (the replay probe's byte-identical resend).
pub(super) struct Frozen {
    at: SystemTime,
    nonce: String,
    numeric_nonce: u64,
}

/// The fluent Alibaba client of the load, signing with `signature`, retries off.
pub(super) fn alibaba_client(
    addr: SocketAddr,
    signature: AlibabaSignature,
    frozen: Option<&Frozen>,
) -> Result<alibaba::VpcClient, String> {
    let mut builder = alibaba::VpcClient::builder()
        .endpoint(format!("http://{addr}"))
        .credentials(AlibabaCredentials::new(
            "emulator-ak",
            Secret::new("emulator-secret"),
        ))
        .signature(signature)
        .retry(RetryConfig::disabled());
    if let Some(f) = frozen {
        builder = builder
            .clock(Arc::new(FixedClock(f.at)))
            .ids(Arc::new(FixedIds::new(&f.nonce, f.numeric_nonce, "token")));
    }
    builder.build().map_err(|e| e.to_string())
}

/// The fluent Tencent v2 client of the load, retries off.
pub(super) fn tencent_client(
    addr: SocketAddr,
    frozen: Option<&Frozen>,
) -> Result<tencent::VpcV2Client, String> {
    let mut builder = tencent::VpcV2Client::builder()
        .endpoint(format!("http://{addr}"))
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .retry(RetryConfig::disabled());
    if let Some(f) = frozen {
        builder = builder
            .clock(Arc::new(FixedClock(f.at)))
            .ids(Arc::new(FixedIds::new(&f.nonce, f.numeric_nonce, "token")));
    }
    builder.build().map_err(|e| e.to_string())
}

/// The fluent API 3.0 client of the load (TC3 over a JSON POST, as the official SDKs), retries off.
pub(super) fn api3_client(addr: SocketAddr) -> Result<tencent::VpcClient, String> {
    tencent::VpcClient::builder()
        .endpoint(format!("http://{addr}"))
        .region("ap-guangzhou")
        .credentials(TencentCredentials::new(
            "emulator-sid",
            Secret::new("emulator-skey"),
        ))
        .retry(RetryConfig::disabled())
        .build()
        .map_err(|e| e.to_string())
}

/// One client of the load: makes call number `index` and says whether it got the expected answer.
pub trait Caller: Send + 'static {
    /// Makes one call.
    fn call(&mut self, index: usize) -> impl Future<Output = bool> + Send;
}

/// A [`Caller`] on the generated fluent clients: validation, serialization, signing (fresh nonce and
/// timestamp per call), retries disabled, the answer parsed into the typed output. Clones share the
/// client's connection pool.
#[derive(Clone)]
pub enum FluentCaller {
    /// Alibaba workloads.
    Alibaba(alibaba::VpcClient, Workload),
    /// Tencent v2 workloads, with the task the describe workload polls.
    Tencent(tencent::VpcV2Client, Workload, i64),
    /// Tencent API 3.0 workloads, with the task (a request id) the describe workload polls.
    Api3(tencent::VpcClient, Workload, String),
}

impl FluentCaller {
    /// `concurrency` callers of `workload` on one client.
    pub fn for_workload(
        addr: SocketAddr,
        workload: Workload,
        signature: AlibabaSignature,
        task: Option<&str>,
        concurrency: usize,
    ) -> Result<Vec<Self>, String> {
        let caller = match workload {
            Workload::AlibabaDescribe | Workload::AlibabaDelete => {
                FluentCaller::Alibaba(alibaba_client(addr, signature, None)?, workload)
            }
            Workload::TencentDescribe | Workload::TencentDelete => {
                let task = match task {
                    Some(t) => t
                        .parse()
                        .map_err(|_| format!("{t:?} is not a v2 task id"))?,
                    None => 0,
                };
                FluentCaller::Tencent(tencent_client(addr, None)?, workload, task)
            }
            Workload::Api3Describe | Workload::Api3Delete => FluentCaller::Api3(
                api3_client(addr)?,
                workload,
                task.unwrap_or_default().to_owned(),
            ),
        };
        Ok(vec![caller; concurrency])
    }
}

impl Caller for FluentCaller {
    async fn call(&mut self, index: usize) -> bool {
        match self {
            FluentCaller::Alibaba(c, Workload::AlibabaDescribe) => c
                .describe_vpn_gateway()
                .region_id(REGION)
                .vpn_gateway_id("vpn-load-0")
                .send()
                .await
                .is_ok(),
            FluentCaller::Alibaba(c, _) => c
                .delete_vpn_gateway()
                .region_id(REGION)
                .vpn_gateway_id(format!("vpn-load-{index}"))
                .send()
                .await
                .is_ok(),
            FluentCaller::Tencent(c, Workload::TencentDescribe, task) => c
                .describe_vpc_task_result()
                .task_id(*task)
                .send()
                .await
                .is_ok(),
            FluentCaller::Tencent(c, _, _) => c
                .delete_vpn_conn()
                .vpc_id("vpc-load")
                .vpn_gw_id(TENCENT_GATEWAY)
                .vpn_conn_id(tencent_connection_id(index))
                .send()
                .await
                .is_ok(),
            FluentCaller::Api3(c, Workload::Api3Describe, task) => c
                .describe_vpc_task_result()
                .task_id(task.as_str())
                .send()
                .await
                .is_ok(),
            FluentCaller::Api3(c, _, _) => c
                .delete_vpn_connection()
                .vpn_gateway_id(TENCENT_GATEWAY)
                .vpn_connection_id(tencent_connection_id(index))
                .send()
                .await
                .is_ok(),
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone)]
pub struct LoadReport {
    /// Calls made.
    pub requests: usize,
    /// Concurrent callers.
    pub concurrency: usize,
    /// Wall-clock time of the whole run.
    pub elapsed: Duration,
    /// Calls that got the expected answer.
    pub ok: usize,
    /// Per-call latencies in microseconds, sorted.
    pub latencies_us: Vec<u32>,
}

impl LoadReport {
    /// Calls per second.
    pub fn requests_per_sec(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The `p`-th percentile latency (0 < p ≤ 100).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies_us.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.latencies_us.len() as f64).ceil() as usize;
        let index = rank.clamp(1, self.latencies_us.len()) - 1;
        Duration::from_micros(u64::from(self.latencies_us[index]))
    }
}

impl fmt::Display for LoadReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(
            f,
            "requests: {}  concurrency: {}  expected answers: {}  unexpected: {}",
            self.requests,
            self.concurrency,
            self.ok,
            self.requests - self.ok
        )?;
        writeln!(
            f,
            "elapsed: {:.2} s  throughput: {:.0} requests/s",
            self.elapsed.as_secs_f64(),
            self.requests_per_sec()
        )?;
        write!(
            f,
            "latency: p50 {:.3} ms  p99 {:.3} ms  max {:.3} ms",
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.percentile(100.0))
        )
    }
}

/// Runs `requests` calls spread over `callers` (one task each; the concurrency is their number), every
/// call index exactly once.
pub async fn drive<C: Caller>(callers: Vec<C>, requests: usize) -> LoadReport {
    let concurrency = callers.len();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = callers
        .into_iter()
        .map(|mut caller| {
            let next = next.clone();
            tokio::spawn(async move {
                let mut ok = 0;
                let mut latencies = Vec::with_capacity(requests / concurrency.max(1) + 1);
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= requests {
                        break;
                    }
                    let t = Instant::now();
                    if caller.call(index).await {
                        ok += 1;
                    }
                    latencies.push(u32::try_from(t.elapsed().as_micros()).unwrap_or(u32::MAX));
                }
                (ok, latencies)
            })
        })
        .collect();
    let mut ok = 0;
    let mut latencies_us = Vec::with_capacity(requests);
    for task in tasks {
        if let Ok((n, l)) = task.await {
            ok += n;
            latencies_us.extend(l);
        }
    }
    let elapsed = started.elapsed();
    latencies_us.sort_unstable();
    LoadReport {
        requests,
        concurrency,
        elapsed,
        ok,
        latencies_us,
    }
}
