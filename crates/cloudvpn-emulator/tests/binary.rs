//! The `cloudvpn-emulator` binary: usage errors and exit codes, the control token from a file or the
//! environment, a corrupt state file, and a clean stop on SIGTERM.

mod support;

use std::net::SocketAddr;
use std::time::Duration;
use support::*;

fn emulator_binary(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args(args)
        .output()
        .expect("the binary runs")
}

/// The same table as `cloudvpn emulator`'s (crates/cloudvpn-cli/tests/emulator_cmd.rs).
#[test]
fn the_binary_refuses_exposed_listen_addresses_with_a_usage_error() {
    for (args, hint) in [
        (&["--listen", "0.0.0.0:0"][..], "--allow-remote"),
        (&["--listen", "[::]:0"][..], "--allow-remote"),
        (
            &["--listen", "0.0.0.0:0", "--allow-remote"][..],
            "\"include_defaults\": false",
        ),
        (&["--listen", "example.com:80"][..], "localhost:PORT"),
        (&["--control-token", ""][..], "--control-token"),
        (
            &["--control-token-file", "/nonexistent/token"][..],
            "--control-token-file",
        ),
        (
            &["--control-token", "a", "--control-token-file", "t"][..],
            "--control-token-file",
        ),
    ] {
        let out = emulator_binary(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(hint), "{args:?}: {stderr}");
    }
}

/// A spawned emulator, killed when the test ends, whether it passed or not.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The token from `--control-token-file` or `CLOUDVPN_EMULATOR_CONTROL_TOKEN` is the one the control API
/// requires (and an empty one is a usage error, not an unprotected emulator).
#[tokio::test]
async fn the_binary_takes_the_control_token_from_a_file_or_the_environment() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, "edge-file-token\n").unwrap();
    let binary = env!("CARGO_BIN_EXE_cloudvpn-emulator");
    let from_file = ["--control-token-file", file.to_str().unwrap()];
    for (args, env, token) in [
        (&from_file[..], None, "edge-file-token"),
        (&[][..], Some("edge-env-token"), "edge-env-token"),
    ] {
        let mut command = Command::new(binary);
        command.args(["--listen", "127.0.0.1:0"]).args(args);
        command.env_remove("CLOUDVPN_EMULATOR_CONTROL_TOKEN");
        if let Some(value) = env {
            command.env("CLOUDVPN_EMULATOR_CONTROL_TOKEN", value);
        }
        let mut child = KillOnDrop(command.stdout(Stdio::piped()).spawn().unwrap());
        let mut banner = String::new();
        std::io::BufReader::new(child.0.stdout.take().unwrap())
            .read_line(&mut banner)
            .unwrap();
        let url = banner
            .split_whitespace()
            .nth(3)
            .unwrap_or_default()
            .to_owned();
        let addr: SocketAddr = url
            .trim_start_matches("http://")
            .parse()
            .unwrap_or_else(|e| panic!("{banner}: {e}"));
        let health = |authorization: String| {
            format!(
                "GET /_emulator/health HTTP/1.1\r\nHost: {addr}\r\n{authorization}Connection: close\r\n\r\n"
            )
        };
        let (without, _) = raw_exchange(addr, &health(String::new())).await;
        let (with, _) =
            raw_exchange(addr, &health(format!("Authorization: Bearer {token}\r\n"))).await;
        drop(child);
        assert_eq!((without, with), (401, 200), "{args:?} {env:?}");
    }
    let empty = Command::new(binary)
        .args(["--listen", "127.0.0.1:0"])
        .env("CLOUDVPN_EMULATOR_CONTROL_TOKEN", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&empty.stderr);
    assert_eq!(empty.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("CLOUDVPN_EMULATOR_CONTROL_TOKEN"),
        "{stderr}"
    );
}

#[test]
fn the_binary_reports_a_corrupt_state_file_with_exit_2_and_the_position_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.json");
    std::fs::write(
        &path,
        b"{\"format\": \"cloudvpn-emulator-state/1\", \"state\": [1, 2",
    )
    .unwrap();
    let out = emulator_binary(&["--listen", "127.0.0.1:0", "--state", path.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert_eq!(stderr.matches("line 1").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("column").count(), 1, "{stderr}");
}

/// A supervisor may send SIGTERM the moment it reads the banner: the emulator must stop cleanly and save.
#[cfg(unix)]
#[test]
fn the_binary_stops_and_saves_on_a_sigterm_sent_as_soon_as_the_banner_is_read() {
    use std::io::BufRead;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_cloudvpn-emulator"))
        .args([
            "--listen",
            "127.0.0.1:0",
            "--state",
            state.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut banner = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let term = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    assert!(
        banner.contains("listening on http://127.0.0.1:"),
        "{banner}"
    );
    // Bounded: a process that ignored the signal is killed, and the test fails.
    let mut status = None;
    for _ in 0..300 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let Some(status) = status else {
        child.kill().unwrap();
        child.wait().unwrap();
        panic!("the emulator did not stop within 30 s of SIGTERM");
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(0), "{status}: {stderr}");
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains("cloudvpn-emulator-state/1"), "{saved}");
}
