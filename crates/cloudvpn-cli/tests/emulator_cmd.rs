//! `cloudvpn emulator` as a process: the same refusals, listen forms, SIGTERM handling and exit codes as the
//! standalone `cloudvpn-emulator` (whose twin tests are in the emulator crate's `tests/edge.rs`).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn cloudvpn(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
        .args(args)
        .env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .output()
        .expect("cloudvpn runs")
}

#[test]
fn refuses_exposed_listen_addresses_with_a_usage_error() {
    for (args, hint) in [
        (&["emulator", "--listen", "0.0.0.0:0"][..], "--allow-remote"),
        (&["emulator", "--listen", "[::]:0"][..], "--allow-remote"),
        (
            &["emulator", "--listen", "0.0.0.0:0", "--allow-remote"][..],
            "\"include_defaults\": false",
        ),
        (
            &["emulator", "--listen", "example.com:80"][..],
            "localhost:PORT",
        ),
        (&["emulator", "--control-token", ""][..], "--control-token"),
    ] {
        let out = cloudvpn(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(hint), "{args:?}: {stderr}");
    }
}

#[test]
fn a_corrupt_state_file_exits_2_and_names_the_position_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        b"{\"format\": \"cloudvpn-emulator-state/1\", \"state\": [1, 2",
    )
    .unwrap();
    let out = cloudvpn(&[
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--state",
        path.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert_eq!(stderr.matches("line 1").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("column").count(), 1, "{stderr}");
}

/// Kills the child when the test ends, whatever happens.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `POST path` with a JSON body over a fresh connection; the status.
fn post_json(addr: SocketAddr, path: &str, body: &str) -> u16 {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"))
}

#[cfg(unix)]
#[test]
fn serves_on_localhost_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cli-state.json");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
            .args(["emulator", "--listen", "localhost:0", "--state"])
            .arg(&state)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut banner = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let addr: SocketAddr = banner
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .unwrap_or_else(|| panic!("no URL in {banner:?}"))
        .parse()
        .unwrap();
    assert!(addr.ip().is_loopback(), "{addr}");
    let seeded = post_json(
        addr,
        "/_emulator/alibaba/vpn-gateways",
        r#"{"region": "cn-hangzhou", "id": "vpn-cli"}"#,
    );
    assert_eq!(seeded, 201);

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "cloudvpn emulator did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0), "{status}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(
        saved["state"]["accounts"]["default"]["alibaba"]["cn-hangzhou"]["vpn_gateways"]["vpn-cli"]
            .is_object(),
        "{saved}"
    );
}
