//! How the demo tells what happens: the scene headings, the failed first attempt and why, the completion
//! awaited with progress, and the closing summary.

use super::internal;
use crate::failure::Failure;
use crate::invoke::wait_with_progress;
use crate::journal::Accepted;
use cloudvpn::{ApiClient, Error, WaitOptions};
use cloudvpn_types::{Completable, OperationError};
use std::collections::BTreeSet;
use std::time::Duration;

/// One row of the closing summary.
pub(super) struct Row {
    pub(super) operation: &'static str,
    pub(super) first_attempt: String,
    pub(super) fix: &'static str,
    pub(super) completed: String,
}

pub(super) fn scene(n: u32, command: &str, rule: &str) {
    println!("{n}/{}  cloudvpn {command}", super::SCENES);
    println!("     ({rule})");
}

/// The first attempt must fail with a documented error; prints it and why.
pub(super) fn expect_error<T, E: OperationError>(
    result: Result<T, Error<E>>,
    who: &str,
) -> Result<String, Failure> {
    match result {
        Ok(_) => Err(internal(
            "the first attempt was expected to fail and did not".to_owned(),
        )),
        Err(Error::Service(e)) => {
            let status = e
                .info()
                .http_status
                .map(|s| format!(", HTTP {s}"))
                .unwrap_or_default();
            println!(
                "  attempt with {who}: {}{status}: {}",
                e.code(),
                e.message()
            );
            if let Some(doc) = e.documented() {
                println!("  why: {}", doc.hint);
            }
            Ok(e.code().to_owned())
        }
        Err(other) => Err(Failure::from_sdk(other)),
    }
}

/// The documented deletions completed so far, by API and action.
pub(super) type Deleted = BTreeSet<(&'static str, &'static str)>;

/// Sends, then waits for completion with progress, and records the deletion in `deleted`; returns how
/// long completion took.
pub(super) async fn send_and_wait<C: ApiClient, O: Completable>(
    client: &C,
    request: O,
    options: &WaitOptions,
    deleted: &mut Deleted,
) -> Result<String, Failure> {
    let out = client
        .send(request.clone())
        .await
        .map_err(Failure::from_sdk)?;
    let request_id = serde_json::to_value(&out)
        .ok()
        .and_then(|v| match (v.get("RequestId"), v.pointer("/data/taskId")) {
            (Some(serde_json::Value::String(id)), _) => Some(format!("request id {id}")),
            (_, Some(task)) => Some(format!("task {task}")),
            _ => None,
        })
        .unwrap_or_default();
    println!(
        "  ✓ {} accepted ({request_id}); waiting for completion",
        O::META.action
    );
    let accepted = Accepted::new(
        O::META.action,
        String::new(),
        &serde_json::to_value(&out).unwrap_or_default(),
    );
    let done = wait_with_progress(client, &request, &out, options, &accepted).await?;
    println!(
        "  ✓ done: {} shows {} after {:.1} s\n",
        O::META.completion.map(|c| c.poll_action).unwrap_or(""),
        done.observed,
        done.elapsed.as_secs_f64()
    );
    deleted.insert((O::META.api.module, O::META.action));
    Ok(format!(
        "{:.1} s, {} polls",
        done.elapsed.as_secs_f64(),
        done.polls
    ))
}

/// The closing table; `deletions` is how many documented deletions the demo completed.
pub(super) fn summary(rows: &[Row], deletions: usize, elapsed: Duration) {
    let headers = ["Operation", "First attempt", "Fix", "Completion"];
    let cells: Vec<[&str; 4]> = rows
        .iter()
        .map(|r| {
            [
                r.operation,
                r.first_attempt.as_str(),
                r.fix,
                r.completed.as_str(),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..4)
        .map(|i| {
            cells
                .iter()
                .map(|c| c[i].chars().count())
                .chain([headers[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |c: [&str; 4]| {
        let parts: Vec<String> = (0..4)
            .map(|i| format!("{:<w$}", c[i], w = widths[i]))
            .collect();
        format!("| {} |", parts.join(" | "))
    };
    println!("Summary");
    println!("{}", line(headers));
    let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
    println!("|-{}-|", rule.join("-|-"));
    for c in cells {
        println!("{}", line(c));
    }
    println!(
        "\nAll {} documented deletions completed in {:.1} s.",
        in_words(deletions),
        elapsed.as_secs_f64()
    );
}

/// `6` → `six`, for the closing sentence (digits beyond ten).
fn in_words(n: usize) -> String {
    const WORDS: [&str; 11] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}
