//! `cloudvpn sweep`: find VPN gateways by filter across clouds, regions and accounts, plan what to do with
//! each, and with `--apply` delete them, rate-aware and resumable.
//!
//! One module per job: the flags and `--config` ([`args`], [`config`]), where to look ([`target`]), what is
//! there ([`inventory`], [`regions`] for `--all-regions`), what is selected ([`filter`]) and decided ([`decide`]), the rate ([`limiter`]), the
//! deletion of one gateway ([`delete`]), the journal ([`journal_file`]), progress ([`display`]) and the
//! closing table and report ([`report`]); this file runs them in order.

pub mod args;
mod config;
mod decide;
mod delete;
mod display;
mod execute;
mod filter;
mod interrupt;
mod inventory;
mod journal_file;
mod limiter;
mod regions;
mod report;
mod target;

use crate::failure::{Failure, Kind};
use crate::settings::Settings;
use clap::ArgMatches;
use cloudvpn_types::meta::Provider;
use decide::{Decision, SkipReason};
use interrupt::Interrupts;
use inventory::Gateway;
use journal_file::{JournalFile, Known};
use limiter::Limiter;
use report::{GatewayResult, Outcome, RegionError, Report};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Instant;
use target::Target;
use tokio::task::JoinSet;

/// Runs a sweep. `regions` and `profiles` are the global flags' values (several allowed here).
pub async fn run(
    settings: &Settings,
    m: &ArgMatches,
    regions: Vec<String>,
    profiles: Vec<String>,
) -> Result<(), Failure> {
    let started = Instant::now();
    // First of all, so that no moment is left where Ctrl-C kills the process: finding the targets already
    // sends DescribeRegions and looks up credentials, which may take a while.
    let interrupts = Interrupts::watch();
    let mut options = args::SweepOptions::from_matches(m, regions, profiles)?;
    // `--dry-run` sends nothing that changes anything, whatever else is given: a sweep is then its plan.
    if settings.dry_run && options.apply {
        eprintln!("--dry-run: planning only, --apply is not acted on");
        options.apply = false;
    }
    if options.apply && options.filters.selects_everything() {
        return Err(Failure::usage(
            "--apply needs at least one selecting filter (--name, --id, --tag, --older-than or --vpc-id), so that a \
             sweep never deletes every gateway of an account by accident (nothing was sent)",
        ));
    }
    let terminal = std::io::stdin().is_terminal();
    if options.apply && !options.yes && !terminal {
        return Err(Failure::usage(
            "--apply asks for confirmation on a terminal, and there is none: add --yes to delete without asking \
             (nothing was sent)",
        ));
    }
    let journal = if options.apply {
        JournalFile::open(options.journal.as_deref())?
    } else {
        JournalFile::default()
    };
    let limiter = Limiter::new(options.max_rps);
    let targets = target::targets(
        settings,
        &options.clouds,
        &options.profiles,
        &options.regions,
        &limiter,
        options.all_regions,
    );
    let targets = tokio::select! {
        targets = targets => targets?,
        () = interrupts.first() => return Err(interrupted_before_deleting()),
    };
    let listing = list(&targets, &limiter, options.filters.vpc_id());
    let (inventories, region_errors) = tokio::select! {
        listed = listing => listed,
        () = interrupts.first() => return Err(interrupted_before_deleting()),
    };
    let now_ms = journal_file::now_ms();
    let mut results = Vec::new();
    let mut work = Vec::new();
    for (i, gateways) in inventories.into_iter().enumerate() {
        let t = &targets[i];
        for g in gateways {
            if !options.filters.selects(&g, now_ms) {
                continue;
            }
            let mut r = GatewayResult::new(t, &g);
            let in_journal = matches!(journal.known(t, &g.id), Some(Known::InFlight { .. }));
            let deleting = g.state.eq_ignore_ascii_case("deleting");
            match decide::decide(&options.filters, &g, now_ms) {
                Decision::Skip(reason) => {
                    r.outcome = Outcome::Skipped;
                    r.skip = Some(reason);
                }
                Decision::Delete if deleting && !in_journal => {
                    r.outcome = Outcome::Skipped;
                    r.skip = Some(SkipReason::BeingDeleted {
                        state: g.state.clone(),
                    });
                }
                Decision::Delete => {
                    r.outcome = Outcome::WouldDelete;
                    work.push((i, g, results.len()));
                }
            }
            results.push(r);
        }
    }

    print_plan(&results, &region_errors, now_ms);
    let mut report = Report {
        applied: options.apply,
        interrupted: false,
        gateways: results,
        region_errors,
        throttled: 0,
        duration_ms: 0,
    };
    if options.apply && !work.is_empty() {
        if !options.yes {
            let count = work.len();
            // Read on a thread of its own, not the runtime's blocking pool: after a Ctrl-C the read is
            // left behind, and the process must not wait for it to end.
            let (tx, answer) = tokio::sync::oneshot::channel();
            std::thread::spawn(move || {
                let _ = tx.send(confirm(count));
            });
            let confirmed = tokio::select! {
                answer = answer => answer.unwrap_or(Ok(false))?,
                () = interrupts.first() => return Err(interrupted_before_deleting()),
            };
            if !confirmed {
                return Err(Failure::usage("not confirmed: nothing was deleted"));
            }
        }
        let interrupted = execute::execute(
            options.concurrency,
            &targets,
            &limiter,
            &journal,
            &interrupts,
            work,
            &mut report,
        )
        .await;
        report.interrupted = interrupted;
    }
    report.throttled = limiter.throttled();
    report.duration_ms = started.elapsed().as_millis() as u64;
    println!("\n{}", report.table());
    if report.throttled > 0 {
        println!(
            "throttled {} time(s); every throttled call was sent again",
            report.throttled
        );
    }
    let outcome = outcome(&report, &options, &journal);
    // A report that cannot be written does not hide what the sweep did: after a failure or an interrupt
    // the error is printed and the sweep's own code stays; only a run that went well exits with it.
    if let Some(path) = &options.report {
        if let Err(e) = report.write(path) {
            if outcome.is_ok() {
                return Err(e);
            }
            eprintln!("error: {}", e.message);
        }
    }
    if outcome.is_ok() && !options.apply {
        eprintln!(
            "plan only: nothing was changed; add --apply to delete what it lists as `delete`"
        );
    }
    outcome
}

