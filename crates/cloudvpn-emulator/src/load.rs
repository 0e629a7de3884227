//! The load driver's parts: workloads (what to seed, what to call), a [`Caller`] that sends raw signed
//! requests, and [`drive`], which runs N calls at concurrency C and reports requests/s and latency
//! percentiles.
//!
//! [`Caller`] is the seam for other clients: a caller built on the `cloudvpn` runtime client implements
//! it and reuses [`Workload::prepare`] and [`drive`] unchanged.

use crate::signed::{self, AlibabaCall, AlibabaSignature, Connection, TencentCall};
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Method, Request};
use std::fmt;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The region the workloads use (Alibaba).
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
}

impl Workload {
    /// Every workload, by name.
    pub const ALL: &'static [(&'static str, Workload)] = &[
        ("alibaba-describe", Workload::AlibabaDescribe),
        ("alibaba-delete", Workload::AlibabaDelete),
        ("tencent-describe", Workload::TencentDescribe),
        ("tencent-delete", Workload::TencentDelete),
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
    /// Returns the Tencent task id the describe workload polls, if any.
    pub async fn prepare(self, addr: SocketAddr, requests: usize) -> Result<Option<i64>, String> {
        let host = addr.to_string();
        control(addr, &host, Method::POST, "/_emulator/reset", String::new()).await?;
        control(
            addr,
            &host,
            Method::PUT,
            "/_emulator/transitions",
            r#"{"alibaba_vpn_gateway": {"mode": "immediate"}, "alibaba_vpn_connection": {"mode": "immediate"},
                "tencent_vpn_connection": {"mode": "immediate"}}"#
                .to_owned(),
        )
        .await?;
        match self {
            Workload::AlibabaDescribe => {
                seed_gateways(addr, &host, 1).await?;
                Ok(None)
            }
            Workload::AlibabaDelete => {
                seed_gateways(addr, &host, requests).await?;
                Ok(None)
            }
            Workload::TencentDescribe => {
                seed_tencent(addr, &host, 1).await?;
                let call = TencentCall::new("DeleteVpnConn")
                    .param("vpcId", "vpc-load")
                    .param("vpnGwId", "vpngw-load")
                    .param("vpnConnId", "vpnx-load-0");
                let r = signed::send(addr, call.build(&host))
                    .await
                    .map_err(|e| e.to_string())?;
                let task = r.json()["data"]["taskId"]
                    .as_i64()
                    .ok_or_else(|| format!("no task id in {}", r.text()))?;
                Ok(Some(task))
            }
            Workload::TencentDelete => {
                seed_tencent(addr, &host, requests).await?;
                Ok(None)
            }
        }
    }
}

async fn control(
    addr: SocketAddr,
    host: &str,
    method: Method,
    path: &str,
    body: String,
) -> Result<(), String> {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", host)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let r = signed::send(addr, request)
        .await
        .map_err(|e| e.to_string())?;
    if r.status >= 300 {
        return Err(format!("{path} answered {}: {}", r.status, r.text()));
    }
    Ok(())
}

const SEED_CHUNK: usize = 5_000;

/// Seeds `n` more Alibaba gateways (`vpn-standing-…`) that no workload touches, so that a workload runs
/// against a world of a given size (after [`Workload::prepare`], which resets).
pub async fn seed_standing_gateways(addr: SocketAddr, n: usize) -> Result<(), String> {
    seed_gateways_named(addr, &addr.to_string(), "vpn-standing", n).await
}

async fn seed_gateways(addr: SocketAddr, host: &str, n: usize) -> Result<(), String> {
    seed_gateways_named(addr, host, "vpn-load", n).await
}

