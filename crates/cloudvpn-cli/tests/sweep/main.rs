//! `cloudvpn sweep` end to end against the embedded emulator: the plan changes nothing and lists exactly
//! the selected set; `--apply --yes` deletes exactly that set with its connections and leaves the rest;
//! prepaid and excluded gateways are skipped with reasons; throttled runs finish with no failures; an
//! interrupted run resumed from its journal finishes with nothing deleted twice; `--apply` without a
//! terminal or `--yes` refuses with nothing sent.
//!
//! One module per area: `selection` (plan, apply, `--dry-run`), `deletion` (a busy gateway, keys that may
//! not delete), `input` (flags, `--config`, refusals), `targets` (accounts and regions), `throttling`,
//! `resume` (journals), `interrupts` (Ctrl-C before anything is deleted), `exit_codes`; `fixtures` holds
//! what they share beyond `support`.

#[path = "../support/mod.rs"]
mod support;

mod deletion;
mod exit_codes;
mod fixtures;
mod input;
mod interrupts;
mod resume;
mod selection;
mod targets;
mod throttling;

use fixtures::*;
use support::*;