/// How the sweep ends: a journal that could not be written, then an interrupt, then failures.
fn outcome(
    report: &Report,
    options: &args::SweepOptions,
    journal: &JournalFile,
) -> Result<(), Failure> {
    // Before the interrupt: a journal that could not be written is what the next run must know first.
    if let Some(message) = journal.failure() {
        return Err(Failure {
            kind: Kind::SomeFailed,
            message,
        });
    }
    if report.interrupted {
        let journal_note = match &options.journal {
            Some(p) => format!("; run the same command with --journal {} to go on", p.display()),
            None => "; run it again to go on (with --journal FILE a rerun also awaits what was in flight)".to_owned(),
        };
        return Err(Failure {
            kind: Kind::Interrupted,
            message: format!(
                "interrupted: no new gateway was started, those in flight were finished{journal_note}"
            ),
        });
    }
    if report.has_failures() {
        let mut what = Vec::new();
        if report.gateways.iter().any(|g| g.outcome == Outcome::Failed) {
            what.push("some selected gateways were not deleted");
        }
        if !report.region_errors.is_empty() {
            what.push(if options.apply {
                "some regions could not be listed, so what they hold was not swept"
            } else {
                "some regions could not be listed, so the plan is incomplete"
            });
        }
        return Err(Failure {
            kind: Kind::SomeFailed,
            message: format!("{} (see the table above and --report)", what.join("; ")),
        });
    }
    Ok(())
}

fn interrupted_before_deleting() -> Failure {
    Failure {
        kind: Kind::Interrupted,
        message: "interrupted before anything was deleted".to_owned(),
    }
}

/// Every target's gateways, listed side by side; a target whose listing fails is named with its error.
async fn list(
    targets: &[Target],
    limiter: &Limiter,
    vpc_id: Option<&str>,
) -> (Vec<Vec<Gateway>>, Vec<RegionError>) {
    let mut listed = JoinSet::new();
    let mut ids = Vec::new();
    for (i, t) in targets.iter().cloned().enumerate() {
        let limiter = limiter.clone();
        let vpc = vpc_id.map(str::to_owned);
        let handle = listed.spawn(async move {
            let result = match t.cloud {
                Provider::Alibaba => inventory::alibaba(&t, &limiter, vpc.as_deref()).await,
                Provider::Tencent => inventory::tencent(&t, &limiter, vpc.as_deref()).await,
            };
            (i, result)
        });
        ids.push((handle.id(), i));
    }
    let mut inventories = vec![Vec::new(); targets.len()];
    let mut region_errors = Vec::new();
    // Which target each task lists, so that a task that panicked still names its region.
    let ids: std::collections::HashMap<tokio::task::Id, usize> = ids.into_iter().collect();
    while let Some(joined) = listed.join_next().await {
        let (i, result) = match joined {
            Ok(done) => done,
            Err(e) => {
                let Some(&i) = ids.get(&e.id()) else { continue };
                (
                    i,
                    Err(Failure::usage(format!(
                        "the listing stopped unexpectedly ({})",
                        execute::panic_message(e)
                    ))),
                )
            }
        };
        match result {
            Ok(gateways) => inventories[i] = gateways,
            Err(f) => region_errors.push(RegionError {
                place: targets[i].to_string(),
                error: f.message,
            }),
        }
    }
    (inventories, region_errors)
}

fn print_plan(results: &[GatewayResult], errors: &[RegionError], now_ms: u64) {
    let mut out = std::io::stdout().lock();
    let mut place = String::new();
    for r in results {
        if r.place() != place {
            place = r.place();
            let _ = writeln!(out, "{place}");
        }
        let _ = writeln!(out, "  {}", display::line(r, now_ms));
    }
    for e in errors {
        let _ = writeln!(out, "{}\n  cannot list: {}", e.place, e.error);
    }
    if results.is_empty() && errors.is_empty() {
        let _ = writeln!(out, "no gateway matches the filters");
    }
}

/// Asks on the terminal for the number of gateways to delete, typed back.
fn confirm(count: usize) -> Result<bool, Failure> {
    eprint!("Delete {count} gateway(s) with their connections? Type {count} to go on: ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::usage(format!("cannot read the confirmation: {e}")))?;
    Ok(line.trim() == count.to_string())
}
