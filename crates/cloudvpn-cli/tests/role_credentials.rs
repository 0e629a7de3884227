//! `--role-arn` end to end against the emulator's STS on 127.0.0.1: the command signs with the keys STS
//! issued, and a role the keys may not assume is refused with an error naming STS and its endpoint. A dry
//! run with role credentials calls nothing: no STS, no metadata service. A signature mismatch with the
//! issued keys prints no session token.

#[path = "support/mod.rs"]
mod support;

use cloudvpn::credentials::{
    AlibabaChain, CredentialsError, MapEnvironment, ProvideCredentials, TencentChain,
};
use cloudvpn_emulator::timing::{Transition, Transitions};
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use std::sync::Arc;
use std::time::Duration;
use support::*;

const ROLE: &str = "acs:ram::1234567890123456:role/ci";
const LIFETIME: Duration = Duration::from_secs(2);

/// An emulator issuing two-second keys, whose deletions take long enough for a teardown to outlive two.
async fn short_lived_emulator() -> Emulator {
    let slow = Transition::Time { ms: 2_300 };
    let transitions = Transitions {
        alibaba_vpn_gateway: slow,
        alibaba_vpn_connection: slow,
        tencent_vpn_connection: slow,
        ..Transitions::all(Transition::Immediate)
    };
    Emulator::start(
        EmulatorConfig::loopback()
            .transitions(transitions)
            .sts_duration(LIFETIME),
    )
    .await
    .expect("emulator starts")
}

#[tokio::test(flavor = "multi_thread")]
async fn role_arn_signs_with_the_keys_sts_issued() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let mut c = command(&[
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        &base,
        "--region",
        REGION,
        "--role-arn",
        ROLE,
        "--role-session-name",
        "debug",
        "--debug",
    ]);
    c.env("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let o = tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // The wire log shows the VPC request as sent.
    let printed = stderr(&o);
    // Signed with the temporary key STS issued, its token masked; not with the emulator's own key.
    assert!(printed.contains("x-acs-accesskey-id: STS."), "{printed}");
    assert!(printed.contains("x-acs-security-token: ***"), "{printed}");
    assert!(!printed.contains("Credential=emulator-ak"), "{printed}");

    // --role-session-name without --role-arn is a usage error.
    let o = cloudvpn(&[
        "alibaba",
        "describe-vpn-gateways",
        "--role-session-name",
        "s",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_role_of_another_account_is_refused_naming_sts_and_its_endpoint() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("TENCENTCLOUD_SECRET_ID", "emulator-sid")
        .with_var("TENCENTCLOUD_SECRET_KEY", "emulator-skey")
        .with_var("TENCENTCLOUD_STS_ENDPOINT", &base);
    let error: CredentialsError = TencentChain::new()
        .assume_role("qcs::cam::uin/999999999999:roleName/elsewhere", None)
        .environment(Arc::new(env))
        .provide()
        .await
        .expect_err("another account's role");
    let shown = error.to_string();
    assert!(shown.contains(&format!("at {base}")), "{shown}");
    assert!(!shown.contains("emulator-skey"), "{shown}");
}

/// A loopback listener that counts the connections made to it, for as long as the test keeps it.
struct CountingListener {
    url: String,
    accepted: Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl CountingListener {
    async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let accepted = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = accepted.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                drop(stream);
            }
        });
        CountingListener {
            url,
            accepted,
            task,
        }
    }

    fn connections(&self) -> usize {
        self.task.abort();
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// A loopback port where nothing listens (bound, then released).
fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    url
}

/// A dry run's arguments, its environment, and what its note must name.
type DryRunCase<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, String);

