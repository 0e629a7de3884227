//! The binary on a state file in use: refused before it touches anything (or fails to bind first).
//! Apart from the in-process tests of `state_lock.rs`: the processes spawned here would hold copies of
//! their lock file descriptors while they start, and keep a lock from an emulator restarted there.

use bytes::Bytes;
use cloudvpn_emulator::journal;
use cloudvpn_emulator::model::World;
use cloudvpn_emulator::signed;
use http_body_util::Full;
use hyper::{Method, Request};
use serde_json::json;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const REGION: &str = "cn-hangzhou";

fn gateways(world: &World) -> Vec<String> {
    world
        .accounts
        .get("default")
        .and_then(|a| a.alibaba.get(REGION))
        .map(|r| r.vpn_gateways.keys().cloned().collect())
        .unwrap_or_default()
}

/// The emulator binary with `--state state` and `--listen listen`.
fn emulator(state: &Path, listen: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args(["--listen", listen, "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The address a started emulator serves on, from its banner.
fn address(child: &mut Child) -> SocketAddr {
    let mut banner = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"));
    url.trim_start_matches("http://").parse().unwrap()
}

/// The exit code and standard error of an emulator that must stop by itself (killed and failed
/// if it still runs after 30 s, as one that wrongly started would).
fn refused(mut child: Child) -> (i32, String) {
    for _ in 0..300 {
        if let Some(status) = child.try_wait().unwrap() {
            let mut stderr = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut stderr)
                .unwrap();
            return (status.code().unwrap_or(-1), stderr);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    panic!("the second emulator started on a state file in use");
}

async fn seed_over_http(addr: SocketAddr, id: &str) {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/_emulator/alibaba/vpn-gateways")
        .header("host", addr.to_string())
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from(
            json!({"region": REGION, "id": id}).to_string(),
        )))
        .unwrap();
    let r = signed::send(addr, request).await.unwrap();
    assert_eq!(r.status, 201, "{}", r.text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_refuses_a_state_file_in_use_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let mut first = emulator(&state, "127.0.0.1:0");
    let addr = address(&mut first);
    seed_over_http(addr, "one").await;
    let files = || [state.clone(), journal::path_for(&state)].map(|p| std::fs::read(p).unwrap());
    let before = files();

    // On another port: refused because of the lock (exit 2, "unusable state").
    let (code, stderr) = refused(emulator(&state, "127.0.0.1:0"));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("s.json") && stderr.contains("in use by another emulator"),
        "{stderr}"
    );
    // On the first one's port: it cannot listen (exit 4), and fails before opening the state file.
    let (code, stderr) = refused(emulator(&state, &addr.to_string()));
    assert_eq!(code, 4, "{stderr}");
    assert_eq!(
        files(),
        before,
        "the refused emulators changed the state files"
    );

    seed_over_http(addr, "two").await;
    first.kill().unwrap();
    first.wait().unwrap();
    let world = journal::read(&state).unwrap();
    assert_eq!(gateways(&world), ["one", "two"]);
}
