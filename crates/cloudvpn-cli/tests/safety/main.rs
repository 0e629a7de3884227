//! Nothing destructive by surprise: `--dry-run` of every subcommand changes nothing, a closed stdout ends
//! the command quietly, Ctrl-C says what was already accepted, and `--wait` waits until its deadline.
//!
//! `dry_run`: every leaf of the command tree with `--dry-run`, and teardown's plan; `closed_stdout`;
//! `interrupt`: Ctrl-C, unanswered deletions and `--wait`'s deadline.

#[path = "../support/mod.rs"]
mod support;

mod closed_stdout;
mod dry_run;
mod interrupt;

use cloudvpn_emulator::seed::AlibabaGatewaySeed;
use support::*;

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
