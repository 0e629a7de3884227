//! Helpers shared by the workspace-level tests.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Copies a directory tree.
pub fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A temporary copy of the workspace's specs and generated code, laid out like the workspace, so that
/// codegen can run on it without touching the real tree.
pub struct ScratchWorkspace {
    dir: tempfile::TempDir,
}

impl ScratchWorkspace {
    /// Copies `specs/` and every generated folder.
    pub fn new() -> std::io::Result<Self> {
        let dir = tempfile::tempdir()?;
        let root = workspace_root();
        copy_dir(&root.join("specs"), &dir.path().join("specs"))?;
        for generated in cloudvpn_codegen::GENERATED_DIRS {
            copy_dir(&root.join(generated), &dir.path().join(generated))?;
        }
        Ok(ScratchWorkspace { dir })
    }

    /// Its root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }
}
