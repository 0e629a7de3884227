//! The official Tencent Cloud API 3.0 clients against the emulator (scripts in `tests/interop/`):
//! tencentcloud-sdk-python in its three signing modes over HTTP, and tccli over HTTPS (`--tls`).
//!
//! Like `interop.rs`, these run only when `CLOUDVPN_INTEROP_PYTHON` names the Python of a virtualenv with
//! `tests/interop/requirements.txt` installed; otherwise each test prints a notice and passes. Each script
//! gets its own emulator on a free loopback port and exits non-zero on the first failed check.

use cloudvpn_emulator::{Emulator, EmulatorConfig, TlsIdentity};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// tccli starts a Python process per call (about 40 calls), so it gets more time than the SDK scripts.
const TIME_LIMIT: Duration = Duration::from_secs(300);

async fn run(script: &str, args: &[&str], tls: bool) {
    let Some(python) = std::env::var_os("CLOUDVPN_INTEROP_PYTHON") else {
        println!(
            "skipped: set CLOUDVPN_INTEROP_PYTHON to a virtualenv's python with the SDKs of \
             tests/interop/requirements.txt to run {script}"
        );
        return;
    };
    let mut config = EmulatorConfig::loopback();
    if tls {
        config = config.tls(TlsIdentity::generate().expect("certificate"));
    }
    let emulator = Emulator::start(config).await.expect("emulator starts");
    let ca_dir = tempfile::tempdir().expect("a directory for the CA");
    let ca_file = ca_dir.path().join("emulator-ca.pem");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/interop");
    let mut command = Command::new(python);
    command
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .env("EMULATOR_ENDPOINT", emulator.endpoint())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(pem) = emulator.tls_certificate_pem() {
        std::fs::write(&ca_file, pem).expect("CA file");
        command
            .env("EMULATOR_SCHEME", "https")
            .env("SSL_CERT_FILE", &ca_file);
    }
    let output = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("python starts");
        let started = Instant::now();
        loop {
            if child.try_wait().expect("wait").is_some() {
                return child.wait_with_output().expect("output");
            }
            if started.elapsed() > TIME_LIMIT {
                let _ = child.kill();
                let out = child.wait_with_output().expect("output");
                panic!(
                    "interop script took longer than {TIME_LIMIT:?}:\n{}",
                    String::from_utf8_lossy(&out.stdout)
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    })
    .await
    .expect("the script runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success(),
        "{script} {args:?} failed ({}):\n{stdout}\n{stderr}",
        output.status
    );
    emulator.shutdown().await.expect("clean shutdown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencentcloud_sdk_python_tc3_post() {
    run("tencentcloud_api3.py", &["tc3-post"], false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencentcloud_sdk_python_tc3_get() {
    run("tencentcloud_api3.py", &["tc3-get"], false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tencentcloud_sdk_python_hmac_sha256() {
    run("tencentcloud_api3.py", &["hmac-sha256"], false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tccli_over_https() {
    run("tccli_api3.py", &[], true).await;
}
