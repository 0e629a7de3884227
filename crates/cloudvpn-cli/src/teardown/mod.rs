//! `cloudvpn teardown`: delete a gateway and everything on it, in the order the services require, waiting
//! for each asynchronous step and stopping with a clear message where retrying cannot help.
//!
//! One module per API it tears down with (`alibaba`; `tencent`, API 3.0; `tencent_v2`, the legacy API);
//! what they share (narration, the dry-run plan, the stop message, how long to wait) is here.

pub mod alibaba;
pub mod tencent;
pub mod tencent_v2;

use crate::failure::{Failure, Kind, describe_service_error};
use crate::settings::Settings;
use cloudvpn::WaitOptions;
use cloudvpn_types::OperationError;
use std::time::Duration;

/// Page size for listing connections with Alibaba's and Tencent v2's DescribeVpnConnections (their
/// documented maximum).
const PAGE_SIZE: i64 = 50;

fn step(text: &str) {
    eprintln!("• {text}");
}

/// The plan on stderr, as the other steps are.
fn plan_report(steps: &[String], blockers: &[String]) {
    step("dry run: nothing was changed; the teardown would");
    for (i, s) in steps.iter().enumerate() {
        eprintln!("  {}. {s}", i + 1);
    }
    if blockers.is_empty() {
        eprintln!("  nothing seen that would stop it");
    } else {
        for b in blockers {
            eprintln!("  would stop: {b}");
        }
    }
    eprintln!(
        "  (whether these credentials may delete is not checked: no read-only call can tell)"
    );
}

fn human_duration(d: Duration) -> String {
    let s = d.as_secs();
    match s {
        0..=119 => format!("{s} s"),
        120..=7199 => format!("{} min", s / 60),
        7200..=172_799 => format!("{} h", s / 3600),
        _ => format!("{} days", s / 86_400),
    }
}

/// A clear stop for errors retrying cannot fix.
fn stop<E: OperationError>(action: &str, e: &E) -> Failure {
    let why = match e.code() {
        "ForbiddenRelease" => "the gateway is prepaid and still within its subscription term; it can be released only after it expires".to_owned(),
        c if c.starts_with("Forbidden") || c.starts_with("Forbbiden") => {
            "these credentials may not delete this resource; ask for the permission".to_owned()
        }
        _ => format!("{action} cannot go on"),
    };
    Failure {
        kind: Kind::Service,
        message: format!("teardown stopped: {why}\n  {}", describe_service_error(e)),
    }
}

/// How long and how often a teardown (and each gateway of a sweep) polls.
pub(crate) fn wait_options(settings: &Settings) -> WaitOptions {
    WaitOptions {
        min_delay: Duration::from_millis(500),
        max_delay: Duration::from_secs(5),
        deadline: settings.time_left().unwrap_or(Duration::from_secs(1800)),
    }
}
