//! The library behind `cargo xtask`: tests call [`codegen`] directly.

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

/// Where the generated types live, relative to the workspace.
pub const GENERATED_DIR: &str = cloudvpn_codegen::TYPES_DIR;
/// Where the specs live, relative to the workspace.
pub const SPECS_DIR: &str = "specs";

/// Write the files, or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write what differs and remove files the specs no longer produce.
    Write,
    /// Write nothing; fail when anything differs.
    Check,
}

/// Why codegen failed.
#[derive(Debug)]
pub enum Error {
    /// The specs do not load.
    Specs(cloudvpn_spec::SpecErrors),
    /// The generator produced unparsable code.
    Codegen(cloudvpn_codegen::CodegenError),
    /// Reading or writing a file failed.
    Io(PathBuf, std::io::Error),
    /// `--check` found differences.
    Stale(Vec<String>),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Specs(e) => write!(f, "the specs do not load:\n{e}"),
            Error::Codegen(e) => write!(f, "{e}"),
            Error::Io(p, e) => write!(f, "{}: {e}", p.display()),
            Error::Stale(files) => {
                writeln!(
                    f,
                    "generated code is stale; these files differ from what the specs give:"
                )?;
                for file in files {
                    writeln!(f, "  {file}")?;
                }
                write!(f, "run `cargo xtask codegen` and commit the result")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Generates the types crate from the specs of the workspace at `root`, writing or checking.
pub fn codegen(root: &Path, mode: Mode) -> Result<String, Error> {
    let specs = cloudvpn_spec::load(&root.join(SPECS_DIR)).map_err(Error::Specs)?;
    let files = cloudvpn_codegen::generate(&specs, root).map_err(Error::Codegen)?;

    let mut differing = Vec::new();
    let mut expected = BTreeSet::new();
    for file in &files {
        let path = root.join(file.dir).join(&file.path);
        expected.insert(path.clone());
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() != Some(file.contents.as_str()) {
            differing.push(format!("{}/{}", file.dir, file.path));
            if mode == Mode::Write {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .map_err(|e| Error::Io(parent.to_path_buf(), e))?;
                }
                std::fs::write(&path, &file.contents).map_err(|e| Error::Io(path.clone(), e))?;
            }
        }
    }
    let mut existing = Vec::new();
    for dir in cloudvpn_codegen::GENERATED_DIRS {
        existing.extend(existing_files(&root.join(dir))?);
    }
    for leftover in existing {
        if !expected.contains(&leftover) {
            let rel = leftover.strip_prefix(root).unwrap_or(&leftover);
            differing.push(format!("{} (no longer generated)", rel.display()));
            if mode == Mode::Write {
                std::fs::remove_file(&leftover).map_err(|e| Error::Io(leftover.clone(), e))?;
            }
        }
    }
    match mode {
        Mode::Check if !differing.is_empty() => Err(Error::Stale(differing)),
        Mode::Check => Ok(format!("{} generated files are up to date", files.len())),
        Mode::Write => Ok(format!(
            "{} generated files, {} updated",
            files.len(),
            differing.len()
        )),
    }
}

fn existing_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::Io(d, e)),
        };
        for entry in entries {
            let path = entry.map_err(|e| Error::Io(d.clone(), e))?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
