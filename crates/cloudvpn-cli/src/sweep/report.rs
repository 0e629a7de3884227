//! What happened to every resource: the plan's lines, the closing table (deleted / skipped / failed per
//! region) and the JSON of `--report FILE` (every resource's outcome, reason, request ids, durations).

use super::decide::SkipReason;
use super::inventory::Gateway;
use super::target::Target;
use crate::failure::Failure;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The outcome of a gateway or of one of its resources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Plan only: it would be deleted.
    WouldDelete,
    Deleted,
    /// Not found when deleted, or done in an earlier run: nothing to do.
    AlreadyGone,
    Skipped,
    Failed,
    /// Not reached (interrupted before it started).
    NotStarted,
}

/// A connection or the gateway itself.
#[derive(Debug, Clone, Serialize)]
pub struct Resource {
    pub kind: &'static str,
    pub id: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub request_ids: Vec<String>,
    pub duration_ms: u64,
}

impl Resource {
    pub fn new(kind: &'static str, id: &str) -> Self {
        Resource {
            kind,
            id: id.to_owned(),
            outcome: Outcome::NotStarted,
            reason: None,
            request_ids: Vec::new(),
            duration_ms: 0,
        }
    }
}

/// One selected gateway.
#[derive(Debug, Clone, Serialize)]
pub struct GatewayResult {
    pub cloud: &'static str,
    pub account: String,
    pub region: String,
    pub id: String,
    pub name: String,
    pub connections: Vec<String>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skip: Option<SkipReason>,
    /// Why it failed, or a note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub resources: Vec<Resource>,
    pub duration_ms: u64,
}

impl GatewayResult {
    pub fn new(target: &Target, g: &Gateway) -> Self {
        GatewayResult {
            cloud: target.cloud_name(),
            account: target.account.clone(),
            region: target.region.clone(),
            id: g.id.clone(),
            name: g.name.clone(),
            connections: g.connections.clone(),
            outcome: Outcome::NotStarted,
            skip: None,
            reason: None,
            resources: Vec::new(),
            duration_ms: 0,
        }
    }

    /// `cloud/account/region`.
    pub fn place(&self) -> String {
        format!("{}/{}/{}", self.cloud, self.account, self.region)
    }
}

/// A region whose listing failed.
#[derive(Debug, Clone, Serialize)]
pub struct RegionError {
    pub place: String,
    pub error: String,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub applied: bool,
    pub interrupted: bool,
    pub gateways: Vec<GatewayResult>,
    pub region_errors: Vec<RegionError>,
    pub throttled: u64,
    pub duration_ms: u64,
}

#[derive(Default)]
struct Counts {
    planned: usize,
    deleted: usize,
    skipped: usize,
    failed: usize,
    not_started: usize,
}

impl Report {
    /// Something selected was not deleted or skipped with a reason (or a region could not be listed).
    pub fn has_failures(&self) -> bool {
        !self.region_errors.is_empty() || self.gateways.iter().any(|g| g.outcome == Outcome::Failed)
    }

    /// The closing table, per region.
    pub fn table(&self) -> String {
        let mut rows: BTreeMap<String, Counts> = BTreeMap::new();
        for g in &self.gateways {
            let c = rows.entry(g.place()).or_default();
            match g.outcome {
                Outcome::WouldDelete => c.planned += 1,
                Outcome::Deleted | Outcome::AlreadyGone => c.deleted += 1,
                Outcome::Skipped => c.skipped += 1,
                Outcome::Failed => c.failed += 1,
                Outcome::NotStarted => c.not_started += 1,
            }
        }
        for e in &self.region_errors {
            rows.entry(e.place.clone()).or_default();
        }
        let first = if self.applied { "deleted" } else { "to delete" };
        let mut lines = vec![format!(
            "{:<40} {:>9} {:>7} {:>6} {:>11}",
            "region", first, "skipped", "failed", "not started"
        )];
        let mut total = Counts::default();
        for (place, c) in &rows {
            let done = if self.applied { c.deleted } else { c.planned };
            let listed = if self.region_errors.iter().any(|e| &e.place == place) {
                " (listing failed)"
            } else {
                ""
            };
            lines.push(format!(
                "{:<40} {:>9} {:>7} {:>6} {:>11}{listed}",
                place, done, c.skipped, c.failed, c.not_started
            ));
            total.planned += c.planned;
            total.deleted += c.deleted;
            total.skipped += c.skipped;
            total.failed += c.failed;
            total.not_started += c.not_started;
        }
        let done = if self.applied {
            total.deleted
        } else {
            total.planned
        };
        lines.push(format!(
            "{:<40} {:>9} {:>7} {:>6} {:>11}",
            "total", done, total.skipped, total.failed, total.not_started
        ));
        lines.join("\n")
    }

    /// Writes the JSON report.
    pub fn write(&self, path: &Path) -> Result<(), Failure> {
        let text = serde_json::to_vec_pretty(self).unwrap_or_default();
        std::fs::write(path, text).map_err(|e| Failure {
            kind: crate::failure::Kind::Transport,
            message: format!("cannot write --report {}: {e}", path.display()),
        })
    }
}
