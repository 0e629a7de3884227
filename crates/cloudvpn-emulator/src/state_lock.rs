//! One emulator per state file: `NAME.lock` beside the state file `NAME` is locked exclusively while
//! an emulator has the file's journal open. Starting rewrites the state file and renames a fresh
//! journal over the old one, so a second emulator on the same file would silently take the journal
//! from under the first, whose later (acknowledged) changes would then go to a deleted file.
//!
//! The lock is the operating system's (`flock` on Unix, `LockFileEx` on Windows): it goes with the
//! process, so a killed emulator leaves no stale lock behind. The lock file itself stays (removing
//! it would race with an emulator that just opened it); it holds nothing.

use fs4::TryLockError;
use std::fmt;
use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// The lock file of the state file `state`.
pub fn path_for(state: &Path) -> PathBuf {
    let mut name = state.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    state.with_file_name(name)
}

/// The state file's lock, held until dropped.
#[derive(Debug)]
pub struct StateLock {
    // Never read: the open, locked file is the lock.
    _file: File,
}

/// The state file cannot be locked.
#[derive(Debug)]
pub enum LockError {
    /// Another emulator holds it.
    InUse {
        /// The state file.
        state: PathBuf,
        /// Its lock file.
        lock: PathBuf,
    },
    /// The lock file cannot be opened or locked.
    Io {
        /// Its lock file.
        lock: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for LockError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LockError::InUse { state, lock } => write!(
                f,
                "state file {} is in use by another emulator (it holds {}); stop that emulator, or \
                 give this one another --state file",
                state.display(),
                lock.display()
            ),
            LockError::Io { lock, source } => write!(
                f,
                "cannot lock {} to keep the state file to this emulator: {source}",
                lock.display()
            ),
        }
    }
}

impl std::error::Error for LockError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LockError::InUse { .. } => None,
            LockError::Io { source, .. } => Some(source),
        }
    }
}

/// Locks the state file `state` for this process, without waiting.
pub fn acquire(state: &Path) -> Result<StateLock, LockError> {
    let lock = path_for(state);
    let io_error = |source| LockError::Io {
        lock: lock.clone(),
        source,
    };
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock)
        .map_err(io_error)?;
    // Called through the trait: newer toolchains have an inherent `File::try_lock` (Rust 1.89) that
    // the workspace's minimum Rust version does not.
    match fs4::FileExt::try_lock(&file) {
        Ok(()) => Ok(StateLock { _file: file }),
        Err(TryLockError::WouldBlock) => Err(LockError::InUse {
            state: state.to_owned(),
            lock,
        }),
        Err(TryLockError::Error(e)) => Err(io_error(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_free_again_once_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s.json");
        let held = acquire(&state).unwrap();
        let err = acquire(&state).unwrap_err();
        assert!(matches!(err, LockError::InUse { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("s.json")
                && text.contains("s.json.lock")
                && text.contains("another emulator"),
            "{text}"
        );
        drop(held);
        acquire(&state).unwrap();
    }
}
