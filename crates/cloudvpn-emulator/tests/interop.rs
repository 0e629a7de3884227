//! The official Python SDKs against the emulator (scripts in `tests/interop/`).
//!
//! Runs only when `CLOUDVPN_INTEROP_PYTHON` names a Python interpreter of a virtualenv with the SDKs
//! installed (`tests/interop/requirements.txt`); otherwise each test prints a notice and passes. Each
//! script gets its own emulator on a free loopback port (`EMULATOR_ENDPOINT`) and exits non-zero on the
//! first failed check.

use cloudvpn_emulator::credentials::{Credentials, Key};
use cloudvpn_emulator::{Emulator, EmulatorConfig, TlsIdentity};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(180);

fn credentials() -> Credentials {
    let mut c = Credentials::defaults();
    // The keys tests/interop/common.py knows.
    c.add_alibaba(
        Key::new("interop-sub", "interop-sub-secret")
            .sub_user()
            .allow(["DescribeVpnGateway"]),
    );
    c.add_alibaba(Key::new("interop-none", "interop-none-secret").allow(Vec::<String>::new()));
    c
}

async fn run(script: &str, args: &[&str]) {
    run_with(script, args, false).await;
}

/// Runs `script`; with `tls`, against an emulator that speaks HTTPS, the script trusting its CA through
/// `SSL_CERT_FILE` and `ALIBABA_CLOUD_CA_BUNDLE` (the settings the SDKs in use read).
async fn run_with(script: &str, args: &[&str], tls: bool) {
    let Some(python) = std::env::var_os("CLOUDVPN_INTEROP_PYTHON") else {
        println!(
            "skipped: set CLOUDVPN_INTEROP_PYTHON to a virtualenv's python with the SDKs of \
             tests/interop/requirements.txt to run {script}"
        );
        return;
    };
    let mut config = EmulatorConfig::loopback().credentials(credentials());
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
            .env("SSL_CERT_FILE", &ca_file)
            .env("ALIBABA_CLOUD_CA_BUNDLE", &ca_file);
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
                    "{} took longer than {TIME_LIMIT:?}:\n{}",
                    "interop script",
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
async fn aliyun_python_sdk_core_legacy_v1() {
    run("aliyun_legacy.py", &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alibabacloud_vpc20160428_v3_signature() {
    run("alibabacloud_tea.py", &["v3"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alibabacloud_vpc20160428_v2_signature() {
    run("alibabacloud_tea.py", &["v2"]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qcloudapi_sdk_python_v2() {
    run("qcloudapi_v2.py", &[]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn official_sdks_over_https() {
    run_with("https_official.py", &[], true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alibabacloud_credentials_ram_role_arn_then_the_vpc_sdk() {
    run_with("alibaba_credentials.py", &[], true).await;
}
