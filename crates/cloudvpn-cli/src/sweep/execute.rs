//! Running the plan: at most `--concurrency` gateways in flight, each deleted by [`super::delete`], the
//! progress shown as each finishes; a first Ctrl-C stops new gateways from starting, a second aborts.

use super::delete::{self, Step};
use super::display::Display;
use super::interrupt::Interrupts;
use super::inventory::Gateway;
use super::journal_file::JournalFile;
use super::limiter::Limiter;
use super::report::{GatewayResult, Outcome, Report};
use super::target::Target;
use std::collections::HashMap;
use std::sync::Arc;
use tokio::task::{JoinError, JoinSet};

/// Deletes `work` with at most `--concurrency` gateways in flight. Returns whether Ctrl-C stopped it:
/// a first Ctrl-C stops starting new gateways and lets those in flight finish; a second aborts them.
pub async fn execute(
    concurrency: usize,
    targets: &[Target],
    limiter: &Limiter,
    journal: &JournalFile,
    interrupts: &Interrupts,
    work: Vec<(usize, Gateway, usize)>,
    report: &mut Report,
) -> bool {
    let now_ms = super::journal_file::now_ms();
    let targets: Vec<Arc<Target>> = targets.iter().cloned().map(Arc::new).collect();
    let mut regions: Vec<(String, usize)> = Vec::new();
    for (i, _, _) in &work {
        let place = targets[*i].to_string();
        match regions.iter_mut().find(|(p, _)| *p == place) {
            Some((_, n)) => *n += 1,
            None => regions.push((place, 1)),
        }
    }
    let display = Arc::new(Display::new(work.len(), &regions, now_ms));
    let mut running: JoinSet<(usize, GatewayResult)> = JoinSet::new();
    // Which slot each task fills, so that a task that panicked still has its gateway reported.
    let mut slots: HashMap<tokio::task::Id, usize> = HashMap::new();
    let mut pending = work.into_iter();
    let mut announced = false;
    let mut journal_announced = false;
    let mut aborted = false;
    loop {
        // A journal that cannot be written stops new work as a first Ctrl-C does.
        while running.len() < concurrency && !interrupts.stopping() && journal.failure().is_none() {
            let Some((i, g, slot)) = pending.next() else {
                break;
            };
            let target = targets[i].clone();
            let (limiter, journal, display) = (limiter.clone(), journal.clone(), display.clone());
            let wait = crate::teardown::wait_options(&target.settings);
            let handle = running.spawn(async move {
                display.started(&target.to_string(), &g.id);
                let step = Step {
                    target: &target,
                    limiter: &limiter,
                    journal: &journal,
                    options: wait,
                };
                let result = delete::gateway(&step, &g).await;
                display.finished(&result);
                (slot, result)
            });
            slots.insert(handle.id(), slot);
        }
        if interrupts.stopping() && !announced {
            announced = true;
            display.stopping("interrupted: starting nothing new, finishing what is in flight (Ctrl-C again aborts)");
        }
        if let Some(failure) = journal.failure().filter(|_| !journal_announced) {
            journal_announced = true;
            display.stopping(&format!("{failure}; finishing what is in flight"));
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            joined = running.join_next() => {
                if let Some(joined) = joined {
                    record(joined, &slots, report);
                }
            }
            () = interrupts.second() => {
                aborted = true;
                running.abort_all();
                while running.join_next().await.is_some() {}
                break;
            }
            // Wakes the loop when the first Ctrl-C comes while every slot is busy.
            () = tokio::time::sleep(std::time::Duration::from_millis(200)) => {}
        }
    }
    if let Ok(display) = Arc::try_unwrap(display) {
        display.finish();
    }
    for g in &mut report.gateways {
        if g.outcome == Outcome::WouldDelete {
            g.outcome = Outcome::NotStarted;
            if aborted {
                g.reason = Some(
                    "aborted by a second Ctrl-C; the journal says what was accepted".to_owned(),
                );
            }
        }
    }
    interrupts.stopping()
}

/// Puts a finished task's result in its slot. A task that panicked is a failure of its gateway, never
/// left to read as "not started": it may have deleted some of it, and the exit code must say it failed.
fn record(
    joined: Result<(usize, GatewayResult), JoinError>,
    slots: &HashMap<tokio::task::Id, usize>,
    report: &mut Report,
) {
    match joined {
        Ok((slot, result)) => report.gateways[slot] = result,
        // Cancelled only by the second Ctrl-C's abort, which the caller reports.
        Err(e) if e.is_cancelled() => {}
        Err(e) => {
            if let Some(g) = slots.get(&e.id()).and_then(|s| report.gateways.get_mut(*s)) {
                g.outcome = Outcome::Failed;
                g.reason = Some(format!(
                    "the deletion stopped unexpectedly ({}); the journal says what was accepted",
                    panic_message(e)
                ));
            }
        }
    }
}

/// What a panicked task said, for the report.
pub fn panic_message(e: JoinError) -> String {
    if !e.is_panic() {
        return e.to_string();
    }
    let payload = e.into_panic();
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .map_or_else(|| "a panic".to_owned(), |m| format!("panicked: {m}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target() -> Target {
        crate::sweep::target::tests::unreachable()
    }

    fn gateway(id: &str) -> Gateway {
        Gateway {
            id: id.into(),
            name: id.into(),
            ..Gateway::default()
        }
    }

    fn report_of(ids: &[&str]) -> Report {
        let t = target();
        Report {
            applied: true,
            interrupted: false,
            gateways: ids
                .iter()
                .map(|id| {
                    let mut r = GatewayResult::new(&t, &gateway(id));
                    r.outcome = Outcome::WouldDelete;
                    r
                })
                .collect(),
            region_errors: Vec::new(),
            throttled: 0,
            duration_ms: 0,
        }
    }

    #[tokio::test]
    async fn a_task_that_panics_is_a_failure_of_its_gateway() {
        let mut report = report_of(&["vpn-1"]);
        let mut running: JoinSet<(usize, GatewayResult)> = JoinSet::new();
        let handle = running.spawn(async { panic!("cannot happen") });
        let slots = HashMap::from([(handle.id(), 0)]);
        record(running.join_next().await.unwrap(), &slots, &mut report);
        let g = &report.gateways[0];
        assert_eq!(g.outcome, Outcome::Failed);
        assert!(
            g.reason.as_deref().unwrap().contains("cannot happen"),
            "{:?}",
            g.reason
        );
        assert!(report.has_failures());
    }

    #[tokio::test]
    async fn a_journal_that_cannot_be_written_starts_nothing_new() {
        let journal = crate::sweep::journal_file::tests::failing_journal(std::path::Path::new("j"));
        let t = target();
        // A deletion in flight failed to record its acceptance ...
        let _ = journal.append(
            crate::sweep::journal_file::Event::Accepted,
            &t,
            "gateway",
            "vpn-0",
            "DeleteVpnGateway",
            None,
        );
        // ... so the gateways still waiting are not started.
        let mut report = report_of(&["vpn-1", "vpn-2"]);
        let work = vec![(0, gateway("vpn-1"), 0), (0, gateway("vpn-2"), 1)];
        let interrupts = Interrupts::watch();
        let interrupted = execute(
            1,
            &[t],
            &Limiter::new(None),
            &journal,
            &interrupts,
            work,
            &mut report,
        )
        .await;
        assert!(!interrupted);
        for g in &report.gateways {
            assert_eq!(g.outcome, Outcome::NotStarted, "{:?}", g.reason);
        }
    }
}
