use super::*;
use crate::model::{AlibabaVpnGateway, GatewayStatus};
use crate::test_disk::gated;

fn gateway(id: &str) -> AlibabaVpnGateway {
    AlibabaVpnGateway {
        id: id.to_owned(),
        vpc_id: "vpc-1".to_owned(),
        name: String::new(),
        enhanced: false,
        prepaid_until_ms: None,
        ssl_vpn_server: false,
        status: GatewayStatus::Active,
        created_ms: 1,
        tags: Default::default(),
        internet_ip: "203.0.113.1".to_owned(),
        spec: "10M".to_owned(),
        connections: Default::default(),
        task: None,
    }
}

fn world_with(ids: &[&str]) -> World {
    let mut world = World::new();
    let region = world.account_mut("a").alibaba_region_mut("r");
    for id in ids {
        region.vpn_gateways.insert((*id).to_owned(), gateway(id));
    }
    region.vpn_gateways.take_touched();
    world
}

fn has(world: &World, id: &str) -> bool {
    world.accounts["a"].alibaba["r"]
        .vpn_gateways
        .contains_key(id)
}

fn remove(id: &'static str) -> impl FnOnce(&mut World, &mut Effects) -> bool {
    move |w, fx| {
        let gone = w
            .accounts
            .get_mut("a")
            .and_then(|a| a.alibaba.get_mut("r"))
            .and_then(|r| r.vpn_gateways.remove(id))
            .is_some();
        if gone {
            fx.changed();
        }
        gone
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_that_cannot_be_written_is_undone_and_never_shown() {
    let (store, disk, appended) = gated(world_with(&["g1", "g2"]));
    let writer = tokio::spawn(store.clone().run_writer());

    // A deletion is waiting for the disk …
    let (gone, version) = store.update(remove("g1"));
    assert!(gone);
    let deletion = {
        let store = store.clone();
        tokio::spawn(async move { store.saved(version.unwrap()).await })
    };
    // … and a read meanwhile sees the world with it: it must not answer before the disk has.
    let (seen, read_version) = store.update(|w, _| has(w, "g1"));
    assert!(!seen);
    assert_eq!(
        read_version, version,
        "the read waits for the change it saw"
    );
    let read = {
        let store = store.clone();
        tokio::spawn(async move { store.saved(read_version.unwrap()).await })
    };
    disk.send(false).unwrap();
    let err = deletion.await.unwrap().unwrap_err();
    assert!(err.to_string().contains("No space left on device"), "{err}");
    assert!(
        read.await.unwrap().is_err(),
        "the read that saw it is refused too"
    );

    // Undone: the world is as it was, and a read now answers at once.
    assert!(store.read(|w| has(w, "g1")));
    let (seen, wait) = store.update(|w, _| has(w, "g1"));
    assert!(seen);
    assert_eq!(wait, None);

    // A retry behaves as if the first attempt never happened.
    let (gone, version) = store.update(remove("g1"));
    assert!(gone, "the retry finds the gateway and deletes it");
    disk.send(true).unwrap();
    store.saved(version.unwrap()).await.unwrap();
    assert!(!store.read(|w| has(w, "g1")) && store.read(|w| has(w, "g2")));
    // Only the retry reached the disk.
    assert_eq!(appended.lock().unwrap().len(), 1);
    writer.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_made_while_a_failing_write_runs_are_undone_with_it() {
    let (store, disk, _) = gated(world_with(&["g1", "g2", "g3"]));
    let writer = tokio::spawn(store.clone().run_writer());
    let (_, first) = store.update(remove("g1"));
    // Let the writer take the first change, then make a second one that builds on it.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let (_, second) = store.update(remove("g2"));
    let waits: Vec<_> = [first, second]
        .into_iter()
        .map(|v| {
            let store = store.clone();
            tokio::spawn(async move { store.saved(v.unwrap()).await })
        })
        .collect();
    disk.send(false).unwrap();
    for w in waits {
        assert!(w.await.unwrap().is_err());
    }
    assert!(store.read(|w| has(w, "g1") && has(w, "g2") && has(w, "g3")));
    // The writer carries on.
    let (_, v) = store.update(remove("g3"));
    disk.send(true).unwrap();
    store.saved(v.unwrap()).await.unwrap();
    assert!(store.read(|w| has(w, "g1") && has(w, "g2") && !has(w, "g3")));
    writer.abort();
}

#[tokio::test]
async fn without_a_backend_nothing_waits() {
    let store = Store::new(world_with(&["g1"]), None);
    let (gone, v) = store.update(remove("g1"));
    assert!(gone && v.is_some());
    store.saved(v.unwrap()).await.unwrap();
    store.close().await.unwrap();
}

fn add(id: String) -> impl FnOnce(&mut World, &mut Effects) {
    move |w, fx| {
        let region = w.account_mut("a").alibaba_region_mut("r");
        region.vpn_gateways.insert(id.clone(), gateway(&id));
        fx.changed();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undone_change_is_never_reported_saved_however_many_failures_follow() {
    let (store, disk, _) = gated(world_with(&["g1"]));
    let writer = tokio::spawn(store.clone().run_writer());
    // A deletion is undone; its caller has not looked yet when many more writes fail after it.
    let (_, lost) = store.update(remove("g1"));
    disk.send(false).unwrap();
    assert!(store.flush().await.is_err());
    for i in 0..=OUTCOMES_KEPT {
        let (_, v) = store.update(add(format!("x{i}")));
        disk.send(false).unwrap();
        assert!(store.saved(v.unwrap()).await.is_err());
    }
    let err = store.saved(lost.unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("may have been undone"), "{err}");
    assert!(store.read(|w| has(w, "g1")), "the deletion was undone");

    // Outcomes still remembered are exact: a write that worked answers success.
    let (_, kept) = store.update(remove("g1"));
    disk.send(true).unwrap();
    store.saved(kept.unwrap()).await.unwrap();
    let (_, failed) = store.update(add("late".to_owned()));
    disk.send(false).unwrap();
    assert!(store.saved(failed.unwrap()).await.is_err());
    store.saved(kept.unwrap()).await.unwrap();
    writer.abort();
}

fn gateway_ids(world: &World) -> Vec<String> {
    world
        .accounts
        .get("a")
        .and_then(|a| a.alibaba.get("r"))
        .map(|r| r.vpn_gateways.keys().cloned().collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compaction_folds_the_journal_into_the_state_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("state.json");
    let policy = journal::Policy {
        max_records: 4,
        ..journal::Policy::default()
    };
    let store = Store::with_journal(journal::open(&path, policy).unwrap());
    let writer = tokio::spawn(store.clone().run_writer());
    let journal = journal::path_for(&path);
    let header = std::fs::metadata(&journal).unwrap().len();
    let (mut previous, mut longest, mut largest_record) = (header, header, 0);
    for i in 0..10 {
        let ((), v) = store.update(|w, fx| {
            let region = w.account_mut("a").alibaba_region_mut("r");
            region
                .vpn_gateways
                .insert(format!("g{i}"), gateway(&format!("g{i}")));
            fx.changed();
        });
        store.saved(v.unwrap()).await.unwrap();
        let len = std::fs::metadata(&journal).unwrap().len();
        if len > previous {
            largest_record = largest_record.max(len - previous);
        }
        (previous, longest) = (len, longest.max(len));
        assert_eq!(journal::read(&path).unwrap(), store.read(World::clone));
    }
    // Never more than 4 records, and the state file holds what was folded in.
    assert!(
        longest <= header + 4 * largest_record,
        "{longest} {largest_record}"
    );
    let folded = crate::persistence::load(&path).unwrap().unwrap();
    assert!(
        gateway_ids(&folded).len() >= 8,
        "{:?}",
        gateway_ids(&folded)
    );
    store.close().await.unwrap();
    let closed = crate::persistence::load(&path).unwrap().unwrap();
    assert_eq!(gateway_ids(&closed).len(), 10);
    writer.abort();
}

#[tokio::test]
async fn close_right_after_the_writer_is_spawned_waits_for_it() {
    // On one thread the spawned writer has not been polled when `close` runs: it must count as
    // started (it was the flaky end of `state_lock::a_second_emulator_is_refused…`, whose restarted
    // emulator was shut down at once).
    let (store, _disk, _appended) = gated(world_with(&["g1"]));
    let writer = tokio::spawn(store.clone().run_writer());
    store.close().await.unwrap();
    writer.abort();
}
