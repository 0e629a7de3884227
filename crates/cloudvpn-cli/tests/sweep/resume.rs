//! A sweep resumed from its journal: a run interrupted by Ctrl-C, or killed with a deletion in flight,
//! finishes on the rerun with nothing deleted twice, and what was in flight is awaited, not sent again.

use super::*;
use cloudvpn_emulator::timing::{Transition, Transitions};
use std::collections::BTreeSet;
use std::path::Path;

/// [`apply_ci`] with `journal`, then `more`.
fn journalled<'a>(journal: &'a Path, more: &[&'a str]) -> Vec<&'a str> {
    let mut args = apply_ci(&["--journal", journal.to_str().unwrap()]);
    args.extend(more);
    args
}

/// The journal accepted `count` deletions, none twice, and the emulator saw exactly `count` deletions
/// (its count, not only the journal's), across every run.
fn accepted_once_each(e: &cloudvpn_emulator::Emulator, journal: &Path, count: usize) {
    let all = accepted_lines(journal);
    let unique: BTreeSet<&String> = all.iter().collect();
    assert_eq!(
        unique.len(),
        all.len(),
        "a deletion was sent twice: {all:?}"
    );
    assert_eq!(unique.len(), count, "{all:?}");
    assert_eq!(mutations(e), count as u64, "{all:?}");
}

#[cfg(unix)]
#[tokio::test]
async fn an_interrupted_run_resumes_from_its_journal_and_deletes_nothing_twice() {
    // Each deletion takes a second and a half, so the interrupt lands while one is in flight.
    let e = emulator_with(Transitions::all(Transition::Time { ms: 1500 })).await;
    for i in 0..3 {
        alibaba_gateway(&e, &format!("vpn-ci-{i}"), &format!("ci-{i}"), &[], 1).await;
    }
    watch_mutations(&e);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("sweep.journal");
    let args = journalled(&journal, &["--concurrency", "1"]);
    let child = spawn(command_for(&e, &args));
    until("nothing was accepted", || {
        !accepted_lines(&journal).is_empty()
    })
    .await;
    interrupt(child.id());
    let first = finish(child).await;
    assert_eq!(code(&first), 130, "{}\n{}", stdout(&first), stderr(&first));
    assert!(stderr(&first).contains("--journal"), "{}", stderr(&first));
    assert!(!accepted_lines(&journal).is_empty());
    // Not everything was done: the interrupt stopped new gateways from starting.
    assert!(
        !left(&e).await.0.is_empty(),
        "the first run finished everything before the interrupt"
    );

    let second = call(&e, &args).await;
    assert_eq!(code(&second), 0, "{}\n{}", stdout(&second), stderr(&second));
    assert!(left(&e).await.0.is_empty(), "{}", stdout(&second));
    // Each of the 6 deletions reached the emulator exactly once across both runs.
    accepted_once_each(&e, &journal, 6);
}

#[cfg(unix)]
#[tokio::test]
async fn a_run_killed_mid_deletion_is_awaited_from_its_journal_not_sent_again() {
    let e = emulator_with(Transitions::all(Transition::Time { ms: 1500 })).await;
    alibaba_gateway(&e, "vpn-ci-k", "ci-k", &[], 2).await;
    watch_mutations(&e);
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("killed.journal");
    let mut child = spawn(command_for(&e, &journalled(&journal, &[])));
    until("nothing was accepted", || {
        !accepted_lines(&journal).is_empty()
    })
    .await;
    // No chance to finish anything: the accepted deletion is left in flight.
    child.kill().expect("kill");
    let _ = child.wait();
    let in_flight = accepted_lines(&journal);
    assert_eq!(in_flight.len(), 1, "{in_flight:?}");

    let resumed_report = dir.path().join("resumed.json");
    let resumed = journalled(&journal, &["--report", resumed_report.to_str().unwrap()]);
    let out = call(&e, &resumed).await;
    assert_eq!(code(&out), 0, "{}\n{}", stdout(&out), stderr(&out));
    assert!(left(&e).await.0.is_empty());
    // 3 Delete calls in all: the one in flight when the first run was killed was awaited by the rerun,
    // not sent again.
    accepted_once_each(&e, &journal, 3);
    let r = report(&resumed_report);
    let first = &r["gateways"][0]["resources"][0];
    assert_eq!(first["id"], in_flight[0].as_str());
    assert!(
        first["reason"]
            .as_str()
            .unwrap_or_default()
            .contains("earlier run"),
        "{first}"
    );
}
