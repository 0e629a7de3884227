//! An in-memory index of an account's Tencent tasks, so a call finds the tasks it needs without walking
//! every task or every resource of the region: the running ones (few: the deletions in flight) and the
//! task each API 3.0 request started (its `TaskId`).
//!
//! It is derived data: never persisted, built from `tencent_tasks` on first use after a load (or after a
//! replayed change reset it), then kept up to date by the only two writers of tasks, `start_deletion`
//! and `settle_task`.

use crate::model::TencentTask;
use std::collections::{BTreeSet, HashMap};

/// The index; empty and unbuilt by default.
#[derive(Debug, Clone, Default)]
pub struct TaskIndex {
    built: bool,
    /// Tasks still due to complete (`due` set), by id.
    running: BTreeSet<u64>,
    /// The task each API 3.0 request started; the lowest id if several share one (as the old search
    /// through the tasks in id order found).
    by_request: HashMap<String, u64>,
}

/// Derived from `tencent_tasks`, so two accounts with the same tasks have equal indexes whatever was built.
impl PartialEq for TaskIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl TaskIndex {
    /// Builds the index from `tasks` unless it is already built.
    pub(crate) fn ensure<'t>(
        &mut self,
        tasks: impl IntoIterator<Item = (&'t u64, &'t TencentTask)>,
    ) {
        if self.built {
            return;
        }
        self.running.clear();
        self.by_request.clear();
        self.built = true;
        for (_, task) in tasks {
            self.add(task);
        }
    }

    /// Forgets everything (the tasks were changed behind its back); the next use rebuilds it.
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    /// Records a new task (a no-op until built: the build will see it).
    pub(crate) fn add(&mut self, task: &TencentTask) {
        if !self.built {
            return;
        }
        if task.due.is_some() {
            self.running.insert(task.id);
        }
        if let Some(request) = &task.request_id {
            self.by_request
                .entry(request.clone())
                .and_modify(|id| *id = (*id).min(task.id))
                .or_insert(task.id);
        }
    }

    /// Records that a task is no longer due.
    pub(crate) fn completed(&mut self, id: u64) {
        self.running.remove(&id);
    }

    /// The running tasks, by id.
    pub(crate) fn running(&self) -> impl Iterator<Item = u64> + '_ {
        self.running.iter().copied()
    }

    /// The task the API 3.0 request `request_id` started.
    pub(crate) fn by_request(&self, request_id: &str) -> Option<u64> {
        self.by_request.get(request_id).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TaskEffect, TaskStatus};
    use crate::timing::Due;
    use std::collections::BTreeMap;

    fn task(id: u64, running: bool, request: &str) -> TencentTask {
        TencentTask {
            id,
            region: "ap-guangzhou".to_owned(),
            status: if running {
                TaskStatus::Running
            } else {
                TaskStatus::Succeeded
            },
            due: running.then_some(Due::AfterPolls { remaining: 1 }),
            effect: TaskEffect::DeleteVpnConnection {
                vpn_connection_id: format!("vpnx-{id}"),
            },
            request_id: Some(request.to_owned()),
        }
    }

    #[test]
    fn built_from_the_tasks_then_kept_up_to_date() {
        let tasks: BTreeMap<u64, TencentTask> =
            [(1, task(1, false, "req-a")), (2, task(2, true, "req-b"))].into();
        let mut index = TaskIndex::default();
        // Unbuilt, a new task is left for the build to find.
        index.add(&task(3, true, "req-c"));
        index.ensure(&tasks);
        assert_eq!(index.running().collect::<Vec<_>>(), [2]);
        assert_eq!(index.by_request("req-a"), Some(1));
        assert_eq!(index.by_request("req-c"), None);

        index.add(&task(3, true, "req-c"));
        index.completed(2);
        assert_eq!(index.running().collect::<Vec<_>>(), [3]);
        assert_eq!(index.by_request("req-c"), Some(3));
    }

    #[test]
    fn a_request_id_shared_by_tasks_names_the_lowest_and_a_reset_rebuilds() {
        let tasks: BTreeMap<u64, TencentTask> =
            [(4, task(4, false, "req")), (7, task(7, true, "req"))].into();
        let mut index = TaskIndex::default();
        index.ensure(&tasks);
        index.add(&task(9, false, "req"));
        assert_eq!(index.by_request("req"), Some(4));

        index.reset();
        index.ensure(&BTreeMap::<u64, TencentTask>::new());
        assert_eq!(index.by_request("req"), None);
        assert_eq!(index.running().count(), 0);
    }
}
