//! Tencent Cloud VPC v2 operations.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn tencent_delete_waits_for_the_task_and_describes_work() {
    let e = emulator().await;
    seed_tencent(&e, &["vpnx-t1"]).await;
    let o = call(
        &e,
        &[tencent_v2(), "describe-vpn-conn", "--vpc-id", "vpc-t1"],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["totalCount"], json!(1));

    let o = call(
        &e,
        &[
            tencent_v2(),
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-wrong",
            "--vpn-gw-id",
            "vpngw-t1",
            "--vpn-conn-id",
            "vpnx-t1",
        ],
    )
    .await;
    assert_eq!(code(&o), 3);
    assert!(stderr(&o).contains("InvalidVpc.NotFound"), "{}", stderr(&o));

    let o = call(
        &e,
        &[
            tencent_v2(),
            "delete-vpn-conn",
            "--vpc-id",
            "vpc-t1",
            "--vpn-gw-id",
            "vpngw-t1",
            "--vpn-conn-id",
            "vpnx-t1",
            "--wait",
            "--signature-method",
            "HmacSHA256",
        ],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let task = stdout_json(&o)["data"]["taskId"].as_i64().expect("taskId");
    assert!(stderr(&o).contains("data.status=0"), "{}", stderr(&o));

    let task = task.to_string();
    let o = call(
        &e,
        &[tencent_v2(), "describe-vpc-task-result", "--task-id", &task],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["data"]["status"], json!(0));
}

/// `--signature-method` names every Tencent signature; the legacy v2 API refuses TC3-HMAC-SHA256 (API
/// 3.0's) with a usage error before anything is sent, rather than signing with something else.
#[tokio::test(flavor = "multi_thread")]
async fn v2_refuses_the_api3_signature_before_sending() {
    // Port 9 on loopback: if anything were sent it would fail with exit 4, not 2.
    let o = cloudvpn(&[
        tencent_v2(),
        "describe-vpn-conn",
        "--vpc-id",
        "vpc-t1",
        "--signature-method",
        "TC3-HMAC-SHA256",
        "--endpoint",
        "http://127.0.0.1:9",
    ])
    .await;
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("HmacSHA1") && err.contains("HmacSHA256") && err.contains("nothing was sent"),
        "{err}"
    );

    let e = emulator().await;
    seed_tencent(&e, &["vpnx-s1"]).await;
    for method in ["HmacSHA1", "HmacSHA256"] {
        let o = call(
            &e,
            &[
                tencent_v2(),
                "describe-vpn-conn",
                "--vpc-id",
                "vpc-t1",
                "--signature-method",
                method,
                "--debug",
            ],
        )
        .await;
        assert_eq!(code(&o), 0, "{method}: {}", stderr(&o));
        assert!(
            stderr(&o).contains(&format!("SignatureMethod={method}")),
            "{method}: {}",
            stderr(&o)
        );
    }
}
