//! `cloudvpn sweep` refuses bad settings (from flags or `--config`) with exit 2 and nothing sent, rather than
//! starting and failing, or panicking, part-way.

mod support;

use support::*;

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
        let out = call(
            &e,
            &[
                "sweep", "--cloud", "alibaba", "--region", REGION, "--id", "vpn-rps", "--apply",
                "--yes", &flag,
            ],
        )
        .await;
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
            "--apply",
            "--yes",
            "--config",
            config.to_str().unwrap(),
        ],
    )
    .await;
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
