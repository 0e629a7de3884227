//! Connection limits: idle, slowloris and slow-body sockets are closed by their timeouts, a flood of them
//! cannot lock a new client out (neither at the connection cap nor when the process runs out of file
//! descriptors), and the oldest idle ones are the ones closed.
//!
//! Every socket is on loopback, every count is bounded, and every wait has a generous upper bound that only
//! turns a hang into a failure (speed is measured by `examples/flood.rs`, not asserted here).

mod support;

use cloudvpn_emulator::signed::{self, AlibabaCall};
use cloudvpn_emulator::{ConnectionLimits, EmulatorConfig};
use std::net::SocketAddr;
use std::time::Duration;
use support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Far longer than any answer takes; reaching it means the emulator hung.
const HANG: Duration = Duration::from_secs(20);

fn limits(f: impl FnOnce(&mut ConnectionLimits)) -> EmulatorConfig {
    let mut limits = ConnectionLimits::default();
    f(&mut limits);
    EmulatorConfig::loopback().connection_limits(limits)
}

/// Reads until the emulator closes the socket; what it sent before.
async fn until_closed(stream: &mut TcpStream) -> Vec<u8> {
    let mut seen = Vec::new();
    let read = tokio::time::timeout(HANG, stream.read_to_end(&mut seen)).await;
    assert!(read.is_ok(), "the emulator did not close the socket");
    seen
}

/// A signed Alibaba call on a new connection, answered within [`HANG`].
async fn answered(addr: SocketAddr) -> u16 {
    let call = AlibabaCall::new("DescribeVpnGateways").param("RegionId", REGION);
    let sent = tokio::time::timeout(HANG, signed::send(addr, call.build(&addr.to_string()))).await;
    sent.expect("a new client is answered")
        .expect("the exchange succeeds")
        .status
}

#[tokio::test]
async fn idle_connections_are_closed_after_the_idle_timeout() {
    let env = Env::start(limits(|l| l.idle_timeout = Duration::from_millis(200))).await;
    let mut idle = TcpStream::connect(env.emulator.local_addr()).await.unwrap();
    assert!(until_closed(&mut idle).await.is_empty());
}

#[tokio::test]
async fn a_trickled_head_is_cut_off_by_the_header_timeout() {
    // Idle connections may stay a minute, but a head must be complete 300 ms after its first byte.
    let env = Env::start(limits(|l| {
        l.header_read_timeout = Duration::from_millis(300)
    }))
    .await;
    let mut slow = TcpStream::connect(env.emulator.local_addr()).await.unwrap();
    let head = b"GET /_emulator/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
    let trickle = async {
        for byte in head.iter().chain(std::iter::repeat(&b'a')).take(400) {
            if slow.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the emulator kept reading a head for 8 s");
    };
    tokio::time::timeout(HANG, trickle).await.unwrap();
    // A prompt client on another connection is unaffected.
    assert_eq!(answered(env.emulator.local_addr()).await, 200);
}

#[tokio::test]
async fn a_late_body_is_answered_408_and_the_connection_closed() {
    let env = Env::start(limits(|l| l.body_read_timeout = Duration::from_millis(200))).await;
    let mut slow = TcpStream::connect(env.emulator.local_addr()).await.unwrap();
    slow.write_all(
        b"POST /_emulator/alibaba/vpn-gateways HTTP/1.1\r\nHost: 127.0.0.1\r\n\
          Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"region\": ",
    )
    .await
    .unwrap();
    let answer = String::from_utf8(until_closed(&mut slow).await).unwrap();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within 200 ms"), "{answer}");
    // Nothing was seeded.
    let state = env.state().await;
    assert!(
        state["accounts"].as_object().is_none_or(|a| a.is_empty()),
        "{state}"
    );
}

#[tokio::test]
async fn at_the_cap_the_oldest_idle_connections_make_room() {
    const CAP: usize = 8;
    let env = Env::start(limits(|l| l.max_connections = CAP)).await;
    let addr = env.emulator.local_addr();
    let mut idle = Vec::new();
    for _ in 0..3 * CAP {
        idle.push(TcpStream::connect(addr).await.unwrap());
        // Let the emulator accept each in turn, so that "oldest" is well defined.
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // A slowloris head among them is not being served either.
    idle[3 * CAP - 1]
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    assert_eq!(answered(addr).await, 200);
    // The first ones were closed; the newest idle ones are still open.
    for stream in idle.iter_mut().take(CAP) {
        assert!(until_closed(stream).await.is_empty());
    }
    let newest = idle.last_mut().unwrap();
    let mut byte = [0u8; 1];
    let still_open = tokio::time::timeout(Duration::from_millis(200), newest.read(&mut byte)).await;
    assert!(
        still_open.is_err(),
        "a recent connection was closed: {still_open:?}"
    );
}

/// The emulator binary with at most 64 open files, flooded by 120 idle and 40 slowloris sockets: the
/// process runs out of descriptors long before the default cap of 512, and a new client is still answered.
#[cfg(unix)]
#[tokio::test]
async fn a_flood_of_idle_sockets_cannot_lock_clients_out_of_a_process_short_of_files() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 64 && exec \"$0\" --listen 127.0.0.1:0")
        .arg(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .stdout(std::process::Stdio::piped())
        .kill_on_drop_guard();
    let mut banner = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let addr: SocketAddr = banner
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .expect("the banner names the URL")
        .parse()
        .unwrap();
    let mut flood = Vec::new();
    for i in 0..160 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        if i % 4 == 0 {
            stream
                .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
                .await
                .unwrap();
        }
        flood.push(stream);
    }
    for _ in 0..3 {
        assert_eq!(answered(addr).await, 200);
    }
    drop(flood);
}

/// Kills the child when the test ends, whatever happens.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

trait SpawnGuarded {
    fn kill_on_drop_guard(&mut self) -> KillOnDrop;
}

impl SpawnGuarded for std::process::Command {
    fn kill_on_drop_guard(&mut self) -> KillOnDrop {
        KillOnDrop(self.spawn().expect("the emulator binary starts"))
    }
}
