//! The world behind one lock, and its durability: write first, then answer.
//!
//! Every change gets a version number and its entry-level [`Change`]s (collected by
//! [`crate::changes::Tracker`]) queue for a background writer, which appends everything queued as one
//! journal record and flushes it to disk (group commit: one `fdatasync` for all the changes made while
//! the previous one ran). A call — a change, or a read that saw a change not yet on disk — is answered
//! only once that version is durable. If the write fails, the world is put back as it is on disk (the
//! writer keeps that copy, and it is also what compaction writes), every call that changed or saw the
//! lost versions is told that nothing was changed, and a retry finds the world as if the first attempt
//! had never happened. So no answer, and no state after a restart, ever shows a change that is not on
//! disk, and no acknowledged change is lost by a crash.

use crate::changes::{self, Change, Tracker};
use crate::journal::{self, Backend};
use crate::model::World;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, oneshot, watch};

/// What a change to the world did, filled in by the code that changes it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Effects {
    /// Something changed (so it must be saved).
    pub changed: bool,
}

impl Effects {
    /// Notes a change.
    pub fn changed(&mut self) {
        self.changed = true;
    }
}

struct Inner {
    world: World,
    // The newest version made.
    version: u64,
    // Every version up to this one is on disk or was undone: the world holds nothing newer unless
    // `version` is higher.
    settled: u64,
    tracker: Tracker,
    // Changes not yet handed to the writer, oldest first.
    pending: Vec<(u64, Vec<Change>)>,
}

/// How many runs of decided versions are remembered for callers that have not looked yet.
const OUTCOMES_KEPT: usize = 1024;

/// Versions `(the previous run's last, through]`, all made durable or all undone together.
#[derive(Debug, Clone)]
struct Run {
    through: u64,
    // Why they were undone; `None` when they are on disk.
    failed: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct Saved {
    // Versions up to this one were decided, but their runs were dropped to bound memory: a caller
    // asking about one is told its outcome is unknown, never that it is on disk.
    forgotten_through: u64,
    // The runs after `forgotten_through`, oldest first.
    runs: VecDeque<Run>,
    // The writer is gone: nothing more will be decided.
    stopped: bool,
}

impl Saved {
    /// The newest decided version.
    fn resolved(&self) -> u64 {
        self.runs
            .back()
            .map_or(self.forgotten_through, |r| r.through)
    }

    /// What became of `version`; `None` while it is undecided.
    fn outcome(&self, version: u64) -> Option<Result<(), String>> {
        if version <= self.forgotten_through {
            return Some(Err(format!(
                "whether this change reached the disk is no longer known (more than {OUTCOMES_KEPT} \
                 write outcomes followed it, some of them failures), so it may have been undone"
            )));
        }
        let run = self.runs.iter().find(|r| version <= r.through)?;
        Some(match &run.failed {
            None => Ok(()),
            Some(why) => Err(why.clone()),
        })
    }

    /// Records that every undecided version through `through` is on disk (`failed: None`) or undone.
    fn decide(&mut self, through: u64, failed: Option<String>) {
        if through <= self.resolved() {
            return;
        }
        match (self.runs.back_mut(), &failed) {
            // Successes in a row are one run, so only failures make the list grow.
            (Some(last), None) if last.failed.is_none() => last.through = through,
            _ => self.runs.push_back(Run { through, failed }),
        }
        while self.runs.len() > OUTCOMES_KEPT {
            if let Some(dropped) = self.runs.pop_front() {
                self.forgotten_through = dropped.through;
            }
        }
    }
}

/// The writer's own part: where records go, and the world as it is on disk.
struct WriterState {
    backend: Box<dyn Backend>,
    durable: World,
}

/// The world, its version and (optionally) where it is made durable.
pub struct Store {
    inner: Mutex<Inner>,
    durable: bool,
    // `None` once retired. The writer's blocking steps hold it, so retiring waits for the step in
    // flight and nothing is written after.
    writer: Arc<Mutex<Option<WriterState>>>,
    writer_started: AtomicBool,
    wake_writer: Notify,
    close: Mutex<Option<oneshot::Sender<Result<(), String>>>>,
    saved_tx: watch::Sender<Saved>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("durable", &self.durable)
            .finish()
    }
}

