//! The state file (`--state FILE`): the whole [`World`] as JSON, replaced atomically (write a temporary file
//! beside it, flush it to disk, rename it over the old one), so that a crash leaves either the old or the
//! new state and never a torn one.
//!
//! Loading never guesses: a file that is not exactly what the emulator writes is an error naming the file
//! and the problem, and the file is left as it is.

use crate::model::World;
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
    let file: FileIn = serde_json::from_slice(bytes).map_err(|e| {
        error(format!(
            "not a valid emulator state: {e} (line {}, column {})",
            e.line(),
            e.column()
        ))
    })?;
    if file.format != FORMAT {
        return Err(error(format!(
            "format is {:?}, this emulator reads {FORMAT:?}",
            file.format
        )));
    }
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

/// Replaces `path` with `bytes` atomically and durably.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_owned());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        // Make the rename itself durable; not every platform can open a directory, which is fine.
        if let Ok(d) = fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

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
