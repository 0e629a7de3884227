//! Tencent Cloud VPC v2 operations.

use super::*;

#[tokio::test(flavor = "multi_thread")]
async fn tencent_delete_waits_for_the_task_and_describes_work() {
    let e = emulator().await;
    seed_tencent(&e, &["vpnx-t1"]).await;
    let o = call(&e, &["tencent", "describe-vpn-conn", "--vpc-id", "vpc-t1"]).await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["totalCount"], json!(1));

    let o = call(
        &e,
        &[
            "tencent",
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
            "tencent",
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
        &["tencent", "describe-vpc-task-result", "--task-id", &task],
    )
    .await;
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(stdout_json(&o)["data"]["status"], json!(0));
}