async fn seed_gateways_named(
    addr: SocketAddr,
    host: &str,
    prefix: &str,
    n: usize,
) -> Result<(), String> {
    let mut start = 0;
    while start < n {
        let end = (start + SEED_CHUNK).min(n);
        let items: Vec<String> = (start..end)
            .map(|i| format!(r#"{{"region": "{REGION}", "id": "{prefix}-{i}"}}"#))
            .collect();
        control(
            addr,
            host,
            Method::POST,
            "/_emulator/alibaba/vpn-gateways",
            format!("[{}]", items.join(",")),
        )
        .await?;
        start = end;
    }
    Ok(())
}

async fn seed_tencent(addr: SocketAddr, host: &str, n: usize) -> Result<(), String> {
    control(
        addr,
        host,
        Method::POST,
        "/_emulator/tencent/vpcs",
        r#"{"id": "vpc-load"}"#.to_owned(),
    )
    .await?;
    control(
        addr,
        host,
        Method::POST,
        "/_emulator/tencent/vpn-gateways",
        r#"{"vpc_id": "vpc-load", "id": "vpngw-load"}"#.to_owned(),
    )
    .await?;
    let mut start = 0;
    while start < n {
        let end = (start + SEED_CHUNK).min(n);
        let items: Vec<String> = (start..end)
            .map(|i| {
                format!(
                    r#"{{"vpc_id": "vpc-load", "vpn_gateway_id": "vpngw-load", "id": "vpnx-load-{i}"}}"#
                )
            })
            .collect();
        control(
            addr,
            host,
            Method::POST,
            "/_emulator/tencent/vpn-connections",
            format!("[{}]", items.join(",")),
        )
        .await?;
        start = end;
    }
    Ok(())
}

/// A request sent once before the load and byte for byte again after it: the second time it must be
/// refused as a replay (Alibaba `SignatureNonceUsed`, Tencent v2 4500), however many requests came between.
#[derive(Debug, Clone)]
pub enum ReplayProbe {
    /// An Alibaba call with its timestamp and nonce fixed.
    Alibaba(AlibabaCall),
    /// A Tencent v2 call with its timestamp and nonce fixed.
    Tencent(TencentCall),
}

/// What the second sending of a [`ReplayProbe`] got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayOutcome {
    /// Refused as a replay, with this code.
    Refused(String),
    /// Anything else (the code, or `accepted` for a success): the replay protection failed.
    NotRefused(String),
}

impl ReplayProbe {
    /// The probe for `workload`: a read of something [`Workload::prepare`] seeded, signed now with a
    /// fixed nonce.
    pub fn for_workload(workload: Workload, signature: AlibabaSignature) -> Self {
        let nonce = signed::nonce();
        match workload {
            Workload::AlibabaDescribe | Workload::AlibabaDelete => ReplayProbe::Alibaba(
                AlibabaCall::new("DescribeVpnGateway")
                    .param("RegionId", REGION)
                    .param("VpnGatewayId", "vpn-load-0")
                    .signature(signature)
                    .timestamp(&crate::clock::format_utc(crate::clock::now_secs()))
                    .nonce(&nonce),
            ),
            Workload::TencentDescribe | Workload::TencentDelete => ReplayProbe::Tencent(
                TencentCall::new("DescribeVpnConn")
                    .param("vpcId", "vpc-load")
                    .timestamp(&crate::clock::now_secs().to_string())
                    .nonce(&u64::from(fastrand::u32(1..)).to_string()),
            ),
        }
    }

    fn build(&self, host: &str) -> Request<Full<Bytes>> {
        match self {
            ReplayProbe::Alibaba(call) => call.build(host),
            ReplayProbe::Tencent(call) => call.build(host),
        }
    }

    /// Sends the probe the first time; it must succeed.
    pub async fn send_first(&self, addr: SocketAddr) -> Result<(), String> {
        let r = signed::send(addr, self.build(&addr.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        match answer_code(self, &r) {
            None => Ok(()),
            Some(code) => Err(format!(
                "the replay probe was refused the first time: {code}"
            )),
        }
    }

    /// Sends the very same bytes again.
    pub async fn replay(&self, addr: SocketAddr) -> Result<ReplayOutcome, String> {
        let r = signed::send(addr, self.build(&addr.to_string()))
            .await
            .map_err(|e| e.to_string())?;
        let replay_code = match self {
            ReplayProbe::Alibaba(_) => "SignatureNonceUsed",
            ReplayProbe::Tencent(_) => "4500",
        };
        Ok(match answer_code(self, &r) {
            Some(code) if code == replay_code => ReplayOutcome::Refused(code),
            Some(code) => ReplayOutcome::NotRefused(code),
            None => ReplayOutcome::NotRefused("accepted".to_owned()),
        })
    }
}

/// The error code of an answer (Alibaba `Code`, Tencent integer `code`), `None` for a success.
fn answer_code(probe: &ReplayProbe, r: &signed::RawResponse) -> Option<String> {
    let body = r.json();
    match probe {
        ReplayProbe::Alibaba(_) => (r.status != 200).then(|| {
            body["Code"]
                .as_str()
                .map_or_else(|| format!("HTTP {}", r.status), str::to_owned)
        }),
        ReplayProbe::Tencent(_) => match body["code"].as_i64() {
            Some(0) => None,
            Some(code) => Some(code.to_string()),
            None => Some(format!("not an envelope: {}", r.text())),
        },
    }
}

/// One client of the load: makes call number `index` and says whether it got the expected answer.
pub trait Caller: Send + 'static {
    /// Makes one call.
    fn call(&mut self, index: usize) -> impl Future<Output = bool> + Send;
}

/// A [`Caller`] that signs each request itself with the signing crate (fresh nonce and timestamp per
/// call) and sends it on one kept-alive connection.
pub struct RawCaller {
    connection: Connection,
    host: String,
    workload: Workload,
    signature: AlibabaSignature,
    task: Option<i64>,
}

impl RawCaller {
    /// Connects to the emulator at `addr`.
    pub async fn connect(
        addr: SocketAddr,
        workload: Workload,
        signature: AlibabaSignature,
        task: Option<i64>,
    ) -> Result<Self, signed::ClientError> {
        Ok(RawCaller {
            connection: Connection::open(addr).await?,
            host: addr.to_string(),
            workload,
            signature,
            task,
        })
    }

    fn request(&self, index: usize) -> Request<Full<Bytes>> {
        match self.workload {
            Workload::AlibabaDescribe => AlibabaCall::new("DescribeVpnGateway")
                .param("RegionId", REGION)
                .param("VpnGatewayId", "vpn-load-0")
                .signature(self.signature)
                .build(&self.host),
            Workload::AlibabaDelete => AlibabaCall::new("DeleteVpnGateway")
                .param("RegionId", REGION)
                .param("VpnGatewayId", &format!("vpn-load-{index}"))
                .signature(self.signature)
                .build(&self.host),
            Workload::TencentDescribe => TencentCall::new("DescribeVpcTaskResult")
                .param("taskId", &self.task.unwrap_or(0).to_string())
                .build(&self.host),
            Workload::TencentDelete => TencentCall::new("DeleteVpnConn")
                .param("vpcId", "vpc-load")
                .param("vpnGwId", "vpngw-load")
                .param("vpnConnId", &format!("vpnx-load-{index}"))
                .build(&self.host),
        }
    }
}

impl Caller for RawCaller {
    async fn call(&mut self, index: usize) -> bool {
        let request = self.request(index);
        match self.connection.send(request).await {
            Ok(r) => match self.workload {
                Workload::AlibabaDescribe | Workload::AlibabaDelete => r.status == 200,
                // Tencent answers 200 either way; success is `"code":0`.
                Workload::TencentDescribe | Workload::TencentDelete => {
                    r.body.starts_with(b"{\"code\":0,")
                }
            },
            Err(_) => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting;

    impl Caller for Counting {
        async fn call(&mut self, index: usize) -> bool {
            index % 2 == 0
        }
    }

    #[tokio::test]
    async fn drives_every_index_once_and_reports_percentiles() {
        let report = drive(vec![Counting, Counting, Counting], 101).await;
        assert_eq!(
            (report.requests, report.ok, report.latencies_us.len()),
            (101, 51, 101)
        );
        assert!(report.percentile(50.0) <= report.percentile(99.0));
        assert!(report.to_string().contains("requests/s"));
        assert_eq!(
            Workload::from_name("alibaba-delete"),
            Some(Workload::AlibabaDelete)
        );
        assert_eq!(Workload::TencentDescribe.name(), "tencent-describe");
    }
}
