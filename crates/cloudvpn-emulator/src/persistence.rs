//! The state file (`--state FILE`): the whole [`World`] as JSON, replaced atomically (write a temporary file
//! beside it, flush it to disk, rename it over the old one), so that a crash leaves either the old or the
//! new state and never a torn one. Changes made since it was written are in its journal
//! ([`crate::journal`]), which compaction folds into it.
//!
//! Loading never guesses: a file that is not exactly what the emulator writes is an error naming the file
//! and the problem, and the file is left as it is.

use crate::model::World;
use crate::{consistency, json_check};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The `format` member of every state file this version writes and reads.
pub const FORMAT: &str = "cloudvpn-emulator-state/1";

#[derive(Serialize)]
struct FileOut<'a> {
    format: &'static str,
    state: &'a World,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileIn {
    format: String,
    state: World,
}

/// A state file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateFileError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub detail: String,
}

impl fmt::Display for StateFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "state file {} cannot be used: {} (the emulator does not replace it; fix it, or move it away to \
             start empty)",
            self.path.display(),
            self.detail
        )
    }
}

impl std::error::Error for StateFileError {}

/// The file's contents for `world`.
pub fn encode(world: &World) -> Vec<u8> {
    let mut bytes = serde_json::to_vec_pretty(&FileOut {
        format: FORMAT,
        state: world,
    })
    .unwrap_or_else(|e| {
        // Every type in World serialises infallibly (string keys, no custom failures); keep the
        // emulator running and the old file intact if that ever changes.
        format!("{{\"error\": {:?}}}", e.to_string()).into_bytes()
    });
    bytes.push(b'\n');
    bytes
}

/// Parses a state file's contents.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<World, StateFileError> {
    let error = |detail: String| StateFileError {
        path: path.to_owned(),
        detail,
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(error("the file is empty".to_owned()));
    }
    // serde keeps the last of repeated keys without a word; a file with two entries under one key is
    // refused rather than silently losing one.
    if let Some((key, at)) = json_check::first_duplicate_key(bytes) {
        return Err(error(format!(
            "{at}: the key {key:?} appears twice in one object; each key may appear once"
        )));
    }
    // serde_json's message already ends with "at line L column C".
    let file: FileIn = serde_json::from_slice(bytes)
        .map_err(|e| error(format!("not a valid emulator state: {e}")))?;
    if file.format != FORMAT {
        return Err(error(format!(
            "format is {:?}, this emulator reads {FORMAT:?}",
            file.format
        )));
    }
    consistency::check(&file.state).map_err(|broken| {
        let path: Vec<&str> = broken.path.iter().map(String::as_str).collect();
        match json_check::locate(bytes, &path) {
            Some(at) => error(format!("{at}: {broken}")),
            None => error(broken.to_string()),
        }
    })?;
    Ok(file.state)
}

/// Reads the state file; `Ok(None)` when it does not exist yet.
pub fn load(path: &Path) -> Result<Option<World>, StateFileError> {
    match fs::read(path) {
        Ok(bytes) => decode(path, &bytes).map(Some),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StateFileError {
            path: path.to_owned(),
            detail: format!("cannot read it: {e}"),
        }),
    }
}

/// Removes the temporary files (`.NAME.tmp-PID`) that writers of `path` left behind when they were killed
/// mid-write, and returns what it removed. A file of a process that is still running is left alone (on
/// systems where that can be seen), as is anything else in the directory.
pub fn remove_stale_temporaries(path: &Path) -> Vec<PathBuf> {
    let (dir, name) = dir_and_name(path);
    let prefix = format!(".{name}.tmp-");
    let Ok(entries) = fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || process_is_running(pid) {
            continue;
        }
        if fs::remove_file(entry.path()).is_ok() {
            removed.push(entry.path());
        }
    }
    removed
}

/// Whether process `pid` runs, where /proc says so; elsewhere every writer is taken for gone.
fn process_is_running(pid: u32) -> bool {
    Path::new("/proc/self").exists() && Path::new("/proc").join(pid.to_string()).exists()
}

fn dir_and_name(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    (dir, name)
}

/// Replaces `path` with `bytes` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace(path, bytes, sync_directory)
}

/// [`write_atomic`], with the step that makes the rename durable given (so tests can make it fail).
fn replace(path: &Path, bytes: &[u8], sync_dir: fn(&Path) -> io::Result<()>) -> io::Result<()> {
    let (dir, name) = dir_and_name(path);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Until the directory is on disk a crash may bring the old file back, so a caller that
        // acknowledges changes on the strength of this write must hear that it is not durable.
        sync_dir(&dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "{} was replaced but its directory {} could not be flushed to disk: {e}",
                    path.display(),
                    dir.display()
                ),
            )
        })
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Flushes a directory's entries (a rename in it) to disk.
#[cfg(unix)]
fn sync_directory(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

/// Elsewhere a directory cannot be opened as a file; the rename is as durable as the system makes it.
#[cfg(not(unix))]
fn sync_directory(_dir: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_that_cannot_be_flushed_fails_the_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        fn refuse(_: &Path) -> io::Result<()> {
            Err(io::Error::other("Input/output error (injected)"))
        }
        let err = replace(&path, b"new", refuse).unwrap_err().to_string();
        assert!(
            err.contains("state.json")
                && err.contains("directory")
                && err.contains("Input/output error (injected)"),
            "{err}"
        );
        // The real step works on this system.
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
    }

    #[test]
    fn round_trips_and_names_the_problem() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        assert_eq!(load(&path).unwrap(), None);
        let mut world = World::new();
        world.account_mut("a").alibaba_region_mut("cn-hangzhou");
        write_atomic(&path, &encode(&world)).unwrap();
        assert_eq!(load(&path).unwrap(), Some(world));

        fs::write(
            &path,
            b"{\"format\": \"cloudvpn-emulator-state/1\", \"state\": {",
        )
        .unwrap();
        let err = load(&path).unwrap_err().to_string();
        assert!(
            err.contains("state.json") && err.contains("line 1"),
            "{err}"
        );
        fs::write(&path, b"").unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("empty"));
        fs::write(
            &path,
            b"{\"format\": \"other/9\", \"state\": {\"next_task_id\": 1, \"next_legacy_id\": 1}}",
        )
        .unwrap();
        assert!(load(&path).unwrap_err().to_string().contains("other/9"));
        // The corrupt file is still there, untouched.
        assert!(
            fs::read(&path)
                .unwrap()
                .starts_with(b"{\"format\": \"other/9\"")
        );
    }
}
