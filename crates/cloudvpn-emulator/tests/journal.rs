//! The state journal on disk: what a restart makes of torn, damaged, stale or orphaned journals, that
//! replaying it gives the world the emulator had, and that compaction and a clean shutdown fold it into
//! the state file.

use cloudvpn_emulator::journal::{self, Policy};
use cloudvpn_emulator::model::World;
use cloudvpn_emulator::persistence;
use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use cloudvpn_emulator::{Emulator, EmulatorConfig, Transitions};
use std::path::{Path, PathBuf};

fn seed(id: &str) -> AlibabaGatewaySeed {
    AlibabaGatewaySeed {
        region: "cn-hangzhou".into(),
        id: Some(id.into()),
        ..Default::default()
    }
}

fn gateways(world: &World) -> Vec<String> {
    world
        .accounts
        .get("default")
        .and_then(|a| a.alibaba.get("cn-hangzhou"))
        .map(|r| r.vpn_gateways.keys().cloned().collect())
        .unwrap_or_default()
}

/// A state file whose journal holds `n` records (gateways g0…), without a clean shutdown; the journal's
/// length after each record.
async fn journal_of(dir: &Path, n: usize) -> (PathBuf, Vec<u64>) {
    let path = dir.join("state.json");
    let emulator = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap();
    let journal = journal::path_for(&path);
    let mut ends = vec![std::fs::metadata(&journal).unwrap().len()];
    for i in 0..n {
        emulator
            .handle()
            .seed_alibaba_gateway(seed(&format!("g{i}")))
            .await
            .unwrap();
        ends.push(std::fs::metadata(&journal).unwrap().len());
    }
    drop(emulator);
    (path, ends)
}

fn open(path: &Path) -> journal::Opened {
    journal::open(path, Policy::default()).unwrap()
}

#[tokio::test]
async fn a_torn_last_record_is_dropped_with_a_note() {
    type Tear = fn(&mut Vec<u8>, &[u64]);
    let tears: [(&str, Tear, &[&str], &str); 4] = [
        (
            "cut short",
            |b, _| b.truncate(b.len() - 5),
            &["g0", "g1"],
            "is cut short",
        ),
        (
            "half a header",
            |b, _| b.extend_from_slice(&[7, 0, 0]),
            &["g0", "g1", "g2"],
            "header bytes",
        ),
        (
            "zeros",
            |b, _| b.extend_from_slice(&[0; 4096]),
            &["g0", "g1", "g2"],
            "are zeros",
        ),
        (
            "bad checksum",
            |b, ends| {
                let i = ends[2] as usize + 20;
                b[i] ^= 0x20;
            },
            &["g0", "g1"],
            "fails its checksum",
        ),
    ];
    for (name, tear, expected, note) in tears {
        let dir = tempfile::tempdir().unwrap();
        let (path, ends) = journal_of(dir.path(), 3).await;
        let journal = journal::path_for(&path);
        let mut bytes = std::fs::read(&journal).unwrap();
        tear(&mut bytes, &ends);
        std::fs::write(&journal, &bytes).unwrap();

        let opened = open(&path);
        assert_eq!(gateways(&opened.world), expected, "{name}");
        assert!(
            opened.notes.iter().any(|n| n.contains(note)),
            "{name}: {:?}",
            opened.notes
        );
        drop(opened);
        // The start folded the journal into the state file: the next start has nothing to say.
        let again = open(&path);
        assert_eq!(gateways(&again.world), expected, "{name}");
        assert!(again.notes.is_empty(), "{name}: {:?}", again.notes);
    }
}

