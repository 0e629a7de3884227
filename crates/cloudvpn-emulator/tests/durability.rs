//! The emulator binary with `--state` under the two faults a state file meets: a disk that refuses to
//! grow (a change that cannot be written is not made), and `kill -9` in the middle of many deletions (no
//! acknowledged deletion is lost).
#![cfg(target_os = "linux")]

mod support;

use bytes::Bytes;
use cloudvpn_emulator::journal;
use cloudvpn_emulator::signed::{self, Connection};
use http_body_util::Full;
use hyper::{Method, Request};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::{REGION, delete_gateway, describe_gateway};

/// The emulator binary on a free loopback port with `state`, ignoring SIGXFSZ (so that a write past
/// the file-size limit fails with EFBIG, as on a full disk, instead of killing it).
fn spawn(state: &Path) -> (Child, SocketAddr) {
    let mut child = Command::new("sh")
        .args(["-c", "trap '' XFSZ; exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"));
    (child, url.trim_start_matches("http://").parse().unwrap())
}

fn kill_9(child: &mut Child) {
    let status = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap();
}

async fn seed(addr: SocketAddr, ids: &[String]) {
    let body: Vec<Value> = ids
        .iter()
        .map(|id| json!({"region": REGION, "id": id}))
        .collect();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/_emulator/alibaba/vpn-gateways")
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(Value::Array(body).to_string())))
        .unwrap();
    let r = signed::send(addr, request).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
}

fn prlimit_fsize(child: &Child, soft: &str) {
    let status = Command::new("prlimit")
        .arg("--pid")
        .arg(child.id().to_string())
        .arg(format!("--fsize={soft}:unlimited"))
        .status()
        .expect("prlimit (util-linux) runs");
    assert!(status.success());
}

#[tokio::test]
async fn a_change_the_disk_refuses_is_not_made_and_a_retry_succeeds() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let (mut child, addr) = spawn(&state);
    let host = addr.to_string();
    seed(addr, &["vpn-full".to_owned(), "vpn-other".to_owned()]).await;

    // The disk is full: not one more byte fits in the journal.
    let journal_len = std::fs::metadata(journal::path_for(&state)).unwrap().len();
    prlimit_fsize(&child, &journal_len.to_string());
    let r = signed::send(addr, delete_gateway("vpn-full").build(&host))
        .await
        .unwrap();
    assert_eq!(r.status, 500, "{}", r.text());
    assert_eq!(r.json()["Code"], "InternalError");
    let message = r.json()["Message"].as_str().unwrap().to_owned();
    assert!(
        message.starts_with("Nothing was changed; the state file could not be written: ")
            && message.contains("File too large"),
        "{message}"
    );
    // Nothing changed: the gateway is still there and active, for every request.
    let r = signed::send(addr, describe_gateway("vpn-full").build(&host))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["Status"], "active");

    // Space again: the retry behaves as if the first attempt never happened.
    prlimit_fsize(&child, "unlimited");
    let r = signed::send(addr, delete_gateway("vpn-full").build(&host))
        .await
        .unwrap();
    assert_eq!(r.status, 200, "{}", r.text());

    // And that is what a restart finds.
    kill_9(&mut child);
    let world = journal::read(&state).unwrap();
    let gateways = &world.accounts["default"].alibaba[REGION].vpn_gateways;
    assert_eq!(gateways["vpn-other"].status.as_str(), "active");
    assert!(
        gateways
            .get("vpn-full")
            .is_none_or(|g| g.status.as_str() == "deleting"),
        "{gateways:?}"
    );
}

/// Kills (default 3; `CLOUDVPN_KILL_ROUNDS=20` for the figure in docs/BENCHMARKS.md).
fn rounds() -> usize {
    std::env::var("CLOUDVPN_KILL_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_acknowledged_deletion() {
    const GATEWAYS: usize = 400;
    const CLIENTS: usize = 8;
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut acknowledged_total = 0;
    // The gateways of earlier rounds still there after the previous round; no later round touches them.
    let mut earlier_left: BTreeSet<String> = BTreeSet::new();
    for round in 0..rounds() {
        // Each round restarts on what the previous kill left.
        let (mut child, addr) = spawn(&state);
        let host = addr.to_string();
        let ids: Vec<String> = (0..GATEWAYS).map(|i| format!("vpn-r{round}-{i}")).collect();
        seed(addr, &ids).await;
        let transitions = Request::builder()
            .method(Method::PUT)
            .uri("/_emulator/transitions")
            .header("host", &host)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(
                r#"{"alibaba_vpn_gateway": {"mode": "immediate"}}"#,
            )))
            .unwrap();
        assert_eq!(signed::send(addr, transitions).await.unwrap().status, 200);

        let acknowledged: Arc<Mutex<BTreeSet<String>>> = Arc::default();
        // Every deletion that was sent (acknowledged or not); the others must all survive the kill.
        let sent: Arc<Mutex<BTreeSet<String>>> = Arc::default();
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let mine: Vec<String> = ids.iter().skip(c).step_by(CLIENTS).cloned().collect();
            let (acknowledged, sent, host) = (acknowledged.clone(), sent.clone(), host.clone());
            clients.push(tokio::spawn(async move {
                let Ok(mut http) = Connection::open(addr).await else {
                    return;
                };
                for id in mine {
                    sent.lock().unwrap().insert(id.clone());
                    match http.send(delete_gateway(&id).build(&host)).await {
                        Ok(r) if r.status == 200 => {
                            acknowledged.lock().unwrap().insert(id);
                        }
                        Ok(r) => panic!("unexpected answer for {id}: {} {}", r.status, r.text()),
                        // The kill.
                        Err(_) => return,
                    }
                }
            }));
        }
        // Kill at a different moment each round, while deletions are being acknowledged.
        let after = 10 + (round * 37) % 150;
        for _ in 0..3000 {
            if acknowledged.lock().unwrap().len() >= after {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        kill_9(&mut child);
        for client in clients {
            client.await.unwrap();
        }

        let acknowledged = acknowledged.lock().unwrap().clone();
        acknowledged_total += acknowledged.len();
        let world = journal::read(&state).unwrap();
        let left = &world.accounts["default"].alibaba[REGION].vpn_gateways;
        let lost: Vec<&String> = acknowledged
            .iter()
            .filter(|id| left.contains_key(*id))
            .collect();
        assert!(
            lost.is_empty(),
            "round {round}: acknowledged but back after kill -9: {lost:?}"
        );
        // A deletion that was never sent did not happen: the seed was durable and replay removes
        // nothing it was not asked to (a sent but unacknowledged one may have gone either way).
        let sent = sent.lock().unwrap().clone();
        let vanished: Vec<&String> = ids
            .iter()
            .filter(|id| !sent.contains(*id) && !left.contains_key(*id))
            .collect();
        assert!(
            vanished.is_empty(),
            "round {round}: never asked to delete, yet gone after kill -9: {vanished:?}"
        );
        // Earlier rounds' gateways are exactly as the previous round left them.
        let this_round = format!("vpn-r{round}-");
        let (mine, earlier): (BTreeSet<String>, BTreeSet<String>) = left
            .keys()
            .cloned()
            .partition(|id| id.starts_with(&this_round));
        assert_eq!(
            earlier, earlier_left,
            "round {round}: earlier rounds' gateways changed"
        );
        earlier_left.extend(mine);
    }
    eprintln!(
        "{} kill -9 rounds, {acknowledged_total} acknowledged deletions, 0 lost",
        rounds()
    );
    assert!(
        acknowledged_total >= 10 * rounds(),
        "the kills came amid deletions"
    );
}
