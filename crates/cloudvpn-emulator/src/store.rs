//! The world behind one lock, and its persistence: every change gets a version number; with a state file,
//! a background writer saves the newest version (several changes at once when they arrive faster than the
//! disk), and a call that changed something is answered only once a file holding its change is on disk.
//! So a crash loses nothing that was acknowledged, and a busy emulator writes far fewer files than it
//! makes changes.

use crate::model::World;
use crate::persistence;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::{Notify, watch};

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
    version: u64,
}

#[derive(Debug, Clone, Default)]
struct Saved {
    // Highest version known to be on disk.
    version: u64,
    // Highest version whose write failed, and why.
    failure: Option<(u64, String)>,
}

/// The world, its version and (optionally) its state file.
pub struct Store {
    inner: Mutex<Inner>,
    file: Option<PathBuf>,
    wake_writer: Notify,
    saved_tx: watch::Sender<Saved>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("file", &self.file).finish()
    }
}

/// A change could not be saved to the state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveError(pub String);

impl std::fmt::Display for SaveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the state file could not be written: {}", self.0)
    }
}

impl std::error::Error for SaveError {}

impl Store {
    /// A store holding `world`, saved to `file` if given.
    pub fn new(world: World, file: Option<PathBuf>) -> Arc<Self> {
        let (saved_tx, _) = watch::channel(Saved::default());
        Arc::new(Store {
            inner: Mutex::new(Inner { world, version: 0 }),
            file,
            wake_writer: Notify::new(),
            saved_tx,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking behaviour (a bug) must not take the whole emulator down with a poisoned lock.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the world. Returns its result and, when it changed the world, the new version (pass it
    /// to [`Store::saved`] before acknowledging the change).
    pub fn update<R>(&self, f: impl FnOnce(&mut World, &mut Effects) -> R) -> (R, Option<u64>) {
        let mut fx = Effects::default();
        let mut inner = self.lock();
        let result = f(&mut inner.world, &mut fx);
        let version = if fx.changed {
            inner.version += 1;
            Some(inner.version)
        } else {
            None
        };
        drop(inner);
        if version.is_some() && self.file.is_some() {
            self.wake_writer.notify_one();
        }
        (result, version)
    }

    /// Reads the world.
    pub fn read<R>(&self, f: impl FnOnce(&World) -> R) -> R {
        f(&self.lock().world)
    }

    /// Waits until `version` is on disk (at once without a state file).
    pub async fn saved(&self, version: u64) -> Result<(), SaveError> {
        if self.file.is_none() {
            return Ok(());
        }
        let mut rx = self.saved_tx.subscribe();
        let outcome = rx
            .wait_for(|s| {
                s.version >= version || s.failure.as_ref().is_some_and(|(v, _)| *v >= version)
            })
            .await;
        match outcome {
            Ok(s) if s.version >= version => Ok(()),
            Ok(s) => Err(SaveError(
                s.failure
                    .as_ref()
                    .map(|(_, e)| e.clone())
                    .unwrap_or_default(),
            )),
            Err(_) => Err(SaveError("the state writer stopped".to_owned())),
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

    /// The current version.
    pub fn version(&self) -> u64 {
        self.lock().version
    }

    /// Saves the newest version whenever woken; runs until the task is dropped. Does nothing without a
    /// state file.
    pub async fn run_writer(self: Arc<Self>) {
        let Some(path) = self.file.clone() else {
            return;
        };
        loop {
            self.wake_writer.notified().await;
            loop {
                let last_saved = self.saved_tx.borrow().version;
                let snapshot = {
                    let inner = self.lock();
                    (inner.version > last_saved)
                        .then(|| (inner.version, persistence::encode(&inner.world)))
                };
                let Some((version, bytes)) = snapshot else {
                    break;
                };
                let target = path.clone();
                let written =
                    tokio::task::spawn_blocking(move || persistence::write_atomic(&target, &bytes))
                        .await;
                let result = match written {
                    Ok(Ok(())) => Ok(()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Err(e) => Err(format!("writer task failed: {e}")),
                };
                match result {
                    Ok(()) => self.saved_tx.send_modify(|s| {
                        s.version = version;
                        s.failure = None;
                    }),
                    Err(e) => {
                        eprintln!(
                            "cloudvpn-emulator: cannot write state file {}: {e}",
                            path.display()
                        );
                        self.saved_tx
                            .send_modify(|s| s.failure = Some((version, e.clone())));
                        // Try again on the next change rather than spinning on a broken disk.
                        break;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn acknowledges_changes_only_once_saved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.json");
        let store = Store::new(World::new(), Some(path.clone()));
        let writer = tokio::spawn(store.clone().run_writer());
        let ((), v) = store.update(|w, fx| {
            w.account_mut("x");
            fx.changed();
        });
        store.saved(v.unwrap()).await.unwrap();
        let on_disk = persistence::load(&path).unwrap().unwrap();
        assert!(on_disk.accounts.contains_key("x"));
        let ((), none) = store.update(|_, _| ());
        assert_eq!(none, None);
        store.flush().await.unwrap();
        writer.abort();
    }

    #[tokio::test]
    async fn reports_a_failed_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-dir").join("s.json");
        let store = Store::new(World::new(), Some(path));
        let writer = tokio::spawn(store.clone().run_writer());
        let ((), v) = store.update(|_, fx| fx.changed());
        assert!(store.saved(v.unwrap()).await.is_err());
        writer.abort();
    }
}
