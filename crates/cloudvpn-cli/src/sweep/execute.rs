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
use std::sync::Arc;
use tokio::task::JoinSet;

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
    let mut pending = work.into_iter();
    let mut announced = false;
    let mut aborted = false;
    loop {
        while running.len() < concurrency && !interrupts.stopping() {
            let Some((i, g, slot)) = pending.next() else {
                break;
            };
            let target = targets[i].clone();
            let (limiter, journal, display) = (limiter.clone(), journal.clone(), display.clone());
            let wait = crate::teardown::wait_options(&target.settings);
            running.spawn(async move {
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
        }
        if interrupts.stopping() && !announced {
            announced = true;
            display.stopping("interrupted: starting nothing new, finishing what is in flight (Ctrl-C again aborts)");
        }
        if running.is_empty() {
            break;
        }
        tokio::select! {
            joined = running.join_next() => {
                if let Some(Ok((slot, result))) = joined {
                    report.gateways[slot] = result;
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