/// A change could not be saved to the state file (and was undone).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveError(pub String);

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the state file could not be written: {}", self.0)
    }
}

impl std::error::Error for SaveError {}

impl Store {
    /// A store holding `world`, made durable through `backend` if given (start [`Store::run_writer`]).
    pub fn new(world: World, backend: Option<Box<dyn Backend>>) -> Arc<Self> {
        let (saved_tx, _) = watch::channel(Saved::default());
        let durable = backend.is_some();
        let writer = backend.map(|backend| WriterState {
            backend,
            durable: world.clone(),
        });
        Arc::new(Store {
            inner: Mutex::new(Inner {
                tracker: Tracker::new(&world),
                world,
                version: 0,
                settled: 0,
                pending: Vec::new(),
            }),
            durable,
            writer: Arc::new(Mutex::new(writer)),
            writer_started: AtomicBool::new(false),
            wake_writer: Notify::new(),
            close: Mutex::new(None),
            saved_tx,
        })
    }

    /// A store for the state file of [`journal::open`].
    pub fn with_journal(opened: journal::Opened) -> Arc<Self> {
        Store::new(opened.world, Some(Box::new(opened.journal)))
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking behaviour (a bug) must not take the whole emulator down with a poisoned lock.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the world. Returns its result and, when the world it saw or left holds a change that
    /// is not yet on disk, the version to pass to [`Store::saved`] before answering.
    pub fn update<R>(&self, f: impl FnOnce(&mut World, &mut Effects) -> R) -> (R, Option<u64>) {
        let mut fx = Effects::default();
        let mut inner = self.lock();
        let result = f(&mut inner.world, &mut fx);
        let Inner { world, tracker, .. } = &mut *inner;
        let changes = tracker.collect(world, fx.changed && self.durable);
        if !self.durable {
            // Nothing to wait for; the version still counts changes for callers that look.
            if fx.changed {
                inner.version += 1;
                return (result, Some(inner.version));
            }
            return (result, None);
        }
        if !changes.is_empty() {
            inner.version += 1;
            let version = inner.version;
            inner.pending.push((version, changes));
        }
        let wait = (inner.version > inner.settled).then_some(inner.version);
        let wake = !inner.pending.is_empty();
        drop(inner);
        if wake {
            self.wake_writer.notify_one();
        }
        (result, wait)
    }

    /// Reads the world.
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.lock().world)
    }

    /// Waits until `version` is on disk (at once without a state file); an error when it was undone.
    pub async fn saved(&self, version: u64) -> Result<(), SaveError> {
        if !self.durable {
            return Ok(());
        }
        let mut rx = self.saved_tx.subscribe();
        let outcome = rx
            .wait_for(|s| s.outcome(version).is_some() || s.stopped)
            .await
            .ok()
            .and_then(|s| s.outcome(version));
        match outcome {
            Some(Ok(())) => Ok(()),
            Some(Err(why)) => Err(SaveError(why)),
            None => Err(SaveError("the state writer stopped".to_owned())),
        }
    }

    /// Waits until everything changed so far is on disk.
    pub async fn flush(&self) -> Result<(), SaveError> {
        let version = self.lock().version;
        if version == 0 {
            return Ok(());
        }
        self.wake_writer.notify_one();
        self.saved(version).await
    }

    /// Flushes, then folds the journal into the state file (a clean shutdown leaves one plain file).
    pub async fn close(&self) -> Result<(), SaveError> {
        self.flush().await?;
        if !self.durable {
            return Ok(());
        }
        let writer_running =
            self.writer_started.load(Ordering::Acquire) && !self.saved_tx.borrow().stopped;
        if !writer_running {
            return Err(SaveError("the state writer is not running".to_owned()));
        }
        let (tx, rx) = oneshot::channel();
        *self.close.lock().unwrap_or_else(|p| p.into_inner()) = Some(tx);
        self.wake_writer.notify_one();
        match rx.await {
            Ok(result) => result.map_err(SaveError),
            Err(_) => Err(SaveError("the state writer stopped".to_owned())),
        }
    }

    /// Stops making changes durable, at once: waits for the write in flight (if any), then drops the
    /// backend (closing the journal and releasing the state file's lock). Changes after this are
    /// answered with an error. Blocks for at most one write.
    pub fn retire(&self) {
        let backend = self.writer.lock().unwrap_or_else(|p| p.into_inner()).take();
        drop(backend);
        self.saved_tx.send_modify(|s| s.stopped = true);
    }

    /// Makes queued changes durable whenever woken; runs until the task is dropped or the store is
    /// retired. Does nothing without a backend, or when already running.
    ///
    /// The writer counts as started as soon as this is called, not when the task is first polled: a
    /// [`Store::close`] right after spawning it (an emulator shut down as soon as it started) must wait
    /// for it, not find it "not running".
    pub fn run_writer(self: Arc<Self>) -> impl Future<Output = ()> + Send + 'static {
        let claimed = self.durable && !self.writer_started.swap(true, Ordering::AcqRel);
        async move {
            if claimed {
                self.write_until_stopped().await;
            }
        }
    }

    async fn write_until_stopped(&self) {
        loop {
            self.wake_writer.notified().await;
            loop {
                let batch = std::mem::take(&mut self.lock().pending);
                if batch.is_empty() {
                    break;
                }
                if !self.write_batch(batch).await {
                    self.saved_tx.send_modify(|s| s.stopped = true);
                    return;
                }
            }
            let close = self.close.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(reply) = close {
                let compacted = self
                    .step(|s| s.backend.compact(&s.durable).map_err(|e| e.to_string()))
                    .await;
                let Some(result) = compacted else {
                    let _ = reply.send(Err("the state writer failed".to_owned()));
                    self.saved_tx.send_modify(|s| s.stopped = true);
                    return;
                };
                let _ = reply.send(result);
            }
        }
    }

    /// Appends one batch; on success applies it to the durable copy, on failure undoes it (and every
    /// change made since) in the world. `false` when the writer itself is gone.
    async fn write_batch(&self, batch: Vec<(u64, Vec<Change>)>) -> bool {
        let last = batch.last().map_or(0, |(v, _)| *v);
        let record = journal::encode_record(batch.iter().flat_map(|(_, c)| c));
        let written = self
            .step(move |s| match s.backend.append(&record, &s.durable) {
                Ok(()) => {
                    for change in batch.into_iter().flat_map(|(_, c)| c) {
                        changes::apply(&mut s.durable, change);
                    }
                    Ok(s.backend.wants_compaction())
                }
                // Boxed: a world is large, and this is the rare path.
                Err(e) => Err((e.to_string(), Box::new(s.durable.clone()))),
            })
            .await;
        let Some(written) = written else {
            return false;
        };
        match written {
            Ok(wants_compaction) => {
                self.lock().settled = last;
                self.saved_tx.send_modify(|s| s.decide(last, None));
                if wants_compaction {
                    let Some(result) = self.step(|s| s.backend.compact(&s.durable)).await else {
                        return false;
                    };
                    if let Err(e) = result {
                        // Nothing is lost: the next append rewrites the state file and journal.
                        eprintln!("cloudvpn-emulator: cannot compact the state journal: {e}");
                    }
                }
            }
            Err((why, restored)) => {
                eprintln!(
                    "cloudvpn-emulator: cannot write the state journal: {why}; the changes were undone"
                );
                let through = {
                    let mut inner = self.lock();
                    inner.world = *restored;
                    inner.tracker = Tracker::new(&inner.world);
                    inner.pending.clear();
                    inner.settled = inner.version;
                    inner.version
                };
                self.saved_tx.send_modify(|s| s.decide(through, Some(why)));
            }
        }
        true
    }

    /// Runs `f` on the writer's state on a thread that may block (file I/O), holding it for the
    /// whole step. `None` when the store was retired, or when `f` panicked (the state is then
    /// dropped, as its files are in an unknown state).
    async fn step<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut WriterState) -> T + Send + 'static,
    ) -> Option<T> {
        let writer = self.writer.clone();
        let joined = tokio::task::spawn_blocking(move || {
            let mut state = writer.lock().unwrap_or_else(|p| p.into_inner());
            state.as_mut().map(f)
        })
        .await;
        match joined {
            Ok(result) => result,
            Err(_) => {
                self.retire();
                None
            }
        }
    }
}

#[cfg(test)]
#[path = "store_tests.rs"]
mod tests;
