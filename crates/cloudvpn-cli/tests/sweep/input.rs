//! What a sweep takes and what it refuses: `--config FILE` holds the same settings and flags win; bad
//! settings (from flags or `--config`), `--apply` without a terminal or `--yes` or without a selecting
//! filter, and several regions outside `sweep` are refused with exit 2 and nothing sent, rather than
//! starting and failing, or panicking, part-way.

use super::*;
use std::collections::BTreeSet;

/// `sweep --apply --yes` of the gateway `vpn-rps` in cn-hangzhou, then `more`.
fn apply_rps<'a>(more: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "sweep", "--cloud", "alibaba", "--region", REGION, "--id", "vpn-rps", "--apply", "--yes",
    ];
    args.extend(more);
    args
}

/// Whether the plan still lists `id` for deletion: nothing was deleted.
async fn still_there(e: &cloudvpn_emulator::Emulator, id: &str) -> bool {
    let out = call(
        e,
        &[
            "sweep", "--cloud", "alibaba", "--region", REGION, "--id", id,
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    stdout(&out).contains(&format!("delete {id}"))
}

#[tokio::test]
async fn a_max_rps_outside_its_range_is_refused_before_anything_is_sent() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-rps", &["vco-rps"]).await;
    for rps in ["1e-300", "0.1", "0", "-5", "1e9", "NaN", "inf"] {
        let flag = format!("--max-rps={rps}");
        let out = call(&e, &apply_rps(&[&flag])).await;
        assert_eq!(
            code(&out),
            2,
            "--max-rps {rps}: {}\n{}",
            stdout(&out),
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("--max-rps must be 0.5 to 10000"),
            "--max-rps {rps}: {}",
            stderr(&out)
        );
    }
    assert!(still_there(&e, "vpn-rps").await);

    // The config file's value is held to the same range, and the file is named.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sweep.yaml");
    std::fs::write(&config, "max-rps: 1e-300\n").unwrap();
    let out = call(&e, &apply_rps(&["--config", config.to_str().unwrap()])).await;
    assert_eq!(code(&out), 2, "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains(&format!("max-rps in --config {}", config.display()))
            && stderr(&out).contains("0.5 to 10000"),
        "{}",
        stderr(&out)
    );
    assert!(still_there(&e, "vpn-rps").await);

    // The range's ends are accepted.
    for rps in ["0.5", "10000"] {
        let out = call(
            &e,
            &[
                "sweep",
                "--cloud",
                "alibaba",
                "--region",
                REGION,
                "--id",
                "vpn-rps",
                "--max-rps",
                rps,
            ],
        )
        .await;
        assert_eq!(code(&out), 0, "--max-rps {rps}: {}", stderr(&out));
    }
}

#[tokio::test]
async fn yes_in_a_config_file_is_refused_with_the_file_and_line() {
    let e = emulator().await;
    seed_gateway(&e, "vpn-yes", &["vco-yes"]).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sweep.yaml");
    std::fs::write(&config, "apply: true\nyes: true\n").unwrap();
    let config = config.to_str().unwrap();
    let out = call(
        &e,
        &[
            "sweep", "--cloud", "alibaba", "--region", REGION, "--id", "vpn-yes", "--config",
            config,
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains(&format!("--config {config}: line 2:"))
            && stderr(&out).contains("type --yes on the command line"),
        "{}",
        stderr(&out)
    );
    assert!(still_there(&e, "vpn-yes").await);
}

#[tokio::test]
async fn apply_without_a_terminal_or_yes_refuses_and_sends_nothing() {
    let e = emulator().await;
    fleet(&e).await;
    watch_mutations(&e);
    let before = left(&e).await;
    let mut args = vec!["sweep", "--apply"];
    args.extend(FILTERS);
    let out = call(&e, &args).await;
    assert_eq!(code(&out), 2, "{}\n{}", stdout(&out), stderr(&out));
    assert!(stderr(&out).contains("add --yes"), "{}", stderr(&out));
    assert_eq!(mutations(&e), 0);
    assert_eq!(left(&e).await, before);

    // --apply without any selecting filter is refused too.
    let out = call(&e, &["sweep", "--apply", "--yes", "--region", REGION]).await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("selecting filter"),
        "{}",
        stderr(&out)
    );
    assert_eq!(left(&e).await, before);
}

#[tokio::test]
async fn a_config_file_holds_the_same_settings_and_flags_win() {
    let e = emulator().await;
    fleet(&e).await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("sweep.yaml");
    std::fs::write(
        &config,
        format!(
            "cloud: alibaba\nregion: [{REGION}]\nname: \"ci-*\"\nexclude-tag: keep=true\nreport: {}\n",
            dir.path().join("from-file.json").display()
        ),
    )
    .unwrap();
    let out = call(&e, &["sweep", "--config", config.to_str().unwrap()]).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    let r = report(&dir.path().join("from-file.json"));
    let ids: BTreeSet<String> = outcomes(&r).into_keys().collect();
    assert_eq!(
        ids,
        set(&["vpn-ci-a", "vpn-ci-b", "vpn-ci-keep", "vpn-ci-paid"])
    );

    // A flag replaces the file's value.
    let out = call(
        &e,
        &[
            "sweep",
            "--config",
            config.to_str().unwrap(),
            "--name",
            "ci-a",
        ],
    )
    .await;
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let r = report(&dir.path().join("from-file.json"));
    assert_eq!(outcomes(&r).into_keys().collect::<Vec<_>>(), ["vpn-ci-a"]);

    // A wrong key is named, with what the keys are.
    std::fs::write(&config, "regions: [x]\n").unwrap();
    let out = call(&e, &["sweep", "--config", config.to_str().unwrap()]).await;
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("regions") && stderr(&out).contains("flag names"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test]
async fn only_sweep_takes_several_regions_or_profiles() {
    let e = emulator().await;
    let out = call(
        &e,
        &[
            "alibaba",
            "describe-vpn-gateways",
            "--region",
            REGION,
            "--region",
            "cn-shanghai",
        ],
    )
    .await;
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    assert!(
        stderr(&out).contains("only `cloudvpn sweep` takes several"),
        "{}",
        stderr(&out)
    );
}
