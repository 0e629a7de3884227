//! Flood driver: opens many idle and slowloris sockets to an emulator, then measures how long new signed
//! requests take to be answered while they stay open.
//!
//! ```text
//! cargo run --release -p cloudvpn-emulator --example flood -- \
//!     --addr 127.0.0.1:18081 --idle 1100 [--slowloris 0] [--probes 20] [--probe-timeout-ms 5000]
//! ```
//!
//! Idle sockets connect and send nothing; slowloris sockets send the start of a request head and then one
//! more header byte every 500 ms. Each probe is a signed `DescribeVpnGateways` (Alibaba RPC v1, default
//! key) on a new connection, one after another; a probe not answered within `--probe-timeout-ms` counts as
//! locked out. Loopback addresses only, at most 10,000 sockets and 1,000 probes, so a run is bounded.
//! The driver needs more open files than sockets it opens (`ulimit -n`).

use cloudvpn_emulator::signed::{self, AlibabaCall};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

struct Args {
    addr: SocketAddr,
    idle: usize,
    slowloris: usize,
    probes: usize,
    probe_timeout: Duration,
}

fn parse() -> Result<Args, String> {
    let mut addr = None;
    let mut a = Args {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        idle: 1100,
        slowloris: 0,
        probes: 20,
        probe_timeout: Duration::from_secs(5),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        let number = |v: String| {
            v.parse::<usize>()
                .map_err(|_| format!("{v:?} is not a number"))
        };
        match flag.as_str() {
            "--addr" => {
                let v = value()?;
                addr = Some(
                    v.parse::<SocketAddr>()
                        .map_err(|_| format!("{v:?} is not IP:PORT"))?,
                );
            }
            "--idle" => a.idle = number(value()?)?,
            "--slowloris" => a.slowloris = number(value()?)?,
            "--probes" => a.probes = number(value()?)?.clamp(1, 1_000),
            "--probe-timeout-ms" => {
                a.probe_timeout = Duration::from_millis(number(value()?)?.clamp(1, 60_000) as u64)
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    a.addr = addr.ok_or("--addr HOST:PORT is required (an emulator started elsewhere)")?;
    // IPv4-mapped IPv6 addresses (::ffff:127.0.0.1) are loopback too.
    if !a.addr.ip().to_canonical().is_loopback() {
        return Err(format!(
            "{} is not a loopback address; the driver floods loopback only",
            a.addr
        ));
    }
    if a.idle + a.slowloris > 10_000 {
        return Err("at most 10,000 sockets".to_owned());
    }
    Ok(a)
}

/// Opens `n` sockets (each connect bounded by 2 s); how many connected.
async fn open(addr: SocketAddr, n: usize, head: Option<&[u8]>) -> Vec<TcpStream> {
    let mut streams = Vec::with_capacity(n);
    for _ in 0..n {
        match tokio::time::timeout(Duration::from_secs(2), TcpStream::connect(addr)).await {
            Ok(Ok(mut s)) => {
                if let Some(head) = head
                    && s.write_all(head).await.is_err()
                {
                    continue;
                }
                streams.push(s);
            }
            _ => continue,
        }
    }
    streams
}

fn main() -> ExitCode {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("flood: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("flood: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let addr = args.addr;
        let idle = open(addr, args.idle, None).await;
        let slow = open(
            addr,
            args.slowloris,
            Some(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
        )
        .await;
        println!(
            "flood: {} idle and {} slowloris sockets connected to {addr}",
            idle.len(),
            slow.len()
        );
        let running = Arc::new(AtomicBool::new(true));
        let trickler = {
            let running = running.clone();
            tokio::spawn(async move {
                let mut slow = slow;
                while running.load(Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    let mut alive = Vec::with_capacity(slow.len());
                    for mut s in slow {
                        if s.write_all(b"a").await.is_ok() {
                            alive.push(s);
                        }
                    }
                    slow = alive;
                }
            })
        };
        let mut answered = Vec::new();
        let mut locked_out = 0;
        for _ in 0..args.probes {
            let call = AlibabaCall::new("DescribeVpnGateways").param("RegionId", "cn-hangzhou");
            let started = Instant::now();
            match tokio::time::timeout(
                args.probe_timeout,
                signed::send(addr, call.build(&addr.to_string())),
            )
            .await
            {
                Ok(Ok(r)) if r.status == 200 => answered.push(started.elapsed()),
                _ => locked_out += 1,
            }
        }
        running.store(false, Ordering::Relaxed);
        let _ = trickler.await;
        answered.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let p50 = answered.get(answered.len() / 2).copied().map_or(f64::NAN, ms);
        let max = answered.last().copied().map_or(f64::NAN, ms);
        println!(
            "probes: {} answered, {locked_out} not answered within {} ms; time to answer p50 {p50:.2} ms, \
             max {max:.2} ms",
            answered.len(),
            args.probe_timeout.as_millis()
        );
        drop(idle);
        if locked_out == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    })
}
