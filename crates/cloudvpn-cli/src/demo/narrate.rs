//! How the demo tells what happens: the scene headings, the failed first attempt and why, the completion
//! awaited with progress, and the closing summary.

use super::internal;
use crate::failure::Failure;
use crate::invoke::wait_with_progress;
use crate::journal::Accepted;
use cloudvpn::{ApiClient, Error, WaitOptions};
use cloudvpn_types::{Completable, OperationError};
use std::time::Duration;

/// One row of the closing summary.
pub(super) struct Row {
    pub(super) operation: &'static str,
    pub(super) first_attempt: String,
    pub(super) fix: &'static str,
    pub(super) completed: String,
}

pub(super) fn scene(n: u32, command: &str, rule: &str) {
    println!("{n}/4  cloudvpn {command}");
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

/// Sends, then waits for completion with progress; returns how long completion took.
pub(super) async fn send_and_wait<C: ApiClient, O: Completable>(
    client: &C,
    request: O,
    options: &WaitOptions,
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
    Ok(format!(
        "{:.1} s, {} polls",
        done.elapsed.as_secs_f64(),
        done.polls
    ))
}

pub(super) fn summary(rows: &[Row], elapsed: Duration) {
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
        "\nAll four documented deletions completed in {:.1} s.",
        elapsed.as_secs_f64()
    );
}
