//! End to end: the built `cloudvpn` binary against the emulator on 127.0.0.1 — every subcommand, success and
//! documented errors, `--wait`, `--dry-run`, teardown, exit codes, the demo, completions and `--help`.
//!
//! One module per area: each API's operations (`alibaba`; `api3`, Tencent Cloud API 3.0; `tencent`, the
//! legacy v2 API), `wire` (what is sent: `--debug`, v1 signatures, `--dry-run`), `errors` (exit codes),
//! `commands` (teardown, the demo, completions, help).

#[path = "../support/mod.rs"]
mod support;

mod alibaba;
mod api3;
mod commands;
mod errors;
mod regions;
mod tencent;
mod wire;

use cloudvpn_emulator::Emulator;
use serde_json::json;
use support::*;

/// The VPC `vpc-t1` with gateway `vpngw-t1` and `connections`.
async fn seed_tencent(e: &Emulator, connections: &[&str]) {
    support::seed_tencent(e, "vpc-t1", "vpngw-t1", connections).await;
}