async fn dry_run(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = command(args);
    for (name, value) in env {
        c.env(name, value);
    }
    tokio::task::spawn_blocking(move || c.output().expect("runs"))
        .await
        .expect("join")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dry_run_with_role_credentials_calls_no_sts_and_no_metadata_service() {
    let api = CountingListener::start().await;
    let sts = CountingListener::start().await;
    let metadata = CountingListener::start().await;
    let nowhere = closed_port_url();
    let alibaba = |extra: &'static [&'static str]| {
        let mut args = vec![
            "alibaba",
            "describe-vpn-gateways",
            "--endpoint",
            api.url.as_str(),
            "--region",
            REGION,
            "--dry-run",
        ];
        args.extend_from_slice(extra);
        args
    };
    let cases: Vec<DryRunCase> = vec![
        (
            alibaba(&["--role-arn", ROLE]),
            vec![("ALIBABA_CLOUD_STS_ENDPOINT", sts.url.as_str())],
            format!("STS AssumeRole of `{ROLE}` at {}", sts.url),
        ),
        (
            alibaba(&["--role-arn", ROLE]),
            vec![("ALIBABA_CLOUD_STS_ENDPOINT", nowhere.as_str())],
            format!("at {nowhere}"),
        ),
        (
            alibaba(&[]),
            vec![
                ("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
                ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", ""),
                ("ALIBABA_CLOUD_ECS_METADATA", "emulator-role"),
                ("ALIBABA_CLOUD_ECS_METADATA_ENDPOINT", metadata.url.as_str()),
            ],
            metadata.url.clone(),
        ),
        (
            vec![
                "tencent",
                "describe-vpn-gateways",
                "--endpoint",
                api.url.as_str(),
                "--dry-run",
            ],
            vec![
                ("TENCENTCLOUD_SECRET_ID", ""),
                ("TENCENTCLOUD_SECRET_KEY", ""),
                ("TENCENTCLOUD_CAM_ROLE_NAME", "emulator-role"),
                ("TENCENTCLOUD_METADATA_ENDPOINT", metadata.url.as_str()),
            ],
            metadata.url.clone(),
        ),
    ];
    for (args, env, names) in cases {
        let o = dry_run(&args, &env).await;
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        let printed = stdout(&o);
        assert!(printed.contains("DescribeVpnGateways"), "{printed}");
        let note = stderr(&o);
        assert!(
            note.contains("unsigned because its credentials would come from")
                && note.contains(&names)
                && note.contains("which a dry run does not call"),
            "{args:?}: {note}"
        );
        assert!(!printed.contains("Signature"), "{printed}");
    }
    assert_eq!(api.connections(), 0, "the API was called");
    assert_eq!(sts.connections(), 0, "STS was called");
    assert_eq!(metadata.connections(), 0, "a metadata service was called");
}

/// A loopback server answering every request with `body` (status 200), one connection at a time.
async fn answering(body: &'static str) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    let task = tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => seen.extend_from_slice(&buf[..n]),
                }
            }
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    (url, task)
}

#[tokio::test(flavor = "multi_thread")]
async fn debug_masks_secrets_in_response_bodies() {
    let (url, task) = answering(
        r#"{"RequestId":"r-1","TotalCount":0,"PageNumber":1,"PageSize":10,"VpnGateways":{"VpnGateway":[]},"Credentials":{"AccessKeyId":"STS.visible","AccessKeySecret":"secret-DISTINCTIVE","SecurityToken":"token-DISTINCTIVE"},"TmpSecretKey":"tmp-DISTINCTIVE","Token":"tc-DISTINCTIVE"}"#,
    )
    .await;
    let o = dry_run(
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--endpoint",
            &url,
            "--region",
            REGION,
            "--debug",
        ],
        &[],
    )
    .await;
    task.abort();
    let log = stderr(&o);
    assert!(log.contains("<-- attempt 1: HTTP 200"), "{log}");
    assert!(log.contains("STS.visible"), "{log}");
    assert!(!log.contains("DISTINCTIVE"), "{log}");
}

/// A v1 signature mismatch with temporary keys: the gateway (here the emulator) echoes its string to sign,
/// session token and all. Neither the error the command prints nor the `--debug` wire log shows it.
#[tokio::test(flavor = "multi_thread")]
async fn a_signature_mismatch_keeps_the_session_token_out_of_the_error_and_the_wire_log() {
    let e = short_lived_emulator().await;
    let base = e.base_url();
    let env = MapEnvironment::new()
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator-ak")
        .with_var("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret")
        .with_var("ALIBABA_CLOUD_STS_ENDPOINT", &base);
    let issued = AlibabaChain::new()
        .assume_role(ROLE, Some("mismatch".to_owned()))
        .environment(Arc::new(env))
        .provide()
        .await
        .expect("assumed");
    let key_id = issued.credentials.access_key_id.clone();
    let token = issued
        .credentials
        .security_token
        .as_ref()
        .expect("a session token")
        .expose()
        .to_owned();
    let mut c = command(&[
        "alibaba",
        "describe-vpn-gateways",
        "--endpoint",
        &base,
        "--region",
        REGION,
        "--signature",
        "v1",
        "--debug",
    ]);
    c.env("ALIBABA_CLOUD_ACCESS_KEY_ID", &key_id)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret")
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", &token);
    let o = output(c).await;
    let printed = stderr(&o);
    assert_ne!(code(&o), 0, "{printed}");
    assert!(printed.contains("SignatureDoesNotMatch"), "{printed}");
    // The string to sign is still there to compare with, its token masked.
    assert!(printed.contains("SecurityToken%3D***"), "{printed}");
    // The token as signed (percent-encoded) and as sent: any stretch of it would do, its head is enough.
    let head: String = token.chars().take(12).collect();
    assert!(!printed.contains(&head), "token head {head}: {printed}");
}