#[tokio::test]
async fn damage_before_the_end_refuses_to_start_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ends) = journal_of(dir.path(), 3).await;
    let journal = journal::path_for(&path);
    let state_before = std::fs::read(&path).unwrap();

    let mut bytes = std::fs::read(&journal).unwrap();
    bytes[ends[0] as usize + 20] ^= 0x20;
    std::fs::write(&journal, &bytes).unwrap();
    let err = journal::open(&path, Policy::default()).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("state.json.journal"), "{text}");
    assert!(
        text.contains("record 1 at byte") && text.contains("more records follow"),
        "{text}"
    );
    let started = Emulator::start(EmulatorConfig::loopback().state_file(&path)).await;
    assert!(started.is_err());
    assert_eq!(std::fs::read(&journal).unwrap(), bytes);
    assert_eq!(std::fs::read(&path).unwrap(), state_before);

    // A damaged length (here claiming more than the file holds) is not mistaken for a torn record.
    let mut bytes = std::fs::read(&journal).unwrap();
    bytes[ends[0] as usize + 20] ^= 0x20;
    bytes[ends[0] as usize + 2] ^= 0x10;
    std::fs::write(&journal, &bytes).unwrap();
    let text = journal::open(&path, Policy::default())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("record 1 at byte") && text.contains("damaged length"),
        "{text}"
    );

    // A header that is not a journal's.
    std::fs::write(&journal, b"{\"format\": \"something else\"}").unwrap();
    let text = journal::open(&path, Policy::default())
        .unwrap_err()
        .to_string();
    assert!(text.contains("header"), "{text}");
}

#[tokio::test]
async fn a_journal_without_its_state_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = journal_of(dir.path(), 1).await;
    std::fs::rename(&path, dir.path().join("moved-away.json")).unwrap();
    let text = journal::open(&path, Policy::default())
        .unwrap_err()
        .to_string();
    assert!(
        text.contains("state.json.journal") && text.contains("which is not there"),
        "{text}"
    );
}

#[tokio::test]
async fn the_journal_of_an_earlier_state_file_is_ignored() {
    // A compaction that wrote the new state file and was killed before it replaced the journal.
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = journal_of(dir.path(), 2).await;
    let world = journal::read(&path).unwrap();
    assert_eq!(gateways(&world), ["g0", "g1"]);
    persistence::write_atomic(&path, &persistence::encode(&world)).unwrap();
    let opened = open(&path);
    assert_eq!(opened.world, world, "its records are not applied twice");
    assert!(
        opened.notes.iter().any(|n| n.contains("ignored")),
        "{:?}",
        opened.notes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_the_journal_gives_the_world_the_emulator_had() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let emulator = Emulator::start(
        EmulatorConfig::loopback()
            .state_file(&path)
            .transitions(Transitions::immediate()),
    )
    .await
    .unwrap();
    let h = emulator.handle();
    h.seed_alibaba_gateway(seed("before-reset")).await.unwrap();
    h.reset().await.unwrap();
    let seeds = (0..5).map(|i| seed(&format!("g{i}"))).collect();
    h.seed_alibaba_gateways(seeds).await.unwrap();
    h.seed_tencent_vpc(cloudvpn_emulator::seed::TencentVpcSeed {
        id: Some("vpc-1".into()),
        ..Default::default()
    })
    .await
    .unwrap();
    h.flush().await.unwrap();
    let on_disk = journal::read(&path).unwrap();
    assert_eq!(on_disk, h.world());
    assert_eq!(gateways(&on_disk), ["g0", "g1", "g2", "g3", "g4"]);
    drop(emulator);
}

#[tokio::test]
async fn a_clean_shutdown_leaves_everything_in_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, ends) = journal_of(dir.path(), 0).await;
    let header = ends[0];
    let emulator = Emulator::start(EmulatorConfig::loopback().state_file(&path))
        .await
        .unwrap();
    emulator
        .handle()
        .seed_alibaba_gateway(seed("kept"))
        .await
        .unwrap();
    let journal = journal::path_for(&path);
    assert!(std::fs::metadata(&journal).unwrap().len() > header);
    emulator.shutdown().await.unwrap();
    assert_eq!(std::fs::metadata(&journal).unwrap().len(), header);
    let plain = persistence::load(&path).unwrap().unwrap();
    assert_eq!(gateways(&plain), ["kept"]);
}
