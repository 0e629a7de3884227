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
        (
            &["emulator", "--control-token-file", "/nonexistent/token"][..],
            "--control-token-file",
        ),
        (
            &[
                "emulator",
                "--control-token",
                "a",
                "--control-token-file",
                "t",
            ][..],
            "--control-token-file",
        ),
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

/// `cloudvpn` with the emulator's default Alibaba keys and a HOME of its own.
fn cloudvpn_with_keys(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
        .args(args)
        .env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .output()
        .expect("cloudvpn runs")
}

#[test]
fn serves_https_with_the_certificate_it_wrote_and_the_cli_trusts_it_with_ca_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let cert = dir.path().join("emulator-ca.pem");
    let mut child = Running(
        Command::new(env!("CARGO_BIN_EXE_cloudvpn"))
            .args([
                "emulator",
                "--listen",
                "127.0.0.1:0",
                "--tls",
                "--tls-cert-out",
            ])
            .arg(&cert)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let mut stdout = BufReader::new(child.0.stdout.take().unwrap());
    let mut banner = String::new();
    for _ in 0..3 {
        stdout.read_line(&mut banner).unwrap();
    }
    let url = banner
        .split_whitespace()
        .find(|w| w.starts_with("https://127.0.0.1:"))
        .unwrap_or_else(|| panic!("no https URL in {banner:?}"))
        .to_owned();
    let file = cert.to_str().unwrap();
    assert!(
        banner.contains(&format!("REQUESTS_CA_BUNDLE={file}"))
            && banner.contains(&format!("SSL_CERT_FILE={file}"))
            && banner.contains(&format!("NODE_EXTRA_CA_CERTS={file}")),
        "{banner}"
    );
    // The file was written before the banner, and the banner prints the same certificate.
    let pem = std::fs::read_to_string(&cert).unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"), "{pem}");
    let mut printed = String::new();
    while !printed.contains("-----END CERTIFICATE-----") {
        assert_ne!(stdout.read_line(&mut printed).unwrap(), 0, "{printed}");
    }
    assert_eq!(printed, pem);

    let describe = [
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        &url,
        "--region",
        "cn-hangzhou",
    ];
    let trusted = cloudvpn_with_keys(&[&["--ca-bundle", file][..], &describe[..]].concat());
    let stderr = String::from_utf8_lossy(&trusted.stderr);
    assert_eq!(trusted.status.code(), Some(0), "{stderr}");
    let answer: serde_json::Value = serde_json::from_slice(&trusted.stdout).unwrap();
    assert_eq!(answer["TotalCount"], 0, "{answer}");

    // Without the bundle the certificate is not trusted: no usable answer (exit 4), saying why.
    let untrusted = cloudvpn_with_keys(&describe);
    let stderr = String::from_utf8_lossy(&untrusted.stderr);
    assert_eq!(untrusted.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("certificate"), "{stderr}");
}

#[test]
fn tls_flags_that_cannot_work_are_usage_errors() {
    let missing = cloudvpn_with_keys(&[
        "--ca-bundle",
        "/nonexistent/ca.pem",
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        "https://127.0.0.1:9",
        "--region",
        "cn-hangzhou",
    ]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--ca-bundle /nonexistent/ca.pem"),
        "{stderr}"
    );

    let dir = tempfile::tempdir().unwrap();
    let not_pem = dir.path().join("not.pem");
    std::fs::write(&not_pem, "not a certificate").unwrap();
    let refused = cloudvpn_with_keys(&[
        "--ca-bundle",
        not_pem.to_str().unwrap(),
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        "https://127.0.0.1:9",
        "--region",
        "cn-hangzhou",
    ]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("BEGIN CERTIFICATE"), "{stderr}");

    let no_tls = cloudvpn(&[
        "emulator",
        "--listen",
        "127.0.0.1:0",
        "--tls-cert-out",
        "x.pem",
    ]);
    let stderr = String::from_utf8_lossy(&no_tls.stderr);
    assert_eq!(no_tls.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--tls"), "{stderr}");
}
