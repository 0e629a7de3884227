//! What a sweep selects: the plan lists exactly that and sends no mutating call, `--apply` deletes exactly
//! that with its connections, and `--dry-run` makes even `--apply` a plan.

use super::*;

#[tokio::test]
async fn the_plan_lists_exactly_the_selected_set_and_sends_no_mutating_call() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plan.json");
    let mut args = vec!["sweep", "--report", path.to_str().unwrap()];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert_eq!(outcomes(&report(&path)), expected_selection());
    let text = stdout(&out);
    assert!(
        text.contains("delete vpn-ci-a [ci-a] (2 connection(s): vco-vpn-ci-a-0, vco-vpn-ci-a-1)"),
        "{text}"
    );
    assert!(
        text.contains("skip vpn-ci-paid [ci-paid]: prepaid, its term ends in"),
        "{text}"
    );
    assert!(
        text.contains("skip vpn-ci-keep [ci-keep]: excluded by --exclude-tag keep=true"),
        "{text}"
    );
    assert!(
        text.contains("skip vpngw-ci000002 [ci-t2]: bound to CCN ccn-1"),
        "{text}"
    );
    assert!(
        !text.contains("vpn-prod") && !text.contains("vpngw-prod0001"),
        "{text}"
    );
    assert!(
        stderr(&out).contains("plan only: nothing was changed"),
        "{}",
        stderr(&out)
    );
    assert_eq!(mutations(&e), 0, "a plan sent a mutating call");
    assert_eq!(left(&e).await, before);
}

#[tokio::test]
async fn apply_deletes_exactly_the_selected_set_with_its_connections() {
    let e = emulator().await;
    fleet(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("apply.json");
    let mut args = vec![
        "sweep",
        "--apply",
        "--yes",
        "--report",
        path.to_str().unwrap(),
    ];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let (gateways, connections) = left(&e).await;
    assert_eq!(
        gateways,
        set(&[
            "vpn-ci-keep",
            "vpn-ci-paid",
            "vpn-prod",
            "vpngw-ci000002",
            "vpngw-prod0001"
        ])
    );
    assert_eq!(
        connections,
        set(&["vco-vpn-ci-keep-0", "vco-vpn-prod-0", "vpnx-prod0000"])
    );
    let r = report(&path);
    let mut expected = expected_selection();
    for (outcome, _) in expected.values_mut() {
        if outcome == "would_delete" {
            *outcome = "deleted".to_owned();
        }
    }
    assert_eq!(outcomes(&r), expected);
    let ci_a = r["gateways"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "vpn-ci-a")
        .unwrap();
    let kinds: Vec<(&str, &str)> = ci_a["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|res| {
            (
                res["kind"].as_str().unwrap(),
                res["outcome"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("connection", "deleted"),
            ("connection", "deleted"),
            ("gateway", "deleted")
        ]
    );
    assert!(ci_a["resources"][0]["request_ids"][0].is_string(), "{ci_a}");
    assert!(stdout(&out).contains("total"), "{}", stdout(&out));
}

#[tokio::test]
async fn dry_run_makes_even_apply_a_plan() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let mut args = vec!["sweep", "--apply", "--yes", "--dry-run"];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).contains("planning only"), "{}", stderr(&out));
    assert_eq!(mutations(&e), 0);
    assert_eq!(left(&e).await, before);
}
